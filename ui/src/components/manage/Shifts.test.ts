// @vitest-environment jsdom
// Shifts in the back office against a stubbed till: the list with over and short, the open
// shift's X report (resets nothing), a shift's detail with its movements and its Z as printed,
// and the tab offered to managers only.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ShiftSummary, ShiftTotals, ShiftView, ZReport } from "../../lib/bindings";
import { $, $$, cleanupScreen, click, mountScreen, resetMocks, testShop, text } from "../../test/screen";

const api = vi.hoisted(() => ({
  shiftsList: vi.fn(),
  currentShift: vi.fn(),
  xReport: vi.fn(),
  shiftDetail: vi.fn(),
  zReport: vi.fn(),
}));
vi.mock("../../lib/api", () => api);

const { default: Shifts } = await import("./Shifts.svelte");
const { default: Manage } = await import("../Manage.svelte");

const shop = testShop();

const LIST: ShiftSummary[] = [
  { id: 9, opened_at: "2026-12-08T08:00:00Z", opened_by: "Ann", closed_at: null, z_number: null, counted: null, expected: null, variance: null },
  { id: 8, opened_at: "2026-12-07T08:00:00Z", opened_by: "Bob", closed_at: "2026-12-07T18:00:00Z", z_number: 12, counted: 10050, expected: 10000, variance: 50 },
  { id: 7, opened_at: "2026-12-06T08:00:00Z", opened_by: "Ann", closed_at: "2026-12-06T18:00:00Z", z_number: 11, counted: 9000, expected: 10000, variance: -1000 },
];

const OPEN: ShiftView = {
  id: 9, till_id: "T1", opened_at: "2026-12-08T08:00:00Z", opened_by: "Ann", float: 10000, float_count: [], movements: [], closed_at: null, z_number: null,
};

const X: ShiftTotals = {
  currency: "GBP", gross: 12345, discounts: 100, refunds: { count: 1, value: 500 }, refund_tax: 83, voids: { count: 0, value: 0 }, net: 11845,
  tax: [{ name: "standard", basis_points: 2000, net: 9871, tax: 1974, gross: 11845 }],
  tenders: { cash: { count: 3, value: 4000 }, cards: [{ brand: "visa", count: 2, value: 7845 }], points: { count: 0, value: 0 } },
  cash_rounding: 0, points_earned: 0, points_redeemed: 0, sales: 5, average_sale: 2369, drawer_openings: 4, no_sales: 1,
  paid_in: { count: 0, value: 0 }, paid_out: { count: 1, value: 500 }, drops: { count: 0, value: 0 }, counted: null, expected: 13500,
  variance: null, grand_total: 987654, journal_position: 321,
};

const DETAIL: ShiftView = {
  id: 8, till_id: "T1", opened_at: "2026-12-07T08:00:00Z", opened_by: "Bob", float: 10000, float_count: [],
  movements: [{ kind: "paid_out", amount: 500, reason: "Window cleaner", staff: "Mia", at: "2026-12-07T10:00:00Z" }],
  closed_at: "2026-12-07T18:00:00Z", z_number: 12,
};

const Z = { z_number: 12, printed: ["Z REPORT 12", "OVER                                       0.50"] } as unknown as ZReport;

beforeEach(() => {
  resetMocks(api);
  api.shiftsList.mockResolvedValue(LIST);
  api.currentShift.mockResolvedValue(OPEN);
  api.xReport.mockResolvedValue(X);
  api.shiftDetail.mockResolvedValue(DETAIL);
  api.zReport.mockResolvedValue(Z);
});

afterEach(cleanupScreen);

const cells = (r: HTMLElement) => [...r.querySelectorAll("td")].map((c) => c.textContent!.replace(/\s+/g, " ").trim());

describe("Shifts in the back office", () => {
  it("lists the shifts with their Z, counted, expected and over or short", async () => {
    await mountScreen(Shifts, { shop });
    const rows = $$("[data-testid=shifts-row]");
    expect(rows).toHaveLength(3);
    expect(cells(rows[0]).slice(1)).toEqual(["Ann", "open", "", "", ""]);
    expect(cells(rows[1]).slice(1)).toEqual(["Bob", "12", "100.50", "100.00", "Over 0.50"]);
    expect(cells(rows[2]).slice(1)).toEqual(["Ann", "11", "90.00", "100.00", "Short 10.00"]);
    expect(rows[2].querySelector(".short")).not.toBeNull();
  });

  it("shows the open shift's X report on request, resetting nothing", async () => {
    await mountScreen(Shifts, { shop });
    expect(text("[data-testid=shifts-open]")).toContain("float GBP 100.00");
    expect(api.xReport).not.toHaveBeenCalled();
    await click("[data-testid=x-report]");
    expect(api.xReport).toHaveBeenCalledTimes(1);
    expect(text("[data-testid=x-figures] h3")).toBe("X report (resets nothing)");
    const figure = (label: string) => $(`[data-testid=x-figure][data-label="${label}"]`)?.textContent;
    expect(figure("Net")).toBe("118.45");
    expect(figure("Card visa (2)")).toBe("78.45");
    expect(figure("Expected in the drawer")).toBe("135.00");
    expect(figure("Tax standard 20%")).toBe("19.74");
    expect(figure("Tax in the refunds")).toBe("0.83");
  });

  it("says when no shift is open, with no X report to ask for", async () => {
    api.currentShift.mockResolvedValue(null);
    await mountScreen(Shifts, { shop });
    expect($("[data-testid=shifts-none-open]")).not.toBeNull();
    expect($("[data-testid=x-report]")).toBeNull();
  });

  it("opens a shift's detail: its movements and its Z as printed", async () => {
    await mountScreen(Shifts, { shop });
    await click($$("[data-testid=shifts-row]")[1]);
    expect(api.shiftDetail).toHaveBeenCalledWith(8);
    expect(api.zReport).toHaveBeenCalledWith(12);
    expect(cells($("[data-testid=movement-row]")!).slice(1)).toEqual(["Paid out", "Window cleaner", "Mia", "5.00"]);
    expect($$("[data-testid=z-line]").map((l) => l.textContent)).toEqual(Z.printed);
    expect($$("[data-testid=z-line]")[1].dataset.mark).toBe("over");
  });

  it("offers the Shifts tab to a manager, not to a cashier", async () => {
    await mountScreen(Manage, { shop, onback: () => {}, onshopchange: () => {}, actor: { id: 2, name: "Casey", role: "cashier" } } as never);
    expect($("[data-testid=tab-shifts]")).toBeNull();
    expect($("[data-testid=tab-orders]")).not.toBeNull();
    expect(api.shiftsList).not.toHaveBeenCalled();
    cleanupScreen();
    await mountScreen(Manage, { shop, onback: () => {}, onshopchange: () => {}, actor: { id: 1, name: "Mia", role: "manager" }, open: null } as never);
    expect($("[data-testid=tab-shifts]")).not.toBeNull();
  });
});

// @vitest-environment jsdom
// Shifts at the sell screen, against a stubbed till: the shift line, opening with the float
// counted, a sale refused for want of a shift, the Cash menu with a manager's approval, and the
// blind close with the note the till asks for and the Z as printed.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CartView } from "../lib/types";
import type { ShiftView, ZReport } from "../lib/bindings";
import {
  $, $$, cleanupScreen, click, installDialogPolyfill, mountScreen, press, resetMocks, settle, submit, testShop, text, type,
} from "../test/screen";

const api = vi.hoisted(() => ({
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  paymentsStatus: vi.fn(),
  checkout: vi.fn(),
  cardCheckout: vi.fn(),
  currentShift: vi.fn(),
  denominations: vi.fn(),
  openShift: vi.fn(),
  payIn: vi.fn(),
  payOut: vi.fn(),
  dropToSafe: vi.fn(),
  closeShift: vi.fn(),
  expectedForClose: vi.fn(),
  xReport: vi.fn(),
}));
vi.mock("../lib/api", () => api);

const { default: Sell } = await import("./Sell.svelte");
const { default: CardDialog } = await import("./CardDialog.svelte");
const { provideApprovals } = await import("../lib/staff");

const shop = testShop();

const cart = (total: number): CartView => ({
  currency: "GBP", exponent: 2, tax_mode: "inclusive", items: total ? 1 : 0, subtotal: total, discount_total: 0, order_discount: null,
  tax_total: 0, total, tax_breakdown: [], customer: null, demo: false,
  lines: total ? [{ index: 0, sku: "TEA", name: "Tea", quantity: 1, unit_price: total, catalog_price: null, line_discount: 0, discount: null,
    order_discount_share: 0, tax_rate: "standard", gross: total }] : [],
});

const openedAt = (() => {
  const d = new Date();
  d.setHours(9, 2, 0, 0);
  return d.toISOString();
})();

const SHIFT: ShiftView = {
  id: 7, till_id: "T1", opened_at: openedAt, opened_by: "Ann", float: 10000, float_count: [{ minor: 2000, count: 5 }],
  movements: [], closed_at: null, z_number: null,
};

const DENOMINATIONS = [
  { minor: 5000, kind: "note" }, { minor: 2000, kind: "note" }, { minor: 1000, kind: "note" }, { minor: 100, kind: "coin" }, { minor: 50, kind: "coin" },
];

const Z = {
  till_id: "T1", z_number: 12, shift_id: 7, opened_at: openedAt, closed_at: openedAt, closed_by: "Ann", count: [], counted: 10050,
  expected: 10000, variance: 50, note: "Customer left change", approved_by: null, float_left: 10000, banked: 50,
  totals: { currency: "GBP" },
  printed: ["                   Z REPORT 12                  ", "Expected                                 100.00", "Counted                                  100.50", "OVER                                       0.50", "Note: Customer left change"],
} as unknown as ZReport;

const row = (minor: number) => $(`[data-testid=count-row][data-minor="${minor}"]`)!;
const rowInput = (minor: number) => row(minor).querySelector<HTMLInputElement>("[data-testid=count-input]")!;

beforeEach(() => {
  resetMocks(api);
  api.expectedForClose.mockResolvedValue(null);
  installDialogPolyfill();
  api.currentCart.mockResolvedValue(cart(150));
  api.categories.mockResolvedValue([]);
  api.listProducts.mockResolvedValue({ products: [], total: 0 });
  api.paymentsStatus.mockResolvedValue(null);
  api.currentShift.mockResolvedValue(SHIFT);
  api.denominations.mockResolvedValue(DENOMINATIONS);
});

afterEach(cleanupScreen);

const start = () => mountScreen(Sell, { shop });

describe("Sell screen: the shift", () => {
  it("says since when the shift is open, or that none is, with Open shift", async () => {
    await start();
    expect(text("[data-testid=shift-state]")).toMatch(/^Shift open since 09.02/);
    expect($("[data-testid=open-shift]")).toBeNull();
    cleanupScreen();
    api.currentShift.mockResolvedValue(null);
    await start();
    expect(text("[data-testid=shift-state]")).toBe("No shift open");
    expect($("[data-testid=cash-menu]")).toBeNull();
  });

  it("opens a shift with the float counted by note and coin, sending the rows counted", async () => {
    api.currentShift.mockResolvedValue(null);
    api.openShift.mockResolvedValue(SHIFT);
    await start();
    await click("[data-testid=open-shift]");
    expect($$("[data-testid=count-row]").map((r) => r.dataset.minor)).toEqual(["5000", "2000", "1000", "100", "50"]);
    expect(document.activeElement).toBe(rowInput(5000));
    type(rowInput(2000), "4");
    type(rowInput(100), "15");
    type(rowInput(50), "x");
    expect(row(50).querySelector("[data-testid=count-row-error]")?.textContent).toBe("A whole number of pieces, 0 or more");
    expect(text("[data-testid=count-total]")).toBe("GBP 95.00");
    await submit("[data-testid=open-shift-dialog] form");
    expect(api.openShift).not.toHaveBeenCalled();
    type(rowInput(50), "10");
    expect(text("[data-testid=count-total]")).toBe("GBP 100.00");
    await submit("[data-testid=open-shift-dialog] form");
    expect(api.openShift).toHaveBeenCalledWith([{ minor: 2000, count: 4 }, { minor: 100, count: 15 }, { minor: 50, count: 10 }]);
    expect($("[data-testid=open-shift-dialog]")).toBeNull();
    expect(text("[data-testid=shift-state]")).toMatch(/^Shift open since/);
  });

  it("counts a currency without notes and coins as one total", async () => {
    api.currentShift.mockResolvedValue(null);
    api.denominations.mockResolvedValue([]);
    api.openShift.mockResolvedValue(SHIFT);
    await start();
    await click("[data-testid=open-shift]");
    expect($$("[data-testid=count-row]")).toHaveLength(0);
    type("[data-testid=count-input]", "80.50");
    expect(text("[data-testid=count-total]")).toBe("GBP 80.50");
    await submit("[data-testid=open-shift-dialog] form");
    expect(api.openShift).toHaveBeenCalledWith([{ minor: 8050, count: 1 }]);
  });

  it("opens the Open shift dialog when a cash sale is refused for want of a shift, the sale kept", async () => {
    api.currentShift.mockResolvedValue(SHIFT); // closed elsewhere since the screen asked
    api.checkout.mockRejectedValue({ code: "no_shift_open", message: "No shift is open at this till: open one first" });
    api.openShift.mockResolvedValue(SHIFT);
    await start();
    press("F12", window);
    await settle();
    await click("[data-testid=pay-confirm]");
    expect($("[data-testid=pay-dialog]")).toBeNull();
    expect($("[data-testid=open-shift-dialog]")).not.toBeNull();
    expect($("[data-testid=open-shift-needed]")).not.toBeNull();
    expect(text("[data-testid=shift-state]")).toBe("No shift open");
    type(rowInput(2000), "5");
    await submit("[data-testid=open-shift-dialog] form");
    expect(api.openShift).toHaveBeenCalledWith([{ minor: 2000, count: 5 }]);
    expect($("[data-testid=open-shift-dialog]")).toBeNull();
    expect(text("[data-testid=cart-total]")).toBe("GBP 1.50");
    expect($("[data-testid=sell-error]")).toBeNull();
  });

  it("hands a card sale refused for want of a shift back to the screen, nothing shown as failed", async () => {
    api.cardCheckout.mockRejectedValue({ code: "no_shift_open", message: "No shift is open" });
    const onnoshift = vi.fn();
    await mountScreen(CardDialog, {
      tenders: [{ kind: "card", amount: null }], status: null, due: "GBP 1.50", onpaid: vi.fn(), onother: vi.fn(), ondone: vi.fn(), onnoshift,
    } as never);
    expect(onnoshift).toHaveBeenCalledTimes(1);
    expect(text("[data-testid=card-error]") ?? "").toBe("");
  });

  it("pays out with a reason after a manager's approval when the till refuses a cashier", async () => {
    const asked: string[] = [];
    const stop = provideApprovals(async (permission) => {
      asked.push(permission);
      return true;
    });
    try {
      api.payOut
        .mockRejectedValueOnce({ code: "not_permitted", message: "Paying cash out is a manager's", permission: "manage_cash" })
        .mockResolvedValueOnce(SHIFT);
      await start();
      await click("[data-testid=cash-menu]");
      await click("[data-testid=pay-out]");
      type("[data-testid=cash-amount]", "5.00");
      await submit("[data-testid=cash-move-dialog] form");
      expect(text("[data-testid=cash-reason-error]")).toBe("Say what the cash is for");
      expect(api.payOut).not.toHaveBeenCalled();
      type("[data-testid=cash-reason]", "Window cleaner");
      await submit("[data-testid=cash-move-dialog] form");
      expect(asked).toEqual(["manage_cash"]);
      expect(api.payOut).toHaveBeenCalledTimes(2);
      expect(api.payOut).toHaveBeenLastCalledWith("5.00", "Window cleaner");
      expect($("[data-testid=cash-move-dialog]")).toBeNull();
      expect(text("[data-testid=cash-note]")).toBe("Paid out: GBP 5.00");
    } finally {
      stop();
    }
  });

  it("closes the Cash menu on Esc, focus back on its button, and the Open shift dialog on Esc", async () => {
    await start();
    await click("[data-testid=cash-menu]");
    expect(document.activeElement).toBe($("[data-testid=pay-in]"));
    press("ArrowDown");
    expect(document.activeElement).toBe($("[data-testid=pay-out]"));
    press("Escape");
    await settle();
    expect($("[data-testid=pay-in]")).toBeNull();
    expect(document.activeElement).toBe($("[data-testid=cash-menu]"));
    cleanupScreen();
    api.currentShift.mockResolvedValue(null);
    await start();
    await click("[data-testid=open-shift]");
    press("Escape", $("[data-testid=open-shift-dialog]")!);
    await settle();
    expect($("[data-testid=open-shift-dialog]")).toBeNull();
    expect(api.openShift).not.toHaveBeenCalled();
  });

  it("shows a drop above the drawer's cash on the amount, and Esc closes the dialog", async () => {
    api.dropToSafe.mockRejectedValue({ code: "more_than_in_drawer", message: "The drawer should hold only GBP 100.00" });
    await start();
    await click("[data-testid=cash-menu]");
    await click("[data-testid=safe-drop]");
    expect($("[data-testid=cash-reason]")).toBeNull();
    type("[data-testid=cash-amount]", "500");
    await submit("[data-testid=cash-move-dialog] form");
    expect(api.dropToSafe).toHaveBeenCalledWith("500");
    expect(text("[data-testid=cash-amount-error]")).toBe("The drawer should hold only GBP 100.00");
    press("Escape", $("[data-testid=cash-amount]")!);
    await settle();
    expect($("[data-testid=cash-move-dialog]")).toBeNull();
  });
});

describe("Sell screen: closing the shift", () => {
  async function openClose() {
    await start();
    await click("[data-testid=cash-menu]");
    await click("[data-testid=close-shift]");
  }

  it("counts blind: no expected cash asked for or shown before the close", async () => {
    await openClose();
    expect($("[data-testid=close-shift-dialog]")).not.toBeNull();
    expect(api.xReport).not.toHaveBeenCalled();
    expect($("[data-testid=close-shift-dialog]")!.textContent).not.toMatch(/expected|100\.00/i);
    expect($("[data-testid=close-note]")).toBeNull();
  });

  it("asks the note the till wants, then closes and shows the Z as printed with the over marked", async () => {
    api.closeShift
      .mockRejectedValueOnce({ code: "note_required", message: "The drawer is over by GBP 0.50: a note saying why is needed" })
      .mockResolvedValueOnce(Z);
    await openClose();
    type(rowInput(5000), "2");
    type(rowInput(50), "1");
    type("[data-testid=float-left]", "100.00");
    await submit("[data-testid=close-shift-dialog] form");
    expect(api.closeShift).toHaveBeenCalledWith([{ minor: 5000, count: 2 }, { minor: 50, count: 1 }], "100.00", null);
    expect(text("[data-testid=close-note-why]")).toBe("The drawer is over by GBP 0.50: a note saying why is needed");
    expect(document.activeElement).toBe($("[data-testid=close-note]"));
    await submit("[data-testid=close-shift-dialog] form");
    expect(text("[data-testid=close-note-error]")).toBe("Type a note saying why");
    expect(api.closeShift).toHaveBeenCalledTimes(1);
    type("[data-testid=close-note]", "Customer left change");
    press("Enter", $("[data-testid=close-note]")!);
    await settle();
    expect(api.closeShift).toHaveBeenLastCalledWith([{ minor: 5000, count: 2 }, { minor: 50, count: 1 }], "100.00", "Customer left change");
    expect($("[data-testid=close-shift-dialog]")).toBeNull();
    const lines = $$("[data-testid=z-line]");
    expect(lines.map((l) => l.textContent)).toEqual(Z.printed);
    expect(lines.filter((l) => l.dataset.mark === "over").map((l) => l.textContent)).toEqual(["OVER                                       0.50"]);
    expect(text("[data-testid=z-variance]")).toBe("Over GBP 0.50");
    expect($("[data-testid=z-report]")?.dataset.columns).toBe("48");
    expect(api.xReport).not.toHaveBeenCalled();
    await click("[data-testid=z-done]");
    expect($("[data-testid=z-report]")).toBeNull();
    expect(text("[data-testid=shift-state]")).toBe("No shift open");
  });

  it("asks a manager's approval when the difference needs one, then closes again", async () => {
    const asked: string[] = [];
    const stop = provideApprovals(async (permission) => {
      asked.push(permission);
      return true;
    });
    try {
      api.closeShift
        .mockRejectedValueOnce({ code: "not_permitted", message: "A drawer this far out needs a manager", permission: "manage_cash" })
        .mockResolvedValueOnce({ ...Z, variance: -2000, printed: ["SHORT                                     20.00"] });
      await openClose();
      type(rowInput(2000), "4");
      await submit("[data-testid=close-shift-dialog] form");
      expect(asked).toEqual(["manage_cash"]);
      expect(api.closeShift).toHaveBeenCalledTimes(2);
      expect(api.closeShift).toHaveBeenLastCalledWith([{ minor: 2000, count: 4 }], "", null);
      expect($("[data-testid=z-line]")?.dataset.mark).toBe("short");
      expect(text("[data-testid=z-variance]")).toBe("Short GBP 20.00");
    } finally {
      stop();
    }
  });

  it("shows a float left above the count on its field, and a refused approval over the form", async () => {
    api.closeShift
      .mockRejectedValueOnce({ code: "float_above_counted", message: "The float left cannot be more than the GBP 40.00 counted" })
      .mockRejectedValueOnce({ code: "not_permitted", message: "A drawer this far out needs a manager", permission: "manage_cash" });
    const stop = provideApprovals(async () => false);
    try {
      await openClose();
      type(rowInput(2000), "2");
      type("[data-testid=float-left]", "50");
      await submit("[data-testid=close-shift-dialog] form");
      expect(text("[data-testid=float-left-error]")).toBe("The float left cannot be more than the GBP 40.00 counted");
      type("[data-testid=float-left]", "");
      await submit("[data-testid=close-shift-dialog] form");
      expect(text("[data-testid=close-error]")).toBe("A drawer this far out needs a manager");
      expect($("[data-testid=close-shift-dialog]")).not.toBeNull();
    } finally {
      stop();
    }
  });
});

describe("Close shift when the shop does not count blind", () => {
  async function openClose() {
    await start();
    await click("[data-testid=cash-menu]");
    await click("[data-testid=close-shift]");
  }

  it("shows the cash expected before the count", async () => {
    api.expectedForClose.mockResolvedValue(12345);
    await openClose();
    await settle();
    expect(text("[data-testid=close-expected]")).toContain("123.45");
  });

  it("shows nothing expected while the shop counts blind", async () => {
    await openClose();
    await settle();
    expect($("[data-testid=close-expected]")).toBeNull();
  });
});

// @vitest-environment jsdom
// The reports screen against a stubbed till: figures shown as the till reports them, the quick
// periods, the charts, errors next to the date fields and saving as CSV.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PeriodRow, ProductRow, Report, ReportQuery, TenderRow, Totals } from "../../lib/types";
import {
  $, $$, choose, cleanupScreen, click, mountScreen, resetMocks, setValue, settle, testShop, text as textOf,
} from "../../test/screen";

const api = vi.hoisted(() => ({
  businessDay: vi.fn(),
  report: vi.fn(),
  saveReportCsv: vi.fn(),
}));
vi.mock("../../lib/api", () => api);

const { default: Reports } = await import("./Reports.svelte");

const shop = testShop({ name: "Corner Café" });

const TODAY = "2026-11-28";

const totals = (t: Partial<Totals> = {}): Totals => ({
  orders: 0, items: 0, gross_sales: 0, discounts: 0, refunds: 0, net_sales: 0, tax: 0, total_collected: 0, ...t,
});
/** A period whose sales less refunds are `sold - refunds`, with 0.50 of discounts and tax on top. */
const row = (period: string, sold: number, refunds = 0): PeriodRow => {
  const net = sold - refunds;
  const tax = Math.round(sold / 6);
  return { period, orders: 2, items: 3, gross_sales: net + 50 + refunds, discounts: 50, refunds, net_sales: net, tax, total_collected: net + tax };
};

// What the stub till answers: today's sales by hour, and the asked-for period by any breakdown.
function answer(q: ReportQuery): Report {
  const base = { shop: shop.name, currency: "GBP", from: q.from, to: q.to, by: q.by as Report["by"] };
  if (q.from === TODAY && q.to === TODAY && q.by === "hour") {
    return { ...base, totals: totals({ orders: 3, items: 7, gross_sales: 4650, discounts: 100, refunds: 550, net_sales: 4000, tax: 758, total_collected: 4758 }),
      rows: [row("09:00", 1500), row("13:00", 3050, 550)] };
  }
  const t = totals({ orders: 12, items: 30, gross_sales: 125456, discounts: 2000, refunds: 3456, net_sales: 120000, tax: 20576, total_collected: 140576 });
  switch (q.by) {
    case "day":
      return { ...base, totals: t, rows: q.from === q.to ? [row(q.from, 123456, 3456)] : [row(q.from, 100000), row(q.to, 23456, 30000)] };
    case "hour":
      return { ...base, totals: t, rows: [row("10:00", 123456, 3456)] };
    case "product":
      return { ...base, totals: t, rows: [
        { sku: "LATTE", name: "Latte", quantity: 10, gross: 3200, refunded_quantity: 1, refunds: 320, net: 2880 },
        { sku: "TEA", name: "Tea", quantity: 4, gross: 600, refunded_quantity: 0, refunds: 0, net: 600 },
      ] satisfies ProductRow[] };
    default:
      return { ...base, totals: t, rows: [
        { tender: "card", payments: 8, amount: 90000, refunds: 3456, net: 86544 },
        { tender: "cash", payments: 4, amount: 33456, refunds: 0, net: 33456 },
      ] satisfies TenderRow[] };
  }
}

const text = (testid: string) => textOf(`[data-testid=${testid}]`);
const cells = (r: HTMLElement) => Object.fromEntries(
  [...r.querySelectorAll<HTMLElement>("td")].map((c) => [c.dataset.testid!.replace("cell-", ""), c.textContent!.trim()]),
);
const periodQueries = () => api.report.mock.calls.map((c) => c[0] as ReportQuery);

const start = () => mountScreen(Reports, { shop });

async function setDate(testid: string, value: string) {
  setValue(`[data-testid=${testid}]`, value);
  await settle();
}

beforeEach(() => {
  resetMocks(api);
  api.businessDay.mockResolvedValue(TODAY);
  api.report.mockImplementation(async (q: ReportQuery) => answer(q));
});

afterEach(cleanupScreen);

describe("Reports screen", () => {
  it("shows today at a glance from the till's report, with the average sale rounded", async () => {
    await start();
    expect(api.report).toHaveBeenCalledWith({ from: TODAY, to: TODAY, by: "hour", limit: null });
    expect(text("today-date")).toBe("Sat 28 Nov 2026");
    expect(text("today-orders")).toBe("3");
    expect(text("today-items")).toBe("7");
    expect(text("today-net_sales")).toBe("40.00");
    expect(text("today-refunds")).toBe("5.50");
    expect(text("today-total_collected")).toBe("47.58");
    expect(text("today-average")).toBe("15.86"); // 4758 / 3, what a customer paid on average
    const bars = $$("[data-testid=today-hour-chart-bar]");
    expect(bars).toHaveLength(24);
    expect(bars[9].querySelector("title")?.textContent).toBe("09:00: 15.00 GBP");
    expect(bars[13].dataset.value).toBe("2500");
    const svg = $("[data-testid=today-hour-chart-svg]")!;
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.getAttribute("aria-label")).toBe("Sales by hour, net sales in GBP: highest 13:00 with 25.00.");
    expect(svg.getAttribute("style")).toBeNull();
    expect($$("[data-testid=today-hour-chart-table] tbody tr")).toHaveLength(24);
  });

  it("opens on today by day with the CLI's totals and columns", async () => {
    await start();
    expect(periodQueries()).toContainEqual({ from: TODAY, to: TODAY, by: "day", limit: null });
    expect((($("[data-testid=report-from]")) as HTMLInputElement).dataset.day).toBe(TODAY);
    expect($("[data-testid=preset-today]")?.getAttribute("aria-pressed")).toBe("true");
    expect(text("report-total-orders")).toBe("12");
    expect(text("report-total-items")).toBe("30");
    // The manager's order and words: gross sales → discounts → refunds → net sales → tax → total collected.
    expect(text("report-total-gross_sales")).toBe("1254.56");
    expect(text("report-total-discounts")).toBe("20.00");
    expect(text("report-total-refunds")).toBe("34.56");
    expect(text("report-total-net_sales")).toBe("1200.00");
    expect(text("report-total-tax")).toBe("205.76");
    expect(text("report-total-total_collected")).toBe("1405.76");
    expect(text("report-definition-net_sales")).toBe("gross sales less discounts and refunds: what sales earned, without tax");
    const heads = $$("[data-testid=report-table] thead th").map((th) => th.textContent?.trim());
    expect(heads).toEqual(["Period", "Orders", "Items", "Gross sales", "Discounts", "Refunds", "Net sales", "Tax", "Total collected"]);
    const rows = $$("[data-testid=report-row]");
    expect(rows).toHaveLength(1);
    expect(cells(rows[0])).toEqual({
      period: TODAY, orders: "2", items: "3", gross_sales: "1235.06", discounts: "0.50", refunds: "34.56", net_sales: "1200.00", tax: "205.76", total_collected: "1405.76",
    });
    // One day: no day chart; today's hours are already charted at the top.
    expect($("[data-testid=day-chart]")).toBeNull();
    expect($("[data-testid=hour-chart]")).toBeNull();
  });

  it("runs the last 7 days from the till's business day and charts each day, refunds below zero", async () => {
    await start();
    api.report.mockClear();
    await click("[data-testid=preset-last-7-days]");
    expect(api.report).toHaveBeenCalledWith({ from: "2026-11-22", to: TODAY, by: "day", limit: null });
    expect(api.report).toHaveBeenCalledTimes(1);
    expect($("[data-testid=preset-last-7-days]")?.getAttribute("aria-pressed")).toBe("true");
    expect($("[data-testid=preset-today]")?.getAttribute("aria-pressed")).toBe("false");
    const bars = $$("[data-testid=day-chart-bar]");
    expect(bars).toHaveLength(7);
    expect(bars.map((b) => b.dataset.value)).toEqual(["100000", "0", "0", "0", "0", "0", "-6544"]);
    expect(bars[6].getAttribute("class")).toContain("negative");
    expect(bars[0].getAttribute("class")).not.toContain("negative");
    expect(Number(bars[6].getAttribute("y"))).toBeGreaterThanOrEqual(Number(bars[0].getAttribute("y")) + Number(bars[0].getAttribute("height")) - 0.001);
    expect($("[data-testid=day-chart]")?.textContent).toContain("22 Nov");
    expect($("[data-testid=day-chart-svg]")?.getAttribute("aria-label")).toBe(
      "Sales by day, net sales in GBP: highest Sun 22 Nov 2026 with 1000.00; lowest Sat 28 Nov 2026 with -65.44.",
    );
  });

  it("sends This month and Yesterday as business days", async () => {
    await start();
    await click("[data-testid=preset-this-month]");
    expect(periodQueries()).toContainEqual({ from: "2026-11-01", to: TODAY, by: "day", limit: null });
    await click("[data-testid=preset-yesterday]");
    expect(periodQueries()).toContainEqual({ from: "2026-11-27", to: "2026-11-27", by: "day", limit: null });
    // A single day other than today gets its own hour chart.
    expect(periodQueries()).toContainEqual({ from: "2026-11-27", to: "2026-11-27", by: "hour", limit: null });
    expect($$("[data-testid=hour-chart-bar]")).toHaveLength(24);
  });

  it("lists top products with the CLI's columns and the default limit of 20", async () => {
    await start();
    choose("[data-testid=report-by]", "product");
    await settle();
    expect(periodQueries()).toContainEqual({ from: TODAY, to: TODAY, by: "product", limit: 20 });
    const heads = $$("[data-testid=report-table] thead th").map((th) => th.textContent?.trim());
    expect(heads).toEqual(["SKU", "Name", "Qty", "Gross", "Refunds", "Net"]);
    const rows = $$("[data-testid=report-row]");
    expect(cells(rows[0])).toEqual({ sku: "LATTE", name: "Latte", qty: "9", gross: "32.00", refunds: "3.20", net: "28.80" });

    const limit = $("[data-testid=report-limit]") as HTMLInputElement;
    setValue(limit, "5");
    await settle();
    expect(periodQueries()).toContainEqual({ from: TODAY, to: TODAY, by: "product", limit: 5 });

    api.report.mockClear();
    setValue(limit, "0");
    await settle();
    expect(api.report).not.toHaveBeenCalled();
    expect(text("field-error-limit")).toMatch(/^limit: /);
  });

  it("lists tenders as taken, refunded and net", async () => {
    await start();
    choose("[data-testid=report-by]", "tender");
    await settle();
    expect(periodQueries()).toContainEqual({ from: TODAY, to: TODAY, by: "tender", limit: null });
    const rows = $$("[data-testid=report-row]");
    expect(cells(rows[0])).toEqual({ tender: "card", payments: "8", taken: "900.00", refunded: "34.56", net: "865.44" });
  });

  it("charts a many-day period by day even when broken down by tender", async () => {
    await start();
    choose("[data-testid=report-by]", "tender");
    await settle();
    await setDate("report-from", "2026-11-25");
    expect(periodQueries()).toContainEqual({ from: "2026-11-25", to: TODAY, by: "tender", limit: null });
    expect(periodQueries()).toContainEqual({ from: "2026-11-25", to: TODAY, by: "day", limit: null });
    expect($$("[data-testid=day-chart-bar]")).toHaveLength(4);
    expect($$("[data-testid=report-row]")).toHaveLength(2);
  });

  it("says 'to' is before 'from' next to the To field, without asking the till, and keeps the dates", async () => {
    await start();
    api.report.mockClear();
    await setDate("report-to", "2026-11-20");
    expect(api.report).not.toHaveBeenCalled();
    expect(text("field-error-to")).toBe("to: 2026-11-20 is before from 2026-11-28");
    expect($("[data-testid=field-error-from]")).toBeNull();
    expect(($("[data-testid=report-to]") as HTMLInputElement).dataset.day).toBe("2026-11-20");
    expect($("[data-testid=report-to]")?.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe($("[data-testid=report-to]"));
  });

  it("puts the till's refusal next to the field it names", async () => {
    await start();
    api.report.mockRejectedValue({ code: "invalid_input", message: "--to: 2026-11-28 is before --from 2026-11-29" });
    await setDate("report-from", "2026-11-27");
    expect(text("field-error-to")).toBe("to: 2026-11-28 is before from 2026-11-29");
    api.report.mockRejectedValue({ code: "invalid_input", message: "from: 'x': expected a date as YYYY-MM-DD" });
    await setDate("report-from", "2026-11-26");
    expect(text("field-error-from")).toBe("from: 'x': expected a date as YYYY-MM-DD");
    expect($("[data-testid=field-error-to]")).toBeNull();
    api.report.mockRejectedValue({ code: "internal", message: "the store is busy" });
    await setDate("report-from", "2026-11-25");
    expect(text("report-error")).toBe("the store is busy");
  });

  it("saves the report shown as CSV and says where", async () => {
    api.saveReportCsv.mockResolvedValue({ path: "/home/sam/report-2026-11-28.csv", rows: 1 });
    await start();
    await click("[data-testid=report-save-csv]");
    expect(api.saveReportCsv).toHaveBeenCalledWith({ from: TODAY, to: TODAY, by: "day", limit: null });
    expect(text("report-saved")).toBe("Saved 1 row to /home/sam/report-2026-11-28.csv");
    expect(text("report-saved-path")).toBe("/home/sam/report-2026-11-28.csv");

    api.saveReportCsv.mockResolvedValue(null);
    await click("[data-testid=report-save-csv]");
    expect($("[data-testid=report-saved]")).toBeNull();
    expect($("[data-testid=report-error]")).toBeNull();
  });

  it("reads today and the period again on Refresh, with the till's new business day", async () => {
    await start();
    api.report.mockClear();
    api.businessDay.mockResolvedValue("2026-11-29");
    await click("[data-testid=report-refresh]");
    expect(api.report).toHaveBeenCalledWith({ from: "2026-11-29", to: "2026-11-29", by: "hour", limit: null });
    expect(api.report).toHaveBeenCalledWith({ from: TODAY, to: TODAY, by: "day", limit: null });
    expect(text("today-date")).toBe("Sun 29 Nov 2026");
    expect($("[data-testid=preset-yesterday]")?.getAttribute("aria-pressed")).toBe("true");
  });

  it("shows a quiet day as zeros: no average, an empty chart and no rows", async () => {
    api.report.mockImplementation(async (q: ReportQuery) => ({
      shop: shop.name, currency: "GBP", from: q.from, to: q.to, by: q.by, totals: totals(), rows: [],
    }));
    await start();
    expect(text("today-average")).toBe("no sales");
    expect(text("today-net_sales")).toBe("0.00");
    const bars = $$("[data-testid=today-hour-chart-bar]");
    expect(bars).toHaveLength(24);
    expect(bars.every((b) => b.getAttribute("height") === "0")).toBe(true);
    expect($("[data-testid=today-hour-chart-svg]")?.getAttribute("aria-label")).toBe("Sales by hour, net sales in GBP: no sales.");
    expect(text("report-total-net_sales")).toBe("0.00");
    expect($("[data-testid=report-empty]")).not.toBeNull();
    expect($$("[data-testid=report-row]")).toHaveLength(0);
  });
});

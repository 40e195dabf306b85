import { describe, expect, it } from "vitest";
import type { PeriodRow, ProductRow, TenderRow } from "./types";
import {
  addDays,
  averageSale,
  checkRange,
  columnsFor,
  dayPoints,
  eachDay,
  hourPoints,
  isDay,
  longDay,
  parseLimit,
  periodLabel,
  presetFor,
  presetRange,
  screenMessage,
  shortDay,
  spansDays,
} from "./reports";

const period = (p: string, net: number): PeriodRow => ({
  period: p, orders: 1, items: 1, gross_sales: net, discounts: 0, refunds: 0, net_sales: net, tax: 0, total_collected: net,
});

describe("business days", () => {
  it("adds days across month, year and leap-day boundaries", () => {
    expect(addDays("2026-11-28", -6)).toBe("2026-11-22");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });
  it("refuses impossible dates", () => {
    expect(isDay("2026-02-30")).toBe(false);
    expect(isDay("2026-13-01")).toBe(false);
    expect(isDay("28/11/2026")).toBe(false);
    expect(isDay("2026-11-28")).toBe(true);
    expect(() => addDays("nope", 1)).toThrow();
  });
  it("lists every day of a period, both ends included", () => {
    expect(eachDay("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(eachDay("2026-03-02", "2026-03-01")).toEqual([]);
    expect(eachDay("2026-03-02", "2026-03-02")).toEqual(["2026-03-02"]);
  });
});

describe("quick periods from the till's business day", () => {
  it("gives today, yesterday, the last 7 days and this month", () => {
    expect(presetRange("today", "2026-11-28")).toEqual({ from: "2026-11-28", to: "2026-11-28" });
    expect(presetRange("yesterday", "2026-11-01")).toEqual({ from: "2026-10-31", to: "2026-10-31" });
    expect(presetRange("last-7-days", "2026-11-03")).toEqual({ from: "2026-10-28", to: "2026-11-03" });
    expect(presetRange("this-month", "2026-11-28")).toEqual({ from: "2026-11-01", to: "2026-11-28" });
    expect(presetRange("this-month", "2026-11-01")).toEqual({ from: "2026-11-01", to: "2026-11-01" });
  });
  it("recognises which quick period a range is, preferring Today over This month on the 1st", () => {
    expect(presetFor({ from: "2026-11-22", to: "2026-11-28" }, "2026-11-28")).toBe("last-7-days");
    expect(presetFor({ from: "2026-11-01", to: "2026-11-01" }, "2026-11-01")).toBe("today");
    expect(presetFor({ from: "2026-11-02", to: "2026-11-28" }, "2026-11-28")).toBeNull();
  });
  it("knows when a period covers more than one day", () => {
    expect(spansDays({ from: "2026-11-28", to: "2026-11-28" })).toBe(false);
    expect(spansDays({ from: "2026-11-27", to: "2026-11-28" })).toBe(true);
  });
});

describe("checking the period before asking the till", () => {
  it("names the field at fault, like the till does", () => {
    expect(checkRange({ from: "", to: "2026-11-28" })?.field).toBe("from");
    expect(checkRange({ from: "2026-11-31", to: "2026-11-28" })).toEqual({
      field: "from", message: "from: '2026-11-31': expected a date as YYYY-MM-DD",
    });
    expect(checkRange({ from: "2026-11-28", to: "" })?.field).toBe("to");
    expect(checkRange({ from: "2026-11-28", to: "2026-11-27" })).toEqual({
      field: "to", message: "to: 2026-11-27 is before from 2026-11-28",
    });
    expect(checkRange({ from: "2026-11-27", to: "2026-11-28" })).toBeNull();
  });
  it("takes a whole number of products, 1 or more", () => {
    expect(parseLimit(" 20 ")).toBe(20);
    expect(parseLimit("0")).toMatchObject({ field: "limit" });
    expect(parseLimit("2.5")).toMatchObject({ field: "limit" });
    expect(parseLimit("")).toMatchObject({ field: "limit" });
    expect(parseLimit("-3")).toMatchObject({ field: "limit" });
  });
  it("speaks of the screen's fields, not the command line's flags", () => {
    expect(screenMessage("--to: 2026-11-01 is before --from 2026-11-05")).toBe("to: 2026-11-01 is before from 2026-11-05");
    expect(screenMessage("from: 'x': expected a date as YYYY-MM-DD")).toBe("from: 'x': expected a date as YYYY-MM-DD");
  });
});

describe("labels", () => {
  it("writes days short for axes and long for headings", () => {
    expect(shortDay("2026-11-28")).toBe("28 Nov");
    expect(longDay("2026-11-28")).toBe("Sat 28 Nov 2026");
    expect(periodLabel({ from: "2026-11-28", to: "2026-11-28" })).toBe("Sat 28 Nov 2026");
    expect(periodLabel({ from: "2026-11-01", to: "2026-11-28" })).toBe("Sun 1 Nov 2026 – Sat 28 Nov 2026");
  });
});

describe("average sale", () => {
  it("is net over orders, rounded half away from zero", () => {
    expect(averageSale(1000, 3)).toBe(333);
    expect(averageSale(1001, 2)).toBe(501);
    expect(averageSale(-1001, 2)).toBe(-501);
    expect(averageSale(999, 1)).toBe(999);
  });
  it("is absent with no orders", () => {
    expect(averageSale(0, 0)).toBeNull();
    expect(averageSale(-500, 0)).toBeNull();
  });
});

describe("chart series", () => {
  it("has all 24 hours, zero where the till reported nothing", () => {
    const pts = hourPoints([period("09:00", 1200), period("14:00", -300)]);
    expect(pts).toHaveLength(24);
    expect(pts[0]).toEqual({ label: "00", name: "00:00", value: 0 });
    expect(pts[9].value).toBe(1200);
    expect(pts[14]).toEqual({ label: "14", name: "14:00", value: -300 });
    expect(pts[23].label).toBe("23");
  });
  it("has every day of the period in order", () => {
    const pts = dayPoints([period("2026-11-27", 500)], { from: "2026-11-26", to: "2026-11-28" });
    expect(pts.map((p) => p.value)).toEqual([0, 500, 0]);
    expect(pts[1]).toEqual({ label: "27 Nov", name: "Fri 27 Nov 2026", value: 500 });
  });
});

describe("columns, as `versapos report` prints them", () => {
  it("prints period rows in the manager's order and words", () => {
    expect(columnsFor("day").map((c) => c.id)).toEqual(["period", "orders", "items", "gross_sales", "discounts", "refunds", "net_sales", "tax", "total_collected"]);
    expect(columnsFor("hour")).toBe(columnsFor("day"));
  });
  it("prints products with the quantity kept (sold less refunded)", () => {
    const cols = columnsFor("product");
    expect(cols.map((c) => c.id)).toEqual(["sku", "name", "qty", "gross", "refunds", "net"]);
    const row: ProductRow = { sku: "TEA", name: "Tea", quantity: 5, gross: 750, refunded_quantity: 2, refunds: 300, net: 450 };
    expect(cols.map((c) => c.value(row))).toEqual(["TEA", "Tea", 3, 750, 300, 450]);
  });
  it("prints tenders as taken, refunded and net", () => {
    const cols = columnsFor("tender");
    expect(cols.map((c) => c.label)).toEqual(["Tender", "Payments", "Taken", "Refunded", "Net"]);
    const row: TenderRow = { tender: "cash", payments: 4, amount: 2000, refunds: 150, net: 1850 };
    expect(cols.map((c) => c.value(row))).toEqual(["cash", 4, 2000, 150, 1850]);
  });
  it("prints staff members as the command line does", () => {
    const cols = columnsFor("staff");
    expect(cols.map((c) => c.id)).toEqual(["staff", "orders", "gross", "refunds", "net"]);
    const row = { staff: "Casey", orders: 3, gross: 1200, refunds: 200, net: 1000 };
    expect(cols.map((c) => c.value(row))).toEqual(["Casey", 3, 1200, 200, 1000]);
  });
});

describe("days in the shop's locale", () => {
  it("are written as the shop writes them once it has a locale", async () => {
    const { useLocale } = await import("./locale");
    const { longDay, shortDay } = await import("./reports");
    expect(longDay("2026-11-28")).toBe("Sat 28 Nov 2026");
    useLocale("de-DE");
    expect(longDay("2026-11-28")).toBe(new Intl.DateTimeFormat("de-DE", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(2026, 10, 28))));
    expect(shortDay("2026-11-28")).toMatch(/28/);
    useLocale(null);
    expect(shortDay("2026-11-28")).toBe("28 Nov");
  });
});

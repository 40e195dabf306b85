// The reports screen's display logic: business-day ranges for the quick buttons, the columns the
// `versapos report` command prints, and labels. Every figure comes from the till's report; the
// only arithmetic here is for display (the average sale, rounded, and the CLI's net quantity).

import type { ChartPoint } from "./chart";
import { shopLocale } from "./locale";
import type { PeriodRow, ProductRow, StaffRow, TenderRow, Totals } from "./types";

export type Breakdown = "day" | "hour" | "product" | "tender" | "staff";

export const BREAKDOWNS: { id: Breakdown; label: string }[] = [
  { id: "day", label: "By day" },
  { id: "hour", label: "By hour" },
  { id: "product", label: "By product" },
  { id: "tender", label: "By tender" },
  { id: "staff", label: "By staff member" },
];

/** How many products a product breakdown lists unless the manager asks for another number. */
export const DEFAULT_PRODUCT_LIMIT = 20;

// --- business days ------------------------------------------------------------------------------

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** A business day (YYYY-MM-DD) as UTC midnight in milliseconds, or null when it is not a real date. */
export function dayToTime(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t;
}

export function isDay(text: string): boolean {
  return dayToTime(text) !== null;
}

function timeToDay(t: number): string {
  const d = new Date(t);
  const y = String(d.getUTCFullYear()).padStart(4, "0");
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
}

/** The business day `n` days after `day` (before it when negative). */
export function addDays(day: string, n: number): string {
  const t = dayToTime(day);
  if (t === null) throw new RangeError(`not a date: ${day}`);
  return timeToDay(t + n * MS_PER_DAY);
}

/** Every business day from `from` to `to`, both included; empty when `to` is before `from`. */
export function eachDay(from: string, to: string): string[] {
  const a = dayToTime(from);
  const b = dayToTime(to);
  if (a === null || b === null) return [];
  const out: string[] = [];
  for (let t = a; t <= b; t += MS_PER_DAY) out.push(timeToDay(t));
  return out;
}

export type Preset = "today" | "yesterday" | "last-7-days" | "this-month";

export const PRESETS: { id: Preset; label: string }[] = [
  { id: "today", label: "Today" },
  { id: "yesterday", label: "Yesterday" },
  { id: "last-7-days", label: "Last 7 days" },
  { id: "this-month", label: "This month" },
];

export interface DayRange {
  from: string;
  to: string;
}

/** The days a quick button stands for, counted from the till's business day. */
export function presetRange(preset: Preset, today: string): DayRange {
  switch (preset) {
    case "today":
      return { from: today, to: today };
    case "yesterday": {
      const y = addDays(today, -1);
      return { from: y, to: y };
    }
    case "last-7-days":
      return { from: addDays(today, -6), to: today };
    case "this-month":
      return { from: `${today.slice(0, 8)}01`, to: today };
  }
}

/** The quick button whose range is exactly `range`, if any (so it can show as chosen). */
export function presetFor(range: DayRange, today: string): Preset | null {
  if (!isDay(today)) return null;
  return PRESETS.find((p) => {
    const r = presetRange(p.id, today);
    return r.from === range.from && r.to === range.to;
  })?.id ?? null;
}

/** Whether a period covers more than one business day. */
export function spansDays(range: DayRange): boolean {
  return range.from !== range.to;
}

export interface FieldProblem {
  field: "from" | "to" | "limit";
  message: string;
}

/**
 * What is wrong with the period typed, before asking the till: worded like the till's own
 * "field: message" errors so both land next to the same field.
 */
export function checkRange(range: DayRange): FieldProblem | null {
  if (range.from.trim() === "") return { field: "from", message: "from: choose the first day" };
  if (!isDay(range.from)) return { field: "from", message: `from: '${range.from}': expected a date as YYYY-MM-DD` };
  if (range.to.trim() === "") return { field: "to", message: "to: choose the last day" };
  if (!isDay(range.to)) return { field: "to", message: `to: '${range.to}': expected a date as YYYY-MM-DD` };
  if (range.to < range.from) return { field: "to", message: `to: ${range.to} is before from ${range.from}` };
  return null;
}

/** The number of products to list, as typed; a problem when it is not a whole number of 1 or more. */
export function parseLimit(text: string): number | FieldProblem {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1 || !Number.isSafeInteger(Number(t))) {
    return { field: "limit", message: "limit: enter how many products to list, 1 or more" };
  }
  return Number(t);
}

/**
 * The till names its report fields the way the command line does ("--to: … is before --from …");
 * on this screen they are the "from" and "to" fields.
 */
export function screenMessage(message: string): string {
  return message.replace(/--(from|to|limit|by)\b/g, "$1");
}

// --- labels -------------------------------------------------------------------------------------

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "2026-11-28" → "28 Nov" (a chart's axis). */
export function shortDay(day: string): string {
  const t = dayToTime(day);
  if (t === null) return day;
  const d = new Date(t);
  const locale = shopLocale();
  if (locale) return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(d);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** "2026-11-28" → "Sat 28 Nov 2026" (headings, tooltips). */
export function longDay(day: string): string {
  const t = dayToTime(day);
  if (t === null) return day;
  const d = new Date(t);
  // In the shop's locale when it has one; else day before month with the month in words, which
  // no one misreads.
  const locale = shopLocale();
  if (locale) {
    return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(d);
  }
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A period in words: one day, or "first – last". */
export function periodLabel(range: DayRange): string {
  return range.from === range.to ? longDay(range.from) : `${longDay(range.from)} – ${longDay(range.to)}`;
}

/** The 24 hours of the day as the till names them in hour reports: "00:00" … "23:00". */
export const HOURS: string[] = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, "0")}:00`);

/**
 * The average sale in minor units, rounded half away from zero, for display only: net / orders.
 * Null when there were no orders.
 */
export function averageSale(net: number, orders: number): number | null {
  if (orders <= 0) return null;
  const q = Math.abs(net) / orders;
  return Math.sign(net) * Math.round(q);
}

// --- series for the charts ----------------------------------------------------------------------

/** Net sales for each of the 24 hours ("00" … "23"): hours with no sales and no refunds are zero. */
export function hourPoints(rows: PeriodRow[]): ChartPoint[] {
  const byHour = new Map(rows.map((r) => [r.period, r.net_sales]));
  return HOURS.map((h) => ({ label: h.slice(0, 2), name: h, value: byHour.get(h) ?? 0 }));
}

/** Net sales for each day of the period: days with no sales and no refunds are zero. */
export function dayPoints(rows: PeriodRow[], range: DayRange): ChartPoint[] {
  const byDay = new Map(rows.map((r) => [r.period, r.net_sales]));
  return eachDay(range.from, range.to).map((d) => ({ label: shortDay(d), name: longDay(d), value: byDay.get(d) ?? 0 }));
}

// --- the table: the columns `versapos report` prints --------------------------------------------

export type ColumnKind = "text" | "count" | "money";

export interface Column<R> {
  /** The CLI's column name; also the cell's test id (`cell-<id>`). */
  id: string;
  label: string;
  kind: ColumnKind;
  value: (row: R) => string | number;
}

/**
 * A period's sales in a manager's words and order, each with what it means (the same words as
 * `versapos report`): gross sales − discounts − refunds = net sales; net sales + tax = total
 * collected. Net is without tax.
 */
export type SalesFigure = "gross_sales" | "discounts" | "refunds" | "net_sales" | "tax" | "total_collected";

export const SALES_TERMS: { id: SalesFigure; label: string; definition: string }[] = [
  { id: "gross_sales", label: "Gross sales", definition: "goods at full price, before discounts and refunds, without tax" },
  { id: "discounts", label: "Discounts", definition: "taken off prices, line and order discounts" },
  { id: "refunds", label: "Refunds", definition: "given back on the day of the refund, without tax" },
  { id: "net_sales", label: "Net sales", definition: "gross sales less discounts and refunds: what sales earned, without tax" },
  { id: "tax", label: "Tax", definition: "collected on sales, less the tax given back with refunds" },
  { id: "total_collected", label: "Total collected", definition: "what customers paid less what was given back: net sales plus tax" },
];

export const PERIOD_COLUMNS: Column<PeriodRow>[] = [
  { id: "period", label: "Period", kind: "text", value: (r) => r.period },
  { id: "orders", label: "Orders", kind: "count", value: (r) => r.orders },
  { id: "items", label: "Items", kind: "count", value: (r) => r.items },
  ...SALES_TERMS.map((t): Column<PeriodRow> => ({ id: t.id, label: t.label, kind: "money", value: (r) => r[t.id] })),
];

export const PRODUCT_COLUMNS: Column<ProductRow>[] = [
  { id: "sku", label: "SKU", kind: "text", value: (r) => r.sku },
  { id: "name", label: "Name", kind: "text", value: (r) => r.name },
  // The command line prints the quantity kept: sold less refunded.
  { id: "qty", label: "Qty", kind: "count", value: (r) => r.quantity - r.refunded_quantity },
  { id: "gross", label: "Gross", kind: "money", value: (r) => r.gross },
  { id: "refunds", label: "Refunds", kind: "money", value: (r) => r.refunds },
  { id: "net", label: "Net", kind: "money", value: (r) => r.net },
];

export const TENDER_COLUMNS: Column<TenderRow>[] = [
  { id: "tender", label: "Tender", kind: "text", value: (r) => r.tender },
  { id: "payments", label: "Payments", kind: "count", value: (r) => r.payments },
  { id: "taken", label: "Taken", kind: "money", value: (r) => r.amount },
  { id: "refunded", label: "Refunded", kind: "money", value: (r) => r.refunds },
  { id: "net", label: "Net", kind: "money", value: (r) => r.net },
];

export const STAFF_COLUMNS: Column<StaffRow>[] = [
  { id: "staff", label: "Staff", kind: "text", value: (r) => r.staff },
  { id: "orders", label: "Orders", kind: "count", value: (r) => r.orders },
  { id: "gross", label: "Gross", kind: "money", value: (r) => r.gross },
  { id: "refunds", label: "Refunds", kind: "money", value: (r) => r.refunds },
  { id: "net", label: "Net", kind: "money", value: (r) => r.net },
];

// Loosely typed so one table can show any breakdown; each list only ever meets its own rows.
export function columnsFor(by: Breakdown): Column<any>[] {
  switch (by) {
    case "day":
    case "hour":
      return PERIOD_COLUMNS;
    case "product":
      return PRODUCT_COLUMNS;
    case "tender":
      return TENDER_COLUMNS;
    case "staff":
      return STAFF_COLUMNS;
  }
}

/** The totals of `versapos report`, in its order: the counts, then the sales terms. */
export const TOTAL_FIELDS: { id: keyof Totals; label: string; kind: "count" | "money"; definition?: string }[] = [
  { id: "orders", label: "Orders", kind: "count" },
  { id: "items", label: "Items", kind: "count" },
  ...SALES_TERMS.map((t) => ({ id: t.id, label: t.label, kind: "money" as const, definition: t.definition })),
];

// The back office's past orders: words for statuses and tenders, the list's filters and paging,
// a receipt number scanned at the till, and the refund form turned into what the till is asked for. Amounts, tax, points and what a
// refund pays out are the till's; this module only reads and checks what the manager typed.

import { fieldForError } from "./errors";
import { shopLocale } from "./locale";
import { formatMoney } from "./money";
import { cancelled } from "./words";
import type { CommandError, LineView, OrderFilterInput, OrderSummary, OrderView, RefundInput } from "./types";

// --- words -----------------------------------------------------------------------------------

/** The order statuses the till knows, in the order an order lives through them. */
export const ORDER_STATUSES: readonly { value: string; label: string }[] = [
  { value: "paid", label: "Paid" },
  { value: "partially_refunded", label: "Partially refunded" },
  { value: "refunded", label: "Refunded" },
  { value: "voided", label: "Voided" },
  { value: "payment_pending", label: "Card payment pending" },
  { value: "payment_failed", label: "Card payment failed" },
  { value: "open", label: "Open" },
];

function sentence(code: string): string {
  const words = code.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "partially_refunded" → "Partially refunded"; a status this screen does not know reads as words. */
export function statusLabel(status: string): string {
  return ORDER_STATUSES.find((s) => s.value === status)?.label ?? sentence(status);
}

const PAYMENT_STATUSES: Record<string, () => string> = { succeeded: () => "paid", pending: () => "pending", canceled: () => cancelled() };

/** A payment's state in words ("cancelled", spelled as the shop's locale spells it); unknown ones as words. */
export function paymentStatusLabel(status: string): string {
  return PAYMENT_STATUSES[status]?.() ?? status.replace(/_/g, " ");
}

const TENDERS: Record<string, string> = { cash: "Cash", card: "Card", points: "Points" };

export function tenderLabel(tender: string): string {
  return TENDERS[tender] ?? sentence(tender);
}

const REFUND_KINDS: Record<string, string> = { whole: "Whole order", lines: "Items", amount: "Amount" };

/** How a past refund was asked for: the whole order, some items or an amount. */
export function refundKindLabel(kind: string): string {
  return REFUND_KINDS[kind] ?? sentence(kind);
}

/** A till timestamp (RFC 3339) as this computer's local date and time; anything else as it came. */
export function formatWhen(at: string, locale: string | undefined = shopLocale()): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  // The month in words: "6 Dec 2026, 18:21" is never read as 12 June.
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** A till timestamp as a day and time to read out ("Mon 7 Dec 2026, 10:15" here); anything else as it came. */
export function formatDayTime(at: string, locale: string | undefined = shopLocale()): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return new Intl.DateTimeFormat(locale, {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(d);
}

// --- a receipt number, as printed under the receipt's barcode --------------------------------

/** The till id (letters and digits, up to 16), a dash and the sale's number: "T1-000042". */
const RECEIPT_NUMBER = /^[A-Za-z0-9]{1,16}-\d{1,9}$/;

/** Whether a scanned or typed code could be a receipt number (a product's code may look the same). */
export function looksLikeReceipt(code: string): boolean {
  return RECEIPT_NUMBER.test(code);
}

/** A past sale in one line, for the cashier who scanned its receipt: when, how much, what became of it. */
export function receiptSummary(order: Pick<OrderView, "receipt" | "created_at" | "currency" | "total" | "status">, exponent: number): string {
  return `Receipt ${order.receipt} — ${formatDayTime(order.created_at)}, total ${formatMoney(order.total, exponent, order.currency)}, ${statusLabel(order.status).toLowerCase()}`;
}

// --- what can be done to an order -------------------------------------------------------------

/** Money was taken and some can still be given back (the till has the last word). */
export function canRefund(order: Pick<OrderView, "status">): boolean {
  return order.status === "paid" || order.status === "partially_refunded";
}

/** A paid order with nothing refunded can be voided (a mistake rung up). */
export function canVoid(order: Pick<OrderView, "status" | "refunded_total" | "refunds">): boolean {
  return order.status === "paid" && order.refunded_total === 0 && order.refunds.length === 0;
}

/** Units of a line that can still be refunded. */
export function refundableQuantity(line: Pick<LineView, "quantity" | "refunded_quantity">): number {
  return Math.max(0, line.quantity - line.refunded_quantity);
}

/** The list row for an order after it changed (a refund or a void), in place of the old one. */
export function rowFromOrder(row: OrderSummary, order: OrderView): OrderSummary {
  if (row.id !== order.id) return row;
  return { ...row, status: order.status, total: order.total, refunded_total: order.refunded_total };
}

// --- the list ---------------------------------------------------------------------------------

/** The filters as typed: "" means "any". Dates are YYYY-MM-DD from the date inputs. */
export type OrderFilterForm = { text: string; status: string; from: string; to: string };

export const EMPTY_FILTER: OrderFilterForm = { text: "", status: "", from: "", to: "" };

/** The filter to send: blanks become null, nothing else is changed (the till checks it). */
export function toOrderFilter(form: OrderFilterForm): OrderFilterInput {
  const v = (s: string) => (s.trim() === "" ? null : s.trim());
  return { text: v(form.text), status: v(form.status), from: v(form.from), to: v(form.to) };
}

/** A problem with the dates before asking the till: the last day before the first. */
export function filterProblem(form: OrderFilterForm): { field: "to"; message: string } | null {
  const from = form.from.trim();
  const to = form.to.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && to < from) {
    return { field: "to", message: "The last day is before the first day." };
  }
  return null;
}

export const FILTER_FIELDS = ["text", "status", "from", "to"] as const;

/**
 * One page of a list fetched with one row more than it shows: the rows to show and whether there
 * are older ones.
 */
export function splitPage<T>(fetched: readonly T[], limit: number): { rows: T[]; more: boolean } {
  return { rows: fetched.slice(0, limit), more: fetched.length > limit };
}

export function newerOffset(offset: number, limit: number): number {
  return Math.max(0, offset - limit);
}

export function olderOffset(offset: number, limit: number): number {
  return offset + limit;
}

/** "Orders 51–100" for the page shown; "No orders" when there are none. */
export function pageLabel(offset: number, shown: number): string {
  if (shown === 0) return offset === 0 ? "No orders" : "No more orders";
  return `Orders ${offset + 1}–${offset + shown}`;
}

// --- the refund form --------------------------------------------------------------------------

export type RefundMode = "whole" | "lines" | "amount";

/** The refund dialog as filled in: quantities as typed, by line number. */
export type RefundForm = {
  mode: RefundMode;
  quantities: Record<number, string>;
  amount: string;
  restock: boolean;
};

/** The form's fields a problem can be shown next to: "quantity-<line_no>", "lines", "amount", "restock". */
export type RefundProblem = { field: string; message: string };

export function quantityField(lineNo: number): string {
  return `quantity-${lineNo}`;
}

export function newRefundForm(order: Pick<OrderView, "lines">): RefundForm {
  const quantities: Record<number, string> = {};
  // Blank, not "0": the cashier types the number to refund (blank is none of that line).
  for (const l of order.lines) quantities[l.line_no] = "";
  return { mode: "whole", quantities, amount: "", restock: false };
}

/** The lines that still have units to refund. */
export function refundableLines(order: Pick<OrderView, "lines">): LineView[] {
  return order.lines.filter((l) => refundableQuantity(l) > 0);
}

/**
 * A typed quantity as a whole number from 0 to `max`, or the reason it is not one.
 * Blank counts as 0 (nothing from that line).
 */
export function readQuantity(text: string, max: number): { quantity: number } | { message: string } {
  const t = text.trim();
  if (t === "") return { quantity: 0 };
  if (!/^\d+$/.test(t)) return { message: "Enter a whole number of items." };
  const q = Number(t);
  if (q > max) return { message: max === 0 ? "Nothing left to refund on this line." : `At most ${max} can be refunded.` };
  return { quantity: q };
}

/**
 * What to send for the form, or the problems to show next to its fields. The whole order is no
 * amount and no lines; lines go by SKU (one entry per SKU, added up across lines); stock goes back
 * only when goods come back.
 */
export function buildRefund(
  order: Pick<OrderView, "lines">,
  form: RefundForm,
): { input: RefundInput } | { problems: RefundProblem[] } {
  if (form.mode === "whole") return { input: { amount: null, lines: [], restock: form.restock } };
  if (form.mode === "amount") {
    const amount = form.amount.trim();
    if (amount === "") return { problems: [{ field: "amount", message: "Enter the amount to refund." }] };
    return { input: { amount, lines: [], restock: false } };
  }
  const problems: RefundProblem[] = [];
  const bySku = new Map<string, number>();
  for (const l of order.lines) {
    const read = readQuantity(form.quantities[l.line_no] ?? "", refundableQuantity(l));
    if ("message" in read) {
      problems.push({ field: quantityField(l.line_no), message: read.message });
    } else if (read.quantity > 0) {
      bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + read.quantity);
    }
  }
  if (problems.length > 0) return { problems };
  // No line at all would read as "the whole order" to the till: never send that by accident.
  if (bySku.size === 0) return { problems: [{ field: "lines", message: "Choose how many of at least one item to refund." }] };
  const lines = [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
  return { input: { amount: null, lines, restock: form.restock } };
}

/**
 * Where the till's refusal of a refund goes on the form: next to the amount, the stock checkbox
 * or the items it names; null for the dialog's general message.
 */
export function refundErrorField(err: CommandError, mode: RefundMode): "amount" | "restock" | "lines" | null {
  const byCode: Record<string, string> =
    mode === "amount"
      ? { refund_exceeds_paid: "amount", amount_invalid: "amount" }
      : mode === "lines"
        ? { refund_invalid: "lines" }
        : {};
  const field = fieldForError(err, ["amount", "restock", "quantity", "sku", "lines"], byCode);
  if (field === "restock") return "restock";
  if (field === "amount") return mode === "amount" ? "amount" : null;
  if (field === "quantity" || field === "sku" || field === "lines") return mode === "lines" ? "lines" : null;
  return null;
}

// The till's shift as the sell screen shows it: whether one is open and since when, and the
// cash actions on it (open with a counted float, pay in, pay out, safe drop, close with the
// count). The till decides everything; a close is blind: nothing here asks for the expected cash.

import * as api from "./api";
import { fieldOf } from "./errors";
import { formatBasisPoints, formatMinor } from "./money";
import { formatWhen } from "./orders";
import { withApproval } from "./staff";
import type { CountLine, MovementKind, ShiftTotals, ShiftView, ZReport } from "./bindings";
import type { CommandError } from "./types";

/** The cash moved in or out of the drawer during a shift, as the Cash menu offers it. */
export type CashMove = MovementKind;

export const MOVE_LABELS: Record<CashMove, string> = { paid_in: "Pay in", paid_out: "Pay out", drop: "Safe drop" };
/** How the Z report and shift detail name a movement. */
export const MOVEMENT_NAMES: Record<CashMove, string> = { paid_in: "Paid in", paid_out: "Paid out", drop: "Safe drop" };

/** When a shift opened, as the sell screen says it: the time today ("09:02"), else day and time. */
export function openedLabel(at: string, now: Date = new Date(), locale?: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(d) : formatWhen(at, locale);
}

/** Over (+), short (−) or exact, in words, for a variance in minor units already formatted as `amount`. */
export function varianceWord(variance: number): "Over" | "Short" | "Exact" {
  return variance > 0 ? "Over" : variance < 0 ? "Short" : "Exact";
}

/** Where a refusal of a pay in, pay out or drop belongs on its form. */
export function moveErrorField(err: CommandError): "amount" | "reason" | null {
  switch (err.code) {
    case "bad_text":
      return "reason";
    case "more_than_in_drawer":
    case "bad_amount":
      return "amount";
    case "invalid_input": {
      const f = fieldOf(err.message, ["amount", "reason"]);
      return f === "reason" ? "reason" : f === "amount" ? "amount" : null;
    }
    default:
      return null;
  }
}

/** Where a refusal of a close belongs on its form: the count, the float left, the note, or over it all. */
export function closeErrorField(err: CommandError): "count" | "float" | "note" | null {
  switch (err.code) {
    case "bad_count":
      return "count";
    case "float_above_counted":
      return "float";
    case "note_required":
    case "bad_text":
      return "note";
    case "invalid_input": {
      const f = fieldOf(err.message, ["float_left", "note"]);
      return f === "note" ? "note" : f === "float_left" ? "float" : null;
    }
    default:
      return null;
  }
}

export class Shift {
  /** The shift open at this till; null: none (or not known yet, see `known`). */
  current = $state<ShiftView | null>(null);
  /** The till has said whether a shift is open. */
  known = $state(false);
  /** The Z report of the shift just closed here, until it is done with. */
  z = $state<ZReport | null>(null);

  readonly open = $derived(this.current !== null && this.current.closed_at === null);

  /** Asks the till for its open shift; the last answer stays when it cannot say. */
  async refresh() {
    try {
      this.current = await api.currentShift();
      this.known = true;
    } catch {
      // The shift line keeps what it said; a sale or a cash action says why in words.
    }
  }

  /** The till refused a sale for want of a shift. */
  closedElsewhere() {
    this.current = null;
    this.known = true;
  }

  /** Opens a shift with the float counted; rejects with the till's refusal. */
  async openWith(count: CountLine[]) {
    this.current = await api.openShift(count);
    this.known = true;
  }

  /** Cash paid in or out (a manager's: a cashier asks a manager's PIN) or dropped to the safe. */
  async move(kind: CashMove, amount: string, reason: string) {
    const a = amount.trim();
    const r = reason.trim();
    const call = () => (kind === "paid_in" ? api.payIn(a, r) : kind === "paid_out" ? api.payOut(a, r) : api.dropToSafe(a));
    this.current = await withApproval(call);
  }

  /**
   * Closes the shift with the drawer counted; an over or short beyond the manager's tolerance
   * asks a manager's PIN and closes again. Rejects with the till's refusal (a note it needs…).
   */
  async close(count: CountLine[], floatLeft: string, note: string | null): Promise<ZReport> {
    const n = note?.trim() ? note.trim() : null;
    const z = await withApproval(() => api.closeShift(count, floatLeft.trim(), n));
    this.z = z;
    this.current = null;
    this.known = true;
    return z;
  }
}

/** An X or Z report's figures as label and amount rows, in the order the printed report gives them. */
export function reportFigures(t: ShiftTotals, exponent: number): { label: string; value: string; strong?: boolean }[] {
  const m = (minor: number) => formatMinor(minor, exponent);
  const rows: { label: string; value: string; strong?: boolean }[] = [
    { label: `Sales (${t.sales})`, value: m(t.gross) },
    { label: "Discounts", value: m(t.discounts) },
    { label: `Refunds (${t.refunds.count})`, value: m(t.refunds.value) },
    { label: "Tax in the refunds", value: m(t.refund_tax) },
    { label: `Voids (${t.voids.count})`, value: m(t.voids.value) },
    { label: "Net", value: m(t.net), strong: true },
    { label: "Average sale", value: m(t.average_sale) },
    ...t.tax.map((r) => ({ label: `Tax ${r.name} ${formatBasisPoints(r.basis_points)}`, value: m(r.tax) })),
    { label: `Cash (${t.tenders.cash.count})`, value: m(t.tenders.cash.value) },
    ...t.tenders.cards.map((c) => ({ label: `Card ${c.brand} (${c.count})`, value: m(c.value) })),
    { label: `Points (${t.tenders.points.count})`, value: m(t.tenders.points.value) },
    { label: "Cash rounding", value: m(t.cash_rounding) },
    { label: "Drawer openings", value: String(t.drawer_openings) },
    { label: "No sales", value: String(t.no_sales) },
    { label: `Paid in (${t.paid_in.count})`, value: m(t.paid_in.value) },
    { label: `Paid out (${t.paid_out.count})`, value: m(t.paid_out.value) },
    { label: `Safe drops (${t.drops.count})`, value: m(t.drops.value) },
    { label: "Expected in the drawer", value: m(t.expected), strong: true },
    { label: "Grand total", value: m(t.grand_total) },
  ];
  return rows;
}

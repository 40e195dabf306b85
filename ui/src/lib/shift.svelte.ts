// The till's shift as the sell screen shows it: whether one is open and since when, and the
// cash actions on it (open with a counted float, pay in, pay out, safe drop, close with the
// count). The till decides everything; a close is blind: nothing here asks for the expected cash.

import * as api from "./api";
import { fieldOf } from "./errors";
import { formatWhen } from "./orders";
import { withApproval } from "./staff";
import type { CountLine, MovementKind, ShiftView, ZReport } from "./bindings";
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

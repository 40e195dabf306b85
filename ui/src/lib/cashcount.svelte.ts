// Counting the cash drawer on screen: one row per note and coin of the shop's currency (how many
// of each), or a single total for a currency whose notes and coins the till does not list. Used
// for the opening float and the count at close. Display and first checks only: the till checks
// the count again and names the part at fault.

import * as api from "./api";
import { formatMinor, parseMajor } from "./money";
import type { CountLine, Denomination, DenominationKind } from "./bindings";

/** The most pieces of one denomination the till takes in a count. */
export const MAX_PIECES = 100_000;

/** A note or coin as the count shows it, in the app's money style: 5000 → "50", 20 → "0.20". */
export function denominationLabel(minor: number, exponent: number): string {
  const unit = 10 ** Math.max(exponent, 0);
  return minor % unit === 0 ? formatMinor(minor / unit, 0) : formatMinor(minor, exponent);
}

/** How many pieces a row's text says (blank: none), or what is wrong with it. */
export function readPieces(text: string): { pieces: number } | { problem: string } {
  const t = text.trim();
  if (t === "") return { pieces: 0 };
  if (!/^\d+$/.test(t)) return { problem: "A whole number of pieces, 0 or more" };
  const n = Number(t);
  if (n > MAX_PIECES) return { problem: `At most ${MAX_PIECES.toLocaleString("en")} pieces` };
  return { pieces: n };
}

export type CountRow = { minor: number; kind: DenominationKind; label: string; text: string };

export class DrawerCount {
  readonly exponent: number;
  /** The notes and coins, largest first; empty with `plainTotal`. */
  rows = $state<CountRow[]>([]);
  /** The currency is counted as one total (the till lists no notes and coins for it). */
  plainTotal = $state(false);
  /** The total typed when `plainTotal`. */
  plain = $state("");
  /** The denominations have come from the till. */
  loaded = $state(false);
  /** Why the denominations could not be had, or the till's refusal of the count as a whole. */
  error = $state<string | null>(null);
  /** The till's refusal naming one row (by its denomination in minor units). */
  tillProblem = $state<{ minor: number; message: string } | null>(null);

  /** Each row's problem, or null, in the order of `rows`. */
  readonly problems = $derived(
    this.rows.map((r) => {
      const read = readPieces(r.text);
      if ("problem" in read) return read.problem;
      return this.tillProblem?.minor === r.minor ? this.tillProblem.message : null;
    }),
  );
  readonly plainProblem = $derived.by(() =>
    this.plain.trim() === "" || parseMajor(this.plain, this.exponent) !== null ? null : "Type an amount like 100.00",
  );
  /** The count so far in minor units; rows with a bad value count as nothing. */
  readonly total = $derived.by(() => {
    if (this.plainTotal) return parseMajor(this.plain, this.exponent) ?? 0;
    return this.rows.reduce((sum, r) => {
      const read = readPieces(r.text);
      return sum + ("pieces" in read ? read.pieces * r.minor : 0);
    }, 0);
  });
  readonly valid = $derived(this.loaded && (this.plainTotal ? this.plainProblem === null : this.rows.every((r) => "pieces" in readPieces(r.text))));

  constructor(exponent: number) {
    this.exponent = exponent;
  }

  /** Asks the till for the shop's notes and coins. */
  async load() {
    try {
      this.use(await api.denominations());
    } catch (e) {
      this.error = (e as { message?: string }).message ?? String(e);
    }
  }

  use(denominations: readonly Denomination[]) {
    this.rows = denominations.map((d) => ({ minor: d.minor, kind: d.kind, label: denominationLabel(d.minor, this.exponent), text: "" }));
    this.plainTotal = denominations.length === 0;
    this.loaded = true;
    this.error = null;
  }

  /** A row was typed in: any refusal of the count by the till is old news. */
  edited() {
    this.tillProblem = null;
    this.error = null;
  }

  /** The count as the till takes it (null while a row is wrong): only denominations counted. */
  lines(): CountLine[] | null {
    if (!this.valid) return null;
    if (this.plainTotal) return this.total === 0 ? [] : [{ minor: this.total, count: 1 }];
    return this.rows.flatMap((r) => {
      const read = readPieces(r.text);
      return "pieces" in read && read.pieces > 0 ? [{ minor: r.minor, count: read.pieces }] : [];
    });
  }

  /**
   * The till refused the count (`bad_count`, its message naming the part as "'0.20=x': …"):
   * shown on that row when it names one, else over the count.
   */
  refused(message: string) {
    const m = /^'([^=']+)=/.exec(message);
    const minor = m ? parseMajor(m[1], this.exponent) : null;
    const row = this.rows.find((r) => r.minor === minor);
    if (row) this.tillProblem = { minor: row.minor, message };
    else this.error = message;
  }
}

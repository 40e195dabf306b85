// What the Pay dialog offers and shows before the till confirms. Display only: the till decides
// what a tender covers, the change and any cash rounding, and the receipt shows its figures.

import type { TenderInput } from "./types";
import { formatMinor } from "./money";

/** Banknotes worth offering as quick amounts, in major units; by currency, else by exponent. */
const NOTES: Record<string, number[]> = {
  JPY: [1000, 2000, 5000, 10000],
  KRW: [1000, 5000, 10000, 50000],
  USD: [5, 10, 20, 50, 100],
  EUR: [5, 10, 20, 50, 100, 200],
  GBP: [5, 10, 20, 50],
  CHF: [10, 20, 50, 100, 200],
  KWD: [1, 5, 10, 20],
};

function notesFor(currency: string, exponent: number): number[] {
  return NOTES[currency] ?? (exponent === 0 ? [1000, 5000, 10000] : exponent === 3 ? [1, 5, 10, 20] : [5, 10, 20, 50, 100]);
}

/**
 * Quick cash amounts for `due` minor units: the exact amount first, then the next round sums a
 * customer is likely to hand over (each note rounded up to cover the amount), at most `max` in all.
 */
export function quickAmounts(due: number, exponent: number, currency: string, max = 5): number[] {
  if (due <= 0) return [];
  const unit = 10 ** exponent;
  const out = [due];
  for (const note of notesFor(currency, exponent)) {
    const step = note * unit;
    const amount = Math.ceil(due / step) * step;
    if (amount > due && !out.includes(amount)) out.push(amount);
  }
  return out.sort((a, b) => a - b).slice(0, max);
}

/** Change to show while the cashier types: never negative; null when the tender is short. */
export function changeDue(tendered: number, due: number): number | null {
  if (tendered < due) return null;
  return tendered - due;
}

/** What `points` are worth in minor units by the shop's redeem rate, rounded down (display only). */
export function pointsValue(points: number, redeemPerMajor: number, exponent: number): number {
  if (points <= 0 || redeemPerMajor <= 0) return 0;
  return Math.floor((points * 10 ** exponent) / redeemPerMajor);
}

/** Points needed to cover `amount` minor units (the most that makes sense to redeem). */
export function pointsToCover(amount: number, redeemPerMajor: number, exponent: number): number {
  if (amount <= 0 || redeemPerMajor <= 0) return 0;
  return Math.ceil((amount * redeemPerMajor) / 10 ** exponent);
}

/**
 * A planned tender in the Pay dialog, in minor units (points as a count). A cash or card amount of
 * null means "exactly what is left": the till works it out (with any cash rounding).
 */
export type PlannedTender =
  | { kind: "cash"; amount: number | null }
  | { kind: "card"; amount: number | null }
  | { kind: "points"; points: number; value: number };

/** What is still to pay after the tenders so far (display only). */
export function remainingDue(due: number, tenders: PlannedTender[]): number {
  let left = due;
  for (const t of tenders) {
    if (t.kind === "points") left -= t.value;
    else if (t.amount === null) left = 0;
    else left -= t.amount;
  }
  return Math.max(0, left);
}

/** The tenders as the `checkout` command takes them: points first, then money, as typed amounts. */
export function toTenderInputs(tenders: PlannedTender[], exponent: number): TenderInput[] {
  const points = tenders.filter((t) => t.kind === "points");
  const money = tenders.filter((t) => t.kind !== "points");
  return [...points, ...money].map((t) =>
    t.kind === "points"
      ? { kind: "points", value: String(t.points) }
      : { kind: t.kind, value: t.amount === null ? null : formatMinor(t.amount, exponent) },
  );
}

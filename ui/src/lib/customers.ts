// The customers screen's display logic: points history in words, its totals, signed points and
// dates as the till wrote them. Balances come from the till; the totals only sum its history.

import type { Customer, NewCustomerInput, PointsEntry } from "./types";

/** The most customers one search returns; beyond that the manager narrows the search. */
export const SEARCH_LIMIT = 50;

/** The fields of the sign-up form, as the till's messages name them ("email: …"). */
export const CUSTOMER_FIELDS = ["name", "email", "phone"] as const;

const KINDS: Record<string, string> = {
  earn: "Earned on a sale",
  redeem: "Spent on a sale",
  return_redeem: "Spent points given back",
  reverse_earn: "Earned points taken back",
};

/** A points history line's kind in words; a kind this screen does not know is shown as it is. */
export function kindLabel(kind: string): string {
  return KINDS[kind] ?? kind;
}

export type LedgerTotals = {
  /** Points earned on sales, less those taken back on refunds and voids. */
  earned: number;
  /** Points spent on sales, less those given back on refunds and voids. */
  spent: number;
  /** Points moved by any other kind of entry. */
  other: number;
};

/** What a customer has earned and spent over their whole history. */
export function ledgerTotals(ledger: readonly PointsEntry[]): LedgerTotals {
  const t: LedgerTotals = { earned: 0, spent: 0, other: 0 };
  for (const e of ledger) {
    if (e.kind === "earn" || e.kind === "reverse_earn") t.earned += e.points;
    else if (e.kind === "redeem" || e.kind === "return_redeem") t.spent -= e.points;
    else t.other += e.points;
  }
  return t;
}

/** Points with their sign: 12 → "+12", -5 → "−5", 0 → "0". */
export function signedPoints(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `−${-n}`;
  return "0";
}

/** The day of a till timestamp as written ("2025-03-12T14:03:11.123+00:00" → "2025-03-12"). */
export function formatDay(at: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(at);
  return m ? m[1] : at;
}

/** A till timestamp to the minute, in the till's local time as written: "2025-03-12 14:03". */
export function formatWhen(at: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(at);
  return m ? `${m[1]} ${m[2]}` : at;
}

/** The sign-up form as the till takes it: trimmed, empty contact details left out. */
export function newCustomerInput(form: { name: string; email: string; phone: string }): NewCustomerInput {
  return {
    name: form.name.trim(),
    email: form.email.trim() || null,
    phone: form.phone.trim() || null,
  };
}

/** A customer just added goes first in the list (once, even when the search also found them). */
export function withAdded(list: readonly Customer[], added: Customer): Customer[] {
  return [added, ...list.filter((c) => c.id !== added.id)];
}

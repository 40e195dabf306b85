// The customers screen's display logic: points history in words, its totals, signed points and
// dates as the till wrote them. Balances come from the till; the totals only sum its history.

import { shopLocale } from "./locale";
import { formatWhen as formatOrderTime } from "./orders";
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

/** The day of a till timestamp in the shop's way of writing dates ("12 Mar 2025" in en-GB): the
 * month in words, so no one reads 03/12 as 3 December. Anything else as it came. */
export function formatDay(at: string, locale: string | undefined = shopLocale()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(at);
  if (!m) return at;
  // The day as the till wrote it, whatever this computer's time zone.
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(day);
}

/** A till timestamp to the minute, in the shop's way of writing dates and times. */
export function formatWhen(at: string, locale: string | undefined = shopLocale()): string {
  return formatOrderTime(at, locale);
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

// Counted things in words, one way everywhere: "1 item", "3 items", "1 line", "All 4 lines"; and
// the words whose spelling follows the shop's locale.

import { shopLocale } from "./locale";

const PLURALS: Record<string, string> = {
  item: "items",
  line: "lines",
  sale: "sales",
  order: "orders",
  product: "products",
  customer: "customers",
  match: "matches",
  point: "points",
  "parked sale": "parked sales",
};

/** `n` and the noun, singular for one: count(1, "item") is "1 item". */
export function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : (PLURALS[noun] ?? `${noun}s`)}`;
}

/** "cancelled", as the shop's locale spells it: "canceled" in American English. */
export function cancelled(locale: string | undefined = shopLocale()): string {
  return locale === "en-US" ? "canceled" : "cancelled";
}

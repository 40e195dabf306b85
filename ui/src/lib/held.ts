// The sale left on the register when the till locks: whose it is and what is on it, for the
// lock screen and for the next person who signs in.

import * as api from "./api";
import { formatMoney } from "./money";
import { count } from "./words";

export interface HeldSale {
  /** The cashier who was signed in when the till locked. */
  by: string;
  items: number;
  total: number;
  currency: string;
  exponent: number;
}

/** The sale on the register as `by` leaves it (null when the register is empty or cannot say). */
export async function saleOnRegister(by: string): Promise<HeldSale | null> {
  try {
    const cart = await api.currentCart();
    if (!cart || cart.lines.length === 0) return null;
    return { by, items: cart.items, total: cart.total, currency: cart.currency, exponent: cart.exponent };
  } catch {
    return null;
  }
}

/** "3 items, GBP 12.50". */
export function heldSaleWords(h: HeldSale): string {
  return `${count(h.items, "item")}, ${formatMoney(h.total, h.exponent, h.currency)}`;
}

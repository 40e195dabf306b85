// The settings screen's display logic: tax percentages, the cash rounding choices, the loyalty
// example and the till's messages about a setting. The till parses, checks and stores every value;
// nothing here decides what a setting may be.

import { formatMinor, formatMoney, parseMajor } from "./money";
import type { LoyaltyRules, TaxMode } from "./types";

/** The settings the manager changes one at a time, by the names the till knows them by. */
export type SettingKey =
  | "shop-name"
  | "tax-mode"
  | "cash-rounding"
  | "loyalty-earn"
  | "loyalty-redeem"
  | "low-stock-level"
  | "default-tax-rate"
  | "lock-minutes"
  | "locale"
  | "time-zone"
  | "discount-limit"
  | "update-install"
  | "update-url"
  | "shop-address"
  | "shop-phone"
  | "tax-number"
  | "receipt-footer"
  | "auto-print";

/** When a receipt prints after a sale, as the till spells it for `auto-print`. */
export const AUTO_PRINT: readonly { value: string; label: string; hint: string }[] = [
  { value: "always", label: "Always", hint: "Every sale's receipt prints as soon as the sale is paid." },
  { value: "ask", label: "Ask each time", hint: "The till asks \"Print receipt?\" after each sale." },
  { value: "never", label: "Never", hint: "Receipts print only when asked for; the drawer still opens for cash." },
];

/** A rate in basis points as a manager types it, without the % sign: 2000 → "20", 550 → "5.5". */
export function percentInput(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const rest = Math.abs(basisPoints % 100);
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}`;
}

export const TAX_MODES: readonly { value: TaxMode; label: string; hint: string }[] = [
  {
    value: "inclusive",
    label: "Prices include tax",
    hint: "The price on the shelf is what the customer pays; the tax is worked out from it.",
  },
  {
    value: "exclusive",
    label: "Tax is added at the till",
    hint: "Prices are before tax; the tax is added on top when the sale is rung up.",
  },
];

export function taxModeLabel(mode: TaxMode): string {
  return TAX_MODES.find((m) => m.value === mode)?.label ?? mode;
}

export type RoundingOption = {
  /** What the till is sent: "none", "0.05" or "0.10". */
  value: string;
  label: string;
  /** The same step in minor units (1 for none), to recognise the shop's current setting. */
  increment: number;
};

/**
 * The cash rounding choices for a currency. The till takes "none", "0.05" or "0.10", and the
 * latter two only where the currency has cents (not JPY, for example).
 */
export function roundingOptions(exponent: number): RoundingOption[] {
  const options: RoundingOption[] = [{ value: "none", label: "No rounding", increment: 1 }];
  if (exponent >= 2) {
    for (const value of ["0.05", "0.10"]) {
      const increment = parseMajor(value, exponent);
      if (increment !== null && increment > 1) {
        options.push({ value, label: `To the nearest ${value}`, increment });
      }
    }
  }
  return options;
}

/** The choice matching the shop's rounding increment, or the increment in major units. */
export function roundingValue(increment: number, exponent: number): string {
  const match = roundingOptions(exponent).find((o) => o.increment === Math.max(1, increment));
  return match ? match.value : formatMinor(increment, exponent);
}

/** The shop's rounding in words: "No rounding", "To the nearest 0.05". */
export function roundingLabel(increment: number, exponent: number): string {
  const match = roundingOptions(exponent).find((o) => o.increment === Math.max(1, increment));
  return match ? match.label : `To the nearest ${formatMinor(increment, exponent)}`;
}

const points = (n: number) => `${n} ${n === 1 ? "point" : "points"}`;

/**
 * The loyalty rates as an example the manager can check at a glance, for a sale of ten whole
 * units of the currency: "A GBP 10.00 sale earns 10 points." and "100 points pay GBP 1.00."
 * Display only: the till works out the points on every sale.
 */
export function loyaltyExample(
  loyalty: LoyaltyRules,
  exponent: number,
  currency: string,
): { earn: string; redeem: string } {
  const unit = 10 ** Math.max(0, exponent);
  const sale = formatMoney(10 * unit, exponent, currency);
  const earn =
    loyalty.earn_per_major > 0
      ? `A ${sale} sale earns ${points(10 * loyalty.earn_per_major)}.`
      : `Sales earn no points.`;
  const redeem = `${points(loyalty.redeem_per_major)} ${loyalty.redeem_per_major === 1 ? "pays" : "pay"} ${formatMoney(unit, exponent, currency)}.`;
  return { earn, redeem };
}

/**
 * The till's message about a setting without the setting's own name in front, as a sentence:
 * "loyalty-earn: expected a whole number" → "Expected a whole number".
 */
export function settingMessage(key: string, message: string): string {
  const prefix = `${key}:`;
  const text = message.trimStart().toLowerCase().startsWith(prefix) ? message.trimStart().slice(prefix.length).trim() : message.trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

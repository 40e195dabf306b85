// Formatting of integer minor units for the screen, and reading what a cashier types.
// Display only: the back end parses and validates every amount it is sent.

/** Minor units (e.g. 1299) as a plain decimal in major units ("12.99"); exponent 0 gives "1200". */
export function formatMinor(minor: number | bigint, exponent: number): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (exponent <= 0) return (negative ? "-" : "") + digits;
  const padded = digits.padStart(exponent + 1, "0");
  const whole = padded.slice(0, padded.length - exponent);
  const frac = padded.slice(padded.length - exponent);
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** Like formatMinor, with the currency code in front: "GBP 12.99". */
export function formatMoney(minor: number | bigint, exponent: number, currency: string): string {
  return `${currency} ${formatMinor(minor, exponent)}`;
}

/**
 * What the cashier typed in major units ("12.5", "12,50", "1200") as minor units, or null when it
 * is not a plain non-negative amount with at most `exponent` decimals.
 */
export function parseMajor(text: string, exponent: number): number | null {
  const t = text.trim().replace(",", ".");
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t) ?? /^()\.(\d+)$/.exec(t);
  if (!m) return null;
  const whole = m[1] === "" ? "0" : m[1];
  const frac = m[2] ?? "";
  if (frac.length > exponent) return null;
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(frac.padEnd(exponent, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(minor);
}

/** A tax rate in basis points as a percentage: 2000 → "20%", 550 → "5.5%", 0 → "0%". */
export function formatBasisPoints(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const rest = Math.abs(bp % 100);
  if (rest === 0) return `${whole}%`;
  return `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}%`;
}

/** The currency's own sign as shoppers read it ("£", "$", "€", "¥"), or its code when it has none. */
export function currencySymbol(currency: string, locale?: string): string {
  try {
    const parts = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol" }).formatToParts(0);
    return parts.find((p) => p.type === "currency")?.value ?? currency;
  } catch {
    return currency;
  }
}

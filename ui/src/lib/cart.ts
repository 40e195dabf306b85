// Words for cart lines on screen and for screen readers. Figures come from the till as they are.

import { formatMinor, parseMajor } from "./money";
import type { CartLineView } from "./types";

/** "10% off (−1.30)" or "−0.50"; empty when the line has no discount of its own. */
export function discountLabel(line: CartLineView, exponent: number): string {
  if (!line.discount && line.line_discount === 0) return "";
  const amount = `−${formatMinor(line.line_discount, exponent)}`;
  return line.discount && line.discount.includes("%") ? `${line.discount} off (${amount})` : amount;
}

/** One sentence per line for assistive technology: "2 × Tea at 1.50, 3.00". */
export function lineSummary(line: CartLineView, exponent: number): string {
  const d = discountLabel(line, exponent);
  return `${line.quantity} × ${line.name} at ${formatMinor(line.unit_price, exponent)}, ${formatMinor(line.gross, exponent)}${d ? `, discount ${d}` : ""}`;
}

/**
 * What a manager is asked to approve for a discount as typed ("25%" or "0.50"), `of` what it is
 * taken off: "25% off line 2, Flat white (2 × 3.20 = 6.40)", with the share for an amount.
 */
export function discountApproval(typed: string, on: string, of: number, exponent: number): string {
  const t = typed.trim();
  const base = formatMinor(of, exponent);
  if (t.endsWith("%")) return `${t} off ${on} (${base})`;
  const off = parseMajor(t, exponent);
  const share = off !== null && of > 0 ? ` = ${Math.ceil((off * 1000) / of) / 10}%` : "";
  return `${t} off ${on} (${base})${share}`;
}

/** The words for one line in an approval: "line 2, Flat white (2 × 3.20 = 6.40)". */
export function lineForApproval(line: CartLineView, exponent: number): string {
  const each = formatMinor(line.unit_price, exponent);
  return `line ${line.index + 1}, ${line.name}${line.quantity > 1 ? ` (${line.quantity} × ${each})` : ""}`;
}

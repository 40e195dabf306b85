// Words for cart lines on screen and for screen readers. Figures come from the till as they are.

import { formatMinor } from "./money";
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

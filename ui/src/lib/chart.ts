// Geometry for the reports' bar charts, drawn as inline SVG: a value axis with round ticks that
// always includes zero, bars that grow up from zero for sales and down for days when refunds
// exceed sales, and how many category labels fit. Values are integer minor units.

import { formatMinor } from "./money";

/** One bar: its axis label ("14", "28 Nov"), its full name for tooltips and the table
 * ("14:00", "Sat 28 Nov 2026") and its net sales in minor units. */
export interface ChartPoint {
  label: string;
  name: string;
  value: number;
}

export interface Scale {
  /** The bottom and top of the value axis (min ≤ 0 ≤ max). Equal when every value is zero. */
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/** The smallest round step (1, 2 or 5 × 10^k minor units, at least 1) that is ≥ `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 1)) return 1;
  let power = 1;
  while (power * 10 <= raw) power *= 10;
  for (const f of [1, 2, 5, 10]) {
    if (f * power >= raw) return f * power;
  }
  return 10 * power;
}

/** A value axis covering every value and zero, with about `maxTicks` round intervals. */
export function valueScale(values: readonly number[], maxTicks = 4): Scale {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  if (lo === hi) return { min: 0, max: 0, step: 0, ticks: [0] };
  const step = niceStep((hi - lo) / Math.max(1, maxTicks));
  // A side that reaches less than half a step (a few refunds under a day of sales) gets just the
  // room it needs, in quarter steps, rather than a whole empty step.
  const quarter = step / 4;
  const min = lo < 0 && -lo <= step / 2 ? -Math.ceil(-lo / quarter) * quarter : Math.floor(lo / step) * step;
  const max = hi > 0 && hi <= step / 2 && lo < 0 ? Math.ceil(hi / quarter) * quarter : Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step || 0; t <= max; t += step) ticks.push(t);
  return { min, max, step, ticks };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Bar {
  index: number;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
  negative: boolean;
}

export interface Plot {
  bars: Bar[];
  /** Where zero is on the value axis. */
  zeroY: number;
  /** The vertical position of a value (for ticks). */
  yOf: (v: number) => number;
  /** The horizontal centre of the i-th bar's slot (for labels). */
  centerOf: (i: number) => number;
}

/** The smallest height a non-zero bar is drawn with, so a small sale is never invisible. */
export const MIN_BAR = 1;

/**
 * Lays out one bar per value in `box`: equal slots, `gap` of each slot left empty, bars from the
 * zero line up (positive) or down (negative). With every value zero the zero line is the bottom.
 */
export function layoutBars(values: readonly number[], box: Box, scale: Scale, gap = 0.2): Plot {
  const span = scale.max - scale.min;
  const yOf = (v: number) => (span === 0 ? box.y + box.height : box.y + (box.height * (scale.max - v)) / span);
  const zeroY = yOf(0);
  const slot = values.length > 0 ? box.width / values.length : box.width;
  const width = Math.max(slot * (1 - gap), Math.min(slot, 1));
  const bars = values.map((value, index) => {
    const vy = yOf(value);
    let height = Math.abs(vy - zeroY);
    if (value !== 0 && height < MIN_BAR) height = MIN_BAR;
    const negative = value < 0;
    return {
      index,
      value,
      x: box.x + index * slot + (slot - width) / 2,
      y: negative ? zeroY : zeroY - height,
      width,
      height,
      negative,
    };
  });
  return { bars, zeroY, yOf, centerOf: (i) => box.x + i * slot + slot / 2 };
}

/** Label every n-th category so that at most `fit` labels are drawn (n ≥ 1). */
export function labelStride(count: number, fit: number): number {
  if (count <= 0 || fit <= 0) return 1;
  return Math.max(1, Math.ceil(count / fit));
}

/** An axis amount: whole major units drop their zero decimals ("150.00" → "150"). */
export function axisLabel(minor: number, exponent: number): string {
  const s = formatMinor(minor, exponent);
  return s.replace(/\.0+$/, "");
}

/**
 * A chart in one sentence for people who cannot see it: the best category and, when refunds
 * exceeded sales somewhere, the worst; or that there were no sales.
 */
export function chartSummary(
  title: string,
  labels: readonly string[],
  values: readonly number[],
  exponent: number,
  currency: string,
): string {
  const head = `${title}, net sales in ${currency}`;
  if (values.length === 0 || values.every((v) => v === 0)) return `${head}: no sales.`;
  let best = 0;
  let worst = 0;
  values.forEach((v, i) => {
    if (v > values[best]) best = i;
    if (v < values[worst]) worst = i;
  });
  const parts = [`highest ${labels[best]} with ${formatMinor(values[best], exponent)}`];
  if (values[worst] < 0) {
    parts.push(`lowest ${labels[worst]} with ${formatMinor(values[worst], exponent)}`);
  }
  return `${head}: ${parts.join("; ")}.`;
}

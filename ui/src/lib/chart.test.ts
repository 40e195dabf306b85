import { describe, expect, it } from "vitest";
import { axisLabel, chartSummary, labelStride, layoutBars, MIN_BAR, niceStep, valueScale } from "./chart";

const box = { x: 50, y: 10, width: 400, height: 200 };

describe("value axis", () => {
  it("steps in 1, 2 or 5 × a power of ten, never below one minor unit", () => {
    expect(niceStep(0.3)).toBe(1);
    expect(niceStep(1)).toBe(1);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(1234)).toBe(2000);
    expect(niceStep(2000)).toBe(2000);
    expect(niceStep(5001)).toBe(10000);
    expect(niceStep(1000)).toBe(1000);
  });
  it("covers every value and zero with round ticks", () => {
    const s = valueScale([1200, 4800, 3000]);
    expect(s.min).toBe(0);
    expect(s.step).toBe(2000);
    expect(s.max).toBe(6000);
    expect(s.ticks).toEqual([0, 2000, 4000, 6000]);
  });
  it("goes below zero when refunds exceed sales", () => {
    const s = valueScale([-700, 1500]);
    expect(s.min).toBeLessThanOrEqual(-700);
    expect(s.max).toBeGreaterThanOrEqual(1500);
    expect(s.ticks).toContain(0);
    const few = valueScale([-1500, 41500]);
    expect(few.step).toBe(20000);
    expect(few.min).toBe(-5000); // a quarter step, not a whole empty one
    expect(few.max).toBe(60000);
    expect(few.ticks).toEqual([0, 20000, 40000, 60000]);
    const neg = valueScale([-250, -40]);
    expect(neg.max).toBe(0);
    expect(neg.min).toBeLessThanOrEqual(-250);
  });
  it("collapses to a single zero tick when nothing sold", () => {
    expect(valueScale([0, 0, 0])).toEqual({ min: 0, max: 0, step: 0, ticks: [0] });
    expect(valueScale([])).toEqual({ min: 0, max: 0, step: 0, ticks: [0] });
  });
});

describe("bars", () => {
  it("grows positive bars up from the zero line in equal slots", () => {
    const values = [0, 3000, 6000, 1500];
    const plot = layoutBars(values, box, valueScale(values));
    expect(plot.zeroY).toBe(210);
    const [a, b, c] = plot.bars;
    expect(a.height).toBe(0);
    expect(c.y).toBe(10);
    expect(c.height).toBe(200);
    expect(b.height).toBe(100);
    expect(b.y + b.height).toBe(210);
    expect(b.x - a.x).toBe(100);
    expect(a.width).toBe(80);
    expect(plot.centerOf(0)).toBe(100);
  });
  it("hangs negative bars below the zero line", () => {
    const values = [2000, -1000];
    const scale = valueScale(values);
    const plot = layoutBars(values, box, scale);
    const neg = plot.bars[1];
    expect(neg.negative).toBe(true);
    expect(neg.y).toBe(plot.zeroY);
    expect(neg.y + neg.height).toBeCloseTo(plot.yOf(-1000));
    expect(plot.bars[0].y + plot.bars[0].height).toBeCloseTo(plot.zeroY);
    expect(plot.zeroY).toBeGreaterThan(box.y);
    expect(plot.zeroY).toBeLessThan(box.y + box.height);
  });
  it("keeps a tiny sale visible and draws nothing for all zero", () => {
    const values = [1_000_000, 1];
    const plot = layoutBars(values, box, valueScale(values));
    expect(plot.bars[1].height).toBe(MIN_BAR);
    const flat = layoutBars([0, 0], box, valueScale([0, 0]));
    expect(flat.zeroY).toBe(210);
    expect(flat.bars.every((b) => b.height === 0)).toBe(true);
  });
});

describe("labels", () => {
  it("labels every n-th category to fit", () => {
    expect(labelStride(24, 30)).toBe(1);
    expect(labelStride(31, 10)).toBe(4);
    expect(labelStride(365, 12)).toBe(31);
    expect(labelStride(0, 10)).toBe(1);
  });
  it("drops zero decimals on axis amounts only", () => {
    expect(axisLabel(15000, 2)).toBe("150");
    expect(axisLabel(1550, 2)).toBe("15.50");
    expect(axisLabel(-500, 2)).toBe("-5");
    expect(axisLabel(1200, 0)).toBe("1200");
    expect(axisLabel(0, 3)).toBe("0");
  });
  it("sums a chart up in a sentence", () => {
    expect(chartSummary("Sales by hour", ["09:00", "10:00"], [0, 0], 2, "GBP")).toBe(
      "Sales by hour, net sales in GBP: no sales.",
    );
    expect(chartSummary("Sales by day", ["Mon", "Tue", "Wed"], [500, -200, 1250], 2, "GBP")).toBe(
      "Sales by day, net sales in GBP: highest Wed with 12.50; lowest Tue with -2.00.",
    );
    expect(chartSummary("Sales by day", ["Mon"], [500], 2, "EUR")).toBe("Sales by day, net sales in EUR: highest Mon with 5.00.");
    expect(chartSummary("Sales by day", ["Mon", "Tue"], [0, 500], 2, "EUR")).toBe("Sales by day, net sales in EUR: highest Tue with 5.00.");
    expect(chartSummary("Sales by day", ["Mon", "Tue"], [-300, -100], 0, "JPY")).toBe(
      "Sales by day, net sales in JPY: highest Tue with -100; lowest Mon with -300.",
    );
  });
});

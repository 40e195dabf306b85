import { describe, expect, it } from "vitest";
import { changeDue, pointsToCover, pointsValue, quickAmounts, remainingDue, toTenderInputs } from "./tender";

describe("quickAmounts", () => {
  it("offers exact then the next round notes", () => {
    expect(quickAmounts(1299, 2, "GBP")).toEqual([1299, 1500, 2000, 5000]);
  });
  it("skips notes that equal the exact amount", () => {
    expect(quickAmounts(2000, 2, "GBP")).toEqual([2000, 5000]);
  });
  it("rounds up to multiples of the largest note for big sums", () => {
    expect(quickAmounts(13750, 2, "GBP")).toEqual([13750, 14000, 15000]);
  });
  it("uses yen notes for JPY (exponent 0)", () => {
    expect(quickAmounts(1200, 0, "JPY")).toEqual([1200, 2000, 5000, 10000]);
  });
  it("uses dinar notes for KWD (exponent 3)", () => {
    expect(quickAmounts(1250, 3, "KWD")).toEqual([1250, 2000, 5000, 10000, 20000]);
  });
  it("falls back by exponent for other currencies and caps the count", () => {
    expect(quickAmounts(1, 2, "XYZ", 3)).toEqual([1, 500, 1000]);
  });
  it("offers nothing when nothing is due", () => {
    expect(quickAmounts(0, 2, "GBP")).toEqual([]);
  });
});

describe("changeDue", () => {
  it("is tendered minus due, or null when short", () => {
    expect(changeDue(2000, 1299)).toBe(701);
    expect(changeDue(1299, 1299)).toBe(0);
    expect(changeDue(1000, 1299)).toBeNull();
  });
});

describe("points", () => {
  it("values points at the redeem rate, rounding down", () => {
    expect(pointsValue(300, 100, 2)).toBe(300);
    expect(pointsValue(150, 100, 0)).toBe(1);
    expect(pointsValue(0, 100, 2)).toBe(0);
  });
  it("says how many points cover an amount, rounding up", () => {
    expect(pointsToCover(1299, 100, 2)).toBe(1299);
    expect(pointsToCover(1299, 10, 2)).toBe(130);
    expect(pointsToCover(1200, 100, 0)).toBe(120000);
  });
});

describe("split tender", () => {
  const plan = [
    { kind: "cash" as const, amount: 2000 },
    { kind: "points" as const, points: 300, value: 300 },
  ];
  it("reduces what is due by each tender", () => {
    expect(remainingDue(2500, plan)).toBe(200);
    expect(remainingDue(1000, plan)).toBe(0);
  });
  it("treats an exact (null) cash or card tender as covering the rest", () => {
    expect(remainingDue(2500, [{ kind: "points", points: 300, value: 300 }, { kind: "card", amount: null }])).toBe(0);
    expect(toTenderInputs([{ kind: "cash", amount: null }], 2)).toEqual([{ kind: "cash", value: null }]);
  });
  it("sends points first and money as major-unit strings", () => {
    expect(toTenderInputs(plan, 2)).toEqual([
      { kind: "points", value: "300" },
      { kind: "cash", value: "20.00" },
    ]);
  });
});

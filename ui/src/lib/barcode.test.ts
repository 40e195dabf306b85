// The Code 128 encoder against encodings worked out by hand from the symbol table.
import { describe, expect, it } from "vitest";
import { code128Bars, code128Values, code128Widths, encodable, QUIET_ZONE } from "./barcode";

describe("Code 128 set B", () => {
  it("encodes 'A' as start B, A, its check and stop", () => {
    // A is 65 − 32 = 33; the check is (104 + 33 × 1) mod 103 = 34.
    expect(code128Values("A")).toEqual([104, 33, 34, 106]);
    expect(code128Widths("A").join("")).toBe("211214" + "111323" + "131123" + "2331112");
  });

  it("weights each character by its position in the check symbol", () => {
    // T=52, 1=17, -=13, 0=16 ×5, 7=23: 104 + 52 + 34 + 39 + 16×(4+5+6+7+8) + 23×9 = 916; 916 mod 103 = 92.
    const values = code128Values("T1-000007");
    expect(values.slice(0, -2)).toEqual([104, 52, 17, 13, 16, 16, 16, 16, 16, 23]);
    expect(values.at(-2)).toBe(92);
    expect(values.at(-1)).toBe(106);
  });

  it("has 11 modules a symbol, 13 for the stop, and starts and ends with a bar", () => {
    const widths = code128Widths("T1-000007");
    expect(widths.reduce((a, b) => a + b, 0)).toBe(11 * (9 + 2) + 13);
    expect(widths).toHaveLength(6 * (9 + 2) + 7); // an odd count: bar first and last
    const { bars, width } = code128Bars("T1-000007");
    expect(bars[0].x).toBe(QUIET_ZONE);
    const last = bars.at(-1)!;
    expect(last.x + last.width).toBe(width - QUIET_ZONE);
    expect(bars).toHaveLength((widths.length + 1) / 2);
  });

  it("refuses what set B cannot write", () => {
    expect(encodable("")).toBe(false);
    expect(encodable("café")).toBe(false);
    expect(encodable("T1-000001")).toBe(true);
    expect(() => code128Values("£1")).toThrow(/cannot encode/);
  });
});

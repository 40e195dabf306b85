import { describe, expect, it } from "vitest";
import { ScanDetector, type ScanResult } from "./scanner";

/** Types `text` then Enter, `gap` ms apart, starting at `start`; returns the last result. */
function type(d: ScanDetector, text: string, gap: number, start = 1000): ScanResult {
  let t = start;
  for (const ch of text) {
    d.feed(ch, t);
    t += gap;
  }
  return d.feed("Enter", t);
}

describe("ScanDetector", () => {
  it("recognises a fast burst ending in Enter as a scan", () => {
    expect(type(new ScanDetector(), "5012345678900", 8)).toEqual({ kind: "scan", code: "5012345678900" });
  });

  it("ignores a person typing the same characters", () => {
    expect(type(new ScanDetector(), "5012345678900", 120)).toEqual({ kind: "none" });
  });

  it("ignores a short fast burst (a search word typed quickly)", () => {
    expect(type(new ScanDetector(), "tea", 10)).toEqual({ kind: "none" });
  });

  it("refuses a scan whose Enter comes late (a person pressed Enter after a pause)", () => {
    const d = new ScanDetector();
    for (const [i, ch] of [..."12345678"].entries()) d.feed(ch, 1000 + i * 5);
    expect(d.feed("Enter", 1000 + 7 * 5 + 400)).toEqual({ kind: "none" });
  });

  it("starts the code afresh after a slow keystroke (typed prefix then a scan)", () => {
    const d = new ScanDetector();
    d.feed("a", 0);
    d.feed("b", 200);
    expect(type(d, "40001234", 5, 1000)).toEqual({ kind: "scan", code: "40001234" });
  });

  it("keeps Shift inside a scan (upper-case SKUs) but breaks on other keys", () => {
    const d = new ScanDetector();
    d.feed("Shift", 0);
    d.feed("S", 2);
    d.feed("K", 4);
    d.feed("U", 6);
    d.feed("Shift", 7);
    d.feed("-", 8);
    d.feed("1", 10);
    expect(d.feed("Enter", 12)).toEqual({ kind: "scan", code: "SKU-1" });

    const e = new ScanDetector();
    for (const [i, ch] of [..."1234"].entries()) e.feed(ch, i * 5);
    e.feed("ArrowDown", 20);
    e.feed("5", 22);
    expect(e.feed("Enter", 24)).toEqual({ kind: "none" });
  });

  it("honours a custom gap and minimum length", () => {
    const d = new ScanDetector({ maxGapMs: 60, minLength: 2 });
    expect(type(d, "12", 50)).toEqual({ kind: "scan", code: "12" });
  });

  it("reports the pending characters and forgets them after Enter", () => {
    const d = new ScanDetector();
    d.feed("9", 0);
    d.feed("8", 5);
    expect(d.pending).toBe("98");
    d.feed("Enter", 10);
    expect(d.pending).toBe("");
  });

  it("says a burst is under way from the second fast character, not for slow typing", () => {
    const d = new ScanDetector();
    d.feed("5", 0);
    expect(d.bursting).toBe(false);
    d.feed("-", 5);
    expect(d.bursting).toBe(true);
    d.feed("+", 200);
    expect(d.bursting).toBe(false);
  });
});

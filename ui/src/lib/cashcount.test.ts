// Counting the drawer: the labels of notes and coins, the running total, a bad row, and the lines
// sent to the till (by denomination, or one plain total for a currency without notes and coins).
import { describe, expect, it, vi } from "vitest";

vi.mock("./api", () => ({ denominations: vi.fn() }));
const { DrawerCount, denominationLabel, readPieces } = await import("./cashcount.svelte");

const GBP = [
  { minor: 5000, kind: "note" as const },
  { minor: 2000, kind: "note" as const },
  { minor: 100, kind: "coin" as const },
  { minor: 20, kind: "coin" as const },
];

function counted(texts: Record<number, string>) {
  const c = new DrawerCount(2);
  c.use(GBP);
  for (const r of c.rows) r.text = texts[r.minor] ?? "";
  return c;
}

describe("counting the drawer", () => {
  it("labels notes and coins in the app's money style", () => {
    expect(denominationLabel(5000, 2)).toBe("50");
    expect(denominationLabel(20, 2)).toBe("0.20");
    expect(denominationLabel(250, 2)).toBe("2.50");
    expect(denominationLabel(10000, 0)).toBe("10000");
  });

  it("reads whole numbers of pieces, blank as none, and names anything else", () => {
    expect(readPieces("")).toEqual({ pieces: 0 });
    expect(readPieces(" 12 ")).toEqual({ pieces: 12 });
    expect(readPieces("-1")).toHaveProperty("problem");
    expect(readPieces("1.5")).toHaveProperty("problem");
    expect(readPieces("100001")).toHaveProperty("problem");
  });

  it("totals the rows and sends only the denominations counted", () => {
    const c = counted({ 5000: "2", 100: "3", 20: "1" });
    expect(c.total).toBe(10320);
    expect(c.lines()).toEqual([{ minor: 5000, count: 2 }, { minor: 100, count: 3 }, { minor: 20, count: 1 }]);
  });

  it("marks a bad row, leaves it out of the total and sends nothing", () => {
    const c = counted({ 5000: "2", 2000: "x" });
    expect(c.problems).toEqual([null, "A whole number of pieces, 0 or more", null, null]);
    expect(c.total).toBe(10000);
    expect(c.valid).toBe(false);
    expect(c.lines()).toBeNull();
  });

  it("puts the till's refusal on the row it names, until the count is edited", () => {
    const c = counted({ 20: "1" });
    c.refused("'0.20=1': too many");
    expect(c.problems[3]).toBe("'0.20=1': too many");
    c.edited();
    expect(c.problems[3]).toBeNull();
    c.refused("part 2 of the count is empty");
    expect(c.error).toBe("part 2 of the count is empty");
  });

  it("counts a currency without notes and coins as one total", () => {
    const c = new DrawerCount(2);
    c.use([]);
    expect(c.plainTotal).toBe(true);
    expect(c.lines()).toEqual([]);
    c.plain = "120.50";
    expect(c.total).toBe(12050);
    expect(c.lines()).toEqual([{ minor: 12050, count: 1 }]);
    c.plain = "12.505";
    expect(c.plainProblem).not.toBeNull();
    expect(c.lines()).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { count } from "./words";

describe("count", () => {
  it("says one thing in the singular and the rest in the plural", () => {
    expect(count(1, "item")).toBe("1 item");
    expect(count(0, "item")).toBe("0 items");
    expect(count(3, "match")).toBe("3 matches");
    expect(count(2, "parked sale")).toBe("2 parked sales");
    expect(count(2, "refund")).toBe("2 refunds");
  });
});

import { describe, expect, it } from "vitest";
import { useLocale } from "./locale";
import { paymentStatusLabel } from "./orders";
import { cancelled, count } from "./words";

describe("count", () => {
  it("says one thing in the singular and the rest in the plural", () => {
    expect(count(1, "item")).toBe("1 item");
    expect(count(0, "item")).toBe("0 items");
    expect(count(3, "match")).toBe("3 matches");
    expect(count(2, "parked sale")).toBe("2 parked sales");
    expect(count(2, "refund")).toBe("2 refunds");
  });
});

describe("spelling", () => {
  it("spells cancelled as the shop's locale does, everywhere it is shown", () => {
    expect(cancelled("en-GB")).toBe("cancelled");
    expect(cancelled("en-US")).toBe("canceled");
    expect(cancelled(undefined)).toBe("cancelled");
    useLocale("en-US");
    expect(paymentStatusLabel("canceled")).toBe("canceled");
    useLocale("en-GB");
    expect(paymentStatusLabel("canceled")).toBe("cancelled");
    useLocale(null);
  });
});

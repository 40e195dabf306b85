import { describe, expect, it } from "vitest";
import { formatBasisPoints, formatMinor, formatMoney, parseMajor } from "./money";

describe("formatMinor", () => {
  it("puts the point where the currency exponent says", () => {
    expect(formatMinor(1299, 2)).toBe("12.99");
    expect(formatMinor(1200, 0)).toBe("1200");
    expect(formatMinor(1250, 3)).toBe("1.250");
  });
  it("pads small amounts with leading zeros", () => {
    expect(formatMinor(5, 2)).toBe("0.05");
    expect(formatMinor(0, 2)).toBe("0.00");
    expect(formatMinor(7, 3)).toBe("0.007");
  });
  it("keeps the sign on negative amounts (discounts, refunds)", () => {
    expect(formatMinor(-150, 2)).toBe("-1.50");
    expect(formatMinor(-5, 2)).toBe("-0.05");
    expect(formatMinor(-300, 0)).toBe("-300");
  });
  it("is exact beyond float precision", () => {
    expect(formatMinor(9007199254740993n, 2)).toBe("90071992547409.93");
  });
  it("prefixes the currency code", () => {
    expect(formatMoney(1299, 2, "GBP")).toBe("GBP 12.99");
  });
});

describe("parseMajor", () => {
  it("reads major units into minor units", () => {
    expect(parseMajor("12.99", 2)).toBe(1299);
    expect(parseMajor("20", 2)).toBe(2000);
    expect(parseMajor("12.5", 2)).toBe(1250);
    expect(parseMajor("1200", 0)).toBe(1200);
    expect(parseMajor("1.25", 3)).toBe(1250);
    expect(parseMajor(" 3,50 ", 2)).toBe(350);
    expect(parseMajor(".5", 2)).toBe(50);
    expect(parseMajor("7.", 2)).toBe(700);
  });
  it("refuses more decimals than the currency has", () => {
    expect(parseMajor("12.999", 2)).toBeNull();
    expect(parseMajor("12.5", 0)).toBeNull();
  });
  it("refuses anything that is not a plain amount", () => {
    for (const bad of ["", "abc", "-5", "1e3", "1.2.3", "£5", "5 5"]) {
      expect(parseMajor(bad, 2), bad).toBeNull();
    }
  });
});

describe("formatBasisPoints", () => {
  it("shows rates as percentages", () => {
    expect(formatBasisPoints(2000)).toBe("20%");
    expect(formatBasisPoints(550)).toBe("5.5%");
    expect(formatBasisPoints(1275)).toBe("12.75%");
    expect(formatBasisPoints(0)).toBe("0%");
  });
});

describe("currencySymbol", () => {
  it("gives each currency its own sign, not one for all but the pound", async () => {
    const { currencySymbol } = await import("./money");
    expect(currencySymbol("GBP", "en-GB")).toBe("£");
    expect(currencySymbol("EUR", "en-GB")).toBe("€");
    expect(currencySymbol("USD", "en-US")).toBe("$");
    expect(currencySymbol("JPY", "en-GB")).toBe("¥");
    expect(currencySymbol("XYZ1", "en-GB")).toBe("XYZ1");
  });
});

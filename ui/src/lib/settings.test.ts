import { describe, expect, it } from "vitest";
import {
  loyaltyExample,
  percentInput,
  roundingLabel,
  roundingOptions,
  roundingValue,
  settingMessage,
  taxModeLabel,
} from "./settings";

describe("percentInput", () => {
  it("writes basis points as the percentage a manager would type", () => {
    expect(percentInput(2000)).toBe("20");
    expect(percentInput(550)).toBe("5.5");
    expect(percentInput(1225)).toBe("12.25");
    expect(percentInput(5)).toBe("0.05");
    expect(percentInput(0)).toBe("0");
    expect(percentInput(10000)).toBe("100");
  });
});

describe("cash rounding choices", () => {
  it("offers none, 0.05 and 0.10 for a currency with cents", () => {
    expect(roundingOptions(2)).toEqual([
      { value: "none", label: "No rounding", increment: 1 },
      { value: "0.05", label: "To the nearest 0.05", increment: 5 },
      { value: "0.10", label: "To the nearest 0.10", increment: 10 },
    ]);
  });
  it("uses the currency's own minor units (KWD has three decimals)", () => {
    expect(roundingOptions(3).map((o) => o.increment)).toEqual([1, 50, 100]);
  });
  it("offers only no rounding where the currency has no cents", () => {
    expect(roundingOptions(0).map((o) => o.value)).toEqual(["none"]);
  });
  it("recognises the shop's increment", () => {
    expect(roundingValue(1, 2)).toBe("none");
    expect(roundingValue(5, 2)).toBe("0.05");
    expect(roundingValue(10, 2)).toBe("0.10");
    expect(roundingValue(100, 3)).toBe("0.10");
    expect(roundingLabel(10, 2)).toBe("To the nearest 0.10");
    expect(roundingLabel(1, 0)).toBe("No rounding");
  });
  it("shows an increment it has no choice for in major units", () => {
    expect(roundingValue(25, 2)).toBe("0.25");
    expect(roundingLabel(25, 2)).toBe("To the nearest 0.25");
  });
});

describe("loyaltyExample", () => {
  it("works the example out from the shop's rates", () => {
    expect(loyaltyExample({ earn_per_major: 1, redeem_per_major: 100 }, 2, "GBP")).toEqual({
      earn: "A GBP 10.00 sale earns 10 points.",
      redeem: "100 points pay GBP 1.00.",
    });
    expect(loyaltyExample({ earn_per_major: 3, redeem_per_major: 20 }, 2, "EUR")).toEqual({
      earn: "A EUR 10.00 sale earns 30 points.",
      redeem: "20 points pay EUR 1.00.",
    });
  });
  it("follows the currency's decimals", () => {
    expect(loyaltyExample({ earn_per_major: 2, redeem_per_major: 1 }, 0, "JPY")).toEqual({
      earn: "A JPY 10 sale earns 20 points.",
      redeem: "1 point pays JPY 1.",
    });
  });
  it("says so when sales earn nothing", () => {
    expect(loyaltyExample({ earn_per_major: 0, redeem_per_major: 100 }, 2, "GBP").earn).toBe("Sales earn no points.");
  });
});

describe("settingMessage", () => {
  it("drops the setting's name from the till's message", () => {
    expect(settingMessage("loyalty-earn", "loyalty-earn: expected a whole number")).toBe("Expected a whole number");
    expect(settingMessage("cash-rounding", "cash-rounding: cash rounding '0.2' is not allowed")).toBe(
      "Cash rounding '0.2' is not allowed",
    );
  });
  it("keeps other messages whole", () => {
    expect(settingMessage("default-tax-rate", "unknown tax rate 'vat'")).toBe("Unknown tax rate 'vat'");
    expect(settingMessage("shop-name", "a sale is in progress")).toBe("A sale is in progress");
  });
});

describe("taxModeLabel", () => {
  it("names the modes in shop words", () => {
    expect(taxModeLabel("inclusive")).toBe("Prices include tax");
    expect(taxModeLabel("exclusive")).toBe("Tax is added at the till");
  });
});

import { describe, expect, it } from "vitest";
import { discountLabel, lineSummary } from "./cart";
import type { CartLineView } from "./types";

const line = (over: Partial<CartLineView> = {}): CartLineView => ({
  index: 0,
  sku: "TEA-1",
  name: "Tea",
  quantity: 2,
  unit_price: 150,
  catalog_price: null,
  line_discount: 0,
  discount: null,
  order_discount_share: 0,
  tax_rate: "standard",
  gross: 300,
  ...over,
});

describe("discountLabel", () => {
  it("is empty without a line discount", () => {
    expect(discountLabel(line(), 2)).toBe("");
  });
  it("shows a percentage with the till's amount", () => {
    expect(discountLabel(line({ discount: "10%", line_discount: 30 }), 2)).toBe("10% off (−0.30)");
  });
  it("shows a fixed discount as an amount in the currency's exponent", () => {
    expect(discountLabel(line({ discount: "0.50", line_discount: 50 }), 2)).toBe("−0.50");
    expect(discountLabel(line({ discount: "100", line_discount: 100 }), 0)).toBe("−100");
  });
});

describe("lineSummary", () => {
  it("reads quantity, name, unit price and line total", () => {
    expect(lineSummary(line(), 2)).toBe("2 × Tea at 1.50, 3.00");
    expect(lineSummary(line({ discount: "10%", line_discount: 30, gross: 270 }), 2)).toBe(
      "2 × Tea at 1.50, 2.70, discount 10% off (−0.30)",
    );
  });
});

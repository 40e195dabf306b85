import { describe, expect, it } from "vitest";
import {
  clampOffset,
  detailsChanged,
  detailsForm,
  detailsInput,
  emptyNewProduct,
  exportSummary,
  groupThousands,
  importSummary,
  isLowStock,
  lastOffset,
  moveOffset,
  newProductInput,
  pageButtons,
  pageCount,
  priceChangeLabel,
  problemsToShow,
  progressPercent,
  rangeLabel,
  readCount,
  replaceProduct,
  taxLabel,
  taxOptions,
} from "./catalog";
import type { Product, Shop } from "./types";

const shop: Shop = {
  name: "Test shop", currency: "GBP", exponent: 2, till_id: "T1", tax_mode: "inclusive", cash_rounding: 1,
  loyalty: { earn_per_major: 1, redeem_per_major: 100 },
  tax_rates: [{ name: "standard", basis_points: 2000 }, { name: "reduced", basis_points: 550 }],
  default_tax_rate: "standard", low_stock_level: 5, lock_minutes: 5, locale: null, time_zone: null, discount_limit: 1000, card_reader: null, nfc_reader: null,
  receipt: { address: null, phone: null, tax_number: null, footer: null, auto_print: "always", has_logo: false }, printer: null, cash_note_over: null, cash_approve_over: null, blind_count: true,
  update_install: "next_start", update_url: null, demo: false,
};

const product = (over: Partial<Product> = {}): Product => ({
  id: 1, sku: "TEA-01", barcode: "5012345678900", name: "Tea", price: 250, currency: "GBP", tax_rate: "standard",
  tax_basis_points: 2000, stock: 12, reorder_level: null, category: "Drinks", ...over,
});

describe("paging", () => {
  it("groups thousands with commas", () => {
    expect(groupThousands(0)).toBe("0");
    expect(groupThousands(999)).toBe("999");
    expect(groupThousands(1000)).toBe("1,000");
    expect(groupThousands(1000000)).toBe("1,000,000");
    expect(groupThousands(-12345)).toBe("-12,345");
  });

  it("counts pages, at least one", () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
    expect(pageCount(1_000_000, 50)).toBe(20_000);
    expect(lastOffset(1_000_000, 50)).toBe(999_950);
    expect(lastOffset(101, 50)).toBe(100);
    expect(lastOffset(0, 50)).toBe(0);
  });

  it("moves between pages without leaving the list", () => {
    expect(moveOffset("next", 0, 120, 50)).toBe(50);
    expect(moveOffset("next", 100, 120, 50)).toBe(100);
    expect(moveOffset("prev", 50, 120, 50)).toBe(0);
    expect(moveOffset("prev", 0, 120, 50)).toBe(0);
    expect(moveOffset("last", 0, 120, 50)).toBe(100);
    expect(moveOffset("first", 100, 120, 50)).toBe(0);
  });

  it("puts an offset back on a page inside the list when rows went away", () => {
    expect(clampOffset(150, 120, 50)).toBe(100);
    expect(clampOffset(73, 1000, 50)).toBe(50);
    expect(clampOffset(-10, 1000, 50)).toBe(0);
    expect(clampOffset(100, 0, 50)).toBe(0);
  });

  it("turns off the buttons that lead nowhere", () => {
    expect(pageButtons(0, 120, 50)).toEqual({ first: false, prev: false, next: true, last: true });
    expect(pageButtons(50, 120, 50)).toEqual({ first: true, prev: true, next: true, last: true });
    expect(pageButtons(100, 120, 50)).toEqual({ first: true, prev: true, next: false, last: false });
    expect(pageButtons(0, 50, 50)).toEqual({ first: false, prev: false, next: false, last: false });
  });

  it("labels the rows shown", () => {
    expect(rangeLabel(0, 50, 1_000_000)).toBe("1–50 of 1,000,000");
    expect(rangeLabel(999_950, 50, 1_000_000)).toBe("999,951–1,000,000 of 1,000,000");
    expect(rangeLabel(100, 20, 120)).toBe("101–120 of 120");
    expect(rangeLabel(0, 0, 0)).toBe("No products");
  });
});

describe("products", () => {
  it("marks stock at or under the product's own reorder level", () => {
    expect(isLowStock(product({ stock: 10, reorder_level: 10 }), 5)).toBe(true);
    expect(isLowStock(product({ stock: 11, reorder_level: 10 }), 5)).toBe(false);
    expect(isLowStock(product({ stock: 3, reorder_level: 2 }), 5)).toBe(false);
  });

  it("uses the shop's low-stock level when the product has none", () => {
    expect(isLowStock(product({ stock: 5, reorder_level: null }), 5)).toBe(true);
    expect(isLowStock(product({ stock: 6, reorder_level: null }), 5)).toBe(false);
    expect(isLowStock(product({ stock: -1, reorder_level: null }), 0)).toBe(true);
  });

  it("labels tax rates with their percentage", () => {
    expect(taxLabel(product())).toBe("standard 20%");
    expect(taxOptions(shop)).toEqual([
      { value: "standard", label: "standard 20%" },
      { value: "reduced", label: "reduced 5.5%" },
    ]);
  });

  it("shows a price change in the shop's units", () => {
    expect(priceChangeLabel(250, 275, 2)).toBe("2.50 → 2.75");
    expect(priceChangeLabel(1200, 1500, 0)).toBe("1200 → 1500");
  });

  it("replaces only the changed product in a list", () => {
    const list = [product(), product({ id: 2, sku: "CAKE", name: "Cake" })];
    const out = replaceProduct(list, product({ name: "Green tea", price: 300 }));
    expect(out.map((p) => p.name)).toEqual(["Green tea", "Cake"]);
    expect(out[1]).toBe(list[1]);
  });
});

describe("reading counts", () => {
  it("reads whole numbers and blanks", () => {
    expect(readCount(" 12 ")).toEqual({ ok: true, value: 12 });
    expect(readCount("0")).toEqual({ ok: true, value: 0 });
    expect(readCount("")).toEqual({ ok: true, value: null });
  });
  it("refuses what is not a whole number of items", () => {
    for (const bad of ["1.5", "-3", "ten", "1e3", "12 4"]) expect(readCount(bad).ok, bad).toBe(false);
  });
});

describe("the product's card", () => {
  it("fills the details form from the product", () => {
    expect(detailsForm(product({ barcode: null, category: null, reorder_level: 4 }))).toEqual({
      name: "Tea", barcode: "", category: "", tax_rate: "standard", reorder_level: "4",
    });
  });

  it("sends blanks as none and the reorder level as a number", () => {
    const form = { ...detailsForm(product()), name: " Green tea ", barcode: " ", category: "", reorder_level: "8" };
    expect(detailsInput(form)).toEqual({
      ok: true,
      input: { name: "Green tea", barcode: null, category: null, tax_rate: "standard", reorder_level: 8 },
    });
    expect(detailsInput({ ...form, reorder_level: "" })).toMatchObject({ ok: true, input: { reorder_level: null } });
  });

  it("names the reorder level when it cannot be read", () => {
    const r = detailsInput({ ...detailsForm(product()), reorder_level: "lots" });
    expect(r).toMatchObject({ ok: false, field: "reorder_level" });
  });

  it("tells whether the details were changed", () => {
    const p = product();
    expect(detailsChanged(detailsForm(p), p)).toBe(false);
    expect(detailsChanged({ ...detailsForm(p), category: "Hot drinks" }, p)).toBe(true);
  });
});

describe("a new product", () => {
  it("starts with the shop's default tax rate", () => {
    expect(emptyNewProduct(shop).tax_rate).toBe("standard");
  });

  it("keeps the price as typed and reads the opening stock, blank as 0", () => {
    const form = { ...emptyNewProduct(shop), sku: " TEA-02 ", name: "Tea", price: " 2.5 ", tax_rate: "reduced" };
    expect(newProductInput(form)).toEqual({
      ok: true,
      input: { sku: "TEA-02", name: "Tea", price: "2.5", barcode: null, tax_rate: "reduced", stock: 0, category: null },
    });
    expect(newProductInput({ ...form, stock: "24" })).toMatchObject({ ok: true, input: { stock: 24 } });
    expect(newProductInput({ ...form, stock: "2.5" })).toMatchObject({ ok: false, field: "stock" });
  });
});

describe("import and export", () => {
  it("turns progress into a percentage", () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ done: 0, total: 0 })).toBe(0);
    expect(progressPercent({ done: 1, total: 3 })).toBe(33);
    expect(progressPercent({ done: 1000, total: 1000 })).toBe(100);
    expect(progressPercent({ done: 1200, total: 1000 })).toBe(100);
  });

  it("sums up an import", () => {
    expect(importSummary({ file: "kitchen.csv", added: 120, updated: 4, problems: [] })).toBe("kitchen.csv: 120 added, 4 updated");
    const problem = { line: 3, column: "price", message: "'x' is not an amount" };
    expect(importSummary({ file: "kitchen.csv", added: 0, updated: 0, problems: [problem, problem, problem] })).toBe(
      "kitchen.csv: 3 problems, nothing was imported",
    );
    expect(importSummary({ file: "a.csv", added: 0, updated: 0, problems: [problem] })).toBe("a.csv: 1 problem, nothing was imported");
  });

  it("lists a long problem report in part", () => {
    const problems = Array.from({ length: 250 }, (_, i) => ({ line: i + 2, column: "sku", message: "missing" }));
    const { shown, more } = problemsToShow(problems, 200);
    expect(shown).toHaveLength(200);
    expect(more).toBe(50);
    expect(problemsToShow(problems.slice(0, 3), 200).more).toBe(0);
  });

  it("says where an export went", () => {
    expect(exportSummary({ path: "/home/ann/catalog.csv", rows: 347 })).toBe("Saved 347 products to /home/ann/catalog.csv");
    expect(exportSummary({ path: "/x.csv", rows: 1 })).toBe("Saved 1 product to /x.csv");
  });
});

// @vitest-environment jsdom
// The catalog screen against a stubbed till: paging, filters, search, adding and editing products,
// CSV import and export.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImportOutcome, ImportProgress, Product, ProductPage } from "../../lib/types";
import {
  $, $$, choose, cleanupScreen, click, fakeTimeouts, installDialogPolyfill, mountScreen, resetMocks, settle,
  submit, testShop, text, type,
} from "../../test/screen";

const api = vi.hoisted(() => ({
  listProducts: vi.fn(),
  categories: vi.fn(),
  lowStock: vi.fn(),
  findProducts: vi.fn(),
  addProduct: vi.fn(),
  updateProduct: vi.fn(),
  setPrice: vi.fn(),
  setStock: vi.fn(),
  importProducts: vi.fn(),
  exportProducts: vi.fn(),
}));
vi.mock("../../lib/api", () => api);

const { default: Catalog } = await import("./Catalog.svelte");

const shop = testShop({
  tax_rates: [{ name: "standard", basis_points: 2000 }, { name: "reduced", basis_points: 500 }],
});

const product = (id: number, sku: string, name: string, over: Partial<Product> = {}): Product => ({
  id, sku, barcode: null, name, price: 250, currency: "GBP", tax_rate: "standard", tax_basis_points: 2000,
  stock: 20, reorder_level: null, category: "Drinks", ...over,
});

const tea = product(1, "TEA-01", "Tea", { barcode: "5012345678900", stock: 3 });
const cake = product(2, "CAKE-01", "Cake", { price: 300, stock: 8, reorder_level: 10, category: "Bakery", tax_rate: "reduced", tax_basis_points: 500 });
const milk = product(3, "MILK-01", "Milk", { stock: 40 });

function page(products: Product[], total: number): ProductPage {
  return { products, total };
}

beforeEach(() => {
  fakeTimeouts();
  resetMocks(api);
  api.categories.mockResolvedValue(["Bakery", "Drinks"]);
  api.listProducts.mockResolvedValue(page([cake, milk, tea], 1_000_000));
  installDialogPolyfill();
});

afterEach(cleanupScreen);

const start = () => mountScreen(Catalog, { shop });

const rowSkus = () => $$("[data-testid=catalog-row]").map((r) => r.dataset.sku);
const row = (sku: string) => $(`[data-testid=catalog-row][data-sku="${sku}"]`)!;

describe("Catalog list", () => {
  it("shows one page of products with their details and how many there are", async () => {
    await start();
    expect(api.listProducts).toHaveBeenCalledWith(null, 0, 50);
    expect(rowSkus()).toEqual(["CAKE-01", "MILK-01", "TEA-01"]);
    expect(text("[data-testid=catalog-range]")).toBe("1–3 of 1,000,000");
    const cells = [...row("CAKE-01").querySelectorAll("td")].map((td) => td.textContent?.trim());
    expect(cells.slice(0, 7)).toEqual(["CAKE-01", "Cake", "", "Bakery", "3.00", "reduced 5%", "8low"]);
    expect(row("TEA-01").querySelector("td:nth-child(3)")?.textContent).toBe("5012345678900");
  });

  it("marks stock at or under the product's reorder level or the shop's low-stock level", async () => {
    await start();
    const low = (sku: string) => row(sku).querySelector<HTMLElement>("[data-testid=product-stock]")!.dataset.low;
    expect(low("TEA-01")).toBe("true"); // 3 ≤ shop level 5
    expect(low("CAKE-01")).toBe("true"); // 8 ≤ its own reorder level 10
    expect(low("MILK-01")).toBe("false");
  });

  it("pages forward, to the end and back to the start", async () => {
    await start();
    expect(($("[data-testid=catalog-first]") as HTMLButtonElement).disabled).toBe(true);
    expect(($("[data-testid=catalog-prev]") as HTMLButtonElement).disabled).toBe(true);
    api.listProducts.mockResolvedValue(page([milk], 1_000_000));
    await click("[data-testid=catalog-next]");
    expect(api.listProducts).toHaveBeenLastCalledWith(null, 50, 50);
    expect(text("[data-testid=catalog-range]")).toBe("51–51 of 1,000,000");
    await click("[data-testid=catalog-last]");
    expect(api.listProducts).toHaveBeenLastCalledWith(null, 999_950, 50);
    expect(($("[data-testid=catalog-next]") as HTMLButtonElement).disabled).toBe(true);
    await click("[data-testid=catalog-first]");
    expect(api.listProducts).toHaveBeenLastCalledWith(null, 0, 50);
  });

  it("filters by category from the till's list of categories", async () => {
    await start();
    const options = [...($("[data-testid=catalog-category]") as HTMLSelectElement).options].map((o) => o.textContent);
    expect(options).toEqual(["All categories", "Bakery", "Drinks"]);
    api.listProducts.mockResolvedValue(page([cake], 1));
    choose("[data-testid=catalog-category]", "Bakery");
    await settle();
    expect(api.listProducts).toHaveBeenLastCalledWith("Bakery", 0, 50);
    expect(rowSkus()).toEqual(["CAKE-01"]);
    expect(text("[data-testid=catalog-range]")).toBe("1–1 of 1");
  });

  it("shows only low-stock products when asked", async () => {
    api.lowStock.mockResolvedValue(page([tea, cake], 2));
    await start();
    await click("[data-testid=catalog-low-stock]");
    expect(api.lowStock).toHaveBeenCalledWith(null, 0, 50);
    expect($("[data-testid=catalog-low-stock]")?.getAttribute("aria-pressed")).toBe("true");
    expect(rowSkus()).toEqual(["TEA-01", "CAKE-01"]);
    expect(text("[data-testid=catalog-range]")).toBe("Low stock: 1–2 of 2");
    await click("[data-testid=catalog-low-stock]");
    expect(rowSkus()).toEqual(["CAKE-01", "MILK-01", "TEA-01"]);
  });

  it("shows the till's message when the list cannot be loaded", async () => {
    api.listProducts.mockRejectedValue({ code: "database", message: "store error: disk I/O error" });
    await start();
    expect(text("[data-testid=catalog-error]")).toBe("store error: disk I/O error");
  });
});

describe("Catalog search", () => {
  it("searches once typing pauses and ignores an answer that comes back too late", async () => {
    await start();
    let answerFirst: (p: Product[]) => void = () => {};
    api.findProducts.mockImplementationOnce(() => new Promise((r) => (answerFirst = r)));
    api.findProducts.mockResolvedValueOnce([tea]);
    type("[data-testid=catalog-search]", "t");
    vi.advanceTimersByTime(100);
    type("[data-testid=catalog-search]", "te");
    vi.advanceTimersByTime(149);
    expect(api.findProducts).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(api.findProducts).toHaveBeenCalledWith("te", 50);
    type("[data-testid=catalog-search]", "tea");
    vi.advanceTimersByTime(150);
    await settle();
    expect(api.findProducts).toHaveBeenLastCalledWith("tea", 50);
    expect(rowSkus()).toEqual(["TEA-01"]);
    answerFirst([cake, milk]); // the answer for "te" arrives last
    await settle();
    expect(rowSkus()).toEqual(["TEA-01"]);
    expect(text("[data-testid=catalog-range]")).toBe("1 match");
  });

  it("goes back to the paged list when the search box is cleared", async () => {
    await start();
    api.findProducts.mockResolvedValue([tea]);
    type("[data-testid=catalog-search]", "tea");
    vi.advanceTimersByTime(150);
    await settle();
    expect(rowSkus()).toEqual(["TEA-01"]);
    type("[data-testid=catalog-search]", "");
    await settle();
    expect(rowSkus()).toEqual(["CAKE-01", "MILK-01", "TEA-01"]);
    expect(text("[data-testid=catalog-range]")).toBe("1–3 of 1,000,000");
  });
});

describe("Adding a product", () => {
  async function fill() {
    await click("[data-testid=catalog-add]");
    expect($("[data-testid=product-add-dialog]")).not.toBeNull();
    expect(($("[data-testid=new-tax-rate]") as HTMLSelectElement).value).toBe("standard");
    type("[data-testid=new-sku]", "TEA-01");
    type("[data-testid=new-name]", "Green tea");
    type("[data-testid=new-price]", "2.80");
    type("[data-testid=new-stock]", "24");
    type("[data-testid=new-category]", "Drinks");
    choose("[data-testid=new-tax-rate]", "reduced");
  }

  it("shows the till's message next to the field it names and keeps what was typed", async () => {
    await start();
    await fill();
    api.addProduct.mockRejectedValue({ code: "invalid_input", message: "sku: 'TEA-01' already exists" });
    await submit("[data-testid=product-add-form]");
    expect(api.addProduct).toHaveBeenCalledWith({
      sku: "TEA-01", name: "Green tea", price: "2.80", barcode: null, tax_rate: "reduced", stock: 24, category: "Drinks",
    });
    expect(text("[data-testid=field-error-sku]")).toBe("sku: 'TEA-01' already exists");
    expect(($("[data-testid=new-name]") as HTMLInputElement).value).toBe("Green tea");
    expect(($("[data-testid=new-price]") as HTMLInputElement).value).toBe("2.80");
    expect(document.activeElement).toBe($("[data-testid=new-sku]"));
  });

  it("puts a price problem next to the price", async () => {
    await start();
    await fill();
    api.addProduct.mockRejectedValue({ code: "invalid_input", message: "price: '2.805' has too many decimals for GBP" });
    await submit("[data-testid=product-add-form]");
    expect($("[data-testid=field-error-sku]")).toBeNull();
    expect(text("[data-testid=field-error-price]")).toContain("too many decimals");
  });

  it("refuses an opening stock that is not a whole number without asking the till", async () => {
    await start();
    await fill();
    type("[data-testid=new-stock]", "2.5");
    await submit("[data-testid=product-add-form]");
    expect(api.addProduct).not.toHaveBeenCalled();
    expect(text("[data-testid=field-error-stock]")).toContain("whole number");
  });

  it("closes, says what was added and reloads the list", async () => {
    await start();
    await fill();
    api.addProduct.mockResolvedValue(product(9, "TEA-02", "Green tea"));
    const before = api.listProducts.mock.calls.length;
    await submit("[data-testid=product-add-form]");
    expect($("[data-testid=product-add-dialog]")).toBeNull();
    expect(text("[data-testid=catalog-notice]")).toContain("Added TEA-02 · Green tea");
    expect(api.listProducts.mock.calls.length).toBe(before + 1);
  });
});

describe("A product's card", () => {
  async function openTea() {
    await start();
    await click(row("TEA-01").querySelector<HTMLElement>("[data-testid=product-open]")!);
    expect($("[data-testid=product-card]")).not.toBeNull();
  }

  it("saves the details and updates the row in place", async () => {
    await openTea();
    expect(($("[data-testid=card-name]") as HTMLInputElement).value).toBe("Tea");
    expect(($("[data-testid=card-barcode]") as HTMLInputElement).value).toBe("5012345678900");
    type("[data-testid=card-name]", "Breakfast tea");
    type("[data-testid=card-reorder-level]", "6");
    choose("[data-testid=card-tax-rate]", "reduced");
    api.updateProduct.mockResolvedValue({ ...tea, name: "Breakfast tea", reorder_level: 6, tax_rate: "reduced", tax_basis_points: 500 });
    await submit("[data-testid=details-form]");
    expect(api.updateProduct).toHaveBeenCalledWith("TEA-01", {
      name: "Breakfast tea", barcode: "5012345678900", category: "Drinks", tax_rate: "reduced", reorder_level: 6,
    });
    expect(row("TEA-01").querySelector("[data-testid=product-name]")?.textContent).toBe("Breakfast tea");
    expect(row("TEA-01").querySelector("td:nth-child(6)")?.textContent).toBe("reduced 5%");
    expect(rowSkus()).toEqual(["CAKE-01", "MILK-01", "TEA-01"]);
    expect(api.listProducts).toHaveBeenCalledTimes(1);
  });

  it("shows a details problem next to its field", async () => {
    await openTea();
    type("[data-testid=card-barcode]", "4006381333931");
    api.updateProduct.mockRejectedValue({ code: "invalid_input", message: "barcode: already belongs to another product" });
    await submit("[data-testid=details-form]");
    expect(text("[data-testid=field-error-barcode]")).toBe("barcode: already belongs to another product");
    expect(($("[data-testid=card-barcode]") as HTMLInputElement).value).toBe("4006381333931");
  });

  it("changes the price on its own and shows the old and new price", async () => {
    await openTea();
    type("[data-testid=price-input]", "2.75");
    api.setPrice.mockResolvedValue({ ...tea, price: 275 });
    await submit("[data-testid=price-form]");
    expect(api.setPrice).toHaveBeenCalledWith("TEA-01", "2.75");
    expect(api.updateProduct).not.toHaveBeenCalled();
    expect(text("[data-testid=price-change]")).toBe("Price changed: 2.50 → 2.75");
    expect(text("[data-testid=card-current-price]")).toBe("GBP 2.75");
    expect(row("TEA-01").querySelector("[data-testid=product-price]")?.textContent).toBe("2.75");
  });

  it("keeps a refused price in the box with the till's message", async () => {
    await openTea();
    type("[data-testid=price-input]", "abc");
    api.setPrice.mockRejectedValue({ code: "invalid_input", message: "price: 'abc' is not an amount in GBP" });
    await submit("[data-testid=price-form]");
    expect(text("[data-testid=price-error]")).toBe("price: 'abc' is not an amount in GBP");
    expect(($("[data-testid=price-input]") as HTMLInputElement).value).toBe("abc");
  });

  it("sets the counted stock and clears the low mark", async () => {
    await openTea();
    type("[data-testid=stock-input]", "30");
    api.setStock.mockResolvedValue({ ...tea, stock: 30 });
    await submit("[data-testid=stock-form]");
    expect(api.setStock).toHaveBeenCalledWith("TEA-01", 30);
    expect(text("[data-testid=stock-change]")).toBe("Stock counted: 3 → 30");
    const cell = row("TEA-01").querySelector<HTMLElement>("[data-testid=product-stock]")!;
    expect(cell.textContent?.trim()).toBe("30");
    expect(cell.dataset.low).toBe("false");
  });
});

describe("CSV import and export", () => {
  function pick(name: string, content: string) {
    const input = $("[data-testid=import-file]") as HTMLInputElement;
    const bytes = new TextEncoder().encode(content);
    const file = { name, arrayBuffer: () => Promise.resolve(bytes.buffer) };
    Object.defineProperty(input, "files", { value: [file], configurable: true });
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return bytes;
  }

  it("shows the expected columns", async () => {
    await start();
    expect(text("[data-testid=import-hint]")).toContain("sku,name,price,barcode,tax_rate,stock,category");
    expect($("[data-testid=import-file]")?.getAttribute("accept")).toBe(".csv,text/csv");
  });

  it("sends the file's bytes, shows progress, then what was imported, and reloads the list", async () => {
    await start();
    let progress: (p: ImportProgress) => void = () => {};
    let finish: (o: ImportOutcome) => void = () => {};
    api.importProducts.mockImplementation((_n: string, _b: Uint8Array, on: (p: ImportProgress) => void) => {
      progress = on;
      return new Promise((r) => (finish = r));
    });
    const bytes = pick("kitchen.csv", "sku,name,price,barcode,tax_rate,stock,category\nA,Apple,0.50,,,10,Fruit\n");
    await settle();
    expect(api.importProducts).toHaveBeenCalledTimes(1);
    const [name, sent] = api.importProducts.mock.calls[0];
    expect(name).toBe("kitchen.csv");
    expect([...(sent as Uint8Array)]).toEqual([...bytes]);
    progress({ done: 62, total: 124 });
    await settle();
    expect(($("[data-testid=import-progress]") as HTMLProgressElement).value).toBe(50);
    const before = api.listProducts.mock.calls.length;
    finish({ file: "kitchen.csv", added: 120, updated: 4, problems: [] });
    await settle();
    expect($("[data-testid=import-progress]")).toBeNull();
    expect(text("[data-testid=import-summary]")).toBe("kitchen.csv: 120 added, 4 updated");
    expect(api.listProducts.mock.calls.length).toBe(before + 1);
  });

  it("lists every problem by line and column and keeps the report until dismissed", async () => {
    await start();
    api.importProducts.mockResolvedValue({
      file: "kitchen.csv", added: 0, updated: 0,
      problems: [
        { line: 3, column: "price", message: "'x' is not an amount in GBP" },
        { line: 7, column: "sku", message: "must not be empty" },
        { line: 9, column: "tax_rate", message: "unknown tax rate 'vat'" },
      ],
    });
    const before = api.listProducts.mock.calls.length;
    pick("kitchen.csv", "bad");
    await settle();
    expect(text("[data-testid=import-summary]")).toBe("kitchen.csv: 3 problems, nothing was imported");
    const rows = $$("[data-testid=import-problem]").map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([
      ["3", "price", "'x' is not an amount in GBP"],
      ["7", "sku", "must not be empty"],
      ["9", "tax_rate", "unknown tax rate 'vat'"],
    ]);
    expect(api.listProducts.mock.calls.length).toBe(before);
    vi.advanceTimersByTime(60_000);
    await settle();
    expect($("[data-testid=import-outcome]")).not.toBeNull();
    await click("[data-testid=import-dismiss]");
    expect($("[data-testid=import-outcome]")).toBeNull();
  });

  it("says where the export was saved, and nothing when the manager cancels", async () => {
    await start();
    api.exportProducts.mockResolvedValueOnce(null);
    await click("[data-testid=catalog-export]");
    expect($("[data-testid=export-result]")).toBeNull();
    api.exportProducts.mockResolvedValueOnce({ path: "/home/ann/catalog-2026-11-28.csv", rows: 347 });
    await click("[data-testid=catalog-export]");
    expect(text("[data-testid=export-result]")).toContain("Saved 347 products to /home/ann/catalog-2026-11-28.csv");
  });
});

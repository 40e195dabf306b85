// The catalog screen's display logic: paging through a large catalog, labels, the low-stock mark,
// and turning what a manager typed into the till's input shapes. Prices stay as typed (the till
// parses and checks them); only whole-number counts are read here, because the commands take numbers.

import { formatBasisPoints, formatMinor } from "./money";
import type { ImportOutcome, ImportProblem, ImportProgress, NewProductInput, Product, ProductDetailsInput, SavedFile, Shop } from "./types";

/** The header line of a catalog CSV, in the order the till reads and writes it. */
export const IMPORT_COLUMNS = "sku,name,price,barcode,tax_rate,stock,category";

// --- paging --------------------------------------------------------------------------------

/** 1234567 → "1,234,567". */
export function groupThousands(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${grouped}` : grouped;
}

/** How many pages `total` rows make at `size` a page (at least one, so "page 1 of 1" when empty). */
export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

/** The offset of the last page. */
export function lastOffset(total: number, size: number): number {
  return (pageCount(total, size) - 1) * size;
}

/** An offset moved onto a page boundary inside the list (after rows went away, or a bad jump). */
export function clampOffset(offset: number, total: number, size: number): number {
  const aligned = Math.floor(Math.max(0, offset) / size) * size;
  return Math.min(aligned, lastOffset(total, size));
}

export type PageMove = "first" | "prev" | "next" | "last";

/** Where a page button goes from `offset`. */
export function moveOffset(move: PageMove, offset: number, total: number, size: number): number {
  switch (move) {
    case "first":
      return 0;
    case "prev":
      return clampOffset(offset - size, total, size);
    case "next":
      return clampOffset(offset + size, total, size);
    case "last":
      return lastOffset(total, size);
  }
}

/** Which page buttons can be used: first/prev off on the first page, next/last off on the last. */
export function pageButtons(offset: number, total: number, size: number): Record<PageMove, boolean> {
  const atStart = offset <= 0;
  const atEnd = offset + size >= total;
  return { first: !atStart, prev: !atStart, next: !atEnd, last: !atEnd };
}

/** "1–50 of 1,000,000" for the rows shown; "No products" when there are none. */
export function rangeLabel(offset: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return total === 0 ? "No products" : `0 of ${groupThousands(total)}`;
  return `${groupThousands(offset + 1)}–${groupThousands(offset + shown)} of ${groupThousands(total)}`;
}

// --- products ------------------------------------------------------------------------------

/** The stock level at or under which a product needs reordering: its own, else the shop's. */
export function reorderAt(p: Product, shopLevel: number): number {
  return p.reorder_level ?? shopLevel;
}

/** Whether a product's stock is at or under its reorder level (or the shop's low-stock level). */
export function isLowStock(p: Product, shopLevel: number): boolean {
  return p.stock <= reorderAt(p, shopLevel);
}

/** "standard 20%". */
export function taxLabel(p: Pick<Product, "tax_rate" | "tax_basis_points">): string {
  return `${p.tax_rate} ${formatBasisPoints(p.tax_basis_points)}`;
}

/** The shop's tax rates for a select: value is the rate's name. */
export function taxOptions(shop: Shop): { value: string; label: string }[] {
  return shop.tax_rates.map((r) => ({ value: r.name, label: taxLabel({ tax_rate: r.name, tax_basis_points: r.basis_points }) }));
}

/** "2.50 → 2.75": a price change in the shop's currency units. */
export function priceChangeLabel(before: number, after: number, exponent: number): string {
  return `${formatMinor(before, exponent)} → ${formatMinor(after, exponent)}`;
}

/** Replaces the product with the same SKU in a list (a row updated in place); others untouched. */
export function replaceProduct(list: Product[], changed: Product): Product[] {
  return list.map((p) => (p.sku === changed.sku ? changed : p));
}

// --- reading counts ------------------------------------------------------------------------

export type CountReading = { ok: true; value: number | null } | { ok: false; message: string };

/**
 * A count typed by a manager (stock on the shelf, a reorder level): blank is null, otherwise a
 * whole number of items.
 */
export function readCount(text: string): CountReading {
  const t = text.trim();
  if (t === "") return { ok: true, value: null };
  if (!/^\d{1,15}$/.test(t)) return { ok: false, message: "must be a whole number of items, like 12" };
  return { ok: true, value: Number(t) };
}

const blankToNull = (s: string): string | null => (s.trim() === "" ? null : s.trim());

// --- the product's card --------------------------------------------------------------------

/** The details part of a product's card as the form edits it (all text). */
export type DetailsForm = { name: string; barcode: string; category: string; tax_rate: string; reorder_level: string };

export function detailsForm(p: Product): DetailsForm {
  return {
    name: p.name,
    barcode: p.barcode ?? "",
    category: p.category ?? "",
    tax_rate: p.tax_rate,
    reorder_level: p.reorder_level === null ? "" : String(p.reorder_level),
  };
}

/** The form as the till's input, or the field that cannot be read and why. */
export function detailsInput(form: DetailsForm): { ok: true; input: ProductDetailsInput } | { ok: false; field: string; message: string } {
  const level = readCount(form.reorder_level);
  if (!level.ok) return { ok: false, field: "reorder_level", message: `reorder level: ${level.message}` };
  return {
    ok: true,
    input: {
      name: form.name.trim(),
      barcode: blankToNull(form.barcode),
      category: blankToNull(form.category),
      tax_rate: form.tax_rate,
      reorder_level: level.value,
    },
  };
}

/** Whether the details form differs from the product as the till has it. */
export function detailsChanged(form: DetailsForm, p: Product): boolean {
  const now = detailsForm(p);
  return (Object.keys(now) as (keyof DetailsForm)[]).some((k) => form[k].trim() !== now[k].trim());
}

// --- a new product -------------------------------------------------------------------------

export type NewProductForm = { sku: string; name: string; price: string; barcode: string; tax_rate: string; stock: string; category: string };

export function emptyNewProduct(shop: Shop): NewProductForm {
  return { sku: "", name: "", price: "", barcode: "", tax_rate: shop.default_tax_rate, stock: "", category: "" };
}

/** The form as the till's input (opening stock blank is 0), or the field that cannot be read. */
export function newProductInput(form: NewProductForm): { ok: true; input: NewProductInput } | { ok: false; field: string; message: string } {
  const stock = readCount(form.stock);
  if (!stock.ok) return { ok: false, field: "stock", message: `opening stock: ${stock.message}` };
  return {
    ok: true,
    input: {
      sku: form.sku.trim(),
      name: form.name.trim(),
      price: form.price.trim(),
      barcode: blankToNull(form.barcode),
      tax_rate: blankToNull(form.tax_rate),
      stock: stock.value ?? 0,
      category: blankToNull(form.category),
    },
  };
}

// --- import and export ---------------------------------------------------------------------

/** How far an import has got, 0–100 (0 until the till says how many rows there are). */
export function progressPercent(p: ImportProgress | null): number {
  if (!p || p.total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((p.done * 100) / p.total)));
}

const plural = (n: number, one: string, many: string) => `${groupThousands(n)} ${n === 1 ? one : many}`;

/** "kitchen.csv: 120 added, 4 updated" or "kitchen.csv: 3 problems, nothing was imported". */
export function importSummary(o: ImportOutcome): string {
  if (o.problems.length > 0) return `${o.file}: ${plural(o.problems.length, "problem", "problems")}, nothing was imported`;
  return `${o.file}: ${groupThousands(o.added)} added, ${groupThousands(o.updated)} updated`;
}

/** The first `max` problems to list, and how many more there are. */
export function problemsToShow(problems: ImportProblem[], max: number): { shown: ImportProblem[]; more: number } {
  return { shown: problems.slice(0, max), more: Math.max(0, problems.length - max) };
}

/** "Saved 347 products to /path". */
export function exportSummary(saved: SavedFile): string {
  return `Saved ${plural(saved.rows, "product", "products")} to ${saved.path}`;
}

// @vitest-environment jsdom
// The whole till: a receipt scanned at the sell screen, opened for a return in the back office.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrderView } from "../lib/types";
import { $, $$, cleanupScreen, click, installDialogPolyfill, mountScreen, press, resetMocks, settle, testShop, text, type } from "../test/screen";

const api = vi.hoisted(() => ({
  appStatus: vi.fn(),
  staffStatus: vi.fn(),
  signOut: vi.fn(),
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  findProducts: vi.fn(),
  cartAdd: vi.fn(),
  order: vi.fn(),
  findOrders: vi.fn(),
  onSignedOut: vi.fn(),
  toCommandError: (e: unknown) => e as { code: string; message: string },
}));
vi.mock("../lib/api", () => api);
const { default: App } = await import("../App.svelte");

const casey = { id: 3, name: "Casey", role: "cashier" as const };
const cart = {
  currency: "GBP", exponent: 2, tax_mode: "inclusive", lines: [], items: 0, subtotal: 0, discount_total: 0,
  order_discount: null, tax_total: 0, total: 0, tax_breakdown: [], customer: null, demo: false,
};
const sold = {
  id: "o42", staff: "Casey", voided_by: null, number: 42, receipt: "T1-000042", till_id: "T1", status: "paid", currency: "GBP",
  tax_mode: "inclusive", rounding_rule: "half_even", subtotal: 1250, discount_total: 0, order_discount: null, tax: 208, total: 1250,
  cash_rounding: 0, paid: 1250, change: 0, refunded_total: 0, customer_id: null, points_earned: 0, points_redeemed: 0,
  points_reversed: 0, created_at: "2026-12-07T10:15:00.000+00:00", demo: false, lines: [], payments: [], tax_breakdown: [],
  refunds: [], dispute: null,
} as unknown as OrderView;

beforeEach(() => {
  resetMocks(api);
  installDialogPolyfill();
  api.appStatus.mockResolvedValue({ set_up: true, shop: testShop(), store_path: "" });
  api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: casey, staff: [{ name: "Casey", role: "cashier" }] });
  api.currentCart.mockResolvedValue(cart);
  api.categories.mockResolvedValue([]);
  api.listProducts.mockResolvedValue({ products: [], total: 0 });
  api.findProducts.mockResolvedValue([]);
  api.cartAdd.mockRejectedValue({ code: "unknown_product", message: "no product has the code T1-000042" });
  api.order.mockResolvedValue(sold);
  api.findOrders.mockResolvedValue([
    { id: "o42", receipt: "T1-000042", status: "paid", currency: "GBP", total: 1250, refunded_total: 0, customer_id: null, customer_name: null, created_at: sold.created_at },
  ]);
});
afterEach(cleanupScreen);

describe("a receipt scanned at the till", () => {
  it("opens its order in the back office's Orders, where a refund is made; a cashier finds the receipt in hand there", async () => {
    await mountScreen(App, {});
    const search = $("[data-testid=search-input]") as HTMLInputElement;
    type(search, "T1-000042");
    press("Enter", search);
    await settle();
    expect(text("[data-testid=scanned-receipt-summary]")).toContain("Receipt T1-000042");
    await click("[data-testid=scanned-receipt-open]");
    await settle();
    expect($("[data-testid=tab-orders]")?.getAttribute("aria-selected")).toBe("true");
    expect(text("[data-testid=order-receipt]")).toBe("T1-000042");
    expect($("[data-testid=refund-button]")).not.toBeNull();

    // Back at the till, the back office opens as it always did.
    await click("[data-testid=back-to-till]");
    expect($$("[data-testid=scanned-receipt]")).toHaveLength(0);
    await click("[data-testid=manage-button]");
    expect($("[data-testid=tab-reports]")?.getAttribute("aria-selected")).toBe("true");
  });
});

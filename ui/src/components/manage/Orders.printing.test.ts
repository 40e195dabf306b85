// @vitest-environment jsdom
// The orders screen on a till with a receipt printer, against a stubbed till: Reprint prints on
// the printer (the receipt can still be viewed on screen), a printer problem is shown with Retry,
// and a refund prints its receipt with the drawer for cash.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrderSummary, OrderView, RefundView } from "../../lib/types";
import {
  $, cleanupScreen, click, fakeTimeouts, installDialogPolyfill, mountScreen, press, resetMocks, settle, testShop, text,
} from "../../test/screen";

const api = vi.hoisted(() => ({
  findOrders: vi.fn(),
  order: vi.fn(),
  refundOrder: vi.fn(),
  refundPreview: vi.fn(),
  businessDay: vi.fn(),
  receipt: vi.fn(),
  printReceipt: vi.fn(),
  printAfterRefund: vi.fn(),
  toCommandError: (e: unknown) => e as { code: string; message: string },
}));
vi.mock("../../lib/api", () => api);

const { default: Orders } = await import("./Orders.svelte");

const printer = { address: "tcp://127.0.0.1:9100", paper: "80mm", columns: 48, code_page: "pc858", drawer_pin: 2 };
const shopWith = (auto_print: "always" | "ask" | "never" = "always") =>
  testShop({ printer, receipt: { address: null, phone: null, tax_number: null, footer: null, auto_print, has_logo: false } });

const summary: OrderSummary = {
  id: "o1", receipt: "T1-000001", status: "paid", currency: "GBP", total: 400, refunded_total: 0, customer_id: null,
  customer_name: null, created_at: "2025-03-12T14:05:09.123+00:00",
} as OrderSummary;

const order: OrderView = {
  id: "o1", staff: "Casey", voided_by: null, number: 1, receipt: "T1-000001", till_id: "T1", status: "paid", currency: "GBP",
  tax_mode: "inclusive", rounding_rule: "half_even", subtotal: 400, discount_total: 0, order_discount: null, tax: 67, total: 400,
  cash_rounding: 0, paid: 400, change: 100, refunded_total: 0, customer_id: null, points_earned: 0, points_redeemed: 0,
  points_reversed: 0, created_at: "2025-03-12T14:05:09.123+00:00", demo: false,
  lines: [{ line_no: 1, sku: "BREAD", name: "Bread", quantity: 1, unit_price: 400, line_discount: 0, discount: null, order_discount_share: 0,
    tax_rate: "standard", tax_basis_points: 2000, net: 333, tax: 67, gross: 400, refunded_quantity: 0, refunded_amount: 0, catalog_price: null }],
  payments: [{ id: "p1", tender: "cash", status: "succeeded", amount: 400, tendered: 500, change: 100, points: 0, refunded: 0,
    mode: null, card_brand: null, card_last4: null, intent_id: null, authorization_code: null }],
  tax_breakdown: [{ name: "standard", basis_points: 2000, net: 333, tax: 67, gross: 400 }],
  refunds: [], dispute: null,
};

const refund: RefundView = {
  id: "r1", order_id: "o1", receipt: "T1-000001", currency: "GBP", amount: 400, tax: 67, cash_rounding: 0, restock: true,
  points_reversed: 0, points_shortfall: 0, order_status: "refunded", at_stripe: null,
  lines: [{ line_no: 1, sku: "BREAD", quantity: 1, amount: 400, tax: 67 }],
  tenders: [{ tender: "cash", amount: 400, paid_out: 400, points: 0, payment_id: "p1", intent_id: null }],
};

const paperOut = { code: "paper_out", message: "The printer is out of paper: put a new roll in" };

async function openOrder(shop = shopWith()) {
  api.order.mockResolvedValue(order);
  await mountScreen(Orders, { shop });
  const row = $("[data-testid=order-row]")!;
  row.focus();
  press("Enter", row);
  await settle();
}

beforeEach(() => {
  fakeTimeouts();
  resetMocks(api);
  // The refund dialog asks what a refund would be as it is filled in: not answered unless a test says.
  api.refundPreview.mockReturnValue(new Promise(() => {}));
  api.findOrders.mockResolvedValue([summary]);
  api.businessDay.mockResolvedValue("2025-03-12");
  api.receipt.mockRejectedValue({ code: "internal", message: "not needed here" });
  installDialogPolyfill();
});
afterEach(cleanupScreen);

describe("Reprint with a receipt printer", () => {
  it("prints the reprint copy on the printer and stays on the order", async () => {
    api.printReceipt.mockResolvedValue({ receipt: "T1-000001", drawer_opened: false });
    await openOrder();
    await click("[data-testid=reprint-button]");
    expect(api.printReceipt).toHaveBeenCalledTimes(1);
    expect(api.printReceipt).toHaveBeenCalledWith("o1", { kind: "reprint" });
    expect(text("[data-testid=reprint-status]")).toBe("Printed");
    expect($("[data-testid=order-detail]")).not.toBeNull();
    expect($("[data-testid=receipt]")).toBeNull();
  });

  it("shows the printer's problem with Retry, and still lets the receipt be viewed on screen", async () => {
    api.printReceipt.mockRejectedValueOnce(paperOut).mockResolvedValueOnce({ receipt: "T1-000001", drawer_opened: false });
    await openOrder();
    await click("[data-testid=reprint-button]");
    expect(text("[data-testid=reprint-error]")).toContain("The printer is out of paper: put a new roll in");
    await click("[data-testid=reprint-retry]");
    expect(api.printReceipt).toHaveBeenCalledTimes(2);
    expect(api.printReceipt).toHaveBeenLastCalledWith("o1", { kind: "reprint" });
    expect(text("[data-testid=reprint-status]")).toBe("Printed");
    await click("[data-testid=view-receipt-button]");
    expect(text("[data-testid=receipt-number]")).toBe("T1-000001");
    expect(text("[data-testid=receipt-reprint]")).toBe("REPRINT — copy of the receipt");
  });

  it("without a printer, Reprint shows the receipt for the print dialog as before", async () => {
    await openOrder(testShop());
    expect($("[data-testid=view-receipt-button]")).toBeNull();
    await click("[data-testid=reprint-button]");
    expect(api.printReceipt).not.toHaveBeenCalled();
    expect(text("[data-testid=receipt-number]")).toBe("T1-000001");
  });
});

describe("Refund with a receipt printer", () => {
  async function refundWhole(shop = shopWith()) {
    await openOrder(shop);
    await click("[data-testid=refund-button]");
    api.refundOrder.mockResolvedValue(refund);
    api.order.mockResolvedValue({ ...order, status: "refunded", refunded_total: 400 });
    await click("[data-testid=refund-confirm]");
  }

  it("prints the refund's receipt once the refund is made", async () => {
    api.printAfterRefund.mockResolvedValue({ receipt: "T1-000001", drawer_opened: true });
    await refundWhole();
    expect(text("[data-testid=refund-amount]")).toBe("GBP 4.00");
    expect(api.printAfterRefund).toHaveBeenCalledWith("o1", "r1");
    expect(text("[data-testid=refund-print-status]")).toBe("Printed · drawer opened");
  });

  it("shows a printer problem; Retry prints the refund's receipt once", async () => {
    api.printAfterRefund.mockRejectedValue(paperOut);
    await refundWhole();
    expect(text("[data-testid=refund-print-error]")).toContain("out of paper");
    api.printReceipt.mockResolvedValue({ receipt: "T1-000001", drawer_opened: true });
    await click("[data-testid=refund-print-retry]");
    expect(api.printReceipt).toHaveBeenCalledTimes(1);
    expect(api.printReceipt).toHaveBeenCalledWith("o1", { kind: "refund", refund_id: "r1" });
    expect(text("[data-testid=refund-print-status]")).toBe("Printed · drawer opened");
  });

  it("prints nothing for a refund without a printer", async () => {
    await refundWhole(testShop());
    expect(text("[data-testid=refund-amount]")).toBe("GBP 4.00");
    expect(api.printAfterRefund).not.toHaveBeenCalled();
    expect($("[data-testid=refund-print-status]")).toBeNull();
  });
});

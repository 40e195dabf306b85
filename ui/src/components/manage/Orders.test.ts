// @vitest-environment jsdom
// The orders screen against a stubbed till: finding, paging, opening, refunding, voiding, reprinting.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import type { OrderSummary, OrderView, PaymentView, RefundView } from "../../lib/types";
import {
  $, $$, choose, cleanupScreen, click, fakeTimeouts, input, installDialogPolyfill, mountScreen, press, resetMocks,
  setValue, settle, submit, testShop, text, type,
} from "../../test/screen";

const api = vi.hoisted(() => ({
  findOrders: vi.fn(),
  order: vi.fn(),
  refundOrder: vi.fn(),
  refundPreview: vi.fn(),
  voidOrder: vi.fn(),
  businessDay: vi.fn(),
  toCommandError: (e: unknown) => e as { code: string; message: string },
}));
vi.mock("../../lib/api", () => api);

const { default: Orders } = await import("./Orders.svelte");

const shop = testShop();

function summary(n: number, over: Partial<OrderSummary> = {}): OrderSummary {
  return {
    id: `o${n}`, receipt: `T1-${String(n).padStart(6, "0")}`, status: "paid", currency: "GBP", total: 1000 + n,
    refunded_total: 0, customer_id: 7, customer_name: "Ann Smith", created_at: "2025-03-12T14:05:09.123+00:00", ...over,
  };
}

function orderView(over: Partial<OrderView> = {}): OrderView {
  return {
    id: "o1", staff: "Casey", voided_by: null, number: 1, receipt: "T1-000001", till_id: "T1", status: "paid", currency: "GBP", tax_mode: "inclusive",
    rounding_rule: "half_even", subtotal: 700, discount_total: 0, order_discount: null, tax: 117, total: 700,
    cash_rounding: 0, paid: 700, change: 300, refunded_total: 0, customer_id: 7, points_earned: 7, points_redeemed: 0,
    points_reversed: 0, created_at: "2025-03-12T14:05:09.123+00:00", demo: false,
    lines: [
      { line_no: 1, sku: "MILK", name: "Milk", quantity: 3, unit_price: 100, line_discount: 0, discount: null, order_discount_share: 0,
        tax_rate: "standard", tax_basis_points: 2000, net: 250, tax: 50, gross: 300, refunded_quantity: 1, refunded_amount: 100, catalog_price: null },
      { line_no: 2, sku: "BREAD", name: "Bread", quantity: 1, unit_price: 400, line_discount: 0, discount: null, order_discount_share: 0,
        tax_rate: "standard", tax_basis_points: 2000, net: 333, tax: 67, gross: 400, refunded_quantity: 0, refunded_amount: 0, catalog_price: null },
    ],
    payments: [{ id: "p1", tender: "cash", status: "succeeded", amount: 700, tendered: 1000, change: 300, points: 0, refunded: 0,
      mode: null, card_brand: null, card_last4: null, intent_id: null, authorization_code: null }],
    tax_breakdown: [{ name: "standard", basis_points: 2000, net: 583, tax: 117, gross: 700 }],
    refunds: [],
    dispute: null,
    ...over,
  };
}

beforeEach(() => {
  fakeTimeouts();
  resetMocks(api);
  // The refund dialog asks what a refund would be as it is filled in: not answered unless a test says.
  api.refundPreview.mockReturnValue(new Promise(() => {}));
  api.findOrders.mockResolvedValue([summary(1)]);
  api.businessDay.mockResolvedValue("2025-03-12");
  installDialogPolyfill();
});

afterEach(cleanupScreen);

const start = () => mountScreen(Orders, { shop });

const ANY = { text: null, status: null, from: null, to: null };

async function openFirstOrder(order = orderView()) {
  api.order.mockResolvedValue(order);
  await start();
  const row = $("[data-testid=order-row]")!;
  row.focus();
  press("Enter", row);
  await settle();
}

describe("Orders list", () => {
  it("shows the newest page in shop-floor words, asking for one row more than it shows", async () => {
    api.findOrders.mockResolvedValue([summary(3, { status: "partially_refunded", refunded_total: 250 }), summary(2), summary(1, { customer_name: null })]);
    await start();
    expect(api.findOrders).toHaveBeenCalledWith(ANY, 0, 51);
    const rows = $$("[data-testid=order-row]");
    expect(rows).toHaveLength(3);
    expect(rows[0].querySelector("[data-testid=order-row-receipt]")?.textContent).toBe("T1-000003");
    expect(rows[0].querySelector("[data-testid=order-row-status]")?.textContent).toBe("Partially refunded");
    expect(rows[0].querySelector("[data-testid=order-row-total]")?.textContent).toBe("10.03");
    expect(rows[0].querySelector("[data-testid=order-row-refunded]")?.textContent).toBe("2.50");
    expect(rows[0].querySelector("[data-testid=order-row-date]")?.textContent).not.toContain("T14");
    expect(rows[2].querySelector("[data-testid=order-row-customer]")?.textContent).toBe("");
    expect(($("[data-testid=orders-older]") as HTMLButtonElement).disabled).toBe(true);
    expect(($("[data-testid=orders-newer]") as HTMLButtonElement).disabled).toBe(true);
  });

  it("pages to older and back to newer orders", async () => {
    api.findOrders.mockResolvedValue(Array.from({ length: 51 }, (_, i) => summary(200 - i)));
    await start();
    expect($$("[data-testid=order-row]")).toHaveLength(50);
    expect(text("[data-testid=orders-page]")).toBe("Orders 1–50");
    api.findOrders.mockResolvedValue(Array.from({ length: 10 }, (_, i) => summary(150 - i)));
    await click("[data-testid=orders-older]");
    expect(api.findOrders).toHaveBeenLastCalledWith(ANY, 50, 51);
    expect(text("[data-testid=orders-page]")).toBe("Orders 51–60");
    expect(($("[data-testid=orders-older]") as HTMLButtonElement).disabled).toBe(true);
    await click("[data-testid=orders-newer]");
    expect(api.findOrders).toHaveBeenLastCalledWith(ANY, 0, 51);
  });

  it("searches after a pause in typing, once, from the first page", async () => {
    await start();
    api.findOrders.mockClear();
    const search = $("[data-testid=orders-search]") as HTMLInputElement;
    type(search, "4");
    vi.advanceTimersByTime(100);
    type(search, "42");
    vi.advanceTimersByTime(100);
    expect(api.findOrders).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    await settle();
    expect(api.findOrders).toHaveBeenCalledTimes(1);
    expect(api.findOrders).toHaveBeenCalledWith({ ...ANY, text: "42" }, 0, 51);
  });

  it("drops a slow answer to an older search", async () => {
    await start();
    let answerOld: (rows: OrderSummary[]) => void = () => {};
    api.findOrders.mockImplementationOnce(() => new Promise((r) => (answerOld = r)));
    api.findOrders.mockResolvedValueOnce([summary(9)]);
    const status = $("[data-testid=orders-status]") as HTMLSelectElement;
    choose(status, "refunded");
    choose(status, "voided");
    await settle();
    answerOld([summary(5), summary(4)]);
    await settle();
    expect(api.findOrders).toHaveBeenLastCalledWith({ ...ANY, status: "voided" }, 0, 51);
    expect($$("[data-testid=order-row-receipt]").map((e) => e.textContent)).toEqual(["T1-000009"]);
  });

  it("puts the till's refusal of a filter next to that filter and keeps what was typed", async () => {
    await start();
    api.findOrders.mockRejectedValue({ code: "invalid_input", message: "from: '2025-13-01': expected a date as YYYY-MM-DD" });
    const from = $("[data-testid=orders-from]") as HTMLInputElement;
    setValue(from, "2025-01-05");
    await settle();
    expect(text("[data-testid=field-error-from]")).toContain("expected a date");
    expect(from.getAttribute("aria-invalid")).toBe("true");
    expect(from.dataset.day).toBe("2025-01-05");
    expect($("[data-testid=orders-error]")).toBeNull();
  });

  it("catches a last day before the first day without asking the till", async () => {
    await start();
    api.findOrders.mockClear();
    const from = $("[data-testid=orders-from]") as HTMLInputElement;
    const to = $("[data-testid=orders-to]") as HTMLInputElement;
    type(from, "2025-02-01");
    setValue(to, "2025-01-01");
    await settle();
    expect(text("[data-testid=field-error-to]")).toBe("The last day is before the first day.");
    expect(api.findOrders).not.toHaveBeenCalledWith(expect.objectContaining({ to: "2025-01-01" }), 0, 51);
  });

  it("shows today's orders with the Today button", async () => {
    await start();
    await click("[data-testid=orders-today]");
    expect(api.findOrders).toHaveBeenLastCalledWith({ ...ANY, from: "2025-03-12", to: "2025-03-12" }, 0, 51);
    expect(($("[data-testid=orders-from]") as HTMLInputElement).dataset.day).toBe("2025-03-12");
  });

  it("moves between rows with the arrow keys and opens one with Enter", async () => {
    api.findOrders.mockResolvedValue([summary(2), summary(1)]);
    api.order.mockResolvedValue(orderView());
    await start();
    const rows = $$("[data-testid=order-row]");
    rows[0].focus();
    press("ArrowDown", rows[0]);
    flushSync();
    expect(document.activeElement).toBe(rows[1]);
    press("Enter", rows[1]);
    await settle();
    expect(api.order).toHaveBeenCalledWith("o1");
    expect($("[data-testid=order-detail]")).not.toBeNull();
    expect(text("[data-testid=order-receipt]")).toBe("T1-000001");
  });
});

describe("Enter in the orders search", () => {
  it("opens the highlighted order, the search run first when it was still waiting", async () => {
    await start();
    api.findOrders.mockClear();
    api.findOrders.mockResolvedValue([summary(42)]);
    api.order.mockResolvedValue(orderView());
    const search = $("[data-testid=orders-search]") as HTMLInputElement;
    type(search, "42");
    await submit(search.form!);
    await settle();
    expect(api.findOrders).toHaveBeenCalledTimes(1);
    expect(api.findOrders).toHaveBeenCalledWith({ ...ANY, text: "42" }, 0, 51);
    expect(api.order).toHaveBeenCalledTimes(1);
    expect($("[data-testid=order-detail]")).not.toBeNull();
  });

  it("opens the highlighted order on Enter in the search, though the form has other text fields", async () => {
    await start();
    api.findOrders.mockClear();
    api.findOrders.mockResolvedValue([summary(42)]);
    api.order.mockResolvedValue(orderView());
    const search = $("[data-testid=orders-search]") as HTMLInputElement;
    type(search, "42");
    expect(press("Enter", search).defaultPrevented).toBe(true);
    await settle();
    expect(api.findOrders).toHaveBeenCalledTimes(1);
    expect(api.order).toHaveBeenCalledTimes(1);
    expect($("[data-testid=order-detail]")).not.toBeNull();
  });

  it("goes down to the list with the arrow key", async () => {
    api.findOrders.mockResolvedValue([summary(2), summary(1)]);
    await start();
    const search = $("[data-testid=orders-search]") as HTMLInputElement;
    search.focus();
    press("ArrowDown", search);
    flushSync();
    expect(document.activeElement).toBe($$("[data-testid=order-row]")[0]);
  });
});

describe("Order detail", () => {
  it("shows lines, payments, points and the customer, with Refund, Reprint and Void for a paid order", async () => {
    await openFirstOrder();
    const lines = $$("[data-testid=order-line]");
    expect(lines).toHaveLength(2);
    expect(lines[0].textContent).toContain("MILK");
    expect(lines[0].querySelector("[data-testid=order-line-refunded]")?.textContent).toBe("1 · 1.00");
    expect($$("[data-testid=order-payment]")[0].textContent).toContain("Cash");
    expect(text("[data-testid=order-total]")).toBe("7.00");
    expect(text("[data-testid=order-points-earned]")).toBe("7");
    expect(text("[data-testid=order-customer]")).toBe("Customer: Ann Smith");
    expect(text("[data-testid=order-staff]")).toBe("Sold by Casey");
    expect(text("[data-testid=order-status]")).toBe("Paid");
    expect($("[data-testid=refund-button]")).not.toBeNull();
    expect($("[data-testid=reprint-button]")).not.toBeNull();
    expect($("[data-testid=order-void-button]")).not.toBeNull();
  });

  it("shows a card payment's brand, last four and its demo or test mark", async () => {
    const card: PaymentView = {
      id: "p2", tender: "card", status: "succeeded", amount: 700, tendered: null, change: 0, points: 0, refunded: 0,
      mode: "test", card_brand: "visa", card_last4: "4242", intent_id: "pi_1", authorization_code: null,
    };
    await openFirstOrder(orderView({ payments: [card], change: 0 }));
    const row = $$("[data-testid=order-payment]")[0];
    expect(row.textContent).toContain("Card visa •••• 4242");
    expect(row.querySelector("[data-testid=order-payment-mode]")?.textContent).toBe("TEST");
  });

  it("offers no Void once something has been refunded, and no Refund on a voided order", async () => {
    await openFirstOrder(orderView({ status: "partially_refunded", refunded_total: 100 }));
    expect($("[data-testid=order-void-button]")).toBeNull();
    expect($("[data-testid=refund-button]")).not.toBeNull();
    press("Escape", window);
    await settle();
    api.order.mockResolvedValue(orderView({ status: "voided" }));
    press("Enter", $("[data-testid=order-row]")!);
    await settle();
    expect($("[data-testid=refund-button]")).toBeNull();
    expect($("[data-testid=order-void-button]")).toBeNull();
  });

  it("voids only after confirming, then shows the new status in the detail and the list", async () => {
    await openFirstOrder();
    await click("[data-testid=order-void-button]");
    expect($("[data-testid=order-void-dialog]")).not.toBeNull();
    expect(api.voidOrder).not.toHaveBeenCalled();
    api.voidOrder.mockResolvedValue(orderView({ status: "voided" }));
    await click("[data-testid=order-void-confirm]");
    expect(api.voidOrder).toHaveBeenCalledWith("o1");
    expect(text("[data-testid=order-status]")).toBe("Voided");
    expect($("[data-testid=order-void-dialog]")).toBeNull();
    await click("[data-testid=order-back]");
    expect(text("[data-testid=order-row-status]")).toBe("Voided");
    expect(document.activeElement).toBe($("[data-testid=order-row]"));
  });

  it("shows the till's refusal to void in the confirmation", async () => {
    await openFirstOrder();
    await click("[data-testid=order-void-button]");
    api.voidOrder.mockRejectedValue({ code: "wrong_state", message: "order T1-000001 is refunded and cannot be voided" });
    await click("[data-testid=order-void-confirm]");
    expect(text("[data-testid=order-void-error]")).toContain("cannot be voided");
  });

  it("reprints the receipt and comes back to the order", async () => {
    await openFirstOrder();
    await click("[data-testid=reprint-button]");
    expect(text("[data-testid=receipt-number]")).toBe("T1-000001");
    expect($("[data-testid=print-button]")).not.toBeNull();
    expect(document.activeElement).toBe($("[data-testid=reprint-back]"));
    press("Escape", window);
    await settle();
    expect($("[data-testid=receipt]")).toBeNull();
    expect($("[data-testid=order-detail]")).not.toBeNull();
  });
});

describe("A refund made at Stripe", () => {
  it("shows in the order's refunds as refunded outside the till, with Stripe's id", async () => {
    const refunded = orderView({
      status: "partially_refunded", refunded_total: 300,
      refunds: [{ id: "r9", kind: "amount", amount: 300, tax: 50, cash_rounding: 0, points_reversed: 3, restock: false,
        created_at: "2025-03-13T09:00:00.000+00:00", staff: null, approved_by: null, at_stripe: "re_123" }],
    });
    await openFirstOrder(refunded);
    expect(text("[data-testid=refund-at-stripe]")).toBe("Refunded outside the till, at Stripe");
    expect(text("[data-testid=order-refund]")).toContain("re_123");
  });
});

describe("A disputed order", () => {
  it("says the card holder disputed it, and how it ended", async () => {
    await openFirstOrder(orderView({ dispute: { status: "open", reason: "product_not_received", dispute_id: "dp_1" } }));
    expect(text("[data-testid=order-dispute]")).toBe("Disputed by the card holder: no money moved yet (product not received)");
    cleanupScreen();
    await openFirstOrder(orderView({ dispute: { status: "lost", reason: "fraudulent", dispute_id: "dp_1" } }));
    expect(text("[data-testid=order-dispute]")).toBe("Dispute lost: Stripe took the money back (fraudulent)");
    cleanupScreen();
    await openFirstOrder();
    expect($("[data-testid=order-dispute]")).toBeNull();
  });
});

describe("Receipt of an unpaid order", () => {
  it("says it is not paid and shows no points earned", async () => {
    const declined = orderView({
      status: "payment_failed", paid: 0, change: 0, points_earned: 0,
      payments: [{ id: "p1", tender: "card", status: "canceled", amount: 700, tendered: 700, change: 0, points: 0, refunded: 0,
        mode: "test", card_brand: null, card_last4: null, intent_id: "pi_1", authorization_code: null }],
    });
    await openFirstOrder(declined);
    await click("[data-testid=reprint-button]");
    expect(text("[data-testid=receipt-unpaid]")).toBe("NOT PAID — payment failed");
    expect($("[data-testid=receipt-points]")).toBeNull();
  });

  it("is not marked on a paid order's receipt", async () => {
    await openFirstOrder();
    await click("[data-testid=reprint-button]");
    expect($("[data-testid=receipt-unpaid]")).toBeNull();
    expect(text("[data-testid=receipt-points]")).toBe("7");
  });
});

describe("Refund dialog", () => {
  const refund: RefundView = {
    id: "r1", order_id: "o1", receipt: "T1-000001", currency: "GBP", amount: 200, tax: 33, cash_rounding: 0, restock: true,
    points_reversed: 2, points_shortfall: 1, order_status: "partially_refunded", at_stripe: null,
    lines: [{ line_no: 1, sku: "MILK", quantity: 2, amount: 200, tax: 33 }],
    tenders: [{ tender: "cash", amount: 200, paid_out: 200, points: 0, payment_id: "p1", intent_id: null }],
  };

  async function openRefund(mode: "whole" | "lines" | "amount") {
    await openFirstOrder();
    await click("[data-testid=refund-button]");
    const radio = $(`[data-testid=refund-mode-${mode}]`) as HTMLInputElement;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
  }

  const submit = () => click("[data-testid=refund-confirm]");

  it("refunds chosen quantities, puts them back in stock, shows what was paid out and refreshes the order", async () => {
    await openRefund("lines");
    const qty = $$("[data-testid=refund-qty]") as HTMLInputElement[];
    expect(qty.map((q) => q.value)).toEqual(["", ""]);
    expect(text("[data-testid=refund-preview]")).toBe("");
    type(qty[0], "3");
    await submit();
    expect(api.refundOrder).not.toHaveBeenCalled();
    expect(text("[data-testid=field-error-quantity]")).toBe("At most 2 can be refunded.");
    expect(qty[0].value).toBe("3");

    api.refundPreview.mockResolvedValue(refund);
    type(qty[0], "2");
    await settle();
    // The amount and where it goes, before Refund is pressed.
    expect(api.refundPreview).toHaveBeenLastCalledWith("T1-000001", { amount: null, lines: [{ sku: "MILK", quantity: 2 }], restock: false });
    expect(text("[data-testid=refund-preview]")).toBe("Refund GBP 2.00: 2.00 to cash; 2 points taken back");
    expect(api.refundOrder).not.toHaveBeenCalled();
    ($("[data-testid=refund-restock]") as HTMLInputElement).click();
    api.refundOrder.mockResolvedValue(refund);
    api.order.mockResolvedValue(orderView({ status: "partially_refunded", refunded_total: 300 }));
    await submit();
    expect(api.refundOrder).toHaveBeenCalledWith("T1-000001", { amount: null, lines: [{ sku: "MILK", quantity: 2 }], restock: true });
    expect(text("[data-testid=refund-paid-out]")).toBe("2.00");
    expect(text("[data-testid=refund-points-reversed]")).toBe("2");
    expect(text("[data-testid=refund-points-shortfall]")).toContain("1");
    expect(text("[data-testid=refund-order-status]")).toBe("Partially refunded");
    expect(api.order).toHaveBeenLastCalledWith("o1");

    await click("[data-testid=refund-done]");
    expect($("[data-testid=refund-dialog]")).toBeNull();
    expect(text("[data-testid=order-status]")).toBe("Partially refunded");
    await click("[data-testid=order-back]");
    expect(text("[data-testid=order-row-refunded]")).toBe("3.00");
  });

  it("will not send an items refund with nothing chosen (that would refund the whole order)", async () => {
    await openRefund("lines");
    await submit();
    expect(api.refundOrder).not.toHaveBeenCalled();
    expect(text("[data-testid=field-error-lines]")).toContain("at least one item");
  });

  it("refunds the whole order as no amount and no lines", async () => {
    await openRefund("whole");
    api.refundOrder.mockResolvedValue({ ...refund, order_status: "refunded" });
    api.order.mockResolvedValue(orderView({ status: "refunded" }));
    await submit();
    expect(api.refundOrder).toHaveBeenCalledWith("T1-000001", { amount: null, lines: [], restock: false });
    expect(text("[data-testid=refund-order-status]")).toBe("Refunded");
  });

  it("puts the till's refusal of an amount next to it and keeps the amount typed", async () => {
    await openRefund("amount");
    expect(($("[data-testid=refund-restock]") as HTMLInputElement).disabled).toBe(true);
    const amount = $("[data-testid=refund-amount-input]") as HTMLInputElement;
    type(amount, "99.00");
    api.refundOrder.mockRejectedValue({ code: "refund_exceeds_paid", message: "a refund of 99.00 is more than the 6.00 still refundable on this order" });
    await submit();
    expect(api.refundOrder).toHaveBeenCalledWith("T1-000001", { amount: "99.00", lines: [], restock: false });
    expect(text("[data-testid=field-error-amount]")).toContain("more than the 6.00");
    expect(amount.value).toBe("99.00");
    expect($("[data-testid=refund-dialog]")).not.toBeNull();
  });
});

describe("An order opened from the till (a receipt scanned for a return)", () => {
  it("opens the order at once, with its row in the list behind it", async () => {
    api.findOrders.mockResolvedValue([summary(42)]);
    api.order.mockResolvedValue(orderView({ id: "o42", receipt: "T1-000042" }));
    await mountScreen(Orders, { shop, reference: "T1-000042" });
    expect(api.findOrders).toHaveBeenCalledWith({ ...ANY, text: "T1-000042" }, 0, 51);
    expect(api.order).toHaveBeenCalledTimes(1);
    expect(api.order).toHaveBeenCalledWith("o42");
    expect(text("[data-testid=order-receipt]")).toBe("T1-000042");
    expect(text("[data-testid=order-customer]")).toBe("Customer: Ann Smith");
    expect($("[data-testid=refund-button]"), "Refund is where it always is").not.toBeNull();
    await click("[data-testid=order-back]");
    expect($$("[data-testid=order-row]").map((r) => r.dataset.receipt)).toEqual(["T1-000042"]);
    expect(input("[data-testid=orders-search]").value).toBe("T1-000042");
  });

  it("opens it once for a cashier, whose receipt-only list opens a single match itself", async () => {
    api.findOrders.mockResolvedValue([summary(42)]);
    api.order.mockResolvedValue(orderView({ id: "o42", receipt: "T1-000042" }));
    await mountScreen(Orders, { shop, reference: "T1-000042", receiptOnly: true });
    expect(api.order).toHaveBeenCalledTimes(1);
    expect(text("[data-testid=order-receipt]")).toBe("T1-000042");
  });

  it("opens the order by its number when the list does not show it", async () => {
    api.findOrders.mockResolvedValue([]);
    api.order.mockResolvedValue(orderView({ id: "o42", receipt: "T1-000042" }));
    await mountScreen(Orders, { shop, reference: "T1-000042" });
    expect(api.order).toHaveBeenCalledWith("T1-000042");
    expect(text("[data-testid=order-receipt]")).toBe("T1-000042");
  });

  it("is where the back office opens when asked to, on the Orders tab, only the first time", async () => {
    const { default: Manage } = await import("../Manage.svelte");
    api.findOrders.mockResolvedValue([summary(42)]);
    api.order.mockResolvedValue(orderView({ id: "o42", receipt: "T1-000042" }));
    await mountScreen(Manage, {
      shop, onback: () => {}, onshopchange: () => {}, actor: { id: 3, name: "Casey", role: "cashier" }, onswitch: () => {},
      open: { tab: "orders", reference: "T1-000042" },
    });
    expect($("[data-testid=tab-orders]")?.getAttribute("aria-selected")).toBe("true");
    expect(text("[data-testid=order-receipt]")).toBe("T1-000042");
    await click("[data-testid=tab-reports]");
    await click("[data-testid=tab-orders]");
    expect($("[data-testid=order-detail]"), "going back to Orders shows its list, not the order again").toBeNull();
    expect(api.order).toHaveBeenCalledTimes(1);
  });
});

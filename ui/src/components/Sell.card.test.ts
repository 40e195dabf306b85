// @vitest-environment jsdom
// Card payments on the sell screen against a stubbed till: the mode pill, the Card button, the card
// dialog from Pay, the receipt's card line, and the in-doubt banner with its polling.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CardOutcome, PaymentsStatus, ReaderView } from "../lib/payments";
import type { CartView, OrderView } from "../lib/types";
import { $, cleanupScreen, click, deferred, installDialogPolyfill, mountScreen, press, resetMocks, settle, testShop, text } from "../test/screen";

const api = vi.hoisted(() => ({
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  checkout: vi.fn(),
  paymentsStatus: vi.fn(),
  cardCheckout: vi.fn(),
  retryCardPayment: vi.fn(),
  abandonCardPayment: vi.fn(),
  cancelCardPayment: vi.fn(),
  presentTestCard: vi.fn(),
  reconcilePayments: vi.fn(),
  paymentsInDoubt: vi.fn(),
}));
vi.mock("../lib/api", () => api);
const { default: Sell } = await import("./Sell.svelte");

const reader: ReaderView = {
  id: "tmr_1", label: "Demo reader", device_type: "simulated_wisepos_e", serial_number: "SIM-1", location: null,
  state: "online", simulated: true, chosen: true,
};
const status = (over: Partial<PaymentsStatus> = {}): PaymentsStatus => ({ mode: "demo", reader, problem: null, in_doubt: 0, ...over });

const cart: CartView = {
  currency: "GBP", exponent: 2, tax_mode: "inclusive", items: 1, subtotal: 450, discount_total: 0, order_discount: null,
  tax_total: 75, total: 450, tax_breakdown: [], customer: null, demo: false,
  lines: [{ index: 0, sku: "CAKE", name: "Cake", quantity: 1, unit_price: 450, catalog_price: null, line_discount: 0, discount: null, order_discount_share: 0, tax_rate: "standard", gross: 450 }],
};

const paidOrder = {
  id: "o1", staff: null, voided_by: null, number: 7, receipt: "T1-000007", till_id: "T1", status: "paid", currency: "GBP",
  tax_mode: "inclusive", rounding_rule: "half_even", subtotal: 450, discount_total: 0, order_discount: null, tax: 75, total: 450,
  cash_rounding: 0, paid: 450, change: 0, refunded_total: 0, customer_id: null, points_earned: 0, points_redeemed: 0,
  points_reversed: 0, created_at: "2026-11-28", demo: false, lines: [], tax_breakdown: [], refunds: [], dispute: null,
  payments: [{
    id: "p1", tender: "card", status: "succeeded", amount: 450, tendered: null, change: 0, points: 0, refunded: 0,
    mode: "demo", card_brand: "visa", card_last4: "4242", intent_id: "pi_1", authorization_code: null,
  }],
} as unknown as OrderView; // the card fields are the ones OrderView's payments gain with card payments

beforeEach(() => {
  resetMocks(api);
  installDialogPolyfill();
  api.currentCart.mockResolvedValue(cart);
  api.categories.mockResolvedValue([]);
  api.listProducts.mockResolvedValue({ products: [], total: 0 });
  api.paymentsStatus.mockResolvedValue(status());
});
afterEach(cleanupScreen);

const start = () => mountScreen(Sell, { shop: testShop() });
async function openPay() {
  press("F12", window);
  await settle();
}

describe("Sell screen with card payments", () => {
  it("marks a demo or test card reader in the header, and nothing in live mode", async () => {
    await mountScreen(Sell, { shop: testShop({ demo: true }) });
    expect(text("[data-testid=payments-mode]")).toBe("DEMO CARD READER");
    cleanupScreen();
    // A real shop with no key yet: its practice reader, said as that.
    await start();
    expect(text("[data-testid=payments-mode]")).toBe("CARDS NOT SET UP: PRACTICE READER");
    cleanupScreen();
    api.paymentsStatus.mockResolvedValue(status({ mode: "test" }));
    await start();
    expect(text("[data-testid=payments-mode]")).toBe("TEST MODE");
    cleanupScreen();
    api.paymentsStatus.mockResolvedValue(status({ mode: "live" }));
    await start();
    expect($("[data-testid=payments-mode]")).toBeNull();
  });

  it("disables Card with the till's reason when cards are off, and shows a problem beside it otherwise", async () => {
    api.paymentsStatus.mockResolvedValue(status({ mode: null, reader: null, problem: "no Stripe key is stored" }));
    await start();
    await openPay();
    expect(($("[data-testid=pay-card]") as HTMLButtonElement).disabled).toBe(true);
    expect(text("[data-testid=pay-card-problem]")).toBe("no Stripe key is stored");
    cleanupScreen();
    api.paymentsStatus.mockResolvedValue(status({ problem: "no reader chosen" }));
    await start();
    await openPay();
    expect(($("[data-testid=pay-card]") as HTMLButtonElement).disabled).toBe(false);
    expect(text("[data-testid=pay-card-problem]")).toBe("no reader chosen");
  });

  it("takes the whole sale by card with one key (F5), from the sell screen or from Pay", async () => {
    api.cardCheckout.mockReturnValue(deferred<CardOutcome>().promise);
    await start();
    press("F5", window);
    await settle();
    expect($("[data-testid=pay-dialog]")).toBeNull();
    expect(api.cardCheckout).toHaveBeenCalledWith([{ kind: "card", value: null }], expect.any(Function));
    expect(text("[data-testid=card-due]")).toBe("GBP 4.50");
    cleanupScreen();
    api.cardCheckout.mockClear();
    await start();
    await openPay();
    press("F5", $("[data-testid=cash-input]")!);
    await settle();
    expect(api.cardCheckout).toHaveBeenCalledWith([{ kind: "card", value: null }], expect.any(Function));
  });

  it("offers no card key when cards are off, and says why on the button", async () => {
    api.paymentsStatus.mockResolvedValue(status({ mode: null, reader: null, problem: "no Stripe key is stored" }));
    await start();
    const button = $("[data-testid=card-button]") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe("no Stripe key is stored");
    press("F5", window);
    await settle();
    expect(api.cardCheckout).not.toHaveBeenCalled();
  });

  it("takes a card through the card dialog and shows the receipt with the card and its DEMO mark", async () => {
    const payment = deferred<CardOutcome>();
    api.cardCheckout.mockReturnValue(payment.promise);
    await start();
    await openPay();
    await click("[data-testid=pay-card]");
    expect(api.checkout).not.toHaveBeenCalled();
    expect(api.cardCheckout).toHaveBeenCalledWith([{ kind: "card", value: null }], expect.any(Function));
    expect($("[data-testid=pay-dialog]")).toBeNull();
    expect(text("[data-testid=card-due]")).toBe("GBP 4.50");
    const asked = api.paymentsStatus.mock.calls.length;
    payment.resolve({ outcome: "paid", order: paidOrder });
    await settle();
    expect($("[data-testid=card-dialog]")).toBeNull();
    expect(text("[data-testid=receipt-number]")).toBe("T1-000007");
    expect(text("[data-testid=receipt-payment]")).toBe("Card visa •••• 4242 DEMO");
    expect(text("[data-testid=receipt-card-mode]")).toBe("DEMO");
    expect(api.paymentsStatus.mock.calls.length).toBe(asked + 1);
  });

  it("goes back to Pay with the same cart after giving up a declined card", async () => {
    api.cardCheckout.mockResolvedValue({ outcome: "declined", payment_id: "pi_1", message: "The card was declined", code: "card_declined" });
    api.abandonCardPayment.mockResolvedValue(cart);
    await start();
    await openPay();
    await click("[data-testid=pay-card]");
    expect(text("[data-testid=card-outcome]")).toBe("The card was declined");
    await click("[data-testid=card-other]");
    expect(api.abandonCardPayment).toHaveBeenCalledWith("pi_1");
    expect($("[data-testid=card-dialog]")).toBeNull();
    expect(text("[data-testid=pay-due]")).toBe("GBP 4.50");
  });

  it("keeps the sale on screen after an in-doubt payment and shows the banner the till then reports", async () => {
    api.cardCheckout.mockResolvedValue({ outcome: "in_doubt", payment_id: "pi_1", message: "The reader stopped answering" });
    await start();
    expect($("[data-testid=in-doubt-banner]")).toBeNull();
    await openPay();
    api.paymentsStatus.mockResolvedValue(status({ in_doubt: 1 }));
    await click("[data-testid=pay-card]");
    await click("[data-testid=card-ok]");
    expect($("[data-testid=card-dialog]")).toBeNull();
    expect(text("[data-testid=in-doubt-count]")).toBe("1 card payment in doubt");
    expect(api.currentCart).toHaveBeenCalledTimes(2);
  });

  it("asks the till for the card status every 30 seconds", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    await start();
    expect(api.paymentsStatus).toHaveBeenCalledTimes(1);
    api.paymentsStatus.mockResolvedValue(status({ in_doubt: 2 }));
    vi.advanceTimersByTime(29_000);
    await settle();
    expect(api.paymentsStatus).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    await settle();
    expect(api.paymentsStatus).toHaveBeenCalledTimes(2);
    expect(text("[data-testid=in-doubt-count]")).toBe("2 card payments in doubt");
  });

  it("settles payments in doubt from the banner and asks for the status again", async () => {
    api.paymentsStatus.mockResolvedValue(status({ in_doubt: 1 }));
    api.reconcilePayments.mockResolvedValue({ settled: [{ receipt: "T1-000006", payment_id: "pi_0", outcome: "paid", detail: "captured" }], remaining: 0 });
    await start();
    api.paymentsStatus.mockResolvedValue(status({ in_doubt: 0 }));
    await click("[data-testid=settle-now]");
    expect($("[data-testid=settle-line][data-receipt=T1-000006]")).not.toBeNull();
    expect(api.paymentsStatus).toHaveBeenCalledTimes(2);
    // The dialog stays open with its answer although nothing is in doubt any more.
    expect($("[data-testid=settle-dialog]")).not.toBeNull();
    await click("[data-testid=settle-close]");
    expect($("[data-testid=in-doubt-banner]")).toBeNull();
  });
});

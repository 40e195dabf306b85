// @vitest-environment jsdom
// The card dialog against a stubbed till: the reader's progress, test cards, cancel, and each way a
// card payment can end, all with the keyboard.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CardOutcome, CardProgress, PaymentsStatus, ReaderView } from "../lib/payments";
import type { CartView, OrderView } from "../lib/types";
import { $, $$, cleanupScreen, click, deferred, installDialogPolyfill, mountScreen, press, resetMocks, settle, text } from "../test/screen";

const api = vi.hoisted(() => ({
  cardCheckout: vi.fn(),
  retryCardPayment: vi.fn(),
  abandonCardPayment: vi.fn(),
  cancelCardPayment: vi.fn(),
  presentTestCard: vi.fn(),
}));
vi.mock("../lib/api", () => api);
const { default: CardDialog } = await import("./CardDialog.svelte");

const reader = (over: Partial<ReaderView> = {}): ReaderView => ({
  id: "tmr_1", label: "Demo reader", device_type: "simulated_wisepos_e", serial_number: "SIM-1", location: "tml_1",
  state: "online", simulated: true, chosen: true, ...over,
});
const demo: PaymentsStatus = { mode: "demo", reader: reader(), problem: null, in_doubt: 0 };
const live: PaymentsStatus = { mode: "live", reader: reader({ simulated: false, label: "Front" }), problem: null, in_doubt: 0 };

const order = { id: "o1", receipt: "T1-000007" } as OrderView;
const cart = { total: 450, lines: [] } as unknown as CartView;
const waiting: CardProgress = { stage: "waiting_for_card", message: "Present the card on Demo reader", reader: "Demo reader", payment_id: "pi_1" };

/** A card payment the test ends by hand, with the progress channel it was given. */
function pending() {
  const d = deferred<CardOutcome>();
  const run = { progress: (_p: CardProgress) => {}, end: d.resolve };
  return { run, start: (_t: unknown, onProgress: (p: CardProgress) => void) => ((run.progress = onProgress), d.promise) };
}

let onpaid: ReturnType<typeof vi.fn<(order: OrderView) => void>>;
let onother: ReturnType<typeof vi.fn<(cart: CartView | null) => void>>;
let ondone: ReturnType<typeof vi.fn<() => void>>;
let onoutcome: ReturnType<typeof vi.fn<() => void>>;

beforeEach(() => {
  resetMocks(api);
  installDialogPolyfill();
  onpaid = vi.fn<(order: OrderView) => void>();
  onother = vi.fn<(cart: CartView | null) => void>();
  ondone = vi.fn<() => void>();
  onoutcome = vi.fn<() => void>();
  api.cancelCardPayment.mockResolvedValue(null);
  api.presentTestCard.mockResolvedValue(null);
});
afterEach(cleanupScreen);

const tenders = [{ kind: "card", value: null }];
async function open(status: PaymentsStatus = demo) {
  const p = pending();
  api.cardCheckout.mockImplementation(p.start);
  await mountScreen(CardDialog, { tenders, status, due: "GBP 4.50", onpaid, onother, ondone, onoutcome });
  return p.run;
}
async function progress(run: { progress: (p: CardProgress) => void }, p: CardProgress) {
  run.progress(p);
  await settle();
}
const dialogKey = (key: string) => press(key, document.activeElement ?? $("[data-testid=card-dialog]")!);

describe("Card dialog", () => {
  it("starts the card payment with the tenders and shows the reader's progress with a spinner", async () => {
    const run = await open();
    expect(api.cardCheckout).toHaveBeenCalledWith(tenders, expect.any(Function));
    expect(text("[data-testid=card-due]")).toBe("GBP 4.50");
    expect(text("[data-testid=card-mode]")).toBe("DEMO CARD READER");
    expect($("[data-testid=card-status] .spinner")).not.toBeNull();
    expect(text("[data-testid=card-progress]")).toBe("Sending the amount to the reader…");
    await progress(run, waiting);
    expect(text("[data-testid=card-progress]")).toBe("Present the card on Demo reader");
  });

  it("offers the test cards, approved first, once the reader waits; Enter presents the approved card", async () => {
    const run = await open();
    const cards = $$("[data-testid=test-card]");
    expect(cards.map((c) => c.dataset.card)).toEqual(["approved", "declined", "insufficient_funds", "lost_card", "expired"]);
    expect(cards.every((c) => (c as HTMLButtonElement).disabled)).toBe(true);
    dialogKey("Enter");
    await settle();
    expect(api.presentTestCard).not.toHaveBeenCalled();
    await progress(run, waiting);
    expect(document.activeElement).toBe(cards[0]);
    dialogKey("Enter");
    await settle();
    expect(api.presentTestCard).toHaveBeenCalledWith("approved");
    await click("[data-testid=test-card][data-card=lost_card]");
    expect(api.presentTestCard).toHaveBeenLastCalledWith("lost_card");
  });

  it("shows no test cards on a real reader", async () => {
    const run = await open(live);
    await progress(run, { ...waiting, message: "", reader: "Front" });
    expect($("[data-testid=test-cards]")).toBeNull();
    expect($("[data-testid=card-mode]")).toBeNull();
    expect(text("[data-testid=card-progress]")).toBe("Present the card on Front");
  });

  it("closes on a paid outcome and hands the order on for the receipt", async () => {
    const run = await open();
    run.end({ outcome: "paid", order });
    await settle();
    expect(onpaid).toHaveBeenCalledWith(order);
    expect(onoutcome).toHaveBeenCalledTimes(1);
  });

  it("cancels with Esc while the reader waits, then offers to try again or take another tender", async () => {
    const run = await open();
    await progress(run, waiting);
    dialogKey("Escape");
    await settle();
    expect(api.cancelCardPayment).toHaveBeenCalledTimes(1);
    expect(text("[data-testid=card-progress]")).toBe("Cancelling…");
    run.end({ outcome: "canceled", payment_id: "pi_1", message: "The payment was canceled at the till" });
    await settle();
    expect(text("[data-testid=card-outcome]")).toBe("The payment was canceled at the till");
    expect($("[data-testid=card-retry]")).not.toBeNull();
    expect($("[data-testid=card-other]")).not.toBeNull();
    expect(onoutcome).toHaveBeenCalledTimes(1);
  });

  it("keeps waiting and says why when the till refuses to cancel", async () => {
    const run = await open();
    await progress(run, waiting);
    api.cancelCardPayment.mockRejectedValue({ code: "reader_busy", message: "the card is being read" });
    await click("[data-testid=card-cancel]");
    expect(text("[data-testid=card-error]")).toBe("the card is being read");
    expect(text("[data-testid=card-progress]")).toBe("Present the card on Demo reader");
  });

  it("does not cancel once the payment is being captured", async () => {
    const run = await open();
    await progress(run, { stage: "capturing", message: "", reader: null, payment_id: "pi_1" });
    expect(($("[data-testid=card-cancel]") as HTMLButtonElement).disabled).toBe(true);
    dialogKey("Escape");
    await settle();
    expect(api.cancelCardPayment).not.toHaveBeenCalled();
  });

  it("shows a decline in plain words and tries the same payment again with Enter", async () => {
    const run = await open();
    run.end({ outcome: "declined", payment_id: "pi_1", message: "The card was declined: insufficient funds", code: "insufficient_funds" });
    await settle();
    expect(text("[data-testid=card-outcome]")).toBe("The card was declined: insufficient funds");
    expect(document.activeElement).toBe($("[data-testid=card-retry]"));
    const again = deferred<CardOutcome>();
    api.retryCardPayment.mockReturnValue(again.promise);
    dialogKey("Enter");
    await settle();
    expect(api.retryCardPayment).toHaveBeenCalledWith("pi_1", expect.any(Function));
    expect(api.cardCheckout).toHaveBeenCalledTimes(1);
    expect($("[data-testid=card-progress]")).not.toBeNull();
    again.resolve({ outcome: "paid", order });
    await settle();
    expect(onpaid).toHaveBeenCalledWith(order);
  });

  it("gives up the card for another tender and hands back the cart the till kept", async () => {
    const run = await open();
    run.end({ outcome: "declined", payment_id: "pi_1", message: "Declined", code: null });
    await settle();
    api.abandonCardPayment.mockResolvedValue(cart);
    await click("[data-testid=card-other]");
    expect(api.abandonCardPayment).toHaveBeenCalledWith("pi_1");
    expect(onother).toHaveBeenCalledWith(cart);
  });

  it("stays open with the till's message when giving up the card fails", async () => {
    const run = await open();
    run.end({ outcome: "canceled", payment_id: "pi_1", message: "Canceled" });
    await settle();
    api.abandonCardPayment.mockRejectedValue({ code: "payment_in_progress", message: "the reader still has the payment" });
    dialogKey("Escape");
    await settle();
    expect(onother).not.toHaveBeenCalled();
    expect(text("[data-testid=card-error]")).toBe("the reader still has the payment");
  });

  it("says a payment is in doubt and closes with OK", async () => {
    const run = await open();
    run.end({ outcome: "in_doubt", payment_id: "pi_1", message: "The reader stopped answering; the till will find out how it ended" });
    await settle();
    expect(text("[data-testid=card-outcome]")).toContain("stopped answering");
    expect($("[data-testid=card-retry]")).toBeNull();
    expect(document.activeElement).toBe($("[data-testid=card-ok]"));
    dialogKey("Enter");
    await settle();
    expect(ondone).toHaveBeenCalledTimes(1);
    expect(onother).not.toHaveBeenCalled();
  });

  it("shows a refusal to start and goes back to Pay without a payment to give up", async () => {
    api.cardCheckout.mockRejectedValue({ code: "reader_unavailable", message: "No reader chosen: choose one in the back office" });
    await mountScreen(CardDialog, { tenders, status: demo, due: "GBP 4.50", onpaid, onother, ondone, onoutcome });
    expect(text("[data-testid=card-outcome]")).toBe("No reader chosen: choose one in the back office");
    await click("[data-testid=card-other]");
    expect(api.abandonCardPayment).not.toHaveBeenCalled();
    expect(onother).toHaveBeenCalledWith(null);
  });
});

import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  canCancel,
  canPresentTestCards,
  cardUnavailable,
  hasCardTender,
  inDoubtLabel,
  modeMark,
  paymentLabel,
  paymentModeMark,
  progressText,
  readerName,
  reconcileSummary,
  setupSummary,
  TEST_CARDS,
  type PaymentsStatus,
  type ReaderView,
  type ReceiptPayment,
  type SetupCheck,
} from "./payments";

// The card commands' wrappers, against a stand-in for the shell's IPC.
const invoke = vi.fn();
class FakeChannel<T> {
  onmessage: (m: T) => void = () => {};
}
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a), Channel: FakeChannel }));
const api = await import("./api");

const reader = (over: Partial<ReaderView> = {}): ReaderView => ({
  id: "tmr_1", label: "Demo reader", device_type: "simulated_wisepos_e", serial_number: "SIM-0001",
  location: "tml_1", state: "online", simulated: true, chosen: true, ...over,
});
const status = (over: Partial<PaymentsStatus> = {}): PaymentsStatus => ({
  mode: "demo", reader: reader(), problem: null, in_doubt: 0, ...over,
});
const payment = (over: Partial<ReceiptPayment> = {}): ReceiptPayment => ({
  id: "p1", tender: "card", status: "succeeded", amount: 450, tendered: null, change: 0, points: 0, refunded: 0,
  mode: null, card_brand: null, card_last4: null, intent_id: null, authorization_code: null, ...over,
});
const check = (id: string, s: SetupCheck["status"]): SetupCheck => ({ id, title: id, status: s, detail: "", fix: null });

beforeEach(() => {
  invoke.mockReset();
});

describe("mode marks", () => {
  it("marks demo and test on screen and receipts, and nothing in live mode", () => {
    expect(modeMark("demo")).toBe("DEMO CARD READER");
    expect(modeMark("test")).toBe("TEST MODE");
    expect(modeMark("live")).toBeNull();
    expect(modeMark(null)).toBeNull();
    // A real shop with no key yet: the practice reader, never "DEMO" on a real shop.
    expect(modeMark("demo", false)).toBe("CARDS NOT SET UP: PRACTICE READER");
    expect(modeMark("test", false)).toBe("TEST MODE");
    expect(paymentModeMark(payment({ mode: "demo" }))).toBe("DEMO");
    expect(paymentModeMark(payment({ mode: "test" }))).toBe("TEST");
    expect(paymentModeMark(payment({ mode: "live" }))).toBeNull();
    expect(paymentModeMark(payment())).toBeNull();
  });
});

describe("when a card can be offered", () => {
  it("says why not: no status, cards off, or the till's own problem", () => {
    expect(cardUnavailable(status())).toBeNull();
    expect(cardUnavailable(status({ problem: "no reader chosen" }))).toBe("no reader chosen");
    expect(cardUnavailable(status({ mode: null, problem: null }))).toMatch(/not set up/);
    expect(cardUnavailable(null)).toMatch(/not available/);
  });

  it("offers test cards only on a simulated reader in demo or test mode", () => {
    expect(canPresentTestCards(status())).toBe(true);
    expect(canPresentTestCards(status({ mode: "test" }))).toBe(true);
    expect(canPresentTestCards(status({ mode: "live" }))).toBe(false);
    expect(canPresentTestCards(status({ reader: reader({ simulated: false }) }))).toBe(false);
    expect(canPresentTestCards(status({ reader: null }))).toBe(false);
    expect(TEST_CARDS[0].card).toBe("approved");
  });

  it("sends a sale with a card tender to the card dialog", () => {
    expect(hasCardTender([{ kind: "points", value: "100" }, { kind: "card", value: null }])).toBe(true);
    expect(hasCardTender([{ kind: "cash", value: null }])).toBe(false);
  });
});

describe("card dialog words", () => {
  it("uses the till's message, else words for the stage with the reader's name", () => {
    expect(progressText({ stage: "waiting_for_card", message: "Present the card on Demo reader", reader: "Demo reader", payment_id: "pi_1" }))
      .toBe("Present the card on Demo reader");
    expect(progressText({ stage: "waiting_for_card", message: "", reader: "Front desk", payment_id: null })).toBe("Present the card on Front desk");
    expect(progressText({ stage: "starting", message: " ", reader: null, payment_id: null })).toBe("Sending the amount to the reader…");
    expect(progressText({ stage: "capturing", message: "", reader: null, payment_id: null })).toBe("Taking the payment…");
    expect(progressText(null)).toBe("Sending the amount to the reader…");
  });

  it("lets the cashier cancel until the payment is being captured", () => {
    expect(canCancel(null)).toBe(true);
    expect(canCancel({ stage: "waiting_for_card", message: "", reader: null, payment_id: null })).toBe(true);
    expect(canCancel({ stage: "capturing", message: "", reader: null, payment_id: null })).toBe(false);
  });

  it("counts payments in doubt in words", () => {
    expect(inDoubtLabel(1)).toBe("1 card payment in doubt");
    expect(inDoubtLabel(3)).toBe("3 card payments in doubt");
    expect(reconcileSummary({ settled: [], remaining: 0 })).toMatch(/No card payments/);
    expect(reconcileSummary({ settled: [], remaining: 2 })).toMatch(/^2 card payments in doubt still/);
  });
});

describe("receipt lines and readers", () => {
  it("names a card payment by brand and last four digits", () => {
    expect(paymentLabel(payment({ card_brand: "visa", card_last4: "4242" }))).toBe("Card visa •••• 4242");
    expect(paymentLabel(payment({ card_brand: null, card_last4: "4242" }))).toBe("Card •••• 4242");
    expect(paymentLabel(payment())).toBe("Card");
    expect(paymentLabel(payment({ tender: "cash" }))).toBe("cash");
  });

  it("names a reader by its label, else its serial number", () => {
    expect(readerName(reader())).toBe("Demo reader");
    expect(readerName(reader({ label: "  " }))).toBe("SIM-0001");
    expect(readerName(reader({ label: null, serial_number: "" }))).toBe("tmr_1");
  });
});

describe("setup summary", () => {
  it("says ready with the count of passing checks, or what is wrong", () => {
    expect(setupSummary({ ok: true, checks: [check("a", "ok"), check("b", "ok")] })).toBe("Ready to take cards: 2 checks pass");
    expect(setupSummary({ ok: true, checks: [check("a", "ok"), check("b", "warn")] }))
      .toBe("Ready to take cards: 1 check passes (1 warning)");
    expect(setupSummary({ ok: false, checks: [check("a", "fail"), check("b", "fail"), check("c", "warn"), check("d", "skip")] }))
      .toBe("Not ready to take cards: 2 problems to fix, 1 warning, 1 not checked");
    expect(setupSummary({ ok: false, checks: [check("a", "ok")] })).toBe("Not ready to take cards");
  });
});

describe("card command wrappers", () => {
  it("pass camelCase arguments and a progress channel that reaches the screen", async () => {
    const seen: unknown[] = [];
    invoke.mockImplementation((_cmd: string, args: { progress?: FakeChannel<unknown> }) => {
      args.progress?.onmessage({ stage: "waiting_for_card", message: "Present the card", reader: null, payment_id: "pi_1" });
      return Promise.resolve({ outcome: "canceled", payment_id: "pi_1", message: "Canceled" });
    });
    const out = await api.cardCheckout([{ kind: "card", value: null }], (p) => seen.push(p));
    expect(out).toEqual({ outcome: "canceled", payment_id: "pi_1", message: "Canceled" });
    expect(invoke.mock.calls[0][0]).toBe("card_checkout");
    expect(invoke.mock.calls[0][1].tenders).toEqual([{ kind: "card", value: null }]);
    expect(seen).toEqual([{ stage: "waiting_for_card", message: "Present the card", reader: null, payment_id: "pi_1" }]);
    await api.retryCardPayment("pi_1", () => {});
    expect(invoke.mock.calls[1][0]).toBe("retry_card_payment");
    expect(invoke.mock.calls[1][1].paymentId).toBe("pi_1");
  });

  it("name the other card commands as the till does", async () => {
    invoke.mockResolvedValue(null);
    await api.abandonCardPayment("pi_2");
    expect(invoke).toHaveBeenLastCalledWith("abandon_card_payment", { paymentId: "pi_2" });
    await api.presentTestCard("expired");
    expect(invoke).toHaveBeenLastCalledWith("present_test_card", { card: "expired" });
    await api.registerReader("simulated-wpe", null, "tml_1");
    expect(invoke).toHaveBeenLastCalledWith("register_reader", { code: "simulated-wpe", label: null, location: "tml_1" });
    await api.chooseReader("tmr_9");
    expect(invoke).toHaveBeenLastCalledWith("choose_reader", { readerId: "tmr_9" });
    await api.cancelCardPayment();
    expect(invoke).toHaveBeenLastCalledWith("cancel_card_payment", undefined);
  });

  it("reject with the till's {code, message}", async () => {
    invoke.mockImplementation(() => Promise.reject({ code: "reader_unavailable", message: "the reader is offline" }));
    expect(await api.paymentsStatus().catch((e: unknown) => e)).toEqual({ code: "reader_unavailable", message: "the reader is offline" });
  });
});

describe("the screen lock during a card payment", () => {
  it("is held while any card dialog holds it and let go when the last one releases", async () => {
    const { holdLock, lockHeld } = await import("./payments");
    expect(lockHeld()).toBe(false);
    const a = holdLock();
    const b = holdLock();
    expect(lockHeld()).toBe(true);
    a();
    a();
    expect(lockHeld()).toBe(true);
    b();
    expect(lockHeld()).toBe(false);
  });
});

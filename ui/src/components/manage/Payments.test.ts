// @vitest-environment jsdom
// The back office's card payments tab against a stubbed till: readers, choosing one, adding one,
// and "Check setup".
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventNeedingAttention, ReaderView, SetupReport } from "../../lib/payments";
import { $, $$, choose, cleanupScreen, click, input, mountScreen, resetMocks, settle, submit, testShop, text, type } from "../../test/screen";

const api = vi.hoisted(() => ({
  readersList: vi.fn(),
  locationsList: vi.fn(),
  paymentsStatus: vi.fn(),
  chooseReader: vi.fn(),
  registerReader: vi.fn(),
  checkSetup: vi.fn(),
  syncStatus: vi.fn(),
  eventsNeedingAttention: vi.fn(),
  retryEvent: vi.fn(),
  dismissEvent: vi.fn(),
  changesAtStripe: vi.fn(),
}));
vi.mock("../../lib/api", () => api);
const { default: Payments } = await import("./Payments.svelte");

const reader = (id: string, over: Partial<ReaderView> = {}): ReaderView => ({
  id, label: null, device_type: "bbpos_wisepos_e", serial_number: `WSC-${id}`, location: "tml_shop", state: "online",
  simulated: false, chosen: false, ...over,
});

beforeEach(() => {
  resetMocks(api);
  api.readersList.mockResolvedValue([
    reader("tmr_a", { label: "Front counter", chosen: true }),
    reader("tmr_b", { state: "offline", location: "tml_back" }),
  ]);
  api.locationsList.mockResolvedValue([
    { id: "tml_shop", display_name: "Shop floor" },
    { id: "tml_back", display_name: "Back room" },
  ]);
  api.paymentsStatus.mockResolvedValue({ mode: "test", reader: null, problem: null, in_doubt: 0 });
  api.eventsNeedingAttention.mockResolvedValue([]);
  api.changesAtStripe.mockResolvedValue([]);
  api.syncStatus.mockResolvedValue({
    configured: false, relay_url: null, cursor: 0, last_event_at: null, last_pull_at: null, last_error: null, applied_events: 0, backlog: 0, retry_at: null, needs_attention: 0,
  });
});
afterEach(cleanupScreen);

const setAside = (id: string, reason: string): EventNeedingAttention => ({
  event_id: id, kind: "payment_intent.succeeded", reason, tries: 3, state: "set_aside",
  first_at: "2026-11-28T10:00:00Z", last_at: "2026-11-28T10:01:00Z",
});

describe("Changes made at Stripe", () => {
  it("lists refunds made outside the till and disputes for the manager", async () => {
    api.changesAtStripe.mockResolvedValue([
      { order_id: "o2", receipt: "T1-000002", kind: "refund", amount: 700, currency: "GBP", status: null,
        reason: "refunded at Stripe", stripe_id: "re_1", at: "2026-11-28T11:00:00Z" },
      { order_id: "o3", receipt: "T1-000003", kind: "dispute", amount: null, currency: "GBP", status: "open",
        reason: "product_not_received", stripe_id: "dp_1", at: "2026-11-28T10:00:00Z" },
      { order_id: "o4", receipt: "T1-000004", kind: "refund", amount: 1245, currency: "GBP", status: null,
        reason: "dispute lost", stripe_id: "dp_2", at: "2026-11-28T09:00:00Z" },
    ]);
    await start();
    expect($$("[data-testid=change-what]").map((c) => c.textContent?.trim())).toEqual([
      "7.00 refunded outside the till, at Stripe",
      "disputed by the card holder (product not received)",
      "12.45 taken back by Stripe: dispute lost",
    ]);
    expect(text("[data-testid=change-receipt]")).toBe("T1-000002");
  });

  it("is not shown when nothing changed at Stripe", async () => {
    await start();
    expect($("[data-testid=changes-at-stripe]")).toBeNull();
  });
});

describe("Stripe events that need attention", () => {
  beforeEach(() => {
    api.eventsNeedingAttention.mockResolvedValue([
      setAside("evt_404", "Stripe does not know PaymentIntent pi_1"),
      setAside("evt_odd", "the event cannot be read: number out of range"),
    ]);
  });

  it("lists each with why it was set aside, and none when nothing waits", async () => {
    await start();
    expect($$("[data-testid=attention-row]").map((r) => r.dataset.eventId)).toEqual(["evt_404", "evt_odd"]);
    expect(text("[data-testid=attention-row][data-event-id=evt_404] [data-testid=attention-detail]")).toBe(
      "payment_intent.succeeded · set aside 2026-11-28T10:01:00Z after 3 tries: Stripe does not know PaymentIntent pi_1",
    );
    cleanupScreen();
    api.eventsNeedingAttention.mockResolvedValue([]);
    await start();
    expect($("[data-testid=attention]")).toBeNull();
  });

  it("retries one: it leaves the list once it goes through, or says why not", async () => {
    await start();
    api.retryEvent.mockRejectedValueOnce({ code: "card_unavailable", message: "no Stripe key is set up" });
    await click("[data-testid=attention-row][data-event-id=evt_404] [data-testid=attention-retry]");
    expect(text("[data-testid=attention-row][data-event-id=evt_404] [data-testid=attention-error]")).toBe("no Stripe key is set up");
    api.retryEvent.mockResolvedValue({ event_id: "evt_404", outcome: "paid", receipt: "T1-000042", detail: "booked" });
    api.eventsNeedingAttention.mockResolvedValue([setAside("evt_odd", "the event cannot be read")]);
    await click("[data-testid=attention-row][data-event-id=evt_404] [data-testid=attention-retry]");
    expect(api.retryEvent).toHaveBeenLastCalledWith("evt_404");
    expect(text("[data-testid=attention-notice]")).toBe("evt_404 went through: paid (T1-000042).");
    expect($$("[data-testid=attention-row]").map((r) => r.dataset.eventId)).toEqual(["evt_odd"]);
  });

  it("dismisses one only with a reason, which goes to the till", async () => {
    await start();
    await click("[data-testid=attention-row][data-event-id=evt_odd] [data-testid=attention-dismiss]");
    await submit("[data-testid=dismiss-form]");
    expect(text("[data-testid=dismiss-error]")).toContain("Say why");
    expect(api.dismissEvent).not.toHaveBeenCalled();
    expect(document.activeElement).toBe($("[data-testid=dismiss-reason]"));
    api.dismissEvent.mockResolvedValue(null);
    api.eventsNeedingAttention.mockResolvedValue([setAside("evt_404", "Stripe does not know PaymentIntent pi_1")]);
    await type("[data-testid=dismiss-reason]", "  a test event sent by hand ");
    await submit("[data-testid=dismiss-form]");
    expect(api.dismissEvent).toHaveBeenCalledWith("evt_odd", "a test event sent by hand");
    expect(text("[data-testid=attention-notice]")).toBe("evt_odd was dismissed.");
    expect($$("[data-testid=attention-row]").map((r) => r.dataset.eventId)).toEqual(["evt_404"]);
  });
});

const start = (canChange = true) => mountScreen(Payments, { shop: testShop(), canChange });
const row = (id: string) => `[data-testid=reader-row][data-reader-id=${id}]`;

describe("Payments tab", () => {
  it("says how the till hears from the webhook relay", async () => {
    await start();
    expect(text("[data-testid=sync-status]")).toContain("No webhook relay is set up");
    cleanupScreen();
    api.syncStatus.mockResolvedValue({
      configured: true, relay_url: "https://relay.example", cursor: 42, last_event_at: "2026-11-28T10:00:00Z",
      last_pull_at: "2026-11-28T10:00:05Z", last_error: null, applied_events: 17, backlog: 0, retry_at: null, needs_attention: 0,
    });
    await start();
    expect(text("[data-testid=sync-status]")).toBe(
      "Connected to https://relay.example: 17 events applied, last event 2026-11-28T10:00:00Z; up to date.",
    );
    expect(text("[data-testid=sync-cursor]")).toContain("42");
    cleanupScreen();
    api.syncStatus.mockResolvedValue({
      configured: true, relay_url: "https://relay.example", cursor: 42, last_event_at: null,
      last_pull_at: "2026-11-28T10:00:05Z", last_error: "the relay refused this till's token", applied_events: 0,
      backlog: 0, retry_at: "2026-11-28T10:00:35Z", needs_attention: 0,
    });
    await start();
    expect(text("[data-testid=sync-status]")).toContain("refused this till's token");
    expect(text("[data-testid=sync-status]")).toContain("tries again at 2026-11-28T10:00:35Z");
  });

  it("shows the backlog while the till catches up, and follows it as it shrinks", async () => {
    vi.useFakeTimers();
    try {
      api.syncStatus.mockResolvedValue({
        configured: true, relay_url: "https://relay.example", cursor: 500, last_event_at: "2026-11-28T10:00:00Z",
        last_pull_at: "2026-11-28T10:00:05Z", last_error: null, applied_events: 500, backlog: 9500, retry_at: null, needs_attention: 0,
      });
      await start();
      expect(text("[data-testid=sync-status]")).toBe(
        "Connected to https://relay.example: 500 events applied, last event 2026-11-28T10:00:00Z; " +
          "catching up, 9500 events waiting at the relay.",
      );
      api.syncStatus.mockResolvedValue({
        configured: true, relay_url: "https://relay.example", cursor: 10000, last_event_at: "2026-11-28T10:00:09Z",
        last_pull_at: "2026-11-28T10:00:10Z", last_error: null, applied_events: 10000, backlog: 0, retry_at: null, needs_attention: 0,
      });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(text("[data-testid=sync-status]")).toBe(
        "Connected to https://relay.example: 10000 events applied, last event 2026-11-28T10:00:09Z; up to date.",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not ask the till for what only an admin may read when a manager opens it", async () => {
    await start(false);
    expect(api.readersList).toHaveBeenCalled();
    expect(api.locationsList).not.toHaveBeenCalled();
  });

  it("lists the readers with their state, location and which one this till uses", async () => {
    await start();
    expect($$("[data-testid=reader-row]").map((r) => r.dataset.readerId)).toEqual(["tmr_a", "tmr_b"]);
    expect(text(`${row("tmr_a")} [data-testid=reader-name]`)).toBe("Front counter");
    expect(text(`${row("tmr_b")} [data-testid=reader-name]`)).toBe("WSC-tmr_b");
    expect(text(`${row("tmr_b")} [data-testid=reader-state]`)).toBe("Offline");
    expect($(`${row("tmr_b")} [data-testid=reader-state]`)?.dataset.state).toBe("offline");
    expect(text(`${row("tmr_b")} [data-testid=reader-location]`)).toBe("Back room");
    expect($(`${row("tmr_a")} [data-testid=reader-chosen]`)).not.toBeNull();
    expect($(`${row("tmr_a")} [data-testid=reader-choose]`)).toBeNull();
    expect(text("[data-testid=payments-mode-info]")).toContain("Test mode");
    expect($("[data-testid=payments-admin-note]")).toBeNull();
  });

  it("chooses another reader and marks only that one", async () => {
    api.chooseReader.mockResolvedValue(reader("tmr_b", { state: "offline", location: "tml_back", chosen: true }));
    await start();
    await click(`${row("tmr_b")} [data-testid=reader-choose]`);
    expect(api.chooseReader).toHaveBeenCalledWith("tmr_b");
    expect($(`${row("tmr_b")} [data-testid=reader-chosen]`)).not.toBeNull();
    expect($(`${row("tmr_a")} [data-testid=reader-chosen]`)).toBeNull();
    expect(text("[data-testid=payments-notice]")).toContain("WSC-tmr_b");
  });

  it("shows a refused choice on that reader's row", async () => {
    api.chooseReader.mockRejectedValue({ code: "reader_unavailable", message: "WSC-tmr_b is offline" });
    await start();
    await click(`${row("tmr_b")} [data-testid=reader-choose]`);
    expect(text(`${row("tmr_b")} [data-testid=reader-row-error]`)).toBe("WSC-tmr_b is offline");
    expect($(`${row("tmr_a")} [data-testid=reader-chosen]`)).not.toBeNull();
  });

  it("registers a reader by its code, label and location", async () => {
    api.registerReader.mockResolvedValue(reader("tmr_c", { label: "Till 2", location: "tml_back" }));
    await start();
    expect(input("[data-testid=register-location]").value).toBe("tml_shop");
    type("[data-testid=register-code]", " puppies-plug-could ");
    type("[data-testid=register-label]", "Till 2");
    choose("[data-testid=register-location]", "tml_back");
    await submit("[data-testid=reader-register]");
    expect(api.registerReader).toHaveBeenCalledWith("puppies-plug-could", "Till 2", "tml_back");
    expect($$("[data-testid=reader-row]").map((r) => r.dataset.readerId)).toEqual(["tmr_a", "tmr_b", "tmr_c"]);
    expect(input("[data-testid=register-code]").value).toBe("");
  });

  it("asks for the code before sending, and puts the till's refusal next to the field it names", async () => {
    await start();
    await submit("[data-testid=reader-register]");
    expect(api.registerReader).not.toHaveBeenCalled();
    expect(text("[data-testid=field-error-code]")).toBe("Type the code the reader shows");
    expect(document.activeElement).toBe($("[data-testid=register-code]"));
    api.registerReader.mockRejectedValue({ code: "invalid_input", message: "code: no reader is waiting with that code" });
    type("[data-testid=register-code]", "wrong-code");
    await submit("[data-testid=reader-register]");
    expect(api.registerReader).toHaveBeenCalledWith("wrong-code", null, "tml_shop");
    expect(text("[data-testid=field-error-code]")).toBe("no reader is waiting with that code");
    api.registerReader.mockRejectedValue({ code: "stripe_unreachable", message: "Stripe cannot be reached" });
    await submit("[data-testid=reader-register]");
    expect($("[data-testid=field-error-code]")).toBeNull();
    expect(text("[data-testid=register-error]")).toBe("Stripe cannot be reached");
  });

  it("checks the setup and lists each check with its icon, detail and fix", async () => {
    const report: SetupReport = {
      ok: false,
      checks: [
        { id: "key", title: "Stripe key", status: "warn", detail: "A full secret key is stored", fix: "Use a restricted key (rk_…)" },
        { id: "mode", title: "Account mode", status: "ok", detail: "Test mode", fix: null },
        { id: "relay", title: "Webhook relay", status: "fail", detail: "The relay did not answer", fix: "Check the relay address in versapos doctor" },
      ],
    };
    api.checkSetup.mockResolvedValue(report);
    await start();
    await click("[data-testid=check-setup]");
    expect(api.checkSetup).toHaveBeenCalledTimes(1);
    expect(text("[data-testid=setup-summary]")).toBe("Not ready to take cards: 1 problem to fix, 1 warning");
    const checks = $$("[data-testid=setup-check]");
    expect(checks.map((c) => [c.dataset.checkId, c.dataset.status])).toEqual([["key", "warn"], ["mode", "ok"], ["relay", "fail"]]);
    expect(checks[2].querySelector("[data-testid=setup-check-icon]")?.getAttribute("aria-label")).toBe("Failed");
    expect(checks[2].querySelector("[data-testid=setup-check-fix]")?.textContent).toBe("To fix: Check the relay address in versapos doctor");
    expect(checks[1].querySelector("[data-testid=setup-check-fix]")).toBeNull();
  });

  it("shows why the check could not run", async () => {
    api.checkSetup.mockRejectedValue({ code: "not_permitted", message: "only an admin may check the payment setup" });
    await start(false);
    expect($("[data-testid=payments-admin-note]")).not.toBeNull();
    await click("[data-testid=check-setup]");
    expect(text("[data-testid=check-setup-error]")).toBe("only an admin may check the payment setup");
  });

  it("says when the till has no readers and why it cannot list them", async () => {
    api.readersList.mockResolvedValue([]);
    await start();
    expect($("[data-testid=readers-empty]")).not.toBeNull();
    cleanupScreen();
    api.readersList.mockRejectedValue({ code: "stripe_unreachable", message: "Stripe cannot be reached" });
    await start();
    expect(text("[data-testid=readers-error]")).toBe("Stripe cannot be reached");
  });
});

describe("Payments in the back office", () => {
  it("is the seventh tab (Alt+7) and closed to a cashier", async () => {
    const { default: Manage } = await import("../Manage.svelte");
    await mountScreen(Manage, {
      shop: testShop(), onback: () => {}, onshopchange: () => {}, actor: { id: 3, name: "Casey", role: "cashier" }, onswitch: () => {},
    });
    expect(text("[data-testid=tab-payments]")).toBe("Payments 7");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "7", altKey: true, bubbles: true, cancelable: true }));
    await settle();
    expect($("[data-testid=tab-payments]")?.getAttribute("aria-selected")).toBe("true");
    expect(text("[data-testid=refused-message]")).toBe("Card payments need a manager or admin: switch user.");
    expect(api.readersList).not.toHaveBeenCalled();
  });
});

// @vitest-environment jsdom
// The in-doubt banner against a stubbed till: the count, "Settle now" and what it settled.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { $, $$, cleanupScreen, click, deferred, installDialogPolyfill, mountScreen, resetMocks, settle, text } from "../test/screen";
import type { ReconcileReport } from "../lib/payments";

const api = vi.hoisted(() => ({ reconcilePayments: vi.fn(), paymentsInDoubt: vi.fn() }));
vi.mock("../lib/api", () => api);
const { default: InDoubtBanner } = await import("./InDoubtBanner.svelte");

let onsettled: ReturnType<typeof vi.fn<() => void>>;
let onopen: ReturnType<typeof vi.fn<(open: boolean) => void>>;

beforeEach(() => {
  resetMocks(api);
  installDialogPolyfill();
  onsettled = vi.fn<() => void>();
  onopen = vi.fn<(open: boolean) => void>();
});
afterEach(cleanupScreen);

const start = (count: number) => mountScreen(InDoubtBanner, { count, exponent: 2, onsettled, onopen });

describe("In-doubt banner", () => {
  it("counts the card payments in doubt", async () => {
    await start(1);
    expect(text("[data-testid=in-doubt-count]")).toBe("1 card payment in doubt");
    cleanupScreen();
    await start(2);
    expect(text("[data-testid=in-doubt-count]")).toBe("2 card payments in doubt");
  });

  it("settles now and lists each receipt's outcome, then tells the screen to ask again", async () => {
    const answer = deferred<ReconcileReport>();
    api.reconcilePayments.mockReturnValue(answer.promise);
    await start(2);
    await click("[data-testid=settle-now]");
    expect(onopen).toHaveBeenCalledWith(true);
    expect($("[data-testid=settle-busy]")).not.toBeNull();
    expect(($("[data-testid=settle-now]") as HTMLButtonElement).disabled).toBe(true);
    answer.resolve({
      settled: [
        { receipt: "T1-000041", payment_id: "pi_1", outcome: "paid", detail: "captured by Stripe at 10:02" },
        { receipt: "T1-000042", payment_id: "pi_2", outcome: "failed", detail: "the card was declined" },
      ],
      remaining: 1,
    });
    await settle();
    const lines = $$("[data-testid=settle-line]");
    expect(lines.map((l) => [l.dataset.receipt, l.dataset.outcome])).toEqual([["T1-000041", "paid"], ["T1-000042", "failed"]]);
    expect(text("[data-testid=settle-line][data-receipt=T1-000042] [data-testid=settle-outcome]")).toBe("Not paid");
    expect(text("[data-testid=settle-line][data-receipt=T1-000041] [data-testid=settle-detail]")).toBe("captured by Stripe at 10:02");
    expect(text("[data-testid=settle-remaining]")).toMatch(/^1 card payment in doubt still/);
    expect(onsettled).toHaveBeenCalledTimes(1);
    await click("[data-testid=settle-close]");
    expect($("[data-testid=settle-dialog]")).toBeNull();
    expect(onopen).toHaveBeenLastCalledWith(false);
  });

  it("shows why it could not settle and which receipts still wait", async () => {
    api.reconcilePayments.mockRejectedValue({ code: "stripe_unreachable", message: "Stripe cannot be reached: cash sales still work" });
    api.paymentsInDoubt.mockResolvedValue([
      { payment_id: "pi_3", order_id: "o3", receipt: "T1-000043", amount: 1250, currency: "GBP", since: "2026-11-28T10:00:00Z" },
    ]);
    await start(1);
    await click("[data-testid=settle-now]");
    expect(text("[data-testid=settle-error]")).toBe("Stripe cannot be reached: cash sales still work");
    const waiting = $$("[data-testid=in-doubt-payment]");
    expect(waiting.map((p) => p.dataset.receipt)).toEqual(["T1-000043"]);
    expect(waiting[0].textContent).toContain("GBP 12.50");
    expect(onsettled).toHaveBeenCalledTimes(1);
  });
});

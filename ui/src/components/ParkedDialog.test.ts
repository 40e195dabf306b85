// @vitest-environment jsdom
// The parked sales list says when each sale was parked as people read it, not as a machine
// timestamp.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanupScreen, installDialogPolyfill, mountScreen, resetMocks, settle, text } from "../test/screen";

const api = vi.hoisted(() => ({ parkedCarts: vi.fn() }));
vi.mock("../lib/api", () => api);

const { default: ParkedDialog } = await import("./ParkedDialog.svelte");

beforeEach(() => {
  resetMocks(api);
  installDialogPolyfill();
});
afterEach(cleanupScreen);

describe("ParkedDialog", () => {
  it("shows when a sale was parked in words", async () => {
    api.parkedCarts.mockResolvedValue([
      { id: 3, note: "table 4", customer_id: null, lines: 2, parked_at: "2026-12-06T18:18:32.323+00:00", currency: "GBP", total: 450,
        items: [{ sku: "TEA", name: "Tea", quantity: 2 }] },
    ]);
    await mountScreen(ParkedDialog, { exponent: 2, onresume: () => {}, onclose: () => {} });
    await settle();
    const when = text("[data-testid=parked-when]");
    expect(when).toMatch(/Dec/);
    expect(when).toMatch(/2026/);
    expect(when).not.toMatch(/T18:18|\+00:00/);
    expect(when).toContain("2 lines");
  });
});

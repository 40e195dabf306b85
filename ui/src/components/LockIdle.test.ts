// @vitest-environment jsdom
// The whole till: the lock screen until someone signs in, and the idle lock after the shop's time.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { $, cleanupScreen, click, installDialogPolyfill, mountScreen, press, resetMocks, settle, testShop, text, type } from "../test/screen";

const api = vi.hoisted(() => ({
  appStatus: vi.fn(),
  staffStatus: vi.fn(),
  signIn: vi.fn(),
  signOut: vi.fn(),
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  findProducts: vi.fn(),
  onSignedOut: vi.fn(),
}));
vi.mock("../lib/api", () => api);
const { default: App } = await import("../App.svelte");

const staff = [{ name: "Casey", role: "cashier" as const }];
const casey = { id: 3, name: "Casey", role: "cashier" as const };
const cart = {
  currency: "GBP", exponent: 2, tax_mode: "inclusive", lines: [], items: 0, subtotal: 0, discount_total: 0,
  order_discount: null, tax_total: 0, total: 0, tax_breakdown: [], customer: null, demo: false,
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  resetMocks(api);
  installDialogPolyfill();
  api.appStatus.mockResolvedValue({ set_up: true, shop: testShop({ lock_minutes: 2 }), store_path: "" });
  api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: null, staff });
  api.signOut.mockResolvedValue(null);
  api.currentCart.mockResolvedValue(cart);
  api.categories.mockResolvedValue([]);
  api.listProducts.mockResolvedValue({ products: [], total: 0 });
});
afterEach(cleanupScreen);

async function signInAsCasey() {
  await mountScreen(App, {});
  expect($("[data-testid=lock-screen]")).not.toBeNull();
  api.signIn.mockResolvedValue(casey);
  api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: casey, staff });
  await click("[data-testid=lock-staff][data-name=Casey]");
  type("[data-testid=lock-pin]", "3000");
  await click("[data-testid=pin-ok]");
  await settle();
}

describe("the till's lock", () => {
  it("shows the first admin screen on a shop without staff", async () => {
    api.staffStatus.mockResolvedValue({ has_staff: false, signed_in: null, staff: [] });
    await mountScreen(App, {});
    expect($("[data-testid=first-admin]")).not.toBeNull();
  });

  it("signs in to the sell screen with the person in the header", async () => {
    await signInAsCasey();
    expect($("[data-testid=search-input]")).not.toBeNull();
    expect(text("[data-testid=signed-in]")).toBe("Casey · cashier");
  });

  it("locks after the shop's idle minutes, and not while someone is busy", async () => {
    await signInAsCasey();
    vi.advanceTimersByTime(90_000);
    window.dispatchEvent(new Event("pointerdown"));
    vi.advanceTimersByTime(90_000);
    expect(api.signOut).not.toHaveBeenCalled();
    api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: null, staff });
    vi.advanceTimersByTime(30_000);
    await settle();
    expect(api.signOut).toHaveBeenCalledTimes(1);
    expect($("[data-testid=lock-screen]")).not.toBeNull();
    expect(text("[data-testid=lock-chosen]")).toBe("Casey");
  });

  it("shows the lock screen when the till answers that nobody is signed in any more", async () => {
    await signInAsCasey();
    const listener = api.onSignedOut.mock.calls.map((c) => c[0]).filter(Boolean).at(-1) as () => void;
    expect(listener).toBeTypeOf("function");
    api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: null, staff });
    listener();
    await settle();
    expect($("[data-testid=lock-screen]")).not.toBeNull();
  });

  it("locks on F11", async () => {
    await signInAsCasey();
    api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: null, staff });
    press("F11");
    await settle();
    expect(api.signOut).toHaveBeenCalledTimes(1);
    expect($("[data-testid=lock-screen]")).not.toBeNull();
  });
});

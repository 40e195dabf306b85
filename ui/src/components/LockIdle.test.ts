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
  cartPark: vi.fn(),
  parkedCarts: vi.fn(),
  paymentsStatus: vi.fn(),
}));
vi.mock("../lib/api", () => api);
const { default: App } = await import("../App.svelte");

const staff = [{ name: "Casey", role: "cashier" as const }, { name: "Sam", role: "cashier" as const }];
const sam = { id: 4, name: "Sam", role: "cashier" as const };
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

  describe("a sale left on the register", () => {
    const onRegister = { ...cart, lines: [{ index: 0, sku: "TEA", name: "Tea", quantity: 3, unit_price: 150, catalog_price: null, line_discount: 0, discount: null, order_discount_share: 0, tax_rate: "standard", gross: 450 }], items: 3, total: 450 };

    async function lockWithASale() {
      await signInAsCasey();
      api.currentCart.mockResolvedValue(onRegister);
      api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: null, staff });
      press("F11");
      await settle();
    }

    async function signInAsSam() {
      api.signIn.mockResolvedValue(sam);
      api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: sam, staff });
      await click("[data-testid=lock-back]");
      await click("[data-testid=lock-staff][data-name=Sam]");
      type("[data-testid=lock-pin]", "4000");
      await click("[data-testid=pin-ok]");
      await settle();
    }

    it("is named on the lock screen with whose it is", async () => {
      await lockWithASale();
      expect(text("[data-testid=lock-held-sale]")).toBe("Casey's sale is on the register: 3 items, GBP 4.50");
    });

    it("is parked for its cashier when the next person chooses so", async () => {
      await lockWithASale();
      await signInAsSam();
      expect(text("[data-testid=takeover] h1")).toBe("Casey's sale is on the register");
      expect($("[data-testid=search-input]")).toBeNull();
      api.cartPark.mockResolvedValue(cart);
      api.currentCart.mockResolvedValue(cart);
      await click("[data-testid=takeover-park]");
      expect(api.cartPark).toHaveBeenCalledWith("Casey's sale");
      expect($("[data-testid=search-input]")).not.toBeNull();
    });

    it("is simply there again for its own cashier", async () => {
      await lockWithASale();
      api.signIn.mockResolvedValue(casey);
      api.staffStatus.mockResolvedValue({ has_staff: true, signed_in: casey, staff });
      type("[data-testid=lock-pin]", "3000");
      await click("[data-testid=pin-ok]");
      await settle();
      expect($("[data-testid=takeover]")).toBeNull();
      expect($("[data-testid=search-input]")).not.toBeNull();
    });

    it("is taken over only by choice", async () => {
      await lockWithASale();
      await signInAsSam();
      await click("[data-testid=takeover-keep]");
      expect(api.cartPark).not.toHaveBeenCalled();
      expect($("[data-testid=search-input]")).not.toBeNull();
    });
  });
});

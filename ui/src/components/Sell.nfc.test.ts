// @vitest-environment jsdom
// VIP cards tapped on the sell screen against a stubbed till: a VIP is linked with their points
// shown, an unknown card enrols a new VIP, a lost card links nobody, and a tap never changes the
// sale behind an open dialog.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NfcEvent } from "../lib/api";
import type { CartView, Customer } from "../lib/types";
import { $, cleanupScreen, click, installDialogPolyfill, mountScreen, press, resetMocks, settle, submit, testShop, text, type } from "../test/screen";

const api = vi.hoisted(() => ({
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  findCustomers: vi.fn(),
  cartLinkCustomer: vi.fn(),
  customerByCard: vi.fn(),
  addCustomer: vi.fn(),
  onNfc: vi.fn(),
}));
vi.mock("../lib/api", () => api);
const { default: Sell } = await import("./Sell.svelte");

const customer = (id: number, name: string, points: number, card: string | null = null): Customer => ({
  id, name, email: null, phone: null, card_uid: card, points_balance: points, created_at: "2025-01-02T09:30:00.000+00:00", erased_at: null,
});
const ann = customer(7, "Ann Lee", 120, "04A1B2C3");

function cart(linked: Customer | null = null): CartView {
  return {
    currency: "GBP", exponent: 2, tax_mode: "inclusive", items: 1, subtotal: 150, discount_total: 0, order_discount: null,
    tax_total: 25, total: 150, tax_breakdown: [], customer: linked, demo: false,
    lines: [{ index: 0, sku: "TEA", name: "Tea", quantity: 1, unit_price: 150, catalog_price: null, line_discount: 0, discount: null, order_discount_share: 0, tax_rate: "standard", gross: 150 }],
  };
}

/** What the screen subscribed to the `nfc` event with. */
let emit: (e: NfcEvent) => void = () => {
  throw new Error("the sell screen did not listen to NFC events");
};
const unlisten = vi.fn();

beforeEach(() => {
  resetMocks(api);
  unlisten.mockReset();
  installDialogPolyfill();
  api.currentCart.mockResolvedValue(cart());
  api.categories.mockResolvedValue([]);
  api.listProducts.mockResolvedValue({ products: [], total: 0 });
  api.findCustomers.mockResolvedValue([]);
  api.onNfc.mockImplementation(async (handler: (e: NfcEvent) => void) => {
    emit = handler;
    return unlisten;
  });
});
afterEach(cleanupScreen);

const start = () => mountScreen(Sell, { shop: testShop() });
async function tap(uid: string) {
  emit({ kind: "tap", reader: "ACS ACR122U 00 00", uid });
  await settle();
}

describe("VIP card taps on the sell screen", () => {
  it("links the VIP to the sale and shows their name and points balance", async () => {
    api.customerByCard.mockResolvedValue({ kind: "vip", ...ann });
    api.cartLinkCustomer.mockResolvedValue(cart(ann));
    await start();
    expect(api.onNfc).toHaveBeenCalledTimes(1);
    await tap("04A1B2C3");
    expect(api.customerByCard).toHaveBeenCalledWith("04A1B2C3");
    expect(api.cartLinkCustomer).toHaveBeenCalledWith(7);
    expect(text("[data-testid=vip-name]")).toBe("Ann Lee");
    expect(text("[data-testid=vip-points]")).toBe("120");
    expect($("[data-testid=vip-banner]")?.getAttribute("role")).toBe("status");
    expect($("[data-testid=card-blocked]")).toBeNull();
  });

  it("opens Enrol new VIP for an unknown card, asks for a name, and enrols and links them with the card", async () => {
    api.customerByCard.mockResolvedValue({ kind: "unknown" });
    const cleo = customer(9, "Cleo Park", 0, "0A0B0C0D");
    await start();
    await tap("0A0B0C0D");
    expect($("[data-testid=enrol-vip-dialog]")).not.toBeNull();
    expect(text("[data-testid=enrol-vip-uid]")).toBe("0A0B0C0D");
    expect(document.activeElement).toBe($("[data-testid=enrol-vip-name]"));

    await submit("[data-testid=enrol-vip-dialog] form");
    expect(text("[data-testid=enrol-vip-error-name]")).toBe("Enter the customer's name");
    expect(api.addCustomer).not.toHaveBeenCalled();

    api.addCustomer.mockRejectedValueOnce({ code: "invalid_input", message: "email: 'cleo@' is not an email address" });
    type("[data-testid=enrol-vip-name]", " Cleo Park ");
    type("[data-testid=enrol-vip-email]", "cleo@");
    await submit("[data-testid=enrol-vip-dialog] form");
    expect(text("[data-testid=enrol-vip-error-email]")).toBe("'cleo@' is not an email address");
    expect($("[data-testid=enrol-vip-email]")?.getAttribute("aria-invalid")).toBe("true");
    expect(api.cartLinkCustomer).not.toHaveBeenCalled();

    api.addCustomer.mockResolvedValue(cleo);
    api.cartLinkCustomer.mockResolvedValue(cart(cleo));
    type("[data-testid=enrol-vip-email]", "");
    type("[data-testid=enrol-vip-phone]", "07700 900123");
    await submit("[data-testid=enrol-vip-dialog] form");
    expect(api.addCustomer).toHaveBeenLastCalledWith({ name: "Cleo Park", email: null, phone: "07700 900123", card_uid: "0A0B0C0D" });
    expect(api.cartLinkCustomer).toHaveBeenCalledWith(9);
    expect($("[data-testid=enrol-vip-dialog]")).toBeNull();
    expect(text("[data-testid=vip-name]")).toBe("Cleo Park");
    expect(text("[data-testid=vip-points]")).toBe("0");
  });

  it("says a lost card was reported and links nobody", async () => {
    api.customerByCard.mockResolvedValue({ kind: "blocked", blocked_at: "2025-03-01T10:00:00.000+00:00", reason: "lost" });
    await start();
    await tap("04A1B2C3");
    expect(text("[data-testid=card-blocked]")).toContain("This card was reported lost — ask the customer's name and find them");
    expect(api.cartLinkCustomer).not.toHaveBeenCalled();
    expect($("[data-testid=vip-banner]")).toBeNull();
    expect(text("[data-testid=cart-customer]")).toBeUndefined();
    await click("[data-testid=card-blocked-find]");
    expect($("[data-testid=customer-dialog]")).not.toBeNull();
    expect($("[data-testid=card-blocked]")).toBeNull();
  });

  it("ignores a tap while the Pay dialog is open, leaving the sale behind it alone", async () => {
    api.customerByCard.mockResolvedValue({ kind: "vip", ...ann });
    await start();
    press("F12", window);
    await settle();
    expect($("[data-testid=pay-dialog]")).not.toBeNull();
    await tap("04A1B2C3");
    expect(api.cartLinkCustomer).not.toHaveBeenCalled();
    expect($("[data-testid=enrol-vip-dialog]")).toBeNull();
    expect($("[data-testid=pay-dialog]")).not.toBeNull();
  });

  it("links a tapped VIP from the customer dialog and closes it", async () => {
    api.customerByCard.mockResolvedValue({ kind: "vip", ...ann });
    api.cartLinkCustomer.mockResolvedValue(cart(ann));
    await start();
    await click("[data-testid=customer-button]");
    expect($("[data-testid=customer-dialog]")).not.toBeNull();
    await tap("04A1B2C3");
    expect(api.cartLinkCustomer).toHaveBeenCalledWith(7);
    expect($("[data-testid=customer-dialog]")).toBeNull();
    expect(text("[data-testid=vip-name]")).toBe("Ann Lee");
  });

  it("notes reader trouble quietly and stops listening when the screen goes", async () => {
    await start();
    emit({ kind: "read_failed", reader: "ACS ACR122U 00 00", code: "nfc_card_removed", reason: "card removed too soon" });
    await settle();
    expect(text("[data-testid=nfc-note]")).toBe("The card could not be read: tap it again");
    emit({ kind: "service_lost", reason: "pcscd stopped" });
    await settle();
    expect(text("[data-testid=nfc-note]")).toContain("not available");
    emit({ kind: "service_back" });
    await settle();
    expect($("[data-testid=nfc-note]")).toBeNull();
    expect(api.customerByCard).not.toHaveBeenCalled();
    cleanupScreen();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});

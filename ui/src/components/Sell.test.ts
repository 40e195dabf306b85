// @vitest-environment jsdom
// The sell screen driven by the keyboard alone, against a stubbed till.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import type { CartView, OrderView, Product } from "../lib/types";
import {
  $, $$, cleanupScreen, click, deferred, fakeTimeouts, installDialogPolyfill, mountScreen, press, resetMocks, settle,
  testShop, text, type,
} from "../test/screen";

const api = vi.hoisted(() => ({
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  findProducts: vi.fn(),
  cartAdd: vi.fn(),
  cartSetQuantity: vi.fn(),
  cartRemove: vi.fn(),
  cartLinePrice: vi.fn(),
  checkout: vi.fn(),
  parkedCarts: vi.fn(),
  findCustomers: vi.fn(),
  receipt: vi.fn(),
  printAfterSale: vi.fn(),
  printReceipt: vi.fn(),
  openDrawer: vi.fn(),
  order: vi.fn(),
}));
vi.mock("../lib/api", () => api);

const { default: Sell } = await import("./Sell.svelte");
const { provideApprovals } = await import("../lib/staff");

const shop = testShop();

function cart(lines: [string, number, number][] = []): CartView {
  const ls = lines.map(([name, quantity, unit], index) => ({
    index, sku: name.toUpperCase(), name, quantity, unit_price: unit, catalog_price: null, line_discount: 0, discount: null,
    order_discount_share: 0, tax_rate: "standard", gross: quantity * unit,
  }));
  const total = ls.reduce((n, l) => n + l.gross, 0);
  return {
    currency: "GBP", exponent: 2, tax_mode: "inclusive", lines: ls, items: ls.reduce((n, l) => n + l.quantity, 0),
    subtotal: total, discount_total: 0, order_discount: null, tax_total: 0, total, tax_breakdown: [], customer: null, demo: false,
  };
}

const product = (id: number, name: string, price: number): Product => ({
  id, sku: name.toUpperCase(), barcode: null, name, price, currency: "GBP", tax_rate: "standard",
  tax_basis_points: 2000, stock: 1, reorder_level: null, category: null,
});

beforeEach(() => {
  fakeTimeouts();
  resetMocks(api);
  api.currentCart.mockResolvedValue(cart([["Tea", 1, 150]]));
  api.categories.mockResolvedValue([]);
  api.listProducts.mockResolvedValue({ products: [], total: 0 });
  api.findProducts.mockResolvedValue([]);
  installDialogPolyfill();
});

afterEach(cleanupScreen);

const start = () => mountScreen(Sell, { shop });

describe("Sell screen", () => {
  it("shows the till's total and focuses the search box", async () => {
    await start();
    expect($("[data-testid=cart-total]")?.textContent).toBe("GBP 1.50");
    expect(document.activeElement).toBe($("[data-testid=search-input]"));
  });

  it("adds a scanned barcode wherever focus is, without typing it into the search box", async () => {
    api.cartAdd.mockResolvedValue(cart([["Tea", 1, 150], ["Cake", 1, 300]]));
    await start();
    const search = $("[data-testid=search-input]") as HTMLInputElement;
    let t = 1000;
    vi.spyOn(KeyboardEvent.prototype, "timeStamp", "get").mockImplementation(() => (t += 5));
    for (const ch of "5012345678900") {
      press(ch, search);
      type(search, search.value + ch); // what the browser would have typed
    }
    const enter = press("Enter", search);
    await settle();
    expect(enter.defaultPrevented).toBe(true);
    expect(api.cartAdd).toHaveBeenCalledWith("5012345678900", 1);
    expect(api.cartAdd).toHaveBeenCalledTimes(1);
    expect(search.value).toBe("");
    expect($$("[data-testid=cart-line]")).toHaveLength(2);
  });

  it("takes a scan while a cart line has focus, without the code's '-' acting on the line", async () => {
    api.cartAdd.mockResolvedValue(cart([["Tea", 1, 150], ["Cake", 1, 300]]));
    await start();
    const line = $("[data-testid=cart-line]")!;
    line.focus();
    let t = 1000;
    vi.spyOn(KeyboardEvent.prototype, "timeStamp", "get").mockImplementation(() => (t += 5));
    for (const ch of "CAKE-01") press(ch, line);
    press("Enter", line);
    await settle();
    expect(api.cartSetQuantity).not.toHaveBeenCalled();
    expect(api.cartRemove).not.toHaveBeenCalled();
    expect(api.cartAdd).toHaveBeenCalledWith("CAKE-01", 1);
  });

  it("leaves slow typing on a focused line to the line keys (no scan)", async () => {
    api.cartSetQuantity.mockResolvedValue(cart([["Tea", 2, 150]]));
    await start();
    const line = $("[data-testid=cart-line]")!;
    line.focus();
    let t = 1000;
    vi.spyOn(KeyboardEvent.prototype, "timeStamp", "get").mockImplementation(() => (t += 300));
    for (const ch of "12+4") press(ch, line);
    press("Enter", line);
    await settle();
    expect(api.cartAdd).not.toHaveBeenCalled();
    expect(api.cartSetQuantity).toHaveBeenCalledWith(0, 2);
  });

  it("sends typing from anywhere to the search box", async () => {
    await start();
    const pay = $("[data-testid=parked-button]")!;
    pay.focus();
    press("m", pay);
    expect(document.activeElement).toBe($("[data-testid=search-input]"));
  });

  it("searches as each key is typed, moves the highlight with the arrows and adds it with Enter", async () => {
    api.findProducts.mockResolvedValue([product(1, "Latte", 320), product(2, "Chai latte", 340)]);
    api.cartAdd.mockResolvedValue(cart([["Tea", 1, 150], ["Chai latte", 1, 340]]));
    await start();
    const search = $("[data-testid=search-input]") as HTMLInputElement;
    let t = 0;
    vi.spyOn(KeyboardEvent.prototype, "timeStamp", "get").mockImplementation(() => (t += 200));
    type(search, "lat");
    expect(api.findProducts).toHaveBeenCalledWith("lat", 20);
    await settle();
    expect($$("[data-testid=search-result]")).toHaveLength(2);
    press("ArrowDown", search);
    flushSync();
    expect($$("[data-testid=search-result]")[1].getAttribute("aria-selected")).toBe("true");
    press("Enter", search);
    await settle();
    expect(api.cartAdd).toHaveBeenCalledWith("CHAI LATTE", 1);
  });

  it("changes the focused line's quantity with + and −", async () => {
    api.cartSetQuantity.mockResolvedValue(cart([["Tea", 2, 150]]));
    api.cartRemove.mockResolvedValue(cart());
    await start();
    const line = $("[data-testid=cart-line]")!;
    line.focus();
    press("+", line);
    await settle();
    expect(api.cartSetQuantity).toHaveBeenCalledWith(0, 2);
    const again = $("[data-testid=cart-line]")!;
    press("Delete", again);
    await settle();
    expect(api.cartRemove).toHaveBeenCalledWith(0);
  });

  it("sells the focused line at another price with * and shows the catalog price beside it", async () => {
    const changed = cart([["Tea", 1, 100]]);
    changed.lines[0].catalog_price = 150;
    api.cartLinePrice.mockResolvedValue(changed);
    await start();
    const line = $("[data-testid=cart-line]")!;
    line.focus();
    press("*", line);
    await settle();
    const dialog = $("[data-testid=line-price-dialog]")!;
    expect(dialog).not.toBeNull();
    const field = dialog.querySelector("input")!;
    expect(field.value).toBe("1.50");
    type(field, "1.00");
    await click("[data-testid=line-price-dialog] button.primary");
    expect(api.cartLinePrice).toHaveBeenCalledWith(0, "1.00");
    expect($("[data-testid=line-price-override]")?.textContent).toContain("1.50");
  });

  it("opens Pay on F12, shows the change, and shows the till's refusal next to the amount", async () => {
    api.checkout.mockRejectedValue({ code: "insufficient_tender", message: "1.00 short" });
    await start();
    press("F12", window);
    await settle();
    const cash = $("[data-testid=cash-input]") as HTMLInputElement;
    expect(cash).not.toBeNull();
    expect(document.activeElement).toBe(cash);
    expect($("[data-testid=pay-change]")?.textContent).toBe("GBP 0.00"); // empty = exact amount
    type(cash, "5.00");
    expect($("[data-testid=pay-change]")?.textContent).toBe("GBP 3.50");
    await click("[data-testid=pay-confirm]");
    expect(api.checkout).toHaveBeenCalledWith([{ kind: "cash", value: "5.00" }]);
    expect($("[data-testid=pay-error]")?.textContent).toBe("1.00 short");
    expect(cash.value).toBe("5.00");
  });

  it("shows the receipt after checkout and starts a new sale", async () => {
    const order = {
      id: "o1", staff: null, voided_by: null, number: 1, receipt: "T1-000001", till_id: "T1", status: "paid", currency: "GBP", tax_mode: "inclusive",
      rounding_rule: "half_even", subtotal: 150, discount_total: 0, order_discount: null, tax: 25, total: 150, cash_rounding: 0,
      paid: 150, change: 50, refunded_total: 0, customer_id: null, points_earned: 0, points_redeemed: 0, points_reversed: 0,
      created_at: "2026-11-28", demo: true, lines: [], payments: [], tax_breakdown: [], refunds: [], dispute: null,
    } satisfies OrderView;
    api.checkout.mockResolvedValue(order);
    await start();
    press("Enter", window, { ctrlKey: true });
    await settle();
    await click("[data-testid=pay-confirm]");
    expect(api.checkout).toHaveBeenCalledWith([{ kind: "cash", value: null }]);
    expect($("[data-testid=receipt-number]")?.textContent).toBe("T1-000001");
    expect($("[data-testid=receipt-change]")?.textContent).toBe("0.50");
    expect($("[data-testid=receipt-demo]")).not.toBeNull();
    expect(document.activeElement).toBe($("[data-testid=new-sale]"));
    api.currentCart.mockResolvedValue(cart());
    await click("[data-testid=new-sale]");
    expect($("[data-testid=receipt]")).toBeNull();
    expect($("[data-testid=cart-total]")?.textContent).toBe("GBP 0.00");
  });
});

describe("Sell screen with a receipt printer", () => {
  const printer = { address: "tcp://127.0.0.1:9100", paper: "80mm", columns: 48, code_page: "pc858", drawer_pin: 2 };
  const printerShop = (auto_print: "always" | "ask" | "never" = "always") =>
    testShop({ printer, receipt: { address: null, phone: null, tax_number: null, footer: null, auto_print, has_logo: false } });
  const sold = {
    id: "o1", staff: null, voided_by: null, number: 1, receipt: "T1-000001", till_id: "T1", status: "paid", currency: "GBP", tax_mode: "inclusive",
    rounding_rule: "half_even", subtotal: 150, discount_total: 0, order_discount: null, tax: 25, total: 150, cash_rounding: 0,
    paid: 150, change: 50, refunded_total: 0, customer_id: null, points_earned: 0, points_redeemed: 0, points_reversed: 0,
    created_at: "2026-11-28T15:27:03.683+00:00", demo: false, lines: [], tax_breakdown: [], refunds: [], dispute: null,
    payments: [{ id: "p1", tender: "cash", status: "succeeded", amount: 150, tendered: 200, change: 50, points: 0, refunded: 0,
      mode: null, card_brand: null, card_last4: null, intent_id: null, authorization_code: null }],
  } satisfies OrderView;
  const paperOut = { code: "paper_out", message: "The printer is out of paper: put a new roll in" };

  /** Pays the sale on the register in cash by keyboard, on a till whose shop is `s`. */
  async function sell(s = printerShop()) {
    api.checkout.mockResolvedValue(sold);
    api.receipt.mockRejectedValue({ code: "internal", message: "not needed here" });
    await mountScreen(Sell, { shop: s });
    press("Enter", window, { ctrlKey: true });
    await settle();
    await click("[data-testid=pay-confirm]");
  }

  it("prints the receipt once it is on screen, and says it printed", async () => {
    const later = deferred<{ receipt: string | null; drawer_opened: boolean } | null>();
    api.printAfterSale.mockReturnValue(later.promise);
    await sell();
    expect($("[data-testid=receipt]")).not.toBeNull();
    expect(api.printAfterSale).toHaveBeenCalledWith("o1");
    expect($("[data-testid=print-status]")?.textContent).toBe("Printing…");
    expect(document.activeElement, "New sale is ready while it prints").toBe($("[data-testid=new-sale]"));
    later.resolve({ receipt: "T1-000001", drawer_opened: true });
    await settle();
    expect($("[data-testid=print-status]")?.textContent).toBe("Printed · drawer opened");
  });

  it("keeps the print dialog and never calls the printer without one", async () => {
    await sell(testShop());
    expect($("[data-testid=receipt]")).not.toBeNull();
    expect(api.printAfterSale).not.toHaveBeenCalled();
    expect($("[data-testid=print-status]")).toBeNull();
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    await click("[data-testid=print-button]");
    expect(print).toHaveBeenCalledTimes(1);
    print.mockRestore();
  });

  it("shows a printer problem in words; Retry prints the sale's receipt once", async () => {
    api.printAfterSale.mockRejectedValue(paperOut);
    await sell();
    expect($("[data-testid=print-error]")?.textContent).toContain("The printer is out of paper: put a new roll in");
    api.printReceipt.mockResolvedValue({ receipt: "T1-000001", drawer_opened: true });
    await click("[data-testid=print-retry]");
    expect(api.printReceipt).toHaveBeenCalledTimes(1);
    expect(api.printReceipt).toHaveBeenCalledWith("o1", { kind: "sale" });
    expect($("[data-testid=print-error]")).toBeNull();
    expect($("[data-testid=print-status]")?.textContent).toBe("Printed · drawer opened");
  });

  it("offers the print dialog when the printer fails", async () => {
    api.printAfterSale.mockRejectedValue(paperOut);
    await sell();
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    await click("[data-testid=print-dialog]");
    expect(print).toHaveBeenCalledTimes(1);
    expect(api.printReceipt).not.toHaveBeenCalled();
    print.mockRestore();
  });

  it("asks 'Print receipt?' with 'ask': Yes prints the sale's receipt", async () => {
    api.printAfterSale.mockResolvedValue({ receipt: null, drawer_opened: true });
    await sell(printerShop("ask"));
    expect(api.printAfterSale).toHaveBeenCalledWith("o1");
    expect($("[data-testid=print-ask-yes]")).not.toBeNull();
    api.printReceipt.mockResolvedValue({ receipt: "T1-000001", drawer_opened: false });
    await click("[data-testid=print-ask-yes]");
    expect(api.printReceipt).toHaveBeenCalledWith("o1", { kind: "sale" });
    expect($("[data-testid=print-ask-yes]")).toBeNull();
    expect($("[data-testid=print-status]")?.textContent).toBe("Printed");
  });

  it("asks 'Print receipt?' with 'ask': No prints nothing", async () => {
    api.printAfterSale.mockResolvedValue(null);
    await sell(printerShop("ask"));
    await click("[data-testid=print-ask-no]");
    expect($("[data-testid=print-ask-yes]")).toBeNull();
    expect(api.printReceipt).not.toHaveBeenCalled();
  });

  it("offers No sale only with a printer", async () => {
    await mountScreen(Sell, { shop: testShop() });
    expect(($("[data-testid=no-sale]") as HTMLButtonElement).disabled).toBe(true);
    cleanupScreen();
    await mountScreen(Sell, { shop: printerShop() });
    expect(($("[data-testid=no-sale]") as HTMLButtonElement).disabled).toBe(false);
  });

  it("No sale asks a manager's approval for a cashier, then opens the drawer", async () => {
    const asked: string[] = [];
    const stop = provideApprovals(async (permission) => {
      asked.push(permission);
      return true;
    });
    try {
      api.openDrawer
        .mockRejectedValueOnce({ code: "not_permitted", message: "No sale is a manager's", permission: "no_sale" })
        .mockResolvedValueOnce({ receipt: null, drawer_opened: true });
      await mountScreen(Sell, { shop: printerShop() });
      await click("[data-testid=no-sale]");
      expect(asked).toEqual(["no_sale"]);
      expect(api.openDrawer).toHaveBeenCalledTimes(2);
      expect($("[data-testid=no-sale-note]")?.textContent).toBe("Drawer opened");
      expect($("[data-testid=sell-error]")).toBeNull();
    } finally {
      stop();
    }
  });

  it("No sale shows why the drawer did not open", async () => {
    api.openDrawer.mockRejectedValue({ code: "cover_open", message: "The printer's cover is open: close it" });
    await mountScreen(Sell, { shop: printerShop() });
    await click("[data-testid=no-sale]");
    expect($("[data-testid=sell-error]")?.textContent).toBe("The printer's cover is open: close it");
    expect($("[data-testid=no-sale-note]")).toBeNull();
  });
});

describe("Sell screen: a receipt scanned for a return", () => {
  const sold = {
    id: "o42", receipt: "T1-000042", created_at: "2026-12-07T10:15:00.000+00:00", currency: "GBP", total: 1250, status: "paid",
  } as unknown as OrderView;

  /** The scanner types `code` into the search box, then Enter. */
  async function scan(code: string) {
    const search = $("[data-testid=search-input]") as HTMLInputElement;
    let t = 1000;
    vi.spyOn(KeyboardEvent.prototype, "timeStamp", "get").mockImplementation(() => (t += 5));
    for (const ch of code) {
      press(ch, search);
      type(search, search.value + ch);
    }
    press("Enter", search);
    await settle();
  }

  beforeEach(() => {
    api.cartAdd.mockRejectedValue({ code: "unknown_product", message: "no product has the code T1-000042" });
    api.order.mockResolvedValue(sold);
  });

  it("shows the sale's receipt number, total and status, offers to open it for a return and leaves the cart alone", async () => {
    const onopenorder = vi.fn();
    await mountScreen(Sell, { shop, onopenorder });
    await scan("T1-000042");
    expect(api.order).toHaveBeenCalledWith("T1-000042");
    const summary = text("[data-testid=scanned-receipt-summary]") ?? "";
    expect(summary).toMatch(/^Receipt T1-000042 — .*2026.*, total GBP 12\.50, paid$/);
    expect($("[data-testid=sell-error]"), "no 'unknown product' for a receipt found").toBeNull();
    expect($$("[data-testid=cart-line]")).toHaveLength(1);
    expect(text("[data-testid=cart-total]")).toBe("GBP 1.50");
    expect($("[data-testid=scanned-receipt-ask]")).toBeNull();
    await click("[data-testid=scanned-receipt-open]");
    expect(onopenorder).toHaveBeenCalledWith("T1-000042");
  });

  it("puts the notice away with Esc or its Dismiss button", async () => {
    await mountScreen(Sell, { shop, onopenorder: () => {} });
    await scan("T1-000042");
    expect($("[data-testid=scanned-receipt]")).not.toBeNull();
    const esc = press("Escape", $("[data-testid=search-input]")!);
    await settle();
    expect(esc.defaultPrevented).toBe(true);
    expect($("[data-testid=scanned-receipt]")).toBeNull();

    await scan("T1-000042");
    await click("[data-testid=scanned-receipt-dismiss]");
    expect($("[data-testid=scanned-receipt]")).toBeNull();
    expect(document.activeElement).toBe($("[data-testid=search-input]"));
  });

  it("tells someone who may not open Orders to ask a manager, with no button", async () => {
    await mountScreen(Sell, { shop, onopenorder: () => {}, mayOpenOrders: false });
    await scan("T1-000042");
    expect(text("[data-testid=scanned-receipt-ask]")).toBe("Returns are made by a manager: ask one to open Orders → T1-000042");
    expect($("[data-testid=scanned-receipt-open]")).toBeNull();
    expect($("[data-testid=scanned-receipt-dismiss]")).not.toBeNull();
  });

  it("says no product or receipt matches a receipt number the till does not know", async () => {
    api.order.mockRejectedValue({ code: "unknown_order", message: "no order T1-000099" });
    await mountScreen(Sell, { shop, onopenorder: () => {} });
    await scan("T1-000099");
    expect(text("[data-testid=sell-error]")).toBe("No product or receipt matches T1-000099");
    expect($("[data-testid=scanned-receipt]")).toBeNull();
    expect($$("[data-testid=cart-line]")).toHaveLength(1);
  });
});

describe("Sell screen of a new shop with no products", () => {
  it("says how to add products, and takes a manager to the catalog", async () => {
    api.currentCart.mockResolvedValue(cart());
    const onstartcatalog = vi.fn();
    await mountScreen(Sell, { shop, onstartcatalog });
    expect(text("[data-testid=empty-catalog] h2")).toBe("No products yet");
    await click("[data-testid=empty-catalog-import]");
    expect(onstartcatalog).toHaveBeenCalledWith("import");
    await click("[data-testid=empty-catalog-add]");
    expect(onstartcatalog).toHaveBeenLastCalledWith("add");
  });

  it("tells a cashier who adds them, with no buttons they cannot use", async () => {
    api.currentCart.mockResolvedValue(cart());
    await mountScreen(Sell, { shop });
    expect(text("[data-testid=empty-catalog]")).toContain("A manager adds the shop's products");
    expect($("[data-testid=empty-catalog-add]")).toBeNull();
  });

  it("says nothing of the kind once there are products", async () => {
    api.listProducts.mockResolvedValue({ products: [product(1, "Tea", 150)], total: 1 });
    await mountScreen(Sell, { shop, onstartcatalog: vi.fn() });
    expect($("[data-testid=empty-catalog]")).toBeNull();
  });
});

describe("Sell screen from the keyboard", () => {
  const tiles = [product(1, "Tea", 150), product(2, "Coffee", 200), product(3, "Cake", 300)];

  it("goes down from the empty search box to the categories and their tiles, across them with the arrows, and keeps focus on a category chosen", async () => {
    api.categories.mockResolvedValue(["Drinks", "Cakes"]);
    api.listProducts.mockResolvedValue({ products: tiles, total: 3 });
    await start();
    const search = $("[data-testid=search-input]") as HTMLInputElement;
    search.focus();
    press("ArrowDown", search);
    const cats = $$("[data-testid=category]");
    expect(document.activeElement).toBe(cats[0]);
    press("ArrowRight", cats[0]);
    await settle();
    expect(document.activeElement).toBe($$("[data-testid=category]")[1]);
    expect(api.listProducts).toHaveBeenLastCalledWith("Cakes", 0, 60);
    press("ArrowDown", document.activeElement as HTMLElement);
    const t = $$("[data-testid=product-tile]");
    expect(document.activeElement).toBe(t[0]);
    press("ArrowRight", t[0]);
    expect(document.activeElement).toBe(t[1]);
    press("End", t[1]);
    expect(document.activeElement).toBe(t[2]);
  });

  it("goes to the cart's newest line and back to the search box with F3", async () => {
    api.currentCart.mockResolvedValue(cart([["Tea", 1, 150], ["Cake", 1, 300]]));
    await start();
    press("F3", window);
    const lines = $$("[data-testid=cart-line]");
    expect(document.activeElement).toBe(lines[1]);
    press("ArrowUp", lines[1]);
    expect(document.activeElement).toBe(lines[0]);
    press("F3", window);
    expect(document.activeElement).toBe($("[data-testid=search-input]"));
  });
});

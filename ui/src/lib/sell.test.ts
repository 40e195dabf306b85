// The sell screen's Register without a screen: against a stubbed till, what each thing the cashier
// does leaves on the register (the cart, the open dialog, the errors, the receipt, VIP taps).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PaymentsStatus } from "./payments";
import type { CartLineView, CartView, Customer, NfcEvent, OrderView, Product } from "./types";
import { deferred, resetMocks, settle, testShop } from "../test/screen";

const api = vi.hoisted(() => ({
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  findProducts: vi.fn(),
  cartAdd: vi.fn(),
  cartSetQuantity: vi.fn(),
  cartRemove: vi.fn(),
  cartLineDiscount: vi.fn(),
  cartLinePrice: vi.fn(),
  cartOrderDiscount: vi.fn(),
  cartLinkCustomer: vi.fn(),
  cartVoid: vi.fn(),
  cartPark: vi.fn(),
  resumeParked: vi.fn(),
  parkedCarts: vi.fn(),
  checkout: vi.fn(),
  customerByCard: vi.fn(),
  onNfc: vi.fn(),
  paymentsStatus: vi.fn(),
  order: vi.fn(),
}));
vi.mock("./api", () => api);

const { Register, PAYMENTS_POLL_MS } = await import("./sell.svelte");
const { provideApprovals } = await import("./staff");

const customer = (id: number, name: string, points: number): Customer => ({
  id, name, email: null, phone: null, card_uid: null, points_balance: points, created_at: "2025-01-02T09:30:00.000+00:00", erased_at: null,
});
const ann = customer(7, "Ann Lee", 120);

function cart(lines: [string, number, number][] = [["Tea", 1, 150]], linked: Customer | null = null): CartView {
  const ls: CartLineView[] = lines.map(([name, quantity, unit], index) => ({
    index, sku: name.toUpperCase(), name, quantity, unit_price: unit, catalog_price: null, line_discount: 0, discount: null,
    order_discount_share: 0, tax_rate: "standard", gross: quantity * unit,
  }));
  const total = ls.reduce((n, l) => n + l.gross, 0);
  return {
    currency: "GBP", exponent: 2, tax_mode: "inclusive", lines: ls, items: ls.reduce((n, l) => n + l.quantity, 0),
    subtotal: total, discount_total: 0, order_discount: null, tax_total: 0, total, tax_breakdown: [], customer: linked, demo: false,
  };
}

const product = (id: number, name: string, price: number): Product => ({
  id, sku: name.toUpperCase(), barcode: null, name, price, currency: "GBP", tax_rate: "standard",
  tax_basis_points: 2000, stock: 1, reorder_level: null, category: null,
});

const status = (over: Partial<PaymentsStatus> = {}): PaymentsStatus => ({ mode: "demo", reader: null, problem: null, in_doubt: 0, ...over });

// The register keeps the till's order only to hand it to the receipt: its fields do not matter here.
const order = (receipt: string) => ({ receipt }) as unknown as OrderView;

const unknownProduct = { code: "unknown_product", message: "no product has the code NOPE" };

/** A register opened on a till whose sale is `onRegister`; `focused` counts the trips back to the search box. */
async function opened(onRegister: CartView = cart()) {
  api.currentCart.mockResolvedValue(onRegister);
  const focused = vi.fn();
  const register = new Register(() => testShop(), focused);
  await register.start();
  return { register, focused };
}

/** Lets queued microtasks (the trip back to the search box after a dialog) run. */
const microtasks = () => new Promise<void>((r) => setTimeout(r, 0));

beforeEach(() => {
  resetMocks(api);
  api.categories.mockResolvedValue(["Drinks", "Cakes"]);
  api.listProducts.mockResolvedValue({ products: [product(1, "Tea", 150)], total: 1 });
  api.paymentsStatus.mockResolvedValue(status());
});
afterEach(() => {
  vi.useRealTimers();
});

describe("opening the register", () => {
  it("shows the sale on the register, the categories and the first one's tiles, then goes to the search box", async () => {
    const { register, focused } = await opened(cart([["Tea", 2, 150]]));
    expect(register.cart?.total).toBe(300);
    expect(register.empty).toBe(false);
    expect(register.categories).toEqual(["Drinks", "Cakes"]);
    expect(register.category).toBe("Drinks");
    expect(api.listProducts).toHaveBeenCalledWith("Drinks", 0, 60);
    expect(register.products.map((p) => p.name)).toEqual(["Tea"]);
    expect(register.payments?.mode).toBe("demo");
    expect(register.cardMark).toBe("CARDS NOT SET UP: PRACTICE READER"); // a real shop with no key yet
    expect(register.error).toBeNull();
    expect(focused).toHaveBeenCalledTimes(1);
  });

  it("shows the till's refusal with its code and still offers all products", async () => {
    api.categories.mockRejectedValue({ code: "not_signed_in", message: "sign in first" });
    const { register } = await opened();
    expect(register.error?.code).toBe("not_signed_in");
    expect(register.category).toBeNull();
    expect(api.listProducts).toHaveBeenCalledWith(null, 0, 60);
  });

  it("takes the currency and the demo mark from the shop until the till's cart says otherwise", async () => {
    api.currentCart.mockReturnValue(new Promise(() => {})); // the till has not answered yet
    const register = new Register(() => testShop({ currency: "EUR", demo: true }));
    void register.start();
    expect(register.cart).toBeNull();
    expect(register.currency).toBe("EUR");
    expect(register.demo).toBe(true);
    expect(register.empty).toBe(true);
    const live = await opened({ ...cart(), currency: "USD", demo: true });
    expect(live.register.currency).toBe("USD");
    expect(live.register.demo).toBe(true);
    expect(live.register.money(1299)).toBe("12.99");
  });

  it("pages a category's tiles with More…", async () => {
    api.listProducts.mockResolvedValueOnce({ products: [product(1, "Tea", 150)], total: 2 });
    const { register } = await opened();
    api.listProducts.mockResolvedValueOnce({ products: [product(2, "Coffee", 250)], total: 2 });
    await register.more();
    expect(api.listProducts).toHaveBeenLastCalledWith("Drinks", 1, 60);
    expect(register.products.map((p) => p.name)).toEqual(["Tea", "Coffee"]);
    api.listProducts.mockResolvedValueOnce({ products: [product(3, "Cake", 300)], total: 1 });
    await register.browse("Cakes");
    expect(register.category).toBe("Cakes");
    expect(register.products.map((p) => p.name)).toEqual(["Cake"]);
  });
});

describe("adding to the sale", () => {
  it("shows an unknown code's refusal with its code and keeps the sale; the next add clears it", async () => {
    const { register, focused } = await opened();
    api.cartAdd.mockRejectedValueOnce(unknownProduct);
    expect(await register.add("NOPE")).toBe(false);
    expect(register.error).toEqual(unknownProduct);
    expect(register.cart?.lines.map((l) => l.name)).toEqual(["Tea"]);
    expect(focused).toHaveBeenCalledTimes(2);
    api.cartAdd.mockResolvedValueOnce(cart([["Tea", 1, 150], ["Cake", 1, 300]]));
    expect(await register.add("CAKE")).toBe(true);
    expect(api.cartAdd).toHaveBeenLastCalledWith("CAKE", 1);
    expect(register.error).toBeNull();
    expect(register.cart?.total).toBe(450);
  });

  it("adds a scanned code as a line and clears the search box", async () => {
    const { register } = await opened();
    register.query = "lat";
    api.cartAdd.mockResolvedValue(cart([["Tea", 1, 150], ["Cake", 1, 300]]));
    await register.scan("5012345678900", false);
    expect(api.cartAdd).toHaveBeenCalledWith("5012345678900", 1);
    expect(register.cart?.lines).toHaveLength(2);
    expect(register.query).toBe("");
  });

  it("never changes the sale behind an open dialog on a scan", async () => {
    const { register } = await opened();
    register.open("pay");
    await register.scan("5012345678900", false);
    expect(api.cartAdd).not.toHaveBeenCalled();
    expect(register.dialog).toBe("pay");
  });

  it("starts the next sale when a scan arrives while the receipt shows", async () => {
    const { register } = await opened();
    api.checkout.mockResolvedValue(order("T1-000001"));
    await register.pay([{ kind: "cash", value: null }]);
    api.currentCart.mockResolvedValue(cart([]));
    api.cartAdd.mockResolvedValue(cart([["Cake", 1, 300]]));
    await register.scan("CAKE-01", false);
    expect(register.order).toBeNull();
    expect(api.currentCart).toHaveBeenCalledTimes(2);
    expect(register.cart?.lines.map((l) => l.name)).toEqual(["Cake"]);
  });

  it("searches for an unknown 'scan' typed into the search box instead of losing the words", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { register } = await opened();
    api.cartAdd.mockRejectedValue(unknownProduct);
    api.findProducts.mockResolvedValue([product(5, "Chai latte", 340)]);
    await register.scan("chai", true);
    expect(register.query).toBe("chai");
    expect(register.error?.code).toBe("unknown_product");
    await vi.advanceTimersByTimeAsync(80);
    expect(api.findProducts).toHaveBeenCalledWith("chai", 20);
    expect(register.results.map((p) => p.name)).toEqual(["Chai latte"]);
    // Scanned anywhere else, an unknown code is only refused.
    await register.scan("NOPE", false);
    expect(register.query).toBe("");
  });

  it("searches at each keystroke with no pause, moves the highlight and adds the highlighted product with Enter", async () => {
    const { register } = await opened();
    api.findProducts.mockResolvedValue([product(1, "Latte", 320), product(2, "Chai latte", 340)]);
    register.query = "lat";
    register.typed();
    expect(api.findProducts).toHaveBeenCalledWith("lat", 20);
    await settle();
    expect(register.results).toHaveLength(2);
    expect(register.highlight).toBe(0);
    register.moveHighlight("ArrowDown");
    register.moveHighlight("ArrowDown");
    expect(register.highlight).toBe(1);
    api.cartAdd.mockResolvedValue(cart([["Tea", 1, 150], ["Chai latte", 1, 340]]));
    await register.enter();
    expect(api.cartAdd).toHaveBeenCalledWith("CHAI LATTE", 1);
    expect(register.query).toBe("");
    expect(register.results).toEqual([]);
    expect(register.highlight).toBe(-1);
  });

  it("Enter waits for the answer to what is in the box: it never takes the result of fewer letters", async () => {
    const { register } = await opened();
    const large = product(1, "Flat white large", 360);
    const regular = product(2, "Flat white regular", 320);
    const second = deferred<Product[]>();
    api.findProducts.mockResolvedValueOnce([large, regular]).mockReturnValueOnce(second.promise);
    register.query = "flat white";
    register.typed();
    await settle();
    expect(register.results[0].name).toBe("Flat white large");
    register.query = "flat white r";
    register.typed();
    api.cartAdd.mockResolvedValue(cart([["Flat white regular", 1, 320]]));
    const entered = register.enter();
    await settle();
    expect(api.cartAdd).not.toHaveBeenCalled();
    second.resolve([regular]);
    await entered;
    expect(api.cartAdd).toHaveBeenCalledWith(regular.sku, 1);
  });

  it("adds what was typed as a code when nothing is found, and does nothing on a blank box", async () => {
    const { register } = await opened();
    register.query = "   ";
    await register.enter();
    expect(api.cartAdd).not.toHaveBeenCalled();
    register.query = " 5012345678900 ";
    api.cartAdd.mockResolvedValue(cart());
    await register.enter();
    expect(api.cartAdd).toHaveBeenCalledWith("5012345678900", 1);
  });
});

describe("lines", () => {
  it("sets the quantity, and removes a line going to nothing", async () => {
    const { register } = await opened(cart([["Tea", 1, 150]]));
    const line = register.cart!.lines[0];
    api.cartSetQuantity.mockResolvedValue(cart([["Tea", 2, 150]]));
    await register.changeQuantity(line, 1);
    expect(api.cartSetQuantity).toHaveBeenCalledWith(0, 2);
    expect(register.cart?.lines[0].quantity).toBe(2);
    api.cartRemove.mockResolvedValue(cart([]));
    await register.changeQuantity(line, -1);
    expect(api.cartRemove).toHaveBeenCalledWith(0);
    expect(register.empty).toBe(true);
  });

  it("sells a line at another price and back at the catalog price from its price dialog", async () => {
    const { register } = await opened(cart([["Tea", 1, 150]]));
    register.editLine(register.cart!.lines[0], "linePrice");
    expect(register.dialog).toBe("linePrice");
    expect(register.editing?.index).toBe(0);
    const changed = cart([["Tea", 1, 100]]);
    changed.lines[0].catalog_price = 150;
    api.cartLinePrice.mockResolvedValue(changed);
    await register.priceLine(register.editing!, " 1.00 ");
    expect(api.cartLinePrice).toHaveBeenCalledWith(0, "1.00");
    expect(register.dialog).toBeNull();
    expect(register.editing).toBeNull();
    await register.catalogPrice(register.cart!.lines[0]);
    expect(api.cartLinePrice).toHaveBeenLastCalledWith(0, "1.50");
  });
});

describe("dialogs", () => {
  it("opens no dialog about the sale on an empty cart, but customers and parked sales open", async () => {
    const { register } = await opened(cart([]));
    for (const d of ["pay", "park", "void", "orderDiscount"] as const) {
      register.open(d);
      expect(register.dialog).toBeNull();
    }
    register.open("parked");
    expect(register.dialog).toBe("parked");
    register.open("customer");
    expect(register.dialog).toBe("customer");
  });

  it("keeps a dialog open with the till's refusal, and closes it once the till takes it", async () => {
    const { register, focused } = await opened();
    register.open("park");
    api.cartPark.mockRejectedValueOnce({ code: "not_permitted", message: "cashiers may not park sales" });
    await register.park("  ");
    expect(api.cartPark).toHaveBeenCalledWith(null);
    expect(register.dialog).toBe("park");
    expect(register.dialogError).toBe("cashiers may not park sales");
    api.cartPark.mockResolvedValueOnce(cart([]));
    focused.mockClear();
    await register.park(" for Sam ");
    expect(api.cartPark).toHaveBeenLastCalledWith("for Sam");
    expect(register.dialog).toBeNull();
    expect(register.dialogError).toBeNull();
    expect(register.empty).toBe(true);
    await microtasks();
    expect(focused).toHaveBeenCalledTimes(1);
  });

  it("puts a parked sale back on the register", async () => {
    const { register } = await opened(cart([]));
    register.open("parked");
    api.resumeParked.mockResolvedValue(cart([["Cake", 2, 300]]));
    await register.resume(4);
    expect(api.resumeParked).toHaveBeenCalledWith(4);
    expect(register.cart?.total).toBe(600);
    expect(register.dialog).toBeNull();
  });

  it("asks a manager to approve a discount above the cashier's limit, then gives it", async () => {
    const asked: string[] = [];
    const stop = provideApprovals(async (permission) => {
      asked.push(permission);
      return true;
    });
    try {
      const { register } = await opened();
      register.open("orderDiscount");
      const discounted = { ...cart(), order_discount: "50%", discount_total: 75, total: 75 };
      api.cartOrderDiscount
        .mockRejectedValueOnce({ code: "not_permitted", message: "above your limit", permission: "large_discount" })
        .mockResolvedValueOnce(discounted);
      await register.discountSale(" 50% ");
      expect(asked).toEqual(["large_discount"]);
      expect(api.cartOrderDiscount).toHaveBeenCalledTimes(2);
      expect(api.cartOrderDiscount).toHaveBeenLastCalledWith("50%");
      expect(register.cart?.total).toBe(75);
      expect(register.dialog).toBeNull();
    } finally {
      stop();
    }
  });

  it("voids the sale from the void dialog", async () => {
    const { register } = await opened();
    register.open("void");
    api.cartVoid.mockResolvedValue(cart([]));
    await register.voidSale();
    expect(register.empty).toBe(true);
    expect(register.dialog).toBeNull();
  });
});

describe("paying", () => {
  it("shows the receipt with the sale's customer after cash, and starts the next sale from it", async () => {
    const { register, focused } = await opened(cart([["Tea", 1, 150]], ann));
    register.open("pay");
    api.checkout.mockResolvedValue(order("T1-000001"));
    await register.pay([{ kind: "cash", value: "5.00" }]);
    expect(api.checkout).toHaveBeenCalledWith([{ kind: "cash", value: "5.00" }]);
    expect(register.order?.receipt).toBe("T1-000001");
    expect(register.orderCustomer).toBe("Ann Lee");
    expect(register.dialog).toBeNull();
    expect(register.selling).toBe(false);
    api.currentCart.mockResolvedValue(cart([]));
    focused.mockClear();
    await register.newSale();
    expect(register.order).toBeNull();
    expect(register.orderCustomer).toBeNull();
    expect(register.empty).toBe(true);
    expect(register.selling).toBe(true);
    await microtasks();
    expect(focused).toHaveBeenCalledTimes(1);
  });

  it("leaves a refused payment to the Pay dialog, with the sale as it was", async () => {
    const { register } = await opened();
    register.open("pay");
    const refusal = { code: "insufficient_tender", message: "1.00 short" };
    api.checkout.mockRejectedValue(refusal);
    await expect(register.pay([{ kind: "cash", value: "0.50" }])).rejects.toEqual(refusal);
    expect(register.dialog).toBe("pay");
    expect(register.order).toBeNull();
    expect(register.cart?.total).toBe(150);
  });

  it("hands a card tender to the card dialog with the amount due, keeping the sale", async () => {
    const { register } = await opened(cart([["Cake", 1, 450]]));
    register.open("pay");
    register.payByCard([{ kind: "card", value: null }], 450);
    expect(register.dialog).toBe("card");
    expect(register.cardTenders).toEqual([{ kind: "card", value: null }]);
    expect(register.cardDue).toBe("GBP 4.50");
    expect(register.cart?.total).toBe(450);
    expect(register.order).toBeNull();
  });

  it("goes back to Pay with the sale the till kept when a declined card is given up", async () => {
    const { register } = await opened(cart([["Cake", 1, 450]]));
    register.payByCard([{ kind: "card", value: null }], 450);
    await register.cardOther(cart([["Cake", 1, 450]]));
    expect(register.dialog).toBe("pay");
    expect(register.cart?.total).toBe(450);
    expect(api.currentCart).toHaveBeenCalledTimes(1);
    // Nothing started on the reader: the register asks the till for the sale instead.
    register.payByCard([{ kind: "card", value: null }], 450);
    await register.cardOther(null);
    expect(api.currentCart).toHaveBeenCalledTimes(2);
    expect(register.dialog).toBe("pay");
  });

  it("clears the register for the receipt when the card is paid", async () => {
    const { register } = await opened(cart([["Cake", 1, 450]], ann));
    register.payByCard([{ kind: "card", value: null }], 450);
    register.cardPaid(order("T1-000007"));
    expect(register.dialog).toBeNull();
    expect(register.order?.receipt).toBe("T1-000007");
    expect(register.orderCustomer).toBe("Ann Lee");
  });

  it("shows what is on the register after a payment in doubt", async () => {
    const { register } = await opened(cart([["Cake", 1, 450]]));
    register.payByCard([{ kind: "card", value: null }], 450);
    api.currentCart.mockResolvedValue(cart([]));
    await register.cardDone();
    expect(register.dialog).toBeNull();
    expect(register.empty).toBe(true);
  });

  it("keeps the last card status when the till cannot say, and asks again every 30 seconds", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { register } = await opened();
    api.paymentsStatus.mockRejectedValueOnce({ code: "internal", message: "gateway unreachable" });
    await register.refreshPayments();
    expect(register.payments?.mode).toBe("demo");
    expect(register.error).toBeNull();
    const stop = register.pollPayments();
    api.paymentsStatus.mockResolvedValue(status({ in_doubt: 2 }));
    vi.advanceTimersByTime(PAYMENTS_POLL_MS - 1);
    expect(api.paymentsStatus).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1);
    await Promise.resolve();
    expect(api.paymentsStatus).toHaveBeenCalledTimes(3);
    expect(register.inDoubt).toBe(2);
    stop();
    vi.advanceTimersByTime(PAYMENTS_POLL_MS);
    expect(api.paymentsStatus).toHaveBeenCalledTimes(3);
  });
});

describe("VIP cards", () => {
  it("links a tapped VIP and shows them as the VIP until another customer is linked", async () => {
    const { register } = await opened();
    api.customerByCard.mockResolvedValue({ kind: "vip", ...ann });
    api.cartLinkCustomer.mockResolvedValueOnce(cart(undefined, ann));
    await register.tap("04A1B2C3");
    expect(api.customerByCard).toHaveBeenCalledWith("04A1B2C3");
    expect(api.cartLinkCustomer).toHaveBeenCalledWith(7);
    expect(register.vip?.name).toBe("Ann Lee");
    expect(register.vip?.points_balance).toBe(120);
    register.open("customer");
    api.cartLinkCustomer.mockResolvedValueOnce(cart(undefined, customer(9, "Cleo Park", 0)));
    await register.linkCustomer(9);
    expect(register.cart?.customer?.name).toBe("Cleo Park");
    expect(register.vip).toBeNull();
  });

  it("links a VIP tapped while the customer dialog asks, and closes it", async () => {
    const { register } = await opened();
    register.open("customer");
    api.customerByCard.mockResolvedValue({ kind: "vip", ...ann });
    api.cartLinkCustomer.mockResolvedValue(cart(undefined, ann));
    await register.tap("04A1B2C3");
    expect(register.dialog).toBeNull();
    expect(register.vip?.id).toBe(7);
  });

  it("flags a lost card, links nobody, and finds the customer by name instead", async () => {
    const { register } = await opened();
    api.customerByCard.mockResolvedValue({ kind: "blocked", blocked_at: "2025-03-01T10:00:00.000+00:00", reason: "lost" });
    await register.tap("04A1B2C3");
    expect(register.blockedTap).toBe(true);
    expect(register.vip).toBeNull();
    expect(api.cartLinkCustomer).not.toHaveBeenCalled();
    register.findByName();
    expect(register.blockedTap).toBe(false);
    expect(register.dialog).toBe("customer");
  });

  it("offers to enrol a card never seen, and links the new VIP once enrolled", async () => {
    const { register } = await opened();
    api.customerByCard.mockResolvedValue({ kind: "unknown" });
    await register.tap("0A0B0C0D");
    expect(register.dialog).toBe("enrol");
    expect(register.enrolUid).toBe("0A0B0C0D");
    const cleo = customer(9, "Cleo Park", 0);
    api.cartLinkCustomer.mockResolvedValue(cart(undefined, cleo));
    await register.enrolled(cleo);
    expect(api.cartLinkCustomer).toHaveBeenCalledWith(9);
    expect(register.dialog).toBeNull();
    expect(register.vip?.name).toBe("Cleo Park");
  });

  it("ignores a tap behind an open dialog, also one that opened while the till looked the card up", async () => {
    const { register } = await opened();
    register.open("pay");
    await register.tap("04A1B2C3");
    expect(api.customerByCard).not.toHaveBeenCalled();
    register.closeDialog();
    const lookup = deferred<unknown>();
    api.customerByCard.mockReturnValue(lookup.promise);
    const tapped = register.tap("04A1B2C3");
    register.open("pay");
    lookup.resolve({ kind: "vip", ...ann });
    await tapped;
    expect(api.cartLinkCustomer).not.toHaveBeenCalled();
    expect(register.dialog).toBe("pay");
  });

  it("shows a failed card lookup with its code", async () => {
    const { register } = await opened();
    api.customerByCard.mockRejectedValue({ code: "nfc_unavailable", message: "no reader service" });
    await register.tap("04A1B2C3");
    expect(register.error?.code).toBe("nfc_unavailable");
    expect(register.vip).toBeNull();
  });

  it("words reader trouble, and clears the note on a tap or when readers come back", async () => {
    const { register } = await opened();
    const note = (e: NfcEvent) => {
      register.nfc(e);
      return register.nfcNote;
    };
    expect(note({ kind: "read_failed", reader: "R", code: "nfc_card_removed", reason: "removed" })).toBe("The card could not be read: tap it again");
    expect(note({ kind: "reader_added", reader: "R" })).toBeNull();
    expect(note({ kind: "reader_removed", reader: "R" })).toBe("A VIP card reader was unplugged");
    expect(note({ kind: "service_lost", reason: "pcscd stopped" })).toBe("VIP card readers are not available: find customers by name");
    expect(note({ kind: "service_back" })).toBeNull();
    api.customerByCard.mockReturnValue(new Promise(() => {}));
    register.nfc({ kind: "read_failed", reader: "R", code: "x", reason: "y" });
    expect(note({ kind: "tap", reader: "R", uid: "04A1B2C3" })).toBeNull();
    expect(api.customerByCard).toHaveBeenCalledWith("04A1B2C3");
  });

  it("listens to the readers until stopped, also when stopped before the listener is in place", async () => {
    const { register } = await opened();
    const unlisten = vi.fn();
    let emit: (e: NfcEvent) => void = () => {};
    api.onNfc.mockImplementation(async (handler: (e: NfcEvent) => void) => {
      emit = handler;
      return unlisten;
    });
    const stop = register.listenNfc();
    await Promise.resolve();
    emit({ kind: "reader_removed", reader: "R" });
    expect(register.nfcNote).toBe("A VIP card reader was unplugged");
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);

    const late = deferred<() => void>();
    api.onNfc.mockReturnValue(late.promise);
    const stopEarly = register.listenNfc();
    stopEarly();
    const lateUnlisten = vi.fn();
    late.resolve(lateUnlisten);
    await microtasks();
    expect(lateUnlisten).toHaveBeenCalledTimes(1);
  });
});

describe("a receipt scanned at the till", () => {
  const sold = {
    id: "o42", receipt: "T1-000042", created_at: "2026-12-07T10:15:00.000+00:00", currency: "GBP", total: 1250, status: "paid",
  } as unknown as OrderView;
  const unknownReceiptCode = { code: "unknown_product", message: "no product has the code T1-000042" };

  it("finds the sale when no product has the code, and leaves the cart as it was", async () => {
    const before = cart([["Tea", 2, 150]]);
    const { register, focused } = await opened(before);
    api.cartAdd.mockRejectedValueOnce(unknownReceiptCode);
    api.order.mockResolvedValueOnce(sold);
    focused.mockClear();
    await register.scan("T1-000042", false);
    expect(api.cartAdd).toHaveBeenCalledWith("T1-000042", 1); // the product is tried first
    expect(api.order).toHaveBeenCalledWith("T1-000042");
    expect(register.scannedReceipt?.receipt).toBe("T1-000042");
    expect(register.scannedSummary).toMatch(/^Receipt T1-000042 — .+, total GBP 12\.50, paid$/);
    expect(register.error, "the product's refusal is not shown for a receipt found").toBeNull();
    expect(register.cart, "a receipt scan never changes the cart").toBe(before);
    expect(focused).toHaveBeenCalledTimes(1);
  });

  it("finds it from the search box too: typed, then Enter, and the typed words are not searched again", async () => {
    const { register } = await opened();
    api.cartAdd.mockRejectedValueOnce(unknownReceiptCode);
    api.order.mockResolvedValueOnce(sold);
    register.query = "T1-000042";
    await register.enter();
    expect(register.scannedReceipt?.receipt).toBe("T1-000042");
    expect(register.query).toBe("");

    api.cartAdd.mockRejectedValueOnce(unknownReceiptCode);
    api.order.mockResolvedValueOnce(sold);
    register.dismissReceipt();
    await register.scan("T1-000042", true);
    expect(register.scannedReceipt?.receipt).toBe("T1-000042");
    expect(register.query, "a receipt found is not searched for as words").toBe("");
  });

  it("says no product or receipt matches a receipt number the till does not know", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { register } = await opened();
    api.cartAdd.mockRejectedValueOnce(unknownReceiptCode);
    api.order.mockRejectedValueOnce({ code: "unknown_order", message: "no order T1-000042" });
    api.findProducts.mockResolvedValue([]);
    await register.scan("T1-000042", true);
    expect(register.error).toEqual({ code: "unknown_product", message: "No product or receipt matches T1-000042" });
    expect(register.scannedReceipt).toBeNull();
    expect(register.query, "typed into the search box, the words stay to be searched as before").toBe("T1-000042");
  });

  it("keeps the product's refusal when the till cannot look the receipt up", async () => {
    const { register } = await opened();
    api.cartAdd.mockRejectedValueOnce(unknownReceiptCode);
    api.order.mockRejectedValueOnce({ code: "internal", message: "the store is busy" });
    await register.scan("T1-000042", false);
    expect(register.error).toEqual(unknownReceiptCode);
    expect(register.scannedReceipt).toBeNull();
  });

  it("adds a product whose code looks like a receipt number, without looking for a receipt", async () => {
    const { register } = await opened();
    api.cartAdd.mockResolvedValueOnce(cart([["Tea", 1, 150], ["Bolt", 1, 20]]));
    await register.scan("M8-25", false);
    expect(register.cart?.lines.map((l) => l.name)).toEqual(["Tea", "Bolt"]);
    expect(api.order).not.toHaveBeenCalled();
    expect(register.scannedReceipt).toBeNull();
  });

  it("never looks for a receipt for a code that cannot be one", async () => {
    const { register } = await opened();
    api.cartAdd.mockRejectedValue(unknownProduct);
    await register.scan("NOPE", false);
    await register.scan("T1-00A042", false);
    await register.scan("ABCDEFGHIJKLMNOPQ-1", false); // a till id has at most 16 characters
    expect(api.order).not.toHaveBeenCalled();
    expect(register.error).toEqual(unknownProduct);
  });

  it("puts the notice away when dismissed, and when the next product is added", async () => {
    const { register } = await opened();
    api.cartAdd.mockRejectedValueOnce(unknownReceiptCode);
    api.order.mockResolvedValue(sold);
    await register.scan("T1-000042", false);
    register.dismissReceipt();
    expect(register.scannedReceipt).toBeNull();

    api.cartAdd.mockRejectedValueOnce(unknownReceiptCode);
    await register.scan("T1-000042", false);
    expect(register.scannedReceipt).not.toBeNull();
    api.cartAdd.mockResolvedValueOnce(cart([["Tea", 2, 150]]));
    await register.add("TEA");
    expect(register.scannedReceipt).toBeNull();
  });
});

describe("parking", () => {
  const parked = (id: number, note: string | null) => ({ id, note, parked_at: "2026-12-06T18:18:32.323+00:00", currency: "GBP", total: 300, lines: 1, items: [] });

  it("says the sale was parked and how many are waiting, and keeps the note when it comes back", async () => {
    api.parkedCarts.mockResolvedValue([]);
    const { register } = await opened(cart([["Tea", 2, 150]]));
    expect(register.parkedCount).toBe(0);
    api.cartPark.mockResolvedValue(cart());
    api.parkedCarts.mockResolvedValue([parked(4, "Table 4"), parked(3, null)]);
    await register.park(" Table 4 ");
    expect(api.cartPark).toHaveBeenCalledWith("Table 4");
    expect(register.parkedCount).toBe(2);
    expect(register.parkNote).toBe("“Table 4” parked · 2 parked sales: F9 to resume");
    api.resumeParked.mockResolvedValue(cart([["Tea", 2, 150]]));
    api.parkedCarts.mockResolvedValue([parked(4, "Table 4"), parked(3, null)]);
    await register.resume(4, "Table 4");
    expect(register.parkedNote).toBe("Table 4");
    expect(register.parkNote).toBe("Resumed “Table 4”");
  });

  it("parks the sale on the register before resuming another, never refusing and never losing it", async () => {
    api.parkedCarts.mockResolvedValue([parked(3, "Table 3")]);
    const { register } = await opened(cart([["Cake", 1, 300]]));
    api.cartPark.mockResolvedValue(cart());
    api.resumeParked.mockResolvedValue(cart([["Tea", 1, 150]]));
    await register.resume(3, "Table 3");
    expect(api.cartPark).toHaveBeenCalledWith(null);
    expect(api.resumeParked).toHaveBeenCalledWith(3);
    expect(api.cartPark.mock.invocationCallOrder[0]).toBeLessThan(api.resumeParked.mock.invocationCallOrder[0]);
    expect(register.cart?.lines[0].name).toBe("Tea");
  });
});

describe("a paid sale's result for a screen reader", () => {
  it("says the total, the change and the receipt, and nothing once the next sale starts", async () => {
    const { register } = await opened(cart([["Tea", 3, 150]]));
    api.checkout.mockResolvedValue({ receipt: "T1-000007", currency: "GBP", total: 450, change: 550 } as unknown as OrderView);
    await register.pay([{ kind: "cash", value: "10.00" }]);
    expect(register.announcement).toBe("Paid. Total GBP 4.50, change GBP 5.50. Receipt T1-000007.");
    api.currentCart.mockResolvedValue(cart([]));
    await register.newSale();
    expect(register.announcement).toBe("");
  });

  it("says no change for a card", async () => {
    const { soldWords } = await import("./sell.svelte");
    expect(soldWords({ receipt: "T1-000008", currency: "EUR", total: 320, change: 0 } as unknown as OrderView, 2)).toBe("Paid. Total EUR 3.20. Receipt T1-000008.");
  });
});

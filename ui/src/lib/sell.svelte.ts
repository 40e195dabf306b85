// The sale at the register as the sell screen shows it: the cart the till holds, the search box
// and the category tiles, which dialog is open, the receipt of the sale just taken, a past sale
// found by scanning its receipt, VIP card taps and whether cards can be taken. Sell.svelte renders it and wires the keyboard and focus to it.
// Every figure comes from the till (CartView / OrderView); nothing is priced here.

import * as api from "./api";
import { keystrokeSearch } from "./latest";
import { listenNfc } from "./nfc";
import { formatMinor, formatMoney } from "./money";
import { looksLikeReceipt, receiptSummary } from "./orders";
import { cardUnavailable, modeMark, type PaymentsStatus } from "./payments";
import { printedNote, ReceiptPrint } from "./printing.svelte";
import { MOVEMENT_NAMES, Shift, type CashMove } from "./shift.svelte";
import { moveHighlight } from "./shortcuts";
import { withApproval } from "./staff";
import { discountApproval, lineForApproval } from "./cart";
import { count } from "./words";
import type { CountLine } from "./bindings";
import type { CardLookup, CartLineView, CartView, CommandError, Customer, NfcEvent, OrderView, Product, Shop, TenderInput } from "./types";

export type Dialog =
  | "pay"
  | "card"
  | "inDoubt"
  | "customer"
  | "enrol"
  | "parked"
  | "park"
  | "orderDiscount"
  | "lineDiscount"
  | "linePrice"
  | "void"
  | "openShift"
  | "cashMove"
  | "closeShift"
  | "zReport";

/** Dialogs about the sale itself: there is nothing for them to act on while the cart is empty. */
const SALE_DIALOGS: readonly Dialog[] = ["pay", "park", "void", "orderDiscount"];

/** How often the sell screen asks whether cards can be taken and how many payments are in doubt. */
export const PAYMENTS_POLL_MS = 30_000;

const SEARCH_ROWS = 20;
/** Tiles per page of a category; "More…" asks for the next page. */
const TILE_PAGE = 60;

export class Register {
  #shop: () => Shop;
  #backToSearch: () => void;

  /** The sale on the register, as the till last answered; null until it has. */
  cart = $state<CartView | null>(null);
  /** The till's last refusal outside a dialog (shown above the cart lines). */
  error = $state<CommandError | null>(null);
  dialog = $state<Dialog | null>(null);
  /** The till's refusal of what the open dialog asked, shown in that dialog. */
  dialogError = $state<string | null>(null);
  /** The line whose discount or price dialog is open. */
  editing = $state<CartLineView | null>(null);
  /** The sale just taken: its receipt is on screen until the next sale starts. */
  order = $state<OrderView | null>(null);
  /** The receipt's customer, kept from the cart: the till's order has only their id. */
  orderCustomer = $state<string | null>(null);
  /** The sale's receipt on its way to the till's printer; null without a printer. */
  printing = $state<ReceiptPrint | null>(null);
  /** No sale: the drawer is being opened. */
  openingDrawer = $state(false);
  /** What No sale did, in words ("Drawer opened"), until the next thing the cashier does. */
  drawerNote = $state<string | null>(null);
  /** The till's shift: open or not, and the cash actions on it. */
  readonly shift = new Shift();
  /** What the cash dialog moves: paid in, paid out or a safe drop. */
  cashMove = $state<CashMove>("paid_in");
  /** The Open shift dialog was opened because the till refused a sale for want of a shift. */
  shiftForSale = $state(false);
  /** What the last cash action did, in words ("Paid out GBP 5.00"), until the next thing the cashier does. */
  cashNote = $state<string | null>(null);
  /** What a screen reader says of the last sale's result ("Paid. Total GBP 4.50, change GBP 5.50."). */
  // `.by`: TypeScript does not know $derived is lazy (see `currency`).
  readonly announcement = $derived.by(() => (this.order ? soldWords(this.order, this.exponent) : ""));
  /** How many sales are parked (the Parked button shows it). */
  parkedCount = $state(0);
  /** What parking or resuming just did, in words ("“Table 4” parked · 2 parked sales…"). */
  parkNote = $state<string | null>(null);
  /** The note of the parked sale now on the register: kept, and offered again if it is parked again. */
  parkedNote = $state<string | null>(null);
  /** A past sale whose receipt was scanned (for a return), until dismissed or the next thing the cashier does. */
  scannedReceipt = $state<OrderView | null>(null);
  payments = $state<PaymentsStatus | null>(null);
  /** What the card dialog is running: the tenders, and the amount shown to the cashier. */
  cardTenders = $state<TenderInput[]>([]);
  cardAmount = $state(0);
  /** The VIP a card tap linked: shown prominently while they are the sale's customer. */
  tappedVip = $state<number | null>(null);
  /** The last tap was a card reported lost. */
  blockedTap = $state(false);
  /** The unknown card being enrolled. */
  enrolUid = $state<string | null>(null);
  /** What the NFC readers last said when it is worth a word (a reader gone, a failed read). */
  nfcNote = $state<string | null>(null);

  /** The search box's text (the component binds it). */
  query = $state("");
  results = $state<Product[]>([]);
  /** The search result Enter adds; -1: none, Enter adds the typed text as a code. */
  highlight = $state(-1);

  categories = $state<string[]>([]);
  /** The category whose tiles show; null: all products. */
  category = $state<string | null>(null);
  products = $state<Product[]>([]);
  /** How many products the category has, to offer "More…" beyond the tiles loaded. */
  productTotal = $state(0);
  /** The whole catalog is empty (a new shop): the sell screen says how to add products. */
  catalogEmpty = $state(false);

  readonly exponent = $derived(this.cart?.exponent ?? 2);
  // `.by` for the two that read the shop: TypeScript does not know $derived is lazy, and would
  // take #shop as read before the constructor sets it.
  readonly currency = $derived.by(() => this.cart?.currency ?? this.#shop().currency);
  readonly demo = $derived.by(() => this.#shop().demo || !!this.cart?.demo);
  readonly cardMark = $derived.by(() => modeMark(this.payments?.mode, this.#shop().demo));
  readonly inDoubt = $derived(this.payments?.in_doubt ?? 0);
  readonly empty = $derived(!this.cart || this.cart.lines.length === 0);
  /** Nothing over the sale: no dialog and no receipt, so keys and focus belong to selling. */
  readonly selling = $derived(this.dialog === null && this.order === null);
  /** The sale's customer when a card tap linked them (the VIP banner), else null. */
  readonly vip = $derived(this.cart?.customer && this.cart.customer.id === this.tappedVip ? this.cart.customer : null);
  /** What the card dialog is taking, as the cashier reads it ("GBP 4.50"). */
  readonly cardDue = $derived(`${this.currency} ${this.money(this.cardAmount)}`);
  /** The till has a receipt printer (which also opens the cash drawer). */
  readonly hasPrinter = $derived.by(() => this.#shop().printer !== null);
  /** The scanned receipt's sale in one line ("Receipt T1-000042 — …, total GBP 12.50, paid"). */
  readonly scannedSummary = $derived(this.scannedReceipt ? receiptSummary(this.scannedReceipt, this.exponent) : null);

  #searches = keystrokeSearch((text) => api.findProducts(text, SEARCH_ROWS), {
    answer: (found) => {
      this.results = found;
      this.highlight = found.length > 0 ? 0 : -1;
    },
    error: (e) => {
      this.error = e as CommandError;
    },
  });

  /**
   * `shop` is read each time (it is the screen's prop and can change). `backToSearch` is called
   * when the cashier's next keys belong in the search box again: after an add, a closed dialog, a
   * new sale. The screen focuses it if nothing is over the sale by then.
   */
  constructor(shop: () => Shop, backToSearch: () => void = () => {}) {
    this.#shop = shop;
    this.#backToSearch = backToSearch;
  }

  /** Minor units in the sale's currency, as the screen shows them ("4.50"). */
  money(minor: number): string {
    return formatMinor(minor, this.exponent);
  }

  // --- talking to the till -------------------------------------------------------------------

  /** Takes the till's new cart; a refusal is shown instead. True when the till took it. */
  async #update(p: Promise<CartView>): Promise<boolean> {
    try {
      this.cart = await p;
      this.error = null;
      this.drawerNote = null;
      this.cashNote = null;
      this.scannedReceipt = null;
      return true;
    } catch (e) {
      this.error = e as CommandError;
      return false;
    }
  }

  /** The screen opens: the card status, the sale on the register, the categories and the first one's tiles. */
  async start() {
    void this.refreshPayments();
    void this.shift.refresh();
    void this.refreshParked();
    await this.#update(api.currentCart());
    try {
      this.categories = await api.categories();
    } catch (e) {
      this.error = e as CommandError;
    }
    await this.browse(this.categories[0] ?? null);
    this.#backToSearch();
  }

  /** Asks the till whether cards can be taken; the last answer stays when it cannot say. */
  async refreshPayments() {
    try {
      this.payments = await api.paymentsStatus();
    } catch {
      // The Card button keeps the last answer; the till says why on the next card payment.
    }
  }

  /** Asks for the card status every PAYMENTS_POLL_MS; returns what stops asking. */
  pollPayments(): () => void {
    const timer = setInterval(() => void this.refreshPayments(), PAYMENTS_POLL_MS);
    return () => clearInterval(timer);
  }

  /** Shows a category's tiles from `offset` on (0: from the start, else the next page after them). */
  async browse(category: string | null, offset = 0) {
    this.category = category;
    try {
      const page = await api.listProducts(category, offset, TILE_PAGE);
      this.products = offset === 0 ? page.products : [...this.products, ...page.products];
      this.productTotal = page.total;
      if (category === null && offset === 0) this.catalogEmpty = page.total === 0;
    } catch (e) {
      this.error = e as CommandError;
    }
  }

  /** The next page of the category's tiles. */
  more() {
    return this.browse(this.category, this.products.length);
  }

  // --- adding: search, tiles, scans -----------------------------------------------------------

  /** Adds one of a product by SKU or barcode. True when the till took it. */
  async add(code: string): Promise<boolean> {
    const added = await this.#addCode(code);
    this.#backToSearch();
    return added;
  }

  /**
   * Adds one of the product with `code`. A code no product has that reads as a receipt number
   * ("T1-000042", the barcode printed on every receipt) finds that sale instead, for a return:
   * the cart is left as it was. True when a product was added.
   */
  async #addCode(code: string): Promise<boolean> {
    this.scannedReceipt = null;
    const added = await this.#update(api.cartAdd(code, 1));
    const refused = this.error;
    if (added || refused?.code !== "unknown_product" || !looksLikeReceipt(code)) return added;
    try {
      this.scannedReceipt = await api.order(code);
      this.error = null;
    } catch (e) {
      // Any other refusal (the till could not look) leaves the product's refusal as it was.
      if ((e as Partial<CommandError> | null)?.code === "unknown_order") {
        this.error = { ...refused, message: `No product or receipt matches ${code}` };
      }
    }
    return false;
  }

  /** The scanned receipt's notice is done with. */
  dismissReceipt() {
    this.scannedReceipt = null;
    this.#backToSearch();
  }

  /** The search box changed: search once typing pauses; an empty box clears the results. */
  typed() {
    const text = this.query.trim();
    if (text === "") {
      this.clearSearch();
      return;
    }
    this.#searches.typed(text);
  }

  clearSearch() {
    this.#searches.cancel();
    this.query = "";
    this.results = [];
    this.highlight = -1;
  }

  /** ↑ or ↓ in the search box. */
  moveHighlight(key: string) {
    this.highlight = moveHighlight(this.highlight, key, this.results.length);
  }

  /** Enter in the search box: adds the highlighted result, else what was typed as a code. */
  async enter() {
    // The answer for exactly what is in the box: Enter never takes a result of fewer letters.
    await this.#searches.settled();
    const pick = this.results[this.highlight];
    const code = pick ? pick.sku : this.query.trim();
    if (code === "") return;
    this.clearSearch();
    await this.add(code);
  }

  /** A search result clicked. */
  async pick(product: Product) {
    this.clearSearch();
    await this.add(product.sku);
  }

  /** A barcode scanned; `inSearch`: it was typed into the search box (and has been taken back out). */
  async scan(code: string, inSearch: boolean) {
    if (this.dialog !== null) return; // a dialog is open: never change the sale behind it
    if (this.order !== null) await this.newSale();
    this.clearSearch();
    const added = await this.#addCode(code);
    if (!added && inSearch && this.error?.code === "unknown_product") {
      // Very fast typing (or a test robot) ending in Enter looks like a scan: keep the words
      // and search for them instead of losing them.
      this.query = code;
      this.typed();
    }
    this.#backToSearch();
  }

  // --- lines --------------------------------------------------------------------------------

  /** One more (1) or one fewer (-1); a line going to nothing is removed. */
  changeQuantity(line: CartLineView, delta: number): Promise<boolean> {
    const q = line.quantity + delta;
    return this.#update(q <= 0 ? api.cartRemove(line.index) : api.cartSetQuantity(line.index, q));
  }

  remove(line: CartLineView): Promise<boolean> {
    return this.#update(api.cartRemove(line.index));
  }

  /** Opens a line's discount or price dialog. */
  editLine(line: CartLineView, dialog: "lineDiscount" | "linePrice") {
    this.editing = line;
    this.#open(dialog);
  }

  // --- dialogs ------------------------------------------------------------------------------

  /** Opens a dialog; those about the sale (pay, park, void, discount) only when there is one. */
  open(dialog: Dialog) {
    if (SALE_DIALOGS.includes(dialog) && this.empty) return;
    this.#open(dialog);
  }

  #open(dialog: Dialog) {
    this.dialogError = null;
    this.dialog = dialog;
  }

  closeDialog() {
    this.dialog = null;
    this.dialogError = null;
    this.editing = null;
    queueMicrotask(this.#backToSearch);
  }

  /** Runs a command from a dialog: closes it on success, shows the till's message in it otherwise. */
  async #fromDialog(p: Promise<CartView> | (() => Promise<CartView>), what?: string): Promise<boolean> {
    try {
      // A discount above the cashier limit asks for a manager's PIN (showing `what` they
      // approve), then goes ahead.
      this.cart = typeof p === "function" ? await withApproval(p, what) : await p;
      this.error = null;
      this.closeDialog();
      return true;
    } catch (e) {
      this.dialogError = (e as CommandError).message;
      return false;
    }
  }

  /** Links a customer to the sale (null: unlinks); from the customer dialog. */
  async linkCustomer(customerId: number | null) {
    this.blockedTap = false;
    await this.#fromDialog(api.cartLinkCustomer(customerId));
  }

  /**
   * Puts a parked sale back on the register, with its note. A sale already on the register is
   * parked first (never lost, never refused): the cashier sees which.
   */
  async resume(parkedId: number, note: string | null = null) {
    if (!this.empty) {
      try {
        await api.cartPark(null);
      } catch (e) {
        this.dialogError = (e as CommandError).message;
        return;
      }
    }
    const resumed = await this.#fromDialog(api.resumeParked(parkedId));
    if (resumed) {
      this.parkedNote = note;
      this.parkNote = note ? `Resumed “${note}”` : "Resumed a parked sale";
    }
    void this.refreshParked();
  }

  /** Parks the sale with the cashier's note (blank: none), and says so with the count. */
  async park(note: string) {
    const parked = await this.#fromDialog(api.cartPark(blankAsNull(note)));
    await this.refreshParked();
    if (parked) {
      const what = note.trim() ? `“${note.trim()}”` : "The sale";
      this.parkNote = `${what} parked · ${count(this.parkedCount, "parked sale")}: F9 to resume`;
      this.parkedNote = null;
    }
  }

  /** How many sales are parked at this till, for the Parked button. */
  async refreshParked() {
    try {
      this.parkedCount = (await api.parkedCarts()).length;
    } catch {
      // The button keeps the last count; the Parked dialog says what went wrong.
    }
  }

  /** A discount on the whole sale as typed ("10%", "2.00"; blank: none). */
  discountSale(discount: string) {
    const on = `the whole sale${this.cart && this.cart.items > 0 ? `, ${count(this.cart.items, "item")}` : ""}`;
    const after = this.cart ? this.cart.subtotal - this.cart.lines.reduce((n, l) => n + l.line_discount, 0) : 0;
    return this.#fromDialog(() => api.cartOrderDiscount(blankAsNull(discount)), discountApproval(discount, on, after, this.exponent));
  }

  clearSaleDiscount() {
    return this.#fromDialog(api.cartOrderDiscount(null));
  }

  /** A discount on one line as typed ("10%", "0.50"; blank: none). */
  discountLine(line: CartLineView, discount: string) {
    const of = line.unit_price * line.quantity;
    return this.#fromDialog(() => api.cartLineDiscount(line.index, blankAsNull(discount)), discountApproval(discount, lineForApproval(line, this.exponent), of, this.exponent));
  }

  clearLineDiscount(line: CartLineView) {
    return this.#fromDialog(api.cartLineDiscount(line.index, null));
  }

  /** Sells a line at another price each, as typed (a manager's permission). */
  priceLine(line: CartLineView, price: string) {
    const was = this.money(line.catalog_price ?? line.unit_price);
    return this.#fromDialog(() => api.cartLinePrice(line.index, price.trim()), `${lineForApproval(line, this.exponent)} at ${price.trim()} each instead of ${was}`);
  }

  /** Sells a line at its catalog price again. */
  catalogPrice(line: CartLineView) {
    return this.#fromDialog(() => api.cartLinePrice(line.index, this.money(line.catalog_price ?? line.unit_price)));
  }

  voidSale() {
    return this.#fromDialog(api.cartVoid());
  }

  // --- paying -------------------------------------------------------------------------------

  /** Takes the sale with tenders without a card; a refusal rejects (the Pay dialog shows it). */
  async pay(tenders: TenderInput[]) {
    const name = this.cart?.customer?.name ?? null;
    let done: OrderView;
    try {
      done = await api.checkout(tenders);
    } catch (e) {
      if ((e as Partial<CommandError> | null)?.code !== "no_shift_open") throw e;
      this.noShift();
      return;
    }
    this.#sold(done, name);
  }

  /**
   * The till refused the sale because no shift is open: the Open shift dialog at once. The sale
   * stays on the register; once the shift is open the cashier presses Pay again.
   */
  noShift() {
    this.shift.closedElsewhere();
    this.shiftForSale = true;
    this.#open("openShift");
  }

  /** Why a card cannot be taken now (null: it can): the Card button says so. */
  readonly cardProblem = $derived(this.payments && this.payments.mode !== null ? null : cardUnavailable(this.payments));

  /** F5 / Card: the whole sale by card at once, no Pay dialog in between. */
  payAllByCard() {
    if (this.empty || !this.cart || this.cardProblem !== null || this.dialog !== null) return;
    this.payByCard([{ kind: "card", value: null }], this.cart.total);
  }

  /** Tenders with a card: the card dialog runs the payment for `amount` (minor units, display only). */
  payByCard(tenders: TenderInput[], amount: number) {
    this.cardTenders = tenders;
    this.cardAmount = amount;
    this.dialog = "card";
  }

  cardPaid(done: OrderView) {
    this.#sold(done, this.cart?.customer?.name ?? null);
  }

  #sold(done: OrderView, customerName: string | null) {
    this.orderCustomer = customerName;
    this.order = done;
    this.dialog = null;
    this.error = null;
    this.drawerNote = null;
    this.printing = null;
    const shop = this.#shop();
    if (shop.printer !== null) {
      // The sale is booked: its receipt (and the drawer, for cash) goes to the printer while the
      // receipt is on screen. Nothing waits for it, not even New sale.
      const job = new ReceiptPrint(done.id, { kind: "sale" });
      this.printing = job;
      void job.after(() => api.printAfterSale(done.id), shop.receipt.auto_print);
    }
  }

  /** The card was given up: the sale is on the register as it was, for another tender. */
  async cardOther(back: CartView | null) {
    if (back) this.cart = back;
    else await this.#update(api.currentCart());
    this.#open("pay");
  }

  /** The payment is in doubt: the till kept the sale and settles it; show what is on the register now. */
  async cardDone() {
    this.closeDialog();
    await this.#update(api.currentCart());
  }

  /** The receipt is done with: the register's next sale. */
  async newSale() {
    this.blockedTap = false;
    this.order = null;
    this.orderCustomer = null;
    this.printing = null;
    await this.#update(api.currentCart());
    queueMicrotask(this.#backToSearch);
  }

  // --- No sale ------------------------------------------------------------------------------

  /** Opens the cash drawer with no sale (a manager's: a cashier asks a manager's PIN first). */
  async noSale() {
    if (!this.hasPrinter || this.openingDrawer) return;
    this.openingDrawer = true;
    this.drawerNote = null;
    try {
      const done = await withApproval(() => api.openDrawer());
      this.drawerNote = printedNote(done) ?? "Drawer opened";
      this.error = null;
    } catch (e) {
      this.error = e as CommandError;
    } finally {
      this.openingDrawer = false;
      queueMicrotask(this.#backToSearch);
    }
  }

  // --- the shift and the cash drawer --------------------------------------------------------

  /** Open shift (from the shift line, or after a refused sale). */
  openShiftDialog() {
    this.shiftForSale = false;
    this.#open("openShift");
  }

  /** Opens a shift with the float counted; rejects with the till's refusal (the dialog shows it). */
  async openShift(count: CountLine[]) {
    await this.shift.openWith(count);
    this.shiftForSale = false;
    this.closeDialog();
  }

  /** Pay in, pay out or safe drop: the Cash menu's dialog. */
  cashDialog(kind: CashMove) {
    this.cashMove = kind;
    this.#open("cashMove");
  }

  /** Moves cash as the dialog says; rejects with the till's refusal (the dialog shows it). */
  async moveCash(amount: string, reason: string) {
    await this.shift.move(this.cashMove, amount, reason);
    this.cashNote = `${MOVEMENT_NAMES[this.cashMove]}: ${this.currency} ${amount.trim()}`;
    this.closeDialog();
  }

  closeShiftDialog() {
    this.#open("closeShift");
  }

  /** Closes the shift with the drawer counted; on success its Z report is shown. */
  async closeShift(count: CountLine[], floatLeft: string, note: string | null) {
    await this.shift.close(count, floatLeft, note);
    this.cashNote = null;
    this.#open("zReport");
  }

  /** The Z report is done with. */
  zDone() {
    this.shift.z = null;
    this.closeDialog();
  }

  // --- VIP cards: a tap on the NFC reader ----------------------------------------------------

  /** Links a VIP to the sale; true when the till took it. */
  async #linkVip(customer: Customer): Promise<boolean> {
    const linked = await this.#update(api.cartLinkCustomer(customer.id));
    if (linked) {
      this.tappedVip = customer.id;
      this.blockedTap = false;
    }
    return linked;
  }

  /** A VIP card tapped: links its VIP, flags a lost card, or offers to enrol a card never seen. */
  async tap(uid: string) {
    // A dialog is open (paying, a card payment…): never change the sale behind it. The
    // customer dialog is the one place a tap answers the question being asked.
    if (this.dialog !== null && this.dialog !== "customer") return;
    let found: CardLookup;
    try {
      found = await api.customerByCard(uid);
    } catch (e) {
      this.error = e as CommandError;
      return;
    }
    if (this.dialog !== null && this.dialog !== "customer") return; // opened while the till answered
    if (this.order !== null) await this.newSale();
    if (found.kind === "vip") {
      if ((await this.#linkVip(found)) && this.dialog === "customer") this.closeDialog();
    } else if (found.kind === "blocked") {
      this.tappedVip = null;
      this.blockedTap = true;
    } else {
      this.blockedTap = false;
      this.enrolUid = uid;
      this.#open("enrol");
    }
  }

  /** What an NFC reader reported. */
  nfc(event: NfcEvent) {
    switch (event.kind) {
      case "tap":
        this.nfcNote = null;
        void this.tap(event.uid);
        break;
      case "read_failed":
        this.nfcNote = "The card could not be read: tap it again";
        break;
      case "reader_removed":
        this.nfcNote = "A VIP card reader was unplugged";
        break;
      case "service_lost":
        this.nfcNote = "VIP card readers are not available: find customers by name";
        break;
      case "reader_added":
      case "service_back":
        this.nfcNote = null;
        break;
    }
  }

  /** Listens to the NFC readers; returns what stops listening (also when called before the listener is in place). */
  listenNfc(): () => void {
    // Without a reader service, customers are found by name.
    return listenNfc((event) => this.nfc(event));
  }

  /** The new VIP is enrolled with their card: link them (a refusal shows on the sell screen). */
  async enrolled(customer: Customer) {
    await this.#linkVip(customer);
    this.closeDialog();
  }

  /** A lost card was tapped: find its holder by name in the customer dialog instead. */
  findByName() {
    this.blockedTap = false;
    this.#open("customer");
  }
}

function blankAsNull(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/** A paid sale's result as it is announced: the total, what was handed back, and its receipt. */
export function soldWords(o: OrderView, exponent: number): string {
  const money = (m: number) => formatMoney(m, exponent, o.currency);
  const change = o.change > 0 ? `, change ${money(o.change)}` : "";
  return `Paid. Total ${money(o.total)}${change}. Receipt ${o.receipt}.`;
}

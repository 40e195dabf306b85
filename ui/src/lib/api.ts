// One typed wrapper per till command (see the command contract). Tauri maps the camelCase argument
// names used here to the commands' snake_case parameters. Every failure rejects with a CommandError.

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AppStatus,
  BlockedCard,
  CardLookup,
  CartView,
  CommandError,
  Customer,
  CustomerDetail,
  ImportOutcome,
  ImportProgress,
  NewCustomerInput,
  NewProductInput,
  OrderFilterInput,
  OrderSummary,
  OrderView,
  ParkedCart,
  Product,
  ProductDetailsInput,
  ProductPage,
  RefundInput,
  RefundView,
  Report,
  ReportQuery,
  SavedFile,
  Shop,
  ShopSetupInput,
  TaxRateInput,
  TenderInput,
  Actor,
  NewStaffInput,
  SetupCheck,
  NfcEvent,
  NfcReader,
  Permission,
  StaffChangeRequest,
  StaffMember,
  StaffStatus,
} from "./types";
import type {
  CardOutcome,
  CardProgress,
  InDoubtPayment,
  LocationView,
  PaymentsStatus,
  ReaderView,
  ReconcileReport,
  SetupReport,
  TestCard,
  SyncStatus,
} from "./payments";
import type { CountLine, CustomerEdit, ReceiptCopy, UpdateStatus } from "./bindings";
import type { CommandAnswers, CommandArgs } from "./bindings/commands";

/** Any rejection as a CommandError: the shell's own `{code, message}`, or a wrapped oddity. */
export function toCommandError(e: unknown): CommandError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const { code, message, permission } = e as { code: unknown; message: unknown; permission?: unknown };
    const err: CommandError = { code: String(code), message: String(message) };
    if (typeof permission === "string") err.permission = permission as Permission;
    return err;
  }
  if (typeof e === "string") return { code: "internal", message: e };
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: String(e) };
}

export function isCommandError(e: unknown): e is CommandError {
  return !!e && typeof e === "object" && typeof (e as CommandError).code === "string" && typeof (e as CommandError).message === "string";
}

/** Told when the till answers that nobody is signed in (the till was locked elsewhere, e.g.
 *  by an admin disabling the account): the app then shows its lock screen. */
let signedOutListener: (() => void) | null = null;
export function onSignedOut(listener: (() => void) | null) {
  signedOutListener = listener;
}

/** A command the shell answers (generated from its registered commands). */
export type CommandName = keyof CommandArgs;

/** The arguments of `cmd`, when it takes any: a renamed command or argument fails the type check. */
type ArgsOf<K extends CommandName> = CommandArgs[K] extends Record<string, never> ? [] : [args: CommandArgs[K]];

async function call<K extends CommandName>(cmd: K, ...[args]: ArgsOf<K>): Promise<CommandAnswers[K]> {
  try {
    return await invoke<CommandAnswers[K]>(cmd, args);
  } catch (e) {
    const err = toCommandError(e);
    if (err.code === "not_signed_in" || err.code === "staff_disabled") signedOutListener?.();
    throw err;
  }
}

export const appStatus = () => call("app_status");
export const startDemo = () => call("start_demo");
export const setUpShop = (setup: ShopSetupInput) => call("set_up_shop", { setup });

export const findProducts = (text: string, limit = 20) => call("find_products", { text, limit });
export const listProducts = (category: string | null, offset = 0, limit = 60) =>
  call("list_products", { category, offset, limit });
export const categories = () => call("categories");

export const currentCart = () => call("current_cart");
export const cartAdd = (code: string, quantity = 1) => call("cart_add", { code, quantity });
export const cartSetQuantity = (line: number, quantity: number) =>
  call("cart_set_quantity", { line, quantity });
export const cartRemove = (line: number) => call("cart_remove", { line });
export const cartLineDiscount = (line: number, discount: string | null) =>
  call("cart_line_discount", { line, discount });
/** Sells a line at another price (major units); the catalog's price sets it back. */
export const cartLinePrice = (line: number, price: string) => call("cart_line_price", { line, price });
export const cartOrderDiscount = (discount: string | null) => call("cart_order_discount", { discount });
export const cartLinkCustomer = (customerId: number | null) =>
  call("cart_link_customer", { customerId });
export const cartVoid = () => call("cart_void");
export const cartPark = (note: string | null) => call("cart_park", { note });
export const parkedCarts = () => call("parked_carts");
export const resumeParked = (id: number) => call("resume_parked", { id });

export const checkout = (tenders: TenderInput[]) => call("checkout", { tenders });

export const findCustomers = (search: string | null) => call("find_customers", { search });
export const addCustomer = (customer: NewCustomerInput) => call("add_customer", { customer });

// --- VIP cards ---------------------------------------------------------------------------------

/** Who a tapped VIP card belongs to: a VIP, a blocked card, or a card never seen. */
export const customerByCard = (uid: string) => call("customer_by_card", { uid });
/** Gives a customer who has no card yet the card tapped or typed. */
export const linkCard = (customerId: number, uid: string) => call("link_card", { customerId, uid });
/** Blocks a lost card (a manager's); the customer keeps their points. */
export const blockCard = (uid: string, reason: string | null) => call("block_card", { uid, reason });
/** Blocks the lost card `old` and links `new` to its customer, points and all (a manager's). */
export const replaceCard = (old: string, next: string) => call("replace_card", { old, new: next });

/** What the till's NFC readers report, as the desktop emits it on the `nfc` event. */
export type { NfcEvent };

/** Calls `handler` with every NFC reader event; resolves to the function that stops it. */
export const onNfc = (handler: (event: NfcEvent) => void): Promise<UnlistenFn> =>
  listen<NfcEvent>("nfc", (e) => handler(e.payload));

/** The NFC readers plugged in now. */
export const nfcReaders = () => call("nfc_readers");
/** The reader service and the readers, as "Check setup" lists them. */
export const nfcChecks = () => call("nfc_checks");
/** Listens for VIP cards on this reader only (null: any reader); the shop as it now is. */
export const chooseNfcReader = (reader: string | null) => call("choose_nfc_reader", { reader });

export const order = (reference: string) => call("order", { reference });

// --- manager screens -------------------------------------------------------------------------

export const product = (sku: string) => call("product", { sku });
export const lowStock = (category: string | null, offset = 0, limit = 50) =>
  call("low_stock", { category, offset, limit });
export const addProduct = (product: NewProductInput) => call("add_product", { product });
export const updateProduct = (sku: string, details: ProductDetailsInput) =>
  call("update_product", { sku, details });
export const setPrice = (sku: string, price: string) => call("set_price", { sku, price });
export const setStock = (sku: string, stock: number) => call("set_stock", { sku, stock });

/**
 * Imports a catalog CSV: the file's bytes go as the raw request body (no JSON for a file that
 * can hold a million rows), its name and the progress channel's id as headers. Problems come
 * back in the outcome by line and column, with nothing written.
 */
export async function importProducts(
  fileName: string,
  bytes: Uint8Array | ArrayBuffer,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportOutcome> {
  const headers: Record<string, string> = { "x-file-name": encodeURIComponent(fileName) };
  if (onProgress) {
    const channel = new Channel<ImportProgress>();
    channel.onmessage = onProgress;
    headers["x-progress-channel"] = String(channel.toJSON());
  }
  try {
    return await invoke<ImportOutcome>("import_products", bytes as unknown as Record<string, unknown>, { headers });
  } catch (e) {
    throw toCommandError(e);
  }
}
/** Opens the OS save dialog; null when the manager cancels. */
export const exportProducts = () => call("export_products");
export const saveProductsTemplate = () => call("save_products_template");

export const findOrders = (filter: OrderFilterInput, offset = 0, limit = 50) =>
  call("find_orders", { filter, offset, limit });
export const refundOrder = (reference: string, refund: RefundInput) =>
  call("refund_order", { reference, refund });
export const refundPreview = (reference: string, refund: RefundInput) =>
  call("refund_preview", { reference, refund });
export const voidOrder = (reference: string) => call("void_order", { reference });

export const editCustomer = (id: number, change: CustomerEdit) => call("edit_customer", { id, change });
export const mergeCustomers = (keep: number, other: number) => call("merge_customers", { keep, other });
export const eraseCustomer = (id: number) => call("erase_customer", { id });
export const customerDetail = (id: number) => call("customer_detail", { id });

export const report = (query: ReportQuery) => call("report", { query });
export const businessDay = () => call("business_day");
/** Opens the OS save dialog; null when the manager cancels. */
export const saveReportCsv = (query: ReportQuery) => call("save_report_csv", { query });

export const changeSetting = (key: string, value: string) => call("change_setting", { key, value });
export const setTaxRate = (rate: TaxRateInput) => call("set_tax_rate", { rate });

// --- staff -------------------------------------------------------------------------------------

export const staffStatus = () => call("staff_status");
export const signIn = (name: string, pin: string) => call("sign_in", { name, pin });
/** Locks the till; the sale on the register stays as it is. */
export const signOut = () => call("sign_out");
/** A manager's PIN approving the one action `permission` for whoever is signed in. */
export const approve = (name: string, pin: string, permission: Permission) =>
  call("approve", { name, pin, permission });
export const staffList = () => call("staff_list");
/** On a till without staff this adds the first admin and signs them in. */
export const addStaff = (staff: NewStaffInput) => call("add_staff", { staff });
export const changeStaff = (name: string, change: StaffChangeRequest) =>
  call("change_staff", { name, change });

// --- card payments -----------------------------------------------------------------------------

export const paymentsStatus = () => call("payments_status");

function progressChannel(onProgress: (p: CardProgress) => void): Channel<CardProgress> {
  const channel = new Channel<CardProgress>();
  channel.onmessage = onProgress;
  return channel;
}

/**
 * Takes the sale with tenders that include a card: resolves when the payment ends (paid, declined,
 * canceled or in doubt), telling `onProgress` what the reader is doing meanwhile.
 */
export const cardCheckout = (tenders: TenderInput[], onProgress: (p: CardProgress) => void) =>
  call("card_checkout", { tenders, progress: progressChannel(onProgress) });
/** The same card payment again, after a decline or a cancel. */
export const retryCardPayment = (paymentId: string, onProgress: (p: CardProgress) => void) =>
  call("retry_card_payment", { paymentId, progress: progressChannel(onProgress) });
/** Gives up the card; the sale stays on the register for another tender. */
export const abandonCardPayment = (paymentId: string) => call("abandon_card_payment", { paymentId });
/** Stops the reader waiting for a card: the running payment then ends as canceled. */
export const cancelCardPayment = () => call("cancel_card_payment");
/** Shows a test card to the simulated reader (demo and test mode only). */
export const presentTestCard = (card: TestCard) => call("present_test_card", { card });

export const readersList = () => call("readers_list");
export const locationsList = () => call("locations_list");
/** Pairs a reader by the code it shows; `label` null: none; `location` is a LocationView id. */
export const registerReader = (code: string, label: string | null, location: string) =>
  call("register_reader", { code, label, location });
export const chooseReader = (readerId: string) => call("choose_reader", { readerId });
export const checkSetup = () => call("check_setup");
export const syncStatus = () => call("sync_status");
export const paymentsInDoubt = () => call("payments_in_doubt");
export const reconcilePayments = () => call("reconcile_payments");
export const eventsNeedingAttention = () => call("events_needing_attention");
export const retryEvent = (eventId: string) => call("retry_event", { eventId });
export const dismissEvent = (eventId: string, reason: string) => call("dismiss_event", { eventId, reason });
export const changesAtStripe = () => call("changes_at_stripe");

// --- updates -----------------------------------------------------------------------------------

/** Where the till stands with updates: the version running, and any update checked, waiting or refused. */
export const updateStatus = () => call("update_status");
/** Asks the release server now; a newer version is downloaded and verified, ready to install. */
export const checkForUpdates = () => call("check_for_updates");
/** Installs the waiting update and restarts the till (the version installed; null: none was waiting). */
export const installUpdate = () => call("install_update");

// --- receipts, the receipt printer and the cash drawer ----------------------------------------
/** A receipt as the printer (or the print dialog) shows it: `reference` is an id or receipt number. */
export const receipt = (reference: string, copy: ReceiptCopy) => call("receipt", { reference, copy });
/** Prints a receipt on the till's printer (the sale's own opens the drawer for its cash, once). */
export const printReceipt = (reference: string, copy: ReceiptCopy) => call("print_receipt", { reference, copy });
/** After a sale: its receipt and the drawer, as the shop's settings say (null: nothing to do). */
export const printAfterSale = (orderId: string) => call("print_after_sale", { orderId });
/** After a refund: its receipt and the drawer for cash given back (null: nothing to do). */
export const printAfterRefund = (orderId: string, refundId: string) =>
  call("print_after_refund", { orderId, refundId });
/** No sale: opens the cash drawer (a manager's, or a manager's approval). */
export const openDrawer = () => call("open_drawer");
/** Papers, code pages and the printers this computer can reach. */
export const printerChoices = () => call("printer_choices");
export const setPrinter = (address: string, paper: string, codePage: string, drawerPin: string) =>
  call("set_printer", { address, paper, codePage, drawerPin });
export const removePrinter = () => call("remove_printer");
export const testPrinter = () => call("test_printer");
/** The printer's state in words (ready, out of paper, cover open, offline). */
export const printerStatus = () => call("printer_status");
/** Sets the receipt logo from a PNG's bytes (null takes it away); answers the shop as it now is. */
export const setReceiptLogo = (png: number[] | null) => call("set_receipt_logo", { png });
/** The receipt logo as a data: address for an <img>; null: the shop has none. */
export const receiptLogo = () => call("receipt_logo");

// --- shifts and cash-up ------------------------------------------------------------------------
/** The shop's notes and coins, largest first (empty: counted as a plain total). */
export const denominations = () => call("denominations");
/** The shift open at this till, or null. */
export const currentShift = () => call("current_shift");
/** Opens a shift with its float counted (denomination in minor units, how many). */
export const openShift = (count: CountLine[]) => call("open_shift", { count });
export const payIn = (amount: string, reason: string) => call("pay_in", { amount, reason });
export const payOut = (amount: string, reason: string) => call("pay_out", { amount, reason });
export const dropToSafe = (amount: string) => call("drop_to_safe", { amount });
/** The X report: what is in no Z yet, with the open shift's cash (resets nothing). */
export const xReport = () => call("x_report");
/** Closes the open shift with the drawer counted; answers its Z. */
export const closeShift = (count: CountLine[], floatLeft: string, note: string | null) =>
  call("close_shift", { count, floatLeft, note });
/** A Z report as printed (the newest when `number` is null). */
export const zReport = (number: number | null) => call("z_report", { number });
export const shiftsList = (limit = 50, offset = 0) => call("shifts_list", { limit, offset });
export const shiftDetail = (id: number) => call("shift_detail", { id });
/** Prints a Z on the till's printer as it printed at its close (null: the newest). */
export const printZ = (number: number | null) => call("print_z", { number });
/** The cash expected, for the close screen; null while the shop counts blind (the default). */
export const expectedForClose = () => call("expected_for_close");

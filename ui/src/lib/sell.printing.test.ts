// The register and the receipt printer, against a stubbed till: printing after a sale by the
// shop's setting (always, ask, never), a printer problem with Retry, nothing printed without a
// printer, and No sale with a manager's approval.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AutoPrint, Printed, PrinterSetup } from "./bindings";
import type { CartView, OrderView } from "./types";
import { deferred, resetMocks, testShop } from "../test/screen";

const api = vi.hoisted(() => ({
  currentCart: vi.fn(),
  categories: vi.fn(),
  listProducts: vi.fn(),
  checkout: vi.fn(),
  paymentsStatus: vi.fn(),
  printAfterSale: vi.fn(),
  printReceipt: vi.fn(),
  openDrawer: vi.fn(),
}));
vi.mock("./api", () => api);

const { Register } = await import("./sell.svelte");
const { provideApprovals } = await import("./staff");

const PRINTER: PrinterSetup = { address: "tcp://127.0.0.1:9100", paper: "80mm", columns: 48, code_page: "pc858", drawer_pin: 2 };
const sold = { id: "o9", receipt: "T1-000009" } as unknown as OrderView;
const printed: Printed = { receipt: "T1-000009", drawer_opened: true };
const paperOut = { code: "paper_out", message: "The printer is out of paper: put a new roll in" };

const emptyCart = { lines: [], currency: "GBP", exponent: 2, customer: null } as unknown as CartView;

/** A register on a till with (or without) a printer, the sale paid in cash. */
async function paid(autoPrint: AutoPrint, printer: PrinterSetup | null = PRINTER) {
  const shop = testShop({ printer, receipt: { address: null, phone: null, tax_number: null, footer: null, auto_print: autoPrint, has_logo: false } });
  const register = new Register(() => shop);
  await register.start();
  api.checkout.mockResolvedValue(sold);
  await register.pay([{ kind: "cash", value: null }]);
  return register;
}

/** Lets the stubbed till's answers arrive. */
const answers = () => new Promise<void>((r) => setTimeout(r, 0));

beforeEach(() => {
  resetMocks(api);
  api.currentCart.mockResolvedValue(emptyCart);
  api.categories.mockResolvedValue([]);
  api.listProducts.mockResolvedValue({ products: [], total: 0 });
  api.paymentsStatus.mockResolvedValue(null);
});
afterEach(() => vi.useRealTimers());

describe("printing after a sale", () => {
  it("prints once the sale is booked and its receipt is up, and says so", async () => {
    const later = deferred<Printed | null>();
    api.printAfterSale.mockReturnValue(later.promise);
    api.checkout.mockImplementation(async () => {
      expect(api.printAfterSale, "nothing prints before the sale is booked").not.toHaveBeenCalled();
      return sold;
    });
    const register = await paid("always");
    expect(register.order?.id).toBe("o9");
    expect(api.printAfterSale).toHaveBeenCalledWith("o9");
    expect(api.printAfterSale).toHaveBeenCalledTimes(1);
    expect(register.printing?.state).toBe("printing");
    later.resolve(printed);
    await answers();
    expect(register.printing?.state).toBe("done");
    expect(register.printing?.note).toBe("Printed · drawer opened");
    expect(api.printReceipt).not.toHaveBeenCalled();
  });

  it("never asks the printer without one: the print dialog stays the way to print", async () => {
    const register = await paid("always", null);
    expect(register.order?.id).toBe("o9");
    expect(api.printAfterSale).not.toHaveBeenCalled();
    expect(register.printing).toBeNull();
  });

  it("lets the cashier start the next sale while the printer is still busy", async () => {
    api.printAfterSale.mockReturnValue(new Promise(() => {})); // a printer that never answers
    const register = await paid("always");
    await register.newSale();
    expect(register.order).toBeNull();
    expect(register.printing).toBeNull();
    expect(register.selling).toBe(true);
  });

  it("shows the printer's problem and Retry prints the sale's receipt once", async () => {
    api.printAfterSale.mockRejectedValue(paperOut);
    const register = await paid("always");
    await answers();
    expect(register.printing?.state).toBe("failed");
    expect(register.printing?.error?.message).toBe(paperOut.message);
    api.printReceipt.mockResolvedValue(printed);
    await register.printing!.print();
    expect(api.printReceipt).toHaveBeenCalledTimes(1);
    expect(api.printReceipt).toHaveBeenCalledWith("o9", { kind: "sale" });
    expect(register.printing?.state).toBe("done");
    expect(register.printing?.error).toBeNull();
  });

  it("asks first with 'ask' (the drawer opens meanwhile) and prints on Yes", async () => {
    api.printAfterSale.mockResolvedValue({ receipt: null, drawer_opened: true });
    const register = await paid("ask");
    expect(api.printAfterSale).toHaveBeenCalledWith("o9");
    await answers();
    expect(register.printing?.state).toBe("asking");
    api.printReceipt.mockResolvedValue(printed);
    await register.printing!.print();
    expect(api.printReceipt).toHaveBeenCalledWith("o9", { kind: "sale" });
    expect(register.printing?.state).toBe("done");
  });

  it("prints nothing on No", async () => {
    api.printAfterSale.mockResolvedValue(null);
    const register = await paid("ask");
    await answers();
    register.printing!.decline();
    expect(register.printing?.state).toBe("idle");
    expect(api.printReceipt).not.toHaveBeenCalled();
  });

  it("with 'never' only opens the drawer for cash, and tells", async () => {
    api.printAfterSale.mockResolvedValue({ receipt: null, drawer_opened: true });
    const register = await paid("never");
    await answers();
    expect(register.printing?.state).toBe("done");
    expect(register.printing?.note).toBe("Drawer opened");
  });

  it("drops an answer that comes after Yes was pressed", async () => {
    const drawer = deferred<Printed | null>();
    api.printAfterSale.mockReturnValue(drawer.promise);
    const printing = deferred<Printed>();
    api.printReceipt.mockReturnValue(printing.promise);
    const register = await paid("ask");
    const yes = register.printing!.print();
    drawer.resolve({ receipt: null, drawer_opened: true });
    await answers();
    expect(register.printing?.state, "still printing the receipt").toBe("printing");
    printing.resolve(printed);
    await yes;
    expect(register.printing?.note).toBe("Printed · drawer opened");
  });
});

describe("No sale", () => {
  it("opens the drawer once a manager approves it for a cashier", async () => {
    const asked: string[] = [];
    const stop = provideApprovals(async (permission) => {
      asked.push(permission);
      return true;
    });
    try {
      const register = await paid("always");
      await register.newSale();
      api.openDrawer
        .mockRejectedValueOnce({ code: "not_permitted", message: "No sale is a manager's", permission: "no_sale" })
        .mockResolvedValueOnce({ receipt: null, drawer_opened: true });
      await register.noSale();
      expect(asked).toEqual(["no_sale"]);
      expect(api.openDrawer).toHaveBeenCalledTimes(2);
      expect(register.drawerNote).toBe("Drawer opened");
      expect(register.error).toBeNull();
    } finally {
      stop();
    }
  });

  it("shows the refusal in words when the approval is cancelled, and a printer problem too", async () => {
    const stop = provideApprovals(async () => false);
    try {
      const register = await paid("never");
      const refused = { code: "not_permitted", message: "No sale needs a manager", permission: "no_sale" };
      api.openDrawer.mockRejectedValueOnce(refused);
      await register.noSale();
      expect(api.openDrawer).toHaveBeenCalledTimes(1);
      expect(register.error?.message).toBe("No sale needs a manager");
      expect(register.drawerNote).toBeNull();
      api.openDrawer.mockRejectedValueOnce({ code: "printer_offline", message: "The printer does not answer: is it on?" });
      await register.noSale();
      expect(register.error?.message).toBe("The printer does not answer: is it on?");
    } finally {
      stop();
    }
  });

  it("does nothing without a printer to open the drawer", async () => {
    const register = await paid("always", null);
    await register.noSale();
    expect(api.openDrawer).not.toHaveBeenCalled();
  });
});

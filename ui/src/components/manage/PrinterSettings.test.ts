// @vitest-environment jsdom
// Settings → Receipt printer and Receipts against a stubbed till: the printer and its state, the
// printers found filling the address, Save with a refusal shown on the field it names, Remove,
// the test page, and the receipt's shop details saved one at a time (several lines where a
// receipt has them), each handed up to the app.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PrinterSetup } from "../../lib/bindings";
import type { Shop } from "../../lib/types";
import { $, choose, cleanupScreen, click, input, mountScreen, resetMocks, settle, submit, testShop, text, type } from "../../test/screen";

const api = vi.hoisted(() => ({
  changeSetting: vi.fn(),
  setTaxRate: vi.fn(),
  nfcReaders: vi.fn(),
  nfcChecks: vi.fn(),
  chooseNfcReader: vi.fn(),
  customerByCard: vi.fn(),
  onNfc: vi.fn(),
  updateStatus: vi.fn(),
  checkForUpdates: vi.fn(),
  installUpdate: vi.fn(),
  printerStatus: vi.fn(),
  printerChoices: vi.fn(),
  setPrinter: vi.fn(),
  removePrinter: vi.fn(),
  testPrinter: vi.fn(),
  receiptLogo: vi.fn(),
  setReceiptLogo: vi.fn(),
}));
vi.mock("../../lib/api", () => api);

const { default: Settings } = await import("./Settings.svelte");
const { provideApprovals } = await import("../../lib/staff");

const PRINTER: PrinterSetup = { address: "tcp://192.168.1.50:9100", paper: "80mm", columns: 48, code_page: "pc858", drawer_pin: 2 };
const ready = { id: "printer", title: "Receipt printer", status: "ok" as const, detail: "ready", fix: null };

let onshopchange: ReturnType<typeof vi.fn<(shop: Shop) => void>>;
const start = (s: Shop = testShop()) => mountScreen(Settings, { shop: s, onshopchange });

beforeEach(() => {
  resetMocks(api);
  onshopchange = vi.fn<(shop: Shop) => void>();
  api.nfcReaders.mockResolvedValue([]);
  api.nfcChecks.mockResolvedValue([]);
  api.onNfc.mockResolvedValue(() => {});
  api.updateStatus.mockResolvedValue({
    current_version: "0.1.0", state: "up_to_date", version: null, notes: null, checked_at: null, problem: null,
  });
  api.printerStatus.mockResolvedValue({ id: "printer", title: "Receipt printer", status: "skip", detail: "none set up", fix: null });
  api.printerChoices.mockResolvedValue({
    papers: ["80mm", "80mm-42", "58mm"], code_pages: ["pc437", "pc850", "pc858"],
    found: [{ address: "cups://receipt", description: "CUPS queue receipt" }, { address: "usb://04b8:0e15", description: "EPSON TM-T20III" }],
  });
});
afterEach(cleanupScreen);

describe("Settings → Receipt printer", () => {
  it("shows the printer set up and how it is now", async () => {
    api.printerStatus.mockResolvedValue({ ...ready, status: "warn", detail: "out of paper", fix: "Put a new roll in" });
    await start(testShop({ printer: PRINTER }));
    expect(text("[data-testid=printer-current]")).toContain("tcp://192.168.1.50:9100");
    expect($("[data-testid=printer-status]")?.dataset.status).toBe("warn");
    expect(text("[data-testid=printer-status]")).toContain("out of paper");
    expect(text("[data-testid=printer-status]")).toContain("Put a new roll in");
    expect(input("[data-testid=printer-address]").value).toBe("tcp://192.168.1.50:9100");
    expect(($("[data-testid=printer-paper]") as HTMLSelectElement).value).toBe("80mm");
    expect(input("[data-testid=printer-code-page]").value).toBe("pc858");
    expect(($("[data-testid=printer-drawer-pin]") as HTMLSelectElement).value).toBe("2");
    expect($("[data-testid=printer-remove]")).not.toBeNull();
    expect($("[data-testid=printer-test]")).not.toBeNull();
  });

  it("fills the address from a printer found, saves, and hands the shop up", async () => {
    api.setPrinter.mockResolvedValue({ ...PRINTER, address: "usb://04b8:0e15", paper: "58mm", columns: 32, drawer_pin: 5 });
    api.printerStatus.mockResolvedValueOnce({ id: "printer", title: "Receipt printer", status: "skip", detail: "none set up", fix: null })
      .mockResolvedValue(ready);
    await start();
    expect(text("[data-testid=printer-current]")).toContain("No printer set up");
    expect($("[data-testid=printer-remove]")).toBeNull();
    choose("[data-testid=printer-found]", "usb://04b8:0e15");
    await settle();
    expect(input("[data-testid=printer-address]").value).toBe("usb://04b8:0e15");
    choose("[data-testid=printer-paper]", "58mm");
    choose("[data-testid=printer-drawer-pin]", "5");
    await submit($("[data-testid=printer-save]")!.closest("form")!);
    expect(api.setPrinter).toHaveBeenCalledWith("usb://04b8:0e15", "58mm", "pc858", "5");
    expect(onshopchange).toHaveBeenCalledTimes(1);
    expect(onshopchange.mock.calls[0][0].printer?.address).toBe("usb://04b8:0e15");
    expect(text("[data-testid=printer-saved]")).toContain("usb://04b8:0e15");
    expect($("[data-testid=printer-status]")?.dataset.status).toBe("ok");
    expect(text("[data-testid=printer-current]")).toContain("usb://04b8:0e15");
  });

  it("shows a refusal on the field it names, with what was typed kept", async () => {
    await start();
    type("[data-testid=printer-address]", "tcp://nowhere");
    api.setPrinter.mockRejectedValueOnce({ code: "invalid", message: "printer: expected tcp://HOST:PORT" });
    await click("[data-testid=printer-save]");
    expect(text("[data-testid=printer-error-printer]")).toBe("Expected tcp://HOST:PORT");
    expect(input("[data-testid=printer-address]").getAttribute("aria-invalid")).toBe("true");
    expect(input("[data-testid=printer-address]").value).toBe("tcp://nowhere");

    type("[data-testid=printer-code-page]", "klingon");
    api.setPrinter.mockRejectedValueOnce({ code: "invalid", message: "code-page: unknown code page 'klingon' (known: pc437, pc858)" });
    await click("[data-testid=printer-save]");
    expect($("[data-testid=printer-error-printer]")).toBeNull();
    expect(text("[data-testid=printer-error-code-page]")).toBe("Unknown code page 'klingon' (known: pc437, pc858)");

    api.setPrinter.mockRejectedValueOnce({ code: "invalid", message: "drawer-pin: '7': expected 2 or 5" });
    await click("[data-testid=printer-save]");
    expect(text("[data-testid=printer-error-drawer-pin]")).toBe("'7': expected 2 or 5");
    expect(onshopchange).not.toHaveBeenCalled();
  });

  it("asks an admin's approval for a manager, then saves", async () => {
    const asked: string[] = [];
    const stop = provideApprovals(async (p) => {
      asked.push(p);
      return true;
    });
    try {
      await start();
      type("[data-testid=printer-address]", "tcp://192.168.1.50:9100");
      api.setPrinter
        .mockRejectedValueOnce({ code: "not_permitted", message: "an admin's", permission: "change_settings" })
        .mockResolvedValueOnce(PRINTER);
      await click("[data-testid=printer-save]");
      expect(asked).toEqual(["change_settings"]);
      expect(api.setPrinter).toHaveBeenCalledTimes(2);
      expect(onshopchange.mock.calls[0][0].printer).toEqual(PRINTER);
    } finally {
      stop();
    }
  });

  it("prints a test page and says what the printer answered", async () => {
    api.printerStatus.mockResolvedValue(ready);
    await start(testShop({ printer: PRINTER }));
    api.testPrinter.mockResolvedValueOnce(null);
    await click("[data-testid=printer-test]");
    expect(api.testPrinter).toHaveBeenCalledTimes(1);
    expect(text("[data-testid=printer-test-result]")).toContain("Test page sent");
    api.testPrinter.mockRejectedValueOnce({ code: "cover_open", message: "The printer's cover is open: close it" });
    await click("[data-testid=printer-test]");
    expect(text("[data-testid=printer-test-result]")).toBe("The printer's cover is open: close it");
  });

  it("removes the printer: receipts go back to the print dialog", async () => {
    api.removePrinter.mockResolvedValue(null);
    await start(testShop({ printer: PRINTER }));
    await click("[data-testid=printer-remove]");
    expect(api.removePrinter).toHaveBeenCalledTimes(1);
    expect(onshopchange.mock.calls[0][0].printer).toBeNull();
    expect(text("[data-testid=printer-current]")).toContain("No printer set up");
  });
});

describe("Settings → Receipts", () => {
  const receipt = { address: "1 High Street\nLeeds LS1 1AA", phone: null, tax_number: "GB123456789", footer: null, auto_print: "always" as const, has_logo: false };

  it("shows what the receipt says about the shop, several lines where it has them", async () => {
    await start(testShop({ receipt }));
    const address = $("[data-testid=setting-input-shop-address]") as HTMLTextAreaElement;
    expect(address.tagName).toBe("TEXTAREA");
    expect(address.value).toBe("1 High Street\nLeeds LS1 1AA");
    expect(input("[data-testid=setting-input-tax-number]").value).toBe("GB123456789");
    expect(input("[data-testid=setting-input-shop-phone]").value).toBe("");
    expect(input("[data-testid=setting-option-auto-print-always]").checked).toBe(true);
  });

  it("saves a footer of several lines and hands the shop up", async () => {
    const next = testShop({ receipt: { ...receipt, footer: "Returns within 28 days\nThank you" } });
    api.changeSetting.mockResolvedValue(next);
    await start(testShop({ receipt }));
    type("[data-testid=setting-input-receipt-footer]", "Returns within 28 days\nThank you");
    await click("[data-testid=setting-save-receipt-footer]");
    expect(api.changeSetting).toHaveBeenCalledWith("receipt-footer", "Returns within 28 days\nThank you");
    expect(onshopchange).toHaveBeenCalledWith(next);
  });

  it("saves when receipts print", async () => {
    const next = testShop({ receipt: { ...receipt, auto_print: "ask", has_logo: false } });
    api.changeSetting.mockResolvedValue(next);
    await start(testShop({ receipt }));
    await click("[data-testid=setting-option-auto-print-ask]");
    await click("[data-testid=setting-save-auto-print]");
    expect(api.changeSetting).toHaveBeenCalledWith("auto-print", "ask");
    expect(text("[data-testid=setting-saved-auto-print]")).toBe("Saved: Ask each time");
  });

  it("shows the till's refusal on the setting it names", async () => {
    api.changeSetting.mockRejectedValue({ code: "invalid", message: "shop-phone: at most 40 characters" });
    await start(testShop({ receipt }));
    type("[data-testid=setting-input-shop-phone]", "0".repeat(41));
    await click("[data-testid=setting-save-shop-phone]");
    expect(text("[data-testid=setting-error-shop-phone]")).toBe("At most 40 characters");
    expect(input("[data-testid=setting-input-shop-phone]").value).toBe("0".repeat(41));
    expect(onshopchange).not.toHaveBeenCalled();
  });
});

describe("Settings → the receipt's logo", () => {
  const LOGO = "data:image/png;base64,iVBORw0KGgo=";
  const png = (bytes: number[], name = "logo.png") => new File([new Uint8Array(bytes)], name, { type: "image/png" });
  function chooseFile(file: File) {
    const el = $("[data-testid=logo-file]") as HTMLInputElement;
    Object.defineProperty(el, "files", { value: [file], configurable: true });
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
  /** The file is read (FileReader answers on a later turn), then the till is answered. */
  async function read() {
    await new Promise((r) => setTimeout(r, 30));
    await settle();
  }

  it("shows the logo a shop has, and none when it has none", async () => {
    api.receiptLogo.mockResolvedValue(LOGO);
    await start(testShop({ printer: PRINTER, receipt: { ...testShop().receipt, has_logo: true } }));
    expect(($("[data-testid=logo-image]") as HTMLImageElement).src).toBe(LOGO);
    cleanupScreen();
    api.receiptLogo.mockClear();
    await start(testShop({ printer: PRINTER }));
    expect($("[data-testid=logo-none]")).not.toBeNull();
    expect(api.receiptLogo).not.toHaveBeenCalled();
  });

  it("sends the chosen PNG's bytes and hands the shop up", async () => {
    const next = testShop({ printer: PRINTER, receipt: { ...testShop().receipt, has_logo: true } });
    api.setReceiptLogo.mockResolvedValue(next);
    api.receiptLogo.mockResolvedValue(LOGO);
    await start(testShop({ printer: PRINTER }));
    chooseFile(png([137, 80, 78, 71, 1, 2, 3]));
    await read();
    expect(api.setReceiptLogo).toHaveBeenCalledWith([137, 80, 78, 71, 1, 2, 3]);
    expect(onshopchange).toHaveBeenCalledWith(next);
  });

  it("shows the till's refusal in words and keeps the shop as it was", async () => {
    api.setReceiptLogo.mockRejectedValue({ code: "invalid_input", message: "receipt-logo: the file is not a PNG" });
    await start(testShop({ printer: PRINTER }));
    chooseFile(png([71, 73, 70], "logo.gif"));
    await read();
    expect(text("[data-testid=logo-error]")).toBe("The file is not a PNG");
    expect(onshopchange).not.toHaveBeenCalled();
  });

  it("refuses a file over 512 KB before sending it, naming it", async () => {
    await start(testShop({ printer: PRINTER }));
    chooseFile(png(new Array(600 * 1024).fill(0), "huge.png"));
    await settle();
    expect(api.setReceiptLogo).not.toHaveBeenCalled();
    expect(text("[data-testid=logo-error]")).toContain("huge.png");
  });

  it("removes the logo", async () => {
    const had = testShop({ printer: PRINTER, receipt: { ...testShop().receipt, has_logo: true } });
    api.receiptLogo.mockResolvedValue(LOGO);
    api.setReceiptLogo.mockResolvedValue(testShop({ printer: PRINTER }));
    await start(had);
    await click("[data-testid=logo-remove]");
    expect(api.setReceiptLogo).toHaveBeenCalledWith(null);
    expect(onshopchange).toHaveBeenCalled();
  });
});

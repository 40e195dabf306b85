// @vitest-environment jsdom
// The settings screen against a stubbed till: one setting saved at a time, the till's answer shown
// next to it and handed up to the app.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import type { NfcEvent, Shop } from "../../lib/types";
import {
  $, $$, cleanupScreen, click, input, mountScreen, resetMocks, settle, testShop, type,
} from "../../test/screen";

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
}));
vi.mock("../../lib/api", () => api);

const { default: Settings } = await import("./Settings.svelte");

const shop = testShop({
  name: "Corner Shop", till_id: "TILL-1", demo: true,
  tax_rates: [
    { name: "standard", basis_points: 2000 },
    { name: "reduced", basis_points: 500 },
    { name: "zero", basis_points: 0 },
  ],
});

let onshopchange: ReturnType<typeof vi.fn<(shop: Shop) => void>>;

/** The handler the screen gave `onNfc`: the test plays the till's NFC events through it. */
let nfc: ((e: NfcEvent) => void) | null = null;

beforeEach(() => {
  resetMocks(api);
  onshopchange = vi.fn<(shop: Shop) => void>();
  nfc = null;
  api.nfcReaders.mockResolvedValue([]);
  api.nfcChecks.mockResolvedValue([]);
  api.printerStatus.mockResolvedValue({ id: "printer", title: "Receipt printer", status: "skip", detail: "none set up", fix: null });
  api.printerChoices.mockResolvedValue({ papers: ["80mm", "80mm-42", "58mm"], code_pages: ["pc437", "pc858"], found: [] });
  api.updateStatus.mockResolvedValue({
    current_version: "0.1.0", state: "up_to_date", version: null, notes: null, checked_at: null, problem: null,
  });
  api.onNfc.mockImplementation(async (handler: (e: NfcEvent) => void) => {
    nfc = handler;
    return () => (nfc = null);
  });
});

afterEach(cleanupScreen);

const start = (s: Shop = shop) => mountScreen(Settings, { shop: s, onshopchange });

describe("Settings screen", () => {
  it("shows the shop as the till has it", async () => {
    await start();
    expect(input("[data-testid=setting-input-shop-name]").value).toBe("Corner Shop");
    expect($("[data-testid=settings-currency]")?.textContent).toBe("GBP");
    expect($("[data-testid=settings-till-id]")?.textContent).toBe("TILL-1");
    expect($("[data-testid=settings-demo]")?.textContent).toContain("Yes");
    expect(input("[data-testid=setting-option-tax-mode-inclusive]").checked).toBe(true);
    expect(input("[data-testid=setting-option-cash-rounding-none]").checked).toBe(true);
    expect($("[data-testid=tax-mode-note]")?.textContent).toContain("new sales");
    const rows = $$("[data-testid=tax-rate-row]");
    expect(rows.map((r) => r.dataset.rate)).toEqual(["standard", "reduced", "zero"]);
    expect(rows.map((r) => r.querySelector("[data-testid=tax-rate-percent]")?.textContent)).toEqual(["20%", "5%", "0%"]);
    expect(rows[0].querySelector("[data-testid=tax-rate-default]")).not.toBeNull();
    expect(rows[1].querySelector("[data-testid=tax-rate-default]")).toBeNull();
    expect($("[data-testid=loyalty-example]")?.textContent).toContain("A GBP 10.00 sale earns 10 points.");
    expect($("[data-testid=loyalty-example]")?.textContent).toContain("100 points pay GBP 1.00.");
    // Nothing typed, nothing to save.
    expect(($("[data-testid=setting-save-shop-name]") as HTMLButtonElement).disabled).toBe(true);
  });

  it("saves the shop name, shows the saved value and hands the shop up", async () => {
    const renamed = { ...shop, name: "Corner Shop & Café" };
    api.changeSetting.mockResolvedValue(renamed);
    await start();
    type(input("[data-testid=setting-input-shop-name]"), "  Corner Shop & Café ");
    await click("[data-testid=setting-save-shop-name]");
    expect(api.changeSetting).toHaveBeenCalledWith("shop-name", "Corner Shop & Café");
    expect(api.changeSetting).toHaveBeenCalledTimes(1);
    expect(onshopchange).toHaveBeenCalledWith(renamed);
    expect($("[data-testid=setting-saved-shop-name]")?.textContent).toBe("Saved: Corner Shop & Café");
    expect(input("[data-testid=setting-input-shop-name]").value).toBe("Corner Shop & Café");
  });

  it("shows a manager the settings to read, and lets them ask an admin only when they choose to change one", async () => {
    await mountScreen(Settings, { shop, onshopchange, mayChange: false });
    expect($("[data-testid=settings-read-only]")?.textContent).toContain("Only an admin changes them");
    const field = input("[data-testid=setting-input-shop-name]");
    expect(field.value).toBe(shop.name);
    expect(field.matches(":disabled")).toBe(true);
    expect(($("[data-testid=setting-save-shop-name]") as HTMLButtonElement).matches(":disabled")).toBe(true);
    await click("[data-testid=settings-change]");
    expect(field.matches(":disabled")).toBe(false);
    await click("[data-testid=settings-done]");
    expect(field.matches(":disabled")).toBe(true);
  });

  it("shows an admin no such note", async () => {
    await start();
    expect($("[data-testid=settings-read-only]")).toBeNull();
    expect(input("[data-testid=setting-input-shop-name]").matches(":disabled")).toBe(false);
  });

  it("sets the cashier's discount limit as a percentage", async () => {
    api.changeSetting.mockResolvedValue({ ...shop, discount_limit: 1250 });
    await start();
    expect(input("[data-testid=setting-input-discount-limit]").value).toBe("10");
    type(input("[data-testid=setting-input-discount-limit]"), "12.5");
    await click("[data-testid=setting-save-discount-limit]");
    expect(api.changeSetting).toHaveBeenCalledWith("discount-limit", "12.5");
    expect($("[data-testid=setting-saved-discount-limit]")?.textContent).toBe("Saved: 12.5 % off a line or the sale");
  });

  it("puts the till's refusal next to the setting and keeps what was typed", async () => {
    api.changeSetting.mockRejectedValue({ code: "invalid_input", message: "loyalty-earn: expected a whole number" });
    await start();
    type(input("[data-testid=setting-input-loyalty-earn]"), "1.5");
    await click("[data-testid=setting-save-loyalty-earn]");
    expect(api.changeSetting).toHaveBeenCalledWith("loyalty-earn", "1.5");
    const error = $("[data-testid=setting-error-loyalty-earn]");
    expect(error?.textContent).toBe("Expected a whole number");
    expect($("[data-testid=setting-loyalty-earn]")?.contains(error!)).toBe(true);
    expect($("[data-testid=setting-error-loyalty-redeem]")).toBeNull();
    expect(input("[data-testid=setting-input-loyalty-earn]").value).toBe("1.5");
    expect(input("[data-testid=setting-input-loyalty-earn]").getAttribute("aria-invalid")).toBe("true");
    expect(onshopchange).not.toHaveBeenCalled();
  });

  it("recomputes the loyalty example from the saved rates", async () => {
    api.changeSetting.mockResolvedValue({ ...shop, loyalty: { earn_per_major: 2, redeem_per_major: 100 } });
    await start();
    type(input("[data-testid=setting-input-loyalty-earn]"), "2");
    await click("[data-testid=setting-save-loyalty-earn]");
    expect($("[data-testid=loyalty-example]")?.textContent).toContain("A GBP 10.00 sale earns 20 points.");
    expect($("[data-testid=setting-saved-loyalty-earn]")?.textContent).toBe("Saved: 2");
  });

  it("changes the tax mode", async () => {
    api.changeSetting.mockResolvedValue({ ...shop, tax_mode: "exclusive" });
    await start();
    input("[data-testid=setting-option-tax-mode-exclusive]").click();
    flushSync();
    await click("[data-testid=setting-save-tax-mode]");
    expect(api.changeSetting).toHaveBeenCalledWith("tax-mode", "exclusive");
    expect($("[data-testid=setting-saved-tax-mode]")?.textContent).toBe("Saved: Tax is added at the till");
  });

  it("sends cash rounding as the till spells it", async () => {
    api.changeSetting.mockResolvedValue({ ...shop, cash_rounding: 10 });
    await start();
    expect($$("[data-testid^=setting-option-cash-rounding-]").map((e) => (e as HTMLInputElement).value)).toEqual([
      "none", "0.05", "0.10",
    ]);
    input("[data-testid=setting-option-cash-rounding-0-10]").click();
    flushSync();
    await click("[data-testid=setting-save-cash-rounding]");
    expect(api.changeSetting).toHaveBeenCalledWith("cash-rounding", "0.10");
    expect($("[data-testid=setting-saved-cash-rounding]")?.textContent).toBe("Saved: To the nearest 0.10");
    expect(input("[data-testid=setting-option-cash-rounding-0-10]").checked).toBe(true);
  });

  it("offers no cash rounding choices a currency without cents cannot take", async () => {
    await start({ ...shop, currency: "JPY", exponent: 0 });
    expect($$("[data-testid^=setting-option-cash-rounding-]")).toHaveLength(1);
    expect($("[data-testid=loyalty-example]")?.textContent).toContain("A JPY 10 sale earns 10 points.");
  });

  it("changes a tax rate's percentage", async () => {
    const next = { ...shop, tax_rates: shop.tax_rates.map((r) => (r.name === "reduced" ? { ...r, basis_points: 550 } : r)) };
    api.setTaxRate.mockResolvedValue(next);
    await start();
    const row = $$("[data-testid=tax-rate-row]")[1];
    const field = row.querySelector("[data-testid=tax-rate-input]") as HTMLInputElement;
    expect(field.value).toBe("5");
    type(field, "5.5");
    (row.querySelector("[data-testid=tax-rate-save]") as HTMLElement).click();
    await settle();
    expect(api.setTaxRate).toHaveBeenCalledWith({ name: "reduced", percent: "5.5" });
    expect(onshopchange).toHaveBeenCalledWith(next);
    expect($$("[data-testid=tax-rate-row]")[1].querySelector("[data-testid=tax-rate-percent]")?.textContent).toBe("5.5%");
    expect($("[data-testid=tax-rates-saved]")?.textContent).toBe("reduced is now 5.5%.");
  });

  it("shows a refused percentage in the rate's row, keeping what was typed", async () => {
    api.setTaxRate.mockRejectedValue({ code: "invalid_input", message: "percent: '2O' is not a percentage" });
    await start();
    const row = $$("[data-testid=tax-rate-row]")[0];
    const field = row.querySelector("[data-testid=tax-rate-input]") as HTMLInputElement;
    type(field, "2O");
    (row.querySelector("[data-testid=tax-rate-save]") as HTMLElement).click();
    await settle();
    expect(row.querySelector("[data-testid=tax-rate-error]")?.textContent).toBe("'2O' is not a percentage");
    expect(field.value).toBe("2O");
    expect(onshopchange).not.toHaveBeenCalled();
  });

  it("adds a tax rate, and puts a refusal next to the field it names", async () => {
    api.setTaxRate.mockRejectedValueOnce({ code: "invalid_input", message: "percent: 'x' is not a percentage" });
    const next = { ...shop, tax_rates: [...shop.tax_rates, { name: "hot food", basis_points: 1750 }] };
    api.setTaxRate.mockResolvedValueOnce(next);
    await start();
    type(input("[data-testid=tax-rate-add-name]"), "hot food");
    type(input("[data-testid=tax-rate-add-percent]"), "x");
    await click("[data-testid=tax-rate-add]");
    expect($("[data-testid=tax-rate-add-error-percent]")?.textContent).toBe("'x' is not a percentage");
    expect($("[data-testid=tax-rate-add-error-name]")).toBeNull();
    expect(input("[data-testid=tax-rate-add-name]").value).toBe("hot food");
    type(input("[data-testid=tax-rate-add-percent]"), "17.5");
    await click("[data-testid=tax-rate-add]");
    expect(api.setTaxRate).toHaveBeenLastCalledWith({ name: "hot food", percent: "17.5" });
    expect($$("[data-testid=tax-rate-row]").map((r) => r.dataset.rate)).toContain("hot food");
    expect($("[data-testid=tax-rate-add-error-percent]")).toBeNull();
    expect(input("[data-testid=tax-rate-add-name]").value).toBe("");
    expect(onshopchange).toHaveBeenCalledWith(next);
  });

  it("makes another rate the default", async () => {
    api.changeSetting.mockResolvedValue({ ...shop, default_tax_rate: "zero" });
    await start();
    const zero = $$("[data-testid=tax-rate-row]")[2];
    (zero.querySelector("[data-testid=tax-rate-make-default]") as HTMLElement).click();
    await settle();
    expect(api.changeSetting).toHaveBeenCalledWith("default-tax-rate", "zero");
    const rows = $$("[data-testid=tax-rate-row]");
    expect(rows[2].querySelector("[data-testid=tax-rate-default]")).not.toBeNull();
    expect(rows[0].querySelector("[data-testid=tax-rate-default]")).toBeNull();
  });

  describe("VIP card reader", () => {
    const acr = "ACS ACR122U PICC Interface 00 00";
    const other = "ACS ACR1252 1S CL Reader PICC 01 00";

    it("lists the readers plugged in and saves the one to listen to", async () => {
      api.nfcReaders.mockResolvedValue([
        { name: acr, card_present: false },
        { name: other, card_present: false },
      ]);
      api.chooseNfcReader.mockResolvedValue({ ...shop, nfc_reader: other });
      await start();
      expect($("[data-testid=nfc-readers-count]")?.textContent).toContain("2 readers plugged in");
      const select = $("[data-testid=nfc-reader-select]") as HTMLSelectElement;
      expect([...select.options].map((o) => o.value)).toEqual(["", acr, other]);
      expect(select.value).toBe("");
      select.value = other;
      select.dispatchEvent(new Event("change"));
      flushSync();
      click("[data-testid=nfc-reader-save]");
      await settle();
      expect(api.chooseNfcReader).toHaveBeenCalledWith(other);
      expect(onshopchange).toHaveBeenCalledWith(expect.objectContaining({ nfc_reader: other }));
    });

    it("keeps a chosen reader that is unplugged in the list and says so, with the service's problem", async () => {
      api.nfcReaders.mockRejectedValue({ code: "nfc_service_unavailable", message: "the PC/SC service is not running" });
      api.nfcChecks.mockResolvedValue([
        { id: "nfc_service", title: "NFC reader service (PC/SC)", status: "warn", detail: "not running", fix: "start pcscd" },
      ]);
      await start({ ...shop, nfc_reader: acr });
      expect($("[data-testid=nfc-load-error]")?.textContent).toContain("not running");
      expect($("[data-testid=nfc-problem]")?.textContent).toContain("Fix: start pcscd");
      const select = $("[data-testid=nfc-reader-select]") as HTMLSelectElement;
      expect(select.value).toBe(acr);
      expect(select.selectedOptions[0].textContent).toContain("(not plugged in)");
      expect($("[data-testid=nfc-readers-count]")?.textContent).toContain("found by name");
    });

    it("tests a tap: waits for the next card and says whose it is", async () => {
      api.customerByCard.mockResolvedValue({ kind: "vip", id: 7, name: "Ann Lee", email: null, phone: null, card_uid: "04A1B2C3", points_balance: 57, created_at: "2025-01-02T09:30:00Z" });
      await start();
      nfc?.({ kind: "tap", reader: acr, uid: "04A1B2C3" });
      await settle();
      expect($("[data-testid=nfc-test-result]")).toBeNull();
      click("[data-testid=nfc-test-tap]");
      flushSync();
      expect($("[data-testid=nfc-test-waiting]")).not.toBeNull();
      nfc?.({ kind: "tap", reader: acr, uid: "04A1B2C3" });
      await settle();
      expect(api.customerByCard).toHaveBeenCalledWith("04A1B2C3");
      expect($("[data-testid=nfc-test-result]")?.textContent).toBe(
        `Card 04A1B2C3 read on ${acr}: Ann Lee's card, 57 points.`,
      );
      expect($("[data-testid=nfc-test-waiting]")).toBeNull();
    });

    it("says when a test tap could not be read, and when no card came", async () => {
      vi.useFakeTimers();
      try {
        await start();
        click("[data-testid=nfc-test-tap]");
        nfc?.({ kind: "read_failed", reader: acr, code: "nfc_bad_answer", reason: "the card answered 6A 82" });
        await vi.advanceTimersByTimeAsync(0);
        expect($("[data-testid=nfc-test-result]")?.textContent).toContain("could not be read (the card answered 6A 82)");
        click("[data-testid=nfc-test-tap]");
        await vi.advanceTimersByTimeAsync(15_000);
        expect($("[data-testid=nfc-test-result]")?.textContent).toContain("No card was tapped in 15 seconds");
      } finally {
        vi.useRealTimers();
      }
    });

    it("lists the readers again when one is plugged in", async () => {
      await start();
      expect(api.nfcReaders).toHaveBeenCalledTimes(1);
      api.nfcReaders.mockResolvedValue([{ name: acr, card_present: false }]);
      nfc?.({ kind: "reader_added", reader: acr });
      await settle();
      expect(api.nfcReaders).toHaveBeenCalledTimes(2);
      expect($("[data-testid=nfc-readers-count]")?.textContent).toContain("1 reader plugged in");
    });
  });
});

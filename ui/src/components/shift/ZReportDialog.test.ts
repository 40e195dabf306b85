// @vitest-environment jsdom
// The Z report just closed: with a receipt printer it prints there at once, exactly as stored at
// the close; a printer problem is said in words with Retry; without a printer, Print opens the
// print dialog.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ZReport } from "../../lib/bindings";
import { $, cleanupScreen, click, installDialogPolyfill, mountScreen, resetMocks, settle, text } from "../../test/screen";

const api = vi.hoisted(() => ({ printZ: vi.fn() }));
vi.mock("../../lib/api", () => api);

const { default: ZReportDialog } = await import("./ZReportDialog.svelte");

const Z = {
  till_id: "T1", z_number: 3, shift_id: 4, opened_at: "2026-12-07T09:00:00+00:00", closed_at: "2026-12-07T17:00:00+00:00",
  closed_by: "Ann", count: [], counted: 10000, expected: 10000, variance: 0, note: null, approved_by: null, float_left: 0,
  banked: 10000, totals: { currency: "GBP" }, printed: ["Z REPORT 3", "EXACT 0.00"],
} as unknown as ZReport;

const ondone = vi.fn();
const start = (printer: boolean) => mountScreen(ZReportDialog, { z: Z, exponent: 2, ondone, printer });

beforeEach(() => {
  resetMocks(api);
  installDialogPolyfill();
});
afterEach(cleanupScreen);

describe("ZReportDialog", () => {
  it("prints the Z on the receipt printer at once when the till has one", async () => {
    api.printZ.mockResolvedValue({ receipt: "Z 3", drawer_opened: false });
    await start(true);
    await settle();
    expect(api.printZ).toHaveBeenCalledWith(3);
    expect($("[data-testid=z-printed]")).not.toBeNull();
  });

  it("says a printer problem in words and Retry prints once more", async () => {
    api.printZ
      .mockRejectedValueOnce({ code: "paper_out", message: "The printer is out of paper. Load a new roll and press Retry." })
      .mockResolvedValueOnce({ receipt: "Z 3", drawer_opened: false });
    await start(true);
    await settle();
    expect(text("[data-testid=z-print-error]")).toContain("out of paper");
    expect(text("[data-testid=z-print]")).toBe("Retry");
    await click("[data-testid=z-print]");
    await settle();
    expect(api.printZ).toHaveBeenCalledTimes(2);
    expect($("[data-testid=z-print-error]")).toBeNull();
  });

  it("uses the print dialog without a printer", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    await start(false);
    await settle();
    expect(api.printZ).not.toHaveBeenCalled();
    await click("[data-testid=z-print]");
    expect(print).toHaveBeenCalledTimes(1);
    print.mockRestore();
  });
});

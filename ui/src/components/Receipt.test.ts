// @vitest-environment jsdom
// The on-screen receipt against a stubbed till: the till's laid-out lines on a paper as many
// characters wide as the printer's, the order's facts beside it, the order itself as the receipt
// while the layout comes or when it cannot be had, and Print to the till's printer when one is set up.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Line, ReceiptView } from "../lib/bindings";
import type { OrderView } from "../lib/types";
import { $, $$, cleanupScreen, click, deferred, mountScreen, resetMocks, settle, testShop, text } from "../test/screen";

const api = vi.hoisted(() => ({
  receipt: vi.fn(),
  receiptLogo: vi.fn(),
  printReceipt: vi.fn(),
  toCommandError: (e: unknown) => e,
}));
vi.mock("../lib/api", () => api);

const { default: Receipt } = await import("./Receipt.svelte");

const PLAIN = { bold: false, tall: false, wide: false };

function order(over: Partial<OrderView> = {}): OrderView {
  return {
    id: "o1", staff: "Casey", voided_by: null, number: 7, receipt: "T1-000007", till_id: "T1", status: "paid", currency: "GBP",
    tax_mode: "inclusive", rounding_rule: "half_even", subtotal: 450, discount_total: 0, order_discount: null, tax: 75, total: 450,
    cash_rounding: 0, paid: 450, change: 550, refunded_total: 0, customer_id: null, points_earned: 4, points_redeemed: 0,
    points_reversed: 0, created_at: "2026-11-28T15:27:03.683+00:00", demo: false,
    lines: [{ line_no: 1, sku: "TEA", name: "Tea", quantity: 3, unit_price: 150, line_discount: 0, discount: null, order_discount_share: 0,
      tax_rate: "standard", tax_basis_points: 2000, net: 375, tax: 75, gross: 450, refunded_quantity: 0, refunded_amount: 0, catalog_price: null }],
    payments: [{ id: "p1", tender: "cash", status: "succeeded", amount: 450, tendered: 1000, change: 550, points: 0, refunded: 0,
      mode: null, card_brand: null, card_last4: null, intent_id: null, authorization_code: null }],
    tax_breakdown: [{ name: "standard", basis_points: 2000, net: 375, tax: 75, gross: 450 }],
    refunds: [], dispute: null,
    ...over,
  };
}

/** A 32-column receipt as the till lays one out: a centred wide title, a tall total, a barcode. */
function view(lines: Line[], columns = 32): ReceiptView {
  return {
    order_id: "o1", receipt: "T1-000007", copy: { kind: "sale" }, columns, document: { blocks: [] }, lines,
    text: lines.map((l) => (l.kind === "text" ? l.text : "")),
  };
}
/** Left and right text across the 32 columns, as the till pads a pair. */
const pair = (left: string, right: string) => left + right.padStart(32 - left.length);
const LINES: Line[] = [
  { kind: "text", text: "   Corner Shop", style: { bold: true, tall: false, wide: true } },
  { kind: "text", text: "Sat 28 Nov 2026 15:27", style: PLAIN },
  { kind: "text", text: pair("Tea 3 x 1.50", "4.50"), style: PLAIN },
  { kind: "text", text: pair("TOTAL GBP", "4.50"), style: { bold: true, tall: true, wide: false } },
  { kind: "text", text: pair("Cash", "10.00"), style: PLAIN },
  { kind: "barcode", data: "T1-000007" },
  { kind: "qr", data: "https://example.test/r/T1-000007" },
  { kind: "logo" },
];

const onnewsale = vi.fn();
const start = (over: Record<string, unknown> = {}) =>
  mountScreen(Receipt, { order: order(), shop: testShop(), exponent: 2, onnewsale, ...over });

beforeEach(() => {
  resetMocks(api);
  // The shop has no logo unless a test gives it one.
  api.receiptLogo.mockResolvedValue(null);
  onnewsale.mockReset();
});
afterEach(cleanupScreen);

describe("Receipt", () => {
  it("draws the shop's logo where the till's lines have it, and asks for it only then", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    api.receiptLogo.mockResolvedValue("data:image/png;base64,iVBORw0KGgo=");
    await start();
    await settle();
    expect(($("[data-testid=receipt-logo]") as HTMLImageElement).src).toBe("data:image/png;base64,iVBORw0KGgo=");
  });

  it("asks for no logo when the till's lines have none", async () => {
    api.receipt.mockResolvedValue(view(LINES.filter((l) => l.kind !== "logo")));
    await start();
    await settle();
    expect($("[data-testid=receipt-logo]")).toBeNull();
    expect(api.receiptLogo).not.toHaveBeenCalled();
  });

  it("shows the till's lines on a paper exactly as many characters wide as the printer's", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    await start();
    expect(api.receipt).toHaveBeenCalledWith("o1", { kind: "sale" });
    const paper = $("[data-testid=receipt-paper]")!;
    expect(paper.dataset.columns).toBe("32");
    expect(paper.getAttribute("style")).toContain("--columns: 32");
    const lines = $$("[data-testid=receipt-line]");
    expect(lines.map((l) => l.textContent)).toEqual([
      "   Corner Shop", "Sat 28 Nov 2026 15:27", pair("Tea 3 x 1.50", "4.50"), pair("TOTAL GBP", "4.50"), pair("Cash", "10.00"),
    ]);
    // The text is kept as laid out: every normal line is the paper's width, the wide one half of it at most.
    expect(lines[2].textContent).toHaveLength(32);
    expect(lines[3].textContent).toHaveLength(32);
    expect(lines[0].textContent!.length).toBeLessThanOrEqual(16);
    expect(lines[0].classList.contains("wide") && lines[0].classList.contains("bold")).toBe(true);
    expect(lines[3].classList.contains("tall")).toBe(true);
    expect(lines[3].classList.contains("wide")).toBe(false);
    expect(lines[2].className).not.toMatch(/bold|tall|wide/);
    // The receipt number's barcode, with the number under it; the QR code's data in a box; no logo.
    const barcode = $("[data-testid=receipt-barcode]")!;
    expect(barcode.querySelectorAll("rect").length).toBe((6 * 11 + 7 + 1) / 2);
    expect(barcode.querySelector("figcaption")?.textContent).toBe("T1-000007");
    expect(text("[data-testid=receipt-qr]")).toContain("https://example.test/r/T1-000007");
    // The old rendering is gone once the till's layout is there.
    expect($("[data-testid=receipt] table")).toBeNull();
  });

  it("keeps the order's facts beside the paper: number, total, payments, change, points", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    await start();
    expect(text("[data-testid=receipt-number]")).toBe("T1-000007");
    expect(text("[data-testid=receipt-total]")).toBe("4.50");
    expect(text("[data-testid=receipt-change]")).toBe("5.50");
    expect(text("[data-testid=receipt-points]")).toBe("4");
    const pay = $("[data-testid=receipt-payment]")!;
    expect(pay.dataset.tender).toBe("cash");
    expect(pay.textContent).toContain("tendered 10.00");
    expect($("[data-testid=receipt-demo]")).toBeNull();
    expect($("[data-testid=receipt-reprint]")).toBeNull();
  });

  it("shows no change on a card-only sale", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    await start({
      order: order({ change: 0, payments: [{ id: "p1", tender: "card", status: "succeeded", amount: 450, tendered: null, change: 0, points: 0, refunded: 0,
        mode: "live", card_brand: "visa", card_last4: "4242", intent_id: "pi_1", authorization_code: "123456" }] }),
    });
    expect(text("[data-testid=receipt-total]")).toBe("4.50");
    expect($("[data-testid=receipt-change]")).toBeNull();
  });

  it("shows what paid the sale, not a card try that did not (declined, then cash)", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    const card = { id: "p0", tender: "card", status: "canceled", amount: 450, tendered: null, change: 0, points: 0, refunded: 0,
      mode: "live" as const, card_brand: null, card_last4: null, intent_id: "pi_0", authorization_code: null };
    await start({ order: order({ payments: [card, ...order().payments] }) });
    expect($$("[data-testid=receipt-payment]").map((p) => p.dataset.tender)).toEqual(["cash"]);
    expect(text("[data-testid=receipt-change]")).toBe("5.50");
  });

  it("shows the order itself as the receipt while the till's layout comes, then the layout", async () => {
    const later = deferred<ReceiptView>();
    api.receipt.mockReturnValue(later.promise);
    await start();
    expect($("[data-testid=receipt-paper]")).toBeNull();
    expect(text("[data-testid=receipt]")).toContain("Tea");
    expect(text("[data-testid=receipt]")).toContain("Test shop");
    expect(text("[data-testid=receipt]")).not.toContain("2026-11-28T15:27"); // a time for people, not ISO
    later.resolve(view(LINES));
    await settle();
    expect($("[data-testid=receipt-paper]")).not.toBeNull();
  });

  it("keeps the order as the receipt when the till cannot lay it out", async () => {
    api.receipt.mockRejectedValue({ code: "internal", message: "no" });
    await start({ order: order({ demo: true, status: "payment_failed" }) });
    expect($("[data-testid=receipt-paper]")).toBeNull();
    expect(text("[data-testid=receipt]")).toContain("Tea");
    expect(text("[data-testid=receipt]")).toContain("4.50");
    expect(text("[data-testid=receipt-unpaid]")).toBe("NOT PAID — payment failed");
    expect(text("[data-testid=receipt-demo]")).toBe("DEMO — not a real sale");
  });

  it("asks for the reprint copy and marks it", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    await start({ reprint: true });
    expect(api.receipt).toHaveBeenCalledWith("o1", { kind: "reprint" });
    expect(text("[data-testid=receipt-reprint]")).toBe("REPRINT — copy of the receipt");
    expect($("[data-testid=reprint-back]")).not.toBeNull();
  });

  it("prints with the dialog when no printer is set up", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    await start();
    await click("[data-testid=print-button]");
    expect(print).toHaveBeenCalledTimes(1);
    expect(api.printReceipt).not.toHaveBeenCalled();
    print.mockRestore();
  });

  it("prints a reprint on the till's printer when one is set up, and says so", async () => {
    api.receipt.mockResolvedValue(view(LINES));
    api.printReceipt.mockResolvedValue({ receipt: "T1-000007", drawer_opened: false });
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    const printer = { address: "tcp://127.0.0.1:9100", paper: "58mm", columns: 32, code_page: "pc858", drawer_pin: 2 };
    await start({ reprint: true, shop: testShop({ printer }) });
    await click("[data-testid=print-button]");
    expect(api.printReceipt).toHaveBeenCalledWith("o1", { kind: "reprint" });
    expect(print).not.toHaveBeenCalled();
    expect(text("[data-testid=reprint-status]")).toBe("Printed");
    print.mockRestore();
  });
});

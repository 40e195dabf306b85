import { describe, expect, it } from "vitest";
import {
  buildRefund,
  canRefund,
  canVoid,
  filterProblem,
  formatDayTime,
  formatWhen,
  looksLikeReceipt,
  newerOffset,
  newRefundForm,
  olderOffset,
  pageLabel,
  readQuantity,
  receiptSummary,
  refundErrorField,
  refundKindLabel,
  refundableLines,
  refundableQuantity,
  rowFromOrder,
  splitPage,
  statusLabel,
  tenderLabel,
  toOrderFilter,
  type RefundForm,
} from "./orders";
import type { LineView, OrderSummary, OrderView } from "./types";

const line = (line_no: number, sku: string, quantity: number, refunded_quantity = 0): LineView => ({
  line_no, sku, name: sku.toLowerCase(), quantity, unit_price: 100, line_discount: 0, discount: null,
  order_discount_share: 0, tax_rate: "standard", tax_basis_points: 2000, net: 0, tax: 0, gross: quantity * 100,
  refunded_quantity, refunded_amount: refunded_quantity * 100, catalog_price: null,
});

const order = (lines: LineView[]) => ({ lines });

function form(over: Partial<RefundForm>, lines: LineView[]): RefundForm {
  return { ...newRefundForm(order(lines)), ...over };
}

describe("words", () => {
  it("reads statuses, tenders and refund kinds as shop-floor words", () => {
    expect(statusLabel("paid")).toBe("Paid");
    expect(statusLabel("partially_refunded")).toBe("Partially refunded");
    expect(statusLabel("voided")).toBe("Voided");
    expect(statusLabel("payment_pending")).toBe("Card payment pending");
    expect(statusLabel("on_hold")).toBe("On hold");
    expect(tenderLabel("cash")).toBe("Cash");
    expect(tenderLabel("gift_card")).toBe("Gift card");
    expect(refundKindLabel("lines")).toBe("Items");
    expect(refundKindLabel("whole")).toBe("Whole order");
  });

  it("formats a till timestamp as a local date and time, and leaves anything else alone", () => {
    const at = "2025-03-12T14:05:09.123+00:00";
    const shown = formatWhen(at, "en-GB");
    // The month in words, so no one reads 12/3 as 3 December.
    expect(shown).toBe(new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" }).format(new Date(at)));
    expect(shown).toMatch(/Mar 2025/);
    expect(shown).not.toContain("T14");
    expect(formatWhen("not a date")).toBe("not a date");
  });

  it("reads a till timestamp out as a day and a time, and leaves anything else alone", () => {
    const at = "2025-03-12T14:05:09.123+00:00";
    const shown = formatDayTime(at, "en-GB");
    expect(shown).toMatch(/^(Tue|Wed|Thu)\b.*\b1[123] Mar 2025\b.*\b\d\d:\d\d$/); // the punctuation is the locale data's
    expect(formatDayTime("not a date")).toBe("not a date");
  });
});

describe("a receipt number", () => {
  it("is a till id of letters and digits (up to 16), a dash and the sale's number", () => {
    for (const code of ["T1-000042", "t1-42", "TILL2-1", "ABCDEFGHIJKLMNOP-123456789"]) expect(looksLikeReceipt(code), code).toBe(true);
    for (const code of ["", "T1", "000042", "T1-", "-000042", "T1-00A042", "T1_000042", "T 1-000042", "T1-000042 ", "ABCDEFGHIJKLMNOPQ-1", "T1-1234567890", "T-1-2"]) {
      expect(looksLikeReceipt(code), code).toBe(false);
    }
  });

  it("sums its sale up in one line: when, the total with its currency, and the status in words", () => {
    const sale = { receipt: "T1-000042", created_at: "2026-12-07T10:15:00.000+00:00", currency: "GBP", total: 1250, status: "partially_refunded" as const };
    expect(receiptSummary(sale, 2)).toBe(`Receipt T1-000042 — ${formatDayTime(sale.created_at)}, total GBP 12.50, partially refunded`);
  });
});

describe("what can be done to an order", () => {
  it("voids only a paid order with nothing refunded", () => {
    expect(canVoid({ status: "paid", refunded_total: 0, refunds: [] })).toBe(true);
    expect(canVoid({ status: "paid", refunded_total: 50, refunds: [] })).toBe(false);
    expect(canVoid({ status: "partially_refunded", refunded_total: 50, refunds: [] })).toBe(false);
    expect(canVoid({ status: "voided", refunded_total: 0, refunds: [] })).toBe(false);
  });

  it("refunds paid and partially refunded orders only", () => {
    expect(canRefund({ status: "paid" })).toBe(true);
    expect(canRefund({ status: "partially_refunded" })).toBe(true);
    expect(canRefund({ status: "refunded" })).toBe(false);
    expect(canRefund({ status: "voided" })).toBe(false);
  });

  it("counts the units left to refund on a line", () => {
    expect(refundableQuantity(line(1, "A", 3, 1))).toBe(2);
    expect(refundableQuantity(line(1, "A", 3, 3))).toBe(0);
    expect(refundableLines(order([line(1, "A", 3, 3), line(2, "B", 1)])).map((l) => l.sku)).toEqual(["B"]);
  });

  it("updates the list row of the order that changed, and only that one", () => {
    const row: OrderSummary = {
      id: "o1", receipt: "T1-000001", status: "paid", currency: "GBP", total: 500, refunded_total: 0,
      customer_id: null, customer_name: "Ann", created_at: "2025-01-01T10:00:00.000+00:00",
    };
    const changed = { id: "o1", status: "partially_refunded", total: 500, refunded_total: 200 } as OrderView;
    expect(rowFromOrder(row, changed)).toMatchObject({ status: "partially_refunded", refunded_total: 200, customer_name: "Ann" });
    expect(rowFromOrder({ ...row, id: "o2" }, changed).status).toBe("paid");
  });
});

describe("the list", () => {
  it("sends blanks as null and trims what was typed", () => {
    expect(toOrderFilter({ text: "  42 ", status: "", from: "2025-01-01", to: " " })).toEqual({
      text: "42", status: null, from: "2025-01-01", to: null,
    });
  });

  it("catches a last day before the first day", () => {
    expect(filterProblem({ text: "", status: "", from: "2025-02-01", to: "2025-01-31" })?.field).toBe("to");
    expect(filterProblem({ text: "", status: "", from: "2025-01-31", to: "2025-01-31" })).toBeNull();
    expect(filterProblem({ text: "", status: "", from: "", to: "2025-01-31" })).toBeNull();
  });

  it("pages by fetching one more row than it shows", () => {
    expect(splitPage([1, 2, 3, 4], 3)).toEqual({ rows: [1, 2, 3], more: true });
    expect(splitPage([1, 2, 3], 3)).toEqual({ rows: [1, 2, 3], more: false });
    expect(olderOffset(50, 50)).toBe(100);
    expect(newerOffset(50, 50)).toBe(0);
    expect(newerOffset(20, 50)).toBe(0);
    expect(pageLabel(50, 50)).toBe("Orders 51–100");
    expect(pageLabel(0, 0)).toBe("No orders");
  });
});

describe("the refund form", () => {
  const lines = [line(1, "MILK", 3, 1), line(2, "BREAD", 1), line(3, "MILK", 2)];

  it("asks for the whole order with no amount and no lines", () => {
    expect(buildRefund(order(lines), form({ mode: "whole", restock: true }, lines))).toEqual({
      input: { amount: null, lines: [], restock: true },
    });
  });

  it("starts on the whole order with every quantity at 0 and stock not put back", () => {
    expect(newRefundForm(order(lines))).toEqual({ mode: "whole", quantities: { 1: "", 2: "", 3: "" }, amount: "", restock: false });
  });

  it("sends an amount as typed and never asks to restock with it", () => {
    expect(buildRefund(order(lines), form({ mode: "amount", amount: " 2.50 ", restock: true }, lines))).toEqual({
      input: { amount: "2.50", lines: [], restock: false },
    });
    expect(buildRefund(order(lines), form({ mode: "amount", amount: "" }, lines))).toEqual({
      problems: [{ field: "amount", message: "Enter the amount to refund." }],
    });
  });

  it("adds up quantities by SKU and leaves out lines at 0", () => {
    const f = form({ mode: "lines", quantities: { 1: "2", 2: "0", 3: "1" }, restock: true }, lines);
    expect(buildRefund(order(lines), f)).toEqual({ input: { amount: null, lines: [{ sku: "MILK", quantity: 3 }], restock: true } });
  });

  it("refuses lines mode with nothing chosen rather than refunding the whole order", () => {
    const result = buildRefund(order(lines), form({ mode: "lines" }, lines));
    expect(result).toEqual({ problems: [{ field: "lines", message: "Choose how many of at least one item to refund." }] });
  });

  it("puts a bad quantity next to its line", () => {
    const f = form({ mode: "lines", quantities: { 1: "3", 2: "1.5", 3: "-1" } }, lines);
    const result = buildRefund(order(lines), f);
    expect("problems" in result && result.problems.map((p) => p.field)).toEqual(["quantity-1", "quantity-2", "quantity-3"]);
    expect("problems" in result && result.problems[0].message).toBe("At most 2 can be refunded.");
  });

  it("reads a quantity as a whole number within range", () => {
    expect(readQuantity("", 2)).toEqual({ quantity: 0 });
    expect(readQuantity(" 2 ", 2)).toEqual({ quantity: 2 });
    expect(readQuantity("3", 2)).toEqual({ message: "At most 2 can be refunded." });
    expect(readQuantity("1", 0)).toEqual({ message: "Nothing left to refund on this line." });
    expect(readQuantity("1e1", 20)).toEqual({ message: "Enter a whole number of items." });
    expect(readQuantity("two", 2)).toEqual({ message: "Enter a whole number of items." });
  });

  it("places the till's refusals next to the field they name", () => {
    expect(refundErrorField({ code: "invalid_input", message: "amount: not a number" }, "amount")).toBe("amount");
    expect(refundErrorField({ code: "refund_exceeds_paid", message: "a refund of 9.00 is more than the 5.00 still refundable" }, "amount")).toBe("amount");
    expect(refundErrorField({ code: "invalid_input", message: "restock: an amount refund returns no goods" }, "amount")).toBe("restock");
    expect(refundErrorField({ code: "refund_invalid", message: "only 1 of MILK can still be refunded, not 2" }, "lines")).toBe("lines");
    expect(refundErrorField({ code: "invalid_input", message: "quantity: must be at least 1" }, "lines")).toBe("lines");
    expect(refundErrorField({ code: "wrong_state", message: "order T1-000001 is refunded and cannot be refunded" }, "whole")).toBeNull();
    expect(refundErrorField({ code: "refund_exceeds_paid", message: "a refund of 9.00 is more than 5.00" }, "whole")).toBeNull();
  });
});

describe("the shop's locale", () => {
  it("writes every date and time as the shop does, whatever the computer's", async () => {
    const { useLocale } = await import("./locale");
    const at = "2026-12-06T18:21:00.000+00:00";
    useLocale("de-DE");
    expect(formatWhen(at)).toBe(new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeStyle: "short" }).format(new Date(at)));
    useLocale("en-US");
    expect(formatWhen(at)).toMatch(/^Dec 6, 2026/);
    useLocale(null);
  });
});

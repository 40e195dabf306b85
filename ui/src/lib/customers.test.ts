import { describe, expect, it } from "vitest";
import { formatDay, formatWhen, kindLabel, ledgerTotals, newCustomerInput, signedPoints, withAdded } from "./customers";
import type { Customer, PointsEntry } from "./types";

const entry = (kind: string, points: number, balance_after: number): PointsEntry => ({
  at: "2025-03-12T14:03:11.123+00:00", kind, points, balance_after, order_id: "o1", receipt: "T1-000001", note: null,
});

const customer = (id: number, name: string): Customer => ({
  id, name, email: null, phone: null, card_uid: null, points_balance: 0, created_at: "2025-01-02T09:00:00+00:00", erased_at: null,
});

describe("kindLabel", () => {
  it("puts the till's kinds into words", () => {
    expect(kindLabel("earn")).toBe("Earned on a sale");
    expect(kindLabel("redeem")).toBe("Spent on a sale");
    expect(kindLabel("return_redeem")).toBe("Spent points given back");
    expect(kindLabel("reverse_earn")).toBe("Earned points taken back");
  });
  it("shows a kind it does not know as it is", () => {
    expect(kindLabel("adjustment")).toBe("adjustment");
  });
});

describe("ledgerTotals", () => {
  it("nets refunds and voids out of earned and spent, so the totals meet the balance", () => {
    // Newest first, as the till sends it.
    const ledger = [
      entry("reverse_earn", -3, 57),
      entry("return_redeem", 50, 60),
      entry("redeem", -50, 10),
      entry("earn", 25, 60),
      entry("earn", 35, 35),
    ];
    const t = ledgerTotals(ledger);
    expect(t).toEqual({ earned: 57, spent: 0, other: 0 });
    expect(t.earned - t.spent + t.other).toBe(ledger[0].balance_after);
  });
  it("counts spending and unknown kinds apart", () => {
    const t = ledgerTotals([entry("bonus", 5, 15), entry("redeem", -20, 10), entry("earn", 30, 30)]);
    expect(t).toEqual({ earned: 30, spent: 20, other: 5 });
  });
  it("is all zero for an empty history", () => {
    expect(ledgerTotals([])).toEqual({ earned: 0, spent: 0, other: 0 });
  });
});

describe("display helpers", () => {
  it("signs points", () => {
    expect(signedPoints(12)).toBe("+12");
    expect(signedPoints(-5)).toBe("−5");
    expect(signedPoints(0)).toBe("0");
  });
  it("shows the till's timestamps in the shop's way of writing dates", () => {
    // The shop's way of writing dates, the month in words: never ISO, never 03/12 for 12 March.
    expect(formatDay("2025-03-12T23:59:11.123+01:00", "en-GB")).toBe("12 Mar 2025");
    expect(formatDay("2025-03-12T14:03:11.123+01:00", "en-US")).toBe("Mar 12, 2025");
    expect(formatDay("2025-03-12T14:03:11.123+01:00", "de-DE")).toBe("12.03.2025");
    expect(formatDay("sometime")).toBe("sometime");
    expect(formatWhen("2025-03-12T14:03:11.123+00:00", "en-GB")).toMatch(/^12 Mar 2025, \d{2}:\d{2}$/);
    expect(formatWhen("yesterday")).toBe("yesterday");
  });
  it("sends the sign-up form trimmed, with empty contact details left out", () => {
    expect(newCustomerInput({ name: "  Ann Lee ", email: " ", phone: " 07700 900123 " })).toEqual({
      name: "Ann Lee", email: null, phone: "07700 900123",
    });
  });
  it("puts a new customer first, once", () => {
    const list = [customer(1, "A"), customer(2, "B")];
    expect(withAdded(list, customer(2, "B")).map((c) => c.id)).toEqual([2, 1]);
    expect(withAdded(list, customer(3, "C")).map((c) => c.id)).toEqual([3, 1, 2]);
  });
});

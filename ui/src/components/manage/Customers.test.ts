// @vitest-environment jsdom
// The customers screen against a stubbed till: search, sign-up and a customer's points history.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Customer, CustomerDetail } from "../../lib/types";
import {
  $, $$, cleanupScreen, click, deferred, fakeTimeouts, input, installDialogPolyfill, mountScreen, resetMocks,
  settle, testShop, type,
} from "../../test/screen";

const api = vi.hoisted(() => ({
  findCustomers: vi.fn(),
  addCustomer: vi.fn(),
  customerDetail: vi.fn(),
}));
vi.mock("../../lib/api", () => api);

const { default: Customers } = await import("./Customers.svelte");

const shop = testShop({ name: "Corner Shop", till_id: "TILL-1" });

const customer = (id: number, name: string, extra: Partial<Customer> = {}): Customer => ({
  id, name, email: null, phone: null, card_uid: null, points_balance: 0, created_at: "2025-01-02T09:30:00.000+00:00",
  ...extra,
});

const ann = customer(1, "Ann Lee", { email: "ann@example.com", phone: "07700 900123", card_uid: "04A1B2C3", points_balance: 57 });
const bob = customer(2, "Bob Stone");

const names = () => $$("[data-testid=customers-name]").map((e) => e.textContent);

beforeEach(() => {
  fakeTimeouts();
  resetMocks(api);
  api.findCustomers.mockResolvedValue([ann, bob]);
  installDialogPolyfill();
});

afterEach(cleanupScreen);

const start = () => mountScreen(Customers, { shop });

describe("Customers screen", () => {
  it("lists customers with their points, VIP card and member-since day", async () => {
    await start();
    expect(api.findCustomers).toHaveBeenCalledWith(null);
    const rows = $$("[data-testid=customers-row]");
    expect(rows).toHaveLength(2);
    const cells = [...rows[0].children].map((c) => c.textContent?.trim());
    expect(cells.slice(0, 6)).toEqual(["Ann Lee", "ann@example.com", "07700 900123", "57", "Yes", "2025-01-02"]);
    expect(rows[1].querySelector("[data-testid=customers-nfc]")?.textContent).toBe("No");
  });

  it("searches once typing pauses and ignores an older, slower answer", async () => {
    await start();
    const slow = deferred<Customer[]>();
    api.findCustomers.mockReturnValueOnce(slow.promise).mockResolvedValueOnce([bob]);
    const search = input("[data-testid=customers-search]");
    type(search, "a");
    type(search, "an");
    vi.advanceTimersByTime(100);
    expect(api.findCustomers).toHaveBeenCalledTimes(1); // only the opening list so far
    vi.advanceTimersByTime(200);
    expect(api.findCustomers).toHaveBeenLastCalledWith("an");
    type(search, "bob");
    vi.advanceTimersByTime(300);
    await settle();
    expect(api.findCustomers).toHaveBeenLastCalledWith("bob");
    expect(names()).toEqual(["Bob Stone"]);
    slow.resolve([ann]);
    await settle();
    expect(names()).toEqual(["Bob Stone"]);
  });

  it("says when nothing matches", async () => {
    await start();
    api.findCustomers.mockResolvedValueOnce([]);
    type(input("[data-testid=customers-search]"), "zed");
    vi.advanceTimersByTime(300);
    await settle();
    expect($("[data-testid=customers-empty]")?.textContent).toContain("zed");
  });

  it("signs up a customer, with the till's refusal next to the field and nothing typed lost", async () => {
    await start();
    await click("[data-testid=customers-add]");
    expect($("[data-testid=customer-add-dialog]")).not.toBeNull();
    type(input("[data-testid=add-customer-name]"), "Cara Diaz");
    type(input("[data-testid=add-customer-email]"), "cara@");
    type(input("[data-testid=add-customer-phone]"), "07700 900456");
    api.addCustomer.mockRejectedValueOnce({ code: "invalid_input", message: "email: 'cara@' is not an email address" });
    await click("[data-testid=add-customer-save]");
    expect(api.addCustomer).toHaveBeenCalledWith({ name: "Cara Diaz", email: "cara@", phone: "07700 900456" });
    expect($("[data-testid=add-customer-error-email]")?.textContent).toBe("'cara@' is not an email address");
    expect($("[data-testid=add-customer-error-name]")).toBeNull();
    expect(input("[data-testid=add-customer-name]").value).toBe("Cara Diaz");
    expect(input("[data-testid=add-customer-email]").value).toBe("cara@");

    const cara = customer(3, "Cara Diaz", { email: "cara@example.com", phone: "07700 900456" });
    api.addCustomer.mockResolvedValueOnce(cara);
    type(input("[data-testid=add-customer-email]"), "cara@example.com");
    await click("[data-testid=add-customer-save]");
    expect($("[data-testid=customer-add-dialog]")).toBeNull();
    expect(names()).toEqual(["Cara Diaz", "Ann Lee", "Bob Stone"]);
    expect($("[data-testid=customers-status]")?.textContent).toContain("Cara Diaz");
  });

  it("opens a customer's points history in words, with balance and totals", async () => {
    const detail: CustomerDetail = {
      customer: ann,
      ledger: [
        { at: "2025-03-04T10:15:00.000+00:00", kind: "reverse_earn", points: -3, balance_after: 57, order_id: "ord-2", receipt: "T1-000002", note: null },
        { at: "2025-03-04T10:14:00.000+00:00", kind: "return_redeem", points: 50, balance_after: 60, order_id: "ord-2", receipt: "T1-000002", note: null },
        { at: "2025-03-03T16:00:00.000+00:00", kind: "redeem", points: -50, balance_after: 10, order_id: "ord-2", receipt: "T1-000002", note: null },
        { at: "2025-03-03T16:00:00.000+00:00", kind: "earn", points: 25, balance_after: 60, order_id: "ord-2", receipt: "T1-000002", note: null },
        { at: "2025-02-01T12:00:00.000+00:00", kind: "earn", points: 35, balance_after: 35, order_id: "ord-1", receipt: "T1-000001", note: null },
      ],
    };
    api.customerDetail.mockResolvedValue(detail);
    await start();
    ($$("[data-testid=customers-open]")[0]).click();
    await settle();
    expect(api.customerDetail).toHaveBeenCalledWith(1);
    expect($("[data-testid=customer-card]")).not.toBeNull();
    expect($("[data-testid=customer-card-balance]")?.textContent).toBe("57 points");
    expect($("[data-testid=customer-card-earned]")?.textContent).toBe("57");
    expect($("[data-testid=customer-card-spent]")?.textContent).toBe("0");
    expect($("[data-testid=customer-card-nfc]")?.textContent).toBe("Linked");
    const rows = $$("[data-testid=ledger-row]");
    expect(rows.map((r) => r.querySelector("[data-testid=ledger-kind]")?.textContent?.trim())).toEqual([
      "Earned points taken back", "Spent points given back", "Spent on a sale", "Earned on a sale", "Earned on a sale",
    ]);
    expect(rows.map((r) => r.querySelector("[data-testid=ledger-points]")?.textContent)).toEqual(["−3", "+50", "−50", "+25", "+35"]);
    expect(rows[0].querySelector("[data-testid=ledger-balance]")?.textContent).toBe("57");
    expect(rows[0].textContent).toContain("2025-03-04 10:15");
    expect(rows[0].querySelector(".order")?.textContent).toBe("T1-000002");
    await click("[data-testid=customer-card-close]");
    expect($("[data-testid=customer-card]")).toBeNull();
  });

  it("shows the till's error when a search fails", async () => {
    api.findCustomers.mockRejectedValueOnce({ code: "database", message: "store error: disk I/O error" });
    await start();
    expect($("[data-testid=customers-error]")?.textContent).toBe("store error: disk I/O error");
  });
});

// @vitest-environment jsdom
// The customers screen against a stubbed till: search, sign-up, a customer's points history, and
// a manager blocking or replacing a lost VIP card.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NfcEvent } from "../../lib/api";
import type { Customer, CustomerDetail } from "../../lib/types";
import {
  $, $$, cleanupScreen, click, deferred, fakeTimeouts, input, installDialogPolyfill, mountScreen, resetMocks,
  settle, testShop, type,
} from "../../test/screen";

const api = vi.hoisted(() => ({
  findCustomers: vi.fn(),
  addCustomer: vi.fn(),
  customerDetail: vi.fn(),
  linkCard: vi.fn(),
  blockCard: vi.fn(),
  replaceCard: vi.fn(),
  editCustomer: vi.fn(),
  mergeCustomers: vi.fn(),
  eraseCustomer: vi.fn(),
  onNfc: vi.fn(),
}));
vi.mock("../../lib/api", () => api);

const { default: Customers } = await import("./Customers.svelte");

const shop = testShop({ name: "Corner Shop", till_id: "TILL-1" });

const customer = (id: number, name: string, extra: Partial<Customer> = {}): Customer => ({
  id, name, email: null, phone: null, card_uid: null, points_balance: 0, created_at: "2025-01-02T09:30:00.000+00:00", erased_at: null,
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
    expect(cells.slice(0, 6)).toEqual(["Ann Lee", "ann@example.com", "07700 900123", "57", "Yes", "Jan 2, 2025"]);
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
    expect(rows[0].textContent).toContain("Mar 4, 2025");
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

describe("VIP cards on the customers screen", () => {
  let emit: ((e: NfcEvent) => void) | null = null;
  const unlisten = vi.fn();

  beforeEach(() => {
    emit = null;
    unlisten.mockReset();
    api.customerDetail.mockImplementation(async (id: number) => ({ customer: id === 1 ? ann : bob, ledger: [] }));
    api.onNfc.mockImplementation(async (handler: (e: NfcEvent) => void) => {
      emit = handler;
      return unlisten;
    });
  });

  async function openCard(row: number, manageCards: boolean) {
    await mountScreen(Customers, { shop, manageCards });
    $$("[data-testid=customers-open]")[row].click();
    await settle();
  }

  it("shows a cashier no way to block or replace a card", async () => {
    await openCard(0, false);
    expect($("[data-testid=customer-card-nfc]")?.textContent).toBe("Linked");
    expect($("[data-testid=customer-card-block]")).toBeNull();
    expect($("[data-testid=customer-card-replace]")).toBeNull();
    expect($("[data-testid=customer-card-uid]")).toBeNull();
  });

  it("lets a manager replace a lost card with one tapped on the reader, points and all", async () => {
    const replaced = { ...ann, card_uid: "0A0B0C0D" };
    api.replaceCard.mockRejectedValueOnce({ code: "card_in_use", message: "new_uid: card 11223344 is already linked to another customer" });
    await openCard(0, true);
    expect($("[data-testid=customer-card-uid]")?.textContent).toBe("04A1B2C3");
    await click("[data-testid=customer-card-replace]");
    expect($("[data-testid=vip-card-dialog]")?.textContent).toContain("57 points");
    expect(api.onNfc).toHaveBeenCalledTimes(1);

    type(input("[data-testid=vip-card-uid]"), "11223344");
    await click("[data-testid=vip-card-confirm]");
    expect(api.replaceCard).toHaveBeenCalledWith("04A1B2C3", "11223344");
    expect($("[data-testid=vip-card-uid-error]")?.textContent).toBe("Card 11223344 is already linked to another customer");

    emit?.({ kind: "tap", reader: "ACS ACR122U 00 00", uid: "0A0B0C0D" });
    await settle();
    expect(input("[data-testid=vip-card-uid]").value).toBe("0A0B0C0D");
    expect($("[data-testid=vip-card-uid-error]")).toBeNull();

    api.replaceCard.mockResolvedValue(replaced);
    api.customerDetail.mockResolvedValue({ customer: replaced, ledger: [] });
    await click("[data-testid=vip-card-confirm]");
    expect(api.replaceCard).toHaveBeenLastCalledWith("04A1B2C3", "0A0B0C0D");
    expect($("[data-testid=vip-card-dialog]")).toBeNull();
    expect(unlisten).toHaveBeenCalledTimes(1);
    expect($("[data-testid=customer-card-uid]")?.textContent).toBe("0A0B0C0D");
    expect($("[data-testid=customer-card-status]")?.textContent).toContain("old one is blocked");
  });

  it("lets a manager block a lost card with a reason after confirming", async () => {
    api.blockCard.mockResolvedValue({ uid: "04A1B2C3", customer_id: 1, blocked_at: "2025-03-14T10:00:00.000+00:00", blocked_by: "Morgan", reason: "lost" });
    await openCard(0, true);
    await click("[data-testid=customer-card-block]");
    expect($("[data-testid=block-card-question]")?.textContent).toContain("Ann Lee keeps their 57 points");
    type(input("[data-testid=block-card-reason]"), " lost ");
    api.customerDetail.mockResolvedValue({ customer: { ...ann, card_uid: null }, ledger: [] });
    await click("[data-testid=vip-card-confirm]");
    expect(api.blockCard).toHaveBeenCalledWith("04A1B2C3", "lost");
    expect($("[data-testid=vip-card-dialog]")).toBeNull();
    expect($("[data-testid=customer-card-nfc]")?.textContent).toBe("Not linked");
    await click("[data-testid=customer-card-close]");
    const row = $$("[data-testid=customers-row]")[0];
    expect(row.querySelector("[data-testid=customers-nfc]")?.textContent).toBe("No");
  });

  it("gives a card to a customer who has none", async () => {
    api.linkCard.mockResolvedValue({ ...bob, card_uid: "0A0B0C0D" });
    await openCard(1, false);
    await click("[data-testid=customer-card-link]");
    await click("[data-testid=vip-card-confirm]");
    expect($("[data-testid=vip-card-uid-error]")?.textContent).toBe("Tap the new card on the reader or type its UID");
    expect(api.linkCard).not.toHaveBeenCalled();
    emit?.({ kind: "tap", reader: "ACS ACR122U 00 00", uid: "0A0B0C0D" });
    await settle();
    await click("[data-testid=vip-card-confirm]");
    expect(api.linkCard).toHaveBeenCalledWith(2, "0A0B0C0D");
    expect($("[data-testid=vip-card-dialog]")).toBeNull();
  });
});

describe("A customer corrected, merged and erased", () => {
  beforeEach(() => {
    api.customerDetail.mockImplementation(async (id: number) => ({ customer: id === 1 ? ann : bob, ledger: [] }));
  });

  async function openAnn() {
    await mountScreen(Customers, { shop, manageCards: true });
    $$("[data-testid=customers-open]")[0].click();
    await settle();
  }

  it("corrects the details, an emptied phone taken off", async () => {
    await openAnn();
    await click("[data-testid=customer-edit]");
    expect(input("[data-testid=customer-edit-name]").value).toBe("Ann Lee");
    type(input("[data-testid=customer-edit-name]"), "Ann Leigh");
    type(input("[data-testid=customer-edit-phone]"), "");
    api.editCustomer.mockResolvedValue({ ...ann, name: "Ann Leigh", phone: null });
    await click("[data-testid=customer-edit-save]");
    expect(api.editCustomer).toHaveBeenCalledWith(1, { name: "Ann Leigh", email: "ann@example.com", phone: "" });
    expect($("[data-testid=customer-card-status]")?.textContent).toBe("The details are saved.");
  });

  it("merges a duplicate found by search into this record", async () => {
    const twin = customer(3, "Ann Lee (old)", { points_balance: 12 });
    await openAnn();
    await click("[data-testid=customer-merge]");
    api.findCustomers.mockResolvedValue([ann, twin]);
    type(input("[data-testid=merge-search]"), "Ann");
    input("[data-testid=merge-search]").form!.requestSubmit();
    await settle();
    const choices = $$("[data-testid=merge-choice]");
    expect(choices.map((c) => c.dataset.id)).toEqual(["3"]);
    expect(($("[data-testid=merge-confirm]") as HTMLButtonElement).disabled).toBe(true);
    (choices[0] as HTMLInputElement).click();
    await settle();
    api.mergeCustomers.mockResolvedValue({ ...ann, points_balance: 69 });
    await click("[data-testid=merge-confirm]");
    expect(api.mergeCustomers).toHaveBeenCalledWith(1, 3);
    expect($("[data-testid=customer-card-status]")?.textContent).toContain("merged into this record");
  });

  it("erases only once confirmed, and says what stays", async () => {
    await openAnn();
    await click("[data-testid=customer-erase]");
    expect(api.eraseCustomer).not.toHaveBeenCalled();
    expect($("[data-testid=customer-card]")?.textContent).toContain("57 points stay under number 1");
    api.eraseCustomer.mockResolvedValue({ ...ann, name: "Erased customer 1", email: null, phone: null, card_uid: null, erased_at: "2026-12-07T09:00:00Z" });
    api.customerDetail.mockResolvedValue({ customer: { ...ann, name: "Erased customer 1", email: null, phone: null, card_uid: null, erased_at: "2026-12-07T09:00:00Z" }, ledger: [] });
    await click("[data-testid=erase-confirm]");
    expect(api.eraseCustomer).toHaveBeenCalledWith(1);
    expect($("[data-testid=customer-erased]")?.textContent).toContain("Personal data erased");
    expect($("[data-testid=customer-edit]")).toBeNull();
  });
});

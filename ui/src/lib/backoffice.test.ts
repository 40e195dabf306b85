// Which back-office screens the person signed in may open (Manage's tabs, and the sell screen's way to a past order).
import { describe, expect, it } from "vitest";
import { actorMay, mayOpen, offersTab, type Tab } from "./backoffice";

const TABS: Tab[] = ["reports", "orders", "catalog", "customers", "settings", "staff", "payments", "shifts"];
const open = (role: "cashier" | "manager" | "admin") => TABS.filter((t) => mayOpen({ role }, t));

describe("the back office's screens", () => {
  it("opens Orders (the receipt in hand) and Customers to a cashier, nothing else", () => {
    expect(open("cashier")).toEqual(["orders", "customers"]);
  });

  it("opens every screen to a manager and an admin, and to anyone on a till without staff", () => {
    expect(open("manager")).toEqual(TABS);
    expect(open("admin")).toEqual(TABS);
    expect(TABS.filter((t) => mayOpen(null, t))).toEqual(TABS);
  });

  it("does not offer a cashier the Shifts tab (the expected cash), and shows other refused tabs", () => {
    expect(TABS.filter((t) => !offersTab({ role: "cashier" }, t))).toEqual(["shifts"]);
    expect(offersTab({ role: "manager" }, "shifts")).toBe(true);
    expect(offersTab(null, "shifts")).toBe(true);
  });

  it("says what the person signed in may do as their role allows", () => {
    expect(actorMay({ role: "cashier" }, "read_reports")).toBe(false);
    expect(actorMay({ role: "manager" }, "read_reports")).toBe(true);
    expect(actorMay(null, "manage_keys")).toBe(true);
  });
});

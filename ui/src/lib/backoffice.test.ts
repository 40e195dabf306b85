// Which back-office screens the person signed in may open (Manage's tabs, and the sell screen's way to a past order).
import { describe, expect, it } from "vitest";
import { actorMay, mayOpen, type Tab } from "./backoffice";

const TABS: Tab[] = ["reports", "orders", "catalog", "customers", "settings", "staff", "payments"];
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

  it("says what the person signed in may do as their role allows", () => {
    expect(actorMay({ role: "cashier" }, "read_reports")).toBe(false);
    expect(actorMay({ role: "manager" }, "read_reports")).toBe(true);
    expect(actorMay(null, "manage_keys")).toBe(true);
  });
});

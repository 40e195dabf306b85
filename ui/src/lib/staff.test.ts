import { afterEach, describe, expect, it, vi } from "vitest";
import { approvers, describePermission, leastRole, pinProblem, provideApprovals, refusedPermission, roleAllows, withApproval } from "./staff";
import type { Permission } from "./types";

const ALL: Permission[] = [
  "sell", "take_cash", "link_customer", "add_customer", "park_sale", "large_discount", "refund", "void",
  "override_price", "manage_vip_cards", "read_reports", "edit_catalog", "manage_cashiers", "manage_managers", "change_settings", "manage_keys", "no_sale", "manage_cash", "manage_customers",
];

describe("roleAllows (the till's permission table)", () => {
  it("lets a cashier sell, take cash, link and add customers and park sales, nothing else", () => {
    expect(ALL.filter((p) => roleAllows("cashier", p))).toEqual(["sell", "take_cash", "link_customer", "add_customer", "park_sale"]);
  });
  it("lets a manager do everything but settings, payment keys and managing managers", () => {
    expect(ALL.filter((p) => !roleAllows("manager", p))).toEqual(["manage_managers", "change_settings", "manage_keys"]);
  });
  it("lets an admin do everything", () => {
    expect(ALL.every((p) => roleAllows("admin", p))).toBe(true);
  });
  it("names the least role for a permission", () => {
    expect(leastRole("sell")).toBe("cashier");
    expect(leastRole("refund")).toBe("manager");
    expect(leastRole("change_settings")).toBe("admin");
  });
});

describe("approvers", () => {
  const staff = [
    { name: "Avery", role: "admin" as const },
    { name: "Morgan", role: "manager" as const },
    { name: "Casey", role: "cashier" as const },
  ];
  it("lists managers and admins for a refund", () => {
    expect(approvers(staff, "refund").map((s) => s.name)).toEqual(["Avery", "Morgan"]);
  });
  it("lists only admins for a settings change", () => {
    expect(approvers(staff, "change_settings").map((s) => s.name)).toEqual(["Avery"]);
  });
});

describe("refusedPermission", () => {
  it("reads the permission from a not_permitted refusal only", () => {
    expect(refusedPermission({ code: "not_permitted", message: "no", permission: "refund" })).toBe("refund");
    expect(refusedPermission({ code: "not_permitted", message: "no" })).toBeNull();
    expect(refusedPermission({ code: "wrong_pin", message: "no", permission: "refund" })).toBeNull();
    expect(refusedPermission(null)).toBeNull();
  });
  it("describes permissions in words", () => {
    expect(describePermission("refund")).toBe("a refund");
  });
});

describe("withApproval", () => {
  let stop: (() => void) | null = null;
  afterEach(() => stop?.());
  const refusal = { code: "not_permitted", message: "cashiers may not refund an order", permission: "refund" };

  it("passes an allowed action's answer through without asking", async () => {
    const ask = vi.fn();
    stop = provideApprovals(ask);
    await expect(withApproval(async () => 42)).resolves.toBe(42);
    expect(ask).not.toHaveBeenCalled();
  });

  it("asks for the refused permission and runs the action again once approved", async () => {
    const ask = vi.fn().mockResolvedValue(true);
    stop = provideApprovals(ask);
    const action = vi.fn().mockRejectedValueOnce(refusal).mockResolvedValueOnce("done");
    await expect(withApproval(action)).resolves.toBe("done");
    expect(ask).toHaveBeenCalledWith("refund", undefined);
    expect(action).toHaveBeenCalledTimes(2);
  });

  it("retries only once: a second refusal comes back as the till's error", async () => {
    const ask = vi.fn().mockResolvedValue(true);
    stop = provideApprovals(ask);
    const action = vi.fn().mockRejectedValue(refusal);
    await expect(withApproval(action)).rejects.toEqual(refusal);
    expect(action).toHaveBeenCalledTimes(2);
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it("gives the refusal back when the approval is cancelled", async () => {
    stop = provideApprovals(vi.fn().mockResolvedValue(false));
    const action = vi.fn().mockRejectedValue(refusal);
    await expect(withApproval(action)).rejects.toEqual(refusal);
    expect(action).toHaveBeenCalledTimes(1);
  });

  it("does not ask about other failures", async () => {
    const ask = vi.fn();
    stop = provideApprovals(ask);
    await expect(withApproval(() => Promise.reject({ code: "invalid_input", message: "price: bad" }))).rejects.toMatchObject({ code: "invalid_input" });
    expect(ask).not.toHaveBeenCalled();
  });
});

describe("pinProblem", () => {
  it("takes 4 to 8 digits", () => {
    expect(pinProblem("1234")).toBeNull();
    expect(pinProblem("12345678")).toBeNull();
    expect(pinProblem("123")).not.toBeNull();
    expect(pinProblem("123456789")).not.toBeNull();
    expect(pinProblem("12a4")).not.toBeNull();
    expect(pinProblem("")).not.toBeNull();
  });
});

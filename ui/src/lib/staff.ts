// Who may do what at the till, and asking a manager to approve one action with their PIN.
// The till decides every permission; the table here only says whom to ask and which screens to
// offer, and mirrors crates/core/src/staff.rs (Role::allows).

import type { CommandError, Permission, Role, StaffName } from "./types";

/** What a cashier may do on their own. */
const CASHIER: readonly Permission[] = ["sell", "take_cash", "link_customer", "add_customer", "park_sale"];
/** What only an admin may do. */
const ADMIN_ONLY: readonly Permission[] = ["change_settings", "manage_keys", "manage_managers"];

/** Whether someone with `role` may do `permission`. */
export function roleAllows(role: Role, permission: Permission): boolean {
  switch (role) {
    case "admin":
      return true;
    case "manager":
      return !ADMIN_ONLY.includes(permission);
    case "cashier":
      return CASHIER.includes(permission);
  }
}

/** The staff on the lock screen who could approve `permission`. */
export function approvers(staff: readonly StaffName[], permission: Permission): StaffName[] {
  return staff.filter((s) => roleAllows(s.role, permission));
}

/** The least role that may do `permission`, as the approval dialog names it. */
export function leastRole(permission: Permission): Role {
  return (["cashier", "manager", "admin"] as const).find((r) => roleAllows(r, permission)) ?? "admin";
}

const WHAT: Record<Permission, string> = {
  sell: "sell",
  take_cash: "take cash",
  link_customer: "link a VIP customer to a sale",
  add_customer: "sign up a VIP customer",
  park_sale: "park and resume sales",
  large_discount: "a discount above the cashier limit",
  refund: "a refund",
  void: "voiding an order",
  override_price: "changing a price",
  manage_vip_cards: "blocking or replacing a VIP card",
  read_reports: "reports and past orders",
  edit_catalog: "changing the catalog",
  manage_cashiers: "managing cashiers",
  manage_managers: "managing managers and admins",
  change_settings: "changing the shop's settings",
  manage_keys: "setting up payment keys",
  no_sale: "opening the cash drawer with no sale",
  manage_cash: "paying cash in or out, or a drawer over or short",
  manage_customers: "merging or erasing customers",
};

/** What a permission lets someone do, in shop-floor words. */
export function describePermission(permission: Permission): string {
  return WHAT[permission] ?? permission.replace(/_/g, " ");
}

export const ROLE_LABELS: Record<Role, string> = { cashier: "Cashier", manager: "Manager", admin: "Admin" };

/** A refusal the till would let a manager approve: `not_permitted` naming the permission. */
export function refusedPermission(e: unknown): Permission | null {
  const err = e as Partial<CommandError> | null;
  return err && err.code === "not_permitted" && typeof err.permission === "string" ? err.permission : null;
}

/**
 * Asks for an approval of `permission` (the approval dialog does it); resolves true once someone
 * who may has approved it with their PIN, false when it was cancelled.
 */
export type ApprovalAsker = (permission: Permission, what?: string) => Promise<boolean>;

let asker: ApprovalAsker | null = null;

/** Puts the dialog that asks for approvals in place; returns how to take it away again. */
export function provideApprovals(a: ApprovalAsker): () => void {
  asker = a;
  return () => {
    if (asker === a) asker = null;
  };
}

/**
 * Runs `action`; when the till refuses it for a missing permission, asks for a manager's approval
 * (showing them `what`: the line, the amount, the percentage being approved) and, once approved,
 * runs it again once. A second refusal, a cancelled approval or any other
 * failure rejects with the till's error, as the action alone would have.
 */
export async function withApproval<T>(action: () => Promise<T>, what?: string): Promise<T> {
  try {
    return await action();
  } catch (e) {
    const permission = refusedPermission(e);
    if (permission === null || asker === null) throw e;
    const approved = await asker(permission, what);
    if (!approved) throw e;
    return await action();
  }
}

/** Digits only, 4 to 8 of them: a PIN the till will take (it checks again). */
export function pinProblem(pin: string): string | null {
  if (pin === "") return "Type a PIN of 4 to 8 digits";
  if (!/^\d+$/.test(pin)) return "A PIN is digits only";
  if (pin.length < 4 || pin.length > 8) return "A PIN has 4 to 8 digits";
  return null;
}

// The back office's screens and who may open which. The till decides every permission; this only
// says which screens to offer: Manage's tabs, and whether the sell screen can send the person
// signed in straight to a past order (a scanned receipt, for a return).

import { roleAllows } from "./staff";
import type { Actor, Permission } from "./types";

export type Tab = "reports" | "orders" | "catalog" | "customers" | "settings" | "staff" | "payments" | "shifts";

/**
 * What a screen needs to be opened, and how the refusal names it. Orders is open to everyone: a
 * cashier finds the receipt in hand (not the list), and a refund asks a manager's PIN.
 */
export const NEEDS: Partial<Record<Tab, { permission: Permission; what: string }>> = {
  reports: { permission: "read_reports", what: "Reports" },
  catalog: { permission: "edit_catalog", what: "The catalog" },
  settings: { permission: "read_reports", what: "Settings" },
  staff: { permission: "manage_cashiers", what: "The staff list" },
  payments: { permission: "read_reports", what: "Card payments" },
  shifts: { permission: "read_reports", what: "Shifts" },
};

/**
 * Screens not even offered to those who may not open them: Shifts shows the cash a drawer should
 * hold, which a blind count keeps from the cashier (their shift is run from the sell screen).
 */
export const HIDDEN_UNLESS_ALLOWED: readonly Tab[] = ["shifts"];

/** Whether `actor` may do `permission`; null: a till without staff, where everything is open. */
export function actorMay(actor: Pick<Actor, "role"> | null, permission: Permission): boolean {
  return actor === null || roleAllows(actor.role, permission);
}

/** Whether the back office shows `actor` the tab of `tab` (refused screens show who may open them). */
export function offersTab(actor: Pick<Actor, "role"> | null, tab: Tab): boolean {
  return !HIDDEN_UNLESS_ALLOWED.includes(tab) || mayOpen(actor, tab);
}

/** Whether `actor` may open the screen `tab`. */
export function mayOpen(actor: Pick<Actor, "role"> | null, tab: Tab): boolean {
  const need = NEEDS[tab];
  return !need || actorMay(actor, need.permission);
}

// Card payments at the till: the shapes the card commands take and return, and what the screens
// say about them. The till runs the payment (reader, capture, reconciliation); this only words it.
// The types are written here by hand and the till's Rust types carry the same names and fields.

import type { OrderView, PaymentView, TenderInput } from "./types";

/** Which Stripe account the till takes cards with; null: cards cannot be taken at all. */
export type PaymentsMode = "demo" | "test" | "live";

export type ReaderState = "online" | "offline" | "busy" | "unknown";

/** A card reader registered to the shop's account. */
export type ReaderView = {
  id: string;
  label: string | null;
  device_type: string;
  serial_number: string;
  /** A LocationView id. */
  location: string | null;
  state: ReaderState;
  /** A simulated reader (demo and test mode): test cards are presented from the till. */
  simulated: boolean;
  /** The reader this till takes cards on. */
  chosen: boolean;
};

export type LocationView = { id: string; display_name: string };

/** Whether cards can be taken now, and how many card payments wait to be settled. */
export type PaymentsStatus = {
  mode: PaymentsMode | null;
  reader: ReaderView | null;
  /** Why cards cannot be taken now, e.g. "no reader chosen"; null when they can. */
  problem: string | null;
  in_doubt: number;
};

export type CardStage = "starting" | "waiting_for_card" | "capturing";

/** Sent on the progress channel while a card payment runs. */
export type CardProgress = {
  stage: CardStage;
  message: string;
  reader: string | null;
  payment_id: string | null;
};

/** How a card payment ended. */
export type CardOutcome =
  | { outcome: "paid"; order: OrderView }
  | { outcome: "declined"; payment_id: string; message: string; code: string | null }
  | { outcome: "canceled"; payment_id: string; message: string }
  | { outcome: "in_doubt"; payment_id: string; message: string };

/** The cards a simulated reader can be shown. */
export type TestCard = "approved" | "declined" | "insufficient_funds" | "lost_card" | "expired";

export type SetupStatus = "ok" | "warn" | "fail" | "skip";

export type SetupCheck = {
  id: string;
  title: string;
  status: SetupStatus;
  detail: string;
  fix: string | null;
};

export type SetupReport = { ok: boolean; checks: SetupCheck[] };

/** A card payment whose end the till does not know yet (the reader or Stripe went quiet). */
export type InDoubtPayment = {
  payment_id: string;
  order_id: string;
  receipt: string;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  /** ISO time. */
  since: string;
};

export type ReconcileLine = {
  receipt: string;
  payment_id: string;
  outcome: "paid" | "failed" | "in_doubt";
  detail: string;
};

export type ReconcileReport = { settled: ReconcileLine[]; remaining: number };

/** A payment as a receipt shows it (the card fields are null on cash and points). */
export type ReceiptPayment = PaymentView;

// --- words for the screens -------------------------------------------------------------------

/** The pill in the sell screen's header: none in live mode (nor when cards are off). */
export function modeMark(mode: PaymentsMode | null | undefined): string | null {
  if (mode === "demo") return "DEMO CARD READER";
  if (mode === "test") return "TEST MODE";
  return null;
}

/** The mark beside a card payment on a receipt. */
export function paymentModeMark(p: ReceiptPayment): string | null {
  if (p.mode === "demo") return "DEMO";
  if (p.mode === "test") return "TEST";
  return null;
}

/** Whether the planned tenders include a card (then the sale goes through the card dialog). */
export function hasCardTender(tenders: readonly TenderInput[]): boolean {
  return tenders.some((t) => t.kind === "card");
}

/** Whether the cashier can offer a card now, and if not, why (shown beside the Card button). */
export function cardUnavailable(status: PaymentsStatus | null | undefined): string | null {
  if (!status) return "Card payments are not available: the till did not say whether a reader is ready";
  if (status.mode === null) return status.problem ?? "Card payments are not set up on this till";
  return status.problem;
}

/** Test cards are presented from the till only on a simulated reader in demo or test mode. */
export function canPresentTestCards(status: PaymentsStatus | null | undefined): boolean {
  return !!status && (status.mode === "demo" || status.mode === "test") && !!status.reader?.simulated;
}

/** The test cards in the order the card dialog offers them: the approved card first. */
export const TEST_CARDS: readonly { card: TestCard; label: string }[] = [
  { card: "approved", label: "Approved card" },
  { card: "declined", label: "Declined" },
  { card: "insufficient_funds", label: "Insufficient funds" },
  { card: "lost_card", label: "Lost card" },
  { card: "expired", label: "Expired card" },
];

/** A reader's name for people: its label, else its serial number. */
export function readerName(r: Pick<ReaderView, "label" | "serial_number" | "id">): string {
  const label = r.label?.trim();
  if (label) return label;
  return r.serial_number || r.id;
}

export const READER_STATE_LABELS: Record<ReaderState, string> = {
  online: "Online",
  offline: "Offline",
  busy: "Busy",
  unknown: "Unknown",
};

/** What the card dialog says while the payment runs: the till's words, else the stage's own. */
export function progressText(p: CardProgress | null): string {
  if (p && p.message.trim() !== "") return p.message;
  const on = p?.reader ? ` on ${p.reader}` : "";
  switch (p?.stage) {
    case "waiting_for_card":
      return `Present the card${on}`;
    case "capturing":
      return "Taking the payment…";
    default:
      return `Sending the amount to ${p?.reader ?? "the reader"}…`;
  }
}

/** Whether the cashier may still cancel: not once the card has been read and is being captured. */
export function canCancel(p: CardProgress | null): boolean {
  return p?.stage !== "capturing";
}

/** "1 card payment in doubt", "3 card payments in doubt". */
export function inDoubtLabel(n: number): string {
  return `${n} card payment${n === 1 ? "" : "s"} in doubt`;
}

/** A payment's name on a receipt: "Card visa •••• 4242" for a card with its details, else the tender. */
export function paymentLabel(p: ReceiptPayment): string {
  if (p.tender !== "card") return p.tender;
  const brand = p.card_brand?.trim();
  const last4 = p.card_last4?.trim();
  return ["Card", brand || null, last4 ? `•••• ${last4}` : null].filter((s) => s !== null).join(" ");
}

export const SETUP_ICONS: Record<SetupStatus, string> = { ok: "✓", warn: "!", fail: "✕", skip: "–" };
export const SETUP_STATUS_LABELS: Record<SetupStatus, string> = {
  ok: "Passed",
  warn: "Warning",
  fail: "Failed",
  skip: "Not checked",
};

/** The line above the checks: all clear, or how many fail and warn. */
export function setupSummary(report: SetupReport): string {
  const count = (s: SetupStatus) => report.checks.filter((c) => c.status === s).length;
  const fail = count("fail");
  const warn = count("warn");
  const skip = count("skip");
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts: string[] = [];
  if (fail > 0) parts.push(plural(fail, "problem to fix", "problems to fix"));
  if (warn > 0) parts.push(plural(warn, "warning", "warnings"));
  if (skip > 0) parts.push(`${skip} not checked`);
  if (fail === 0 && report.ok) {
    const head = `Ready to take cards: ${plural(count("ok"), "check passes", "checks pass")}`;
    return parts.length > 0 ? `${head} (${parts.join(", ")})` : head;
  }
  if (parts.length === 0) return "Not ready to take cards";
  return `Not ready to take cards: ${parts.join(", ")}`;
}

export const RECONCILE_LABELS: Record<ReconcileLine["outcome"], string> = {
  paid: "Paid",
  failed: "Not paid",
  in_doubt: "Still in doubt",
};

/** The line under the settled payments: what is left in doubt. */
export function reconcileSummary(report: ReconcileReport): string {
  if (report.remaining === 0) return "No card payments are in doubt now.";
  return `${inDoubtLabel(report.remaining)} still: the till asks Stripe again later.`;
}

/** Card dialogs open right now: while one is, the till does not lock its screen (the idle lock,
 *  F11), so the payment's outcome is never hidden behind the lock screen. */
let cardDialogsOpen = 0;

/** Holds the screen lock off; call the returned function to let it go again. */
export function holdLock(): () => void {
  cardDialogsOpen += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    cardDialogsOpen = Math.max(0, cardDialogsOpen - 1);
  };
}

export function lockHeld(): boolean {
  return cardDialogsOpen > 0;
}

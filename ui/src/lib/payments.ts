// Card payments at the till: the shapes the card commands take and return, and what the screens
// say about them. The till runs the payment (reader, capture, reconciliation); this only words it.
// The shapes are generated from the Rust types (./bindings); the names below are the UI's own.

import type {
  CardOutcome,
  ChangeAtStripe,
  CardProgress,
  CardStage,
  EventNeedingAttention,
  EventRetried,
  GatewayMode,
  InDoubtPayment,
  LocationView,
  PaymentsStatus,
  ReaderView,
  ReconcileLine,
  ReconcileReport,
  SettledAs,
  SetupCheck,
  SetupReport,
  SyncStatus,
  TestCard,
} from "./bindings";
import type { PaymentView, TenderInput } from "./types";

export type {
  CardOutcome,
  ChangeAtStripe,
  CardProgress,
  CardStage,
  EventNeedingAttention,
  EventRetried,
  InDoubtPayment,
  LocationView,
  PaymentsStatus,
  ReaderView,
  ReconcileLine,
  ReconcileReport,
  SettledAs,
  SetupCheck,
  SetupReport,
  SyncStatus,
  TestCard,
};

/** Which Stripe account the till takes cards with; null: cards cannot be taken at all. */
export type PaymentsMode = GatewayMode;

export type ReaderState = ReaderView["state"];

export type SetupStatus = SetupCheck["status"];

/** A payment as a receipt shows it (the card fields are null on cash and points). */
export type ReceiptPayment = PaymentView;

// --- words for the screens -------------------------------------------------------------------

/**
 * The pill in the sell screen's header: none in live mode (nor when cards are off). A real shop
 * with no Stripe key yet runs the practice reader: said as that, never as a demo shop.
 */
export function modeMark(mode: PaymentsMode | null | undefined, demoShop = true): string | null {
  if (mode === "demo") return demoShop ? "DEMO CARD READER" : "CARDS NOT SET UP: PRACTICE READER";
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
  refunded: "Refunded to the card",
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

const events = (n: number) => `${n} ${n === 1 ? "event" : "events"}`;

/** One line on how the till hears from the webhook relay, with what is still waiting there. */
export function syncSummary(s: SyncStatus | null): string {
  if (!s) return "";
  if (!s.configured) return "No webhook relay is set up: the till asks Stripe itself (every minute for payments in doubt).";
  const waiting = s.backlog > 0 ? `${events(s.backlog)} waiting at the relay` : "";
  if (s.last_error) {
    const known = waiting ? ` At the last pull, ${waiting}.` : "";
    const when = s.retry_at ? ` at ${s.retry_at}` : " by itself";
    return `The last pull from the relay failed: ${s.last_error}. The till tries again${when}.${known}`;
  }
  if (!s.last_pull_at) return `Set up with ${s.relay_url ?? "the relay"}; the till has not pulled from it yet.`;
  const last = s.last_event_at ? `last event ${s.last_event_at}` : "no events yet";
  const backlog = waiting ? `catching up, ${waiting}` : "up to date";
  return `Connected to ${s.relay_url ?? "the relay"}: ${events(s.applied_events)} applied, ${last}; ${backlog}.`;
}

/** What the Payments tab says of a Stripe event set aside: its type, how long it waits, why. */
export function attentionLine(e: EventNeedingAttention): string {
  const tries = e.tries === 1 ? "1 try" : `${e.tries} tries`;
  return `${e.kind || "an event without a type"} · set aside ${e.last_at} after ${tries}: ${e.reason}`;
}

/** What a change made at Stripe was, in the shop's words; `money` formats an amount. */
export function changeAtStripeLine(c: ChangeAtStripe, money: (minor: number) => string): string {
  const reason = c.reason ? c.reason.replace(/_/g, " ") : null;
  if (c.kind === "refund") {
    const amount = c.amount === null ? "" : ` ${money(c.amount)}`;
    const why = c.reason === "dispute lost" ? "taken back by Stripe: dispute lost" : "refunded outside the till, at Stripe";
    return `${amount.trim()} ${why}`.trim();
  }
  const how = c.status === "lost" ? "dispute lost" : c.status === "won" ? "dispute won" : "disputed by the card holder";
  return reason ? `${how} (${reason})` : how;
}

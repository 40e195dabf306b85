// Printing one receipt on the till's printer, as the screen shows it: asking first when the shop
// says so, "Printing…", what was done (printed, the drawer opened), or the printer's problem in
// words with Retry. The sale or refund is booked before any of this starts, so a printer that
// fails or never answers holds nothing up: the cashier moves on and can reprint later.

import * as api from "./api";
import type { AutoPrint, Printed, ReceiptCopy } from "./bindings";
import type { CommandError } from "./types";

export type PrintState = "idle" | "asking" | "printing" | "done" | "failed";

/** What the printer did, in words for the cashier; null when it did nothing worth saying. */
export function printedNote(p: Printed | null): string | null {
  if (!p) return null;
  if (p.receipt && p.drawer_opened) return "Printed · drawer opened";
  if (p.receipt) return "Printed";
  if (p.drawer_opened) return "Drawer opened";
  return null;
}

/** One receipt (a sale's, a refund's or a reprint) on its way to the printer. */
export class ReceiptPrint {
  readonly reference: string;
  readonly copy: ReceiptCopy;

  state = $state<PrintState>("idle");
  /** What the printer did (state "done"). */
  note = $state<string | null>(null);
  /** Why it did not print (state "failed"): the till's message is for the cashier. */
  error = $state<CommandError | null>(null);

  /** The latest request: an earlier one answering late changes nothing. */
  #turn = 0;

  /** `reference`: the order's id (or receipt number); `copy`: which copy prints. */
  constructor(reference: string, copy: ReceiptCopy) {
    this.reference = reference;
    this.copy = copy;
  }

  /**
   * Right after the sale or refund: `first` is the till's print-after command, which prints the
   * receipt (always) and opens the drawer for cash as the shop's settings say. With "ask" the
   * cashier is asked meanwhile whether to print; the drawer does not wait for the answer.
   */
  async after(first: () => Promise<Printed | null>, autoPrint: AutoPrint) {
    const turn = ++this.#turn;
    this.error = null;
    this.note = null;
    this.state = autoPrint === "ask" ? "asking" : "printing";
    try {
      const printed = await first();
      // While asking, only a problem is worth showing: the receipt itself waits for Yes.
      if (turn === this.#turn && this.state === "printing") this.#done(printed);
    } catch (e) {
      if (turn === this.#turn) this.#failed(e);
    }
  }

  /** Prints the receipt now: Yes, Retry or the Print button (the sale's own copy opens the drawer once). */
  async print() {
    const turn = ++this.#turn;
    this.error = null;
    this.note = null;
    this.state = "printing";
    try {
      const printed = await api.printReceipt(this.reference, this.copy);
      if (turn === this.#turn) this.#done(printed);
    } catch (e) {
      if (turn === this.#turn) this.#failed(e);
    }
  }

  /** "No" to "Print receipt?". */
  decline() {
    ++this.#turn;
    this.state = "idle";
  }

  #done(printed: Printed | null) {
    this.note = printedNote(printed);
    this.state = this.note === null ? "idle" : "done";
  }

  #failed(e: unknown) {
    this.error = e as CommandError;
    this.state = "failed";
  }
}

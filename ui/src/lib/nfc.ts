// Listening to the NFC readers from a screen: the events arrive through an async subscription,
// and a screen may be closed before it is in place; the stop function works either way.

import * as api from "./api";
import type { NfcEvent } from "./types";

/**
 * Calls `handler` with every NFC reader event until the returned function is called (also when
 * that happens before the listener is in place). Without a reader service nothing is heard and
 * nothing fails: cards are then typed or customers found by name.
 */
export function listenNfc(handler: (event: NfcEvent) => void): () => void {
  let stop: (() => void) | null = null;
  let gone = false;
  (async () => {
    try {
      const unlisten = await api.onNfc(handler);
      if (gone) unlisten();
      else stop = unlisten;
    } catch {
      // No NFC events here (no reader service).
    }
  })();
  return () => {
    gone = true;
    stop?.();
  };
}

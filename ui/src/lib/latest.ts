// Requests whose answers can come back out of order, such as a search re-run at each pause in
// typing: only the answer to the newest request is used, a slower answer to an older one is dropped.

export interface Latest {
  /** Starts a request. The check it returns holds until a later request starts or `drop` is called. */
  begin(): () => boolean;
  /** Makes every request still in flight stale. */
  drop(): void;
}

export function latest(): Latest {
  let seq = 0;
  return {
    begin() {
      const mine = ++seq;
      return () => mine === seq;
    },
    drop() {
      seq++;
    },
  };
}

/** A wait that starts again each time it is asked for, such as for a pause in typing. */
export interface Debounce {
  /** Runs `fn` once `ms` have passed without another call, instead of whatever was waiting. */
  run(fn: () => void): void;
  /** Forgets whatever was waiting. */
  cancel(): void;
}

export function debounce(ms: number): Debounce {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    run(fn) {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}

/** A search box's searches: run once typing pauses (or at once), with only the newest answer used. */
export interface Search {
  /** Searches for `text` once typing has paused. */
  later(text: string): void;
  /** Searches for `text` now, instead of any search waiting for a pause. */
  now(text: string): Promise<void>;
  /** Drops the answers to searches in flight; a search waiting for a pause still runs. */
  drop(): void;
  /** Forgets a waiting search and drops the answers to searches in flight. */
  cancel(): void;
}

export function latestSearch<T>(
  pauseMs: number,
  find: (text: string) => Promise<T>,
  on: { answer: (rows: T) => void; error: (error: unknown) => void },
): Search {
  const pause = debounce(pauseMs);
  const answers = latest();
  async function now(text: string) {
    pause.cancel();
    const current = answers.begin();
    try {
      const rows = await find(text);
      if (current()) on.answer(rows);
    } catch (e) {
      if (current()) on.error(e);
    }
  }
  return {
    later(text) {
      pause.run(() => void now(text));
    },
    now,
    drop: answers.drop,
    cancel() {
      pause.cancel();
      answers.drop();
    },
  };
}

/** A search box searched at every keystroke, with no fixed pause: see [`keystrokeSearch`]. */
export interface KeystrokeSearch {
  /** Searches for `text`: at once when nothing is in flight, else as soon as the search in
   * flight answers (only the newest text waits; older ones are skipped). */
  typed(text: string): void;
  /** Resolves once the answer for the newest text typed has been shown (or failed). */
  settled(): Promise<void>;
  /** Forgets the waiting text and drops the answers to searches in flight. */
  cancel(): void;
}

/**
 * Search as you type without a debounce: each keystroke asks the till at once unless a search is
 * already on its way, in which case the newest text is asked next. A fast till answers every
 * keystroke; a slow one is never asked more than one search at a time. Every answer shown is for
 * text that was typed, and `settled` lets Enter wait for the answer to exactly what is in the box.
 */
export function keystrokeSearch<T>(find: (text: string) => Promise<T>, on: { answer: (rows: T) => void; error: (error: unknown) => void }): KeystrokeSearch {
  const answers = latest();
  let waiting: string | null = null;
  let running: Promise<void> | null = null;

  async function pump() {
    while (waiting !== null) {
      const text = waiting;
      waiting = null;
      const current = answers.begin();
      try {
        const rows = await find(text);
        if (current()) on.answer(rows);
      } catch (e) {
        if (current()) on.error(e);
      }
    }
    running = null;
  }

  return {
    typed(text) {
      waiting = text;
      running ??= pump();
    },
    settled() {
      return running ?? Promise.resolve();
    },
    cancel() {
      waiting = null;
      answers.drop();
    },
  };
}

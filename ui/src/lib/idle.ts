// Locking an idle till: after so many minutes with no key, pointer or touch, the screen locks.

/** The events that count as someone at the till. */
export const ACTIVITY_EVENTS = ["keydown", "pointerdown", "pointermove", "touchstart", "wheel"] as const;

export interface IdleTimer {
  /** Someone did something: the wait starts again. */
  touch(): void;
  /** Stops watching (nothing more will fire). */
  stop(): void;
}

/**
 * Calls `onidle` once after `minutes` minutes without `touch()` (0 or less: never). Uses the
 * global setTimeout, so tests drive it with fake timers.
 */
export function idleTimer(minutes: number, onidle: () => void): IdleTimer {
  const ms = Math.round(minutes * 60_000);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const arm = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (stopped || !(ms > 0)) return;
    timer = setTimeout(() => {
      timer = null;
      stopped = true;
      onidle();
    }, ms);
  };
  arm();
  return {
    touch: arm,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** Watches `target` for activity and calls `onidle` after `minutes` idle; returns the stop. */
export function watchIdle(target: EventTarget, minutes: number, onidle: () => void): () => void {
  const t = idleTimer(minutes, onidle);
  if (!(minutes > 0)) return () => t.stop();
  const touch = () => t.touch();
  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, touch, { capture: true, passive: true });
  return () => {
    t.stop();
    for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, touch, { capture: true });
  };
}

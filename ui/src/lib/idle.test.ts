import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { idleTimer, watchIdle } from "./idle";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("idleTimer", () => {
  it("fires once after the minutes have passed with nothing done", () => {
    const onidle = vi.fn();
    idleTimer(2, onidle);
    vi.advanceTimersByTime(119_999);
    expect(onidle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onidle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600_000);
    expect(onidle).toHaveBeenCalledTimes(1);
  });

  it("starts the wait again on every touch", () => {
    const onidle = vi.fn();
    const t = idleTimer(1, onidle);
    vi.advanceTimersByTime(50_000);
    t.touch();
    vi.advanceTimersByTime(50_000);
    expect(onidle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onidle).toHaveBeenCalledTimes(1);
  });

  it("never fires with 0 minutes", () => {
    const onidle = vi.fn();
    const t = idleTimer(0, onidle);
    t.touch();
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(onidle).not.toHaveBeenCalled();
  });

  it("does not fire once stopped", () => {
    const onidle = vi.fn();
    const t = idleTimer(1, onidle);
    t.stop();
    t.touch();
    vi.advanceTimersByTime(120_000);
    expect(onidle).not.toHaveBeenCalled();
  });
});

describe("watchIdle", () => {
  it("counts keys and pointer presses on the target as activity", () => {
    const target = new EventTarget();
    const onidle = vi.fn();
    const stop = watchIdle(target, 1, onidle);
    vi.advanceTimersByTime(40_000);
    target.dispatchEvent(new Event("keydown"));
    vi.advanceTimersByTime(40_000);
    target.dispatchEvent(new Event("pointerdown"));
    vi.advanceTimersByTime(40_000);
    expect(onidle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(20_000);
    expect(onidle).toHaveBeenCalledTimes(1);
    stop();
  });

  it("stops listening when stopped", () => {
    const target = new EventTarget();
    const onidle = vi.fn();
    const stop = watchIdle(target, 1, onidle);
    stop();
    vi.advanceTimersByTime(120_000);
    expect(onidle).not.toHaveBeenCalled();
  });
});

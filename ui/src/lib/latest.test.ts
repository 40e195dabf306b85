import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { debounce, latest, latestSearch } from "./latest";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("latest", () => {
  it("holds only for the newest request", () => {
    const requests = latest();
    const first = requests.begin();
    expect(first()).toBe(true);
    const second = requests.begin();
    expect(first()).toBe(false);
    expect(second()).toBe(true);
  });

  it("makes every request stale on drop", () => {
    const requests = latest();
    const only = requests.begin();
    requests.drop();
    expect(only()).toBe(false);
    expect(requests.begin()()).toBe(true);
  });
});

describe("debounce", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs only the last thing asked for, once the pause has passed", () => {
    const ran: string[] = [];
    const pause = debounce(100);
    pause.run(() => ran.push("a"));
    vi.advanceTimersByTime(60);
    pause.run(() => ran.push("b"));
    vi.advanceTimersByTime(99);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual(["b"]);
  });

  it("runs nothing once cancelled", () => {
    const fn = vi.fn();
    const pause = debounce(100);
    pause.run(fn);
    pause.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe("latestSearch", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setUp() {
    const find = vi.fn<(text: string) => Promise<string[]>>();
    const answer = vi.fn<(rows: string[]) => void>();
    const error = vi.fn<(e: unknown) => void>();
    return { find, answer, error, search: latestSearch(250, find, { answer, error }) };
  }

  it("searches once typing pauses, for the last text typed", async () => {
    const { find, answer, search } = setUp();
    find.mockResolvedValue(["Tea"]);
    search.later("t");
    search.later("te");
    vi.advanceTimersByTime(249);
    expect(find).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(find).toHaveBeenCalledExactlyOnceWith("te");
    await vi.runAllTimersAsync();
    expect(answer).toHaveBeenCalledWith(["Tea"]);
  });

  it("searches at once with now, instead of the search waiting for a pause", async () => {
    const { find, search } = setUp();
    find.mockResolvedValue([]);
    search.later("waiting");
    await search.now("now");
    vi.advanceTimersByTime(1000);
    expect(find.mock.calls).toEqual([["now"]]);
  });

  it("drops an older, slower answer or error", async () => {
    const { find, answer, error, search } = setUp();
    const slow = deferred<string[]>();
    const slower = deferred<string[]>();
    find.mockReturnValueOnce(slow.promise).mockReturnValueOnce(slower.promise).mockResolvedValueOnce(["Tea"]);
    const a = search.now("a");
    const b = search.now("b");
    await search.now("tea");
    slow.resolve(["Apple"]);
    slower.reject(new Error("busy"));
    await Promise.all([a, b]);
    expect(answer.mock.calls).toEqual([[["Tea"]]]);
    expect(error).not.toHaveBeenCalled();
  });

  it("passes on the newest search's error", async () => {
    const { find, error, search } = setUp();
    find.mockRejectedValue({ code: "busy" });
    await search.now("x");
    expect(error).toHaveBeenCalledWith({ code: "busy" });
  });

  it("drop discards answers in flight but keeps a search waiting for a pause", async () => {
    const { find, answer, search } = setUp();
    const slow = deferred<string[]>();
    find.mockReturnValueOnce(slow.promise).mockResolvedValueOnce(["Cake"]);
    const inFlight = search.now("a");
    search.later("cake");
    search.drop();
    slow.resolve(["Apple"]);
    await inFlight;
    expect(answer).not.toHaveBeenCalled();
    await vi.runAllTimersAsync();
    expect(answer.mock.calls).toEqual([[["Cake"]]]);
  });

  it("cancel forgets the waiting search and drops answers in flight", async () => {
    const { find, answer, search } = setUp();
    const slow = deferred<string[]>();
    find.mockReturnValueOnce(slow.promise);
    const inFlight = search.now("a");
    search.later("b");
    search.cancel();
    slow.resolve(["Apple"]);
    await inFlight;
    await vi.runAllTimersAsync();
    expect(find).toHaveBeenCalledTimes(1);
    expect(answer).not.toHaveBeenCalled();
  });
});

describe("keystrokeSearch", () => {
  it("asks at once, never two at a time, skips to the newest text, and Enter can wait for it", async () => {
    const { keystrokeSearch } = await import("./latest");
    const asked: string[] = [];
    const pending: ((rows: string) => void)[] = [];
    const shown: string[] = [];
    const s = keystrokeSearch(
      (text: string) => {
        asked.push(text);
        return new Promise<string>((r) => pending.push(r));
      },
      { answer: (rows) => shown.push(rows), error: () => {} },
    );
    s.typed("f");
    expect(asked).toEqual(["f"]);
    s.typed("fl");
    s.typed("fla");
    s.typed("flat");
    expect(asked).toEqual(["f"]);
    let settled = false;
    void s.settled().then(() => (settled = true));
    pending[0]("answer f");
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual(["f", "flat"]);
    expect(shown).toEqual(["answer f"]);
    expect(settled).toBe(false);
    pending[1]("answer flat");
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual(["answer f", "answer flat"]);
    expect(settled).toBe(true);
  });
});

// A tiny W3C WebDriver client for driving the real app through tauri-driver (no dependencies:
// Node 20's fetch). Only what the end-to-end tests need.
import { writeFile } from "node:fs/promises";

/** W3C key codes for the special keys the tests press. */
export const Key = {
  Enter: "\uE007",
  Escape: "\uE00C",
  Tab: "\uE004",
  Backspace: "\uE003",
  Control: "\uE009",
  Shift: "\uE008",
  Alt: "\uE00A",
  ArrowUp: "\uE013",
  ArrowDown: "\uE015",
  F2: "\uE032",
  F3: "\uE033",
  F4: "\uE034",
  F5: "\uE035",
  F6: "\uE036",
  F8: "\uE038",
  F9: "\uE039",
  F10: "\uE03A",
  F11: "\uE03B",
  F12: "\uE03C",
};

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} → ${status}: ${value?.error ?? ""} ${value?.message ?? JSON.stringify(value)}`);
    this.status = status;
    this.error = value?.error;
  }
}

/** Longest wait for one WebDriver command (a hung driver fails the test instead of blocking). */
export const COMMAND_TIMEOUT_MS = 60000;

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WebDriverError(method, path, res.status, { message: text.slice(0, 500) });
  }
  if (!res.ok) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Errors that only mean "not yet": the element is not there yet, or the page is (re)loading. */
const RETRY = new Set(["no such element", "stale element reference", "no such frame"]);

/** A session: the app under test, started by tauri-driver. */
export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /**
   * Starts the app at `application` (path to the binary) through tauri-driver at `base`, with
   * `args` on its command line (e.g. `["--store", path]`).
   */
  static async create(base, application, { args = [] } = {}) {
    const value = await call(base, "POST", "/session", {
      capabilities: {
        alwaysMatch: { browserName: "wry", "tauri:options": { application, args } },
      },
    });
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  /**
   * Waits until the window has loaded the embedded UI (the page can still be loading, or
   * reloading, when the session is created). Fails at once, with the reason, when the app was
   * built without the custom protocol and looks for a dev server instead.
   */
  async waitForApp({ timeout = 30000 } = {}) {
    const end = Date.now() + timeout;
    let last = "nothing yet";
    for (;;) {
      try {
        const [href, state, body] = await this.execute(
          "return [location.href, document.readyState, (document.body && document.body.innerText || '').slice(0, 200)]",
        );
        last = `${href} ${state} ${JSON.stringify(body)}`;
        if (/^https?:\/\/localhost/.test(href) || /Could not connect to localhost/.test(body)) {
          throw new Error(
            `the app loads a dev server (${href}): build it with --features custom-protocol (tests/e2e/run does)`,
          );
        }
        if (state === "complete" && href !== "about:blank") return href;
      } catch (e) {
        if (!(e instanceof WebDriverError)) throw e;
        last = e.message;
      }
      if (Date.now() > end) throw new Error(`the app's page did not load: ${last}`);
      await sleep(100);
    }
  }

  async delete() {
    if (!this.id) return;
    const id = this.id;
    this.id = null;
    await call(this.base, "DELETE", `/session/${id}`);
  }

  /** The element for `[data-testid=...]`, or throws (no such element). */
  async find(testid) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: `[data-testid="${testid}"]` });
    return new Element(this, v[ELEMENT]);
  }

  async findAll(testid) {
    const vs = await this.cmd("POST", "/elements", { using: "css selector", value: `[data-testid="${testid}"]` });
    return vs.map((v) => new Element(this, v[ELEMENT]));
  }

  /** The first element matching a CSS selector (e.g. a `<select>`'s option), or throws. */
  async css(selector) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: selector });
    return new Element(this, v[ELEMENT]);
  }

  /** Polls until `[data-testid=...]` is there (and, if asked, `pred(element)` holds). */
  async waitFor(testid, { timeout = 10000, pred } = {}) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const el = await this.find(testid);
        if (!pred || (await pred(el))) return el;
        last = new Error(`condition on ${testid} not met`);
      } catch (e) {
        if (e instanceof WebDriverError && !RETRY.has(e.error)) throw e;
        last = e;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for [data-testid=${testid}]: ${last?.message}`);
      await sleep(100);
    }
  }

  /** Polls until exactly `n` elements match `[data-testid=...]`; returns them. */
  async waitCount(testid, n, { timeout = 10000 } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const els = await this.findAll(testid);
      if (els.length === n) return els;
      if (Date.now() > end) throw new Error(`timed out waiting for ${n} × [data-testid=${testid}] (${els.length} there)`);
      await sleep(100);
    }
  }

  /** Polls until `[data-testid=...]` is gone. */
  async waitGone(testid, { timeout = 10000 } = {}) {
    const end = Date.now() + timeout;
    while ((await this.findAll(testid)).length > 0) {
      if (Date.now() > end) throw new Error(`timed out waiting for [data-testid=${testid}] to go`);
      await sleep(100);
    }
  }

  async active() {
    const v = await this.cmd("GET", "/element/active");
    return new Element(this, v[ELEMENT]);
  }

  /** Types `text` (W3C key codes allowed) as key presses on whatever has focus, with no gaps. */
  async keys(text) {
    const actions = [];
    for (const ch of text) actions.push({ type: "keyDown", value: ch }, { type: "keyUp", value: ch });
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  /** Presses a chord, e.g. chord(Key.Control, Key.Enter). */
  async chord(...keys) {
    const actions = [
      ...keys.map((k) => ({ type: "keyDown", value: k })),
      ...keys.toReversed().map((k) => ({ type: "keyUp", value: k })),
    ];
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  async releaseActions() {
    await this.cmd("DELETE", "/actions");
  }

  async execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Waits for the page to paint twice (or 1 s), so a screenshot shows what the DOM holds. */
  async settle() {
    await this.cmd("POST", "/execute/async", {
      script: `const done = arguments[arguments.length - 1];
        const t = setTimeout(() => done(false), 1000);
        requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(t); done(true); }));`,
      args: [],
    });
  }

  /** Saves a PNG of the window to `path` (after the page has painted). */
  async screenshot(path) {
    await this.settle();
    const b64 = await this.cmd("GET", "/screenshot");
    await writeFile(path, Buffer.from(b64, "base64"));
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  cmd(method, path, body) {
    return this.session.cmd(method, `/element/${this.id}${path}`, body);
  }

  click() {
    return this.cmd("POST", "/click", {});
  }

  /** W3C element send keys: focuses the element and types `text`. */
  sendKeys(text) {
    return this.cmd("POST", "/value", { text });
  }

  clear() {
    return this.cmd("POST", "/clear", {});
  }

  /**
   * Chooses `path` (absolute) on an `<input type=file>`: W3C element send keys with the path sets
   * the input's file and fires its change event, without the OS file chooser.
   */
  setFile(path) {
    return this.cmd("POST", "/value", { text: path });
  }

  async text() {
    return this.cmd("GET", "/text");
  }

  async attr(name) {
    return this.cmd("GET", `/attribute/${name}`);
  }

  async prop(name) {
    return this.cmd("GET", `/property/${name}`);
  }

  async enabled() {
    return this.cmd("GET", "/enabled");
  }

  async findAll(testid) {
    const vs = await this.cmd("POST", "/elements", { using: "css selector", value: `[data-testid="${testid}"]` });
    return vs.map((v) => new Element(this.session, v[ELEMENT]));
  }

  /** The first `[data-testid=...]` inside this element, or throws (no such element). */
  async find(testid) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: `[data-testid="${testid}"]` });
    return new Element(this.session, v[ELEMENT]);
  }
}

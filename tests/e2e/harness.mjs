// What every end-to-end test shares: the runner's settings, a fresh store per test (one temp dir
// each, the same file for the app's `--store` and the CLI's `--db`), the app started on that
// store, screenshots, and reading amounts off the screen. Run the tests through tests/e2e/run.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Key, Session } from "./webdriver.mjs";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite through tests/e2e/run`);
  return v;
};
export const DRIVER = env("E2E_DRIVER_URL");
export const APP = env("E2E_APP");
export const CLI = env("E2E_CLI");
export const SHOTS = env("E2E_SCREENSHOTS");
/** Where the stores go (the runner's temp dir, kept when a run fails). */
const STORES = process.env.E2E_STORES || tmpdir();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** "£1.80", "GBP 1.80", "1.80" → 180 (minor units). */
export function minor(text) {
  const m = String(text).replace(/,/g, "").match(/-?\d+\.\d{2}/);
  assert.ok(m, `no amount in ${JSON.stringify(text)}`);
  return Math.round(Number(m[0]) * 100);
}

/** The demo shop's staff (crates/store/src/demo.rs): name and PIN. */
export const DEMO_STAFF = {
  admin: { name: "Avery", pin: "1000" },
  manager: { name: "Morgan", pin: "2000" },
  cashier: { name: "Casey", pin: "3000" },
};

/**
 * A fresh store for one test: a new temp dir named after the test; `db` is the store file (not
 * created yet: the app or the CLI creates it), `cli(...args)` runs `versapos --db <db> --json`
 * as the demo shop's admin (a till with staff needs someone signed in) and parses its output.
 */
export function freshStore(name) {
  mkdirSync(STORES, { recursive: true });
  const dir = mkdtempSync(join(STORES, `${name}-`));
  const db = join(dir, "store.db");
  const env = { ...process.env, VERSAPOS_STAFF: DEMO_STAFF.admin.name, VERSAPOS_PIN: DEMO_STAFF.admin.pin };
  const cli = (...args) =>
    JSON.parse(execFileSync(CLI, ["--db", db, "--json", ...args], { encoding: "utf8", env }));
  return { dir, db, cli };
}

/** Starts the app on `store` (`--store <db>`) and waits for its page to load. */
export async function openApp(store) {
  const session = await Session.create(DRIVER, APP, { args: ["--store", store.db] });
  try {
    await session.waitForApp();
  } catch (e) {
    await session.delete().catch(() => {});
    throw e;
  }
  return session;
}

/**
 * Runs `fn(session)` with the app open on `store` and always closes the session afterwards (a
 * session never deleted leaves the app running). Collect what the window shows inside `fn` and
 * assert after this returns.
 */
export async function withApp(store, fn) {
  const session = await openApp(store);
  try {
    return await fn(session);
  } finally {
    await session.delete();
  }
}

/** Saves a screenshot as `<E2E_SCREENSHOTS>/<name>.png`. */
export async function shot(session, name) {
  mkdirSync(SHOTS, { recursive: true });
  await session.screenshot(join(SHOTS, `${name}.png`));
}

/** The sell screen is up with the search box focused (where scans and typing land). */
export async function sellScreen(session, who = DEMO_STAFF.admin) {
  // A till with staff opens on the lock screen: sign in first.
  await until("the sell screen or the lock screen", async () =>
    (await session.findAll("search-input")).length > 0 || (await session.findAll("lock-screen")).length > 0,
    { timeout: 30000 });
  if ((await session.findAll("lock-screen")).length > 0) await signIn(session, who);
  await session.waitFor("search-input", { timeout: 30000 });
  await waitFocus(session, "search-input");
}

/**
 * On the lock screen: chooses `who` (their name tile, when the names are showing) and types their
 * PIN. Resolves once the PIN was sent; the caller waits for what should follow.
 */
export async function enterPin(session, who, pin = who.pin) {
  let tile = null;
  try {
    tile = await session.css(`[data-testid=lock-staff][data-name="${who.name}"]`);
  } catch {
    // The names are not showing: the screen was locked by this person and asks only their PIN.
  }
  if (tile) await tile.click();
  const field = await session.waitFor("lock-pin");
  await field.clear();
  await field.sendKeys(pin);
  await sleep(300); // not a scan: Enter well after the digits
  await (await session.find("pin-ok")).click();
}

/** Signs `who` in on the lock screen and waits for the sell screen. */
export async function signIn(session, who) {
  await enterPin(session, who);
  await session.waitFor("search-input", { timeout: 15000 });
}

/** Polls until the focused element is `[data-testid=...]`. */
export async function waitFocus(session, testid, { timeout = 10000 } = {}) {
  const end = Date.now() + timeout;
  let now;
  for (;;) {
    // The focused element can be replaced between asking for it and reading it (a dialog
    // closing): a stale reference is asked again.
    now = await session
      .active()
      .then((el) => el.attr("data-testid"))
      .catch((e) => (/stale element/.test(e.message) ? null : Promise.reject(e)));
    if (now === testid) return;
    if (Date.now() > end) throw new Error(`focus is on ${now}, not ${testid}`);
    await sleep(100);
  }
}

/** Polls `fn` until it returns something truthy; returns that. */
export async function until(what, fn, { timeout = 10000 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(100);
  }
}

/**
 * A barcode scan into whatever has focus: the digits and Enter in one element send-keys call, so
 * they arrive back to back as from a keyboard-wedge scanner (a key-actions chain waits for each
 * key and can open a gap wider than the scanner's 30 ms). Waits for the cart to show `lines`
 * lines afterwards.
 */
/** The card dialog's test card `card` ("approved", "declined"…) once the simulated reader takes cards. */
export async function testCard(session, card) {
  return until("the test cards enabled", async () => {
    for (const el of await session.findAll("test-card")) {
      if ((await el.attr("data-card")) === card && (await el.enabled())) return el;
    }
    return false;
  });
}

export async function scan(session, barcode, lines) {
  await (await session.active()).sendKeys(barcode + Key.Enter);
  await session.waitCount("cart-line", lines);
}

/** The cart's total in minor units once it reads `expected` (the till updates it after a scan). */
export async function cartTotal(session, expected) {
  const el = await session.find("cart-total");
  await until(`cart total ${expected}`, async () => minor(await el.text()) === expected);
  return expected;
}

/** A demo-catalog product by barcode, as the CLI reports it (name, sku, price in minor units). */
export function product(store, barcode) {
  const found = store.cli("products", "find", barcode).products.filter((p) => p.barcode === barcode);
  assert.equal(found.length, 1, `one product with barcode ${barcode}`);
  return found[0];
}

/** The back office's screens and their Alt+digit shortcuts. */
export const TABS = { reports: "1", orders: "2", catalog: "3", customers: "4", settings: "5", staff: "6", payments: "7", shifts: "8" };

/**
 * Opens the back office from the sell screen with F10 if it is not open yet, then switches to
 * `tab` with its Alt+digit shortcut and waits for that tab to be the selected one.
 */
export async function backOffice(session, tab = "reports") {
  if ((await session.findAll("tab-reports")).length === 0) {
    await session.keys(Key.F10);
    await session.waitFor("tab-reports", { timeout: 10000 });
  }
  await session.chord(Key.Alt, TABS[tab]);
  await session.waitFor(`tab-${tab}`, { pred: async (el) => (await el.attr("aria-selected")) === "true" });
}

/**
 * The text of every `[data-testid=<rowTestid>]` row (in one script call): for each row, an object
 * of its cells' `textContent` (trimmed) keyed by their data-testid, with `cellPrefix` taken off
 * (e.g. `cell-net` → `net`), plus the row's data-* attributes under `data`.
 */
export async function tableRows(session, rowTestid, cellPrefix = "") {
  return session.execute(
    `const [rowId, prefix] = arguments;
     return [...document.querySelectorAll('[data-testid="' + rowId + '"]')].map((row) => {
       const out = { data: { ...row.dataset } };
       for (const c of row.querySelectorAll('[data-testid]')) {
         const id = c.dataset.testid;
         out[id.startsWith(prefix) ? id.slice(prefix.length) : id] = c.textContent.trim();
       }
       return out;
     });`,
    [rowTestid, cellPrefix],
  );
}

/** Replaces what `[data-testid=...]` holds with `text` (clear, then element send keys). */
export async function fill(session, testid, text) {
  const el = await session.find(testid);
  await el.clear();
  await el.sendKeys(text);
  return el;
}

// Measures the desktop till (release build, real window on Xvfb) through tauri-driver:
//   - launch → usable sell screen (search box present and focused, first page of the category
//     grid rendered), on the 1,000,000-product store and on the demo shop, interleaved;
//   - idle memory (RSS, PSS) of the app and its WebKit processes, in the WebDriver session and in
//     a plain launch without WebDriver;
//   - search as you type: keystroke → results rendered, per keystroke, and the bare
//     `find_products` round trip through IPC.
// Started by scripts/measure-desktop, which provides Xvfb, tauri-driver and the stores; it writes
// a Markdown report and the raw figures (JSON) to PERF_OUT.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Session } from "../e2e/webdriver.mjs";
import { mappingLines, memoryTable, pidsWithEnv, startEpochMs, treeMemory, waitExit } from "./procmem.mjs";

const env = (k, d) => process.env[k] ?? d;
const DRIVER = env("PERF_DRIVER_URL");
const APP = env("PERF_APP");
const DATA_HOME = env("PERF_DATA_HOME");
const OUT = env("PERF_OUT");
const RUNS = Number(env("PERF_RUNS", "5"));
const IDLE_S = Number(env("PERF_IDLE_S", "20"));
const WORDS = env("PERF_WORDS", "sourdough millbrook croissant organic espresso kestrel cheddar latte tidewater blueberry").split(/\s+/).filter(Boolean);
const STORES = [
  { key: "demo", label: "demo shop", path: env("PERF_DEMO_STORE") },
  { key: "big", label: "1,000,000 products", path: env("PERF_BIG_STORE") },
].filter((s) => s.path);
for (const [k, v] of Object.entries({ PERF_DRIVER_URL: DRIVER, PERF_APP: APP, PERF_DATA_HOME: DATA_HOME, PERF_OUT: OUT })) {
  if (!v) throw new Error(`${k} is not set (run scripts/measure-desktop)`);
}
mkdirSync(OUT, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A PNG of the whole X display (ImageMagick's `import`); skipped when it is not installed. */
function grab(path) {
  try {
    execFileSync("import", ["-display", process.env.DISPLAY, "-window", "root", path], { stdio: "ignore" });
    return path;
  } catch {
    return null;
  }
}

const log = (...a) => console.error("perf:", ...a);

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}
const ms = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : "–");
const stats = (xs) => ({ n: xs.length, median: quantile(xs, 0.5), p95: quantile(xs, 0.95), min: Math.min(...xs), max: Math.max(...xs) });
const fmtStats = (s) => `${ms(s.median)} / ${ms(s.p95)} ms (n=${s.n}, ${ms(s.min)}–${ms(s.max)})`;

// --- the app's process ------------------------------------------------------------------------

/** The app started by the current session: ours are the ones with this run's data home. */
async function appPid() {
  for (let i = 0; i < 100; i++) {
    const pids = pidsWithEnv("versatalent-pos", `XDG_DATA_HOME=${DATA_HOME}`);
    if (pids.length === 1) return pids[0];
    if (pids.length > 1) throw new Error(`more than one app running with this data home: ${pids}`);
    await sleep(50);
  }
  throw new Error("the app's process was not found");
}

async function closeSession(session, pid) {
  try {
    await session.delete();
  } catch (e) {
    log("deleting the session:", e.message);
  }
  if (pid && !(await waitExit(pid))) {
    log(`app ${pid} still running after the session ended: SIGTERM`);
    process.kill(pid, "SIGTERM");
    await waitExit(pid);
  }
}

// --- start-up ---------------------------------------------------------------------------------

// Polls once per animation frame until the sell screen is usable; returns the wall-clock time of
// the first frame in which it is (Date.now(), same clock as /proc), plus navigation timings.
const READY_SCRIPT = `
  const done = arguments[arguments.length - 1];
  // Usable: the sell screen with its search box focused and tiles, or, on a shop with staff,
  // the lock screen with the staff to choose from (what such a till opens on).
  const ready = () => {
    const s = document.querySelector('[data-testid="search-input"]');
    const sell = !!s && document.activeElement === s && document.querySelector('[data-testid="product-tile"]') !== null;
    return sell || document.querySelector('[data-testid="lock-staff"]') !== null;
  };
  const already = ready();
  const nav = performance.getEntriesByType("navigation")[0];
  const tick = () => {
    if (!ready()) return requestAnimationFrame(tick);
    const usable = Date.now();
    requestAnimationFrame(() => requestAnimationFrame(() => done({
      already, usable, painted: Date.now(), timeOrigin: performance.timeOrigin,
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
      load: nav ? nav.loadEventEnd : null,
      tiles: document.querySelectorAll('[data-testid="product-tile"]').length,
      category: document.querySelector('[role="tab"][aria-selected="true"]')?.textContent ?? null,
    })));
  };
  tick();`;

async function startOnce(store) {
  const requested = Date.now();
  const session = await Session.create(DRIVER, APP, { args: ["--store", store.path] });
  const created = Date.now();
  let pid;
  try {
    pid = await appPid();
    const started = startEpochMs(pid);
    await session.cmd("POST", "/timeouts", { script: 120000 });
    // The first script may land on the blank page the window shows before it navigates to the
    // app; that page unloads under it, and the script is started again on the app's page.
    let r;
    for (let attempt = 0; ; attempt++) {
      try {
        r = await session.cmd("POST", "/execute/async", { script: READY_SCRIPT, args: [] });
        break;
      } catch (e) {
        if (attempt > 50 || !/unload|no such frame|navigat/i.test(e.message)) throw e;
        await sleep(5);
      }
    }
    const row = {
      store: store.key,
      pid,
      requested,
      created,
      started,
      ...r,
      launchToUsable: r.usable - started,
      launchToNavigation: r.timeOrigin - started,
      navigationToUsable: r.usable - r.timeOrigin,
      requestToUsable: r.usable - requested,
      sessionOverhead: started - requested,
    };
    log(
      `start-up ${store.key}: launch→usable ${ms(row.launchToUsable)} ms (launch→navigation ${ms(row.launchToNavigation)}, ` +
        `navigation→usable ${ms(row.navigationToUsable)}; session request→launch ${ms(row.sessionOverhead)})${r.already ? " [already usable at first check: upper bound]" : ""}`,
    );
    return { session, pid, row };
  } catch (e) {
    await closeSession(session, pid);
    throw e;
  }
}

// --- search as you type -----------------------------------------------------------------------

// Timestamps in the page: keydown on the search box (capture), and every change to the search
// section's DOM with the start of the next animation frame (the frame that paints it).
const INSTRUMENT_SCRIPT = `
  const input = document.querySelector('[data-testid="search-input"]');
  const P = (window.__perf = { keys: [], muts: [] });
  // The results as shown: their names in order (the box's own echo of the typed text is not a result).
  const sig = () => [...document.querySelectorAll('[data-testid="search-result"]')].map((r) => r.textContent).join("|");
  input.addEventListener("keydown", (e) => P.keys.push({ key: e.key, t: performance.now(), sig: sig() }), true);
  const root = input.closest("section") ?? document.body;
  new MutationObserver(() => {
    const m = { t: performance.now(), sig: sig() };
    P.muts.push(m);
    requestAnimationFrame(() => { m.frame = performance.now(); });
  }).observe(root, { childList: true, subtree: true, characterData: true });
  return root.tagName;`;

const KEY_WAIT_SCRIPT = `
  const [since, debounce, timeout] = arguments;
  const done = arguments[arguments.length - 1];
  const P = window.__perf;
  const end = performance.now() + timeout;
  const tick = () => {
    const k = P.keys.filter((k) => k.t >= since).at(-1);
    // The first change after the key that shows other results than before it (no fixed wait).
    const m = k && P.muts.find((m) => m.t >= k.t + debounce && m.sig !== k.sig);
    if (k && m && m.frame !== undefined) {
      // Let a second batch of changes (if any) land before moving on.
      return setTimeout(() => done({ key: k.key, tKey: k.t, tDom: m.t, tFrame: m.frame,
        results: document.querySelectorAll('[data-testid="search-result"]').length, now: performance.now() }), 50);
    }
    if (performance.now() > end) return done({ key: k?.key ?? null, tKey: k?.t ?? null, tDom: null, tFrame: null,
      results: document.querySelectorAll('[data-testid="search-result"]').length, now: performance.now() });
    requestAnimationFrame(tick);
  };
  tick();`;

// The bare command through IPC, from the page: __TAURI_INTERNALS__.invoke as the UI's api does.
const INVOKE_SCRIPT = `
  const [texts, reps] = arguments;
  const done = arguments[arguments.length - 1];
  (async () => {
    const out = [];
    for (let r = 0; r < reps; r++) for (const text of texts) {
      const t0 = performance.now();
      const found = await window.__TAURI_INTERNALS__.invoke("find_products", { text, limit: 20 });
      out.push({ text, ms: performance.now() - t0, n: found.length });
    }
    return out;
  })().then(done, (e) => done({ error: String(e?.message ?? e) }));`;

// The commands the sell screen runs when it opens, timed one by one through IPC from the page.
const OPEN_CMDS_SCRIPT = `
  const [reps] = arguments;
  const done = arguments[arguments.length - 1];
  const I = window.__TAURI_INTERNALS__;
  (async () => {
    const cats = await I.invoke("categories", {});
    const calls = [
      ["app_status", {}],
      ["current_cart", {}],
      ["categories", {}],
      ["list_products", { category: cats[0] ?? null, offset: 0, limit: 60 }],
    ];
    const out = [];
    for (let r = 0; r < reps; r++) for (const [cmd, args] of calls) {
      const t0 = performance.now();
      await I.invoke(cmd, args);
      out.push({ cmd, ms: performance.now() - t0 });
    }
    return out;
  })().then(done, (e) => done({ error: String(e?.message ?? e) }));`;

/** The sell screen's search box asks the till at each keystroke (no debounce since the ranked
 * search): a result is the first change showing other results than before the key. */
const DEBOUNCE_MS = 0;

/** On a shop with staff the till opens locked: the first of its staff (the demo's admin, PIN
 * 1000) signs in, and the sell screen comes up. */
async function signInIfLocked(session) {
  const tiles = await session.findAll("lock-staff");
  if (tiles.length === 0) return;
  await tiles[0].click();
  const pin = await session.waitFor("lock-pin", { timeout: 10000 });
  await pin.sendKeys(process.env.PERF_PIN ?? "1000");
  await (await session.find("pin-ok")).click();
  await session.waitFor("product-tile", { timeout: 30000 });
}

async function typeWords(session, store) {
  await signInIfLocked(session);
  await session.execute(INSTRUMENT_SCRIPT);
  const rows = [];
  for (const word of WORDS) {
    for (let i = 0; i < word.length; i++) {
      const { now } = await session.execute("return { now: performance.now() };");
      await session.keys(word[i]);
      const r = await session.cmd("POST", "/execute/async", { script: KEY_WAIT_SCRIPT, args: [now, DEBOUNCE_MS, 1500] });
      const row = {
        store: store.key,
        word,
        typed: word.slice(0, i + 1),
        results: r.results,
        keyToDom: r.tDom === null ? null : r.tDom - r.tKey,
        keyToFrame: r.tFrame === null ? null : r.tFrame - r.tKey,
      };
      rows.push(row);
      await sleep(150);
    }
    await session.keys("\uE00C"); // Escape clears the search
    await sleep(400);
  }
  const texts = [...new Set(WORDS.flatMap((w) => [...w].map((_, i) => w.slice(0, i + 1))))];
  const raw = await session.cmd("POST", "/execute/async", { script: INVOKE_SCRIPT, args: [texts, 3] });
  if (raw.error) throw new Error(`find_products: ${raw.error}`);
  const open = await session.cmd("POST", "/execute/async", { script: OPEN_CMDS_SCRIPT, args: [5] });
  if (open.error) throw new Error(`sell screen commands: ${open.error}`);
  return { rows, raw: raw.map((r) => ({ store: store.key, ...r })), open: open.map((r) => ({ store: store.key, ...r })) };
}

// --- memory without WebDriver -----------------------------------------------------------------

async function plainLaunchMemory(store, extraEnv = {}) {
  const child = spawn(APP, ["--store", store.path], {
    env: { ...process.env, XDG_DATA_HOME: DATA_HOME, ...extraEnv },
    stdio: ["ignore", "ignore", "ignore"],
  });
  try {
    await sleep(5000);
    const tag = `${store.key}${Object.keys(extraEnv).length ? "-" + Object.keys(extraEnv).join("-") : ""}`;
    const shot1 = grab(join(OUT, `plain-${tag}-start.png`));
    await sleep(IDLE_S * 1000);
    const mem = treeMemory(child.pid);
    const shot2 = grab(join(OUT, `plain-${tag}-idle.png`));
    log(`plain launch ${tag}: PSS ${(mem.total.Pss / 1024).toFixed(1)} MB, RSS ${(mem.total.Rss / 1024).toFixed(1)} MB`);
    return { store: store.key, env: extraEnv, mem, screenshots: [shot1, shot2] };
  } finally {
    child.kill("SIGTERM");
    await waitExit(child.pid);
  }
}

// --- the run ----------------------------------------------------------------------------------

const startup = [];
const memory = [];
const search = [];
const raw = [];
const open = [];
const plain = [];

for (let i = 0; i < RUNS; i++) {
  const order = i % 2 === 0 ? STORES : [...STORES].reverse();
  for (const store of order) {
    const { session, pid, row } = await startOnce(store);
    startup.push(row);
    try {
      if (i === RUNS - 1) {
        await sleep(IDLE_S * 1000);
        const mem = treeMemory(pid);
        memory.push({ store: store.key, mem });
        log(`idle (WebDriver session) ${store.key}: PSS ${(mem.total.Pss / 1024).toFixed(1)} MB, RSS ${(mem.total.Rss / 1024).toFixed(1)} MB`);
        await session.screenshot(join(OUT, `sell-${store.key}.png`));
        const s = await typeWords(session, store);
        search.push(...s.rows);
        raw.push(...s.raw);
        open.push(...s.open);
        await session.screenshot(join(OUT, `search-${store.key}.png`));
      }
    } finally {
      await closeSession(session, pid);
    }
  }
}
for (const store of STORES) plain.push(await plainLaunchMemory(store));
// For comparison: WebKit without accelerated compositing (no GL surfaces; software painting).
plain.push(await plainLaunchMemory(STORES[0], { WEBKIT_DISABLE_COMPOSITING_MODE: "1" }));

// --- report -----------------------------------------------------------------------------------

const byStore = (xs, k) => xs.filter((x) => x.store === k);
const md = [];
md.push(`# Desktop till measurements (${new Date().toISOString()})`, "");
md.push(`App: \`${APP}\`; ${RUNS} start-ups per store, interleaved; idle ${IDLE_S} s; words: ${WORDS.join(", ")}.`, "");
md.push("## Launch → usable sell screen", "");
md.push("| store | launch → usable: median / p95 | launch → navigation start | navigation → usable | session request → process start (WebDriver) | runs already usable at first check |");
md.push("| --- | --- | --- | --- | --- | --- |");
for (const s of STORES) {
  const xs = byStore(startup, s.key);
  md.push(
    `| ${s.label} | ${fmtStats(stats(xs.map((x) => x.launchToUsable)))} | ${ms(quantile(xs.map((x) => x.launchToNavigation), 0.5))} ms | ` +
      `${ms(quantile(xs.map((x) => x.navigationToUsable), 0.5))} ms | ${ms(quantile(xs.map((x) => x.sessionOverhead), 0.5))} ms | ${xs.filter((x) => x.already).length} |`,
  );
}
md.push("");
md.push("The sell screen's own commands through IPC (median of 5, ms), on the already open store:", "");
const cmds = [...new Set(open.map((x) => x.cmd))];
md.push("| store | " + cmds.join(" | ") + " |", "| --- | " + cmds.map(() => "---").join(" | ") + " |");
for (const s of STORES) {
  md.push(`| ${s.label} | ` + cmds.map((c) => ms(quantile(open.filter((x) => x.store === s.key && x.cmd === c).map((x) => x.ms), 0.5))).join(" | ") + " |");
}
md.push("");
md.push("## Idle memory", "");
for (const m of memory) {
  md.push(`### ${STORES.find((s) => s.key === m.store).label}, WebDriver session, ${IDLE_S} s idle (MB)`, "", memoryTable(m.mem), "");
}
for (const m of plain) {
  const extra = Object.entries(m.env).map(([k, v]) => `${k}=${v}`).join(" ");
  md.push(`### ${STORES.find((s) => s.key === m.store).label}, plain launch (no WebDriver)${extra ? ", " + extra : ""}, 5 + ${IDLE_S} s (MB)`, "", memoryTable(m.mem), "");
  md.push("Largest mappings by PSS (MB):", "", ...mappingLines(m.mem), "");
}
md.push("## Search as you type (keystroke → results rendered)", "");
md.push(`No debounce: each keystroke asks the till at once. "DOM" = the new results in the DOM; "frame" = start of the frame that paints them.`, "");
md.push("| store | keystroke → DOM: median / p95 | keystroke → frame: median / p95 | keystrokes without a DOM change | bare find_products via IPC: median / p95 |");
md.push("| --- | --- | --- | --- | --- |");
for (const s of STORES) {
  const xs = byStore(search, s.key);
  const ok = xs.filter((x) => x.keyToDom !== null);
  md.push(
    `| ${s.label} | ${fmtStats(stats(ok.map((x) => x.keyToDom)))} | ${fmtStats(stats(ok.map((x) => x.keyToFrame)))} | ${xs.length - ok.length} of ${xs.length} | ` +
      `${fmtStats(stats(byStore(raw, s.key).map((x) => x.ms)))} |`,
  );
}
md.push("", "Per keystroke (ms, keystroke → frame):", "");
md.push("| typed | " + STORES.map((s) => `${s.label} (results)`).join(" | ") + " |");
md.push("| --- | " + STORES.map(() => "---").join(" | ") + " |");
for (const typed of [...new Set(search.map((x) => x.typed))]) {
  const cells = STORES.map((s) => {
    const x = search.find((y) => y.store === s.key && y.typed === typed);
    return x ? `${x.keyToFrame === null ? "no change" : ms(x.keyToFrame)} (${x.results})` : "";
  });
  md.push(`| ${typed} | ${cells.join(" | ")} |`);
}
md.push("");
const report = md.join("\n");
writeFileSync(join(OUT, "report.md"), report);
writeFileSync(join(OUT, "raw.json"), JSON.stringify({ startup, memory, plain, search, raw, open }, null, 2));
console.log(report);

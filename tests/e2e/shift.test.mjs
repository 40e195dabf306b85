// A shift in the real window, on a demo store whose close asks a note above 0.20 over or short:
// open with a float counted note by note, sell for cash, pay out from the Cash menu, close blind
// counted 0.50 over — the till asks why, the note is typed, and the Z shows as printed. The CLI
// then reads the same Z back (number, expected, counted, over/short) and the journal verifies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Key } from "./webdriver.mjs";
import { freshStore, product, scan, sellScreen, shot, sleep, until, waitFocus, withApp } from "./harness.mjs";

const ESPRESSO = "5010000010317";

/** The text of `[data-testid=...]` now (read in the page: the element may be re-rendered). */
const textOf = (session, testid) =>
  session.execute(`return document.querySelector('[data-testid="${testid}"]')?.textContent ?? ""`, []);

/** Types `n` into the count row of the note or coin worth `minor`. */
async function countRow(session, minor, n) {
  const input = await session.css(`[data-testid=count-row][data-minor="${minor}"] [data-testid=count-input]`);
  await input.clear();
  await input.sendKeys(String(n));
}

test("open with a float, sell, pay out, close blind 0.50 over with a note, the Z shown", { timeout: 240000 }, async () => {
  const store = freshStore("shift");
  store.cli("demo");
  store.cli("settings", "set", "cash-note-over", "0.20");
  const espresso = product(store, ESPRESSO);
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    await session.waitFor("shift-state");
    seen.before = await textOf(session, "shift-state");

    // Open: a float of 100.00 counted as five twenties.
    await (await session.find("open-shift")).click();
    await session.waitFor("open-shift-dialog");
    await until("the count rows", async () => (await session.findAll("count-row")).length > 0);
    await countRow(session, 2000, 5);
    seen.float = await textOf(session, "count-total");
    await (await session.find("open-shift-submit")).click();
    await until("the shift open", async () => /open since/i.test(await textOf(session, "shift-state")));

    // A cash sale (the exact amount).
    await waitFocus(session, "search-input");
    await scan(session, ESPRESSO, 1);
    await sleep(200);
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    await waitFocus(session, "cash-input");
    await sleep(300);
    await session.keys(Key.Enter);
    await session.waitFor("receipt", { timeout: 10000 });
    await (await session.find("new-sale")).click();
    await session.waitFor("search-input");

    // Pay out 2.50 for milk.
    await (await session.find("cash-menu")).click();
    await (await session.waitFor("pay-out")).click();
    await session.waitFor("cash-move-dialog");
    await (await session.find("cash-amount")).sendKeys("2.50");
    await (await session.find("cash-reason")).sendKeys("milk for the staff room");
    await (await session.find("cash-submit")).click();
    await session.waitGone("cash-move-dialog");

    // Close, blind: 100 + espresso − 2.50 expected; counted 0.50 more.
    const expected = 10000 + espresso.price - 250;
    const counted = expected + 50;
    await (await session.find("cash-menu")).click();
    await (await session.waitFor("close-shift")).click();
    await session.waitFor("close-shift-dialog");
    await until("the count rows", async () => (await session.findAll("count-row")).length > 0);
    seen.expectedShownBefore = /expected/i.test(await textOf(session, "close-shift-dialog"));
    // counted in pence, as 50s, 20s, 10s, 5s, 2s, 1s, 50p, 20p, 10p, 5p, 2p, 1p
    let left = counted;
    for (const minor of [5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1]) {
      const n = Math.floor(left / minor);
      if (n > 0) await countRow(session, minor, n);
      left -= n * minor;
    }
    seen.counted = await textOf(session, "count-total");
    await (await session.find("close-submit")).click();
    await session.waitFor("close-note-why", { timeout: 10000 });
    seen.why = await textOf(session, "close-note-why");
    await (await session.find("close-note")).sendKeys("a customer left the change");
    await shot(session, "shift-close");
    await (await session.find("close-submit")).click();
    await session.waitFor("z-report", { timeout: 10000 });
    await sleep(300);
    seen.z = await session.execute(
      "return [...document.querySelectorAll('[data-testid=z-line]')].map((l) => l.textContent)",
      [],
    );
    seen.variance = await textOf(session, "z-variance");
    await shot(session, "shift-z");
    await (await session.find("z-done")).click();
    await until("no shift open", async () => /no shift open/i.test(await textOf(session, "shift-state")));
    seen.after = await textOf(session, "shift-state");
    seen.expected = expected;
  });

  assert.match(seen.before, /no shift open/i);
  assert.match(seen.float, /100\.00/);
  assert.equal(seen.expectedShownBefore, false, "the close is blind");
  assert.match(seen.why, /note|why/i, "the till asks why the drawer is over");
  assert.match(seen.variance, /over/i);
  assert.ok(seen.z.some((l) => /Z REPORT 1/.test(l)), seen.z.join("\n"));
  assert.ok(seen.z.some((l) => /^OVER\s+0\.50$/.test(l)), seen.z.join("\n"));
  assert.ok(seen.z.some((l) => /a customer left the change/.test(l)), seen.z.join("\n"));
  assert.match(seen.after, /no shift open/i);

  const z = store.cli("report", "z", "1");
  assert.equal(z.z_number, 1);
  assert.equal(z.expected, seen.expected);
  assert.equal(z.counted, seen.expected + 50);
  assert.equal(z.over_short, 50);
  assert.equal(z.note, "a customer left the change");
  assert.deepEqual(z.printed, seen.z);
  store.cli("journal", "verify");
});

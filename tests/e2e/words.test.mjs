// The shop's words and dates at the window: an American shop's days written MM/DD/YYYY with the
// day in words beside them, "1 item" in the singular, no change on a
// card-only receipt; Alt and a digit reach every back-office tab; a manager sees the settings to
// read, not a form that asks an admin at Save.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Key } from "./webdriver.mjs";
import { DEMO_STAFF, TABS, backOffice, freshStore, sellScreen, scan, sleep, testCard, until, waitFocus, withApp } from "./harness.mjs";

const ESPRESSO = "5010000010317";

test("an American shop's dates and spelling, counted words, no change on a card receipt, every tab by key, settings a manager reads", { timeout: 180000 }, async () => {
  const store = freshStore("words");
  const seen = {};
  store.cli("demo");
  store.cli("settings", "set", "locale", "en-US");
  const order = store.cli("sale", "--item", `${ESPRESSO}:1`, "--pay", "cash");
  await withApp(store, async (session) => {
    await sellScreen(session);
    await scan(session, ESPRESSO, 1);
    seen.items = await (await session.find("cart-items")).text();

    // Card only: the receipt shows the card and no change.
    await waitFocus(session, "search-input");
    await session.keys(Key.F5);
    await session.waitFor("card-dialog");
    const approved = await testCard(session, "approved");
    await approved.click();
    await session.waitFor("receipt", { timeout: 15000 });
    seen.change = (await session.findAll("receipt-change")).length;
    await session.keys(Key.Enter);
    await session.waitGone("receipt");

    // Every tab by Alt and its digit.
    seen.tabs = [];
    for (const tab of Object.keys(TABS)) {
      await backOffice(session, tab);
      seen.tabs.push(tab);
    }

    // Orders: the days as an American writes them, with the day in words.
    await backOffice(session, "orders");
    await (await session.find("orders-today")).click();
    const from = await session.waitFor("orders-from");
    seen.fromText = await from.prop("value");
    seen.fromDay = await from.attr("data-day");
    seen.fromPlaceholder = await from.attr("placeholder");
    seen.fromWords = await (await session.find("orders-from-words")).text();
    // A day typed the American way is read the American way.
    await from.clear();
    await from.sendKeys("1/2/2026");
    await sleep(100);
    await from.sendKeys(Key.Enter);
    await until("the day read", async () => (await from.attr("data-day")) === "2026-01-02");
    seen.typedWords = await (await session.find("orders-from-words")).text();

    // The manager: the settings to read, with a way to ask for a change.
    await session.keys(Key.Escape);
    await sleep(200);
  });
  // A second window session as the manager (the lock screen names Morgan).
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.manager);
    await backOffice(session, "settings");
    seen.readOnly = await (await session.waitFor("settings-read-only")).text();
    seen.disabled = await (await session.find("settings")).prop("disabled");
  });

  assert.match(seen.items, /^1 item$/, `singular for one: ${seen.items}`);
  assert.equal(seen.change, 0, "no change on a card-only receipt");
  assert.deepEqual(seen.tabs, Object.keys(TABS), "Alt and a digit reach all the tabs");
  assert.equal(seen.fromPlaceholder, "MM/DD/YYYY");
  assert.match(seen.fromText, /^\d{2}\/\d{2}\/\d{4}$/, `figures the American way: ${seen.fromText}`);
  const [y, m, d] = seen.fromDay.split("-");
  assert.equal(seen.fromText, `${m}/${d}/${y}`);
  assert.match(seen.fromWords, /^[A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}, \d{4}$/, `the day in words: ${seen.fromWords}`);
  assert.match(seen.typedWords, /Jan 2, 2026/, "1/2/2026 is January 2nd in an American shop");
  assert.match(seen.readOnly, /only an admin changes them/i);
  assert.equal(seen.disabled, true, "every field disabled for a manager");
  assert.ok(order.receipt, "the CLI's sale is there too");
});

// The cashier's minute at the real window: a manager's approval from the keyboard alone (Enter on
// the name, the PIN, Enter), saying what it approves; search that ranks whole words and answers
// exactly what was typed when Enter is pressed; a refund that shows its amount before it is made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_STAFF, backOffice, fill, freshStore, sellScreen, shot, until, waitFocus, withApp } from "./harness.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
import { Key } from "./webdriver.mjs";

test("a discount above the limit is approved from the keyboard, and the dialog says what it approves", { timeout: 180000 }, async () => {
  const store = freshStore("window-approval");
  store.cli("demo");
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.cashier);
    await fill(session, "search-input", "HOT-0001");
    await session.keys(Key.Enter);
    await session.waitFor("cart-line", { timeout: 10000 });
    await session.keys(Key.F6);
    await waitFocus(session, "order-discount-dialog-input");
    await (await session.active()).sendKeys("100%");
    // A person's pause before Enter: four characters and Enter within 30 ms is a scanner's.
    await sleep(300);
    await session.keys(Key.Enter);
    await session.waitFor("approval-dialog", { timeout: 10000 });
    seen.what = await (await session.find("approval-what")).text();
    // Keys only: to the manager's name; Enter chooses them and puts focus in the PIN.
    await waitFocus(session, "approval-approver");
    await session.keys(Key.Tab);
    seen.onName = await (await session.active()).attr("data-name");
    await session.keys(Key.Enter);
    await waitFocus(session, "approval-pin");
    await (await session.active()).sendKeys(DEMO_STAFF.manager.pin);
    await shot(session, "window-approval");
    await session.keys(Key.Enter);
    await until("the approval dialog to close", async () => (await session.findAll("approval-dialog")).length === 0);
    seen.total = await until("the discounted total", async () => {
      const t = await (await session.find("cart-total")).text();
      return /0\.00$/.test(t) ? t : null;
    });
  });
  assert.match(seen.what, /^100% off the whole sale, 1 item \(\d+\.\d\d\)$/);
  assert.equal(seen.onName, "Morgan");
  assert.match(seen.total, /0\.00$/, "the approved 100 % is on the sale");
});

test("search ranks whole words first, and Enter takes the answer to exactly what was typed", { timeout: 180000 }, async () => {
  const store = freshStore("window-search");
  store.cli("demo");
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.cashier);
    await fill(session, "search-input", "tea");
    // Each keystroke is answered; the list settles on the answer for all three letters.
    let last = "";
    seen.tea = await until("the results for tea to settle", async () => {
      const rows = await session.findAll("search-result");
      const names = await Promise.all(rows.map(async (r) => (await r.text()).split("\n")[0]));
      const now = JSON.stringify(names);
      const settled = rows.length >= 3 && now === last;
      last = now;
      await new Promise((r) => setTimeout(r, 300));
      return settled ? names : null;
    });
    await shot(session, "window-search");
    // Typed and entered at once: the line is the one that answers every word.
    await fill(session, "search-input", "chai l");
    await session.keys(Key.Enter);
    await session.waitFor("cart-line", { timeout: 10000 });
    seen.added = await (await session.find("cart-line")).text();
  });
  const tealight = seen.tea.findIndex((n) => /^Tealight/.test(n));
  const wholeTea = seen.tea.filter((n) => /\btea\b/i.test(n));
  assert.ok(wholeTea.length >= 2, JSON.stringify(seen.tea));
  assert.ok(/\btea\b/i.test(seen.tea[0]), `a whole word first: ${JSON.stringify(seen.tea)}`);
  if (tealight >= 0) assert.ok(seen.tea.slice(0, tealight).length >= wholeTea.length, JSON.stringify(seen.tea));
  assert.match(seen.added, /Chai latte/);
});

test("a refund shows what it pays back before it is made, and its quantity box starts empty", { timeout: 180000 }, async () => {
  const store = freshStore("window-refund");
  store.cli("demo");
  const sale = store.cli("sale", "--item", "HOT-0001:2", "--pay", "cash");
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.admin);
    await backOffice(session, "orders");
    await fill(session, "orders-search", sale.receipt);
    await session.keys(Key.Enter);
    await session.waitFor("order-detail", { timeout: 10000 });
    await (await session.find("refund-button")).click();
    await session.waitFor("refund-dialog");
    await (await session.find("refund-mode-lines")).click();
    const qty = await session.waitFor("refund-qty");
    seen.startsAs = await qty.prop("value");
    await qty.click();
    await session.keys("1");
    seen.preview = await until("the refund's amount", async () => {
      const text = (await (await session.find("refund-preview")).text()).trim();
      return text || null;
    });
    seen.before = store.cli("orders", "show", sale.receipt).status;
    await shot(session, "window-refund-preview");
  });
  assert.equal(seen.startsAs, "");
  assert.match(seen.preview, /^Refund GBP \d+\.\d\d: \d+\.\d\d to cash/);
  assert.equal(seen.before, "paid", "nothing is refunded until Refund is pressed");
});

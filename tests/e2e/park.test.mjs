// Park and resume on the sell screen: a sale is parked with a note (F8), another customer's sale is
// rung up and paid meanwhile, then the parked one is found under F9, resumed and paid. The CLI
// then sees two paid orders with the right totals and no parked carts left.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Key } from "./webdriver.mjs";
import { cartTotal, freshStore, minor, product, scan, sellScreen, shot, sleep, waitFocus, withApp } from "./harness.mjs";

// Demo catalog (crates/store/src/demo.rs).
const PARKED = ["5010000327071", "5018198039783"]; // Americano (regular), Almond croissant
const OTHER = ["5010000643836"]; // Cappuccino (regular)
const NOTE = "Table 4, back in five";
const CASH = 500; // handed over for the resumed sale, in minor units

test("park a sale with a note, sell another, resume the parked one and pay it", { timeout: 180000 }, async () => {
  const store = freshStore("park");
  store.cli("demo");
  const parkedItems = PARKED.map((b) => product(store, b));
  const otherItems = OTHER.map((b) => product(store, b));
  const parkedTotal = parkedItems.reduce((n, p) => n + p.price, 0);
  const otherTotal = otherItems.reduce((n, p) => n + p.price, 0);
  assert.ok(CASH >= parkedTotal);

  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);

    // The first sale, parked with a note: F8, type the note, Enter.
    for (const [i, b] of PARKED.entries()) await scan(session, b, i + 1);
    await cartTotal(session, parkedTotal);
    await session.keys(Key.F8);
    await session.waitFor("park-dialog");
    await waitFocus(session, "park-dialog-input");
    await session.keys(NOTE);
    await sleep(300); // not a scan: Enter comes well after the text
    await shot(session, "park-note");
    await session.keys(Key.Enter);
    await session.waitGone("park-dialog");
    seen.linesAfterPark = (await session.waitCount("cart-line", 0)).length;
    await cartTotal(session, 0);

    // Another sale meanwhile, paid exactly (F12, empty cash field, Enter).
    await waitFocus(session, "search-input");
    for (const [i, b] of OTHER.entries()) await scan(session, b, i + 1);
    await cartTotal(session, otherTotal);
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    await waitFocus(session, "cash-input");
    await session.keys(Key.Enter);
    await session.waitFor("receipt", { timeout: 10000 });
    seen.otherReceipt = await (await session.find("receipt-number")).text();
    seen.otherTotal = minor(await (await session.find("receipt-total")).text());
    await waitFocus(session, "new-sale");
    await session.keys(Key.Enter);
    await session.waitGone("receipt");
    await sellScreen(session);
    seen.linesAfterOther = (await session.findAll("cart-line")).length;

    // F9: the parked sale with its note; its Resume is focused, Enter resumes it.
    await session.keys(Key.F9);
    await session.waitFor("parked-dialog");
    const rows = await session.waitCount("parked-row", 1);
    seen.parkedRow = await rows[0].prop("textContent");
    await waitFocus(session, "resume-button");
    await shot(session, "park-parked-sales");
    await session.keys(Key.Enter);
    await session.waitGone("parked-dialog");
    seen.resumedLines = await Promise.all(
      (await session.waitCount("cart-line", PARKED.length)).map((l) => l.prop("textContent")),
    );
    seen.resumedTotal = await cartTotal(session, parkedTotal);
    await shot(session, "park-resumed");

    // Pay the resumed sale in cash.
    await waitFocus(session, "search-input");
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    await waitFocus(session, "cash-input");
    await session.keys((CASH / 100).toFixed(2));
    await sleep(300); // not a scan
    await session.keys(Key.Enter);
    await session.waitFor("receipt", { timeout: 10000 });
    seen.parkedReceipt = await (await session.find("receipt-number")).text();
    seen.parkedReceiptTotal = minor(await (await session.find("receipt-total")).text());
    seen.parkedChange = minor(await (await session.find("receipt-change")).text());
    await shot(session, "park-receipt");

    // No parked sales left.
    await session.keys(Key.Enter);
    await session.waitGone("receipt");
    await sellScreen(session);
    await session.keys(Key.F9);
    await session.waitFor("parked-dialog");
    await session.waitFor("parked-dialog", {
      pred: async (el) => /No parked sales/.test(await el.prop("textContent")),
    });
    seen.parkedRowsAtEnd = (await session.findAll("parked-row")).length;
    await session.keys(Key.Escape);
    await session.waitGone("parked-dialog");
  });

  assert.equal(seen.linesAfterPark, 0, "parking empties the cart");
  assert.equal(seen.otherTotal, otherTotal);
  assert.equal(seen.linesAfterOther, 0);
  assert.ok(seen.parkedRow.includes(NOTE), seen.parkedRow);
  for (const p of parkedItems) assert.ok(seen.parkedRow.includes(p.name), `${p.name} in ${seen.parkedRow}`);
  parkedItems.forEach((p, i) => assert.ok(seen.resumedLines[i].includes(p.name), `line ${i + 1}: ${seen.resumedLines[i]}`));
  assert.equal(seen.resumedTotal, parkedTotal);
  assert.equal(seen.parkedReceiptTotal, parkedTotal);
  assert.equal(seen.parkedChange, CASH - parkedTotal);
  assert.notEqual(seen.parkedReceipt, seen.otherReceipt);
  assert.equal(seen.parkedRowsAtEnd, 0);

  // The CLI: two paid orders with the right totals and lines, nothing parked.
  const { orders } = store.cli("orders", "list");
  assert.equal(orders.length, 2, JSON.stringify(orders));
  const byReceipt = Object.fromEntries(orders.map((o) => [o.receipt, o]));
  assert.equal(byReceipt[seen.otherReceipt]?.status, "paid");
  assert.equal(byReceipt[seen.otherReceipt]?.total, otherTotal);
  assert.equal(byReceipt[seen.parkedReceipt]?.status, "paid");
  assert.equal(byReceipt[seen.parkedReceipt]?.total, parkedTotal);
  const resumed = store.cli("orders", "show", seen.parkedReceipt);
  assert.deepEqual(resumed.lines.map((l) => [l.sku, l.quantity]), parkedItems.map((p) => [p.sku, 1]));
  assert.equal(resumed.change, CASH - parkedTotal);
  const other = store.cli("orders", "show", seen.otherReceipt);
  assert.deepEqual(other.lines.map((l) => [l.sku, l.quantity]), otherItems.map((p) => [p.sku, 1]));
  assert.deepEqual(store.cli("parked").parked, []);
});

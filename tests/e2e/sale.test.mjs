// The first end-to-end test: the real app in a real window (Xvfb), driven through tauri-driver.
// A fresh store → "Try the demo shop" → a scanned barcode → pay cash by keyboard → receipt → the
// CLI sees exactly one paid order with that total. Run it through tests/e2e/run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Key } from "./webdriver.mjs";
import { freshStore, minor, sellScreen, shot, sleep, waitFocus, withApp } from "./harness.mjs";

// The demo catalog's first product (crates/store/src/demo.rs: section 0 "Hot Drinks", item 0):
// barcode_for(0, 0) = ean13("50" + "10000" + "01031").
const PRODUCT = { name: "Espresso", barcode: "5010000010317", price: 180 };
const CASH = "10"; // tendered; change = 1000 − 180 = 820 pence

test("a demo-shop sale by scanner and keyboard, seen by the CLI", { timeout: 180000 }, async () => {
  const store = freshStore("sale");
  assert.ok(!existsSync(store.db), "the store is not fresh");

  const seen = {}; // collected in the session, asserted after it is closed
  await withApp(store, async (session) => {
    // First run: the demo button, pressed by keyboard (focus it, then Enter).
    await session.waitFor("demo-button", { timeout: 30000 });
    seen.storeCreated = existsSync(store.db); // the app opened the --store file, not its default
    await shot(session, "first-run");
    await session.execute("document.querySelector('[data-testid=demo-button]').focus()");
    await session.keys(Key.Enter);

    // The sell screen.
    await session.waitFor("search-input", { timeout: 30000 });
    seen.banner = (await session.findAll("demo-banner")).length;
    await sellScreen(session);
    await sleep(300);

    // A scan: 13 digits and Enter in one burst, as a keyboard wedge types them, into whatever has
    // focus (the search box). One element send-keys call types them back to back; a key-actions
    // chain waits for each key's round trip, and a slow one (the search the first digit starts)
    // can open a gap wider than the scanner's 30 ms and split the scan.
    const focused = await session.active();
    seen.scanInto = await focused.attr("data-testid");
    await focused.sendKeys(PRODUCT.barcode + Key.Enter);
    const line = await session.waitFor("cart-line", { timeout: 10000 });
    // textContent: WebKitWebDriver's rendered-text algorithm drops the ellipsised name span.
    seen.line = await line.prop("textContent");
    seen.lines = (await session.findAll("cart-line")).length;
    seen.cartTotal = await (await session.find("cart-total")).text();
    seen.search = await (await session.find("search-input")).prop("value");
    await shot(session, "sell");

    // Pay: F12, type the cash (focus starts in the cash field), wait, then Enter to confirm.
    await sleep(200);
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    seen.due = await (await session.find("pay-due")).text();
    seen.changeEmpty = await (await session.find("pay-change")).text(); // empty cash = exact amount
    await waitFocus(session, "cash-input");
    await session.keys(CASH);
    await sleep(300); // not a scan: Enter comes well after the digits
    seen.payChange = await (await session.find("pay-change")).text();
    await shot(session, "pay");
    await session.keys(Key.Enter);

    // The receipt.
    const receipt = await session.waitFor("receipt", { timeout: 10000 });
    seen.receipt = await receipt.prop("textContent");
    seen.receiptTotal = await (await session.find("receipt-total")).text();
    seen.receiptChange = await (await session.find("receipt-change")).text();
    seen.receiptNumber = await (await session.find("receipt-number")).text();
    seen.receiptDemo = (await session.findAll("receipt-demo")).length;
    await shot(session, "receipt");

    // New sale (focused on the receipt): Enter → an empty sell screen.
    await session.keys(Key.Enter);
    await session.waitGone("receipt");
    await session.waitFor("search-input");
    seen.linesAfter = (await session.findAll("cart-line")).length;
  });

  assert.ok(seen.storeCreated, `the app created its store at ${store.db}`);
  if (process.env.E2E_DATA_HOME) {
    const fallback = join(process.env.E2E_DATA_HOME, "com.versatalent.pos", "store.db");
    assert.ok(!existsSync(fallback), `with --store the app left its data folder's store alone (${fallback})`);
  }
  assert.equal(seen.banner, 1, "demo banner on the sell screen");
  assert.equal(seen.scanInto, "search-input", "the sell screen starts with the search box focused");
  assert.equal(seen.lines, 1, "one cart line after the scan");
  assert.match(seen.line, new RegExp(PRODUCT.name));
  assert.equal(minor(seen.cartTotal), PRODUCT.price);
  assert.equal(seen.search, "", "the scanned digits were taken back out of the search box");
  assert.equal(minor(seen.due), PRODUCT.price);
  assert.equal(minor(seen.changeEmpty), 0, "no change due for the exact amount (empty cash field)");
  assert.equal(minor(seen.payChange), 1000 - PRODUCT.price);
  assert.equal(minor(seen.receiptTotal), PRODUCT.price);
  assert.equal(minor(seen.receiptChange), 1000 - PRODUCT.price);
  assert.match(seen.receipt, new RegExp(PRODUCT.name));
  assert.match(seen.receipt, /cash/i);
  assert.equal(seen.receiptDemo, 1, "receipt marked DEMO");
  assert.equal(seen.linesAfter, 0, "new sale starts with an empty cart");

  // The CLI on the same store: exactly one order, paid, with that total and receipt number.
  const { orders } = store.cli("orders", "list");
  assert.equal(orders.length, 1, JSON.stringify(orders));
  assert.equal(orders[0].status, "paid");
  assert.equal(orders[0].total, PRODUCT.price);
  assert.equal(orders[0].receipt, seen.receiptNumber);
});

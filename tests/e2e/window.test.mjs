// The cashier's minute at the real window: a manager's approval from the keyboard alone (Enter on
// the name, the PIN, Enter), saying what it approves; search that ranks whole words and answers
// exactly what was typed when Enter is pressed; a refund that shows its amount before it is made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_STAFF, backOffice, enterPin, fill, freshStore, sellScreen, shot, until, waitFocus, withApp } from "./harness.mjs";

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
    // Typed and entered straight after (a person's pause, just over the 30 ms that tells a
    // scanner apart): the line is the one that answers every word.
    await fill(session, "search-input", "chai l");
    await sleep(50);
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

test("a whole café sale from the keyboard alone: 3 items, a discount a manager approves, the card — in at most 25 keys", { timeout: 180000 }, async () => {
  const store = freshStore("window-keyboard-sale");
  store.cli("demo");
  const seen = { keys: 0 };
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.cashier);
    /** A key pressed (counted); `text` typed into the focused field (counted a key a character). */
    const key = async (k) => {
      seen.keys += 1;
      await session.keys(k);
    };
    const typed = async (text, { count = true } = {}) => {
      if (count) seen.keys += [...text].length;
      await (await session.active()).sendKeys(text);
      await sleep(300); // a person, not a scanner: the next key comes later than 30 ms
    };
    // Three items by name (names are not counted), each taken with Enter.
    for (const [name, lines] of [["latte", 1], ["flat white", 2], ["almond croissant", 3]]) {
      await waitFocus(session, "search-input");
      await typed(name, { count: false });
      await until(`results for ${name}`, async () => (await session.findAll("search-result")).length > 0);
      await key(Key.Enter);
      await session.waitCount("cart-line", lines);
    }
    // 20 % off the sale: beyond a cashier's limit, a manager approves at the till.
    await key(Key.F6);
    await waitFocus(session, "order-discount-dialog-input");
    await typed("20%");
    await key(Key.Enter);
    await waitFocus(session, "approval-approver");
    await key(Key.Tab);
    await key(Key.Enter);
    await waitFocus(session, "approval-pin");
    await typed(DEMO_STAFF.manager.pin);
    await key(Key.Enter);
    await until("the approval to go through", async () => (await session.findAll("approval-dialog")).length === 0);
    // The card: F5, and on the demo reader Enter presents the approved test card.
    await waitFocus(session, "search-input");
    await key(Key.F5);
    await session.waitFor("card-dialog");
    await until("the reader waiting for a card", async () => {
      for (const el of await session.findAll("test-card")) if (await el.enabled()) return true;
      return null;
    });
    await key(Key.Enter);
    await session.waitFor("receipt-number", { timeout: 20000 });
    seen.receipt = await (await session.find("receipt-number")).text();
    seen.payment = await (await session.find("receipt-payment")).text();
    await shot(session, "window-keyboard-sale");
  });
  const order = store.cli("orders", "show", seen.receipt);
  assert.equal(order.status, "paid");
  assert.equal(order.lines.length, 3);
  assert.ok(order.discount_total > 0, "the approved discount is on the sale");
  assert.match(seen.payment, /Card/);
  assert.ok(seen.keys <= 25, `${seen.keys} keys`);
  console.log(`keyboard-only sale: ${seen.keys} keys`);
});

test("the sell screen fits at 1024×768, 1280×800 and 1920×1080: whole names, a cart that widens", { timeout: 180000 }, async () => {
  const store = freshStore("window-sizes");
  store.cli("demo");
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.cashier);
    for (const name of ["english breakfast tea (large)", "english breakfast tea (regular)", "millionaire's shortbread"]) {
      await fill(session, "search-input", name);
      await sleep(300);
      await until(`results for ${name}`, async () => (await session.findAll("search-result")).length > 0);
      await session.keys(Key.Enter);
      await sleep(300);
    }
    await session.waitCount("cart-line", 3);
    for (const [width, height] of [[1024, 768], [1280, 800], [1920, 1080]]) {
      await session.cmd("POST", "/window/rect", { width, height });
      await session.settle();
      seen[width] = await session.execute(`
        const cut = (el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
        const names = [...document.querySelectorAll(".line .name, .tile .name")];
        return {
          window: window.innerWidth,
          cart: document.querySelector("section.right, .right")?.getBoundingClientRect().width ?? 0,
          names: names.length,
          cut: names.filter(cut).map((n) => n.textContent),
          lines: [...document.querySelectorAll("[data-testid=cart-line] .name")].map((n) => n.textContent),
        };`);
      await shot(session, `sell-${width}x${height}`);
    }
  });
  for (const w of [1024, 1280, 1920]) {
    assert.ok(seen[w].names > 3, JSON.stringify(seen[w]));
    assert.deepEqual(seen[w].cut, [], `${w}: no name cut off`);
    assert.ok(seen[w].lines.some((l) => /English breakfast tea \(large\)/i.test(l)), JSON.stringify(seen[w].lines));
  }
  assert.ok(seen[1920].cart > seen[1024].cart + 100, `the cart widens: ${seen[1024].cart} → ${seen[1920].cart}`);
});

test("parked sales are counted on F9 with their note, and the next person is asked about a sale left on the register", { timeout: 180000 }, async () => {
  const store = freshStore("window-park");
  store.cli("demo");
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.cashier);
    await fill(session, "search-input", "HOT-0001");
    await session.keys(Key.Enter);
    await session.waitFor("cart-line", { timeout: 10000 });
    await session.keys(Key.F8);
    await session.waitFor("park-dialog-input");
    await (await session.find("park-dialog-input")).sendKeys("Table 4");
    await (await session.find("park-dialog-ok")).click();
    seen.note = await (await session.waitFor("park-note")).text();
    seen.count = await (await session.waitFor("parked-count")).text();
    // Casey rings up another sale and locks the till with it on the register.
    await fill(session, "search-input", "HOT-0002");
    await session.keys(Key.Enter);
    await session.waitFor("cart-line", { timeout: 10000 });
    await session.keys(Key.F11);
    seen.lock = await (await session.waitFor("lock-held-sale", { timeout: 10000 })).text();
    await (await session.find("lock-back")).click();
    await enterPin(session, DEMO_STAFF.manager);
    seen.takeover = await (await session.waitFor("takeover", { timeout: 10000 })).text();
    await (await session.find("takeover-park")).click();
    await session.waitFor("search-input", { timeout: 10000 });
    seen.after = await (await session.waitFor("parked-count")).text();
    seen.lines = (await session.findAll("cart-line")).length;
  });
  assert.match(seen.note, /^“Table 4” parked · 1 parked sale: F9 to resume$/);
  assert.equal(seen.count, "1");
  assert.match(seen.lock, /^Casey's sale is on the register: 1 item, GBP \d+\.\d\d$/);
  assert.match(seen.takeover, /Casey's sale is on the register/);
  assert.equal(seen.after, "2", "Casey's sale waits for her under F9");
  assert.equal(seen.lines, 0, "Morgan starts on an empty register");
  const parked = store.cli("parked").parked;
  assert.ok(parked.some((p) => p.note === "Casey's sale"), JSON.stringify(parked));
});

test("a new real shop: set-up errors in words, its first admin, then a sell screen that says how to add products and never DEMO", { timeout: 180000 }, async () => {
  const store = freshStore("window-new-shop");
  const seen = {};
  await withApp(store, async (session) => {
    await (await session.waitFor("setup-button", { timeout: 30000 })).click();
    await session.waitFor("setup-form");
    seen.focused = await session.execute("return document.activeElement.id;");
    await (await session.css("#f-shop_name")).sendKeys("Corner Café");
    const till = await session.css("#f-till_id");
    await till.clear();
    await till.sendKeys("TILL 1");
    await (await session.find("setup-submit")).click();
    seen.error = await (await session.waitFor("field-error-till_id", { timeout: 10000 })).text();
    await till.clear();
    await till.sendKeys("TILL-1");
    await (await session.find("setup-submit")).click();
    await session.waitFor("first-admin", { timeout: 10000 });
    await (await session.find("first-admin-name")).sendKeys("Ada");
    await (await session.find("first-admin-pin")).sendKeys("2468");
    await (await session.find("first-admin-pin-again")).sendKeys("2468");
    await (await session.find("first-admin-save")).click();
    seen.empty = await (await session.waitFor("empty-catalog", { timeout: 15000 })).text();
    seen.banner = (await session.findAll("demo-banner")).length;
    const mode = await session.findAll("payments-mode");
    seen.mode = mode.length ? await mode[0].text() : "";
    await (await session.find("empty-catalog-add")).click();
    seen.addDialog = (await session.waitFor("product-add-dialog", { timeout: 10000 })) !== null;
  });
  assert.equal(seen.focused, "f-shop_name", "the form starts in its first field");
  assert.doesNotMatch(seen.error, /till_id/, "the field's error is in words");
  assert.match(seen.error, /^Till id/);
  assert.match(seen.empty, /No products yet/);
  assert.equal(seen.banner, 0, "no demo banner on a real shop");
  assert.doesNotMatch(seen.mode, /DEMO/, `the card reader's mark: ${seen.mode}`);
  assert.ok(seen.addDialog, "Add a product opens the catalog's add dialog");
});

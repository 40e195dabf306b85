// Split tender on the sell screen: a VIP customer with points (earned on an earlier sale, rung up
// through the CLI) is linked with F4, part of the sale is paid with points and the rest in cash.
// A card is started first and the cashier cancels it while the (demo) reader waits, then takes
// another tender: the sale is kept as it was. The CLI then sees two payments adding up to the total
// and the points balance moved; the canceled card left an order marked payment_failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Key } from "./webdriver.mjs";
import { cartTotal, freshStore, minor, product, scan, sellScreen, shot, sleep, until, waitFocus, withApp } from "./harness.mjs";

// Demo catalog (crates/store/src/demo.rs): two scanned by barcode, one found by name.
const ESPRESSO = "5010000010317";
const DOUBLE_ESPRESSO = "5010000089504";
const CARROT_CAKE = "5018198356545"; // "Carrot cake slice", searched for as "carrot cake"
const CUSTOMER = { name: "Vera Points", email: "vera.points@example.com" };
const POINTS = 150; // redeemed at the till
const CASH = 1000; // handed over for the rest, in minor units

test("points + cash for a linked VIP customer after a canceled card, without losing the sale", { timeout: 180000 }, async () => {
  const store = freshStore("split-tender");
  // The shop and the customer's points, set up through the CLI on the same store.
  store.cli("demo");
  const { loyalty } = store.cli("settings", "show");
  const customer = store.cli("customers", "add", "--name", CUSTOMER.name, "--email", CUSTOMER.email).customer;
  const earlier = store.cli("sale", "--item", "TOI-0020:20", "--customer", String(customer.id), "--pay", "cash");
  const before = store.cli("customers", "show", String(customer.id)).customer.points_balance;
  assert.equal(before, earlier.points_earned, "the earlier sale earned the customer's points");
  assert.ok(before > POINTS, `enough points to redeem (${before})`);

  const items = [product(store, ESPRESSO), product(store, DOUBLE_ESPRESSO), product(store, CARROT_CAKE)];
  const total = items.reduce((n, p) => n + p.price, 0);
  const pointsValue = Math.floor((POINTS * 100) / loyalty.redeem_per_major); // GBP: 2 decimals
  const rest = total - pointsValue;
  assert.ok(rest > 0 && CASH >= rest, "points cover part of the sale, the cash the rest");

  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    seen.banner = (await session.findAll("demo-banner")).length;

    // Two scans, then a search by name picked with Enter (typed, a pause, then Enter: no scan).
    await scan(session, ESPRESSO, 1);
    await scan(session, DOUBLE_ESPRESSO, 2);
    await session.keys("carrot cake");
    await until("the carrot cake highlighted in the results", async () => {
      const [typed, hl] = await session.execute(
        `const el = document.querySelector('[data-testid=search-result][aria-selected=true]');
         return [document.querySelector('[data-testid=search-input]').value, el ? el.textContent : null];`,
      );
      return typed === "carrot cake" && hl !== null && hl.includes(items[2].name);
    });
    await sleep(300);
    await session.keys(Key.Enter);
    await session.waitCount("cart-line", 3);
    seen.lines = await Promise.all((await session.findAll("cart-line")).map((l) => l.prop("textContent")));
    seen.cartTotal = await cartTotal(session, total);
    await waitFocus(session, "search-input");

    // F4: find the customer by name and link them with Enter.
    await session.keys(Key.F4);
    await session.waitFor("customer-dialog");
    await waitFocus(session, "customer-search");
    await session.keys("Vera");
    await until("one customer found", async () => {
      const rows = await session.findAll("customer-row");
      return rows.length === 1 && (await rows[0].prop("textContent")).includes(CUSTOMER.name);
    });
    await sleep(300);
    await session.keys(Key.Enter);
    await session.waitGone("customer-dialog");
    seen.customer = await (await session.waitFor("cart-customer")).prop("textContent");
    seen.points = Number(await (await session.find("customer-points")).text());
    await shot(session, "split-tender-customer-linked");

    // F12: the Pay dialog. A card first: the cashier cancels it while the reader waits (Esc),
    // then gives the card up (Esc: Other tender) and is back at the Pay dialog with the sale kept.
    await waitFocus(session, "search-input");
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    await waitFocus(session, "cash-input");
    seen.due = minor(await (await session.find("pay-due")).text());
    await (await session.find("pay-card")).click();
    await session.waitFor("card-dialog");
    await until("the reader waiting for a card", async () => {
      const p = await session.findAll("card-progress");
      return p.length === 1 && /present the card/i.test(await p[0].text());
    });
    await (await session.find("card-cancel")).click();
    seen.cardOutcome = await (await session.waitFor("card-outcome", { timeout: 15000 })).text();
    await shot(session, "split-tender-card-canceled");
    await (await session.waitFor("card-other")).click();
    await session.waitGone("card-dialog", { timeout: 15000 });
    await session.waitFor("pay-dialog");
    seen.dialogAfterCard = (await session.findAll("pay-dialog")).length;
    seen.linesAfterCard = (await session.findAll("cart-line")).length;
    seen.dueAfterCard = minor(await (await session.find("pay-due")).text());
    await waitFocus(session, "cash-input");

    // Points: type how many, Use points; the rest is due in cash (focus goes back to the cash field).
    await (await session.find("points-input")).sendKeys(String(POINTS));
    await (await session.find("points-add")).click();
    const remaining = await session.waitFor("pay-remaining");
    seen.remaining = minor(await remaining.text());
    await waitFocus(session, "cash-input");
    await session.keys((CASH / 100).toFixed(2));
    await sleep(300); // not a scan: Enter comes well after the digits
    seen.change = minor(await (await session.find("pay-change")).text());
    await shot(session, "split-tender-pay");
    await session.keys(Key.Enter);

    // The receipt.
    const receipt = await session.waitFor("receipt", { timeout: 10000 });
    seen.receipt = await receipt.prop("textContent");
    seen.receiptNumber = await (await session.find("receipt-number")).text();
    seen.receiptTotal = minor(await (await session.find("receipt-total")).text());
    seen.receiptChange = minor(await (await session.find("receipt-change")).text());
    seen.receiptPoints = (await session.findAll("receipt-points")).length
      ? Number(await (await session.find("receipt-points")).text())
      : 0;
    await shot(session, "split-tender-receipt");
  });

  // What the window showed.
  assert.equal(seen.banner, 1, "demo banner");
  assert.equal(seen.lines.length, 3);
  items.forEach((p, i) => assert.ok(seen.lines[i].includes(p.name), `line ${i + 1}: ${seen.lines[i]}`));
  assert.equal(seen.cartTotal, total);
  assert.ok(seen.customer.includes(CUSTOMER.name), seen.customer);
  assert.equal(seen.points, before, "the linked customer's points on the sell screen");
  assert.equal(seen.due, total);
  assert.match(seen.cardOutcome, /cancel/i, `the card dialog says the card was canceled: ${seen.cardOutcome}`);
  assert.equal(seen.dialogAfterCard, 1, "back at the Pay dialog after giving the card up");
  assert.equal(seen.linesAfterCard, 3, "the sale is kept after the canceled card");
  assert.equal(seen.dueAfterCard, total);
  assert.equal(seen.remaining, rest, "still to pay after the points");
  assert.equal(seen.change, CASH - rest);
  assert.equal(seen.receiptTotal, total);
  assert.equal(seen.receiptChange, CASH - rest);
  assert.match(seen.receipt, /cash/i);
  assert.match(seen.receipt, /points/i);

  // The CLI on the same store: the order, its two payments and the customer's points.
  const { orders } = store.cli("orders", "list");
  assert.deepEqual(
    orders.map((o) => o.status).sort(),
    ["paid", "paid"],
    `the earlier sale and this one, the given-up card no order of its own: ${JSON.stringify(orders)}`,
  );
  const order = store.cli("orders", "show", seen.receiptNumber);
  assert.deepEqual(
    order.payments.filter((p) => p.status !== "succeeded").map((p) => [p.tender, p.status]),
    [["card", "canceled"]],
    "the given-up card is in the order's history",
  );
  assert.equal(order.status, "paid");
  assert.equal(order.total, total);
  assert.equal(order.customer_id, customer.id);
  assert.deepEqual(order.lines.map((l) => [l.sku, l.quantity]), items.map((p) => [p.sku, 1]));
  const payments = order.payments.filter((p) => p.status === "succeeded");
  assert.equal(payments.length, 2, JSON.stringify(order.payments));
  const points = payments.find((p) => p.tender === "points");
  const cash = payments.find((p) => p.tender === "cash");
  assert.ok(points && cash, `a points and a cash payment: ${JSON.stringify(payments)}`);
  assert.equal(points.points, POINTS);
  assert.equal(points.amount, pointsValue);
  assert.equal(cash.amount, rest);
  assert.equal(cash.tendered, CASH);
  assert.equal(cash.change, CASH - rest);
  assert.equal(points.amount + cash.amount, order.total, "the payments add up to the total");
  assert.equal(order.change, CASH - rest);
  assert.equal(order.points_redeemed, POINTS);
  // Points are earned on what was paid in money, at the shop's earn rate.
  assert.equal(order.points_earned, Math.floor((rest * loyalty.earn_per_major) / 100));
  assert.equal(seen.receiptPoints, order.points_earned, "points earned on the receipt");

  const after = store.cli("customers", "show", String(customer.id));
  assert.equal(after.customer.points_balance, before - POINTS + order.points_earned);
  const moves = after.points.filter((m) => m.order_id === order.id).map((m) => [m.kind, m.points]);
  assert.deepEqual(moves.toSorted(), [["earn", order.points_earned], ["redeem", -POINTS]].toSorted());
});

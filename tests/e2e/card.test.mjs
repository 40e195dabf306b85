// A card sale on the till's simulated reader (demo mode: no Stripe key on this till). The first
// card is declined (insufficient funds): the Card dialog says so in plain words and offers to try
// again; the retry on the same payment is approved and the receipt shows the card, marked DEMO.
// The sale is then refunded in full from the back office: the card's part goes back through the
// (demo) gateway. The CLI sees one order (the decline made no second one), its card payment, the
// refund to the card and the journal intact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Key } from "./webdriver.mjs";
import {
  backOffice,
  fill,
  freshStore,
  minor,
  product,
  scan,
  sellScreen,
  shot,
  sleep,
  tableRows,
  testCard,
  until,
  waitFocus,
  withApp,
} from "./harness.mjs";

const ESPRESSO = "5010000010317";
const CARROT_CAKE = "5018198356545";

test("card declined, retried on the same payment, approved on the demo reader, then refunded to the card", { timeout: 180000 }, async () => {
  const store = freshStore("card");
  store.cli("demo");
  const items = [product(store, ESPRESSO), product(store, CARROT_CAKE)];
  const total = items.reduce((n, p) => n + p.price, 0);
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    seen.modePill = await (await session.waitFor("payments-mode")).text();
    await scan(session, ESPRESSO, 1);
    await scan(session, CARROT_CAKE, 2);
    await waitFocus(session, "search-input");
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    await waitFocus(session, "cash-input");
    await (await session.find("pay-card")).click();

    // The reader waits; the declined test card is presented.
    await session.waitFor("card-dialog");
    await until("the reader waiting for a card", async () => {
      const p = await session.findAll("card-progress");
      return p.length === 1 && /present the card/i.test(await p[0].text());
    });
    seen.due = minor(await (await session.find("card-due")).text());
    const insufficient = await testCard(session, "insufficient_funds");
    await insufficient.click();
    const outcome = await session.waitFor("card-outcome", { timeout: 15000 });
    seen.declined = await outcome.text();
    await shot(session, "card-declined");

    // Try again (Enter): the same payment on the reader again; Enter presents the approved card.
    await session.waitFor("card-retry");
    await session.keys(Key.Enter);
    await until("the reader waiting again", async () => {
      const cards = await session.findAll("test-card");
      return cards.length > 0 && (await cards[0].enabled());
    });
    await sleep(200);
    await session.keys(Key.Enter);

    const receipt = await session.waitFor("receipt", { timeout: 15000 });
    seen.receipt = await receipt.prop("textContent");
    seen.receiptNumber = await (await session.find("receipt-number")).text();
    await shot(session, "card-receipt");

    // New sale, then the back office: the order, refunded whole (the card gets it all back).
    await session.keys(Key.Enter);
    await session.waitGone("receipt");
    await backOffice(session, "orders");
    await fill(session, "orders-search", seen.receiptNumber);
    await until("only the card sale listed", async () => {
      const r = await tableRows(session, "order-row", "order-row-");
      return r.length === 1 && r[0].data.receipt === seen.receiptNumber;
    });
    await (await session.find("order-row-receipt")).click();
    await session.waitFor("order-detail");
    await (await session.find("refund-button")).click();
    await session.waitFor("refund-dialog");
    await (await session.find("refund-mode-whole")).click();
    await (await session.find("refund-confirm")).click();
    await session.waitFor("refund-result", { timeout: 15000 });
    seen.refunded = minor(await (await session.find("refund-amount")).text());
    seen.refundStatus = await (await session.find("refund-order-status")).text();
    await shot(session, "card-refund");
    await (await session.find("refund-done")).click();
  });

  assert.match(seen.modePill, /demo/i, "the sell screen marks the demo reader");
  assert.equal(seen.due, total, "the card is asked for the whole sale");
  assert.match(seen.declined, /not enough funds/i, `the decline in plain words: ${seen.declined}`);
  assert.match(seen.receipt, /4242/, "the card's last four on the receipt");
  assert.match(seen.receipt, /DEMO/, "a demo card payment is marked on the receipt");

  assert.equal(seen.refunded, total, "the whole sale refunded");
  assert.match(seen.refundStatus, /refunded/i);

  const { orders } = store.cli("orders", "list");
  assert.equal(orders.length, 1, `one order, the decline made no second one: ${JSON.stringify(orders)}`);
  const order = store.cli("orders", "show", seen.receiptNumber);
  assert.equal(order.status, "refunded");
  assert.equal(order.paid, total);
  assert.equal(order.refunds.length, 1);
  assert.equal(order.refunds[0].amount, total);
  assert.equal(order.payments.length, 1);
  const [card] = order.payments;
  assert.deepEqual(
    [card.tender, card.status, card.mode, card.card_last4, card.amount, card.refunded],
    ["card", "succeeded", "demo", "4242", total, total],
  );
  assert.match(card.intent_id, /^pi_/);
  const journal = store.cli("journal", "verify");
  assert.equal(journal.ok, true, JSON.stringify(journal));
});

// A declined card, then cash: the sale keeps one order and takes the next receipt number (the
// card try used none); the failed try is in the order's payments in the back office, not on the
// customer's receipt.
test("a card declined, then cash: one order, the next receipt number, the failed try in its history", { timeout: 180000 }, async () => {
  const store = freshStore("card-then-cash");
  store.cli("demo");
  const before = store.cli("sale", "--item", `${ESPRESSO}:1`, "--pay", "cash");
  const item = product(store, CARROT_CAKE);
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    await scan(session, CARROT_CAKE, 1);
    await waitFocus(session, "search-input");
    await session.keys(Key.F5);
    await session.waitFor("card-dialog");
    const declined = await testCard(session, "declined");
    await declined.click();
    await session.waitFor("card-outcome", { timeout: 15000 });
    await (await session.waitFor("card-other")).click();
    await session.waitFor("pay-dialog");
    await waitFocus(session, "cash-input");
    await sleep(200);
    await session.keys(Key.Enter);
    await session.waitFor("receipt", { timeout: 15000 });
    seen.receiptNumber = await (await session.find("receipt-number")).text();
    seen.payments = await Promise.all((await session.findAll("receipt-payment")).map((p) => p.attr("data-tender")));
    await session.keys(Key.Enter);
    await session.waitGone("receipt");

    await backOffice(session, "orders");
    await fill(session, "orders-search", seen.receiptNumber);
    await until("the sale listed", async () => {
      const r = await tableRows(session, "order-row", "order-row-");
      return r.length === 1 && r[0].data.receipt === seen.receiptNumber;
    });
    await (await session.find("order-row-receipt")).click();
    await session.waitFor("order-detail");
    seen.history = await Promise.all((await session.findAll("order-payment")).map((p) => p.text()));
  });

  const next = Number(before.number) + 1;
  assert.equal(seen.receiptNumber, `${before.till_id}-${String(next).padStart(6, "0")}`, "the next number: the declined card used none");
  assert.deepEqual(seen.payments, ["cash"], "the customer's receipt shows what paid");
  assert.equal(seen.history.length, 2, `the card try and the cash: ${JSON.stringify(seen.history)}`);
  assert.match(seen.history[0], /cancel/i, "the failed card try is kept in the order's history");
  assert.match(seen.history[1], /cash/i);

  const { orders } = store.cli("orders", "list");
  assert.equal(orders.length, 2, `two sales, two orders: ${JSON.stringify(orders)}`);
  const order = store.cli("orders", "show", seen.receiptNumber);
  assert.equal(order.status, "paid");
  assert.equal(order.paid, item.price);
  assert.deepEqual(order.payments.map((p) => [p.tender, p.status]), [["card", "canceled"], ["cash", "succeeded"]]);
  const journal = store.cli("journal", "verify");
  assert.equal(journal.ok, true, JSON.stringify(journal));
});

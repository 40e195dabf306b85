// A refund from the back office: a VIP customer's paid sale (rung up through the CLI, so it earned
// points) is found on the Orders screen by its receipt number, opened, and one item of one line is
// refunded with "Some items", put back in stock. The dialog shows the points taken back; the
// customer's card then lists the reversal. The CLI sees the order partially refunded, the points
// balance down by exactly the points taken back and the stock up by the refunded quantity.
import { test } from "node:test";
import assert from "node:assert/strict";
import { backOffice, fill, freshStore, minor, sellScreen, shot, sleep, tableRows, until, withApp } from "./harness.mjs";

const CUSTOMER = { name: "Rita Refund", email: "rita.refund@example.com" };
const REFUNDED_SKU = "TOI-0020"; // Menstrual cup, 19.99, zero-rated: worth refunding, earns points
const SOLD = 3;
const REFUND_QTY = 1;

test("refund some items of a VIP's order from the back office: points taken back, stock restocked", { timeout: 180000 }, async () => {
  const store = freshStore("refund");
  store.cli("demo");
  const customer = store.cli("customers", "add", "--name", CUSTOMER.name, "--email", CUSTOMER.email).customer;
  // Other orders around it (one for a demo customer), so the list has more than the one looked for.
  const amelia = store.cli("customers", "list").customers.find((c) => c.name === "Amelia Hart");
  store.cli("sale", "--item", "HOT-0001:2", "--pay", "cash");
  store.cli("sale", "--item", "HOT-0009", "--item", "BAK-0014", "--customer", String(amelia.id), "--pay", "cash:10");
  const sale = store.cli("sale", "--item", `${REFUNDED_SKU}:${SOLD}`, "--item", "HOT-0001:2", "--customer", String(customer.id), "--pay", "cash");
  store.cli("sale", "--item", "5018198039783", "--pay", "cash:5");
  store.cli("sale", "--item", "STA-0009:2", "--item", "HOU-0016", "--discount", "10%", "--pay", "cash");
  const ORDERS = 5;
  assert.ok(sale.points_earned > 0, "the sale earned points");
  const pointsBefore = store.cli("customers", "show", String(customer.id)).customer.points_balance;
  assert.equal(pointsBefore, sale.points_earned);
  const stockBefore = store.cli("products", "show", REFUNDED_SKU).stock;
  const refundedLine = sale.lines.find((l) => l.sku === REFUNDED_SKU);

  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    await backOffice(session, "orders");
    await session.waitCount("order-row", ORDERS);

    // Find the order by its receipt number.
    await fill(session, "orders-search", sale.receipt);
    const rows = await until("only the searched order listed", async () => {
      const r = await tableRows(session, "order-row", "order-row-");
      return r.length === 1 && r[0].data.receipt === sale.receipt && r;
    });
    seen.row = rows[0];
    await shot(session, "refund-orders");
    await (await session.find("order-row-receipt")).click(); // a click anywhere on the row opens it

    // The order.
    await session.waitFor("order-detail");
    seen.detailReceipt = await (await session.find("order-receipt")).text();
    seen.detailStatus = await (await session.find("order-status")).text();
    seen.detailCustomer = await (await session.find("order-customer")).text();
    seen.detailEarned = Number(await (await session.find("order-points-earned")).text());
    seen.detailLines = (await tableRows(session, "order-line")).map((l) => l.data.sku);
    await shot(session, "refund-order-detail");

    // Refund → Some items → 1 of the line, restocked → Refund.
    await (await session.find("refund-button")).click();
    await session.waitFor("refund-dialog");
    await (await session.find("refund-mode-lines")).click();
    const line = await session.waitFor("refund-line", {
      pred: async (el) => (await el.attr("data-sku")) === REFUNDED_SKU,
    });
    const qty = await line.find("refund-qty");
    await qty.clear();
    await qty.sendKeys(String(REFUND_QTY));
    const restock = await session.find("refund-restock");
    if (!(await restock.prop("checked"))) await restock.click();
    await until("restock ticked", async () => (await restock.prop("checked")) === true);
    await until("the quantity typed", async () => (await qty.prop("value")) === String(REFUND_QTY));
    await sleep(100);
    await shot(session, "refund-dialog");
    await (await session.find("refund-confirm")).click();

    // What the till did.
    await session.waitFor("refund-result", { timeout: 10000 });
    seen.amount = minor(await (await session.find("refund-amount")).text());
    seen.pointsReversed = Number(await (await session.find("refund-points-reversed")).text());
    seen.resultStatus = await (await session.find("refund-order-status")).text();
    seen.shortfall = (await session.findAll("refund-points-shortfall")).length;
    await shot(session, "refund-result");
    await (await session.find("refund-done")).click();
    await session.waitGone("refund-dialog");
    await session.waitFor("order-status", { pred: async (el) => (await el.text()) !== seen.detailStatus });
    seen.statusAfter = await (await session.find("order-status")).text();
    seen.reversedAfter = Number(await (await session.find("order-points-reversed")).text());
    seen.refundRows = (await session.findAll("order-refund")).length;

    // Back to the list, every order again: this one now partially refunded.
    await (await session.find("order-back")).click();
    await (await session.waitFor("orders-clear")).click();
    seen.listAfter = await until("every order listed, the refunded one marked", async () => {
      const r = await tableRows(session, "order-row", "order-row-");
      const mine = r.find((o) => o.data.receipt === sale.receipt);
      return r.length === ORDERS && mine && mine.refunded !== "" && mine;
    });
    await shot(session, "back-office-orders");

    // The customer's points history shows the sale's points and the reversal.
    await backOffice(session, "customers");
    await fill(session, "customers-search", "Rita");
    const row = await until("the customer listed", async () => {
      const r = await session.findAll("customers-row");
      return r.length === 1 && (await r[0].attr("data-customer-id")) === String(customer.id) && r[0];
    });
    await (await row.find("customers-open")).click();
    await session.waitFor("customer-card");
    await session.waitFor("customer-ledger");
    seen.balance = await (await session.find("customer-card-balance")).text();
    seen.ledger = await tableRows(session, "ledger-row", "ledger-");
    await shot(session, "back-office-customer");
  });

  // What the window showed.
  assert.equal(seen.row.receipt, sale.receipt);
  assert.equal(seen.row.customer, CUSTOMER.name);
  assert.equal(minor(seen.row.total), sale.total);
  assert.equal(seen.detailReceipt, sale.receipt);
  assert.match(seen.detailStatus, /paid/i);
  assert.ok(seen.detailCustomer.includes(CUSTOMER.name), seen.detailCustomer);
  assert.equal(seen.detailEarned, sale.points_earned);
  assert.deepEqual(seen.detailLines, sale.lines.map((l) => l.sku));
  assert.equal(seen.amount, refundedLine.unit_price * REFUND_QTY, "one item's price back");
  assert.ok(seen.pointsReversed > 0, `points taken back: ${seen.pointsReversed}`);
  assert.equal(seen.shortfall, 0);
  assert.match(seen.resultStatus, /partially refunded/i);
  assert.match(seen.statusAfter, /partially refunded/i);
  assert.equal(seen.reversedAfter, seen.pointsReversed);
  assert.equal(seen.refundRows, 1);
  assert.match(seen.listAfter.status, /partially refunded/i);
  assert.equal(minor(seen.listAfter.refunded), seen.amount);

  // The CLI on the same store.
  const order = store.cli("orders", "show", sale.receipt);
  assert.equal(order.status, "partially_refunded");
  assert.equal(order.refunded_total, seen.amount);
  assert.equal(order.points_reversed, seen.pointsReversed);
  assert.equal(order.lines.find((l) => l.sku === REFUNDED_SKU).refunded_quantity, REFUND_QTY);
  assert.equal(order.refunds.length, 1);
  assert.equal(order.refunds[0].restock, true);
  const after = store.cli("customers", "show", String(customer.id));
  assert.equal(after.customer.points_balance, pointsBefore - seen.pointsReversed, "points down by exactly what was taken back");
  assert.equal(store.cli("products", "show", REFUNDED_SKU).stock, stockBefore + REFUND_QTY, "the refunded item is back in stock");

  // The card's ledger: the earn and the reversal, the balance as the CLI has it.
  assert.ok(seen.balance.includes(String(after.customer.points_balance)), seen.balance);
  // The card signs its points "+63" / "−20" (a real minus sign).
  const points = seen.ledger.map((r) => Number(r.points.replace("−", "-")));
  assert.ok(points.includes(sale.points_earned), `earned in the ledger: ${JSON.stringify(seen.ledger)}`);
  assert.ok(points.includes(-seen.pointsReversed), `reversal in the ledger: ${JSON.stringify(seen.ledger)}`);
});

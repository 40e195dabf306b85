// Staff at the till, in the real window: a cashier signs in on the lock screen, finds the back
// office's reports refused, and refunds a receipt only once a manager approves it with their PIN
// (the CLI then sees the order refunded). Five wrong PINs lock an account; the right PIN does not
// open it until someone unlocks it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_STAFF, enterPin, fill, freshStore, sellScreen, shot, until, withApp } from "./harness.mjs";
import { Key } from "./webdriver.mjs";

test("a cashier cannot read reports, and a refund goes through with a manager's PIN", { timeout: 180000 }, async () => {
  const store = freshStore("staff-refund");
  store.cli("demo");
  const sale = store.cli("sale", "--item", "HOT-0001:2", "--pay", "cash");

  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session, DEMO_STAFF.cashier);
    seen.signedIn = await (await session.find("signed-in")).text();

    // F10: the back office opens on Reports, which a cashier may not read.
    await session.keys(Key.F10);
    await session.waitFor("refused-panel");
    seen.refused = await (await session.find("refused-message")).text();
    await shot(session, "staff-cashier-reports-refused");

    // Orders: a cashier finds the receipt in hand.
    await session.chord(Key.Alt, "2");
    await fill(session, "orders-search", sale.receipt);
    await session.keys(Key.Enter);
    await session.waitFor("order-detail", { timeout: 10000 });
    await (await session.find("refund-button")).click();
    await session.waitFor("refund-dialog");
    await (await session.find("refund-mode-whole")).click();
    await (await session.find("refund-confirm")).click();

    // The till asks for a manager.
    await session.waitFor("approval-dialog");
    await shot(session, "staff-approval");
    await (await session.css('[data-testid=approval-approver][data-name="Morgan"]')).click();
    const pin = await session.find("approval-pin");
    await pin.sendKeys(DEMO_STAFF.manager.pin);
    await (await session.find("approval-approve")).click();
    await session.waitFor("refund-result", { timeout: 10000 });
    seen.status = await (await session.find("refund-order-status")).text();
    await shot(session, "staff-refund-approved");
  });

  assert.match(seen.signedIn, /Casey/);
  assert.match(seen.refused, /manager|admin/i);
  assert.match(seen.status, /refunded/i);
  const order = store.cli("orders", "show", sale.receipt);
  assert.equal(order.status, "refunded", "the CLI sees the refund");
  assert.equal(order.refunded_total, sale.total);
  assert.equal(store.cli("journal", "verify").ok, true, "the journal holds");
});

test("five wrong PINs lock the account, and then even the right PIN is refused", { timeout: 180000 }, async () => {
  const store = freshStore("staff-lock");
  store.cli("demo");
  const errors = [];
  await withApp(store, async (session) => {
    await session.waitFor("lock-screen", { timeout: 30000 });
    // A wrong PIN gets the same answer each time (as an unknown name does): each one is told
    // apart by the count the store keeps.
    const wrongPins = () => store.cli("staff", "list").staff.find((m) => m.name === "Casey").wrong_pins;
    for (let i = 0; i < 5; i++) {
      await enterPin(session, DEMO_STAFF.cashier, "9999");
      errors.push(await until(`error ${i + 1}`, async () => {
        if (wrongPins() !== i + 1) return null;
        const e = await session.findAll("lock-error");
        const text = e.length ? await e[0].text() : "";
        return text || null;
      }));
    }
    await shot(session, "staff-locked");
    await enterPin(session, DEMO_STAFF.cashier);
    errors.push(await until("the refusal of the right PIN", async () => {
      const e = await session.findAll("lock-error");
      return e.length ? await e[0].text() : null;
    }));
    assert.equal((await session.findAll("search-input")).length, 0, "still locked");
  });
  assert.match(errors[0], /wrong name or PIN/, errors[0]);
  assert.equal(errors[3], errors[0], "the same answer every time");
  assert.match(errors[4], /locked/i, errors[4]);
  assert.match(errors[5], /locked/i, errors[5]);
  const casey = store.cli("staff", "list").staff.find((m) => m.name === "Casey");
  assert.ok(casey.locked_until, "the CLI sees the lock");
  assert.equal(casey.wrong_pins, 5);
});

// Accessibility of every screen and dialog a shop uses every day, in the real window: axe-core (the engine behind the
// browsers' accessibility checkers) runs on each with all its rules, and none may fail, whatever
// its impact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_STAFF, backOffice, fill, freshStore, sellScreen, waitFocus, withApp } from "./harness.mjs";
import { Key } from "./webdriver.mjs";

const AXE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../ui/node_modules/axe-core/axe.min.js"), "utf8");

const window_axe_once = `if (!window.axe) { ${AXE}\n }`;

/** axe's violations on the page as it is now, as "rule (impact): target" lines. */
async function violations(session) {
  // axe's source goes in with the script (the page's CSP rightly allows no eval).
  const found = await session.cmd("POST", "/execute/async", {
    script: `${window_axe_once}
      const done = arguments[arguments.length - 1];
      window.axe.run(document, { resultTypes: ["violations"] }).then(
        (r) => done(r.violations.flatMap((v) => v.nodes.map((n) => v.id + " (" + v.impact + "): " + n.target.join(" ") + " — " + n.failureSummary.split("\\n")[1]))),
        (e) => done(["axe failed: " + e]),
      );`,
    args: [],
  });
  return found;
}

test("every screen and dialog passes axe-core with no violation of any impact", { timeout: 300000 }, async () => {
  const store = freshStore("accessibility");
  store.cli("demo");
  const sale = store.cli("sale", "--item", "HOT-0001:2", "--pay", "cash");
  const seen = {};
  const check = async (session, name) => {
    seen[name] = await violations(session);
  };
  await withApp(store, async (session) => {
    await session.waitFor("lock-screen", { timeout: 30000 });
    await check(session, "lock screen");
    await sellScreen(session, DEMO_STAFF.admin);
    await check(session, "sell screen");
    await fill(session, "search-input", "HOT-0001");
    await session.keys(Key.Enter);
    await session.waitFor("cart-line", { timeout: 10000 });
    await check(session, "sell screen with a sale");
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    await check(session, "pay dialog");
    await (await session.find("pay-confirm")).click();
    await session.waitFor("new-sale", { timeout: 10000 });
    await check(session, "receipt of a paid sale");
    await (await session.find("new-sale")).click();
    await waitFocus(session, "search-input");
    await fill(session, "search-input", "HOT-0002");
    await session.keys(Key.Enter);
    await session.waitFor("cart-line", { timeout: 10000 });
    await session.keys(Key.F4);
    await session.waitFor("customer-dialog");
    await check(session, "customer dialog");
    await session.keys(Key.Escape);
    await waitFocus(session, "search-input");
    await session.keys(Key.F5);
    await session.waitFor("card-dialog");
    await check(session, "card dialog");
    await (await session.find("card-cancel")).click();
    // Cancelled: the dialog offers another tender, which gives the sale back to the register.
    await (await session.waitFor("card-other", { timeout: 20000 })).click();
    await waitFocus(session, "cash-input");
    await session.keys(Key.Escape);
    await waitFocus(session, "search-input");
    await session.keys(Key.F6);
    await session.waitFor("order-discount-dialog");
    await check(session, "discount dialog");
    await session.keys(Key.Escape);
    await session.keys(Key.F9);
    await session.waitFor("parked-dialog");
    await check(session, "parked sales");
    await session.keys(Key.Escape);
    for (const tab of ["reports", "orders", "catalog", "customers", "settings", "staff", "payments", "shifts"]) {
      await backOffice(session, tab);
      await session.settle();
      await check(session, `back office: ${tab}`);
    }
    await backOffice(session, "catalog");
    await (await session.waitFor("product-open", { timeout: 10000 })).click();
    await session.waitFor("product-card");
    await check(session, "product card");
    await session.keys(Key.Escape);
    await backOffice(session, "customers");
    await (await session.waitFor("customers-open", { timeout: 10000 })).click();
    await session.waitFor("customer-card-balance", { timeout: 10000 });
    await check(session, "customer card");
    await session.keys(Key.Escape);
    await backOffice(session, "orders");
    await fill(session, "orders-search", sale.receipt);
    await session.keys(Key.Enter);
    await session.waitFor("order-detail", { timeout: 10000 });
    await check(session, "order detail");
    await (await session.find("refund-button")).click();
    await session.waitFor("refund-dialog");
    await check(session, "refund dialog");
  });
  const failing = Object.entries(seen).filter(([, v]) => v.length > 0);
  assert.deepEqual(failing, [], failing.map(([k, v]) => `${k}:\n  ${v.join("\n  ")}`).join("\n"));
});

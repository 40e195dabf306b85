// The catalog's and customers' everyday fixes at the window: a spreadsheet saved with `;` is
// said once, with the fix; a category typed in another case joins the one the shop has; a
// customer's personal data erased on request while their orders stay under their number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { backOffice, freshStore, sellScreen, until, withApp } from "./harness.mjs";

test("a ;-separated file said once with its fix, a category joined whatever its case, a customer erased on request", { timeout: 180000 }, async () => {
  const store = freshStore("catalog-customers");
  store.cli("demo");
  const semicolons = join(store.dir, "semicolons.csv");
  writeFileSync(semicolons, "sku;name;price;tax_rate;stock;category\nE2E-TEA;Builder's tea;1.80;standard;5;hot drinks\n");
  const commas = join(store.dir, "commas.csv");
  writeFileSync(commas, "sku,name,price,tax_rate,stock,category\nE2E-TEA,Builder's tea,1.80,standard,5,hot drinks\n");
  const customer = store.cli("customers", "add", "--name", "Dana Doe", "--email", "dana@example.com");
  const id = customer.id ?? customer.customer?.id;
  store.cli("sale", "--item", "HOT-0001:1", "--customer", String(id), "--pay", "cash");
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    await backOffice(session, "catalog");
    await (await session.waitFor("import-file")).setFile(semicolons);
    await session.waitFor("import-outcome", { timeout: 20000 });
    seen.semicolonProblems = await session.execute(
      `return [...document.querySelectorAll('[data-testid=import-problem]')].map((r) => [...r.cells].map((c) => c.textContent.trim()));`,
    );
  });
  await withApp(store, async (session) => {
    await sellScreen(session);
    await backOffice(session, "catalog");
    await (await session.waitFor("import-file")).setFile(commas);
    await session.waitFor("import-outcome", { timeout: 20000 });
    seen.imported = await (await session.find("import-summary")).text();

    await backOffice(session, "customers");
    await (await session.waitFor("customers-search")).sendKeys("Dana");
    await until("Dana listed", async () => (await session.findAll("customers-open")).length === 1);
    await (await session.find("customers-open")).click();
    await session.waitFor("customer-card-balance", { timeout: 10000 });
    await (await session.find("customer-erase")).click();
    await (await session.waitFor("erase-confirm")).click();
    seen.erased = await (await session.waitFor("customer-erased", { timeout: 10000 })).text();
  });

  assert.match(seen.imported, /1 added/);
  assert.equal(seen.semicolonProblems.length, 1, `one problem, not one per column: ${JSON.stringify(seen.semicolonProblems)}`);
  assert.match(seen.semicolonProblems[0].join(" "), /semicolons \(;\).*comma-separated/);
  const tea = store.cli("products", "show", "E2E-TEA");
  assert.equal(tea.category, "Hot Drinks", "the shop's spelling of the category, not a second one");
  assert.match(seen.erased, /Personal data erased/);
  const after = store.cli("customers", "show", String(id));
  assert.notEqual(after.customer.name, "Dana Doe", "the name is gone");
  assert.equal(after.customer.email, null, "the e-mail is gone");
  assert.ok(after.customer.erased_at, "when it was erased");
  const { orders } = store.cli("orders", "list");
  assert.ok(orders.some((o) => o.customer_id === id), "the order stays under the customer's number");
});

// Catalog CSV import in the back office: a file with one bad row (a price written in words on line
// 3) is refused as a whole, with the problem listed by line and column; the catalog is unchanged.
// The same file, fixed, then imports: the summary says how many were added and the CLI sees them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { backOffice, freshStore, sellScreen, shot, tableRows, until, withApp } from "./harness.mjs";

const HEADER = "sku,name,price,barcode,tax_rate,stock,category";
const GOOD = [
  { sku: "E2E-MUG", name: "Enamel camping mug", price: "12.50", priceMinor: 1250, tax: "standard", stock: 10 },
  { sku: "E2E-PLATE", name: "Enamel camping plate", price: "8.00", priceMinor: 800, tax: "standard", stock: 4 },
];
const BAD = { sku: "E2E-BOWL", name: "Enamel camping bowl", tax: "standard", stock: 6 };
const CATEGORY = "Camping";

const csv = (bowlPrice) =>
  [
    HEADER,
    `${GOOD[0].sku},${GOOD[0].name},${GOOD[0].price},,${GOOD[0].tax},${GOOD[0].stock},${CATEGORY}`, // line 2
    `${BAD.sku},${BAD.name},${bowlPrice},,${BAD.tax},${BAD.stock},${CATEGORY}`, // line 3
    `${GOOD[1].sku},${GOOD[1].name},${GOOD[1].price},,${GOOD[1].tax},${GOOD[1].stock},${CATEGORY}`, // line 4
    "",
  ].join("\n");

/** `versapos products show` of `sku`, or null when the CLI says there is no such product. */
function showProduct(store, sku) {
  try {
    return store.cli("products", "show", sku);
  } catch {
    return null;
  }
}

test("CSV import: a bad row is reported by line and column and nothing is imported; fixed, it imports", { timeout: 180000 }, async () => {
  const store = freshStore("catalog-import");
  store.cli("demo");
  const countBefore = store.cli("products", "list", "--per-page", "1").total;
  const file = join(store.dir, "new-lines.csv");
  writeFileSync(file, csv("twelve"));

  // The file with the bad row: refused, the problem listed by line and column.
  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    await backOffice(session, "catalog");
    await session.waitFor("catalog-row");
    await shot(session, "back-office-catalog");

    await (await session.find("import-file")).setFile(file);
    const outcome = await session.waitFor("import-outcome", { timeout: 20000 });
    seen.badRole = await outcome.attr("role");
    seen.badSummary = await (await session.find("import-summary")).text();
    seen.problems = await session.execute(
      `return [...document.querySelectorAll('[data-testid=import-problem]')].map((r) => [...r.cells].map((c) => c.textContent.trim()));`,
    );
    await shot(session, "import-problems");
  });

  assert.equal(seen.badRole, "alert");
  assert.match(seen.badSummary, /new-lines\.csv: 1 problem, nothing was imported/);
  assert.equal(seen.problems.length, 1, JSON.stringify(seen.problems));
  const [line, column, message] = seen.problems[0];
  assert.equal(line, "3");
  assert.equal(column, "price");
  assert.match(message, /twelve/);
  // Nothing of the file is in the catalog, not even its good rows.
  assert.equal(store.cli("products", "list", "--per-page", "1").total, countBefore, "product count unchanged");
  for (const g of GOOD) assert.equal(showProduct(store, g.sku), null, `${g.sku} (a good row) was not imported`);

  // The file fixed and chosen again: imported.
  writeFileSync(file, csv("9.75"));
  await withApp(store, async (session) => {
    await sellScreen(session);
    await backOffice(session, "catalog");
    await (await session.find("import-file")).setFile(file);
    await session.waitFor("import-outcome", { timeout: 20000 });
    seen.goodRole = await (await session.find("import-outcome")).attr("role");
    seen.goodSummary = await (await session.find("import-summary")).text();
    seen.goodProblems = (await session.findAll("import-problem")).length;
    await shot(session, "import-done");
    // The new products can be found in the catalog straight away.
    await (await session.find("catalog-search")).sendKeys("Enamel camping");
    seen.found = await until("the imported products found", async () => {
      const rows = await tableRows(session, "catalog-row", "product-");
      return rows.length === 3 && rows.map((r) => r.sku).toSorted();
    });
  });

  assert.equal(seen.goodRole, "status");
  assert.match(seen.goodSummary, /new-lines\.csv: 3 added, 0 updated/);
  assert.equal(seen.goodProblems, 0);
  assert.deepEqual(seen.found, [BAD.sku, ...GOOD.map((g) => g.sku)].toSorted());

  // The CLI sees the three products as the file has them.
  assert.equal(store.cli("products", "list", "--per-page", "1").total, countBefore + 3);
  for (const g of [...GOOD, { ...BAD, priceMinor: 975 }]) {
    const p = showProduct(store, g.sku);
    assert.ok(p, `${g.sku} imported`);
    assert.equal(p.name, g.name);
    assert.equal(p.price, g.priceMinor);
    assert.equal(p.tax_rate, g.tax);
    assert.equal(p.stock, g.stock);
    assert.equal(p.category, CATEGORY);
  }
});

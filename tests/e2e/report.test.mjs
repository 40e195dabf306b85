// Reports in the back office read the same figures as `versapos report`: a few sales (one with a
// discount) and a refund are made through the CLI on the demo shop, then today's report is read off
// the screen by hour and by product (totals, every row, the chart's bars, "today at a glance") and
// compared with the CLI's JSON for the same day (minor units there, major units on the screen).
import { test } from "node:test";
import assert from "node:assert/strict";
import { backOffice, freshStore, minor, sellScreen, shot, tableRows, until, withApp } from "./harness.mjs";

/** `formatMinor` for the demo shop (GBP, 2 decimals): 12345 → "123.45", -5 → "-0.05". */
const major = (m) => `${m < 0 ? "-" : ""}${Math.floor(Math.abs(m) / 100)}.${String(Math.abs(m) % 100).padStart(2, "0")}`;

const SALES = ["gross_sales", "discounts", "refunds", "net_sales", "tax", "total_collected"];
const TOTALS = ["orders", "items", ...SALES];
// The sales terms, and the product rows' gross, refunds and net.
const MONEY = new Set([...SALES, "gross", "net"]);

/** The screen's text for a CLI figure: counts as they are, money in major units. */
const shown = (field, value) => (MONEY.has(field) ? major(value) : String(value));

/**
 * Picks `value` in the report's Breakdown select and waits until the table shows that breakdown
 * (`isRow` holds for its rows; the report shown before, by day, stays up until the new one comes).
 */
async function breakdown(session, value, isRow) {
  await (await session.css(`[data-testid=report-by] option[value=${value}]`)).click();
  return until(`the report by ${value}`, async () => {
    const busy = await (await session.find("report-result")).attr("aria-busy");
    const rows = await tableRows(session, "report-row", "cell-");
    return busy === "false" && rows.length > 0 && rows.every(isRow) && rows;
  });
}

/** `report-total-*` as shown, keyed by total. */
async function totals(session) {
  const out = {};
  for (const f of TOTALS) out[f] = await (await session.find(`report-total-${f}`)).text();
  return out;
}

test("the Reports screen shows the same figures as `versapos report`, by hour and by product", { timeout: 180000 }, async () => {
  const store = freshStore("report");
  store.cli("demo");
  store.cli("sale", "--item", "HOT-0001:2", "--item", "5018198039783", "--pay", "cash");
  store.cli("sale", "--item", "TOI-0020:2", "--item", "HOT-0001", "--discount", "10%", "--pay", "cash:50");
  const refunded = store.cli("sale", "--item", "5010000643836:3", "--item", "STA-0009", "--pay", "cash");
  store.cli("sale", "--item", "STA-0009:2", "--item", "HOU-0016", "--pay", "cash");
  store.cli("refund", refunded.receipt, "--line", "STA-0009:1", "--restock");

  const seen = {};
  await withApp(store, async (session) => {
    await sellScreen(session);
    await backOffice(session, "reports");

    // Today at a glance.
    await session.waitFor("today-orders");
    seen.glance = {};
    for (const f of ["orders", "items", "net_sales", "refunds", "total_collected"]) seen.glance[f] = await (await session.find(`today-${f}`)).text();
    seen.todayBars = await session.execute(
      `return [...document.querySelectorAll('[data-testid=today-hour-chart-bar]')].map((b) => Number(b.dataset.value));`,
    );

    // Today, by hour: the totals, each row and the hour chart's bars.
    await (await session.find("preset-today")).click();
    seen.hourRows = await breakdown(session, "hour", (r) => /^\d\d:\d\d$/.test(r.period ?? ""));
    seen.hourTotals = await totals(session);
    seen.hourBars = await session.execute(
      `return [...document.querySelectorAll('[data-testid=hour-chart-bar]')].map((b) => Number(b.dataset.value));`,
    );
    await shot(session, "back-office-reports");

    // Today, by product.
    seen.productRows = await breakdown(session, "product", (r) => "sku" in r);
    seen.productTotals = await totals(session);
    seen.productLimit = Number(await (await session.find("report-limit")).prop("value"));

    // The settings screen, for the docs.
    await backOffice(session, "settings");
    await session.waitFor("settings-currency");
    await shot(session, "back-office-settings");
  });

  const byHour = store.cli("report", "--from", "today", "--to", "today", "--by", "hour");
  const byProduct = store.cli("report", "--from", "today", "--to", "today", "--by", "product", "--limit", String(seen.productLimit));
  assert.equal(byHour.totals.orders, 4);
  assert.ok(byHour.totals.refunds > 0 && byHour.totals.discounts > 0, JSON.stringify(byHour.totals));

  // Totals, by hour and by product (the same period, so the same totals).
  for (const [what, screen, cli] of [
    ["by hour", seen.hourTotals, byHour.totals],
    ["by product", seen.productTotals, byProduct.totals],
  ]) {
    for (const f of TOTALS) assert.equal(screen[f], shown(f, cli[f]), `${what}: total ${f}`);
  }

  // Every hour row, every column.
  assert.equal(seen.hourRows.length, byHour.rows.length, JSON.stringify(seen.hourRows));
  byHour.rows.forEach((r, i) => {
    const s = seen.hourRows[i];
    assert.equal(s.period, r.period);
    for (const f of ["orders", "items", ...SALES]) assert.equal(s[f], shown(f, r[f]), `${r.period}: ${f}`);
  });
  // The hour chart: a bar for each of the 24 hours, the hours with sales at their net sales.
  assert.equal(seen.hourBars.length, 24);
  assert.deepEqual(seen.hourBars.filter((v) => v !== 0).toSorted(), byHour.rows.map((r) => r.net_sales).filter((v) => v !== 0).toSorted());
  assert.equal(seen.hourBars.reduce((a, b) => a + b, 0), byHour.totals.net_sales);

  // Every product row: the CLI's quantity kept is sold less refunded.
  assert.equal(seen.productRows.length, byProduct.rows.length, JSON.stringify(seen.productRows));
  byProduct.rows.forEach((r, i) => {
    const s = seen.productRows[i];
    assert.equal(s.sku, r.sku);
    assert.equal(s.name, r.name);
    assert.equal(s.qty, String(r.quantity - r.refunded_quantity), `${r.sku}: qty`);
    for (const f of ["gross", "refunds", "net"]) assert.equal(s[f], shown(f, r[f]), `${r.sku}: ${f}`);
  });
  assert.ok(byProduct.rows.some((r) => r.refunded_quantity > 0), "the refunded line is in the product report");

  // Today at a glance is the same day.
  for (const f of ["orders", "items"]) assert.equal(seen.glance[f], String(byHour.totals[f]), `today ${f}`);
  for (const f of ["net_sales", "refunds", "total_collected"]) assert.equal(minor(seen.glance[f]), byHour.totals[f], `today ${f}`);
  assert.equal(seen.todayBars.reduce((a, b) => a + b, 0), byHour.totals.net_sales);
});

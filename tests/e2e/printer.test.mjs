// Receipts on the thermal printer, in the real window: a demo store with the in-repo fake network
// printer (the `fake-printer` example, on loopback) set up through the CLI. A cash sale prints its
// receipt and opens the drawer; a card sale (the demo reader) prints without opening it; with the
// printer out of paper the sale is still booked, the cashier is told why in words, and Retry —
// once the roll is in — prints that receipt once and opens the drawer once. What the printer got is
// read back with `fake-printer --decode` (lines, barcodes, drawer kicks, cuts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Key } from "./webdriver.mjs";
import { freshStore, product, scan, sellScreen, shot, sleep, testCard, until, waitFocus, withApp } from "./harness.mjs";

const FAKE = process.env.E2E_FAKE_PRINTER;
const ESPRESSO = "5010000010317";
const CARROT_CAKE = "5018198356545";

/** Starts the fake printer recording into the store's dir; resolves with its address. */
async function startPrinter(dir) {
  assert.ok(FAKE, "E2E_FAKE_PRINTER is not set: run the suite through tests/e2e/run");
  const out = join(dir, "printer.bin");
  const state = join(dir, "printer.state");
  writeFileSync(state, "ready\n");
  const child = spawn(FAKE, ["--out", out, "--state", state], { stdio: ["ignore", "pipe", "inherit"] });
  const first = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`fake-printer exited (${code}) before its address`)));
  });
  return {
    address: first.trim(),
    paper: () => JSON.parse(execFileSync(FAKE, ["--decode", out], { encoding: "utf8" })),
    setState: (s) => writeFileSync(state, `${s}\n`),
    stop: () => child.kill("SIGTERM"),
  };
}

/** Rings up `barcode` and pays cash (the exact amount: the cash field left empty). */
async function cashSale(session, barcode) {
  await scan(session, barcode, 1);
  await sleep(200);
  await session.keys(Key.F12);
  await session.waitFor("pay-dialog");
  await waitFocus(session, "cash-input");
  await sleep(300);
  await session.keys(Key.Enter);
  await session.waitFor("receipt", { timeout: 10000 });
  return (await session.find("receipt-number")).text();
}

async function newSale(session) {
  await (await session.find("new-sale")).click();
  await session.waitGone("receipt");
  await session.waitFor("search-input");
  await waitFocus(session, "search-input");
}

test("cash opens the drawer, a card does not, paper out is said in words and Retry prints once", { timeout: 240000 }, async () => {
  const store = freshStore("printer");
  store.cli("demo");
  const printer = await startPrinter(store.dir);
  const seen = {};
  const espresso = product(store, ESPRESSO);
  try {
    store.cli("printer", "set", printer.address, "--paper", "80mm");
    await withApp(store, async (session) => {
      await sellScreen(session);

      // A cash sale: its receipt prints and the drawer opens.
      seen.cash = await cashSale(session, ESPRESSO);
      seen.afterCash = await until("the cash sale's receipt at the printer", () => {
        const p = printer.paper();
        return p.cuts === 1 ? p : false;
      });
      await shot(session, "printer-cash-receipt");
      await newSale(session);

      // A card sale on the demo reader: it prints, the drawer stays shut.
      await scan(session, CARROT_CAKE, 1);
      await sleep(200);
      await session.keys(Key.F12);
      await session.waitFor("pay-dialog");
      await (await session.find("pay-card")).click();
      await session.waitFor("card-dialog");
      const approved = await testCard(session, "approved");
      await approved.click();
      await session.waitFor("receipt", { timeout: 15000 });
      seen.card = await (await session.find("receipt-number")).text();
      seen.afterCard = await until("the card sale's receipt at the printer", () => {
        const p = printer.paper();
        return p.cuts === 2 ? p : false;
      });
      await newSale(session);

      // Out of paper: the sale is booked, the cashier sees why, nothing prints.
      printer.setState("paper_out");
      seen.paperOut = await cashSale(session, ESPRESSO);
      const error = await session.waitFor("print-error", { timeout: 15000 });
      seen.error = await error.text();
      await shot(session, "printer-paper-out");
      seen.duringPaperOut = printer.paper();

      // The roll is in: Retry prints the receipt once and opens the drawer once.
      printer.setState("ready");
      await (await session.find("print-retry")).click();
      seen.afterRetry = await until("the retried receipt at the printer", () => {
        const p = printer.paper();
        return p.cuts === 3 ? p : false;
      });
      await until("the error gone", async () => (await session.findAll("print-error")).length === 0);
      await sleep(1500); // nothing more arrives: Retry printed once
      seen.final = printer.paper();
    });
  } finally {
    printer.stop();
  }

  const barcodes = (p) => p.barcodes;
  assert.deepEqual(barcodes(seen.afterCash), [seen.cash], "the cash sale's receipt, barcode = its number");
  assert.equal(seen.afterCash.kicks, 1, "cash opens the drawer");
  assert.ok(seen.afterCash.lines.some((l) => l.includes(espresso.name)), seen.afterCash.lines.join("\n"));
  assert.ok(seen.afterCash.lines.some((l) => /^Receipt\s+/.test(l) && l.endsWith(seen.cash)));
  assert.ok(seen.afterCash.lines.some((l) => /\b\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$/.test(l)), "the time written for people");
  assert.deepEqual(barcodes(seen.afterCard), [seen.cash, seen.card]);
  assert.equal(seen.afterCard.kicks, 1, "a card sale does not open the drawer");
  assert.ok(seen.afterCard.lines.some((l) => /DEMO card/.test(l)), "the card is marked DEMO on paper");
  assert.match(seen.error, /out of paper/i, "the cashier is told why in words");
  assert.equal(seen.duringPaperOut.cuts, 2, "nothing printed while out of paper");
  assert.equal(seen.duringPaperOut.kicks, 1);
  assert.deepEqual(barcodes(seen.final), [seen.cash, seen.card, seen.paperOut], "Retry printed once");
  assert.equal(seen.final.kicks, 2, "the drawer opened once for the retried cash sale");

  // The CLI: all three sales booked and paid, whatever the printer said.
  const orders = store.cli("orders", "list").orders;
  assert.equal(orders.length, 3);
  assert.ok(orders.every((o) => o.status === "paid"), JSON.stringify(orders));
});

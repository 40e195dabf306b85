// VIP cards end to end: the real app in a real window and the real PC/SC stack (pcscd with
// vsmartcard's virtual reader, started by tests/e2e/run), the card played by this test over TCP.
// An unknown card tapped during a sale opens "Enrol new VIP"; once enrolled the customer is on the
// sale, the points land when the order is paid, and the next tap on a new sale shows the VIP with
// their points. Each tap's time to the screen is measured (budget: 300 ms) and printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "./webdriver.mjs";
import { fill, freshStore, scan, sellScreen, shot, sleep, until, waitFocus, withApp } from "./harness.mjs";
import { tapCard } from "./vicc.mjs";

const ESPRESSO = "5010000010317"; // the demo catalog's Espresso, 1.80
const UID = "04A1B2C3D4E5F6";

/** Notes (in the page) the wall-clock time `[data-testid=testid]` first holds `text`. */
async function watchFor(session, testid, text = "") {
  await session.execute(
    `const [testid, text] = arguments;
     window.__seenAt = null;
     const seen = () => {
       const el = document.querySelector('[data-testid="' + testid + '"]');
       return el && el.textContent.includes(text);
     };
     if (seen()) { window.__seenAt = Date.now(); return; }
     const observer = new MutationObserver(() => {
       if (seen()) { window.__seenAt = Date.now(); observer.disconnect(); }
     });
     observer.observe(document.body, { subtree: true, childList: true, characterData: true });`,
    [testid, text],
  );
}

/**
 * When the app logged the first tap at or after `since` (its log is in the run's data home):
 * the moment the PC/SC service told the till about the card.
 */
function tapLogged(since) {
  const dir = join(process.env.E2E_DATA_HOME ?? "", "com.versatalent.pos", "logs");
  const times = readdirSync(dir)
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
    .filter((l) => l.includes("VIP card tapped"))
    .map((l) => Date.parse(l.slice(0, l.indexOf(" "))))
    .filter((t) => t >= since - 5);
  return times.length ? Math.min(...times) : null;
}

/**
 * Taps the card and waits for what `watchFor` watches. The card, the time tap → screen, and its
 * two parts: tap → the till hears of it (the PC/SC service noticing the card and the UID read),
 * and the till hearing of it → on screen (the event to the window, the look-up, the link).
 */
async function tapAndTime(session, uid, what) {
  const tappedAt = Date.now();
  const card = await tapCard(uid);
  const seenAt = await until(what, () => session.execute("return window.__seenAt"), { timeout: 10000 });
  const heardAt = await until("the tap in the app's log", () => tapLogged(tappedAt), { timeout: 5000 });
  return { card, ms: seenAt - tappedAt, heard: heardAt - tappedAt, shown: seenAt - heardAt };
}

test("a VIP card tapped during a sale: enrolled, linked, points on the receipt, known at the next tap", { timeout: 240000 }, async () => {
  const store = freshStore("vip-card");
  const seen = {};
  await withApp(store, async (session) => {
    await session.waitFor("demo-button", { timeout: 30000 });
    await (await session.find("demo-button")).click();
    await sellScreen(session);
    await sleep(300);
    await scan(session, ESPRESSO, 1);

    // A card the till has never seen: "Enrol new VIP".
    await watchFor(session, "enrol-vip-dialog");
    const first = await tapAndTime(session, UID, "the enrol dialog");
    seen.enrol = first;
    seen.enrolUid = await (await session.find("enrol-vip-uid")).text();
    await shot(session, "vip-enrol");
    await fill(session, "enrol-vip-name", "Ada Lovelace");
    await fill(session, "enrol-vip-email", "ada@example.com");
    await (await session.find("enrol-vip-save")).click();
    await session.waitFor("vip-banner", { timeout: 10000 });
    seen.name = await (await session.find("vip-name")).text();
    seen.pointsBefore = await (await session.find("vip-points")).text();
    await first.card.remove();
    await shot(session, "vip-linked");

    // Paid in cash: the points land.
    await sleep(200);
    await session.keys(Key.F12);
    await session.waitFor("pay-dialog");
    await waitFocus(session, "cash-input");
    await session.keys("10");
    await sleep(300);
    await session.keys(Key.Enter);
    await session.waitFor("receipt", { timeout: 10000 });
    seen.receiptPoints = Number(await (await session.find("receipt-points")).text());
    await shot(session, "vip-receipt");
    await session.keys(Key.Enter);
    await session.waitGone("receipt");
    await session.waitFor("search-input");
    await sleep(300);

    // A new sale: the same card is the VIP, with their points, at once. Three taps, each on a sale
    // of its own (the sale is voided between them), for the time to the screen.
    seen.vip = [];
    for (let i = 0; i < 3; i += 1) {
      await scan(session, ESPRESSO, 1);
      await watchFor(session, "vip-banner", "Ada Lovelace");
      const again = await tapAndTime(session, UID, "the VIP banner");
      seen.vip.push(again);
      seen.pointsAfter = await (await session.find("vip-points")).text();
      await again.card.remove();
      if (i === 0) await shot(session, "vip-known");
      await (await session.find("void-button")).click();
      await (await session.waitFor("void-confirm")).click();
      await session.waitCount("cart-line", 0);
      await session.waitGone("vip-banner");
      await (await session.find("search-input")).click();
      await sleep(300);
    }
  });

  const timing = (t) => `${t.ms} ms (tap → till ${t.heard} ms, till → screen ${t.shown} ms)`;
  console.log(`tap → enrol dialog: ${timing(seen.enrol)}`);
  for (const t of seen.vip) console.log(`tap → VIP banner: ${timing(t)}`);
  assert.equal(seen.enrolUid, UID, "the enrol dialog names the card it enrols");
  assert.equal(seen.name, "Ada Lovelace");
  assert.equal(seen.pointsBefore, "0", "a new VIP starts with no points");
  assert.ok(seen.receiptPoints > 0, "the paid sale earned points, shown on the receipt");
  assert.equal(Number(seen.pointsAfter), seen.receiptPoints, "the next tap shows the points earned");

  const carded = store.cli("customers", "list").customers.filter((c) => c.card_uid === UID);
  assert.equal(carded.length, 1, "one VIP enrolled with the card tapped");
  assert.equal(carded[0].name, "Ada Lovelace");
  assert.equal(carded[0].points_balance, seen.receiptPoints, "the points landed once");
  const orders = store.cli("orders", "list").orders;
  assert.equal(orders.filter((o) => o.status === "paid").length, 1, "one paid order");
});

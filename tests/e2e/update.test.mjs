// Signed updates in the real app. A release server on this machine (node's http) serves a
// manifest written by scripts/update-manifest and a package signed by the Tauri CLI's signer with
// the run's test key (the debug app trusts it through VERSAPOS_UPDATE_PUBKEY; tests/e2e/run).
//
// In the window, a manager's "Check now" refuses a tampered package and an unsigned one, then
// accepts the signed one and says it installs at the next start. Then a copy of the app is
// started on that store as a till would be the next morning: it installs the waiting update over
// itself before anything else and restarts as the new version. The "new version" is a small
// program that notes how it was started and then runs the real app, so the test sees both the
// install and the restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { APP, DEMO_STAFF, freshStore, sellScreen, shot, until, withApp } from "./harness.mjs";
import { Key } from "./webdriver.mjs";

const KEY = process.env.E2E_UPDATE_KEY;
const SIGNER = process.env.E2E_UPDATE_SIGNER;
const MANIFEST = resolve("scripts/update-manifest");

/** A static file server for `root` on 127.0.0.1; resolves to its base URL and a close(). */
function serve(root) {
  const server = createServer((req, res) => {
    const file = join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { "Content-Length": body.length }).end(body);
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () =>
      ok({ base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    ),
  );
}

/**
 * The "new version": a tiny program that writes how it was started to `note` and then runs the
 * real app with the same arguments (an ELF, as the updater checks).
 */
function newVersion(dir, note) {
  const src = join(dir, "new-version.c");
  writeFileSync(
    src,
    `#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
  FILE *f = fopen(${JSON.stringify(note)}, "a");
  if (f) { fprintf(f, "0.2.0 started:"); for (int i = 1; i < argc; i++) fprintf(f, " %s", argv[i]); fprintf(f, "\\n"); fclose(f); }
  argv[0] = ${JSON.stringify(APP)};
  execv(${JSON.stringify(APP)}, argv);
  return 127;
}
`,
  );
  const bin = join(dir, "versatalent-pos_0.2.0");
  execFileSync("gcc", ["-O1", "-o", bin, src]);
  return bin;
}

/** Publishes `bytes` as version `version` in `served`: package, signature and latest.json. */
function publish(served, base, bytes, { version = "0.2.0", sign = true } = {}) {
  const name = `versatalent-pos_${version}_amd64.bin`;
  const file = join(served, name);
  writeFileSync(file, bytes);
  if (sign) execFileSync(SIGNER, ["signer", "sign", "-p", "", "--app-version", version, "-f", KEY, file], { stdio: "ignore" });
  if (sign) {
    execFileSync(MANIFEST, ["--version", version, "--notes", "Faster receipts.", "--base-url", base,
      "--out", join(served, "latest.json"), `linux-x86_64=${file}`], { stdio: "ignore" });
  } else {
    writeFileSync(join(served, "latest.json"), JSON.stringify({ version, notes: "Unsigned.",
      platforms: { "linux-x86_64": { url: `${base}/${name}`, signature: "" } } }));
  }
  return file;
}

/** Back office → Settings → Updates, then "Check now"; resolves to the status text shown. */
async function checkNow(session, expect) {
  await (await session.find("update-check")).click();
  return until(`the update status to say ${expect}`, async () => {
    const text = await (await session.find("update-status")).text();
    return expect.test(text) ? text : null;
  }, { timeout: 30000 });
}

test("an update is refused when tampered or unsigned, accepted when signed, and installs at the next start", { timeout: 300000 }, async () => {
  assert.ok(KEY && SIGNER, "run through tests/e2e/run (it makes the update key)");
  const store = freshStore("update");
  store.cli("demo");
  const served = join(store.dir, "served");
  mkdirSync(served);
  const server = await serve(served);
  const note = join(store.dir, "started.txt");
  const program = readFileSync(newVersion(store.dir, note));
  try {
    store.cli("settings", "set", "update-url", `${server.base}/latest.json`);
    store.cli("settings", "set", "update-install", "next-start");

    // Tampered: one byte of the package changed after signing.
    const file = publish(served, server.base, program);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0x01;
    writeFileSync(file, bytes);

    const seen = {};
    await withApp(store, async (session) => {
      await sellScreen(session, DEMO_STAFF.admin);
      await session.keys(Key.F10);
      await session.chord(Key.Alt, "5");
      await session.waitFor("update-settings", { timeout: 15000 });
      seen.before = await (await session.find("update-status")).text();

      seen.tampered = await checkNow(session, /refused/i);
      await shot(session, "update-refused-tampered");

      // Unsigned (offered as 0.2.1, so the screen shows the new refusal): no signature at all.
      publish(served, server.base, program, { version: "0.2.1", sign: false });
      seen.unsigned = await checkNow(session, /0\.2\.1/);
      seen.keptAfterRefusals = existsSync(join(store.dir, "updates", "ready"));

      // Signed with the release key for 0.2.0: downloaded, verified, waiting.
      publish(served, server.base, program);
      seen.signed = await checkNow(session, /0\.2\.0/);
      await shot(session, "update-ready");
    });

    assert.match(seen.before, /not checked|up to date|checked/i);
    assert.match(seen.tampered, /refused/i);
    assert.match(seen.unsigned, /refused/i, "an unsigned package is refused");
    assert.equal(seen.keptAfterRefusals, false, "nothing kept from a refused update");
    assert.match(seen.signed, /next start/i);
    assert.ok(existsSync(join(store.dir, "updates", "ready", "package")), "the update waits beside the store");

    // The next morning: the till (a copy of the app, so the suite's own is never replaced) starts,
    // installs the waiting update over itself and restarts as the new version.
    const tillDir = join(store.dir, "till");
    mkdirSync(tillDir);
    const till = join(tillDir, "versatalent-pos");
    copyFileSync(APP, till);
    chmodSync(till, 0o755);
    const first = spawn(till, ["--store", store.db], { stdio: "ignore", detached: true });
    try {
      await until("the update to be installed and the till restarted", () =>
        existsSync(note) && readFileSync(note, "utf8").includes("--store"), { timeout: 60000 });
      assert.deepEqual(readFileSync(till), program, "the installed file is the signed package");
      assert.equal(existsSync(join(store.dir, "updates", "ready")), false, "the installed update is not kept");
      assert.match(readFileSync(note, "utf8"), new RegExp(`0\\.2\\.0 started: --store ${store.db.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      // The real app runs on after the restart, on the same store.
      await until("the restarted till to be running", () => running(store.db).length > 0, { timeout: 30000 });
    } finally {
      for (const pid of running(store.db)) {
        try { process.kill(Number(pid), "SIGTERM"); } catch { /* gone */ }
      }
      try { process.kill(-first.pid, "SIGTERM"); } catch { /* gone */ }
    }
  } finally {
    server.close();
  }
});

/** The pids of apps running on `db`. */
function running(db) {
  try {
    return execFileSync("pgrep", ["-f", "--", `--store ${db}`], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

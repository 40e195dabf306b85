// DEV ONLY: screenshots of every mock scenario at 1024×768 with headless Chromium, to look at the
// layout without Tauri. Needs `chromium` on PATH and a built ui/dist (npm run build).
//   node dev/screenshots.mjs [out-dir]      (default: /tmp/versapos-shots)
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const out = process.argv[2] ?? "/tmp/versapos-shots";
const port = 4199;
const scenarios = ["firstrun", "setup", "sell", "search", "customer", "parked", "pay", "error", "receipt"];
mkdirSync(out, { recursive: true });

const server = spawn(process.execPath, [fileURLToPath(new URL("serve.mjs", import.meta.url)), String(port)], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 500));
try {
  for (const s of scenarios) {
    const r = spawnSync("chromium", [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--hide-scrollbars",
      "--window-size=1024,768", "--virtual-time-budget=3000", `--screenshot=${out}/${s}.png`, `http://127.0.0.1:${port}/#${s}`,
    ], { stdio: "ignore", timeout: 60_000 });
    console.log(`${s}: ${r.status === 0 ? `${out}/${s}.png` : `failed (${r.status})`}`);
  }
} finally {
  server.kill();
}

// Idle memory only (no WebDriver): starts each case on the X display in DISPLAY, waits 5 s plus
// PERF_IDLE_S (20) s, reads RSS and PSS of the process tree from /proc/PID/smaps_rollup, ends it.
// Cases run interleaved PERF_RUNS (2) times; the report gives the median per case.
//
//   DISPLAY=:99 node tests/perf/idle-memory.mjs 'label=command arg …' 'other=env K=V command …'
//
// Started by tests/perf/idle-memory, which provides Xvfb and a scratch HOME.
import { spawn } from "node:child_process";
import { treeMemory, waitExit } from "./procmem.mjs";

const RUNS = Number(process.env.PERF_RUNS ?? "2");
const IDLE_S = Number(process.env.PERF_IDLE_S ?? "20");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (kb) => (kb / 1024).toFixed(1);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cases = process.argv.slice(2).map((a) => {
  const i = a.indexOf("=");
  return { label: a.slice(0, i), argv: a.slice(i + 1).split(/\s+/).filter(Boolean), runs: [] };
});
if (!cases.length) throw new Error("no cases: 'label=command arg …'");

for (let run = 0; run < RUNS; run++) {
  for (const c of cases) {
    const child = spawn(c.argv[0], c.argv.slice(1), { stdio: ["ignore", "ignore", "ignore"] });
    await sleep(5000 + IDLE_S * 1000);
    const mem = treeMemory(child.pid);
    child.kill("SIGTERM");
    // Wait for the whole tree (the WebKit processes too): one still mapping the same libraries
    // would lower the next case's PSS.
    for (const r of mem.rows) {
      if (!(await waitExit(r.pid))) {
        try {
          process.kill(r.pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
    await sleep(1000);
    const per = Object.fromEntries(
      mem.rows.map((r) => [r.name, { Rss: r.Rss, Pss: r.Pss, Pss_Anon: r.Pss_Anon }]),
    );
    c.runs.push({ total: mem.total, per });
    console.error(
      `idle-memory: ${c.label} run ${run + 1}: RSS ${mb(mem.total.Rss)} MB, PSS ${mb(mem.total.Pss)} MB ` +
        `(${mem.rows.map((r) => `${r.name} ${mb(r.Rss)}/${mb(r.Pss)}`).join(", ")})`,
    );
  }
}

const lines = [
  `Idle ${IDLE_S} s (after 5 s to start), median of ${RUNS} runs, MB (MiB); per process RSS / PSS.`,
  "",
  "| case | RSS total | PSS total | PSS anon | per process (RSS / PSS) |",
  "| --- | --- | --- | --- | --- |",
];
for (const c of cases) {
  const ok = c.runs.filter((r) => r.total.Rss > 0);
  const names = [...new Set(ok.flatMap((r) => Object.keys(r.per)))];
  const per = names
    .map((n) => {
      const xs = ok.filter((r) => r.per[n]);
      return `${n} ${mb(median(xs.map((r) => r.per[n].Rss)))} / ${mb(median(xs.map((r) => r.per[n].Pss)))}`;
    })
    .join(", ");
  lines.push(
    `| ${c.label} | ${mb(median(ok.map((r) => r.total.Rss)))} | ${mb(median(ok.map((r) => r.total.Pss)))} | ` +
      `${mb(median(ok.map((r) => r.total.Pss_Anon)))} | ${per} |`,
  );
}
console.log(lines.join("\n"));
console.log("\n```json\n" + JSON.stringify(cases.map(({ label, argv, runs }) => ({ label, argv, runs: runs.map((r) => ({ Rss: r.total.Rss, Pss: r.total.Pss })) }))) + "\n```");

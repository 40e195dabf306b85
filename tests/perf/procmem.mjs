// Memory of a process tree from /proc: RSS and PSS (smaps_rollup) of the till and of the WebKit
// processes it starts. PSS divides each shared page between the processes that map it, so the
// PSS of the tree is what the till costs the machine; RSS summed over processes counts shared
// libraries once per process.
import { readFileSync, readdirSync } from "node:fs";

const KB_FIELDS = [
  "Rss",
  "Pss",
  "Pss_Anon",
  "Pss_File",
  "Pss_Shmem",
  "Shared_Clean",
  "Shared_Dirty",
  "Private_Clean",
  "Private_Dirty",
  "Swap",
];

/** smaps_rollup of `pid` in kB per field, or null when the process is gone. */
export function rollup(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return null;
  }
  const out = {};
  for (const f of KB_FIELDS) {
    const m = text.match(new RegExp(`^${f}:\\s+(\\d+) kB`, "m"));
    out[f] = m ? Number(m[1]) : 0;
  }
  return out;
}

/** The process's command name (`comm`, at most 15 characters). */
export function comm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
}

/** Fields of /proc/PID/stat after the command name (index 0 = state, 1 = ppid, 19 = starttime). */
function statFields(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  return s.slice(s.lastIndexOf(")") + 2).split(" ");
}

/** All descendants of `pid` (children, grandchildren, …). */
export function descendants(pid) {
  const parent = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      parent.set(Number(d), Number(statFields(d)[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop();
    for (const [c, pp] of parent) if (pp === p) (out.push(c), todo.push(c));
  }
  return out;
}

/**
 * When `pid` started, in ms since the epoch (10 ms resolution: clock ticks of 1/100 s). Measured
 * against /proc/uptime read now (the same boot-time clock as the start time) rather than the
 * kernel's `btime`, which can be off from the wall clock by up to a second on a VM.
 */
export function startEpochMs(pid) {
  const ticks = Number(statFields(pid)[19]);
  const now = Date.now();
  const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  return now - (uptime - ticks / 100) * 1000;
}

/** The `n` mappings of `pid` with the largest PSS, summed per file ([heap], [anon], …), in kB. */
export function topMappings(pid, n = 8) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return [];
  }
  const by = new Map();
  let name = null;
  for (const line of text.split("\n")) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      name = head[1] || "[anon]";
      continue;
    }
    const m = line.match(/^(Pss|Rss):\s+(\d+) kB/);
    if (m && name) {
      const e = by.get(name) ?? { name, Pss: 0, Rss: 0 };
      e[m[1]] += Number(m[2]);
      by.set(name, e);
    }
  }
  return [...by.values()].sort((a, b) => b.Pss - a.Pss).slice(0, n);
}

/** Pids whose environment has `NAME=value` and whose comm is `name`. */
export function pidsWithEnv(name, envEntry) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    if (comm(d) !== name) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, "utf8").split("\0");
      if (env.includes(envEntry)) out.push(Number(d));
    } catch {
      // gone or not ours
    }
  }
  return out;
}

/** Memory of the app `pid` and its descendants: one row per process and the total, in kB. */
export function treeMemory(pid) {
  const rows = [];
  for (const p of [pid, ...descendants(pid)]) {
    const r = rollup(p);
    if (r) rows.push({ pid: p, name: comm(p), ...r, top: topMappings(p) });
  }
  const total = { pid: "", name: "total" };
  for (const f of KB_FIELDS) total[f] = rows.reduce((a, r) => a + r[f], 0);
  return { rows, total };
}

const mb = (kb) => (kb / 1024).toFixed(1);

/** A Markdown table of `treeMemory` in MB (1 MB = 1 MiB here, as /proc counts in KiB). */
export function memoryTable({ rows, total }) {
  const head = "| process | RSS | PSS | PSS anon | PSS file | PSS shmem | private (USS) | shared |";
  const lines = [head, "| --- | --- | --- | --- | --- | --- | --- | --- |"];
  for (const r of [...rows, total]) {
    const name = r.name === "total" ? "**total**" : `${r.name} (${r.pid})`;
    lines.push(
      `| ${name} | ${mb(r.Rss)} | ${mb(r.Pss)} | ${mb(r.Pss_Anon)} | ${mb(r.Pss_File)} | ${mb(r.Pss_Shmem)} | ` +
        `${mb(r.Private_Clean + r.Private_Dirty)} | ${mb(r.Shared_Clean + r.Shared_Dirty)} |`,
    );
  }
  return lines.join("\n");
}

/** What each process's PSS is made of: its largest mappings, one line per process. */
export function mappingLines({ rows }) {
  return rows.map(
    (r) =>
      `- ${r.name}: ` +
      r.top.map((t) => `${t.name.replace(/^.*\//, "")} ${mb(t.Pss)}`).join(", "),
  );
}

/** Waits up to `timeoutMs` for process `pid` to exit; true when it has. */
export async function waitExit(pid, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

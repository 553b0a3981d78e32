// SPDX-License-Identifier: Apache-2.0
// `fgm monitor` for 60 s on real cgroups of this machine with three workloads started inside
// their cgroups: a CPU burner held to 250 millicores, a process holding 100 MiB, and an idle one.
// Every second must be present for every container (>= 99.9%) and the values must match.
//   node test/e2e/monitor_workloads.mjs path/to/fgm [seconds]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const fgm = process.argv[2];
const seconds = Number(process.argv[3] ?? 60);
const dir = mkdtempSync(join(tmpdir(), "fgm-workloads-"));
const out = join(dir, "data");
const slice = `fgm-e2e-work-${process.pid}.slice`;
let failures = 0;
const fail = (msg) => { console.error("FAIL:", msg); failures++; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const v1 = existsSync("/sys/fs/cgroup/memory/cgroup.procs");
const roots = v1
  ? ["memory", "cpu", "cpuacct", "pids", "unified"].map((c) => `/sys/fs/cgroup/${c}`).filter((r) => existsSync(r))
  : ["/sys/fs/cgroup"];
const procs = [];
const cleanup = () => {
  for (const p of procs) { try { process.kill(p.pid, "SIGKILL"); } catch {} }
  for (const r of roots) {
    for (const name of ["burner", "holder", "idle"]) { try { rmdirSync(join(r, slice, `${name}.scope`)); } catch {} }
    try { rmdirSync(join(r, slice)); } catch {}
  }
};
process.on("exit", cleanup);

function container(name, { quotaUs } = {}) {
  for (const r of roots) {
    const d = join(r, slice, `${name}.scope`);
    mkdirSync(d, { recursive: true });
    if (quotaUs && existsSync(join(d, "cpu.cfs_quota_us"))) writeFileSync(join(d, "cpu.cfs_quota_us"), String(quotaUs));
    if (quotaUs && existsSync(join(d, "cpu.max"))) writeFileSync(join(d, "cpu.max"), `${quotaUs} 100000`);
  }
  return roots.map((r) => join(r, slice, `${name}.scope`, "cgroup.procs"));
}
// Starts `cmd` inside the cgroup: the shell writes its own pid into every hierarchy, then execs.
function startIn(procFiles, cmd) {
  const p = spawn("sh", ["-c", `for f in ${procFiles.join(" ")}; do echo $$ > $f; done; exec ${cmd}`],
    { stdio: "ignore" });
  procs.push(p);
  return p;
}

startIn(container("burner", { quotaUs: 25000 }), "sh -c 'while :; do :; done'");
startIn(container("holder"), `node -e "const b = Buffer.alloc(100 << 20, 1); setInterval(() => b[0]++, 1000)"`);
startIn(container("idle"), "sleep 3600");
await sleep(1500);  // let the holder touch its memory

const mon = spawn(fgm, ["monitor", "-o", out, "--cgroup-pattern", `work=${slice}/{container}.scope`,
  "--duration", `${seconds}s`, "--log-level", "warning"], { stdio: ["ignore", "inherit", "inherit"] });
const code = await new Promise((r) => mon.on("exit", r));
if (code !== 0) fail(`fgm monitor exited ${code}`);

const con = await (await DuckDBInstance.create(":memory:")).connect();
const rows = (await (await con.runAndReadAll(`
  SELECT container_id, count(DISTINCT time)::BIGINT AS ticks,
         avg(cpu_usage_millicores) AS cpu_m, avg(cpu_throttled_ratio) AS thr,
         median(memory_usage_bytes)::BIGINT AS mem, median(memory_rss_bytes)::BIGINT AS rss,
         median(memory_pss_bytes)::BIGINT AS pss
  FROM read_parquet('${out}/**/*.parquet', hive_partitioning = true)
  WHERE kind = 'container' AND cgroup_path LIKE '${slice}/%' GROUP BY 1`)).getRowObjectsJson());
const ticks = Number((await (await con.runAndReadAll(`SELECT count(DISTINCT time)::BIGINT AS n
  FROM read_parquet('${out}/**/*.parquet') WHERE kind = 'monitor'`)).getRowObjectsJson())[0].n);
const by = Object.fromEntries(rows.map((r) => [r.container_id, r]));
const MiB = 1 << 20;
for (const name of ["burner", "holder", "idle"]) {
  const r = by[name];
  if (!r) { fail(`no rows for ${name}`); continue; }
  if (Number(r.ticks) < ticks * 0.999) fail(`${name}: ${r.ticks} of ${ticks} seconds present`);
}
if (ticks < seconds - 2) fail(`only ${ticks} ticks in ${seconds} s`);
if (by.burner) {
  if (Math.abs(by.burner.cpu_m - 250) > 15) fail(`burner averaged ${by.burner.cpu_m} millicores (want 250 +- 15)`);
  if (!(by.burner.thr > 0.5)) fail(`burner throttled ratio ${by.burner.thr}`);
}
if (by.holder) {
  for (const k of ["mem", "rss", "pss"]) {
    const v = Number(by.holder[k]) / MiB;
    if (v < 100 || v > 160) fail(`holder ${k} ${v.toFixed(1)} MiB (want 100 MiB plus node's own 30-50 MiB)`);
  }
}
if (by.idle && by.idle.cpu_m > 5) fail(`idle container used ${by.idle.cpu_m} millicores`);
console.log(`monitor_workloads: ${ticks} ticks; ` + rows.map((r) =>
  `${r.container_id}: ${r.ticks} s, ${Number(r.cpu_m).toFixed(1)} m, thr ${Number(r.thr ?? 0).toFixed(2)}, ` +
  `mem ${(Number(r.mem) / MiB).toFixed(1)} MiB, rss ${(Number(r.rss) / MiB).toFixed(1)}, pss ${(Number(r.pss) / MiB).toFixed(1)}`).join("; "));
rmSync(dir, { recursive: true, force: true });
cleanup();
if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }

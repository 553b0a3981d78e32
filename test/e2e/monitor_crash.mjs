// SPDX-License-Identifier: Apache-2.0
// Crash safety of `fgm monitor` on this machine's real cgroups: 20+ SIGKILLs at random moments,
// each followed by a restart (which recovers the journal), then a SIGTERM that must finish within
// 2 s. Afterwards every file opens in DuckDB, no tick is stored twice, no temporary file is left
// under a final name, and around each kill the timeline has a gap of at most 5 s.
//   node test/e2e/monitor_crash.mjs path/to/fgm [kills]
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmdirSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const fgm = process.argv[2];
const kills = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(join(tmpdir(), "fgm-crash-"));
const out = join(dir, "data");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
const fail = (msg) => { console.error("FAIL:", msg); failures++; };

// A container-shaped cgroup for the monitor to sample, in the memory hierarchy (what discovery
// walks on v1/hybrid hosts) and in the unified one when present.
const slice = `fgm-e2e-crash-${process.pid}.slice`;
const cgroupDirs = ["/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
  .filter((root) => existsSync(join(root, "cgroup.procs")))
  .map((root) => join(root, slice));
for (const d of cgroupDirs) mkdirSync(join(d, "app.scope"), { recursive: true });
const cleanup = () => {
  for (const d of cgroupDirs) { try { rmdirSync(join(d, "app.scope")); rmdirSync(d); } catch {} }
};
process.on("exit", cleanup);

const args = ["monitor", "-o", out, "--flush-interval", "2s", "--cgroup-pattern",
  `e2e=${slice}/{container}.scope`, "--log-level", "warning"];
const start = () => {
  const p = spawn(fgm, args, { stdio: ["ignore", "ignore", "pipe"] });
  p.stderrText = "";
  p.stderr.on("data", (d) => { p.stderrText += d; });
  p.exited = new Promise((resolve) => p.on("exit", (code, signal) => resolve({ code, signal })));
  return p;
};

const killTimes = [];
for (let k = 0; k < kills; k++) {
  const p = start();
  await sleep(2500 + Math.random() * 4000);  // random moment: mid-tick, mid-flush, mid-segment
  killTimes.push(Date.now());
  p.kill("SIGKILL");
  const { signal } = await p.exited;
  if (signal !== "SIGKILL") fail(`run ${k} ended with ${signal}: ${p.stderrText}`);
}
// A clean stop: SIGTERM must flush and exit within 2 s.
const last = start();
await sleep(4000);
const termAt = Date.now();
last.kill("SIGTERM");
const { code } = await last.exited;
const stopMs = Date.now() - termAt;
if (code !== 0) fail(`SIGTERM exit code ${code}: ${last.stderrText}`);
if (stopMs > 2000) fail(`SIGTERM took ${stopMs} ms (limit 2000)`);

// Every file under a final name is readable; nothing temporary is left behind.
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p); else files.push(p);
  }
};
walk(out);
const parquet = files.filter((f) => f.endsWith(".parquet"));
const journals = files.filter((f) => f.endsWith(".wal"));
const temps = files.filter((f) => f.endsWith(".tmp"));
if (temps.length) fail(`temporary files left: ${temps}`);
if (journals.length) fail(`journals left after a clean stop: ${journals}`);
const con = await (await DuckDBInstance.create(":memory:")).connect();
for (const f of parquet) {
  try { await con.run(`SELECT count(*) FROM read_parquet('${f}')`); }
  catch (e) { fail(`${f} does not open in DuckDB: ${e.message}`); }
}
const tree = `read_parquet('${out}/**/*.parquet', hive_partitioning = true)`;
const ticks = (await (await con.runAndReadAll(
  `SELECT epoch_ms(time)::BIGINT AS t, count(*)::BIGINT AS n FROM ${tree}
   WHERE kind = 'monitor' GROUP BY 1 ORDER BY 1`)).getRowObjectsJson()).map((r) => [Number(r.t), Number(r.n)]);
const dup = ticks.filter(([, n]) => n > 1);
if (dup.length) fail(`${dup.length} ticks stored twice, e.g. ${dup[0][0]}`);
const containerRows = (await (await con.runAndReadAll(
  `SELECT count(*)::BIGINT AS n FROM ${tree}
   WHERE kind = 'container' AND cgroup_path LIKE '${slice}/%'`)).getRowObjectsJson())[0].n;
if (Number(containerRows) < ticks.length * 0.9) fail(`only ${containerRows} container rows for ${ticks.length} ticks`);

// Gap around each kill: last stored tick before it to first stored tick after it.
const times = ticks.map(([t]) => t);
let worst = 0;
for (const k of killTimes) {
  const before = times.filter((t) => t <= k).pop();
  const after = times.find((t) => t > k);
  // The very first run may be killed before its first flush: nothing precedes it to measure from.
  if (before === undefined && k === killTimes[0] && after !== undefined) continue;
  if (before === undefined || after === undefined) { fail(`no data around kill at ${k}`); continue; }
  const gap = (after - before) / 1000;
  worst = Math.max(worst, gap);
  if (gap > 5) fail(`gap of ${gap} s around the kill at ${new Date(k).toISOString()}`);
}
console.log(`monitor_crash: ${kills} SIGKILLs, ${parquet.length} files all readable, ` +
  `${ticks.length} ticks, no duplicates, worst gap ${worst.toFixed(1)} s, SIGTERM exit in ${stopMs} ms`);
rmSync(dir, { recursive: true, force: true });
cleanup();
if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }

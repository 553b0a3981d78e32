// SPDX-License-Identifier: Apache-2.0
// Every local scenario at once on this machine's real cgroups (one state directory, one monitor),
// then each one's documented signal checked in the captured dataset with DuckDB, the periodicity
// study asked through `fgm viewer`'s API, PostgreSQL queried with psql, and `stop` checked to
// leave no process or cgroup behind. Runs are short (--duration) and back-off starts at 2 s
// instead of kubelet's 10 s so restarts show within the test's time. Needs root (exit 77 = skip).
//   node test/scenario/scenarios_local.mjs path/to/fgm [seconds]
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const fgm = process.argv[2];
const seconds = Number(process.argv[3] ?? 80);
if (process.getuid() !== 0) {
  console.log("scenarios_local: needs root (cgroups); skipped");
  process.exit(77);
}
const state = mkdtempSync(join(tmpdir(), "fgm-scenarios-"));
const env = { ...process.env, FGM_STATE_DIR: state };
let failures = 0;
const fail = (msg) => { console.error("FAIL:", msg); failures++; };
const ok = (msg) => console.log("ok:", msg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fgmRun = (...args) => execFileSync(fgm, ["scenario", ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
const readState = (run) => JSON.parse(readFileSync(join(state, "runs", run, "state.json"), "utf8"));
const cgroupRoots = existsSync("/sys/fs/cgroup/cgroup.controllers")
  ? ["/sys/fs/cgroup"]
  : ["memory", "cpu", "cpuacct", "pids", "blkio", "unified"].map((c) => `/sys/fs/cgroup/${c}`).filter((r) => existsSync(r));

// ---- start everything (each `run` returns once its containers run)
const timed = ["memory-leak", "oom-kill", "crash-loop", "sigpipe-crash", "cpu-throttle", "periodic-spikes"];
const runs = {};
const t0 = Date.now();
for (const name of timed) {
  runs[name] = fgmRun("run", name, "--duration", `${seconds}s`, "--backoff-initial", "2s").trim();
}
runs["todo-app"] = fgmRun("run", "todo-app", "--backoff-initial", "2s").trim();
console.log("runs:", JSON.stringify(runs));
for (const [name, run] of Object.entries(runs)) {
  if (!/^[a-z][a-z0-9]{7}$/.test(run)) fail(`${name}: run id ${JSON.stringify(run)} is not 8 characters`);
}
const monitorPid = JSON.parse(readFileSync(join(state, "monitor.json"), "utf8")).pid;
// `logs -f` streams every instance's lines and ends by itself when the run ends.
const follower = spawn(fgm, ["scenario", "logs", runs["crash-loop"], "-c", "app", "-f"], { env, stdio: ["ignore", "pipe", "inherit"] });
let followed = "";
follower.stdout.on("data", (d) => { followed += d; });
const followerDone = new Promise((r) => follower.on("exit", r));

// ---- while running: status, logs, real SQL in PostgreSQL
await sleep(Math.max(0, (seconds - 25) * 1000 - (Date.now() - t0)));
const status = fgmRun("status", runs["todo-app"]);
for (const c of ["postgres", "backend", "frontend", "loadgen"]) {
  if (!new RegExp(`\\b${c}\\s+running\\b`).test(status)) fail(`todo-app status does not show ${c} running:\n${status}`);
}
const todo = readState(runs["todo-app"]);
let todos = 0;
try {
  todos = Number(execFileSync("psql", ["-h", todo.shared_dir, "-U", "postgres", "-d", "postgres", "-Atc",
    "SELECT count(*) FROM todos"], { encoding: "utf8" }).trim());
} catch (e) { fail(`psql: ${e.message}`); }
if (todos >= 50) ok(`todo-app: ${todos} rows in PostgreSQL's todos table`); else fail(`todo-app: only ${todos} todos in PostgreSQL`);
const logs = fgmRun("logs", runs["todo-app"], "-c", "loadgen");
if (!/loadgen: \d+ ok/.test(logs)) fail(`loadgen log has no progress line:\n${logs.slice(0, 500)}`);
const crashStatus = fgmRun("status", runs["crash-loop"]);
if (!/1 Error/.test(crashStatus)) fail(`crash-loop status shows no last exit "1 Error":\n${crashStatus}`);

// ---- stop todo-app by hand; the others end by --duration
const todoPids = todo.containers.map((c) => c.pid).filter((p) => p > 0);
fgmRun("stop", runs["todo-app"]);
const deadline = Date.now() + 90_000;
while (Date.now() < deadline) {
  const active = Object.values(runs).filter((r) => ["starting", "running", "stopping"].includes(readState(r).phase));
  if (!active.length && !existsSync(join(state, "monitor.json"))) break;
  await sleep(200);
}

const followerCode = await Promise.race([followerDone, sleep(10_000).then(() => "still running")]);
const starts = (followed.match(/crash: starting/g) ?? []).length;
if (followerCode === 0 && starts >= 3) ok(`logs -f: followed ${starts} instances of crash-loop and ended with the run`);
else fail(`logs -f: exit ${followerCode}, ${starts} starts seen:\n${followed.slice(0, 400)}`);
follower.kill();

// ---- nothing left behind
for (const [name, run] of Object.entries(runs)) {
  const st = readState(run);
  if (!["stopped", "finished"].includes(st.phase)) fail(`${name}: phase ${st.phase} after the end`);
  for (const r of cgroupRoots) {
    if (existsSync(join(r, "fgm.slice", `fgm-run-${run}.slice`))) fail(`${name}: cgroup left in ${r}`);
  }
  if (existsSync(st.shared_dir)) fail(`${name}: shared dir ${st.shared_dir} left`);
  const alive = (pid) => { try { process.kill(pid, 0); return !readFileSync(`/proc/${pid}/stat`, "utf8").match(/\) [ZX] /); } catch { return false; } };
  if (alive(st.supervisor_pid)) fail(`${name}: supervisor ${st.supervisor_pid} still alive`);
}
for (const pid of [...todoPids, monitorPid]) {
  try { process.kill(pid, 0); if (!/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, "utf8"))) fail(`process ${pid} still alive`); } catch {}
}
const leftover = readdirSync(join(state, "metadata")).filter((f) => f.endsWith(".json"));
if (leftover.length) fail(`metadata files left: ${leftover.join(", ")}`);

// ---- the data
const con = await (await DuckDBInstance.create(":memory:")).connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const data = `read_parquet('${state}/data/**/*.parquet', hive_partitioning = true, union_by_name = true)`;
const ns = (name) => `fgm-run-${runs[name]}`;
const events = async (name, where = "true") => q(`SELECT epoch_ms(time) AS t, container_name, container_id, event_type,
  event_exit_code AS code, event_signal AS sig, event_reason AS reason FROM ${data}
  WHERE kind = 'event' AND namespace = '${ns(name)}' AND (${where}) ORDER BY time`);

// memory-leak: steady growth in the first instance, then an OOM kill.
{
  const growth = await q(`SELECT container_id, regr_slope(memory_usage_bytes, epoch(time)) / 1048576 AS mib_per_s,
      corr(memory_usage_bytes, epoch(time)) AS r, max(memory_usage_bytes) / 1048576 AS peak_mib
    FROM ${data} WHERE kind = 'container' AND namespace = '${ns("memory-leak")}'
      AND memory_usage_bytes > 1048576  -- while the process lives (after the OOM kill the cgroup is empty)
    GROUP BY 1 ORDER BY 1`);
  const first = growth[0];
  if (first && first.mib_per_s > 4 && first.r > 0.9 && first.peak_mib > 80) {
    ok(`memory-leak: ${Number(first.mib_per_s).toFixed(1)} MiB/s growth (r=${Number(first.r).toFixed(3)}) to ${Number(first.peak_mib).toFixed(0)} MiB`);
  } else fail(`memory-leak: no steady growth: ${JSON.stringify(growth)}`);
  const oom = await events("memory-leak", "event_reason = 'OOMKilled' OR event_type = 'oom_kill'");
  const exits = oom.filter((e) => e.event_type === "exit");
  if (exits.length >= 1 && exits.every((e) => Number(e.code) === 137 && Number(e.sig) === 9)) {
    ok(`memory-leak: ${exits.length} OOMKilled exit(s) (137, signal 9), ${oom.length - exits.length} oom_kill event(s)`);
  } else fail(`memory-leak: no OOMKilled exit event: ${JSON.stringify(oom)}`);
}

// oom-kill: at least two OOM kills within 60 s.
{
  const oom = await events("oom-kill", "event_type = 'exit' AND event_reason = 'OOMKilled'");
  const t = oom.map((e) => Number(e.t));
  if (t.length >= 2 && t[1] - t[0] <= 60_000) ok(`oom-kill: ${t.length} OOM kills, first two ${((t[1] - t[0]) / 1000).toFixed(1)} s apart`);
  else fail(`oom-kill: want >= 2 OOM kills within 60 s: ${JSON.stringify(oom)}`);
}

// crash-loop: exit code 1 every time, restart gaps growing (2, 4, 8 s with --backoff-initial 2s).
{
  const ev = await events("crash-loop", "event_type IN ('exit', 'restart')");
  const exits = ev.filter((e) => e.event_type === "exit");
  const gaps = [];
  for (const e of ev.filter((x) => x.event_type === "restart")) {
    const before = exits.filter((x) => Number(x.t) <= Number(e.t)).pop();
    if (before) gaps.push((Number(e.t) - Number(before.t)) / 1000);
  }
  const growing = gaps.length >= 2 && gaps.every((g, i) => i === 0 || g > gaps[i - 1] * 1.5);
  if (exits.length >= 2 && exits.every((e) => Number(e.code) === 1 && e.reason === "Error") && growing) {
    ok(`crash-loop: ${exits.length} exits with code 1, restart gaps ${gaps.map((g) => g.toFixed(1)).join(", ")} s`);
  } else fail(`crash-loop: exits ${JSON.stringify(exits)} gaps ${JSON.stringify(gaps)}`);
}

// sigpipe-crash: the writer dies with SIGPIPE: exit 141, signal 13; the server exits 0.
{
  const ev = await events("sigpipe-crash", "event_type = 'exit'");
  const writer = ev.filter((e) => e.container_name === "writer");
  const server = ev.filter((e) => e.container_name === "server");
  if (writer.length >= 1 && writer.every((e) => Number(e.code) === 141 && Number(e.sig) === 13 && e.reason === "Signal") &&
      server.length >= 1 && server.every((e) => Number(e.code) === 0)) {
    ok(`sigpipe-crash: writer exit 141 (signal 13) x${writer.length}, server exit 0 x${server.length}`);
  } else fail(`sigpipe-crash: ${JSON.stringify(ev)}`);
}

// todo-app: three labelled containers with CPU, memory and I/O.
{
  const rows = await q(`SELECT container_name, pod_name, qos_class, any_value(pod_labels) AS labels,
      avg(cpu_usage_millicores) AS cpu_m, max(memory_usage_bytes) AS mem,
      max(io_write_bytes) AS wr, max(io_read_bytes) AS rd, max(pids_current) AS pids
    FROM ${data} WHERE kind = 'container' AND namespace = '${ns("todo-app")}' GROUP BY ALL ORDER BY 1`);
  const by = Object.fromEntries(rows.map((r) => [r.container_name, r]));
  for (const [c, tier] of [["frontend", "web"], ["backend", "api"], ["postgres", "db"]]) {
    const r = by[c];
    if (!r) { fail(`todo-app: no rows for ${c}`); continue; }
    const labels = JSON.parse(r.labels ?? "{}");
    if (labels.app !== "todo" || labels.tier !== tier) fail(`todo-app: ${c} labels ${r.labels}`);
    if (!(r.cpu_m > 0.5)) fail(`todo-app: ${c} CPU ${r.cpu_m} m`);
    if (!(Number(r.mem) > 1 << 20)) fail(`todo-app: ${c} memory ${r.mem}`);
  }
  if (by.postgres && !(Number(by.postgres.wr) > 0 || Number(by.postgres.rd) > 0)) fail(`todo-app: postgres did no I/O: ${JSON.stringify(by.postgres)}`);
  console.log("todo-app:", rows.map((r) => `${r.container_name} ${Number(r.cpu_m).toFixed(1)} m, ${(Number(r.mem) / 1048576).toFixed(1)} MiB, ` +
    `io w ${(Number(r.wr ?? 0) / 1048576).toFixed(1)} MiB r ${(Number(r.rd ?? 0) / 1048576).toFixed(1)} MiB`).join("; "));
}

// cpu-throttle: throttled most periods, CPU pressure above 0.
{
  const [r] = await q(`SELECT avg(cpu_throttled_ratio) AS thr, avg(cpu_usage_millicores) AS cpu_m,
      max(cpu_pressure_some_usec_per_sec) AS psi, max(cpu_pressure_some_usec) - min(cpu_pressure_some_usec) AS psi_total
    FROM ${data} WHERE kind = 'container' AND namespace = '${ns("cpu-throttle")}'`);
  if (r && r.thr > 0.5 && (r.psi > 0 || Number(r.psi_total) > 0)) {
    ok(`cpu-throttle: throttled ratio ${Number(r.thr).toFixed(2)}, ${Number(r.cpu_m).toFixed(1)} m, cpu pressure up to ${Number(r.psi).toFixed(0)} us/s`);
  } else fail(`cpu-throttle: ${JSON.stringify(r)}`);
}

// periodic-spikes: the viewer's periodicity study finds 20 s +- 1 s.
{
  const [c] = await q(`SELECT container_id, min(epoch_ms(time)) AS t0, max(epoch_ms(time)) AS t1 FROM ${data}
    WHERE kind = 'container' AND namespace = '${ns("periodic-spikes")}' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
  const viewer = spawn(fgm, ["viewer", join(state, "data"), "--port", "0", "--no-browser"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve) => {
    let out = "";
    viewer.stdout.on("data", (d) => { out += d; const m = /serving at (\S+)/.exec(out); if (m) resolve(m[1]); });
    viewer.on("exit", () => resolve(null));
  });
  try {
    if (!url || !c) throw new Error(`viewer url ${url}, container ${JSON.stringify(c)}`);
    const base = url.replace(/\/$/, "");
    const res = await fetch(`${base}/api/study/periodicity?metric=cpu_usage_millicores&containers=${encodeURIComponent(c.container_id)}` +
      `&from=${c.t0}&to=${Number(c.t1) + 1000}`);
    const body = await res.json();
    const summary = body.results?.[0]?.summary ?? "";
    const period = body.results?.[0]?.windows?.[0]?.metrics?.period_s;
    if (res.ok && Math.abs(period - 20) <= 1) ok(`periodic-spikes: periodicity study: ${summary}`);
    else fail(`periodic-spikes: study answered ${res.status} ${JSON.stringify(body).slice(0, 600)}`);
  } catch (e) {
    fail(`periodic-spikes: ${e.message}`);
  } finally {
    viewer.kill("SIGTERM");
  }
}

// scenario export: a working .parquet (DuckDB reads it: only this run's rows) and .html. An fgm
// built without emscripten cannot write the HTML (fgm export says so); then only the Parquet half
// is checked, and the log says why.
{
  const out = join(state, "export", "crash-loop");
  const exportRun = (...extra) => execFileSync(fgm, ["scenario", "export", runs["crash-loop"], "-o", out, ...extra],
    { env, encoding: "utf8", stdio: ["ignore", "inherit", "pipe"] });
  let html = null;
  try {
    exportRun();
    html = readFileSync(`${out}.html`, "utf8");
  } catch (e) {
    if (/without the WebAssembly engine/.test(String(e.stderr))) {
      console.log(`note: ${String(e.stderr).trim()} -> checking the Parquet export only`);
      try { exportRun("--no-html"); } catch (e2) { fail(`scenario export --no-html: ${e2.stderr ?? e2.message}`); }
    } else fail(`scenario export: ${e.stderr ?? e.message}`);
  }
  try {
    const [r] = await q(`SELECT count(*)::BIGINT AS n, count(DISTINCT namespace)::BIGINT AS namespaces, any_value(namespace) AS ns
      FROM read_parquet('${out}.parquet')`);
    if (Number(r.n) > 0 && Number(r.namespaces) === 1 && r.ns === ns("crash-loop")) {
      ok(`scenario export: ${r.n} rows of ${r.ns} in ${out}.parquet`);
    } else fail(`scenario export: ${JSON.stringify(r)}`);
    if (html !== null) {
      if (html.length > 10_000 && /<html/i.test(html)) ok(`scenario export: ${(html.length / 1024).toFixed(0)} KiB of HTML`);
      else fail(`scenario export: html is ${html.length} bytes`);
    }
  } catch (e) {
    fail(`scenario export: ${e.message}`);
  }
}

if (failures) {
  console.error(`${failures} check(s) failed; state kept in ${state}`);
  process.exit(1);
}
rmSync(state, { recursive: true, force: true });
console.log("scenarios_local: all checks passed");

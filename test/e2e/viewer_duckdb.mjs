// SPDX-License-Identifier: Apache-2.0
// `fgm viewer` against DuckDB on the same files: /api/timeseries values (gauges and derived
// values at full resolution, counters as per-second rates with resets, per-bucket min/max/avg when
// downsampled) and /api/events must equal what DuckDB SQL computes from the Parquet tree. Also
// checks the viewer's HTTP hygiene from outside (Host check, no CORS, 400 on bad parameters).
//   node test/e2e/viewer_duckdb.mjs path/to/fgm
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import { DuckDBInstance } from "@duckdb/node-api";

const fgm = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "fgm-viewer-duckdb-"));
const out = join(dir, "data");
let failures = 0;
const fail = (msg) => { console.error("FAIL:", msg); failures++; };

// 2026-01-01T10:00:00Z for 40 min: one hourly file, restarts and OOM events included.
execFileSync(fgm, ["generate-bench-data", "--scenario", "realistic", "--duration", "40m",
  "--start", "1767261600", "--seed", "11", "-o", out], { stdio: ["ignore", "ignore", "inherit"] });

const viewer = spawn(fgm, ["viewer", out, "--no-browser", "--port", "0"],
  { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  let text = "";
  viewer.stdout.on("data", (d) => {
    text += d;
    const m = text.match(/serving at (http:\/\/[^\s]+)/);
    if (m) resolve(m[1]);
  });
  viewer.on("exit", (code) => reject(new Error(`viewer exited with ${code} before serving`)));
  setTimeout(() => reject(new Error("viewer did not print its URL within 20 s")), 20000);
});

// Raw GET with an explicit Host header (fetch() does not let us set it).
function get(path, host) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent: false,
      headers: host ? { Host: host } : {} }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
async function api(path) {
  const r = await get(path);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

const con = await (await DuckDBInstance.create(":memory:")).connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const tree = `read_parquet('${out}/**/*.parquet', union_by_name = true)`;
// The API prints 7 significant digits (integers exactly).
const near = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

try {
  const { containers } = await api("/api/containers?range=all");
  const [{ n }] = await q(`SELECT count(DISTINCT container_id)::BIGINT AS n FROM ${tree}
    WHERE container_id IS NOT NULL`);
  if (containers.length !== Number(n)) fail(`${containers.length} containers, DuckDB ${n}`);
  const ids = containers.map((c) => c.id);
  const idList = ids.map((i) => `'${i}'`).join(",");

  // Full resolution: every sample of a gauge and of a derived value, every container.
  for (const metric of ["memory_usage_bytes", "cpu_usage_millicores"]) {
    const res = await api(`/api/timeseries?metric=${metric}&range=all&max_points=20000`);
    if (res.step_ms !== 1000) fail(`${metric}: step ${res.step_ms}`);
    const rows = await q(`SELECT container_id AS id, epoch_ms(time)::BIGINT AS t, ${metric}::DOUBLE AS v
      FROM ${tree} WHERE kind = 'container' AND ${metric} IS NOT NULL ORDER BY 1, 2`);
    const want = new Map(rows.map((r) => [`${r.id}@${r.t}`, Number(r.v)]));
    let seen = 0;
    for (const s of res.series) {
      for (let i = 0; i < s.t.length; i++) {
        if (s.avg[i] === null) continue;
        seen++;
        const w = want.get(`${s.container}@${s.t[i]}`);
        if (w === undefined || !near(s.avg[i], w))
          fail(`${metric} ${s.container} @${s.t[i]}: viewer ${s.avg[i]}, DuckDB ${w}`);
      }
    }
    if (seen !== rows.length) fail(`${metric}: viewer has ${seen} samples, DuckDB ${rows.length}`);
    console.log(`${metric}: ${seen} samples equal`);
  }

  // Counter -> per-second rate between consecutive samples of one instance; resets give none.
  {
    const res = await api(`/api/timeseries?metric=cpu_usage_usec&range=all&max_points=20000`);
    const rows = await q(`WITH x AS (
        SELECT container_id AS id, epoch_ms(time)::BIGINT AS t, cpu_usage_usec AS v,
               lag(cpu_usage_usec) OVER w AS pv, lag(epoch_ms(time)::BIGINT) OVER w AS pt
        FROM ${tree} WHERE kind = 'container' AND cpu_usage_usec IS NOT NULL
        WINDOW w AS (PARTITION BY container_id, cgroup_inode ORDER BY time))
      SELECT id, t, (v - pv) * 1000.0 / (t - pt) AS rate FROM x WHERE pv IS NOT NULL AND v >= pv`);
    const want = new Map(rows.map((r) => [`${r.id}@${r.t}`, Number(r.rate)]));
    let seen = 0;
    for (const s of res.series) {
      for (let i = 0; i < s.t.length; i++) {
        if (s.avg[i] === null) continue;
        seen++;
        const w = want.get(`${s.container}@${s.t[i]}`);
        if (w === undefined || !near(s.avg[i], w))
          fail(`rate ${s.container} @${s.t[i]}: viewer ${s.avg[i]}, DuckDB ${w}`);
      }
    }
    if (seen !== rows.length) fail(`cpu_usage_usec rates: viewer ${seen}, DuckDB ${rows.length}`);
    const [{ resets }] = await q(`SELECT count(*)::BIGINT AS resets FROM (
        SELECT cpu_usage_usec < lag(cpu_usage_usec) OVER (PARTITION BY container_id, cgroup_inode
               ORDER BY time) AS dropped FROM ${tree} WHERE kind = 'container') WHERE dropped`);
    console.log(`cpu_usage_usec: ${seen} rates equal (${resets} in-instance decreases skipped)`);
  }

  // Downsampled: per-bucket min/max/avg over every container.
  {
    const res = await api(`/api/timeseries?metric=memory_working_set_bytes&range=all&max_points=150`);
    const step = res.step_ms;
    if (step <= 1000) fail(`expected buckets wider than 1 s, got ${step}`);
    const t0 = Math.floor(res.from_ms / step) * step;
    const rows = await q(`SELECT container_id AS id,
        (${t0} + floor((epoch_ms(time) - ${t0}) / ${step}) * ${step})::BIGINT AS b,
        min(memory_working_set_bytes)::DOUBLE AS mn, max(memory_working_set_bytes)::DOUBLE AS mx,
        avg(memory_working_set_bytes) AS av
      FROM ${tree} WHERE kind = 'container' AND memory_working_set_bytes IS NOT NULL
        AND container_id IN (${idList}) GROUP BY 1, 2`);
    const want = new Map(rows.map((r) => [`${r.id}@${r.b}`, r]));
    let seen = 0;
    for (const s of res.series) {
      for (let i = 0; i < s.t.length; i++) {
        if (s.avg[i] === null) continue;
        seen++;
        const w = want.get(`${s.container}@${s.t[i]}`);
        if (!w || s.min[i] !== Number(w.mn) || s.max[i] !== Number(w.mx) || !near(s.avg[i], Number(w.av)))
          fail(`bucket ${s.container} @${s.t[i]}: viewer ${s.min[i]}/${s.avg[i]}/${s.max[i]}, DuckDB ${JSON.stringify(w)}`);
      }
    }
    if (seen !== rows.length) fail(`buckets: viewer ${seen}, DuckDB ${rows.length}`);
    console.log(`memory_working_set_bytes: ${seen} buckets of ${step} ms equal (min/max exact)`);
  }

  // Events.
  {
    const { events } = await api("/api/events?range=all");
    const rows = await q(`SELECT epoch_ms(time)::BIGINT AS t, container_id AS id, event_type AS type
      FROM ${tree} WHERE event_type IS NOT NULL AND cgroup_inode IS NOT NULL ORDER BY 1`);
    if (events.length !== rows.length) fail(`${events.length} events, DuckDB ${rows.length}`);
    const want = new Set(rows.map((r) => `${r.t}/${r.id}/${r.type}`));
    for (const e of events) {
      if (!want.has(`${e.time_ms}/${e.container}/${e.type}`)) fail(`event ${JSON.stringify(e)} not in DuckDB`);
    }
    console.log(`events: ${events.length} equal`);
  }

  // HTTP hygiene.
  const port = new URL(base).port;
  const rebinding = await get("/api/health", `attacker.example:${port}`);
  if (rebinding.status !== 403) fail(`foreign Host got ${rebinding.status}`);
  const ok = await get("/api/health");
  if (ok.headers["access-control-allow-origin"]) fail("CORS header sent");
  const bad = await get("/api/timeseries?metric=cpu_usage_millicores&max_points=-1");
  if (bad.status !== 400 || !JSON.parse(bad.body).error.includes("max_points")) fail(`bad max_points: ${bad.status} ${bad.body}`);
  const trav = await get("/dashboards/..%2F..%2Fetc%2Fpasswd");
  if (trav.status !== 400) fail(`traversal got ${trav.status}`);
} catch (e) {
  fail(e.stack || String(e));
} finally {
  viewer.kill("SIGTERM");
  await new Promise((r) => viewer.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
if (failures) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log("viewer_duckdb: OK");

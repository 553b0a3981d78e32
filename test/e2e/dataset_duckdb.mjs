// SPDX-License-Identifier: Apache-2.0
// The dataset is queryable by the ecosystem: DuckDB reads a whole generated tree (two UTC days,
// so two dt= partitions) with hive partitioning, and its answers to the common questions equal the
// aggregates the generator computed from the raw samples before writing anything.
//   node test/e2e/dataset_duckdb.mjs path/to/fgm
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const fgm = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "fgm-dataset-duckdb-"));
const out = join(dir, "data");
const summaryPath = join(dir, "summary.json");
let failures = 0;
const fail = (msg) => { console.error("FAIL:", msg); failures++; };

// 2026-01-01T22:30:00Z for 3 h: crosses midnight.
execFileSync(fgm, ["generate-bench-data", "--scenario", "realistic", "--duration", "3h",
  "--start", "1767306600", "--seed", "7", "-o", out, "--summary-json", summaryPath],
  { stdio: ["ignore", "inherit", "ignore"] });
const summary = JSON.parse(readFileSync(summaryPath, "utf8"));

const con = await (await DuckDBInstance.create(":memory:")).connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const tree = `read_parquet('${out}/**/*.parquet', hive_partitioning = true)`;

const [{ n }] = await q(`SELECT count(*)::BIGINT AS n FROM ${tree}`);
if (Number(n) !== summary.rows) fail(`row count ${n} != generated ${summary.rows}`);
const parts = await q(`SELECT DISTINCT dt::VARCHAR AS dt, identifier FROM ${tree} ORDER BY 1`);
if (parts.length !== 2 || parts[0].dt !== "2026-01-01" || parts[1].dt !== "2026-01-02")
  fail(`partitions ${JSON.stringify(parts)}`);

const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

// Top containers by average CPU.
const top = await q(`SELECT container_name, avg(cpu_usage_millicores) AS avg_m FROM ${tree}
  WHERE kind = 'container' GROUP BY 1 ORDER BY 2 DESC`);
if (top.length !== Object.keys(summary.by_container_name).length)
  fail(`${top.length} containers in DuckDB, ${Object.keys(summary.by_container_name).length} generated`);
for (const r of top) {
  const want = summary.by_container_name[r.container_name];
  if (!want) { fail(`unexpected container ${r.container_name}`); continue; }
  if (!near(Number(r.avg_m), want.avg_cpu_millicores))
    fail(`avg cpu of ${r.container_name}: DuckDB ${r.avg_m} != ${want.avg_cpu_millicores}`);
}
// Peak memory per pod.
const peaks = await q(`SELECT pod_name, max(memory_usage_bytes)::BIGINT AS peak FROM ${tree}
  WHERE kind = 'container' GROUP BY 1`);
for (const r of peaks) {
  if (Number(r.peak) !== summary.peak_memory_by_pod[r.pod_name])
    fail(`peak memory of ${r.pod_name}: DuckDB ${r.peak} != ${summary.peak_memory_by_pod[r.pod_name]}`);
}
if (peaks.length !== Object.keys(summary.peak_memory_by_pod).length) fail("pod count differs");
// Total throttled seconds per container.
const thr = await q(`SELECT container_name, coalesce(sum(cpu_throttled_usec_per_sec), 0) / 1e6 AS s
  FROM ${tree} WHERE kind = 'container' GROUP BY 1`);
let throttledContainers = 0;
for (const r of thr) {
  const want = summary.by_container_name[r.container_name].throttled_seconds;
  if (!near(Number(r.s), want)) fail(`throttled seconds of ${r.container_name}: ${r.s} != ${want}`);
  if (want > 0) throttledContainers++;
}
if (throttledContainers === 0) fail("no throttled container in the realistic scenario");
// Events are rows of the same tree.
const [{ ooms }] = await q(`SELECT count(*)::BIGINT AS ooms FROM ${tree} WHERE event_type = 'oom_kill'`);
if (Number(ooms) < 1) fail("no OOM kill event in 3 h of the realistic scenario");

console.log(`dataset_duckdb: ${summary.rows} rows, ${top.length} containers, ${peaks.length} pods, ` +
  `${throttledContainers} throttled, ${ooms} OOM kills checked against the generator`);
rmSync(dir, { recursive: true, force: true });
if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }

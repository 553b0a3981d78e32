// SPDX-License-Identifier: Apache-2.0
// DuckDB baseline for the viewer benchmark: the same question /api/timeseries answers (one metric x
// all containers over the last 1 h / 24 h of data, per-bucket min/max/avg at <= 2,000 buckets,
// bucket width computed like the engine's BucketWidthMs), on the same files, through
// @duckdb/node-api. Cold = a new in-memory DuckDB instance per run (no metadata or buffer cache);
// warm = the same connection again. Prints one JSON object of medians.
//   node bench/viewer_duckdb_baseline.mjs DIR [RUNS] [METRIC]
import { DuckDBInstance } from "@duckdb/node-api";

const dir = process.argv[2];
const runs = Number(process.argv[3] || 7);
const metric = process.argv[4] || "cpu_usage_millicores";
if (!dir) {
  console.error("usage: node bench/viewer_duckdb_baseline.mjs DIR [RUNS] [METRIC]");
  process.exit(2);
}
const tree = `read_parquet('${dir}/**/*.parquet', union_by_name = true)`;
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// src/engine/engine.cc BucketWidthMs, interval 1 s.
function bucketWidth(from, to, maxPoints, interval = 1000) {
  const span = Math.max(to - from, interval);
  const intervals = Math.ceil(span / interval);
  let step = Math.max(1, Math.ceil(intervals / maxPoints)) * interval;
  while (Math.ceil((to - Math.floor(from / step) * step) / step) > maxPoints) step += interval;
  return step;
}

async function connect() {
  return (await DuckDBInstance.create(":memory:")).connect();
}
const probe = await connect();
const [{ newest }] = (await probe.runAndReadAll(
  `SELECT epoch_ms(max(time))::BIGINT AS newest FROM ${tree}`)).getRowObjectsJson();
const end = Number(newest) + 1;

function sql(spanMs) {
  const from = end - spanMs;
  const step = bucketWidth(from, end, 2000);
  const t0 = Math.floor(from / step) * step;
  // Same output as the API: per container and bucket, min/max/avg of the non-null samples.
  return `SELECT container_id, (${t0} + floor((epoch_ms(time) - ${t0}) / ${step}) * ${step})::BIGINT AS t,
      min(${metric}) AS mn, max(${metric}) AS mx, avg(${metric}) AS av
    FROM ${tree}
    WHERE kind = 'container' AND time >= epoch_ms(${from}) AND time < epoch_ms(${end})
      AND ${metric} IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

const out = { data: dir, runs, metric, engine: "duckdb" };
for (const [name, span] of [["1h", 3600e3], ["24h", 86400e3]]) {
  const q = sql(span);
  const cold = [], warm = [], coldCpu = [], warmCpu = [];
  // Process CPU (all DuckDB threads): comparable with fgm's single-thread CPU time.
  const cpuMs = (u) => (u.user + u.system) / 1000;
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    const con = await connect();
    let t = performance.now();
    let c = process.cpuUsage();
    const res = await con.runAndReadAll(q);
    rows = res.getRows().length;
    cold.push(performance.now() - t);
    coldCpu.push(cpuMs(process.cpuUsage(c)));
    if (r === 0) {
      for (let w = 0; w < runs; w++) {
        t = performance.now();
        c = process.cpuUsage();
        (await con.runAndReadAll(q)).getRows();
        warm.push(performance.now() - t);
        warmCpu.push(cpuMs(process.cpuUsage(c)));
      }
    }
  }
  out[`ts_${name}_cold_ms`] = Number(median(cold).toFixed(2));
  out[`ts_${name}_warm_ms`] = Number(median(warm).toFixed(2));
  out[`ts_${name}_cold_cpu_ms`] = Number(median(coldCpu).toFixed(2));
  out[`ts_${name}_warm_cpu_ms`] = Number(median(warmCpu).toFixed(2));
  out[`ts_${name}_rows`] = rows;
}
console.log(JSON.stringify(out));

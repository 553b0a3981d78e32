// SPDX-License-Identifier: Apache-2.0
// Summarises a dataset with DuckDB: what `make demo` prints after its capture.
//   node scripts/demo_report.mjs DATASET_DIR
import { DuckDBInstance } from "@duckdb/node-api";

const dir = process.argv[2];
const con = await (await DuckDBInstance.create(":memory:")).connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const tree = `read_parquet('${dir}/**/*.parquet', hive_partitioning = true)`;
const containers = await q(`
  SELECT coalesce(container_name, container_id) AS container,
         count(*) AS seconds,
         round(avg(cpu_usage_millicores), 1) AS avg_cpu_m,
         round(max(cpu_usage_millicores), 1) AS max_cpu_m,
         round(avg(cpu_throttled_ratio), 2) AS throttled_ratio,
         round(max(memory_usage_bytes) / 1048576, 1) AS peak_mem_mib,
         max(memory_events_oom_kill) AS oom_kills
  FROM ${tree} WHERE kind IN ('container', 'monitor')
  GROUP BY 1 ORDER BY avg_cpu_m DESC NULLS LAST`);
console.log("Captured per container (kind = container; fgm-monitor is FGM itself):");
console.table(containers);
const events = await q(`SELECT strftime(time, '%H:%M:%S') AS time, coalesce(container_name, container_id) AS container,
  event_type FROM ${tree} WHERE kind = 'event' ORDER BY time`);
console.log("Events:");
console.table(events);

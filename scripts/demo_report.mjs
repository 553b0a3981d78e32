// SPDX-License-Identifier: Apache-2.0
// Summarises a dataset with DuckDB: what `make demo` prints after its capture — per container
// instance (a restart is a new instance) and the lifecycle events with exit codes and signals.
//   node scripts/demo_report.mjs DATASET_DIR
import { DuckDBInstance } from "@duckdb/node-api";

const dir = process.argv[2];
const con = await (await DuckDBInstance.create(":memory:")).connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const tree = `read_parquet('${dir}/**/*.parquet', hive_partitioning = true, union_by_name = true)`;
const containers = await q(`
  SELECT coalesce(namespace, '') AS namespace, coalesce(pod_name, '') AS pod,
         coalesce(container_name, container_id) AS container, container_id,
         count(*) AS seconds,
         round(avg(cpu_usage_millicores), 1) AS avg_cpu_m,
         round(max(cpu_usage_millicores), 1) AS max_cpu_m,
         round(avg(cpu_throttled_ratio), 2) AS throttled_ratio,
         round(max(memory_usage_bytes) / 1048576, 1) AS peak_mem_mib
  FROM ${tree} WHERE kind = 'container' AND namespace LIKE 'fgm-run-%'
  GROUP BY ALL ORDER BY namespace, container_id`);
console.log("Captured per container instance (each restart is a new cgroup, so a new instance):");
console.table(containers);
const events = await q(`SELECT strftime(time, '%H:%M:%S') AS time, coalesce(container_name, container_id) AS container,
  container_id, event_type, event_exit_code AS exit_code, event_signal AS signal, event_reason AS reason
  FROM ${tree} WHERE kind = 'event' AND namespace LIKE 'fgm-run-%' ORDER BY time, container_id`);
console.log("Events (exit codes and restarts from the scenario supervisor, the rest from the monitor):");
console.table(events);

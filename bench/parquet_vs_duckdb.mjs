// SPDX-License-Identifier: Apache-2.0
// Parquet writer/reader benchmark against DuckDB in the same run, on the metrics-like table of
// bench/parquet_bench.cc (timestamp, container id, 40 INT64/DOUBLE columns, 1 row per container per
// second). Prints a Markdown section with medians of --runs runs; --append FILE appends it there.
//   node bench/parquet_vs_duckdb.mjs BUILD_DIR [--containers 20] [--hours 24] [--runs 5] [--append docs/benchmarks.md]
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync, appendFileSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const args = process.argv.slice(2);
const build = args[0];
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const containers = Number(opt("--containers", 20));
const hours = Number(opt("--hours", 24));
const runs = Number(opt("--runs", 5));
const append = opt("--append", null);
const tool = join(build, "bench/parquet_bench");
const dir = mkdtempSync(join(tmpdir(), "fgm-pq-bench-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const run = (...a) => JSON.parse(execFileSync(tool, a.map(String), { encoding: "utf8" }));
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);

const rows = containers * hours * 3600;
const values = rows * 42;
progress(`${rows} rows x 42 columns, ${runs} runs each, in ${dir}`);

const plain = join(dir, "plain.parquet");
run("plain", plain, "--containers", containers, "--hours", hours);

const con = await (await DuckDBInstance.create(":memory:")).connect();
await con.run("SET threads=1");
await con.run(`CREATE TABLE m AS SELECT * FROM read_parquet('${plain}')`);

const results = {};
const layouts = ["default", "zstd1", "dict"];
for (const layout of layouts) results[layout] = { write: [], bytes: 0 };
results.duckdb = { write: [], bytes: 0 };
for (let r = 0; r < runs; r++) {
  for (const layout of layouts) {
    const out = join(dir, `ours-${layout}.parquet`);
    const res = run("write", out, "--containers", containers, "--hours", hours, "--layout", layout);
    results[layout].write.push(res.seconds);
    results[layout].bytes = res.bytes;
  }
  const duck = join(dir, "duck.parquet");
  const t = performance.now();
  await con.run(`COPY m TO '${duck}' (FORMAT parquet, COMPRESSION zstd)`);
  results.duckdb.write.push((performance.now() - t) / 1000);
  results.duckdb.bytes = statSync(duck).size;
  progress(`run ${r + 1}/${runs} done`);
}

// One projected INT64 column, fully decoded.
// A noisy counter: a constant column would measure nothing but run-length shortcuts.
const column = "counter_0";
const ourRead = [], duckReadDuck = [], duckReadOurs = [];
const ours = join(dir, "ours-default.parquet");
const duck = join(dir, "duck.parquet");
for (let r = 0; r < runs; r++) {
  ourRead.push(run("read", ours, column).seconds);
  let t = performance.now();
  await con.run(`SELECT sum(${column}) FROM read_parquet('${duck}')`);
  duckReadDuck.push((performance.now() - t) / 1000);
  t = performance.now();
  await con.run(`SELECT sum(${column}) FROM read_parquet('${ours}')`);
  duckReadOurs.push((performance.now() - t) / 1000);
}

const mb = (rows * 8) / 1e6;
const lines = [];
const date = new Date().toISOString().slice(0, 10);
lines.push(`### Parquet writer and reader vs DuckDB (${date})`);
lines.push("");
lines.push(`Command: \`node bench/parquet_vs_duckdb.mjs build --containers ${containers} --hours ${hours} --runs ${runs}\` ` +
  `(${cpus().length} cores, ${cpus()[0].model}; shared machine, medians of ${runs} runs). Table: ${rows.toLocaleString("en")} rows ` +
  `= ${containers} containers x ${hours} h at 1 Hz; time, container id and 40 numeric columns (16 counters, 12 integer gauges, 12 doubles); ` +
  `rows sorted by container then time; DuckDB ${await duckVersion()} with \`SET threads=1\`, COPY ... (FORMAT parquet, COMPRESSION zstd) from an in-memory table.`);
lines.push("");
lines.push("| writer | median write s | rows/s | MB/s (in-memory values) | file bytes | bytes/value | vs DuckDB time | vs DuckDB size |");
lines.push("|---|---|---|---|---|---|---|---|");
const dw = median(results.duckdb.write);
const rawMb = (rows * (8 * 41 + 64)) / 1e6;
for (const name of ["duckdb", ...layouts]) {
  const w = median(results[name].write);
  const label = name === "duckdb" ? "DuckDB (baseline)" : `FGM ${name}`;
  lines.push(`| ${label} | ${w.toFixed(3)} | ${Math.round(rows / w).toLocaleString("en")} | ${(rawMb / w).toFixed(0)} | ` +
    `${results[name].bytes.toLocaleString("en")} | ${(results[name].bytes / values).toFixed(3)} | ` +
    `${(w / dw).toFixed(2)}x | ${(results[name].bytes / results.duckdb.bytes).toFixed(2)}x |`);
}
lines.push("");
lines.push(`FGM layouts: *default* = encodings chosen per chunk by compressed size of a sample (here DELTA_BINARY_PACKED for counters, ` +
  `PLAIN for random-walk gauges and decimal doubles, dictionary for the id) + ZSTD-3; ` +
  `*zstd1* = same at ZSTD-1; *dict* = dictionary forced on every column.`);
lines.push("");
lines.push(`One projected INT64 column (\`${column}\`, ${rows.toLocaleString("en")} values, ${mb.toFixed(1)} MB decoded):`);
lines.push("");
lines.push("| reader | file | median s | decoded MB/s | vs DuckDB |");
lines.push("|---|---|---|---|---|");
const ddr = median(duckReadDuck);
lines.push(`| DuckDB sum() (baseline) | DuckDB's | ${ddr.toFixed(4)} | ${(mb / ddr).toFixed(0)} | 1.00x |`);
lines.push(`| DuckDB sum() | FGM's | ${median(duckReadOurs).toFixed(4)} | ${(mb / median(duckReadOurs)).toFixed(0)} | ${(median(duckReadOurs) / ddr).toFixed(2)}x time |`);
lines.push(`| FGM FileReader (open + decode) | FGM's | ${median(ourRead).toFixed(4)} | ${(mb / median(ourRead)).toFixed(0)} | ${(median(ourRead) / ddr).toFixed(2)}x time |`);
lines.push("");
const text = lines.join("\n") + "\n";
process.stdout.write(text);
if (append) appendFileSync(append, "\n" + text);
rmSync(dir, { recursive: true, force: true });

async function duckVersion() {
  return (await con.runAndReadAll("SELECT version() AS v")).getRowObjectsJson()[0].v;
}

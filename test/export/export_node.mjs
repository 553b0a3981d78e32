// SPDX-License-Identifier: Apache-2.0
// fgm export end to end, without a browser:
//  1. DuckDB reads NAME.parquet (ZSTD) with exactly the source rows (all columns it kept), for a
//     full export and for a filtered one (--range, --namespace, --metrics);
//  2. the WASM engine taken out of NAME.html (run in Node with the page's own loader, wasm and
//     data) answers a fixed set of API queries with the same status and byte-identical JSON as a
//     live `fgm viewer` over NAME.parquet;
//  3. a too-large request is refused with advice and writes nothing.
//   node test/export/export_node.mjs path/to/fgm
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { generate, makeChecker, openWasmEngine, parsePage, readText, runExport, startViewer } from "./lib.mjs";

const fgm = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "fgm-export-node-"));
const { fail, check, failures } = makeChecker();
const data = join(dir, "data");
const t0 = Date.now();
generate(fgm, data, { duration: "30m", containers: 5 });

// ---- 1. DuckDB reads the exported Parquet with the source's values ----
const full = runExport(fgm, [data, "-o", join(dir, "full")]);
check(full.status === 0, `export failed: ${full.stderr}`);
const con = await (await DuckDBInstance.create(":memory:")).connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const src = `read_parquet('${data}/**/*.parquet')`;

async function sameRows(exported, where, label) {
  const cols = (await q(`DESCRIBE SELECT * FROM read_parquet('${exported}')`))
    .map((r) => `"${r.column_name}"`).join(", ");
  const [{ n }] = await q(`SELECT count(*)::BIGINT AS n FROM read_parquet('${exported}')`);
  const [{ m }] = await q(`SELECT count(*)::BIGINT AS m FROM ${src} WHERE ${where}`);
  check(Number(n) > 0 && Number(n) === Number(m), `${label}: ${n} exported rows, ${m} source rows`);
  const [{ a }] = await q(`SELECT count(*)::BIGINT AS a FROM (SELECT ${cols} FROM read_parquet('${exported}')
    EXCEPT ALL SELECT ${cols} FROM ${src} WHERE ${where})`);
  const [{ b }] = await q(`SELECT count(*)::BIGINT AS b FROM (SELECT ${cols} FROM ${src} WHERE ${where}
    EXCEPT ALL SELECT ${cols} FROM read_parquet('${exported}'))`);
  check(Number(a) === 0 && Number(b) === 0, `${label}: rows differ (${a} only in the export, ${b} only in the source)`);
  const codecs = await q(`SELECT DISTINCT compression FROM parquet_metadata('${exported}')`);
  check(codecs.length === 1 && codecs[0].compression === "ZSTD", `${label}: codecs ${JSON.stringify(codecs)}`);
  return Number(n);
}
await sameRows(join(dir, "full.parquet"), "true", "full export");
const [{ events }] = await q(`SELECT count(*)::BIGINT AS events FROM read_parquet('${join(dir, "full.parquet")}') WHERE kind = 'event'`);
check(Number(events) > 0, "the export has no event rows");

// A filtered export: the last 10 minutes of one namespace, two metrics.
const [{ ns }] = await q(`SELECT namespace AS ns FROM ${src} WHERE kind = 'container' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
const [{ tmax }] = await q(`SELECT epoch_ms(max(time))::BIGINT AS tmax FROM ${src}`);
const part = runExport(fgm, [data, "--range", "10m", "--namespace", ns, "--metrics",
  "cpu_usage_millicores,memory_usage_bytes", "--no-html", "-o", join(dir, "part")]);
check(part.status === 0, `filtered export failed: ${part.stderr}`);
check(!existsSync(join(dir, "part.html")), "--no-html wrote an html file");
const from = Number(tmax) + 1 - 600000;
await sameRows(join(dir, "part.parquet"), `namespace = '${ns}' AND epoch_ms(time) >= ${from}`, "filtered export");
const partCols = (await q(`DESCRIBE SELECT * FROM read_parquet('${join(dir, "part.parquet")}')`)).map((r) => r.column_name);
check(partCols.includes("cpu_usage_millicores") && !partCols.includes("cpu_usage_usec"),
  `filtered export columns: ${partCols.join(",")}`);

// ---- 2. The page's WASM engine answers like fgm viewer ----
const page = parsePage(readText(join(dir, "full.html")));
const wasm = await openWasmEngine(page);
check(wasm.files === 1, `WASM engine sees ${wasm.files} files`);
const viewer = await startViewer(fgm, [join(dir, "full.parquet")]);
try {
  const containers = JSON.parse(wasm.get("/api/containers?range=all").body).containers;
  check(containers.length >= 5, `${containers.length} containers in the WASM engine`);
  const a = containers[0].id, b = containers[1].id;
  const queries = [
    "/api/health", "/api/instance", "/api/metrics", "/api/filters", "/api/studies",
    "/api/containers?range=all", `/api/containers?range=all&namespace=${encodeURIComponent(ns)}`,
    "/api/containers?range=5m&search=" + encodeURIComponent(containers[0].container_name.slice(0, 3)),
    "/api/timeseries?metric=cpu_usage_millicores&range=all&max_points=2000",
    "/api/timeseries?metric=cpu_usage_millicores&range=all&max_points=100",
    `/api/timeseries?metric=memory_usage_bytes&containers=${a},${b}&range=15m`,
    "/api/timeseries?metric=cpu_usage_usec&range=all&max_points=300",
    `/api/timeseries?metric=cpu_throttled_ratio&from=${Number(tmax) - 900000}&to=${Number(tmax) - 300000}`,
    "/api/events?range=all",
    `/api/study/periodicity?metric=cpu_usage_millicores&containers=${a}&range=all`,
    `/api/study/changepoint?metric=memory_usage_bytes&containers=${a},${b}&range=all`,
    `/api/study/trend?metric=memory_usage_bytes&containers=${a}&range=all`,
    `/api/study/correlation?metric=cpu_usage_millicores&containers=${a}&range=all&top_k=3`,
    // Errors are part of the contract too.
    "/api/timeseries?metric=no_such_metric&range=all",
    "/api/timeseries?metric=cpu_usage_millicores&range=forever",
    "/api/study/nope?metric=cpu_usage_millicores",
    "/api/nothing",
  ];
  for (const path of queries) {
    const w = wasm.get(path);
    const res = await fetch(viewer.url + path);
    const body = await res.text();
    if (res.status !== w.status || body !== w.body) {
      fail(`${path}: viewer ${res.status} ${body.length} bytes, WASM ${w.status} ${w.body.length} bytes\n` +
        `  viewer: ${body.slice(0, 300)}\n  wasm:   ${w.body.slice(0, 300)}`);
    }
  }
  const ts = JSON.parse(wasm.get("/api/timeseries?metric=cpu_usage_millicores&range=all").body);
  check(ts.series.length >= 5 && ts.series[0].t.length > 100, "WASM timeseries looks empty");
} finally {
  await viewer.stop();
}

// ---- 3. Too large: refused with advice, nothing written ----
const big = runExport(fgm, [data, "--max-size", "20KiB", "-o", join(dir, "big")]);
check(big.status !== 0, "a too-large export succeeded");
check(/--range/.test(big.stderr) && /--containers/.test(big.stderr) && /--metrics/.test(big.stderr),
  `refusal message lacks advice: ${big.stderr}`);
check(!existsSync(join(dir, "big.parquet")) && !existsSync(join(dir, "big.html")), "a refused export left files");

rmSync(dir, { recursive: true, force: true });
console.log(`export_node: ${failures() ? "FAILED" : "ok"} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failures() ? 1 : 0);

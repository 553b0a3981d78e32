// SPDX-License-Identifier: Apache-2.0
// Times how fast an exported page opens (issue 7, docs/benchmarks.md "Export"): the page's WASM
// engine opening its embedded data in Node (medians of --runs), and with --browser the page from
// file:// in headless Chromium (DOMContentLoaded, engine ready, first chart). --dump-data FILE
// writes the embedded (uncompressed-page) Parquet file, for timing the native index on it
// (build/src/engine/viewer_bench --data FILE). --engine DIR runs DIR/fgm_engine.{js,wasm} (e.g.
// build-wasm) in Node instead of the page's own engine.
//   node wasm/bench_open.mjs PAGE.html [--runs 5] [--browser] [--dump-data FILE] [--engine DIR [--write-page OUT]]
//   [--containers-json FILE]   (writes the engine's /api/containers answer, to compare engines)
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { openWasmEngine, parsePage } from "../test/export/lib.mjs";

const args = process.argv.slice(2);
const page = resolve(args[0]);
const opt = (name, dflt) => (args.indexOf(name) > 0 ? args[args.indexOf(name) + 1] : dflt);
const runs = Number(opt("--runs", "5"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const parsed = parsePage(readFileSync(page, "utf8"));
if (opt("--dump-data")) writeFileSync(opt("--dump-data"), parsed.data);
if (opt("--engine")) {
  const oldJs = parsed.engineJs;
  parsed.engineJs = readFileSync(resolve(opt("--engine"), "fgm_engine.js"), "utf8");
  parsed.wasm = readFileSync(resolve(opt("--engine"), "fgm_engine.wasm"));
  // --write-page OUT: the same page with this engine swapped in (timing an engine change in the
  // browser without re-exporting).
  if (opt("--write-page")) {
    let html = readFileSync(page, "utf8");
    html = html.replace(oldJs, () => parsed.engineJs);
    const at = html.indexOf('id="fgm-engine-wasm"');
    const start = html.indexOf(">", at) + 1;
    const end = html.indexOf("</script>", start);
    html = html.slice(0, start) + gzipSync(parsed.wasm, { level: 9 }).toString("base64") + html.slice(end);
    writeFileSync(opt("--write-page"), html);
  }
}

const open = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const engine = await openWasmEngine(parsed);
  const t1 = performance.now();
  if (engine.files !== 1) throw new Error(`engine opened ${engine.files} files`);
  const c = engine.get("/api/containers");
  if (c.status !== 200) throw new Error(`/api/containers: ${c.status}`);
  if (i === 0 && opt("--containers-json")) writeFileSync(opt("--containers-json"), c.body);
  open.push(t1 - t0);
}
console.log(JSON.stringify({ data_bytes: parsed.data.length, node_engine_open_ms: open.map(Math.round), median_ms: Math.round(median(open)) }));

if (args.includes("--browser")) {
  const { launchChromium } = await import("../web/test/browser.mjs");
  const browser = await launchChromium();
  try {
    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const rows = [];
    for (let i = 0; i < runs; i++) {
      await p.goto(pathToFileURL(page).href);
      await p.waitForFunction(() => window.__fgm?.timings?.navigationToFirstChartMs != null, null, { timeout: 60000 });
      rows.push(await p.evaluate(() => ({
        dcl: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
        ready: performance.getEntriesByName("fgm-engine-ready")[0]?.startTime,
        bytes: performance.getEntriesByName("fgm-engine-bytes")[0]?.startTime,
        inst: performance.getEntriesByName("fgm-engine-instantiated")[0]?.startTime,
        first: window.__fgm.timings.navigationToFirstChartMs,
      })));
    }
    const col = (k) => Math.round(median(rows.map((r) => r[k])));
    console.log(JSON.stringify({ runs: rows.map((r) => Math.round(r.first)), median_dcl_ms: col("dcl"), median_decoded_ms: col("bytes"), median_instantiated_ms: col("inst"), median_ready_ms: col("ready"), median_first_chart_ms: col("first") }));
  } finally {
    await browser.close();
  }
}

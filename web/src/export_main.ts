// SPDX-License-Identifier: Apache-2.0
// Entry point of the exported HTML (`fgm export`): the same App as the live viewer, over the in-page
// WASM engine instead of HTTP. Bundled by wasm/build_export_ui.mjs.
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { App } from "./app";
import { openExportedEngine } from "./wasm_engine";

const root = document.getElementById("app")!;
openExportedEngine(document)
  .then(({ engine, info }) => {
    // Startup breakdown for the export benchmark (docs/benchmarks.md): engine ready vs first chart.
    performance.mark("fgm-engine-ready");
    if (info.title) document.title = `${info.title} - FGM export`;
    return new App(root, engine).start();
  })
  .catch((e: Error) => {
    root.textContent = `This FGM export could not be opened: ${e.message}`;
  });

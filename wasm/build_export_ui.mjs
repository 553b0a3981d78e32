// SPDX-License-Identifier: Apache-2.0
// Bundles the exported page's UI: web/src/export_main.ts (the viewer App over the in-page WASM
// engine) -> app.js + app.css, plus web/src/index.html, minified, no source maps, no network.
// Run by the native build (src/export/CMakeLists.txt):  node wasm/build_export_ui.mjs --outdir DIR
import * as esbuild from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.join(here, "..", "web");
const args = process.argv.slice(2);
const outdir = args[0] === "--outdir" && args[1] ? path.resolve(args[1]) : null;
if (!outdir) {
  console.error("usage: build_export_ui.mjs --outdir DIR");
  process.exit(2);
}
try {
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(web, "src/export_main.ts") },
    bundle: true,
    minify: true,
    format: "iife",
    // The same target as the live viewer's bundle (web/build.mjs).
    target: "es2022",
    outdir,
    loader: { ".css": "css" },
    legalComments: "none",
    logLevel: "warning",
  });
  if (result.errors.length) throw new Error("esbuild failed");
  await copyFile(path.join(web, "src/index.html"), path.join(outdir, "index.html"));
} catch (e) {
  console.error(`wasm/build_export_ui.mjs: ${e.message}`);
  process.exit(1);
}

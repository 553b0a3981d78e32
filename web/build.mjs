// SPDX-License-Identifier: Apache-2.0
// Bundles the viewer UI with esbuild's JS API: web/src/main.ts -> app.js (+ app.css with uPlot's
// stylesheet) and web/src/index.html, minified, no network, no source maps. Run by the fgm_webui
// CMake target:  node web/build.mjs --outdir <dir>   (also used by the UI tests and benchmarks).
import * as esbuild from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const args = { outdir: null, minify: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--outdir") args.outdir = argv[++i];
    else if (argv[i] === "--no-minify") args.minify = false;
    else throw new Error(`unknown argument ${argv[i]} (usage: build.mjs --outdir DIR [--no-minify])`);
  }
  if (!args.outdir) throw new Error("usage: build.mjs --outdir DIR [--no-minify]");
  return args;
}

export async function buildUi(outdir, { minify = true } = {}) {
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(here, "src/main.ts") },
    bundle: true,
    minify,
    format: "iife",
    // Chromium 156 and any browser from the last few years: no down-levelling needed.
    target: "es2022",
    outdir,
    loader: { ".css": "css" },
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  if (result.errors.length) throw new Error("esbuild failed");
  await copyFile(path.join(here, "src/index.html"), path.join(outdir, "index.html"));
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const args = parseArgs(process.argv.slice(2));
    await buildUi(path.resolve(args.outdir), { minify: args.minify });
  } catch (e) {
    console.error(`web/build.mjs: ${e.message}`);
    process.exit(1);
  }
}

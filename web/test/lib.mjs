// SPDX-License-Identifier: Apache-2.0
// Loads the UI's pure modules (web/src/*.ts) for node's test runner: esbuild bundles them in
// memory into one ESM module, imported from a data: URL, so tests run on the real sources with no
// build step and nothing written to disk.
import * as esbuild from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), "../src");

let cached = null;

export function loadUi() {
  cached ??= (async () => {
    const entry = ["units", "state", "fuzzy", "dashboard", "series", "engine", "event_index", "decimate"]
      .map((m) => `export * from ${JSON.stringify(path.join(src, m + ".ts"))};`)
      .join("\n");
    const out = await esbuild.build({
      stdin: { contents: entry, resolveDir: src, loader: "ts" },
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      write: false,
      logLevel: "error",
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), "fgm-web-unit-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "ui.mjs");
    writeFileSync(file, out.outputFiles[0].text);
    return import(file);
  })();
  return cached;
}

// SPDX-License-Identifier: Apache-2.0
// Shared helpers of the export tests: make a dataset and an export with the fgm binary, take an
// exported page apart (info, data, engine), run its WASM engine in Node, and run `fgm viewer`.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gunzipSync } from "node:zlib";

export function makeChecker() {
  let failures = 0;
  const fail = (msg) => {
    console.error("FAIL:", msg);
    failures++;
  };
  const check = (cond, msg) => {
    if (!cond) fail(msg);
  };
  return { fail, check, failures: () => failures };
}

/// fgm generate-bench-data with a fixed start and seed (deterministic data).
export function generate(fgm, out, { duration = "30m", containers = 5, start = 1767306600, seed = 7 } = {}) {
  execFileSync(fgm, ["generate-bench-data", "--duration", duration, "--containers", String(containers),
    "--start", String(start), "--seed", String(seed), "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
}

/// fgm export; returns { stdout, stderr, status }.
export function runExport(fgm, args) {
  try {
    const stdout = execFileSync(fgm, ["export", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { status: 0, stdout, stderr: "" };
  } catch (e) {
    return { status: e.status, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function elementText(html, id) {
  const open = html.indexOf(`id="${id}"`);
  if (open < 0) throw new Error(`no #${id} in the page`);
  const start = html.indexOf(">", open) + 1;
  return html.slice(start, html.indexOf("</script>", start));
}

/// The parts of an exported page: info JSON, data and wasm bytes, and the inline scripts' sources.
export function parsePage(html) {
  const info = JSON.parse(elementText(html, "fgm-export-info"));
  const data = gunzipSync(Buffer.from(elementText(html, "fgm-export-data"), "base64"));
  const wasm = gunzipSync(Buffer.from(elementText(html, "fgm-engine-wasm"), "base64"));
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const engineJs = scripts.find((s) => s.includes("createFgmEngine"));
  if (!engineJs) throw new Error("no engine script in the page");
  return { info, data, wasm, engineJs };
}

/// Instantiates the page's engine in Node exactly as web/src/wasm_engine.ts does in the browser:
/// same factory, wasm bytes handed in, data copied into _malloc'ed memory, same C entry points.
export async function openWasmEngine(page) {
  const require = createRequire(import.meta.url);
  const module = { exports: {} };
  // The emscripten loader is CommonJS-shaped; give it the Node globals it looks for.
  const factory = new Function("require", "module", "exports", "__dirname", "__filename",
    `${page.engineJs}\nreturn createFgmEngine;`)(require, module, module.exports, "/", "/engine.js");
  const mod = await factory({ wasmBinary: page.wasm, print: () => {}, printErr: () => {} });
  const ptr = mod._malloc(page.data.length);
  mod.HEAPU8.set(page.data, ptr);
  const open = mod.cwrap("fgm_engine_open_memory", "number", ["number", "number", "string", "string"]);
  const files = open(ptr, page.data.length, "export.parquet", page.info.version);
  const request = mod.cwrap("fgm_engine_request", "number", ["string", "string"]);
  const status = mod.cwrap("fgm_engine_status", "number", []);
  const size = mod.cwrap("fgm_engine_body_size", "number", []);
  return {
    files,
    get(pathAndQuery) {
      const [path, query = ""] = pathAndQuery.split("?");
      const ptr = request(path, query);
      return { status: status(), body: mod.UTF8ToString(ptr, size()) };
    },
  };
}

/// Starts `fgm viewer ARGS --no-browser` and resolves to { url, stop() } once it serves.
export function startViewer(fgm, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(fgm, ["viewer", ...args, "--no-browser"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`fgm viewer did not start: ${out}`));
    }, 30000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/serving at (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1].replace(/\/$/, ""),
          stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`fgm viewer exited with ${code}: ${out}`)));
  });
}

export function readText(path) {
  return readFileSync(path, "utf8");
}

// SPDX-License-Identifier: Apache-2.0
// The in-page transport of the Engine interface for exported HTML files (`fgm export`): the viewer
// engine compiled to WebAssembly (wasm/engine_wasm.cc) answers the same /api paths with the same
// JSON as `fgm viewer`, over the Parquet file embedded in the page. Nothing is fetched: the page
// carries the engine's wasm and the data as gzip+base64 text, inflated with the browser's own
// DecompressionStream, and the data is written into the engine's in-memory filesystem.

import { buildQuery, type Engine, EngineError, type Params } from "./engine";

/// The parts of the emscripten module (MODULARIZE, EXPORT_NAME=createFgmEngine) used here.
export interface FgmWasmModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  cwrap(name: string, ret: "number" | "string" | null, args: ("number" | "string")[]): (...a: unknown[]) => unknown;
  UTF8ToString(ptr: number, maxBytes?: number): string;
}
export type CreateFgmEngine = (options: { wasmBinary: Uint8Array; print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<FgmWasmModule>;

export class WasmEngine implements Engine {
  private readonly requestFn: (path: string, query: string) => number;
  private readonly statusFn: () => number;
  private readonly sizeFn: () => number;

  private constructor(private readonly mod: FgmWasmModule) {
    this.requestFn = mod.cwrap("fgm_engine_request", "number", ["string", "string"]) as (p: string, q: string) => number;
    this.statusFn = mod.cwrap("fgm_engine_status", "number", []) as () => number;
    this.sizeFn = mod.cwrap("fgm_engine_body_size", "number", []) as () => number;
  }

  /// Instantiates the engine from its wasm bytes and opens it over one Parquet file. `version` is
  /// what /api/instance reports (the exporting fgm's version).
  static async create(create: CreateFgmEngine, wasmBinary: Uint8Array, parquet: Uint8Array, version: string): Promise<WasmEngine> {
    performance.mark("fgm-engine-bytes");
    const mod = await create({ wasmBinary, print: () => {}, printErr: (s) => console.warn(`fgm engine: ${s}`) });
    // The engine takes over a _malloc'ed copy of the data (no filesystem in between).
    const ptr = mod._malloc(parquet.length);
    if (!ptr) throw new EngineError(500, "not enough memory for the embedded data", "/");
    mod.HEAPU8.set(parquet, ptr);
    performance.mark("fgm-engine-instantiated");
    const open = mod.cwrap("fgm_engine_open_memory", "number", ["number", "number", "string", "string"]);
    const files = open(ptr, parquet.length, "export.parquet", version) as number;
    if (files < 1) throw new EngineError(500, "the embedded data could not be opened", "/");
    return new WasmEngine(mod);
  }

  async request<T>(path: string, params?: Params): Promise<T> {
    if (!path.startsWith("/api/")) {
      // Dashboards live in the viewer's directories, which an exported file does not carry.
      throw new EngineError(404, `${path} is not available in an exported file`, path);
    }
    const query = buildQuery("", params).replace(/^\?/, "");
    const ptr = this.requestFn(path, query);
    const status = this.statusFn();
    const text = this.mod.UTF8ToString(ptr, this.sizeFn());
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new EngineError(status, `the engine answered ${status} with non-JSON`, path);
    }
    if (status !== 200) {
      throw new EngineError(status, (body as { error?: string } | null)?.error ?? `status ${status}`, path);
    }
    return body as T;
  }

  /// The raw JSON text of a request (for the export tests' byte-for-byte comparison with the viewer).
  requestText(path: string, query: string): { status: number; body: string } {
    const ptr = this.requestFn(path, query);
    return { status: this.statusFn(), body: this.mod.UTF8ToString(ptr, this.sizeFn()) };
  }
}

/// Decodes base64 text and inflates it (gzip) with the browser's DecompressionStream.
export async function gunzipBase64(text: string): Promise<Uint8Array> {
  const bytes = decodeBase64(text.trim());
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/// Base64 to bytes: the native decoder where the browser has it (Uint8Array.fromBase64, ~10x faster
/// than a JS loop over atob's output on a 20 MB page), else atob.
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }).fromBase64;
  if (native) return native(text);
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/// What `fgm export` writes into #fgm-export-info.
export interface ExportInfo {
  title: string;
  from_ms: number;
  to_ms: number;
  version: string;
}

/// Opens the engine of an exported page: elements #fgm-export-info (JSON), #fgm-engine-wasm and
/// #fgm-export-data (gzip+base64), and the global createFgmEngine from the inlined engine script.
export async function openExportedEngine(doc: Document): Promise<{ engine: WasmEngine; info: ExportInfo }> {
  const text = (id: string) => {
    const node = doc.getElementById(id);
    if (!node?.textContent) throw new EngineError(500, `this page lacks #${id}: not an FGM export`, "/");
    return node.textContent;
  };
  const info = JSON.parse(text("fgm-export-info")) as ExportInfo;
  const create = (globalThis as { createFgmEngine?: CreateFgmEngine }).createFgmEngine;
  if (!create) throw new EngineError(500, "the engine script is missing from this page", "/");
  const [wasm, data] = await Promise.all([gunzipBase64(text("fgm-engine-wasm")), gunzipBase64(text("fgm-export-data"))]);
  const engine = await WasmEngine.create(create, wasm, data, info.version);
  return { engine, info };
}

// SPDX-License-Identifier: Apache-2.0
// Assembly of the self-contained export page: the viewer's index.html with its stylesheet, the
// WASM engine module, the gzip+base64 data and the UI bundle all inlined, plus a Content Security
// Policy that forbids every network fetch, so the page provably needs nothing but itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "export/export.h"

namespace fgm::exporter {

/// What the page tells the UI about the export (rendered as JSON into #fgm-export-info).
struct PageInfo {
  std::string title;
  std::string version;  // the exporting fgm's version: the page's /api/instance reports it
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};

/// Element ids the UI's WASM transport (web/src/wasm_engine.ts) reads.
inline constexpr std::string_view kDataElementId = "fgm-export-data";
inline constexpr std::string_view kInfoElementId = "fgm-export-info";
inline constexpr std::string_view kEngineWasmElementId = "fgm-engine-wasm";

/// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view data);

/// The page: `assets.index_html` with its app.css <link> replaced by an inline <style>, its
/// app.js <script src> replaced by (info, data, engine wasm, engine, app) inline scripts, and a
/// CSP <meta>. The engine's wasm is gzip'ed and base64'ed like the data.
/// An empty index_html gets a minimal document. `gzip_parquet` is the gzip'ed Parquet file.
std::string AssembleHtml(const HtmlAssets& assets, std::string_view gzip_parquet,
                         const PageInfo& info);

/// The UI bundle and engine built into this binary. kUnsupported when this build has either
/// missing (the message says which).
Result<HtmlAssets> BuiltinHtmlAssets();

}  // namespace fgm::exporter

// SPDX-License-Identifier: Apache-2.0
// The viewer engine's WebAssembly entry points (C ABI, called from web/src/wasm_engine.ts). The
// page hands the exported Parquet file's bytes to the engine, which reads them in place
// (DatasetIndex::AddMemorySource), so the very same DatasetIndex/Engine/HandleApiRequest code as
// `fgm viewer` answers every /api request: the JSON is byte-identical by construction.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "engine/api.h"
#include "engine/dataset.h"
#include "engine/engine.h"

namespace {

std::unique_ptr<fgm::engine::Engine> g_engine;
// The last response: its body stays valid (and is returned by pointer) until the next request,
// which is how the JS side reads it with UTF8ToString without an extra copy through malloc.
fgm::engine::ApiResponse g_response;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding, as the native server's HTTP library does it:
// "+" is a space, "%XX" a byte, a malformed escape stays as it is.
std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "a=1&b=x%20y" -> {a: "1", b: "x y"}; the first value of a repeated name wins (as the server).
fgm::engine::QueryParams ParseQuery(std::string_view query) {
  fgm::engine::QueryParams params;
  size_t i = 0;
  while (i <= query.size()) {
    size_t amp = query.find('&', i);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(i, amp - i);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = UrlDecode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
      params.emplace(std::move(key), std::move(value));
    }
    i = amp + 1;
  }
  return params;
}

}  // namespace

extern "C" {

/// Opens the engine over one Parquet file held in memory: `data` (`size` bytes) is a buffer the
/// caller got from _malloc and filled (HEAPU8.set); the engine takes it over and frees it. `name`
/// names the file in errors; `version` is what /api/instance reports (the exporting fgm's version,
/// so the page answers exactly as `fgm viewer` of the same version). Returns the number of visible
/// files (1), or 0 when the bytes are not a Parquet file of ours (logged to stderr).
EMSCRIPTEN_KEEPALIVE int fgm_engine_open_memory(char* data, int size, const char* name,
                                                const char* version) {
  fgm::engine::FileSource source{.path = name,
                                 .bytes = std::string(data, static_cast<size_t>(size))};
  std::free(data);
  fgm::engine::EngineOptions options;
  options.version = version;
  g_engine = std::make_unique<fgm::engine::Engine>(std::move(options));
  fgm::Status status = g_engine->AddMemorySource(std::move(source));
  if (!status.ok()) std::fprintf(stderr, "%s\n", status.ToString().c_str());
  return static_cast<int>(g_engine->index().files().size());
}

/// Answers GET `path`?`query` (query URL-encoded, without the '?'). Returns the JSON body, valid
/// until the next call; fgm_engine_status() gives its HTTP status.
EMSCRIPTEN_KEEPALIVE const char* fgm_engine_request(const char* path, const char* query) {
  if (!g_engine) {
    g_response = {500, fgm::engine::ErrorJson("engine not opened")};
  } else {
    g_response = fgm::engine::HandleApiRequest(*g_engine, path, ParseQuery(query));
  }
  return g_response.body.c_str();
}

EMSCRIPTEN_KEEPALIVE int fgm_engine_status() { return g_response.status; }

/// Length in bytes of the last body (it may contain no NUL, but JS wants the size up front).
EMSCRIPTEN_KEEPALIVE int fgm_engine_body_size() { return static_cast<int>(g_response.body.size()); }

}  // extern "C"

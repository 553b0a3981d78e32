// SPDX-License-Identifier: Apache-2.0
// The viewer engine's WebAssembly entry points (C ABI, called from web/src/wasm_engine.ts). The
// page writes the exported Parquet file into emscripten's in-memory filesystem and opens an
// Engine over that directory, so the very same DatasetIndex/Engine/HandleApiRequest code as
// `fgm viewer` answers every /api request: the JSON is byte-identical by construction.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/api.h"
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

/// Opens the engine over every Parquet file under `root` (a directory of the in-memory
/// filesystem). `version` is what /api/instance reports (the exporting fgm's version, so the page
/// answers exactly as `fgm viewer` of the same version). Returns the number of visible files.
EMSCRIPTEN_KEEPALIVE int fgm_engine_open(const char* root, const char* version) {
  fgm::engine::EngineOptions options;
  options.roots = {root};
  options.version = version;
  g_engine = std::make_unique<fgm::engine::Engine>(std::move(options));
  g_engine->Refresh();
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

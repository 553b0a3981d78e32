// SPDX-License-Identifier: Apache-2.0
// The viewer JSON API (docs/api.md): routing, parameter validation and rendering, as plain
// functions over an Engine. The HTTP server and the exported HTML's WASM engine both call
// HandleApiRequest, so they answer the same request with byte-identical JSON.
//
//   ApiResponse r = HandleApiRequest(engine, "/api/timeseries", {{"metric",
//   "cpu_usage_millicores"}});
//   // r.status == 200, r.body == {"metric":"cpu_usage_millicores",...}
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "engine/json_writer.h"

namespace fgm::engine {

/// Query parameters, already URL-decoded (first value of each name).
using QueryParams = std::map<std::string, std::string, std::less<>>;

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON
};

/// Answers GET `path` (starting with "/api/"). 400 with {"error": "..."} for bad parameters, 404
/// for unknown paths, studies or containers. Does not refresh the index (the caller decides when).
/// Successful /api/timeseries, /api/events, /api/containers and /api/study/* answers are kept in
/// engine.response_cache() under the canonical request (path, sorted parameters, the resolved
/// window) and the index generation, so a repeated request is answered without recomputing and
/// never from older files. Not thread-safe: hold engine.mutex().
ApiResponse HandleApiRequest(Engine& engine, std::string_view path, const QueryParams& params);

/// {"error": message}.
std::string ErrorJson(std::string_view message);

/// One element of /api/timeseries' "series": container, its labels, then the bucket arrays.
void WriteSeriesJson(JsonWriter& w, const Series& s);

}  // namespace fgm::engine

// SPDX-License-Identifier: Apache-2.0
// The viewer's web UI (web/: TypeScript + uPlot, bundled by esbuild at build time) embedded in the
// binary, so `fgm viewer` serves it without files on disk or a CDN. The bytes live in a generated
// .cc (src/webui/CMakeLists.txt); this header is the only way to reach them.
#pragma once

#include <span>
#include <string_view>

namespace fgm::webui {

/// One embedded file. All views point into static storage and stay valid for the program's life.
struct Asset {
  std::string_view path;          ///< URL path, e.g. "/index.html".
  std::string_view content_type;  ///< e.g. "text/html; charset=utf-8".
  std::string_view data;          ///< The file's bytes (minified, uncompressed).
};

/// The asset served at `path` ("/index.html", "/app.js", "/app.css"), or nullptr. "/" is not
/// mapped here: the server decides what the root serves. Thread-safe (read-only data).
const Asset* FindAsset(std::string_view path);

/// Every embedded asset, in a fixed order. Thread-safe.
std::span<const Asset> AllAssets();

}  // namespace fgm::webui

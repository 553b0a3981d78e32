// SPDX-License-Identifier: Apache-2.0
// BuiltinHtmlAssets (see html.h): the UI bundle (fgm::webui) and the single-file WASM engine
// (wasm/, target fgm_engine_wasm) compiled into the binary. Each part is present only when the
// build had it; CMake says so with FGM_EXPORT_HAVE_UI / FGM_EXPORT_HAVE_ENGINE.
#include "export/html.h"

#ifdef FGM_EXPORT_HAVE_UI
#include "webui/assets.h"
#endif
#ifdef FGM_EXPORT_HAVE_ENGINE
#include "export/engine_js.h"
#endif

namespace fgm::exporter {

Result<HtmlAssets> BuiltinHtmlAssets() {
  HtmlAssets assets;
#ifdef FGM_EXPORT_HAVE_UI
  const webui::Asset* index = webui::FindAsset("/index.html");
  const webui::Asset* js = webui::FindAsset("/app.js");
  const webui::Asset* css = webui::FindAsset("/app.css");
  if (index == nullptr || js == nullptr || css == nullptr) {
    return InternalError("the embedded UI lacks index.html, app.js or app.css");
  }
  assets.index_html = std::string(index->data);
  assets.app_js = std::string(js->data);
  assets.app_css = std::string(css->data);
#else
  return UnsupportedError(
      "this fgm was built without the web UI, so it cannot write NAME.html; use --no-html");
#endif
#ifdef FGM_EXPORT_HAVE_ENGINE
  assets.engine_js = std::string(EngineJs());
#else
  return UnsupportedError(
      "this fgm was built without the WebAssembly engine (emscripten missing at build time), so "
      "it cannot write NAME.html; use --no-html for NAME.parquet alone");
#endif
  return assets;
}

}  // namespace fgm::exporter

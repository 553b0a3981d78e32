// SPDX-License-Identifier: Apache-2.0
// BuiltinHtmlAssets (see html.h): the export page's UI bundle (web/src/export_main.ts, bundled by
// wasm/build_export_ui.mjs) and the WASM engine (wasm/, target fgm_engine_wasm), embedded into the
// binary by the generated embedded_assets.cc (src/export/CMakeLists.txt). Present only when the
// build had emscripten and node; CMake says so with FGM_EXPORT_HAVE_EMBEDDED.
#include "export/html.h"

#ifdef FGM_EXPORT_HAVE_EMBEDDED
// Symbols defined by the generated embedded_assets.cc (.incbin of each file).
extern "C" {
extern const char fgm_export_index_html_begin[], fgm_export_index_html_end[];
extern const char fgm_export_app_js_begin[], fgm_export_app_js_end[];
extern const char fgm_export_app_css_begin[], fgm_export_app_css_end[];
extern const char fgm_export_engine_js_begin[], fgm_export_engine_js_end[];
extern const char fgm_export_engine_wasm_begin[], fgm_export_engine_wasm_end[];
}
#endif

namespace fgm::exporter {

Result<HtmlAssets> BuiltinHtmlAssets() {
#ifdef FGM_EXPORT_HAVE_EMBEDDED
  HtmlAssets assets;
  assets.index_html.assign(fgm_export_index_html_begin, fgm_export_index_html_end);
  assets.app_js.assign(fgm_export_app_js_begin, fgm_export_app_js_end);
  assets.app_css.assign(fgm_export_app_css_begin, fgm_export_app_css_end);
  assets.engine_js.assign(fgm_export_engine_js_begin, fgm_export_engine_js_end);
  assets.engine_wasm.assign(fgm_export_engine_wasm_begin, fgm_export_engine_wasm_end);
  return assets;
#else
  return UnsupportedError(
      "this fgm was built without the WebAssembly engine or the export UI (emscripten or node "
      "missing at build time), so it cannot write NAME.html; use --no-html for NAME.parquet alone");
#endif
}

}  // namespace fgm::exporter

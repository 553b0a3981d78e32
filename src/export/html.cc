// SPDX-License-Identifier: Apache-2.0
// Export page assembly (see html.h).
#include "export/html.h"

#include <nlohmann/json.hpp>

#include "export/gzip_sink.h"

namespace fgm::exporter {

namespace {

// No fetch of any kind: scripts and styles only inline, WebAssembly compiled from inline bytes
// ('wasm-unsafe-eval'), images only data:/blob: (uPlot draws on canvas). connect-src 'none' also
// forbids fetch()/XHR, so a UI code path that would reach for the network fails loudly.
constexpr std::string_view kCsp =
    "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
    "base-uri 'none'; form-action 'none'";

// An inlined script or style must not contain its own closing tag; "<\/script" means the same to
// the JS parser inside strings and regexes (the only places the bundler leaves such text).
std::string EscapeClosingTag(std::string_view text, std::string_view tag) {
  std::string out;
  out.reserve(text.size());
  std::string needle = "</" + std::string(tag);
  size_t i = 0;
  for (;;) {
    size_t j = text.find(needle, i);
    if (j == std::string_view::npos) break;
    out.append(text.substr(i, j - i));
    out.append("<\\/");
    out.append(tag);
    i = j + needle.size();
  }
  out.append(text.substr(i));
  return out;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Finds the tag that opens at a '<' before `pos` and returns [start, end) of the element:
// up to the matching "</script>" for scripts, up to '>' for void tags such as <link>.
bool FindElementAround(const std::string& html, size_t pos, std::string_view tag, size_t* start,
                       size_t* end) {
  size_t open = html.rfind('<', pos);
  if (open == std::string::npos || html.compare(open + 1, tag.size(), tag) != 0) return false;
  size_t close = html.find('>', pos);
  if (close == std::string::npos) return false;
  *start = open;
  *end = close + 1;
  if (tag == "script") {
    size_t end_tag = html.find("</script>", close);
    if (end_tag == std::string::npos) return false;
    *end = end_tag + 9;
  }
  return true;
}

}  // namespace

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size_t rest = data.size() - i; rest > 0) {
    uint32_t v = uint32_t{p[i]} << 16;
    if (rest == 2) v |= uint32_t{p[i + 1]} << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string AssembleHtml(const HtmlAssets& assets, std::string_view gzip_parquet,
                         const PageInfo& info) {
  std::string html = assets.index_html;
  if (html.empty()) {
    html =
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>FGM</title>"
        "<link rel=\"stylesheet\" href=\"app.css\"></head>\n<body><div id=\"app\"></div>"
        "<script src=\"app.js\"></script></body></html>\n";
  }
  std::string style = "<style>" + EscapeClosingTag(assets.app_css, "style") + "</style>";
  nlohmann::json info_json = {{"title", info.title},
                              {"version", info.version},
                              {"from_ms", info.from_ms},
                              {"to_ms", info.to_ms},
                              {"encoding", "gzip+base64"}};
  std::string scripts;
  scripts.reserve(gzip_parquet.size() / 3 * 4 + assets.engine_js.size() + assets.app_js.size() +
                  512);
  scripts += "<script id=\"" + std::string(kInfoElementId) + "\" type=\"application/json\">" +
             EscapeClosingTag(info_json.dump(), "script") + "</script>\n";
  scripts +=
      "<script id=\"" + std::string(kDataElementId) + "\" type=\"application/octet-stream\">";
  scripts += Base64Encode(gzip_parquet);
  scripts += "</script>\n";
  if (!assets.engine_wasm.empty()) {
    // GzipString only fails if zlib cannot initialise; the page then reports the missing engine.
    auto wasm_gz = GzipString(assets.engine_wasm);
    scripts += "<script id=\"" + std::string(kEngineWasmElementId) +
               "\" type=\"application/octet-stream\">";
    if (wasm_gz.ok()) scripts += Base64Encode(*wasm_gz);
    scripts += "</script>\n";
  }
  if (!assets.engine_js.empty()) {
    scripts += "<script>" + EscapeClosingTag(assets.engine_js, "script") + "</script>\n";
  }
  scripts += "<script>" + EscapeClosingTag(assets.app_js, "script") + "</script>";

  size_t start, end;
  size_t css = html.find("app.css");
  if (css != std::string::npos && FindElementAround(html, css, "link", &start, &end)) {
    html.replace(start, end - start, style);
  } else {
    size_t head_end = html.find("</head>");
    html.insert(head_end == std::string::npos ? 0 : head_end, style);
  }
  size_t js = html.find("app.js");
  if (js != std::string::npos && FindElementAround(html, js, "script", &start, &end)) {
    html.replace(start, end - start, scripts);
  } else {
    size_t body_end = html.rfind("</body>");
    html.insert(body_end == std::string::npos ? html.size() : body_end, scripts);
  }
  // CSP and an empty icon (otherwise the browser asks for favicon.ico) right after <head>.
  std::string meta = "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kCsp) +
                     "\"><link rel=\"icon\" href=\"data:,\">";
  if (!info.title.empty()) meta += "<title>" + HtmlEscape(info.title) + " - FGM export</title>";
  size_t head = html.find("<head>");
  if (head != std::string::npos) {
    html.insert(head + 6, meta);
  } else {
    html.insert(0, meta);
  }
  return html;
}

}  // namespace fgm::exporter

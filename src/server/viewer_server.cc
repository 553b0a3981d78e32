// SPDX-License-Identifier: Apache-2.0
#include "server/viewer_server.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <type_traits>

#include "core/file.h"
#include "core/log.h"
#include "core/strings.h"
#include "engine/live/journal_source.h"
#include "server/http_module.h"
#ifdef FGM_SERVER_HAS_WEBUI
#include "webui/assets.h"
#endif
#ifdef FGM_SERVER_HAS_EXPORT
#include "export/export.h"
#endif

namespace fgm::server {
namespace {

static_assert(std::is_same_v<HttpParams, engine::QueryParams>,
              "the transport's parameters go to HandleApiRequest unconverted");

// Request limits: the transport reads no more body than this (see kMaxRequestBodyBytes); the
// handler checks it again so that it holds for requests from any transport, tests included.
constexpr size_t kMaxBodyBytes = HttpTransport::kMaxRequestBodyBytes;
// Dashboards are small hand-written JSON files; 1 MiB bounds a mistaken pointer at a big file.
constexpr size_t kMaxDashboardBytes = 1 << 20;
// /api/export's range when neither range nor from/to is given: the API's default (docs/api.md), so
// an export with the viewer's parameters covers what the viewer shows.
constexpr std::string_view kDefaultExportRange = "1h";

HttpResponse JsonError(int status, std::string_view message) {
  return {status, "application/json", engine::ErrorJson(message)};
}

bool IsLoopback(std::string_view bind) {
  return bind == "127.0.0.1" || bind == "::1" || bind == "localhost" || bind.starts_with("127.");
}

constexpr std::string_view kNoUiPage =
    "<!doctype html><meta charset=utf-8><title>FGM viewer</title>"
    "<p>The UI bundle was not built into this fgm binary (fgm::webui is missing: run "
    "scripts/setup.sh, then rebuild). The JSON API works: try <a href=/api/health>/api/health</a>, "
    "<a href=/api/containers>/api/containers</a> and <a href=/api/metrics>/api/metrics</a>.";

#ifdef FGM_SERVER_HAS_EXPORT
// True when `path` is `dir` or below it (after resolving symlinks and "..").
bool PathInside(const std::string& path, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  if (ec) return false;
  fs::path d = fs::weakly_canonical(dir, ec);
  if (ec) return false;
  auto [d_end, p_it] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  (void)p_it;
  return d_end == d.end();
}

// "20261125T181500Z": the download's name says when it was taken, sortable, no ':' for Windows.
std::string UtcStamp() {
  time_t now = time(nullptr);
  struct tm tm_utc;
  gmtime_r(&now, &tm_utc);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm_utc);
  return buf;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view part : Split(text, ',')) {
    part = TrimWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// Clears a flag when the export ends, whichever way it ends.
struct ExportSlot {
  std::atomic<bool>* running;
  ~ExportSlot() { running->store(false); }
};
#endif

}  // namespace

bool HostAllowed(std::string_view host, std::string_view bind, int port) {
  if (host.empty()) return false;  // HTTP/1.1 requires Host; a client without one is not a browser
  std::string_view name = host;
  std::string_view host_port;
  if (name.front() == '[') {
    size_t close = name.find(']');
    if (close == std::string_view::npos) return false;
    host_port = name.substr(close + 1);
    name = name.substr(1, close - 1);
    if (!host_port.empty()) {
      if (host_port.front() != ':') return false;
      host_port.remove_prefix(1);
    }
  } else {
    size_t colon = name.rfind(':');
    if (colon != std::string_view::npos) {
      host_port = name.substr(colon + 1);
      name = name.substr(0, colon);
    }
  }
  if (!host_port.empty() && host_port != std::to_string(port)) return false;
  if (bind == "0.0.0.0" || bind == "::" || bind.empty()) return true;
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == bind) return true;
  if (IsLoopback(bind)) return lower == "localhost" || lower == "127.0.0.1" || lower == "::1";
  return false;
}

bool ValidDashboardName(std::string_view name) {
  constexpr std::string_view kSuffix = ".json";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

ViewerHandler::ViewerHandler(engine::Engine* engine, ServerOptions options, int port)
    : engine_(engine), options_(std::move(options)), port_(port) {}

void ViewerHandler::MaybeRefreshLocked() {
  auto now = std::chrono::steady_clock::now();
  if (refreshed_once_ && now - last_refresh_ < options_.refresh_interval) return;
  refreshed_once_ = true;
  last_refresh_ = now;
  engine_->Refresh();
  if (options_.live) engine_->SetLiveSources(engine::ReadLiveJournals(engine_->options().roots));
}

HttpResponse ViewerHandler::Dashboard(std::string_view name) const {
  if (!ValidDashboardName(name)) {
    return JsonError(400,
                     "dashboard names are [A-Za-z0-9_.-]+.json, e.g. /dashboards/overview.json");
  }
  std::string stem(name.substr(0, name.size() - 5));
  for (const std::string& dir : options_.dashboard_dirs) {
    for (const std::string& path :
         {dir + "/" + std::string(name), dir + "/" + stem + "/dashboard.json"}) {
      auto data = ReadFileToString(path, kMaxDashboardBytes);
      if (data.ok()) return {200, "application/json", std::move(*data)};
    }
  }
  return JsonError(404, "no dashboard '" + std::string(name) +
                            "' in the viewer's dashboard directories (--dashboards)");
}

HttpResponse ViewerHandler::Static(std::string_view path) const {
  if (path == "/") path = "/index.html";
#ifdef FGM_SERVER_HAS_WEBUI
  if (const webui::Asset* a = webui::FindAsset(path)) {
    return {200, std::string(a->content_type), std::string(a->data)};
  }
#else
  if (path == "/index.html") return {200, "text/html; charset=utf-8", std::string(kNoUiPage)};
#endif
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

HttpResponse ViewerHandler::Export(const engine::QueryParams& params) {
#ifndef FGM_SERVER_HAS_EXPORT
  (void)params;
  return JsonError(501,
                   "this fgm was built without fgm::export (src/export), so the viewer cannot "
                   "export; use `fgm export` from a full build");
#else
  // Only the exporter's filters: a viewer-only filter (search, qos_class) would otherwise be
  // ignored silently and the download would hold more than the view showed.
  static constexpr std::string_view kKnown[] = {
      "format", "range", "from", "to", "containers", "namespace", "labels", "metrics", "run"};
  for (const auto& [name, value] : params) {
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown)) {
      return JsonError(400, "/api/export does not take '" + name +
                                "': send format, range|from,to, containers, namespace, labels, "
                                "metrics, run (pick containers by id instead of search/qos_class)");
    }
  }
  auto param = [&](std::string_view name) -> std::string {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  std::string format = param("format");
  if (format.empty()) format = "html";
  if (format != "html" && format != "parquet") {
    return JsonError(400, "format: send html or parquet");
  }
  exporter::ExportOptions o;
  o.inputs = engine_->options().roots;
  for (auto [name, out] : {std::pair{"from", &o.from_ms}, std::pair{"to", &o.to_ms}}) {
    std::string text = param(name);
    if (text.empty()) continue;
    auto ms = exporter::ParseTimeMs(text);
    if (!ms.ok()) return JsonError(400, std::string(name) + ": " + ms.error().message());
    *out = *ms;
  }
  o.range = param("range");
  if (o.range.empty()) o.range = kDefaultExportRange;
  if (!o.from_ms && !o.to_ms) {
    auto range = exporter::ParseRangeMs(o.range);
    if (!range.ok()) return JsonError(400, "range: " + range.error().message());
  }
  o.containers = SplitList(param("containers"));
  o.namespaces = SplitList(param("namespace"));
  o.metrics = SplitList(param("metrics"));
  for (const std::string& kv : SplitList(param("labels"))) {
    size_t colon = kv.find(':');
    if (colon == std::string::npos || colon == 0) {
      return JsonError(400, "labels: send key:value pairs separated by commas, e.g. app:web");
    }
    o.labels.emplace_back(kv.substr(0, colon), kv.substr(colon + 1));
  }
  o.run_id = param("run");
  o.write_parquet = format == "parquet";
  o.write_html = format == "html";
  o.max_output_bytes = options_.export_max_bytes;
  o.assets = options_.export_assets;

  std::string base = options_.export_tmp_dir;
  if (base.empty()) {
    const char* env = getenv("TMPDIR");
    base = env != nullptr && *env != '\0' ? env : "/tmp";
  }
  std::vector<std::string> forbidden = o.inputs;
  forbidden.insert(forbidden.end(), options_.dashboard_dirs.begin(), options_.dashboard_dirs.end());
  for (const std::string& dir : forbidden) {
    if (PathInside(base, dir)) {
      return JsonError(500, "the export's temporary directory " + base + " is inside " + dir +
                                ": set TMPDIR to a directory outside the data and dashboards");
    }
  }

  bool idle = false;
  if (!export_running_.compare_exchange_strong(idle, true)) {
    return JsonError(429, "another export is running: try again when it has finished");
  }
  ExportSlot slot{&export_running_};
  std::string tmpl = base + "/fgm-export-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    return JsonError(
        500, "cannot create a temporary directory under " + base + ": " + std::strerror(errno));
  }
  std::string dir = tmpl;
  // Removes the directory whatever happens below; an open descriptor keeps the file readable.
  struct RemoveDir {
    std::string path;
    ~RemoveDir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } remove_dir{dir};
  o.output = dir + "/export";
  auto summary = exporter::ExportDataset(o, nullptr);
  if (!summary.ok()) {
    const Status& e = summary.error();
    switch (e.code()) {
      case StatusCode::kInvalidArgument:
        return JsonError(400, e.message());
      case StatusCode::kResourceExhausted:  // too large: the message says how to narrow it
        return JsonError(400, e.message() +
                                  " (here: the range, from/to, containers, namespace and metrics "
                                  "parameters; the viewer's limit is fixed, `fgm export "
                                  "--max-size` goes past it)");
      case StatusCode::kNotFound:
        return JsonError(404, e.message());
      case StatusCode::kUnsupported:  // a build without the page's assets
        return JsonError(501,
                         "this fgm was built without the export page's WebAssembly engine or UI "
                         "(emscripten or node missing at build time): format=parquet works (" +
                             e.message() + ")");
      default:
        FGM_LOG_ONCE(kError, "viewer-export:" + e.ToString(), "viewer: export failed: %s",
                     e.ToString().c_str());
        return JsonError(500, "export failed: " + e.ToString());
    }
  }
  const std::string& path = o.write_html ? summary->html_path : summary->parquet_path;
  auto fd = OpenReadOnly(path);
  if (!fd.ok()) return JsonError(500, "export: " + fd.error().ToString());
  struct stat st;
  if (fstat(fd->get(), &st) != 0) return JsonError(500, "export: cannot stat " + path);
  HttpResponse out;
  out.content_type = o.write_html ? "text/html; charset=utf-8" : "application/vnd.apache.parquet";
  out.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"fgm-export-" + UtcStamp() + "." + format + "\"");
  out.body_file = std::make_shared<ScopedFd>(std::move(*fd));
  out.body_file_size = static_cast<uint64_t>(st.st_size);
  return out;
#endif
}

HttpResponse ViewerHandler::Handle(const HttpRequest& request) {
  try {
    if (!HostAllowed(request.host, options_.bind, port_.load())) {
      return JsonError(403, "Host header '" + request.host +
                                "' is not this server's address: open the URL fgm viewer printed");
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return JsonError(405, "only GET is supported");
    }
    if (request.body_bytes > kMaxBodyBytes) return JsonError(413, "request body too large");
    const std::string& path = request.path;
    // Not under the engine's lock: an export reads the files itself and may take seconds.
    if (path == "/api/export") {
      // httplib answers HEAD through the GET handler and drops the body: a HEAD would run a whole
      // export (seconds of I/O, temp files) for nothing.
      if (request.method != "GET") return JsonError(405, "/api/export runs on GET only");
      return Export(request.params);
    }
    if (path.starts_with("/api/")) {
      std::lock_guard<std::mutex> lock(engine_->mutex());
      MaybeRefreshLocked();
      engine::ApiResponse r = engine::HandleApiRequest(*engine_, path, request.params);
      return {r.status, "application/json", std::move(r.body)};
    }
    constexpr std::string_view kDashboards = "/dashboards/";
    if (path.starts_with(kDashboards))
      return Dashboard(std::string_view(path).substr(kDashboards.size()));
    return Static(path);
  } catch (const std::exception& e) {
    FGM_LOG_ONCE(kError, std::string("viewer-500:") + e.what(), "viewer: internal error: %s",
                 e.what());
    return JsonError(500, std::string("internal error: ") + e.what());
  }
}

struct ViewerServer::Impl {
  engine::Engine* engine;
  ServerOptions options;
  ViewerHandler handler;
  // Declared after the handler: destroyed (threads joined) before it.
  std::unique_ptr<HttpTransport> transport;
  int port = 0;

  Impl(engine::Engine* e, ServerOptions o) : engine(e), options(o), handler(e, o, 0) {}
};

ViewerServer::ViewerServer(engine::Engine* engine, ServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {}

ViewerServer::~ViewerServer() { Stop(); }

Result<int> ViewerServer::Start() {
  Impl& s = *impl_;
  if (!s.transport) {
    FGM_ASSIGN_OR_RETURN(s.transport, NewHttpTransport(s.options.http_module));
  }
  // A fixed port is known before the transport serves: set it first, so the Host check of a
  // request that arrives at once already accepts it.
  if (s.options.port != 0) s.handler.set_port(s.options.port);
  int port = 0;
  FGM_RETURN_IF_ERROR(s.transport->Listen(
      s.options.bind, s.options.port,
      [&s](const HttpRequest& request) { return s.handler.Handle(request); }, &port));
  s.port = port;
  s.handler.set_port(port);
  return port;
}

void ViewerServer::Stop() {
  if (impl_ && impl_->transport) impl_->transport->Stop();
}

std::string ViewerServer::url() const {
  const std::string& b = impl_->options.bind;
  std::string host = b.find(':') != std::string::npos ? "[" + b + "]" : b;
  if (b == "0.0.0.0" || b == "::") host = "127.0.0.1";
  return "http://" + host + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace fgm::server

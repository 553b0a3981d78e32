// SPDX-License-Identifier: Apache-2.0
#include "server/viewer_server.h"

#include <httplib.h>

#include <exception>
#include <mutex>

#include "core/file.h"
#include "core/log.h"
#include "engine/live/journal_source.h"
#ifdef FGM_SERVER_HAS_WEBUI
#include "webui/assets.h"
#endif

namespace fgm::server {
namespace {

// Request limits: the API takes only short GET query strings. 1 KiB of body is already more than
// any GET needs; httplib caps the URI at 8 KiB (CPPHTTPLIB_REQUEST_URI_MAX_LENGTH) and the header
// count at 100 in the Debian build.
constexpr size_t kMaxBodyBytes = 1024;
// Dashboards are small hand-written JSON files; 1 MiB bounds a mistaken pointer at a big file.
constexpr size_t kMaxDashboardBytes = 1 << 20;
// Idle keep-alive connections are closed after this long so Stop() never waits on a browser tab.
constexpr int kKeepAliveSeconds = 2;

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
  httplib::Server http;
  std::thread thread;
  int port = 0;

  Impl(engine::Engine* e, ServerOptions o) : engine(e), options(o), handler(e, o, 0) {}
};

ViewerServer::ViewerServer(engine::Engine* engine, ServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {}

ViewerServer::~ViewerServer() { Stop(); }

Result<int> ViewerServer::Start() {
  Impl& s = *impl_;
  s.http.set_payload_max_length(kMaxBodyBytes);
  s.http.set_keep_alive_timeout(kKeepAliveSeconds);
  // Two cores on the reference machine; a handful of threads serves a browser's parallel fetches.
  s.http.new_task_queue = [] { return new httplib::ThreadPool(4); };
  auto serve = [&s](const httplib::Request& req, httplib::Response& res) {
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    r.host = req.get_header_value("Host");
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);  // first value wins
    r.body_bytes = req.body.size();
    HttpResponse out = s.handler.Handle(r);
    res.status = out.status;
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    res.set_content(std::move(out.body), out.content_type.c_str());
  };
  s.http.Get(".*", serve);
  // Other methods reach the handler too, so they get a JSON 405 rather than httplib's page.
  s.http.Post(".*", serve);
  s.http.Put(".*", serve);
  s.http.Delete(".*", serve);
  s.http.Options(".*", serve);
  s.http.Patch(".*", serve);
  int port = s.options.port;
  if (port == 0) {
    port = s.http.bind_to_any_port(s.options.bind);
  } else if (!s.http.bind_to_port(s.options.bind, port)) {
    port = -1;
  }
  if (port <= 0) {
    return IoError("cannot listen on " + s.options.bind + ":" + std::to_string(s.options.port) +
                   " (address in use or not local?)");
  }
  s.port = port;
  s.handler.set_port(port);
  s.thread = std::thread([&s] { s.http.listen_after_bind(); });
  return port;
}

void ViewerServer::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->http.stop();
  impl_->thread.join();
}

std::string ViewerServer::url() const {
  const std::string& b = impl_->options.bind;
  std::string host = b.find(':') != std::string::npos ? "[" + b + "]" : b;
  if (b == "0.0.0.0" || b == "::") host = "127.0.0.1";
  return "http://" + host + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace fgm::server

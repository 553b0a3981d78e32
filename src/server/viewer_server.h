// SPDX-License-Identifier: Apache-2.0
// The viewer's HTTP side: a transport-free request handler (API via engine::HandleApiRequest,
// dashboards from configured directories, the embedded UI bundle) plus a server around it, whose
// cpp-httplib transport is loaded from fgm-http.so at Start() (http_module.h) so that no other
// fgm subcommand maps cpp-httplib, OpenSSL or brotli. Security: binds 127.0.0.1 by default, rejects
// a Host header that is not the bound address or name (DNS rebinding), sends no CORS headers,
// serves no file outside the dashboard directories (names are checked against
// [A-Za-z0-9_.-]+\.json, never joined as paths), and bounds request sizes. /api/export
// (ExportDataset into a private temp dir, streamed back as a download) exists when fgm::export is
// linked; otherwise it answers 501.
//
//   ViewerServer server(&engine, {.bind = "127.0.0.1", .port = 0});
//   Result<int> port = server.Start();   // serving on a thread from here on
//   ...
//   server.Stop();
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/result.h"
#include "engine/api.h"
#include "engine/engine.h"
#include "server/http_transport.h"

namespace fgm::exporter {
struct HtmlAssets;  // export/export.h; only a pointer is needed here
}  // namespace fgm::exporter

namespace fgm::server {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;  // 0: the kernel picks a free port
  /// Directories searched for /dashboards/<name>: <dir>/<name>, then <dir>/<stem>/dashboard.json
  /// (the scenarios/<name>/dashboard.json layout).
  std::vector<std::string> dashboard_dirs;
  /// Re-list the dataset (and re-read live journals) at most this often, on demand: a request
  /// after a quiet minute sees new files at once, a burst of requests lists the tree once.
  std::chrono::milliseconds refresh_interval{1000};
  /// Also read the monitor's in-progress journals under the roots (native live tail).
  bool live = true;
  /// /api/export: refuse exports estimated larger than this (the exporter's own default, 200 MiB:
  /// the largest page browsers still open comfortably, see ExportOptions::max_output_bytes).
  uint64_t export_max_bytes = uint64_t{200} << 20;
  /// /api/export works in a fresh directory under this one; "" = $TMPDIR, else /tmp. It must not
  /// be inside a data root or a dashboard directory (the export would appear in the dataset).
  std::string export_tmp_dir;
  /// /api/export's page assets; nullptr = the ones built into the binary. Tests substitute theirs.
  const exporter::HtmlAssets* export_assets = nullptr;
  /// The HTTP transport module (fgm-http.so) to load; "" = beside the fgm binary, then in
  /// ../lib/fgm/ from it (DefaultHttpModulePaths). Tests point it at the build's module.
  std::string http_module;
};

/// True when `host_header` names the server: the bound address (or, bound to loopback, any of
/// localhost / 127.0.0.1 / [::1]), with `port` if a port is given. A server bound to a wildcard
/// address (0.0.0.0, ::) accepts any name: the user asked to be reachable from anywhere.
bool HostAllowed(std::string_view host_header, std::string_view bind, int port);

/// Whether `name` is an acceptable dashboard file name ([A-Za-z0-9_.-]+\.json, no "..").
bool ValidDashboardName(std::string_view name);

/// Transport-free request handling (testable without sockets). Thread-safe: engine access is
/// serialized on engine->mutex().
class ViewerHandler {
 public:
  /// `engine` must outlive the handler. `port` is the port actually bound (for the Host check).
  ViewerHandler(engine::Engine* engine, ServerOptions options, int port);
  HttpResponse Handle(const HttpRequest& request);
  void set_port(int port) { port_ = port; }

 private:
  void MaybeRefreshLocked();
  HttpResponse Dashboard(std::string_view name) const;
  HttpResponse Static(std::string_view path) const;
  HttpResponse Export(const engine::QueryParams& params);

  engine::Engine* engine_;
  ServerOptions options_;
  std::atomic<int> port_;
  std::chrono::steady_clock::time_point last_refresh_{};
  bool refreshed_once_ = false;
  // One export at a time: an export reads and rewrites up to hundreds of MB on a 2-core machine.
  std::atomic<bool> export_running_{false};
};

/// The HTTP server. Start() binds and serves on a background thread; Stop() (or the destructor)
/// shuts it down.
class ViewerServer {
 public:
  ViewerServer(engine::Engine* engine, ServerOptions options);
  ~ViewerServer();
  ViewerServer(const ViewerServer&) = delete;
  ViewerServer& operator=(const ViewerServer&) = delete;

  /// Loads the transport module on the first call (kNotFound / kUnsupported when it cannot, see
  /// NewHttpTransport), binds (kIo when the address/port cannot be bound) and starts serving.
  /// Returns the port.
  Result<int> Start();
  void Stop();
  /// "http://127.0.0.1:8080/" (IPv6 addresses bracketed).
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fgm::server

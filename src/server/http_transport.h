// SPDX-License-Identifier: Apache-2.0
// The viewer's HTTP transport, seen from both sides of a dlopen boundary. The cpp-httplib server
// lives in a separate module, fgm-http.so (http_transport_httplib.cc), that only `fgm viewer`
// loads: Debian's libcpp-httplib links OpenSSL and brotli, and mapping them cost every fgm
// process, the per-node monitor included, ~3.8 MiB of RSS for code it never runs.
//
// The module is built from this header and cpp-httplib only, without fgm's static libraries
// (they are not position-independent), so everything here must be header-only: plain structs,
// inline Status constructors, no Result (its error path calls FGM_CHECK, defined in fgm::core).
// Bump kHttpTransportAbiVersion whenever a struct, the interface or the factory changes, so that
// a stale fgm-http.so is refused with a message instead of crashing on a mismatched layout.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/status.h"

namespace fgm::server {

inline constexpr int kHttpTransportAbiVersion = 1;

/// Query parameters, first value of each name. The same type as engine::QueryParams (checked in
/// viewer_server.cc), spelled out so the module does not include the engine.
using HttpParams = std::map<std::string, std::string, std::less<>>;

struct HttpRequest {
  std::string method = "GET";
  std::string path;
  std::string host;  // the Host header
  HttpParams params;
  size_t body_bytes = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  /// Extra headers (Content-Disposition of a download).
  std::vector<std::pair<std::string, std::string>> headers = {};
  /// A large body streamed from a file instead of `body` (an export): the file is already
  /// unlinked, the descriptor keeps it readable until the last reference goes.
  std::shared_ptr<ScopedFd> body_file = nullptr;
  uint64_t body_file_size = 0;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

/// An HTTP/1.1 server that hands every request, whatever its method, to one handler and sends
/// the handler's response with the viewer's fixed security headers, uncompressed. Request bodies
/// are capped at kMaxRequestBodyBytes (larger ones are refused before the handler runs).
class HttpTransport {
 public:
  /// The largest request body read; the handler sees HttpRequest::body_bytes up to this. The API
  /// takes only short GET query strings: 1 KiB of body is already more than any GET needs
  /// (cpp-httplib also caps the URI at 8 KiB and the header count at 100 in the Debian build).
  static constexpr size_t kMaxRequestBodyBytes = 1024;

  virtual ~HttpTransport() = default;
  /// Binds `bind`:`port` (port 0: a free port the kernel picks), stores the bound port in
  /// *bound_port and serves on the transport's own threads until Stop(). kIo when it cannot bind.
  /// Call once.
  virtual Status Listen(const std::string& bind, int port, HttpHandler handler,
                        int* bound_port) = 0;
  /// Stops serving and joins the threads; a no-op when not listening. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace fgm::server

// What fgm-http.so exports (the module hides every other symbol), looked up with dlsym by name.
extern "C" {
/// kHttpTransportAbiVersion as the module was built.
__attribute__((visibility("default"))) int fgm_http_transport_abi_version();
/// A new transport, owned by the caller (delete it through the virtual destructor).
__attribute__((visibility("default"))) fgm::server::HttpTransport* fgm_http_transport_create();
}

// SPDX-License-Identifier: Apache-2.0
// HttpTransport on cpp-httplib: the whole of fgm-http.so (see http_transport.h for why it is a
// module). Only this file includes httplib.h, so only the module maps libcpp-httplib, libssl,
// libcrypto and brotli.
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "server/http_transport.h"

namespace fgm::server {
namespace {

// Idle keep-alive connections are closed after this long so Stop() never waits on a browser tab.
constexpr int kKeepAliveSeconds = 2;
// A download is sent in pieces of this size: big enough for few syscalls, small enough that a
// 200 MiB export never sits in the server's memory.
constexpr size_t kStreamChunkBytes = 256 << 10;

class HttplibTransport final : public HttpTransport {
 public:
  ~HttplibTransport() override { Stop(); }

  Status Listen(const std::string& bind, int port, HttpHandler handler, int* bound_port) override {
    handler_ = std::move(handler);
    http_.set_payload_max_length(kMaxRequestBodyBytes);
    http_.set_keep_alive_timeout(kKeepAliveSeconds);
    // Each thread serves one connection at a time, and a browser keeps up to 6 per host open (idle
    // ones for kKeepAliveSeconds): 8 threads keep idle keep-alive connections from starving
    // requests.
    http_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    auto serve = [this](const httplib::Request& req, httplib::Response& res) { Serve(req, res); };
    http_.Get(".*", serve);
    // Other methods reach the handler too, so they get its JSON 405 rather than httplib's page.
    http_.Post(".*", serve);
    http_.Put(".*", serve);
    http_.Delete(".*", serve);
    http_.Options(".*", serve);
    http_.Patch(".*", serve);
    int bound = port;
    if (port == 0) {
      bound = http_.bind_to_any_port(bind);
    } else if (!http_.bind_to_port(bind, port)) {
      bound = -1;
    }
    if (bound <= 0) {
      return IoError("cannot listen on " + bind + ":" + std::to_string(port) +
                     " (address in use or not local?)");
    }
    *bound_port = bound;
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    return OkStatus();
  }

  void Stop() override {
    if (!thread_.joinable()) return;
    http_.stop();
    thread_.join();
  }

 private:
  void Serve(const httplib::Request& req, httplib::Response& res) const {
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    r.host = req.get_header_value("Host");
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);  // first value wins
    r.body_bytes = req.body.size();
    HttpResponse out = handler_(r);
    res.status = out.status;
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    for (const auto& [name, value] : out.headers) res.set_header(name.c_str(), value);
    if (out.body_file) {
      std::shared_ptr<ScopedFd> file = std::move(out.body_file);
      res.set_content_provider(
          out.body_file_size, out.content_type,
          [file](size_t offset, size_t length, httplib::DataSink& sink) {
            std::string chunk(std::min(length, kStreamChunkBytes), '\0');
            ssize_t n = pread(file->get(), chunk.data(), chunk.size(), static_cast<off_t>(offset));
            if (n <= 0) return false;  // the file cannot shrink (unlinked, ours): give up the reply
            return sink.write(chunk.data(), static_cast<size_t>(n));
          });
      return;
    }
    // Sent uncompressed through a sized content provider: httplib would otherwise brotli-compress
    // every text/JSON body at quality 11 whenever the browser offers "br" (Chromium always does),
    // which measured ~1 s per 250 KB response here, while the bytes only cross the loopback.
    auto body = std::make_shared<std::string>(std::move(out.body));
    res.set_content_provider(body->size(), out.content_type,
                             [body](size_t offset, size_t length, httplib::DataSink& sink) {
                               return sink.write(body->data() + offset, length);
                             });
  }

  HttpHandler handler_;
  httplib::Server http_;
  std::thread thread_;
};

}  // namespace
}  // namespace fgm::server

extern "C" {
int fgm_http_transport_abi_version() { return fgm::server::kHttpTransportAbiVersion; }
fgm::server::HttpTransport* fgm_http_transport_create() {
  return new fgm::server::HttplibTransport();
}
}

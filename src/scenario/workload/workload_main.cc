// SPDX-License-Identifier: Apache-2.0
// fgm-workload MODE [--flag value ...]: the processes that scenarios run in their containers, one
// small binary for the local backend and the Kubernetes image alike. Each mode produces one
// recognisable signal (a leak, an OOM loop, a crash loop, SIGPIPE deaths, CPU bursts with a known
// period, or the todo-app's HTTP + SQL traffic). `fgm-workload --help` lists the modes.
#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/file.h"
#include "core/strings.h"

namespace {

using Clock = std::chrono::steady_clock;

// Flags as "--name value" pairs; every mode reads what it knows and ignores nothing silently.
class Flags {
 public:
  static std::optional<Flags> Parse(int argc, char** argv, int first) {
    Flags f;
    for (int i = first; i < argc; i += 2) {
      std::string_view name = argv[i];
      if (!fgm::StartsWith(name, "--") || i + 1 >= argc) {
        std::fprintf(stderr, "fgm-workload: expected --flag value, got '%s'\n", argv[i]);
        return std::nullopt;
      }
      f.values_[std::string(name.substr(2))] = argv[i + 1];
    }
    return f;
  }
  std::string Str(const std::string& name, std::string fallback = "") {
    used_.push_back(name);
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  double Num(const std::string& name, double fallback) {
    std::string text = Str(name);
    if (text.empty()) return fallback;
    auto v = fgm::ParseDouble(text);
    if (!v) {
      std::fprintf(stderr, "fgm-workload: --%s: not a number: '%s'\n", name.c_str(), text.c_str());
      std::exit(2);
    }
    return *v;
  }
  /// Flags given but never read: a typo in a scenario file should fail loudly.
  bool CheckAllUsed() const {
    bool ok = true;
    for (const auto& [name, value] : values_) {
      if (std::find(used_.begin(), used_.end(), name) == used_.end()) {
        std::fprintf(stderr, "fgm-workload: unknown flag --%s\n", name.c_str());
        ok = false;
      }
    }
    return ok;
  }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> used_;
};

void Log(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Log(const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
  std::fprintf(stdout, "%s %s\n", stamp, line);
  std::fflush(stdout);
}

void SleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Touches every page so the memory is really charged to the cgroup (an untouched malloc is not).
void TouchedAlloc(std::vector<char*>* keep, size_t bytes) {
  char* p = static_cast<char*>(std::malloc(bytes));
  if (p == nullptr) return;
  for (size_t i = 0; i < bytes; i += 4096) p[i] = static_cast<char>(i);
  keep->push_back(p);
}

// leak: grows by --mib-per-s every second until the memory limit's OOM kill ends it.
int Leak(Flags& f) {
  double mib_per_s = f.Num("mib-per-s", 8);
  if (!f.CheckAllUsed()) return 2;
  std::vector<char*> keep;
  for (int s = 1;; ++s) {
    TouchedAlloc(&keep, static_cast<size_t>(mib_per_s * (1 << 20)));
    Log("leak: %.0f MiB held", s * mib_per_s);
    SleepMs(1000);
  }
}

// alloc: allocates --chunk-mib every --interval-ms, reaching any sane limit within seconds.
int Alloc(Flags& f) {
  double chunk_mib = f.Num("chunk-mib", 16);
  double interval_ms = f.Num("interval-ms", 100);
  if (!f.CheckAllUsed()) return 2;
  std::vector<char*> keep;
  for (int i = 1;; ++i) {
    TouchedAlloc(&keep, static_cast<size_t>(chunk_mib * (1 << 20)));
    if (i % 4 == 0) Log("alloc: %.0f MiB held", i * chunk_mib);
    SleepMs(static_cast<int64_t>(interval_ms));
  }
}

// crash: works for a random time in [--min-s, --max-s], then exits with --exit-code.
int Crash(Flags& f) {
  double min_s = f.Num("min-s", 5), max_s = f.Num("max-s", 15);
  int exit_code = static_cast<int>(f.Num("exit-code", 1));
  if (!f.CheckAllUsed()) return 2;
  std::mt19937 rng(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(time(nullptr)));
  double life_s = std::uniform_real_distribution<double>(min_s, std::max(min_s, max_s))(rng);
  Log("crash: starting; will fail in %.1f s", life_s);
  SleepMs(static_cast<int64_t>(life_s * 1000));
  Log("crash: fatal: cannot reach the configuration service (simulated); exit %d", exit_code);
  return exit_code;
}

// burn: --threads busy loops, forever (a service under more load than its CPU limit allows).
int Burn(Flags& f) {
  int threads = static_cast<int>(f.Num("threads", 1));
  if (!f.CheckAllUsed()) return 2;
  Log("burn: %d busy threads", threads);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([] {
      volatile uint64_t x = 0;
      for (;;) x = x + 1;
    });
  }
  for (auto& t : pool) t.join();
  return 0;
}

// spikes: busy for --burst-s at the start of every --period-s (aligned to the wall clock, so the
// phase is known), idle otherwise.
int Spikes(Flags& f) {
  double period_s = f.Num("period-s", 20), burst_s = f.Num("burst-s", 5);
  int threads = static_cast<int>(f.Num("threads", 1));
  if (!f.CheckAllUsed()) return 2;
  if (period_s <= 0 || burst_s <= 0 || burst_s >= period_s) {
    std::fprintf(stderr, "fgm-workload spikes: need 0 < burst-s < period-s\n");
    return 2;
  }
  const int64_t period_ms = static_cast<int64_t>(period_s * 1000);
  const int64_t burst_ms = static_cast<int64_t>(burst_s * 1000);
  auto wall_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  for (;;) {
    int64_t phase = wall_ms() % period_ms;
    if (phase >= burst_ms) {
      SleepMs(period_ms - phase);
      continue;
    }
    Log("spikes: burst of %.1f s on %d thread(s)", burst_s, threads);
    std::vector<std::thread> pool;
    int64_t end = wall_ms() - phase + burst_ms;
    for (int i = 0; i < threads; ++i) {
      pool.emplace_back([&wall_ms, end] {
        volatile uint64_t x = 0;
        while (wall_ms() < end) {
          for (int k = 0; k < 100000; ++k) x = x + 1;
        }
      });
    }
    for (auto& t : pool) t.join();
  }
}

sockaddr_un UnixAddress(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  return addr;
}

// sock-server: accepts writers on a unix socket and reads what they send, then exits 0 after
// --lifetime-s (a server that restarts for a deploy every 30 s), closing every connection.
int SockServer(Flags& f) {
  std::string path = f.Str("path");
  double lifetime_s = f.Num("lifetime-s", 30);
  if (!f.CheckAllUsed() || path.empty()) return 2;
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    std::fprintf(stderr, "sock-server: socket path too long: %s\n", path.c_str());
    return 2;
  }
  ::unlink(path.c_str());
  int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr = UnixAddress(path);
  if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(lfd, 16) != 0) {
    std::fprintf(stderr, "sock-server: %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  ::chmod(path.c_str(), 0666);
  Log("sock-server: listening on %s for %.0f s", path.c_str(), lifetime_s);
  std::vector<pollfd> fds{{lfd, POLLIN, 0}};
  uint64_t received = 0;
  auto end = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(lifetime_s * 1000));
  char buf[65536];
  while (Clock::now() < end) {
    int left_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
    if (::poll(fds.data(), fds.size(), std::max(left_ms, 1)) <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (i == 0) {
        int c = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) fds.push_back({c, POLLIN, 0});
        continue;
      }
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative fds
      } else {
        received += static_cast<uint64_t>(n);
      }
    }
  }
  // The deploy: unlink first so a reconnecting writer waits for the next instance.
  ::unlink(path.c_str());
  Log("sock-server: shutting down after %.0f s (%llu bytes received)", lifetime_s,
      static_cast<unsigned long long>(received));
  return 0;
}

// sock-writer: connects to the server and streams lines forever. It deliberately has no SIGPIPE
// handling (the default action is restored in case a parent ignored it), so when the server goes
// away the next write kills it with SIGPIPE: exit status 141 (128 + 13) as a shell reports it.
int SockWriter(Flags& f) {
  std::string path = f.Str("path");
  double lines_per_s = f.Num("lines-per-s", 200);
  if (!f.CheckAllUsed() || path.empty()) return 2;
  ::signal(SIGPIPE, SIG_DFL);
  int fd = -1;
  for (int attempt = 0;; ++attempt) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr = UnixAddress(path);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) break;
    ::close(fd);
    if (attempt % 50 == 0) Log("sock-writer: waiting for %s", path.c_str());
    SleepMs(100);  // the server restarts within seconds; 100 ms keeps the retry cheap
  }
  Log("sock-writer: connected to %s", path.c_str());
  const int64_t gap_us = static_cast<int64_t>(1e6 / std::max(lines_per_s, 1.0));
  for (uint64_t i = 0;; ++i) {
    char line[128];
    int n = std::snprintf(line, sizeof line, "event %llu: user clicked checkout\n",
                          static_cast<unsigned long long>(i));
    if (::write(fd, line, static_cast<size_t>(n)) < 0) {
      // Only reached for errors other than EPIPE (SIGPIPE kills us first).
      Log("sock-writer: write: %s", std::strerror(errno));
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
  }
}

// ---- todo-app: HTTP over loopback TCP (ports picked by the kernel, published in files) + SQL.

struct HttpRequest {
  std::string method, path, body;
};

std::optional<HttpRequest> ReadHttpRequest(int fd) {
  std::string data;
  char buf[4096];
  size_t header_end = std::string::npos;
  // Requests here are tiny; 1 MiB bounds a confused client.
  while (header_end == std::string::npos && data.size() < (1u << 20)) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    data.append(buf, static_cast<size_t>(n));
    header_end = data.find("\r\n\r\n");
  }
  if (header_end == std::string::npos) return std::nullopt;
  HttpRequest req;
  auto first = fgm::SplitWhitespace(std::string_view(data).substr(0, data.find("\r\n")));
  if (first.size() < 2) return std::nullopt;
  req.method = std::string(first[0]);
  req.path = std::string(first[1]);
  size_t length = 0;
  std::string headers = data.substr(0, header_end);
  for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto pos = headers.find("content-length:"); pos != std::string::npos) {
    auto end = headers.find("\r\n", pos);
    auto v = fgm::ParseUint64(fgm::TrimWhitespace(std::string_view(headers).substr(
        pos + 15, end == std::string::npos ? end : end - pos - 15)));
    if (v) length = static_cast<size_t>(*v);
  }
  req.body = data.substr(header_end + 4);
  while (req.body.size() < length && req.body.size() < (1u << 20)) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    req.body.append(buf, static_cast<size_t>(n));
  }
  return req;
}

void WriteHttpResponse(int fd, int status, std::string_view type, std::string_view body) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
                     "\r\nContent-Type: " + std::string(type) +
                     "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\n\r\n";
  (void)fgm::WriteAll(fd, head + std::string(body));
}

// Without `listen`: binds 127.0.0.1 on a kernel-chosen port and publishes it in `port_file`
// (atomically), so two local runs never fight over a fixed port. With `listen` ("[HOST]:PORT",
// the Kubernetes manifests): binds all interfaces on that port.
int Listen(const std::string& port_file, const std::string& listen) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (!listen.empty()) {
    auto port = fgm::ParseUint64(std::string_view(listen).substr(listen.rfind(':') + 1));
    if (!port || *port == 0 || *port > 65535) {
      std::fprintf(stderr, "bad --listen '%s' (want [HOST]:PORT)\n", listen.c_str());
      return -1;
    }
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(static_cast<uint16_t>(*port));
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 64) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::fprintf(stderr, "listen: %s\n", std::strerror(errno));
    return -1;
  }
  int port = ntohs(addr.sin_port);
  if (!port_file.empty() && !fgm::WriteFileAtomically(port_file, std::to_string(port)).ok()) {
    std::fprintf(stderr, "cannot write %s\n", port_file.c_str());
    return -1;
  }
  Log("listening on port %d", port);
  return fd;
}

// Where a peer listens: a port file on 127.0.0.1 (local backend) or HOST:PORT (a Service name
// on Kubernetes).
struct Peer {
  std::string port_file;
  std::string address;
};

// Waits until the peer can be named: its port file exists, or its host name resolves (it may
// start later or restart).
sockaddr_in ResolvePeer(const Peer& peer) {
  for (int attempt = 0;; ++attempt) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    if (!peer.port_file.empty()) {
      auto text = fgm::ReadFileToString(peer.port_file, 64);
      if (text.ok()) {
        if (auto v = fgm::ParseUint64(fgm::TrimWhitespace(*text)); v && *v > 0 && *v < 65536) {
          addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
          addr.sin_port = htons(static_cast<uint16_t>(*v));
          return addr;
        }
      }
    } else {
      size_t colon = peer.address.rfind(':');
      std::string host = peer.address.substr(0, colon);
      auto port = fgm::ParseUint64(std::string_view(peer.address).substr(colon + 1));
      addrinfo hints{};
      hints.ai_family = AF_INET;
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* res = nullptr;
      if (colon != std::string::npos && port && *port < 65536 &&
          ::getaddrinfo(host.c_str(), nullptr, &hints, &res) == 0 && res != nullptr) {
        addr = *reinterpret_cast<sockaddr_in*>(res->ai_addr);
        addr.sin_port = htons(static_cast<uint16_t>(*port));
        ::freeaddrinfo(res);
        return addr;
      }
    }
    if (attempt % 50 == 0) {
      Log("waiting for %s", peer.port_file.empty() ? peer.address.c_str() : peer.port_file.c_str());
    }
    SleepMs(100);
  }
}

// One HTTP exchange with `addr`; the response body, or nullopt on any failure.
std::optional<std::string> HttpCall(sockaddr_in addr, std::string_view method,
                                    std::string_view path, std::string_view body) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return std::nullopt;
  }
  fgm::ScopedFd owned(fd);
  std::string req = std::string(method) + " " + std::string(path) +
                    " HTTP/1.1\r\nHost: todo\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n\r\n" + std::string(body);
  if (!fgm::WriteAll(fd, req).ok()) return std::nullopt;
  std::string resp;
  if (!fgm::ReadFdFully(fd, &resp, 4u << 20).ok()) return std::nullopt;
  if (!fgm::StartsWith(resp, "HTTP/1.1 200")) return std::nullopt;
  auto pos = resp.find("\r\n\r\n");
  return pos == std::string::npos ? std::string() : resp.substr(pos + 4);
}

// frontend: serves a small HTML page per request, rendered from the backend's JSON.
int Frontend(Flags& f) {
  std::string port_file = f.Str("port-file"), listen = f.Str("listen");
  Peer backend_peer{f.Str("backend-port-file"), f.Str("backend")};
  if (!f.CheckAllUsed() || (port_file.empty() && listen.empty()) ||
      (backend_peer.port_file.empty() && backend_peer.address.empty())) {
    return 2;
  }
  int lfd = Listen(port_file, listen);
  if (lfd < 0) return 1;
  uint64_t served = 0;
  for (;;) {
    int c = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    fgm::ScopedFd conn(c);
    auto req = ReadHttpRequest(c);
    if (!req) continue;
    auto json = HttpCall(ResolvePeer(backend_peer), req->method, "/api" + req->path, req->body);
    if (!json) {
      WriteHttpResponse(c, 502, "text/plain", "backend unavailable\n");
      continue;
    }
    // Rendering: escape the JSON into a page, the CPU work a real frontend does per request.
    std::string html = "<html><body><h1>todos</h1><pre>";
    for (char ch : *json) html += ch == '<' ? std::string("&lt;") : std::string(1, ch);
    html += "</pre></body></html>\n";
    WriteHttpResponse(c, 200, "text/html", html);
    if (++served % 500 == 0)
      Log("frontend: %llu requests", static_cast<unsigned long long>(served));
  }
}

std::string PgError(PGconn* conn) { return PQerrorMessage(conn); }

// Connects to PostgreSQL, retrying while it starts (initdb + startup take a second or two).
PGconn* ConnectPg(const std::string& conninfo) {
  for (int attempt = 0;; ++attempt) {
    PGconn* conn = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn) == CONNECTION_OK) return conn;
    if (attempt % 20 == 0) Log("backend: waiting for postgres: %s", PgError(conn).c_str());
    PQfinish(conn);
    SleepMs(250);
  }
}

bool Exec(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) Log("backend: %s: %s", sql, PQresultErrorMessage(r));
  PQclear(r);
  return ok;
}

// backend: the todo API (GET /api/todos lists, POST /api/todos inserts) on PostgreSQL via libpq.
int Backend(Flags& f) {
  std::string port_file = f.Str("port-file"), listen = f.Str("listen"), conninfo = f.Str("pg");
  if (!f.CheckAllUsed() || (port_file.empty() && listen.empty()) || conninfo.empty()) return 2;
  PGconn* conn = ConnectPg(conninfo);
  if (!Exec(conn,
            "CREATE TABLE IF NOT EXISTS todos (id bigserial PRIMARY KEY, title text NOT "
            "NULL, done boolean NOT NULL DEFAULT false, created timestamptz DEFAULT now())")) {
    return 1;
  }
  int lfd = Listen(port_file, listen);
  if (lfd < 0) return 1;
  // A response cache that only grows for a while: the backend's memory moves, as real ones do.
  std::vector<std::string> recent;
  uint64_t queries = 0;
  for (;;) {
    int c = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    fgm::ScopedFd conn_fd(c);
    auto req = ReadHttpRequest(c);
    if (!req) continue;
    if (PQstatus(conn) != CONNECTION_OK) PQreset(conn);
    if (req->method == "POST") {
      const char* params[1] = {req->body.c_str()};
      PGresult* r = PQexecParams(conn, "INSERT INTO todos (title) VALUES ($1) RETURNING id", 1,
                                 nullptr, params, nullptr, nullptr, 0);
      bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
      std::string id = ok ? PQgetvalue(r, 0, 0) : "";
      PQclear(r);
      ++queries;
      if (!ok) {
        WriteHttpResponse(c, 500, "text/plain", PgError(conn));
        continue;
      }
      WriteHttpResponse(c, 200, "application/json", "{\"id\":" + id + "}");
    } else {
      PGresult* r = PQexec(conn, "SELECT id, title, done FROM todos ORDER BY id DESC LIMIT 20");
      ++queries;
      if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        WriteHttpResponse(c, 500, "text/plain", PgError(conn));
        continue;
      }
      std::string json = "[";
      for (int i = 0; i < PQntuples(r); ++i) {
        json += std::string(i ? "," : "") + "{\"id\":" + PQgetvalue(r, i, 0) + ",\"title\":\"" +
                PQgetvalue(r, i, 1) +
                "\",\"done\":" + (PQgetvalue(r, i, 2)[0] == 't' ? "true" : "false") + "}";
      }
      json += "]";
      PQclear(r);
      // Up to 20k responses (a few tens of MiB) kept, then the cache starts over.
      if (recent.size() >= 20000) recent.clear();
      recent.push_back(json);
      WriteHttpResponse(c, 200, "application/json", json);
    }
    if (queries % 500 == 0) {
      Exec(conn, "UPDATE todos SET done = true WHERE id % 7 = 0 AND NOT done");
      Log("backend: %llu queries", static_cast<unsigned long long>(queries));
    }
  }
}

// loadgen: --rps requests a second against the frontend, one POST for every four GETs.
int LoadGen(Flags& f) {
  Peer frontend{f.Str("frontend-port-file"), f.Str("frontend")};
  double rps = f.Num("rps", 50);
  if (!f.CheckAllUsed() || (frontend.port_file.empty() && frontend.address.empty()) || rps <= 0) {
    return 2;
  }
  const auto gap = std::chrono::microseconds(static_cast<int64_t>(1e6 / rps));
  uint64_t ok = 0, failed = 0;
  auto next = Clock::now();
  auto last_report = Clock::now();
  for (uint64_t i = 0;; ++i) {
    sockaddr_in port = ResolvePeer(frontend);
    auto r = i % 5 == 0 ? HttpCall(port, "POST", "/todos", "buy milk #" + std::to_string(i))
                        : HttpCall(port, "GET", "/todos", "");
    (r ? ok : failed)++;
    if (Clock::now() - last_report > std::chrono::seconds(10)) {
      Log("loadgen: %llu ok, %llu failed", static_cast<unsigned long long>(ok),
          static_cast<unsigned long long>(failed));
      last_report = Clock::now();
    }
    next += gap;
    std::this_thread::sleep_until(next);
    if (Clock::now() - next > std::chrono::seconds(1)) next = Clock::now();  // no catch-up burst
  }
}

// The newest Debian PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin).
std::optional<std::string> FindPostgresBin() {
  std::error_code ec;
  int best = -1;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    auto major = fgm::ParseUint64(e.path().filename().string());
    if (major && std::filesystem::exists(e.path() / "bin" / "postgres") &&
        static_cast<int>(*major) > best) {
      best = static_cast<int>(*major);
    }
  }
  if (best < 0) return std::nullopt;
  return "/usr/lib/postgresql/" + std::to_string(best) + "/bin";
}

// postgres: initdb into --data when empty, then exec the real server listening only on a unix
// socket in --socket-dir (no TCP port at all). Runs as the postgres user (the scenario says so).
int Postgres(Flags& f) {
  std::string data = f.Str("data"), socket_dir = f.Str("socket-dir");
  if (!f.CheckAllUsed() || data.empty() || socket_dir.empty()) return 2;
  auto bin = FindPostgresBin();
  if (!bin) {
    std::fprintf(stderr,
                 "postgres: no /usr/lib/postgresql/*/bin/postgres (apt install postgresql)\n");
    return 1;
  }
  if (!std::filesystem::exists(data + "/PG_VERSION")) {
    Log("postgres: initdb %s", data.c_str());
    pid_t pid = ::fork();
    if (pid == 0) {
      std::string initdb = *bin + "/initdb";
      ::execl(initdb.c_str(), "initdb", "-D", data.c_str(), "-A", "trust", "-U", "postgres",
              "--no-sync", static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "postgres: initdb failed\n");
      return 1;
    }
  }
  std::string server = *bin + "/postgres";
  std::string sockets = "unix_socket_directories=" + socket_dir;
  Log("postgres: exec %s -D %s", server.c_str(), data.c_str());
  // Small buffers: the scenario's memory limit is modest; listen_addresses='' means no TCP.
  ::execl(server.c_str(), "postgres", "-D", data.c_str(), "-c", sockets.c_str(), "-c",
          "listen_addresses=", "-c", "shared_buffers=16MB", "-c", "max_connections=20",
          static_cast<char*>(nullptr));
  std::fprintf(stderr, "postgres: exec %s: %s\n", server.c_str(), std::strerror(errno));
  return 127;
}

struct Mode {
  const char* name;
  int (*run)(Flags&);
  const char* help;
};

constexpr Mode kModes[] = {
    {"leak", Leak, "--mib-per-s N: grow until OOM-killed"},
    {"alloc", Alloc, "--chunk-mib N --interval-ms N: allocate fast (OOM within seconds)"},
    {"crash", Crash, "--min-s A --max-s B --exit-code C: run A..B s, then exit C"},
    {"burn", Burn, "--threads N: busy loops"},
    {"spikes", Spikes, "--period-s P --burst-s B --threads N: CPU bursts every P s"},
    {"sock-server", SockServer, "--path P --lifetime-s N: unix socket server, exits after N s"},
    {"sock-writer", SockWriter, "--path P --lines-per-s N: writes until SIGPIPE kills it"},
    {"frontend", Frontend,
     "--port-file F|--listen :P --backend-port-file B|--backend H:P: HTML in front of the API"},
    {"backend", Backend, "--port-file F|--listen :P --pg CONNINFO: todo API on PostgreSQL"},
    {"loadgen", LoadGen, "--frontend-port-file F|--frontend H:P --rps N: HTTP load"},
    {"postgres", Postgres, "--data DIR --socket-dir DIR: initdb if needed, exec postgres"},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: fgm-workload MODE [--flag value ...]\nmodes:\n");
    for (const auto& m : kModes) std::fprintf(stderr, "  %-12s %s\n", m.name, m.help);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& m : kModes) {
    if (std::string_view(argv[1]) != m.name) continue;
    auto flags = Flags::Parse(argc, argv, 2);
    if (!flags) return 2;
    return m.run(*flags);
  }
  std::fprintf(stderr, "fgm-workload: unknown mode '%s' (--help lists them)\n", argv[1]);
  return 2;
}

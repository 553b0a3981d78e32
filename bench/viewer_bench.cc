// SPDX-License-Identifier: Apache-2.0
// viewer_bench: times the viewer engine on a dataset the way the UI uses it: index cold start,
// then /api/timeseries for one metric x all containers over the last 1 h and 24 h at 2,000 points,
// cold (fresh engine: footers, index and column chunks read and decoded), warm (same engine, the
// same request again: answered by the response cache) and warm computation (same engine, chunks
// cached, response cache cleared: rates, buckets and JSON redone), through HandleApiRequest so
// JSON rendering is included. Prints one JSON object
// (medians over --runs) for bench/viewer_bench.sh to put next to the DuckDB baseline.
//   viewer_bench --data DIR [--runs 7] [--metric cpu_usage_millicores]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine/api.h"
#include "engine/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// CPU time of this thread: on a shared, loaded machine wall time mostly measures the wait for a
// core, so both are reported.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// --profile RANGE: only the warm query of RANGE, --runs times, for `perf record`; prints the
// median CPU time. --dump FILE also writes the answer's bytes (to compare two builds with cmp).
int Profile(const std::string& data, const std::string& metric, const std::string& range, int runs,
            const std::string& dump) {
  fgm::engine::Engine e({.roots = {data}});
  e.Refresh();
  fgm::engine::QueryParams params = {{"metric", metric}, {"range", range}, {"max_points", "2000"}};
  std::vector<double> cpu;
  size_t bytes = 0;
  for (int r = 0; r <= runs; ++r) {
    e.response_cache().Clear();  // profile the computation, not the cache
    double c0 = CpuMs();
    std::string body = fgm::engine::HandleApiRequest(e, "/api/timeseries", params).body;
    if (r > 0) cpu.push_back(CpuMs() - c0);  // the first run is cold
    bytes = body.size();
    if (r == 0 && !dump.empty()) {
      FILE* f = std::fopen(dump.c_str(), "wb");
      if (!f || std::fwrite(body.data(), 1, body.size(), f) != body.size()) return 1;
      std::fclose(f);
    }
  }
  std::printf("{\"range\":\"%s\",\"bytes\":%zu,\"warm_cpu_ms\":%.2f}\n", range.c_str(), bytes,
              Median(cpu));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, metric = "cpu_usage_millicores", profile_range, dump;
  int runs = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--metric")) metric = argv[i + 1];
    if (!std::strcmp(argv[i], "--profile")) profile_range = argv[i + 1];
    if (!std::strcmp(argv[i], "--dump")) dump = argv[i + 1];
  }
  if (!profile_range.empty()) return Profile(data, metric, profile_range, runs, dump);
  if (data.empty()) {
    std::fprintf(stderr, "usage: viewer_bench --data DIR [--runs N] [--metric NAME]\n");
    return 2;
  }
  using fgm::engine::Engine;
  std::vector<double> index_ms, index_cpu;
  size_t files = 0, containers = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    double c0 = CpuMs();
    Engine e({.roots = {data}});
    e.Refresh();
    index_ms.push_back(Ms(t0, Clock::now()));
    index_cpu.push_back(CpuMs() - c0);
    files = e.index().files().size();
    containers = e.index().containers().size();
  }
  std::printf(
      "{\"data\":\"%s\",\"files\":%zu,\"containers\":%zu,\"runs\":%d,\"metric\":\"%s\","
      "\"index_cold_ms\":%.2f,\"index_cold_cpu_ms\":%.2f",
      data.c_str(), files, containers, runs, metric.c_str(), Median(index_ms), Median(index_cpu));
  for (const char* range : {"1h", "24h"}) {
    fgm::engine::QueryParams params = {
        {"metric", metric}, {"range", range}, {"max_points", "2000"}};
    std::vector<double> cold, warm, cold_cpu, warm_cpu, compute, compute_cpu;
    size_t bytes = 0, series = 0;
    for (int r = 0; r < runs; ++r) {
      Engine e({.roots = {data}});
      e.Refresh();
      auto t0 = Clock::now();
      double c0 = CpuMs();
      auto resp = fgm::engine::HandleApiRequest(e, "/api/timeseries", params);
      cold.push_back(Ms(t0, Clock::now()));
      cold_cpu.push_back(CpuMs() - c0);
      if (resp.status != 200) {
        std::fprintf(stderr, "viewer_bench: %d %s\n", resp.status, resp.body.c_str());
        return 1;
      }
      bytes = resp.body.size();
      series = 0;
      for (size_t p = resp.body.find("\"container\":"); p != std::string::npos;
           p = resp.body.find("\"container\":", p + 1)) {
        ++series;
      }
      if (r == 0) {
        // Warm, answered by the response cache (the same request again: a reload, a re-render).
        for (int w = 0; w < runs; ++w) {
          auto t1 = Clock::now();
          double c1 = CpuMs();
          auto again = fgm::engine::HandleApiRequest(e, "/api/timeseries", params);
          warm.push_back(Ms(t1, Clock::now()));
          warm_cpu.push_back(CpuMs() - c1);
          if (again.body != resp.body) {
            std::fprintf(stderr, "viewer_bench: warm answer differs from cold\n");
            return 1;
          }
        }
        // Warm computation: chunks decoded and cached, response cache cleared before each run,
        // so rates, buckets and JSON are all redone (a request never seen before).
        for (int w = 0; w < runs; ++w) {
          e.response_cache().Clear();
          auto t1 = Clock::now();
          double c1 = CpuMs();
          auto again = fgm::engine::HandleApiRequest(e, "/api/timeseries", params);
          compute.push_back(Ms(t1, Clock::now()));
          compute_cpu.push_back(CpuMs() - c1);
          if (again.body != resp.body) {
            std::fprintf(stderr, "viewer_bench: recomputed answer differs from cold\n");
            return 1;
          }
        }
      }
    }
    std::printf(
        ",\"ts_%s_cold_ms\":%.2f,\"ts_%s_warm_ms\":%.2f,\"ts_%s_cold_cpu_ms\":%.2f,"
        "\"ts_%s_warm_cpu_ms\":%.2f,\"ts_%s_compute_ms\":%.2f,\"ts_%s_compute_cpu_ms\":%.2f,"
        "\"ts_%s_series\":%zu,\"ts_%s_bytes\":%zu",
        range, Median(cold), range, Median(warm), range, Median(cold_cpu), range, Median(warm_cpu),
        range, Median(compute), range, Median(compute_cpu), range, series, range, bytes);
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(",\"peak_rss_mib\":%.1f}\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}

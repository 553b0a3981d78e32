// SPDX-License-Identifier: Apache-2.0
// viewer_bench: times the viewer engine on a dataset the way the UI uses it: index cold start,
// then /api/timeseries for one metric x all containers over the last 1 h and 24 h at 2,000 points,
// cold (fresh engine: footers, index and column chunks read and decoded), warm (same engine, the
// same request again: answered by the response cache) and warm computation (same engine, chunks
// cached, response cache cleared: rates, buckets and JSON redone), through HandleApiRequest so
// JSON rendering is included. Prints one JSON object
// (medians over --runs) for bench/viewer_bench.sh to put next to the DuckDB baseline.
//   viewer_bench --data DIR [--runs 7] [--metric cpu_usage_millicores] [--threads N (engine default
//   2)]
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
#include "engine/json_writer.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// CPU time of the process, all threads (the engine's workers included): on a shared, loaded
// machine wall time mostly measures the wait for a core, so both are reported.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Page faults of the process so far: fresh memory costs ~2 us per 4 KiB page on this VM, so a
// request that touches new pages instead of reused ones shows here first.
double MinorFaults() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_minflt);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The phases of one warm computed answer, on one thread (--threads 1 engine): planning
// (PlanSeries: pruning, cached chunk lookups), rates + buckets (SeriesPlan::Compute of every
// series) and JSON (the same arrays written with JsonWriter). Wall ms of one run each.
struct Phases {
  double plan_ms = 0, compute_ms = 0, json_ms = 0;
};
Phases TimePhases(fgm::engine::Engine& e, const std::string& metric, const std::string& range) {
  using namespace fgm::engine;
  const DatasetIndex& index = e.index();
  int64_t end = index.max_time_ms().value_or(0) + 1;
  SeriesQuery q{.metric = metric,
                .from_ms = range == "1h" ? end - 3600000 : end - 86400000,
                .to_ms = end,
                .max_points = 2000};
  for (const auto& [id, c] : index.containers()) {
    if (c.last_seen_ms >= q.from_ms && c.first_seen_ms < q.to_ms) q.containers.push_back(id);
  }
  Phases p;
  auto t0 = Clock::now();
  auto plan = e.PlanSeries(q);
  auto t1 = Clock::now();
  if (!plan.ok()) return p;
  std::vector<Series> series(plan->size());
  for (size_t i = 0; i < plan->size(); ++i) plan->Compute(i, &series[i]);
  auto t2 = Clock::now();
  JsonWriter w;
  w.Reserve(static_cast<size_t>(plan->max_entries()) * 48);
  w.BeginArray();
  for (const Series& s : series) WriteSeriesJson(w, s);
  w.EndArray();
  auto t3 = Clock::now();
  return {Ms(t0, t1), Ms(t1, t2), Ms(t2, t3)};
}

// --profile RANGE: only the warm computed query of RANGE (response cache cleared), --runs times,
// for `perf record`; prints median wall and CPU ms with the engine's threads (--threads, default
// the engine's), and the median phase split on one thread. --dump FILE also writes the answer's
// bytes (to compare two builds with cmp).
int Profile(const std::string& data, const std::string& metric, const std::string& range, int runs,
            const std::string& dump, int threads) {
  fgm::engine::EngineOptions options{.roots = {data}};
  if (threads > 0) options.query_threads = threads;
  fgm::engine::Engine e(options);
  e.Refresh();
  fgm::engine::QueryParams params = {{"metric", metric}, {"range", range}, {"max_points", "2000"}};
  std::vector<double> wall, cpu, faults;
  size_t bytes = 0;
  for (int r = 0; r <= runs; ++r) {
    e.response_cache().Clear();  // profile the computation, not the cache
    auto t0 = Clock::now();
    double c0 = CpuMs();
    double f0 = MinorFaults();
    std::string body = fgm::engine::HandleApiRequest(e, "/api/timeseries", params).body;
    if (r > 0) {  // the first run is cold
      wall.push_back(Ms(t0, Clock::now()));
      cpu.push_back(CpuMs() - c0);
      faults.push_back(MinorFaults() - f0);
    }
    bytes = body.size();
    if (r == 0 && !dump.empty()) {
      FILE* f = std::fopen(dump.c_str(), "wb");
      if (!f || std::fwrite(body.data(), 1, body.size(), f) != body.size()) return 1;
      std::fclose(f);
    }
  }
  fgm::engine::Engine one({.roots = {data}, .query_threads = 1});
  one.Refresh();
  std::vector<double> plan, compute, json;
  for (int r = 0; r <= runs; ++r) {
    Phases p = TimePhases(one, metric, range);
    if (r == 0) continue;  // cold
    plan.push_back(p.plan_ms);
    compute.push_back(p.compute_ms);
    json.push_back(p.json_ms);
  }
  std::printf(
      "{\"range\":\"%s\",\"bytes\":%zu,\"threads\":%d,\"warm_ms\":%.2f,\"warm_cpu_ms\":%.2f,"
      "\"one_thread_plan_ms\":%.2f,\"one_thread_compute_ms\":%.2f,\"one_thread_json_ms\":%.2f,"
      "\"series_on_workers\":%llu,\"page_faults\":%.0f}\n",
      range.c_str(), bytes, e.workers().slots(), Median(wall), Median(cpu), Median(plan),
      Median(compute), Median(json), static_cast<unsigned long long>(e.stats().series_on_workers),
      Median(faults));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, metric = "cpu_usage_millicores", profile_range, dump;
  int runs = 7, threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--metric")) metric = argv[i + 1];
    if (!std::strcmp(argv[i], "--profile")) profile_range = argv[i + 1];
    if (!std::strcmp(argv[i], "--dump")) dump = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
  }
  if (!profile_range.empty()) return Profile(data, metric, profile_range, runs, dump, threads);
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
    Engine e({.roots = {data}, .query_threads = threads > 0 ? threads : 2});
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
    std::vector<double> cold, warm, cold_cpu, warm_cpu, compute, compute_cpu, cold_faults;
    size_t bytes = 0, series = 0;
    for (int r = 0; r < runs; ++r) {
      Engine e({.roots = {data}, .query_threads = threads > 0 ? threads : 2});
      e.Refresh();
      auto t0 = Clock::now();
      double c0 = CpuMs();
      double f0 = MinorFaults();
      auto resp = fgm::engine::HandleApiRequest(e, "/api/timeseries", params);
      cold.push_back(Ms(t0, Clock::now()));
      cold_cpu.push_back(CpuMs() - c0);
      cold_faults.push_back(MinorFaults() - f0);
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
        "\"ts_%s_series\":%zu,\"ts_%s_bytes\":%zu,\"ts_%s_cold_page_faults\":%.0f",
        range, Median(cold), range, Median(warm), range, Median(cold_cpu), range, Median(warm_cpu),
        range, Median(compute), range, Median(compute_cpu), range, series, range, bytes, range,
        Median(cold_faults));
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(",\"peak_rss_mib\":%.1f}\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}

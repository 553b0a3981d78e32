// SPDX-License-Identifier: Apache-2.0
#include "synth/bench_data.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include "core/testing/fake_clock.h"
#include "store/catalog.h"
#include "store/dataset_writer.h"

namespace fgm::synth {
namespace {

using store::Col;

enum class Behavior { kIdle, kBusy, kPeriodic, kLeak, kThrottled, kCrashLoop };

constexpr uint64_t kMiB = 1024 * 1024;
constexpr int64_t kPeriodUs = 100'000;  // CFS period

struct Sim {
  // Identity.
  std::string ns, pod, name, id, pod_uid, qos;
  Behavior behavior = Behavior::kIdle;
  double cpu_limit_m = 0;  // 0: unlimited
  uint64_t mem_limit = 0;  // 0: unlimited
  int period_s = 60;       // kPeriodic
  int phase_s = 0;
  double base_m = 10;
  uint64_t base_mem = 32 * kMiB;
  // Lifecycle.
  bool alive = true;
  int64_t down_until_s = -1;  // restart time while down
  int restarts = 0;
  int64_t started_s = 0;
  int64_t dies_at_s = -1;  // crash loop: planned exit
  uint64_t inode = 0;
  // Cumulative counters since the cgroup was created.
  int64_t usage_us = 0, user_us = 0, system_us = 0, periods = 0, throttled = 0, throttled_us = 0;
  int64_t rbytes = 0, wbytes = 0, rios = 0, wios = 0, pgfault = 0, pgmajfault = 0, oom_kills = 0;
  int64_t psi_cpu_some = 0, psi_mem_some = 0, psi_mem_full = 0, psi_io_some = 0, psi_io_full = 0;
  uint64_t anon = 0, file = 0, peak = 0;
  bool first_tick = true;
};

std::string Hex(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back("0123456789abcdef"[rng() & 15]);
  return s;
}

std::string Uuid(std::mt19937_64& rng) {
  std::string h = Hex(rng, 32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

class Generator {
 public:
  Generator(const BenchDataOptions& o, int containers, double churn)
      : o_(o), rng_(o.seed), churn_(churn) {
    static constexpr Behavior kMix[] = {Behavior::kIdle, Behavior::kBusy,      Behavior::kPeriodic,
                                        Behavior::kIdle, Behavior::kBusy,      Behavior::kPeriodic,
                                        Behavior::kLeak, Behavior::kThrottled, Behavior::kCrashLoop,
                                        Behavior::kIdle};
    static constexpr const char* kNamespaces[] = {"default", "payments", "monitoring", "web"};
    static constexpr int kPeriods[] = {15, 60, 300};
    std::string pod_uid, pod;
    for (int i = 0; i < containers; ++i) {
      Sim s;
      if (i % 3 == 0) {  // ~3 containers per pod
        pod_uid = Uuid(rng_);
        pod = std::string(i % 2 ? "api-" : "worker-") + Hex(rng_, 5);
      }
      s.pod = pod;
      s.pod_uid = pod_uid;
      s.ns = kNamespaces[(i / 3) % 4];
      s.behavior = kMix[i % std::size(kMix)];
      s.id = Hex(rng_, 64);
      s.inode = 1000 + rng_() % 100000;
      s.period_s = kPeriods[(i / 2) % 3];
      s.phase_s = static_cast<int>(rng_() % s.period_s);
      switch (s.behavior) {
        case Behavior::kIdle:
          s.name = "sidecar-" + std::to_string(i);
          s.base_m = 2 + (rng_() % 8);
          s.base_mem = (12 + rng_() % 40) * kMiB;
          s.qos = "besteffort";
          break;
        case Behavior::kBusy:
          s.name = "server-" + std::to_string(i);
          s.base_m = 150 + (rng_() % 600);
          s.base_mem = (120 + rng_() % 400) * kMiB;
          s.cpu_limit_m = 2000;
          s.mem_limit = 1024 * kMiB;
          s.qos = "burstable";
          break;
        case Behavior::kPeriodic:
          s.name = "cron-" + std::to_string(s.period_s) + "s-" + std::to_string(i);
          s.base_m = 15;
          s.base_mem = 64 * kMiB;
          s.cpu_limit_m = 1000;
          s.mem_limit = 512 * kMiB;
          s.qos = "burstable";
          break;
        case Behavior::kLeak:
          s.name = "leaky-" + std::to_string(i);
          s.base_m = 60;
          s.base_mem = 40 * kMiB;
          s.mem_limit = 256 * kMiB;
          s.cpu_limit_m = 500;
          s.qos = "guaranteed";
          break;
        case Behavior::kThrottled:
          s.name = "throttled-" + std::to_string(i);
          s.base_m = 700;
          s.base_mem = 200 * kMiB;
          s.cpu_limit_m = 250;
          s.mem_limit = 512 * kMiB;
          s.qos = "guaranteed";
          break;
        case Behavior::kCrashLoop:
          s.name = "crashy-" + std::to_string(i);
          s.base_m = 120;
          s.base_mem = 48 * kMiB;
          s.cpu_limit_m = 500;
          s.mem_limit = 256 * kMiB;
          s.qos = "burstable";
          break;
      }
      s.anon = s.base_mem;
      s.file = s.base_mem / 4;
      sims_.push_back(std::move(s));
    }
  }

  // Emits the rows of one tick at second `t` (since start) into `w`.
  void Tick(int64_t t, TimestampNs now_ns, store::DatasetWriter* w, BenchDataSummary* sum) {
    for (Sim& s : sims_) {
      if (!s.alive) {
        if (t >= s.down_until_s) Restart(s, t, now_ns, w, sum);
        if (!s.alive) continue;
      }
      if (t == 0 || s.first_tick) {
        if (t == 0) s.started_s = 0;
        Event(s, now_ns, "started", std::nullopt, "", w, sum);
      }
      StepAndEmit(s, t, now_ns, w, sum);
      // Churn: an idle sidecar occasionally gets redeployed (new cgroup, new id).
      if (s.behavior == Behavior::kIdle && Uniform() < churn_ / 3600.0) {
        Event(s, now_ns, "stopped", 0, "Completed", w, sum);
        s.alive = false;
        s.down_until_s = t + 5;
        s.id = Hex(rng_, 64);
      }
    }
    // The monitor's own row: a few millicores and ~20 MiB.
    store::Row r;
    r.SetTime(now_ns);
    r.SetString(Col("kind"), "monitor");
    r.SetString(Col("node_name"), o_.node_name);
    r.SetString(Col("container_name"), "fgm-monitor");
    monitor_cpu_us_ += 3000 + static_cast<int64_t>(Uniform() * 2000);
    r.SetInt(Col("cpu_usage_usec"), monitor_cpu_us_);
    r.SetDouble(Col("cpu_usage_millicores"), 4.0);
    r.SetInt(Col("memory_rss_bytes"), 21 * kMiB);
    r.SetInt(Col("monitor_containers"), static_cast<int64_t>(sims_.size()));
    w->Append(r);
    ++sum->rows;
  }

  int containers() const { return static_cast<int>(sims_.size()); }

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  double Normal(double mean, double sd) { return std::normal_distribution<double>(mean, sd)(rng_); }

  void Labels(const Sim& s, store::Row* r) {
    r->SetString(Col("node_name"), o_.node_name);
    r->SetString(Col("cluster_name"), "bench");
    r->SetString(Col("namespace"), s.ns);
    r->SetString(Col("pod_name"), s.pod);
    r->SetString(Col("pod_uid"), s.pod_uid);
    r->SetString(Col("container_name"), s.name);
    r->SetString(Col("container_id"), s.id);
    r->SetString(Col("qos_class"), s.qos);
    r->SetString(Col("runtime"), "containerd");
    r->SetString(Col("pod_labels"), "{\"app\":\"" + s.pod.substr(0, s.pod.find('-')) + "\"}");
    r->SetString(Col("cgroup_path"), "kubepods.slice/kubepods-" + s.qos + ".slice/kubepods-" +
                                         s.qos + "-pod" + s.pod_uid + ".slice/cri-containerd-" +
                                         s.id + ".scope");
    r->SetInt(Col("cgroup_inode"), static_cast<int64_t>(s.inode));
  }

  void Event(const Sim& s, TimestampNs now_ns, const char* type, std::optional<int> exit_code,
             const char* reason, store::DatasetWriter* w, BenchDataSummary* sum) {
    store::Row r;
    r.SetTime(now_ns);
    Labels(s, &r);
    r.SetString(Col("kind"), "event");
    r.SetString(Col("event_type"), type);
    if (exit_code) r.SetInt(Col("event_exit_code"), *exit_code);
    if (*reason) r.SetString(Col("event_reason"), reason);
    w->Append(r);
    ++sum->rows;
    ++sum->events;
  }

  void Restart(Sim& s, int64_t t, TimestampNs now_ns, store::DatasetWriter* w,
               BenchDataSummary* sum) {
    s.alive = true;
    ++s.restarts;
    s.inode = 1000 + rng_() % 100000;
    s.usage_us = s.user_us = s.system_us = s.periods = s.throttled = s.throttled_us = 0;
    s.rbytes = s.wbytes = s.rios = s.wios = s.pgfault = s.pgmajfault = s.oom_kills = 0;
    s.psi_cpu_some = s.psi_mem_some = s.psi_mem_full = s.psi_io_some = s.psi_io_full = 0;
    s.anon = s.base_mem;
    s.file = s.base_mem / 4;
    s.peak = 0;
    s.first_tick = true;
    s.started_s = t;
    if (s.behavior == Behavior::kCrashLoop) s.dies_at_s = t + 5 + static_cast<int64_t>(rng_() % 11);
    Event(s, now_ns, "restart", std::nullopt, "", w, sum);
  }

  void StepAndEmit(Sim& s, int64_t t, TimestampNs now_ns, store::DatasetWriter* w,
                   BenchDataSummary* sum) {
    // CPU demand in millicores.
    double demand = s.base_m;
    switch (s.behavior) {
      case Behavior::kIdle:
        demand = std::max(0.5, Normal(s.base_m, s.base_m * 0.3));
        break;
      case Behavior::kBusy: {
        double diurnal = 1 + 0.5 * std::sin(2 * M_PI * (t % 86400) / 86400.0);
        demand = std::max(5.0, Normal(s.base_m * diurnal, s.base_m * 0.15));
        break;
      }
      case Behavior::kPeriodic: {
        bool spike = (t + s.phase_s) % s.period_s < std::max(2, s.period_s / 10);
        demand = std::max(1.0, Normal(spike ? 850 : s.base_m, spike ? 60 : 4));
        break;
      }
      case Behavior::kLeak:
        demand = std::max(5.0, Normal(s.base_m, 10));
        break;
      case Behavior::kThrottled:
        demand = std::max(50.0, Normal(s.base_m, 80));
        break;
      case Behavior::kCrashLoop:
        demand = std::max(5.0, Normal(s.base_m, 30));
        break;
    }
    double used = s.cpu_limit_m > 0 ? std::min(demand, s.cpu_limit_m * Normal(0.98, 0.01)) : demand;
    used = std::max(0.0, used);
    int64_t du = static_cast<int64_t>(used * 1000);  // µs of CPU in 1 s
    int64_t duser = du * 8 / 10;
    s.usage_us += du;
    s.user_us += duser;
    s.system_us += du - duser;
    int64_t dthr = 0, dthr_us = 0;
    if (s.cpu_limit_m > 0) {
      s.periods += 10;
      double over = demand > s.cpu_limit_m ? (demand - s.cpu_limit_m) / demand : 0;
      dthr = std::min<int64_t>(10, static_cast<int64_t>(std::round(over * 12)));
      dthr_us = static_cast<int64_t>(over * 1e6 * 0.9);
      s.throttled += dthr;
      s.throttled_us += dthr_us;
    }
    // Memory.
    if (s.behavior == Behavior::kLeak) {
      s.anon += 384 * 1024 + (rng_() % 64) * 1024;  // ~390 KiB/s: OOM after ~9 min
    } else if (s.behavior == Behavior::kBusy) {
      // GC sawtooth: grows, then drops back every ~2 min.
      s.anon = (t % 120 == 0) ? s.base_mem : s.anon + 256 * 1024;
    }
    if (Uniform() < 0.05) s.file = std::min<uint64_t>(s.file + 4 * kMiB, s.base_mem);
    uint64_t current = s.anon + s.file;
    // Page faults follow activity: a busy service faults every second, an idle sidecar rarely.
    bool active = s.behavior == Behavior::kBusy || s.behavior == Behavior::kThrottled ||
                  s.behavior == Behavior::kLeak || demand > 200;
    if (active) {
      s.pgfault += 50 + static_cast<int64_t>(rng_() % 200);
    } else if (Uniform() < 0.05) {
      s.pgfault += 1 + static_cast<int64_t>(rng_() % 20);
    }
    if (Uniform() < 0.002) s.pgmajfault += 1;
    // I/O.
    int64_t drb = 0, dwb = 0;
    if (s.behavior == Behavior::kBusy || Uniform() < (active ? 0.1 : 0.02)) {
      dwb = static_cast<int64_t>(std::max(0.0, Normal(48 * 1024, 16 * 1024))) & ~4095LL;
      drb = (Uniform() < 0.2) ? static_cast<int64_t>(rng_() % (1 << 20)) & ~4095LL : 0;
    }
    s.rbytes += drb;
    s.wbytes += dwb;
    s.rios += drb / 4096;
    s.wios += dwb / 16384;
    // Pressure.
    // CPU stalls come from throttling, and now and then from contention on the node.
    int64_t dpsi_cpu = dthr > 0                      ? static_cast<int64_t>(dthr_us * 0.6)
                       : (active && Uniform() < 0.2) ? static_cast<int64_t>(Uniform() * 2000)
                                                     : 0;
    bool mem_tight = s.mem_limit && current > s.mem_limit * 9 / 10;
    int64_t dpsi_mem_some = mem_tight ? static_cast<int64_t>(Normal(150000, 30000)) : 0;
    int64_t dpsi_mem_full = dpsi_mem_some / 3;
    int64_t dpsi_io = dwb > 0 ? static_cast<int64_t>(Uniform() * 3000) : 0;
    s.psi_cpu_some += std::max<int64_t>(0, dpsi_cpu);
    s.psi_mem_some += std::max<int64_t>(0, dpsi_mem_some);
    s.psi_mem_full += std::max<int64_t>(0, dpsi_mem_full);
    s.psi_io_some += dpsi_io;
    s.psi_io_full += dpsi_io / 4;

    bool oom = s.mem_limit && current >= s.mem_limit;
    if (oom) {
      current = s.mem_limit;
      ++s.oom_kills;
    }
    s.peak = std::max(s.peak, current);

    store::Row r;
    r.SetTime(now_ns);
    Labels(s, &r);
    r.SetString(Col("kind"), "container");
    r.SetInt(Col("read_latency_us"), 40 + static_cast<int64_t>(rng_() % 40));
    r.SetInt(Col("cpu_usage_usec"), s.usage_us);
    r.SetInt(Col("cpu_user_usec"), s.user_us);
    r.SetInt(Col("cpu_system_usec"), s.system_us);
    if (s.cpu_limit_m > 0) {
      r.SetInt(Col("cpu_nr_periods"), s.periods);
      r.SetInt(Col("cpu_nr_throttled"), s.throttled);
      r.SetInt(Col("cpu_throttled_usec"), s.throttled_us);
      r.SetInt(Col("cpu_quota_usec"), static_cast<int64_t>(s.cpu_limit_m * kPeriodUs / 1000));
      r.SetInt(Col("cpu_period_usec"), kPeriodUs);
      r.SetDouble(Col("cpu_limit_millicores"), s.cpu_limit_m);
    } else {
      r.SetInt(Col("cpu_period_usec"), kPeriodUs);
    }
    uint64_t inactive_file = s.file / 2;
    r.SetInt(Col("memory_usage_bytes"), static_cast<int64_t>(current));
    r.SetInt(Col("memory_working_set_bytes"), static_cast<int64_t>(current - inactive_file));
    r.SetInt(Col("memory_peak_bytes"), static_cast<int64_t>(s.peak));
    if (s.mem_limit) {
      r.SetInt(Col("memory_limit_bytes"), static_cast<int64_t>(s.mem_limit));
      r.SetDouble(Col("memory_usage_ratio"), static_cast<double>(current) / s.mem_limit);
      r.SetDouble(Col("memory_working_set_ratio"),
                  static_cast<double>(current - inactive_file) / s.mem_limit);
    }
    r.SetInt(Col("memory_swap_usage_bytes"), 0);
    r.SetInt(Col("memory_anon_bytes"), static_cast<int64_t>(s.anon));
    r.SetInt(Col("memory_file_bytes"), static_cast<int64_t>(s.file));
    r.SetInt(Col("memory_kernel_bytes"), static_cast<int64_t>(current / 50));
    r.SetInt(Col("memory_shmem_bytes"), 0);
    r.SetInt(Col("memory_active_anon_bytes"), static_cast<int64_t>(s.anon));
    r.SetInt(Col("memory_inactive_anon_bytes"), 0);
    r.SetInt(Col("memory_active_file_bytes"), static_cast<int64_t>(s.file - inactive_file));
    r.SetInt(Col("memory_inactive_file_bytes"), static_cast<int64_t>(inactive_file));
    r.SetInt(Col("memory_pgfault"), s.pgfault);
    r.SetInt(Col("memory_pgmajfault"), s.pgmajfault);
    r.SetInt(Col("memory_events_oom_kill"), s.oom_kills);
    r.SetInt(Col("memory_events_max"), s.oom_kills * 40);
    r.SetInt(Col("memory_rss_bytes"), static_cast<int64_t>(s.anon + s.file / 8));
    r.SetInt(Col("memory_pss_bytes"), static_cast<int64_t>(s.anon + s.file / 16));
    r.SetInt(Col("memory_pss_anon_bytes"), static_cast<int64_t>(s.anon));
    r.SetInt(Col("memory_pss_file_bytes"), static_cast<int64_t>(s.file / 16));
    r.SetInt(Col("memory_pss_age_ms"), 0);
    r.SetInt(Col("pids_current"), 4 + (s.behavior == Behavior::kBusy ? 28 : 0));
    r.SetInt(Col("processes"), s.behavior == Behavior::kBusy ? 3 : 1);
    r.SetInt(Col("io_read_bytes"), s.rbytes);
    r.SetInt(Col("io_write_bytes"), s.wbytes);
    r.SetInt(Col("io_read_ops"), s.rios);
    r.SetInt(Col("io_write_ops"), s.wios);
    r.SetInt(Col("cpu_pressure_some_usec"), s.psi_cpu_some);
    r.SetInt(Col("memory_pressure_some_usec"), s.psi_mem_some);
    r.SetInt(Col("memory_pressure_full_usec"), s.psi_mem_full);
    r.SetInt(Col("io_pressure_some_usec"), s.psi_io_some);
    r.SetInt(Col("io_pressure_full_usec"), s.psi_io_full);
    if (!s.first_tick) {
      // Derived from exactly 1 s between ticks, as the collector computes them.
      r.SetDouble(Col("cpu_usage_millicores"), du / 1000.0);
      r.SetDouble(Col("cpu_user_millicores"), duser / 1000.0);
      r.SetDouble(Col("cpu_system_millicores"), (du - duser) / 1000.0);
      if (s.cpu_limit_m > 0) {
        r.SetDouble(Col("cpu_throttled_ratio"), dthr / 10.0);
        r.SetDouble(Col("cpu_throttled_usec_per_sec"), static_cast<double>(dthr_us));
      }
      r.SetDouble(Col("io_read_bytes_per_sec"), static_cast<double>(drb));
      r.SetDouble(Col("io_write_bytes_per_sec"), static_cast<double>(dwb));
      r.SetDouble(Col("cpu_pressure_some_usec_per_sec"),
                  static_cast<double>(std::max<int64_t>(0, dpsi_cpu)));
      r.SetDouble(Col("memory_pressure_some_usec_per_sec"),
                  static_cast<double>(std::max<int64_t>(0, dpsi_mem_some)));
      r.SetDouble(Col("memory_pressure_full_usec_per_sec"),
                  static_cast<double>(std::max<int64_t>(0, dpsi_mem_full)));
      r.SetDouble(Col("io_pressure_some_usec_per_sec"), static_cast<double>(dpsi_io));
      r.SetDouble(Col("io_pressure_full_usec_per_sec"), static_cast<double>(dpsi_io / 4));
    }
    r.SetDouble(Col("cpu_pressure_some_avg10"), std::round(dpsi_cpu / 1e4 * 100) / 100);
    r.SetDouble(Col("memory_pressure_some_avg10"), std::round(dpsi_mem_some / 1e4 * 100) / 100);
    r.SetDouble(Col("io_pressure_some_avg10"), std::round(dpsi_io / 1e4 * 100) / 100);
    w->Append(r);
    s.first_tick = false;
    ++sum->rows;
    ++sum->container_rows;
    ContainerAggregate& agg = sum->by_container_name[s.name];
    if (r.has(Col("cpu_usage_millicores"))) {
      agg.cpu_millicores_sum += r.GetDouble(Col("cpu_usage_millicores"));
      ++agg.cpu_millicores_count;
    }
    if (r.has(Col("cpu_throttled_usec_per_sec"))) {
      agg.throttled_usec_sum += r.GetDouble(Col("cpu_throttled_usec_per_sec"));
    }
    uint64_t& peak = sum->peak_memory_by_pod[s.pod];
    peak = std::max<uint64_t>(peak, static_cast<uint64_t>(r.GetInt(Col("memory_usage_bytes"))));
    for (int c = 0; c < store::kNumColumns; ++c) {
      auto kind = store::kCatalog[c].kind;
      if (r.has(c) && store::kCatalog[c].type != parquet::PhysicalType::kByteArray &&
          kind != store::ColumnKind::kTime && kind != store::ColumnKind::kLabel) {
        ++sum->numeric_values;
      }
    }

    // Deaths.
    if (oom) {
      Event(s, now_ns, "oom_kill", 137, "OOMKilled", w, sum);
      Die(s, t, now_ns, 137, "OOMKilled", w, sum);
    } else if (s.behavior == Behavior::kCrashLoop && s.dies_at_s < 0) {
      s.dies_at_s = t + 5 + static_cast<int64_t>(rng_() % 11);
    } else if (s.behavior == Behavior::kCrashLoop && t >= s.dies_at_s) {
      Die(s, t, now_ns, 1, "Error", w, sum);
    }
  }

  void Die(Sim& s, int64_t t, TimestampNs now_ns, int code, const char* reason,
           store::DatasetWriter* w, BenchDataSummary* sum) {
    Event(s, now_ns, "exit", code, reason, w, sum);
    s.alive = false;
    // CrashLoopBackOff: 10 s doubling to 300 s; reset after a long healthy run.
    int64_t backoff = std::min<int64_t>(300, 10LL << std::min(s.restarts, 5));
    if (t - s.started_s > 600) s.restarts = 0;
    s.down_until_s = t + backoff;
    s.dies_at_s = -1;
  }

  const BenchDataOptions& o_;
  std::mt19937_64 rng_;
  double churn_;
  std::vector<Sim> sims_;
  int64_t monitor_cpu_us_ = 0;
};

}  // namespace

Result<BenchDataSummary> GenerateBenchData(const BenchDataOptions& o) {
  int containers = o.containers;
  double churn = 0;
  if (o.scenario == "realistic") {
    if (containers <= 0) containers = 20;
    churn = 0.5;  // redeploys per idle container per hour
  } else if (o.scenario == "stress") {
    if (containers <= 0) containers = 200;
    churn = 2.5;
  } else {
    return InvalidArgumentError("unknown scenario '" + o.scenario +
                                "' (choose realistic or stress)");
  }
  if (o.duration_ns < kNanosPerSecond) return InvalidArgumentError("duration must be >= 1s");
  if (o.output_dir.empty()) return InvalidArgumentError("output directory is empty");
  const int64_t seconds = o.duration_ns / kNanosPerSecond;
  TimestampNs start = o.start_ns;
  if (start == 0) {
    TimestampNs now = RealClock().WallNs();
    start = (now / kNanosPerSecond - seconds) * kNanosPerSecond;
  }
  start -= start % kNanosPerSecond;

  testing::FakeClock clock(start);
  store::DatasetOptions d;
  d.root = o.output_dir;
  d.identifier = o.node_name;
  d.run_id = "bench" + std::to_string(o.seed % 1000);
  // Generated data needs no journal (it can be regenerated): hourly segments, compacted at the end.
  d.flush_interval_ns = 24 * 3600 * kNanosPerSecond;
  d.segment_interval_ns = 3600 * kNanosPerSecond;
  d.segment_max_rows = 1 << 20;
  d.max_pending_rows = SIZE_MAX;
  d.compaction = true;
  d.maintenance_interval_ns = 365LL * 86400 * kNanosPerSecond;
  d.clock = &clock;
  FGM_ASSIGN_OR_RETURN(auto writer, store::DatasetWriter::Open(d));

  Generator gen(o, containers, churn);
  BenchDataSummary sum;
  sum.containers = gen.containers();
  int64_t report_every = std::max<int64_t>(1, seconds / 1000);
  for (int64_t t = 0; t < seconds; ++t) {
    gen.Tick(t, clock.WallNs(), writer.get(), &sum);
    clock.AdvanceNs(kNanosPerSecond);
    writer->Poll();
    if (o.progress && t % report_every == 0) o.progress(0.9 * t / seconds);
  }
  FGM_RETURN_IF_ERROR(writer->Close(/*deadline_ns=*/600 * kNanosPerSecond));
  if (o.progress) o.progress(0.92);
  FGM_RETURN_IF_ERROR(writer->CompactAndRetainNow(/*include_open_hours=*/true));
  if (o.progress) o.progress(1.0);
  std::error_code ec;
  for (auto& e : std::filesystem::recursive_directory_iterator(o.output_dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") {
      sum.bytes_on_disk += e.file_size();
      ++sum.files;
    }
  }
  return sum;
}

std::string SummaryJson(const BenchDataSummary& s) {
  std::string out = "{\n";
  auto kv = [&](const char* k, uint64_t v) {
    out += "  \"" + std::string(k) + "\": " + std::to_string(v) + ",\n";
  };
  kv("rows", s.rows);
  kv("container_rows", s.container_rows);
  kv("numeric_values", s.numeric_values);
  kv("events", s.events);
  kv("containers", static_cast<uint64_t>(s.containers));
  kv("files", static_cast<uint64_t>(s.files));
  kv("bytes_on_disk", s.bytes_on_disk);
  char buf[128];
  out += "  \"by_container_name\": {";
  bool first = true;
  for (const auto& [name, a] : s.by_container_name) {
    std::snprintf(buf, sizeof buf, "\"avg_cpu_millicores\": %.17g, \"throttled_seconds\": %.17g",
                  a.cpu_millicores_count ? a.cpu_millicores_sum / a.cpu_millicores_count : 0.0,
                  a.throttled_usec_sum / 1e6);
    out += std::string(first ? "\n" : ",\n") + "    \"" + name + "\": {" + buf + "}";
    first = false;
  }
  out += "\n  },\n  \"peak_memory_by_pod\": {";
  first = true;
  for (const auto& [pod, peak] : s.peak_memory_by_pod) {
    out += std::string(first ? "\n" : ",\n") + "    \"" + pod + "\": " + std::to_string(peak);
    first = false;
  }
  return out + "\n  }\n}\n";
}

}  // namespace fgm::synth

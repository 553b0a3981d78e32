// SPDX-License-Identifier: Apache-2.0
// Sampler: the collector's once-per-tick loop body. Each SampleTick discovers containers, reads
// every live container's cgroup files (one CgroupReader per container, kept across ticks),
// computes derived values against the previous tick of the same cgroup instance, sums RSS/PSS
// over each container's processes under a time budget, and reports lifecycle events and the
// monitor's own cost as one TickResult (sample.h). It never writes anything; the caller stores or
// prints the result. TickScheduler (scheduler.h) decides when ticks happen.
//
//   FGM_ASSIGN_OR_RETURN(CgroupLayout layout, DetectCgroupLayout(host_root));
//   SamplerOptions options{.layout = layout, .host_root = host_root};
//   FGM_ASSIGN_OR_RETURN(std::unique_ptr<Sampler> sampler, Sampler::Create(options, RealClock()));
//   TickResult tick;                                      // reused: buffers survive across ticks
//   every tick T:  FGM_RETURN_IF_ERROR(sampler->SampleTick(T, &tick));  store(tick);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/cgroupfs/cgroup_reader.h"
#include "collector/cgroupfs/layout.h"
#include "collector/derived.h"
#include "collector/discovery/discoverer.h"
#include "collector/procfs/pid_stat.h"
#include "collector/procfs/pss_reader.h"
#include "collector/sample.h"
#include "collector/self_stats.h"
#include "core/clock.h"
#include "core/result.h"
#include "k8s/metadata.h"

namespace fgm::collector {

/// Default PSS time budget per tick. reference-fgm.md 9.5 sets "PSS cost < 10 ms per tick" as the
/// goal: 1% of a 1 s tick, while smaps_rollup of a typical container process costs well under
/// 1 ms, so a node's worth of ordinary containers is read every tick and only the big processes
/// are deferred (PssPolicy backs them off).
inline constexpr int64_t kDefaultPssBudgetNs = 10 * kNanosPerMilli;

struct SamplerOptions {
  CgroupLayout layout;
  /// Prefix for /proc ("" on the host, e.g. "/host" when running in a container with the host's
  /// /proc mounted there). The layout already carries the cgroup mount points.
  std::string host_root;
  /// Extra container shapes and the container cap for discovery. Its `metadata` member is
  /// ignored: `metadata` below is used for both discovery and sampling.
  DiscovererOptions discovery;
  /// Optional, not owned, must outlive the Sampler. Asked (non-blocking) each tick about
  /// containers whose metadata is pending; after a kNotFound answer it is asked again after 1, 2,
  /// 4, 8, then every 10 ticks (sampler.cc says why). Until found, samples carry what the
  /// cgroup path says (pod UID, QoS class). Discovery also uses it to skip sandboxes and calls
  /// Forget() when a container goes.
  k8s::MetadataProvider* metadata = nullptr;
  /// Found metadata is asked for again every this many ticks (0 = never). A source that syncs
  /// later than the runtime's files (the Kubernetes API server, with pod labels and restart
  /// counts) then replaces the first answer instead of being shadowed by it for the container's
  /// whole life. 30 ticks is one hash lookup per container per half-minute.
  uint64_t metadata_refresh_ticks = 30;
  /// Sum RSS/PSS from /proc/<pid>/smaps_rollup per container (ContainerSample::memory).
  bool collect_pss = true;
  /// Wall time one tick may spend in smaps_rollup reads (see PssReader for how it is enforced).
  int64_t pss_budget_ns = kDefaultPssBudgetNs;
  PssPolicy pss_policy;
  /// Fill ContainerSample::processes (one /proc/<pid>/stat read per process per tick).
  bool process_rows = false;
  CgroupReaderOptions reader_options;
};

/// Running totals of what the sampler has seen, for logs and tests.
struct SamplerStats {
  uint64_t ticks = 0;
  uint64_t read_errors = 0;         ///< failed cgroup reads (parse or I/O) and discovery scans
  uint64_t vanished_on_read = 0;    ///< containers whose cgroup was gone when read (normal)
  uint64_t discovery_failures = 0;  ///< scans whose root could not be listed
  uint64_t containers_started = 0;  ///< kStarted events
  uint64_t containers_stopped = 0;  ///< kStopped events
  uint64_t oom_kill_events = 0;     ///< kOomKill events
};

/// Samples every container of one host. Owns its discoverer, one CgroupReader per live container
/// (so ~one directory fd per hierarchy plus, with keep_files_open, ~26 file fds per container;
/// all released when the container goes), a PssReader and per-process CPU state. Not
/// thread-safe: one collector thread calls SampleTick. Not movable (Create returns a pointer).
class Sampler {
 public:
  /// Creates the discoverer over options.layout. `clock` must outlive the sampler. Errors:
  /// kInvalidArgument for a bad discovery pattern; the discovery root's open error (kNotFound,
  /// kIo) when the hierarchy cannot be opened; kNotFound when <host_root>/proc is missing and
  /// PSS or process rows are on.
  static Result<std::unique_ptr<Sampler>> Create(SamplerOptions options, Clock& clock);

  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  /// One tick, standing for instant `tick_ns` (the scheduled boundary). Fills `*out`, reusing its
  /// vectors and strings: pass the same TickResult every tick and steady-state ticks allocate
  /// little. What a tick does, in order:
  ///  1. Discoverer::Scan(). Removed containers get kStopped; added ones get a reader and
  ///     kStarted (message "already running when monitoring started" on the first tick). A new
  ///     cgroup is therefore sampled on the first tick after it appears.
  ///  2. Each live container's files are read together (CgroupReader::Read). kNotFound means
  ///     the cgroup vanished since the scan: kStopped, the reader is dropped, no log, no error.
  ///     kInvalidFormat is logged once per (path, code) and counted, and the sample keeps the
  ///     values of the files that did parse. Other read errors are logged once and counted, and
  ///     the container is skipped this tick but keeps its state.
  ///  3. DerivedMetrics (derived.h) against the previous tick of the same inode.
  ///  4. kOomKill when memory.events oom_kill rose since the previous tick of the same inode
  ///     (count = the rise). For containers that appeared after the first tick the baseline is
  ///     0, since a new cgroup starts with zero kills: an OOM in a container's first second (a
  ///     crash-looping pod) is not missed.
  ///  5. With collect_pss, one PssReader::Read over every container's cgroup.procs PIDs within
  ///     pss_budget_ns, summed per container with the age of the oldest value.
  ///  6. With process_rows, /proc/<pid>/stat for each process; millicores against the previous
  ///     tick of the same (pid, starttime).
  ///  7. The monitor's own CPU/RSS, the previous tick's duration, skipped ticks (as last told by
  ///     set_skipped_ticks), cumulative read errors, the container count, and this tick's
  ///     discovery and PSS read times.
  /// Samples are ordered by cgroup path. Event times are `tick_ns` (the tick at which the change
  /// was seen). Per-container and discovery failures never fail the tick: they are logged once
  /// and counted in self.read_errors, and the other containers are sampled as usual. The
  /// returned Status is therefore OK today; wiring code should still check it.
  Status SampleTick(TimestampNs tick_ns, TickResult* out);
  /// The same into a fresh TickResult (simpler, allocates every tick).
  Result<TickResult> SampleTick(TimestampNs tick_ns);

  /// Cumulative skipped ticks reported in MonitorSelfSample (from TickScheduler).
  void set_skipped_ticks(uint64_t cumulative) { skipped_ticks_ = cumulative; }

  /// Containers being sampled (not counting ones that vanished and await discovery's removal).
  size_t container_count() const;
  const SamplerStats& stats() const { return stats_; }
  const DiscoveryStats& discovery_stats() const { return discoverer_.last_stats(); }
  /// Per-process CPU entries kept (for leak tests).
  size_t tracked_process_count() const { return process_cpu_.size(); }
  /// Lets tests install Discoverer hooks (e.g. remove a cgroup between the scan and the read).
  Discoverer& discoverer_for_testing() { return discoverer_; }

 private:
  struct Tracked {
    DiscoveredContainer discovered;
    std::optional<CgroupReader> reader;  ///< absent until opened, and after the cgroup vanished
    bool started = false;                ///< kStarted emitted
    bool gone = false;  ///< vanished; waits (unsampled) for discovery to report the removal
    bool has_base = false;
    RateBase base;                          ///< counters of the previous successful read
    std::optional<uint64_t> oom_kill_base;  ///< memory.events oom_kill at the previous read
    std::shared_ptr<const k8s::ContainerMetadata> metadata;  ///< once the provider found it
    uint64_t metadata_tick = 0;            ///< stats_.ticks when `metadata` was last asked for
    uint32_t metadata_misses = 0;          ///< kNotFound answers in a row (backs off the asking)
    std::vector<int32_t> pids;             ///< cgroup.procs at the last read that listed it
    bool pids_valid = false;               ///< `pids` may be reused on an idle read
    k8s::ContainerMetadata path_metadata;  ///< what the identity alone says (the fallback)
  };
  struct ProcessCpu {
    uint64_t starttime = 0;
    uint64_t cpu_usec = 0;
    TimestampNs taken_at_ns = 0;
    uint64_t seen_tick = 0;
  };

  Sampler(SamplerOptions options, Clock& clock, Discoverer discoverer);

  void HandleRemoved(const DiscoveredContainer& c, TickResult* out);
  void HandleAdded(const DiscoveredContainer& c, TickResult* out);
  /// Opens the reader of a tracked container (kStarted on success); marks it gone if the cgroup
  /// vanished or was recreated since the scan; leaves it unopened (retried next tick) on errors.
  void TryOpen(Tracked& t, TickResult* out);
  /// The container's metadata; asks the provider first when `lookup` and not found yet.
  const k8s::ContainerMetadata& MetadataOf(Tracked& t, bool lookup);
  void Emit(EventType type, Tracked& t, uint64_t count, std::string message, TickResult* out);
  void CountReadError(const Status& s);
  void CollectPss(TickResult* out);
  void CollectProcesses(TickResult* out);

  SamplerOptions options_;
  Clock* clock_;
  Discoverer discoverer_;
  std::map<std::string, Tracked> tracked_;  ///< by relative path
  PssReader pss_;
  std::optional<ProcDir> proc_dir_;
  SelfStatsReader self_;
  std::unordered_map<int32_t, ProcessCpu> process_cpu_;
  SamplerStats stats_;
  uint64_t skipped_ticks_ = 0;
  int64_t last_tick_duration_us_ = 0;
  TimestampNs tick_ns_ = 0;  ///< the tick being sampled

  // Per-tick scratch, reused.
  std::vector<int32_t> all_pids_;        ///< every sampled container's PIDs, container by container
  std::vector<size_t> pid_ranges_;       ///< sample i's PIDs: [pid_ranges_[i], pid_ranges_[i+1])
  std::vector<uint8_t> pids_unchanged_;  ///< per all_pids_ entry: its container's read was idle
  std::vector<int32_t> pid_pss_index_;   ///< per all_pids_ entry: PSS sample index, or -1
  PssTickReport pss_report_;             ///< this tick's PSS values (used by process rows)
  std::string proc_buf_;
};

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// What the collector produces each tick: one ContainerSample per live container (raw cumulative
// counters as read, plus the derived values people plot), lifecycle events, and the monitor's own
// cost. Plain data; the store maps it to rows, `fgm top` prints it. Knows nothing of files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collector/cgroupfs/cgroup_reader.h"
#include "core/clock.h"
#include "k8s/container_identity.h"
#include "k8s/metadata.h"

namespace fgm::collector {

/// Values computed from this tick and the previous tick of the same cgroup instance (same inode).
/// Absent on a container's first tick (no spike), across a counter reset (a counter that went
/// backwards), and when the inputs are absent. Rates are per second of wall time between the two
/// reads (taken_at_ns), not per nominal interval, so a late tick does not inflate them.
struct DerivedMetrics {
  std::optional<double> cpu_usage_millicores;
  std::optional<double> cpu_user_millicores;
  std::optional<double> cpu_system_millicores;
  std::optional<double> cpu_throttled_ratio;         // Δnr_throttled / Δnr_periods (0..1)
  std::optional<double> cpu_throttled_usec_per_sec;  // Δthrottled_usec / Δt
  std::optional<double> io_read_bytes_per_sec;
  std::optional<double> io_write_bytes_per_sec;
  std::optional<double> cpu_pressure_some_usec_per_sec;
  std::optional<double> memory_pressure_some_usec_per_sec;
  std::optional<double> memory_pressure_full_usec_per_sec;
  std::optional<double> io_pressure_some_usec_per_sec;
  std::optional<double> io_pressure_full_usec_per_sec;
  // Level-based (available from the first tick).
  std::optional<double> cpu_limit_millicores;        // quota / period * 1000; absent = unlimited
  std::optional<uint64_t> memory_working_set_bytes;  // current - inactive_file (kubelet's rule)
  std::optional<double> memory_usage_ratio;          // current / max; absent = unlimited
  std::optional<double> memory_working_set_ratio;
};

/// Sum over the container's processes of /proc/<pid>/smaps_rollup, under the PSS time budget.
struct ProcessMemory {
  uint64_t rss_bytes = 0;
  uint64_t pss_bytes = 0;
  uint64_t pss_anon_bytes = 0;
  uint64_t pss_file_bytes = 0;
  uint64_t pss_shmem_bytes = 0;
  /// Age of the oldest per-process value in the sums (values are re-read less often for big
  /// processes; see PssPolicy).
  int64_t oldest_value_age_ms = 0;
  uint32_t processes = 0;                // processes in cgroup.procs
  uint32_t processes_without_value = 0;  // no PSS yet (budget) or unreadable
};

/// Optional per-process detail (--process-rows).
struct ProcessSample {
  int32_t pid = 0;
  std::string comm;
  uint64_t cpu_usec = 0;                 // utime + stime from /proc/<pid>/stat
  std::optional<double> cpu_millicores;  // from the previous tick of the same pid
  std::optional<uint64_t> rss_bytes;
  std::optional<uint64_t> pss_bytes;
};

struct ContainerSample {
  k8s::ContainerIdentity identity;
  k8s::ContainerMetadata metadata;  // may be partly empty while metadata is pending
  uint64_t cgroup_inode = 0;
  std::string relative_path;
  CgroupSnapshot snapshot;
  DerivedMetrics derived;
  std::optional<ProcessMemory> memory;   // absent when PSS collection is off
  std::vector<ProcessSample> processes;  // empty unless per-process rows are on
};

enum class EventType { kStarted, kStopped, kOomKill };
std::string_view EventTypeName(EventType type);  // "started", "stopped", "oom_kill"

struct ContainerEvent {
  TimestampNs time_ns = 0;
  EventType type = EventType::kStarted;
  k8s::ContainerIdentity identity;
  k8s::ContainerMetadata metadata;
  uint64_t cgroup_inode = 0;
  std::string relative_path;
  /// For kOomKill: kills since the previous tick (memory.events oom_kill delta).
  uint64_t count = 1;
  std::string message;
};

/// The monitor's own cost, sampled every tick so its overhead is visible in its data.
struct MonitorSelfSample {
  uint64_t cpu_usage_usec = 0;           // utime + stime of this process (cumulative)
  std::optional<double> cpu_millicores;  // since the previous tick
  uint64_t rss_bytes = 0;
  int64_t tick_duration_us = 0;  // wall time of the previous tick's sampling
  uint64_t skipped_ticks = 0;    // cumulative
  uint64_t read_errors = 0;      // cumulative files that failed to parse
  uint32_t containers = 0;
  int64_t discovery_us = 0;   // this tick's discovery scan (monotonic clock)
  int64_t pss_read_us = 0;    // this tick's smaps_rollup reads (bounded by the PSS budget)
  uint64_t pss_deferred = 0;  // processes due for a PSS read but deferred by the budget this tick
};

struct TickResult {
  TimestampNs tick_ns = 0;  // the scheduled tick (samples stand for this instant)
  std::vector<ContainerSample> samples;
  std::vector<ContainerEvent> events;
  MonitorSelfSample self;
};

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// The metric catalogue: every column of FGM's dataset, with its type, unit, kind and kernel source.
// One table drives the Parquet schema the monitor writes, the metric list the viewer offers (which
// columns are counters to turn into rates), and docs/schema.md (generated, see `fgm schema`).
//
// One schema for every file in a dataset: DuckDB's read_parquet('<out>/**/*.parquet') needs all
// files to agree. Rows come in kinds (column `kind`): "container" rows carry the per-container
// metrics; "device" rows per-device I/O; "process" rows per-process CPU/RSS (behind a flag);
// "event" rows lifecycle events; "monitor" rows FGM's own overhead. Columns that do not apply to a
// row's kind are null, so aggregates such as avg(cpu_usage_millicores) need no filter.
#pragma once

#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "parquet/schema.h"

namespace fgm::store {

enum class ColumnKind {
  kTime,     // the tick's timestamp
  kLabel,    // identifies the row (strings, dictionary-encoded)
  kCounter,  // cumulative since the cgroup was created; rates are derived by delta
  kGauge,    // a level at the tick (bytes, counts, limits)
  kDerived,  // computed by the collector from two ticks (millicores, ratios, per-second rates)
  kEvent,    // event rows only
  kInfo,     // bookkeeping (read latency, PSS age)
};

std::string_view ColumnKindName(ColumnKind kind);

struct ColumnDef {
  std::string_view name;
  parquet::PhysicalType type;
  ColumnKind kind;
  std::string_view
      unit;  // "us", "bytes", "millicores", "ratio", "count", "us/s", "bytes/s", "%", ""
  std::string_view v2_source;  // cgroup v2 file and key, or "" when not from cgroupfs
  std::string_view v1_source;  // cgroup v1 equivalent, or "" when v1 has none
  std::string_view description;
};

namespace catalog_internal {
using parquet::PhysicalType;
constexpr auto I64 = PhysicalType::kInt64;
constexpr auto F64 = PhysicalType::kDouble;
constexpr auto STR = PhysicalType::kByteArray;
constexpr auto kTime = ColumnKind::kTime;
constexpr auto kLabel = ColumnKind::kLabel;
constexpr auto kCounter = ColumnKind::kCounter;
constexpr auto kGauge = ColumnKind::kGauge;
constexpr auto kDerived = ColumnKind::kDerived;
constexpr auto kEvent = ColumnKind::kEvent;
constexpr auto kInfo = ColumnKind::kInfo;

// clang-format off
inline constexpr ColumnDef kCatalog[] = {
  // Row identity.
  {"time", I64, kTime, "ms", "", "", "Tick time (UTC), aligned to the sampling interval; the moment the sample stands for"},
  {"kind", STR, kLabel, "", "", "", "Row kind: container, device, process, event or monitor"},
  {"node_name", STR, kLabel, "", "", "", "Kubernetes node name (--node-name / NODE_NAME), else the host name"},
  {"cluster_name", STR, kLabel, "", "", "", "Cluster name (--cluster-name / CLUSTER_NAME)"},
  {"namespace", STR, kLabel, "", "", "", "Pod namespace"},
  {"pod_name", STR, kLabel, "", "", "", "Pod name"},
  {"pod_uid", STR, kLabel, "", "", "", "Pod UID (from the cgroup path)"},
  {"container_name", STR, kLabel, "", "", "", "Container name"},
  {"container_id", STR, kLabel, "", "", "", "Runtime container id (64 hex for containerd/CRI-O/Docker)"},
  {"qos_class", STR, kLabel, "", "", "", "Kubernetes QoS class: guaranteed, burstable or besteffort"},
  {"runtime", STR, kLabel, "", "", "", "containerd, crio, docker, podman or local"},
  {"pod_labels", STR, kLabel, "", "", "", "Pod labels as a JSON object"},
  {"cgroup_path", STR, kLabel, "", "", "", "Cgroup path relative to the hierarchy root"},
  {"cgroup_inode", I64, kLabel, "", "", "", "Inode of the container's cgroup directory: a new value means a new container instance (restart)"},
  {"read_latency_us", I64, kInfo, "us", "", "", "Time to read this container's files in this tick"},

  // CPU.
  {"cpu_usage_usec", I64, kCounter, "us", "cpu.stat usage_usec", "cpuacct.usage (ns / 1000)", "CPU time consumed"},
  {"cpu_user_usec", I64, kCounter, "us", "cpu.stat user_usec", "cpuacct.stat user (ticks)", "CPU time in user mode"},
  {"cpu_system_usec", I64, kCounter, "us", "cpu.stat system_usec", "cpuacct.stat system (ticks)", "CPU time in kernel mode"},
  {"cpu_nr_periods", I64, kCounter, "count", "cpu.stat nr_periods", "cpu.stat nr_periods", "CFS enforcement periods elapsed while runnable"},
  {"cpu_nr_throttled", I64, kCounter, "count", "cpu.stat nr_throttled", "cpu.stat nr_throttled", "Periods in which the group was throttled"},
  {"cpu_throttled_usec", I64, kCounter, "us", "cpu.stat throttled_usec", "cpu.stat throttled_time (ns / 1000)", "Time spent throttled"},
  {"cpu_quota_usec", I64, kGauge, "us", "cpu.max (first field; max = null)", "cpu.cfs_quota_us (-1 = null)", "CFS quota per period; null = unlimited"},
  {"cpu_period_usec", I64, kGauge, "us", "cpu.max (second field)", "cpu.cfs_period_us", "CFS period"},
  {"cpu_usage_millicores", F64, kDerived, "millicores", "", "", "CPU used over the last interval, 1000 = one core"},
  {"cpu_user_millicores", F64, kDerived, "millicores", "", "", "User-mode CPU over the last interval"},
  {"cpu_system_millicores", F64, kDerived, "millicores", "", "", "Kernel-mode CPU over the last interval"},
  {"cpu_limit_millicores", F64, kDerived, "millicores", "", "", "quota / period x 1000; null = unlimited"},
  {"cpu_throttled_ratio", F64, kDerived, "ratio", "", "", "Share of the interval's CFS periods that were throttled (0..1)"},
  {"cpu_throttled_usec_per_sec", F64, kDerived, "us/s", "", "", "Throttled time per second of wall time"},

  // Memory.
  {"memory_usage_bytes", I64, kGauge, "bytes", "memory.current", "memory.usage_in_bytes", "Memory charged to the cgroup (incl. page cache)"},
  {"memory_working_set_bytes", I64, kGauge, "bytes", "memory.current - memory.stat inactive_file", "usage_in_bytes - total_inactive_file", "Working set as the kubelet computes it for eviction"},
  {"memory_peak_bytes", I64, kGauge, "bytes", "memory.peak", "memory.max_usage_in_bytes", "Highest usage since creation"},
  {"memory_limit_bytes", I64, kGauge, "bytes", "memory.max (max = null)", "memory.limit_in_bytes (unlimited = null)", "Hard limit; null = unlimited"},
  {"memory_high_bytes", I64, kGauge, "bytes", "memory.high (max = null)", "memory.soft_limit_in_bytes (unlimited = null)", "Throttling limit (v2) or soft limit (v1)"},
  {"memory_low_bytes", I64, kGauge, "bytes", "memory.low", "", "Best-effort protection"},
  {"memory_min_bytes", I64, kGauge, "bytes", "memory.min", "", "Hard protection"},
  {"memory_swap_usage_bytes", I64, kGauge, "bytes", "memory.swap.current", "memory.memsw.usage_in_bytes - usage_in_bytes", "Swap used"},
  {"memory_swap_limit_bytes", I64, kGauge, "bytes", "memory.swap.max (max = null)", "", "Swap limit; null = unlimited"},
  {"memory_anon_bytes", I64, kGauge, "bytes", "memory.stat anon", "memory.stat total_rss", "Anonymous memory"},
  {"memory_file_bytes", I64, kGauge, "bytes", "memory.stat file", "memory.stat total_cache", "Page cache"},
  {"memory_kernel_bytes", I64, kGauge, "bytes", "memory.stat kernel", "", "Kernel memory (stacks, slab, page tables, ...)"},
  {"memory_kernel_stack_bytes", I64, kGauge, "bytes", "memory.stat kernel_stack", "", "Kernel stacks"},
  {"memory_pagetables_bytes", I64, kGauge, "bytes", "memory.stat pagetables", "", "Page tables"},
  {"memory_sock_bytes", I64, kGauge, "bytes", "memory.stat sock", "", "Network socket buffers"},
  {"memory_shmem_bytes", I64, kGauge, "bytes", "memory.stat shmem", "memory.stat total_shmem", "Shared memory and tmpfs"},
  {"memory_file_mapped_bytes", I64, kGauge, "bytes", "memory.stat file_mapped", "memory.stat total_mapped_file", "Page cache mapped into processes"},
  {"memory_file_dirty_bytes", I64, kGauge, "bytes", "memory.stat file_dirty", "memory.stat total_dirty", "Dirty page cache"},
  {"memory_file_writeback_bytes", I64, kGauge, "bytes", "memory.stat file_writeback", "memory.stat total_writeback", "Page cache under writeback"},
  {"memory_active_anon_bytes", I64, kGauge, "bytes", "memory.stat active_anon", "memory.stat total_active_anon", "Active anonymous LRU"},
  {"memory_inactive_anon_bytes", I64, kGauge, "bytes", "memory.stat inactive_anon", "memory.stat total_inactive_anon", "Inactive anonymous LRU"},
  {"memory_active_file_bytes", I64, kGauge, "bytes", "memory.stat active_file", "memory.stat total_active_file", "Active file LRU"},
  {"memory_inactive_file_bytes", I64, kGauge, "bytes", "memory.stat inactive_file", "memory.stat total_inactive_file", "Inactive file LRU (reclaimable first)"},
  {"memory_unevictable_bytes", I64, kGauge, "bytes", "memory.stat unevictable", "memory.stat total_unevictable", "Unevictable memory"},
  {"memory_slab_reclaimable_bytes", I64, kGauge, "bytes", "memory.stat slab_reclaimable", "", "Reclaimable slab"},
  {"memory_slab_unreclaimable_bytes", I64, kGauge, "bytes", "memory.stat slab_unreclaimable", "", "Unreclaimable slab"},
  {"memory_pgfault", I64, kCounter, "count", "memory.stat pgfault", "memory.stat total_pgfault", "Page faults"},
  {"memory_pgmajfault", I64, kCounter, "count", "memory.stat pgmajfault", "memory.stat total_pgmajfault", "Major page faults (I/O needed)"},
  {"memory_workingset_refault", I64, kCounter, "count", "memory.stat workingset_refault_anon + _file", "", "Refaults of recently evicted pages (thrashing)"},
  {"memory_events_low", I64, kCounter, "count", "memory.events low", "", "Reclaimed despite being under memory.low"},
  {"memory_events_high", I64, kCounter, "count", "memory.events high", "", "Times over memory.high (throttled)"},
  {"memory_events_max", I64, kCounter, "count", "memory.events max", "memory.failcnt", "Times usage hit the limit"},
  {"memory_events_oom", I64, kCounter, "count", "memory.events oom", "memory.oom_control under_oom transitions", "OOM situations"},
  {"memory_events_oom_kill", I64, kCounter, "count", "memory.events oom_kill", "memory.oom_control oom_kill", "Processes killed by the OOM killer"},
  {"memory_usage_ratio", F64, kDerived, "ratio", "", "", "memory_usage_bytes / memory_limit_bytes; null = unlimited"},
  {"memory_working_set_ratio", F64, kDerived, "ratio", "", "", "memory_working_set_bytes / memory_limit_bytes; null = unlimited"},
  {"memory_rss_bytes", I64, kGauge, "bytes", "sum of /proc/<pid>/smaps_rollup Rss", "same", "Resident set of the container's processes"},
  {"memory_pss_bytes", I64, kGauge, "bytes", "sum of smaps_rollup Pss", "same", "Proportional set size (shared pages split between sharers)"},
  {"memory_pss_anon_bytes", I64, kGauge, "bytes", "sum of smaps_rollup Pss_Anon", "same", "Anonymous part of PSS"},
  {"memory_pss_file_bytes", I64, kGauge, "bytes", "sum of smaps_rollup Pss_File", "same", "File-backed part of PSS"},
  {"memory_pss_shmem_bytes", I64, kGauge, "bytes", "sum of smaps_rollup Pss_Shmem", "same", "Shared-memory part of PSS"},
  {"memory_pss_age_ms", I64, kInfo, "ms", "", "", "Age of the oldest per-process PSS value in this sum (PSS reads are budgeted)"},

  // Processes.
  {"pids_current", I64, kGauge, "count", "pids.current", "pids.current", "Tasks (threads) in the cgroup"},
  {"pids_limit", I64, kGauge, "count", "pids.max (max = null)", "pids.max (max = null)", "Task limit; null = unlimited"},
  {"processes", I64, kGauge, "count", "cgroup.procs lines", "cgroup.procs lines", "Processes in the cgroup"},

  // I/O.
  {"io_read_bytes", I64, kCounter, "bytes", "io.stat rbytes (all devices)", "blkio.throttle.io_service_bytes Read", "Bytes read from block devices"},
  {"io_write_bytes", I64, kCounter, "bytes", "io.stat wbytes (all devices)", "blkio.throttle.io_service_bytes Write", "Bytes written to block devices"},
  {"io_read_ops", I64, kCounter, "count", "io.stat rios", "blkio.throttle.io_serviced Read", "Read operations"},
  {"io_write_ops", I64, kCounter, "count", "io.stat wios", "blkio.throttle.io_serviced Write", "Write operations"},
  {"io_read_bytes_per_sec", F64, kDerived, "bytes/s", "", "", "Read throughput over the last interval"},
  {"io_write_bytes_per_sec", F64, kDerived, "bytes/s", "", "", "Write throughput over the last interval"},
  {"device", STR, kLabel, "", "io.stat device (maj:min)", "blkio device (maj:min)", "Block device of a device row"},

  // Pressure stall information (Documentation/accounting/psi.rst).
  {"cpu_pressure_some_usec", I64, kCounter, "us", "cpu.pressure some total", "", "Time some tasks were stalled waiting for CPU"},
  {"cpu_pressure_full_usec", I64, kCounter, "us", "cpu.pressure full total", "", "Time all non-idle tasks were stalled on CPU"},
  {"memory_pressure_some_usec", I64, kCounter, "us", "memory.pressure some total", "", "Time some tasks were stalled on memory"},
  {"memory_pressure_full_usec", I64, kCounter, "us", "memory.pressure full total", "", "Time all tasks were stalled on memory"},
  {"io_pressure_some_usec", I64, kCounter, "us", "io.pressure some total", "", "Time some tasks were stalled on I/O"},
  {"io_pressure_full_usec", I64, kCounter, "us", "io.pressure full total", "", "Time all tasks were stalled on I/O"},
  {"irq_pressure_full_usec", I64, kCounter, "us", "irq.pressure full total", "", "Time lost to IRQ/softirq handling"},
  {"cpu_pressure_some_avg10", F64, kGauge, "%", "cpu.pressure some avg10", "", "Kernel's 10 s running average (refreshed every 2 s)"},
  {"memory_pressure_some_avg10", F64, kGauge, "%", "memory.pressure some avg10", "", "Kernel's 10 s running average"},
  {"memory_pressure_full_avg10", F64, kGauge, "%", "memory.pressure full avg10", "", "Kernel's 10 s running average"},
  {"io_pressure_some_avg10", F64, kGauge, "%", "io.pressure some avg10", "", "Kernel's 10 s running average"},
  {"io_pressure_full_avg10", F64, kGauge, "%", "io.pressure full avg10", "", "Kernel's 10 s running average"},
  {"cpu_pressure_some_usec_per_sec", F64, kDerived, "us/s", "", "", "CPU stall time per second over the last interval"},
  {"memory_pressure_some_usec_per_sec", F64, kDerived, "us/s", "", "", "Memory stall (some) per second"},
  {"memory_pressure_full_usec_per_sec", F64, kDerived, "us/s", "", "", "Memory stall (full) per second"},
  {"io_pressure_some_usec_per_sec", F64, kDerived, "us/s", "", "", "I/O stall (some) per second"},
  {"io_pressure_full_usec_per_sec", F64, kDerived, "us/s", "", "", "I/O stall (full) per second"},

  // Per-process rows (--process-rows).
  {"process_pid", I64, kLabel, "", "/proc/<pid>", "/proc/<pid>", "Process id of a process row"},
  {"process_comm", STR, kLabel, "", "/proc/<pid>/stat comm", "same", "Process name"},
  {"process_cpu_usec", I64, kCounter, "us", "/proc/<pid>/stat utime+stime", "same", "CPU time of the process"},
  {"process_cpu_millicores", F64, kDerived, "millicores", "", "", "CPU of the process over the last interval"},
  {"process_rss_bytes", I64, kGauge, "bytes", "/proc/<pid>/smaps_rollup Rss", "same", "Resident set of the process"},
  {"process_pss_bytes", I64, kGauge, "bytes", "/proc/<pid>/smaps_rollup Pss", "same", "PSS of the process"},

  // Event rows.
  {"event_type", STR, kEvent, "", "", "", "started, stopped, oom_kill, restart, exit"},
  {"event_exit_code", I64, kEvent, "", "", "", "Exit code of the process that ended, if known"},
  {"event_signal", I64, kEvent, "", "", "", "Signal that ended the process, if any"},
  {"event_reason", STR, kEvent, "", "", "", "Short reason, e.g. OOMKilled, Error, Completed"},
  {"event_message", STR, kEvent, "", "", "", "Free text"},

  // Monitor rows: FGM's own cost, in the same units as containers (cpu_*_millicores, memory_rss_bytes).
  {"monitor_tick_duration_us", I64, kInfo, "us", "", "", "Wall time the tick took"},
  {"monitor_skipped_ticks", I64, kCounter, "count", "", "", "Ticks skipped because the previous one overran"},
  {"monitor_read_errors", I64, kCounter, "count", "", "", "Files that failed to parse (each also logged once)"},
  {"monitor_containers", I64, kGauge, "count", "", "", "Containers sampled in this tick"},
};
// clang-format on
}  // namespace catalog_internal
using catalog_internal::kCatalog;

inline constexpr int kNumColumns = static_cast<int>(std::size(kCatalog));

/// Index of a catalogue column, checked at compile time: `constexpr int kCpu =
/// Col("cpu_usage_usec");` does not compile when the name is not in the catalogue.
consteval int Col(std::string_view name) {
  for (int i = 0; i < kNumColumns; ++i) {
    if (kCatalog[i].name == name) return i;
  }
  throw "no such column in the catalogue";  // a compile error in a consteval context
}

/// Storage precision of a DOUBLE column, from its unit: values are rounded to a multiple of this
/// power of two before they are stored (0: stored exactly). Derived values carry measurement noise
/// far above these steps, and a binary step leaves the low mantissa bits zero, which
/// BYTE_STREAM_SPLIT + ZSTD then store almost for free (a 3.4 -> ~1.5 bytes/value difference on
/// millicores). millicores: 1/64 m; ratio: 2^-16; us/s and bytes/s: 1; %: 1/256.
double StorageQuantum(const ColumnDef& column);

/// Every column, in file order. Stable: new columns are appended (older files then lack them; read
/// mixed trees with union_by_name).
std::span<const ColumnDef> Columns();

/// The catalogue entry called `name`, or nullptr.
const ColumnDef* FindColumn(std::string_view name);

/// The Parquet schema for the dataset: `time` is a required TIMESTAMP(MILLIS, UTC); everything else
/// optional (null = not applicable or not available on this host).
parquet::Schema DatasetSchema();

/// docs/schema.md contents, generated from the catalogue.
std::string RenderSchemaMarkdown();

}  // namespace fgm::store

// SPDX-License-Identifier: Apache-2.0
// DerivedMetrics math: the values people plot (millicores, throttled fraction, bytes/s, PSI stall
// us/s, memory vs limit), computed from one tick's CgroupSnapshot and the counters kept from the
// previous tick of the same cgroup instance. Pure functions over plain values, so the rules (no
// first-tick value, counter resets, unlimited limits, real elapsed time) are unit-tested directly.
#pragma once

#include <cstdint>
#include <optional>

#include "collector/cgroupfs/cgroup_reader.h"
#include "collector/cgroupfs/io_stat.h"
#include "collector/sample.h"
#include "core/clock.h"

namespace fgm::collector {

/// The cumulative counters of one snapshot that rates are computed from. The sampler keeps this
/// (a few dozen bytes, no heap) per container between ticks rather than a whole snapshot.
struct RateBase {
  uint64_t inode = 0;
  TimestampNs taken_at_ns = 0;
  std::optional<uint64_t> cpu_usage_usec;
  std::optional<uint64_t> cpu_user_usec;
  std::optional<uint64_t> cpu_system_usec;
  std::optional<uint64_t> cpu_nr_periods;
  std::optional<uint64_t> cpu_nr_throttled;
  std::optional<uint64_t> cpu_throttled_usec;
  std::optional<IoTotals> io;
  std::optional<uint64_t> cpu_pressure_some_usec;
  std::optional<uint64_t> memory_pressure_some_usec;
  std::optional<uint64_t> memory_pressure_full_usec;
  std::optional<uint64_t> io_pressure_some_usec;
  std::optional<uint64_t> io_pressure_full_usec;
};

/// Extracts the counters of `snapshot` (its inode and taken_at_ns included).
RateBase RateBaseOf(const CgroupSnapshot& snapshot);

/// Two reads closer together than this give no rates. A rate over a sub-millisecond window is
/// mostly timer and scheduling noise (cpu.stat is updated at scheduler-tick granularity, 1-4 ms),
/// and the shortest interval FGM supports is far longer (sub-second ticks of 100 ms and up).
inline constexpr int64_t kMinRateWindowNs = 1 * kNanosPerMilli;

/// Derived values of `current`, with rates against `previous` (nullptr on a container's first
/// tick). Rules, each tested:
///  - Rates use the real time between the two reads (taken_at_ns), not the nominal interval.
///  - No rates when `previous` is null, belongs to another inode (a recreated cgroup), is not
///    older than `current` by at least kMinRateWindowNs, or when either side lacks the counter.
///  - A counter that went backwards is a reset: that rate is absent (others are unaffected).
///  - Limits that are unlimited give absent ratios and an absent cpu_limit_millicores, never a
///    huge number. Level values (limit, working set, ratios) exist from the first tick.
///  - cpu_throttled_ratio is Δnr_throttled / Δnr_periods clamped to [0, 1]; 0 when no period
///    elapsed and nothing was throttled (an idle container with a quota).
///  - memory_working_set_bytes = memory_current - inactive_file, floored at 0; when memory.stat
///    has no inactive_file it is memory_current (the kubelet's rule, cadvisor's workingSet).
DerivedMetrics ComputeDerived(const CgroupSnapshot& current, const RateBase* previous);

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// Typed parsers for the CPU accounting files: v2 cpu.stat, v1 cpu.stat (CFS throttling) and v1
// cpuacct.stat. Field names are the kernel's keys; every field is optional because the set of keys
// depends on the kernel version and on which controllers are enabled (a v2 cgroup without the cpu
// controller, like the controller-less "unified" mount of a hybrid host, only has the usage keys).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace fgm::collector {

/// v2 cpu.stat (Documentation/admin-guide/cgroup-v2.rst, "CPU Interface Files"). Microseconds and
/// counts; all cumulative since the cgroup was created. The throttling keys exist only when the
/// cpu controller is enabled for the cgroup; nr_bursts/burst_usec since Linux 5.14.
struct CpuStatV2 {
  std::optional<uint64_t> usage_usec;
  std::optional<uint64_t> user_usec;
  std::optional<uint64_t> system_usec;
  std::optional<uint64_t> nice_usec;  ///< Linux 6.6+
  std::optional<uint64_t> core_sched_force_idle_usec;
  std::optional<uint64_t> nr_periods;
  std::optional<uint64_t> nr_throttled;
  std::optional<uint64_t> throttled_usec;
  std::optional<uint64_t> nr_bursts;
  std::optional<uint64_t> burst_usec;
};
/// kInvalidFormat on an empty file or a malformed line; unknown keys are ignored.
Result<CpuStatV2> ParseCpuStatV2(std::string_view text);

/// v1 cpu.stat of the cpu controller (Documentation/scheduler/sched-bwc.rst): CFS bandwidth
/// statistics. throttled_time and burst_time are NANOSECONDS, unlike v2's *_usec.
struct CpuStatV1 {
  std::optional<uint64_t> nr_periods;
  std::optional<uint64_t> nr_throttled;
  std::optional<uint64_t> throttled_time;  ///< ns
  std::optional<uint64_t> nr_bursts;
  std::optional<uint64_t> burst_time;  ///< ns
};
Result<CpuStatV1> ParseCpuStatV1(std::string_view text);

/// v1 cpuacct.stat (Documentation/admin-guide/cgroup-v1/cpuacct.rst): "user N" and "system N" in
/// USER_HZ ticks (sysconf(_SC_CLK_TCK), 100 on every mainstream architecture), so the resolution is
/// 10 ms. Prefer cpuacct.usage (ns) for totals; this file only gives the user/system split.
struct CpuacctStat {
  std::optional<uint64_t> user;    ///< USER_HZ ticks
  std::optional<uint64_t> system;  ///< USER_HZ ticks
};
Result<CpuacctStat> ParseCpuacctStat(std::string_view text);

/// USER_HZ of this system (sysconf(_SC_CLK_TCK)), read once. Falls back to 100, the value every
/// Linux architecture exports to user space, if sysconf fails.
int64_t UserHz();

/// Converts USER_HZ ticks to microseconds without overflow for any realistic tick count.
/// REQUIRES: user_hz > 0.
uint64_t UserHzTicksToUsec(uint64_t ticks, int64_t user_hz);

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// CPU accounting file parsers (see cpu_stat.h).
#include "collector/cgroupfs/cpu_stat.h"

#include <unistd.h>

#include "collector/cgroupfs/parse_internal.h"

namespace fgm::collector {

Result<CpuStatV2> ParseCpuStatV2(std::string_view text) {
  CpuStatV2 s;
  FGM_RETURN_IF_ERROR(internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "usage_usec")
      s.usage_usec = v;
    else if (key == "user_usec")
      s.user_usec = v;
    else if (key == "system_usec")
      s.system_usec = v;
    else if (key == "nice_usec")
      s.nice_usec = v;
    else if (key == "core_sched.force_idle_usec")
      s.core_sched_force_idle_usec = v;
    else if (key == "nr_periods")
      s.nr_periods = v;
    else if (key == "nr_throttled")
      s.nr_throttled = v;
    else if (key == "throttled_usec")
      s.throttled_usec = v;
    else if (key == "nr_bursts")
      s.nr_bursts = v;
    else if (key == "burst_usec")
      s.burst_usec = v;
  }));
  return s;
}

Result<CpuStatV1> ParseCpuStatV1(std::string_view text) {
  CpuStatV1 s;
  FGM_RETURN_IF_ERROR(internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "nr_periods")
      s.nr_periods = v;
    else if (key == "nr_throttled")
      s.nr_throttled = v;
    else if (key == "throttled_time")
      s.throttled_time = v;
    else if (key == "nr_bursts")
      s.nr_bursts = v;
    else if (key == "burst_time")
      s.burst_time = v;
  }));
  return s;
}

Result<CpuacctStat> ParseCpuacctStat(std::string_view text) {
  CpuacctStat s;
  FGM_RETURN_IF_ERROR(internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "user")
      s.user = v;
    else if (key == "system")
      s.system = v;
  }));
  return s;
}

int64_t UserHz() {
  static const int64_t kUserHz = [] {
    long hz = ::sysconf(_SC_CLK_TCK);
    return hz > 0 ? static_cast<int64_t>(hz) : int64_t{100};
  }();
  return kUserHz;
}

uint64_t UserHzTicksToUsec(uint64_t ticks, int64_t user_hz) {
  const uint64_t hz = static_cast<uint64_t>(user_hz);
  // Split to avoid ticks * 1e6 overflowing (it would after ~584,000 years at 100 Hz, but the
  // parser accepts any u64, so stay exact for all inputs below 2^64 / 1e6 per part).
  return (ticks / hz) * 1'000'000 + (ticks % hz) * 1'000'000 / hz;
}

}  // namespace fgm::collector

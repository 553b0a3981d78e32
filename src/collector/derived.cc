// SPDX-License-Identifier: Apache-2.0
// DerivedMetrics from a snapshot and the previous tick's counters (see derived.h for the rules).
#include "collector/derived.h"

#include <algorithm>

namespace fgm::collector {
namespace {

std::optional<uint64_t> PressureTotal(const std::optional<PressureStat>& p, bool full) {
  if (!p) return std::nullopt;
  const std::optional<PressureLine>& line = full ? p->full : p->some;
  if (!line) return std::nullopt;
  return line->total;
}

// Counter difference, or nullopt when either side is absent or the counter went backwards.
std::optional<uint64_t> Delta(const std::optional<uint64_t>& cur,
                              const std::optional<uint64_t>& prev) {
  if (!cur || !prev || *cur < *prev) return std::nullopt;
  return *cur - *prev;
}

std::optional<double> PerSecond(const std::optional<uint64_t>& cur,
                                const std::optional<uint64_t>& prev, double seconds) {
  std::optional<uint64_t> d = Delta(cur, prev);
  if (!d) return std::nullopt;
  return static_cast<double>(*d) / seconds;
}

// usec of CPU per second of wall time / 1000 = millicores (1000 m = one CPU busy all the time).
std::optional<double> Millicores(const std::optional<uint64_t>& cur,
                                 const std::optional<uint64_t>& prev, double seconds) {
  std::optional<double> usec_per_sec = PerSecond(cur, prev, seconds);
  if (!usec_per_sec) return std::nullopt;
  return *usec_per_sec / 1000.0;
}

std::optional<double> Ratio(uint64_t value, const std::optional<Limit>& limit) {
  if (!limit || limit->unlimited() || *limit->value == 0) return std::nullopt;
  return static_cast<double>(value) / static_cast<double>(*limit->value);
}

}  // namespace

RateBase RateBaseOf(const CgroupSnapshot& s) {
  RateBase b;
  b.inode = s.inode;
  b.taken_at_ns = s.taken_at_ns;
  b.cpu_usage_usec = s.cpu_usage_usec;
  b.cpu_user_usec = s.cpu_user_usec;
  b.cpu_system_usec = s.cpu_system_usec;
  b.cpu_nr_periods = s.cpu_nr_periods;
  b.cpu_nr_throttled = s.cpu_nr_throttled;
  b.cpu_throttled_usec = s.cpu_throttled_usec;
  if (s.io) b.io = s.io->Totals();
  b.cpu_pressure_some_usec = PressureTotal(s.cpu_pressure, false);
  b.memory_pressure_some_usec = PressureTotal(s.memory_pressure, false);
  b.memory_pressure_full_usec = PressureTotal(s.memory_pressure, true);
  b.io_pressure_some_usec = PressureTotal(s.io_pressure, false);
  b.io_pressure_full_usec = PressureTotal(s.io_pressure, true);
  return b;
}

DerivedMetrics ComputeDerived(const CgroupSnapshot& cur, const RateBase* prev) {
  DerivedMetrics d;

  // Level values: meaningful from the first tick.
  if (cur.cpu_max && !cur.cpu_max->quota_usec.unlimited() && cur.cpu_max->period_usec > 0) {
    d.cpu_limit_millicores = static_cast<double>(*cur.cpu_max->quota_usec.value) * 1000.0 /
                             static_cast<double>(cur.cpu_max->period_usec);
  }
  if (cur.memory_current) {
    const uint64_t current = *cur.memory_current;
    const std::optional<uint64_t> inactive_file = cur.memory_stat.Get("inactive_file");
    const uint64_t working_set =
        inactive_file ? (current > *inactive_file ? current - *inactive_file : 0) : current;
    d.memory_working_set_bytes = working_set;
    d.memory_usage_ratio = Ratio(current, cur.memory_max);
    d.memory_working_set_ratio = Ratio(working_set, cur.memory_max);
  }

  if (prev == nullptr || prev->inode != cur.inode) return d;
  const int64_t window_ns = cur.taken_at_ns - prev->taken_at_ns;
  if (window_ns < kMinRateWindowNs) return d;
  const double seconds = static_cast<double>(window_ns) / static_cast<double>(kNanosPerSecond);

  d.cpu_usage_millicores = Millicores(cur.cpu_usage_usec, prev->cpu_usage_usec, seconds);
  d.cpu_user_millicores = Millicores(cur.cpu_user_usec, prev->cpu_user_usec, seconds);
  d.cpu_system_millicores = Millicores(cur.cpu_system_usec, prev->cpu_system_usec, seconds);
  d.cpu_throttled_usec_per_sec =
      PerSecond(cur.cpu_throttled_usec, prev->cpu_throttled_usec, seconds);

  const std::optional<uint64_t> periods = Delta(cur.cpu_nr_periods, prev->cpu_nr_periods);
  const std::optional<uint64_t> throttled = Delta(cur.cpu_nr_throttled, prev->cpu_nr_throttled);
  if (periods && throttled) {
    if (*periods > 0) {
      d.cpu_throttled_ratio =
          std::min(1.0, static_cast<double>(*throttled) / static_cast<double>(*periods));
    } else if (*throttled == 0) {
      d.cpu_throttled_ratio = 0.0;
    }
  }

  if (cur.io && prev->io) {
    const IoTotals now = cur.io->Totals();
    d.io_read_bytes_per_sec = PerSecond(now.rbytes, prev->io->rbytes, seconds);
    d.io_write_bytes_per_sec = PerSecond(now.wbytes, prev->io->wbytes, seconds);
  }

  d.cpu_pressure_some_usec_per_sec =
      PerSecond(PressureTotal(cur.cpu_pressure, false), prev->cpu_pressure_some_usec, seconds);
  d.memory_pressure_some_usec_per_sec = PerSecond(PressureTotal(cur.memory_pressure, false),
                                                  prev->memory_pressure_some_usec, seconds);
  d.memory_pressure_full_usec_per_sec =
      PerSecond(PressureTotal(cur.memory_pressure, true), prev->memory_pressure_full_usec, seconds);
  d.io_pressure_some_usec_per_sec =
      PerSecond(PressureTotal(cur.io_pressure, false), prev->io_pressure_some_usec, seconds);
  d.io_pressure_full_usec_per_sec =
      PerSecond(PressureTotal(cur.io_pressure, true), prev->io_pressure_full_usec, seconds);
  return d;
}

}  // namespace fgm::collector

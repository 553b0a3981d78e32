// SPDX-License-Identifier: Apache-2.0
// Parsers for cgroupfs files that hold one value: counters and gauges (memory.current,
// pids.current, cpuacct.usage, cpu.weight), limits that may read "max" (memory.max, pids.max,
// memory.swap.max), v1 limits whose "unlimited" is a huge number or -1, and the two small
// structured one-liners cpu.max and cgroup.events, plus cgroup.procs. All are pure functions over
// the file's bytes; the I/O lives in cgroup_file.h / cgroup_reader.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace fgm::collector {

/// A limit as the kernel reports it: a number, or "no limit". v2 writes "max", v1 writes -1
/// (cpu.cfs_quota_us) or PAGE_COUNTER_MAX * PAGE_SIZE (memory.limit_in_bytes). Never stored as a
/// huge number: downstream code would chart or divide by it (the reference's f64::MAX mistake).
struct Limit {
  /// nullopt means unlimited.
  std::optional<uint64_t> value;

  static Limit Unlimited() { return Limit{}; }
  static Limit Of(uint64_t v) { return Limit{v}; }
  bool unlimited() const { return !value.has_value(); }
  friend bool operator==(const Limit&, const Limit&) = default;
};

/// One unsigned integer followed by an optional newline ("123\n"). kInvalidFormat otherwise
/// (empty, sign, garbage, overflow).
Result<uint64_t> ParseSingleU64(std::string_view text);

/// One signed integer ("-1\n").
Result<int64_t> ParseSingleI64(std::string_view text);

/// v2 limit files (memory.max/high/low/min, memory.swap.max, pids.max): "max" or a number.
Result<Limit> ParseMaxOrU64(std::string_view text);

/// Values at or above this are "unlimited" in v1 memory files. The kernel prints
/// PAGE_COUNTER_MAX * PAGE_SIZE = 0x7FFFFFFFFFFFF000 for 4 KiB pages (0x7FFFFFFFFFFF0000 for 64 KiB
/// pages), and kernels before 3.19 printed ULLONG_MAX (res_counter). No machine has 4 EiB of
/// memory, so 2^62 separates "a real limit" from "the unlimited sentinel" on every page size.
inline constexpr uint64_t kV1UnlimitedThreshold = uint64_t{1} << 62;

/// v1 memory limits (memory.limit_in_bytes, memory.soft_limit_in_bytes,
/// memory.memsw.limit_in_bytes): a number, where values >= kV1UnlimitedThreshold mean unlimited.
Result<Limit> ParseV1MemoryLimit(std::string_view text);

/// v1 cpu.cfs_quota_us: microseconds, or -1 for unlimited. Other negative values are
/// kInvalidFormat (the kernel rejects them on write).
Result<Limit> ParseV1CfsQuota(std::string_view text);

/// v2 cpu.max: "$MAX $PERIOD" where $MAX is "max" or microseconds ("max 100000",
/// "25000 100000"). Documentation/admin-guide/cgroup-v2.rst, "CPU Interface Files".
struct CpuMax {
  Limit quota_usec;          ///< unlimited for "max"
  uint64_t period_usec = 0;  ///< always present in the file
  friend bool operator==(const CpuMax&, const CpuMax&) = default;
};
Result<CpuMax> ParseCpuMax(std::string_view text);

/// Converts v1 cpu.shares (2..262144) to the v2 cpu.weight scale (1..10000) with the formula runc
/// and crun use, so that v1 and v2 hosts report comparable weights: 1024 shares -> weight 39,
/// 2 -> 1, 262144 -> 10000. Out-of-range shares are clamped first.
uint64_t CpuSharesToWeight(uint64_t shares);

/// cgroup.events: "populated 0|1" and "frozen 0|1". Unknown keys are ignored.
struct CgroupEvents {
  std::optional<bool> populated;
  std::optional<bool> frozen;
};
Result<CgroupEvents> ParseCgroupEvents(std::string_view text);

/// cgroup.procs: one PID per line, in no particular order. Unlike every other file, an EMPTY
/// cgroup.procs is valid (a cgroup with no processes of its own).
Result<std::vector<int32_t>> ParseCgroupProcs(std::string_view text);

}  // namespace fgm::collector

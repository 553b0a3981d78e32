// SPDX-License-Identifier: Apache-2.0
// Typed parsers for the memory controller's multi-key files: memory.stat (v2 and v1, every key
// kept), memory.events / memory.events.local (v2) and memory.oom_control (v1), plus the mapping of
// v1 memory.stat's hierarchical total_* keys onto v2 names so that the sampler sees one vocabulary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace fgm::collector {

/// memory.stat: every key, in file order. A flat vector, not a map: the file has 20-70 keys, is
/// parsed every tick for every container, and is read back by a handful of lookups. Values are
/// bytes for sizes and counts for events (pgfault, workingset_*, ...), as the kernel reports them.
/// Keys are views of process-wide interned strings (InternMemoryStatKey), so that the thousands
/// of MemoryStats a monitor keeps (one per container snapshot) do not each hold their own copies
/// of the same ~40 names: 24 bytes an entry instead of 40 plus a heap block for every name over
/// 15 characters.
/// Documentation/admin-guide/cgroup-v2.rst "memory.stat"; cgroup-v1/memory.rst section 5.2.
struct MemoryStat {
  /// Keys point at interned strings or string literals (never freed while the process lives).
  std::vector<std::pair<std::string_view, uint64_t>> entries;

  /// Value of `key`, nullopt if the kernel did not report it. Linear scan (see above).
  std::optional<uint64_t> Get(std::string_view key) const;
  /// Adds or replaces `key`.
  void Set(std::string_view key, uint64_t value);
  /// Overwrites entry `index` (appends when index == size()). The key is interned only when it
  /// differs from the entry's current key, which in steady state it never does. False (nothing
  /// assigned) when the key cannot be interned (see InternMemoryStatKey).
  bool AssignAt(size_t index, std::string_view key, uint64_t value);
  bool empty() const { return entries.empty(); }
};

/// The process-wide copy of `key`, stable for the life of the process; thread-safe. After
/// kMaxInternedMemoryStatKeys distinct keys it returns "" for new ones (a kernel reports well
/// under 200 names across v1 and v2, so only garbage input gets there); ParseMemoryStat(Into)
/// then fails the file with kInvalidFormat.
std::string_view InternMemoryStatKey(std::string_view key);
inline constexpr size_t kMaxInternedMemoryStatKeys = 1024;

/// Parses v2 or v1 memory.stat verbatim. kInvalidFormat on an empty file or a malformed line.
Result<MemoryStat> ParseMemoryStat(std::string_view text);
/// The same into an existing MemoryStat, overwriting it. The kernel prints the same keys in the
/// same order every time, so re-parsing into last tick's object allocates nothing. On error
/// `*out` is left empty.
Status ParseMemoryStatInto(std::string_view text, MemoryStat* out);

/// Maps a parsed v1 memory.stat to v2 key names, using the hierarchical total_* keys (v2's
/// memory.stat is hierarchical too). Renamed: total_rss -> anon, total_cache -> file,
/// total_rss_huge -> anon_thp, total_mapped_file -> file_mapped, total_dirty -> file_dirty,
/// total_writeback -> file_writeback; every other total_<k> becomes <k> (inactive_anon, pgfault,
/// swap, ...). hierarchical_memory_limit / hierarchical_memsw_limit are kept as they are. The
/// cgroup-local keys are dropped. If the file has no total_* keys at all, local keys are used.
MemoryStat V1MemoryStatToV2Names(const MemoryStat& v1);
/// The same into an existing MemoryStat (overwritten; its strings are reused).
void V1MemoryStatToV2NamesInto(const MemoryStat& v1, MemoryStat* out);

/// v2 memory.events and memory.events.local: counts of times each boundary was hit. "max" counts
/// allocations that hit memory.max (v1's failcnt is the closest twin); oom_kill counts processes
/// killed by the OOM killer in this cgroup (hierarchically in memory.events).
struct MemoryEvents {
  std::optional<uint64_t> low;
  std::optional<uint64_t> high;
  std::optional<uint64_t> max;
  std::optional<uint64_t> oom;
  std::optional<uint64_t> oom_kill;
  std::optional<uint64_t> oom_group_kill;  ///< Linux 5.17+
};
Result<MemoryEvents> ParseMemoryEvents(std::string_view text);

/// v1 memory.oom_control: "oom_kill_disable 0|1", "under_oom 0|1", and (Linux 4.13+) "oom_kill N".
struct MemoryOomControl {
  std::optional<uint64_t> oom_kill_disable;
  std::optional<uint64_t> under_oom;
  std::optional<uint64_t> oom_kill;
};
Result<MemoryOomControl> ParseMemoryOomControl(std::string_view text);

}  // namespace fgm::collector

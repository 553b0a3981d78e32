// SPDX-License-Identifier: Apache-2.0
// Memory controller multi-key file parsers (see memory_stat.h).
#include "collector/cgroupfs/memory_stat.h"

#include "collector/cgroupfs/parse_internal.h"
#include "core/strings.h"

namespace fgm::collector {

std::optional<uint64_t> MemoryStat::Get(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return v;
  }
  return std::nullopt;
}

void MemoryStat::Set(std::string_view key, uint64_t value) {
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = value;
      return;
    }
  }
  entries.emplace_back(std::string(key), value);
}

Result<MemoryStat> ParseMemoryStat(std::string_view text) {
  MemoryStat out;
  // 64 covers every key of a 6.x v2 memory.stat (~60) without regrowth.
  constexpr size_t kTypicalKeys = 64;
  out.entries.reserve(kTypicalKeys);
  FGM_RETURN_IF_ERROR(internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    out.entries.emplace_back(std::string(key), v);
  }));
  return out;
}

MemoryStat V1MemoryStatToV2Names(const MemoryStat& v1) {
  static constexpr std::pair<std::string_view, std::string_view> kRenames[] = {
      {"rss", "anon"},          {"cache", "file"},
      {"rss_huge", "anon_thp"}, {"mapped_file", "file_mapped"},
      {"dirty", "file_dirty"},  {"writeback", "file_writeback"},
  };
  auto v2_name = [](std::string_view v1_key) {
    for (const auto& [from, to] : kRenames) {
      if (v1_key == from) return to;
    }
    return v1_key;
  };
  constexpr std::string_view kTotalPrefix = "total_";
  bool has_totals = false;
  for (const auto& entry : v1.entries) {
    if (StartsWith(entry.first, kTotalPrefix)) {
      has_totals = true;
      break;
    }
  }
  MemoryStat out;
  out.entries.reserve(v1.entries.size() / 2 + 2);
  for (const auto& [key, value] : v1.entries) {
    std::string_view k = key;
    if (StartsWith(k, "hierarchical_")) {
      out.Set(k, value);
    } else if (has_totals && StartsWith(k, kTotalPrefix)) {
      out.Set(v2_name(k.substr(kTotalPrefix.size())), value);
    } else if (!has_totals) {
      out.Set(v2_name(k), value);
    }
  }
  return out;
}

Result<MemoryEvents> ParseMemoryEvents(std::string_view text) {
  MemoryEvents e;
  FGM_RETURN_IF_ERROR(internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "low")
      e.low = v;
    else if (key == "high")
      e.high = v;
    else if (key == "max")
      e.max = v;
    else if (key == "oom")
      e.oom = v;
    else if (key == "oom_kill")
      e.oom_kill = v;
    else if (key == "oom_group_kill")
      e.oom_group_kill = v;
  }));
  return e;
}

Result<MemoryOomControl> ParseMemoryOomControl(std::string_view text) {
  MemoryOomControl o;
  FGM_RETURN_IF_ERROR(internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (key == "oom_kill_disable")
      o.oom_kill_disable = v;
    else if (key == "under_oom")
      o.under_oom = v;
    else if (key == "oom_kill")
      o.oom_kill = v;
  }));
  return o;
}

}  // namespace fgm::collector

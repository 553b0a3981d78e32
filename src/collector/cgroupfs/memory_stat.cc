// SPDX-License-Identifier: Apache-2.0
// Memory controller multi-key file parsers (see memory_stat.h).
#include "collector/cgroupfs/memory_stat.h"

#include <string>

#include "collector/cgroupfs/parse_internal.h"
#include "core/intern.h"
#include "core/strings.h"

namespace fgm::collector {

std::optional<uint64_t> MemoryStat::Get(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::string_view InternMemoryStatKey(std::string_view key) {
  // Leaked on purpose: no destructor at exit while another thread may still be parsing.
  static auto* keys = new StringInterner(kMaxInternedMemoryStatKeys);
  return keys->Intern(key);
}

void MemoryStat::Set(std::string_view key, uint64_t value) {
  for (auto& [k, v] : entries) {
    if (k == key) {
      v = value;
      return;
    }
  }
  std::string_view interned = InternMemoryStatKey(key);
  if (!interned.empty()) entries.emplace_back(interned, value);
}

bool MemoryStat::AssignAt(size_t index, std::string_view key, uint64_t value) {
  if (index < entries.size()) {
    auto& [k, v] = entries[index];
    if (k != key) {
      std::string_view interned = InternMemoryStatKey(key);
      if (interned.empty()) return false;
      k = interned;
    }
    v = value;
    return true;
  }
  std::string_view interned = InternMemoryStatKey(key);
  if (interned.empty()) return false;
  entries.emplace_back(interned, value);
  return true;
}

Status ParseMemoryStatInto(std::string_view text, MemoryStat* out) {
  size_t n = 0;
  std::string_view refused;  // a key past the interner's bound (only garbage input gets there)
  Status s = internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t v) {
    if (out->AssignAt(n, key, v)) {
      ++n;
    } else if (refused.empty()) {
      refused = key;
    }
  });
  if (s.ok() && !refused.empty()) {
    // Not a file a kernel writes: fail it like any other malformed file (the caller logs it once
    // and keeps the other files) rather than return some of its keys as if they were all.
    constexpr size_t kMaxQuotedKeyBytes = 64;  // the key may be garbage of any length
    s = InvalidFormatError("memory.stat: more distinct keys than any kernel reports (" +
                           std::to_string(kMaxInternedMemoryStatKeys) + "), e.g. '" +
                           std::string(refused.substr(0, kMaxQuotedKeyBytes)) + "'");
  }
  out->entries.resize(s.ok() ? n : 0);
  return s;
}

Result<MemoryStat> ParseMemoryStat(std::string_view text) {
  MemoryStat out;
  FGM_RETURN_IF_ERROR(ParseMemoryStatInto(text, &out));
  return out;
}

void V1MemoryStatToV2NamesInto(const MemoryStat& v1, MemoryStat* out) {
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
  // Keys of one memory.stat are unique and the mapping is one-to-one, so positional assignment
  // cannot create duplicates.
  size_t n = 0;
  for (const auto& [key, value] : v1.entries) {
    std::string_view k = key;
    bool assigned = false;
    if (StartsWith(k, "hierarchical_")) {
      assigned = out->AssignAt(n, k, value);
    } else if (has_totals && StartsWith(k, kTotalPrefix)) {
      assigned = out->AssignAt(n, v2_name(k.substr(kTotalPrefix.size())), value);
    } else if (!has_totals) {
      assigned = out->AssignAt(n, v2_name(k), value);
    }
    if (assigned) ++n;
  }
  out->entries.resize(n);
}

MemoryStat V1MemoryStatToV2Names(const MemoryStat& v1) {
  MemoryStat out;
  V1MemoryStatToV2NamesInto(v1, &out);
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

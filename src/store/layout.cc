// SPDX-License-Identifier: Apache-2.0
#include "store/layout.h"

#include <cstdio>
#include <ctime>

#include "core/strings.h"

namespace fgm::store {
namespace {

tm ToUtc(int64_t time_ms) {
  int64_t secs = time_ms / 1000;
  if (time_ms < 0 && time_ms % 1000 != 0) --secs;
  time_t t = static_cast<time_t>(secs);
  tm out{};
  gmtime_r(&t, &out);
  return out;
}

// Parses "YYYYMMDDTHHMMSSZ" (or the hour-only "YYYYMMDDTHH") back to ms.
std::optional<int64_t> ParseCompact(std::string_view s, bool hour_only) {
  if (s.size() != (hour_only ? 11u : 16u) || s[8] != 'T') return std::nullopt;
  auto num = [&](size_t pos, size_t len) { return ParseInt64(s.substr(pos, len)); };
  auto y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2);
  std::optional<int64_t> mi = 0, se = 0;
  if (!hour_only) {
    mi = num(11, 2);
    se = num(13, 2);
    if (s[15] != 'Z') return std::nullopt;
  }
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  tm t{};
  t.tm_year = static_cast<int>(*y - 1900);
  t.tm_mon = static_cast<int>(*mo - 1);
  t.tm_mday = static_cast<int>(*d);
  t.tm_hour = static_cast<int>(*h);
  t.tm_min = static_cast<int>(*mi);
  t.tm_sec = static_cast<int>(*se);
  return static_cast<int64_t>(timegm(&t)) * 1000;
}

}  // namespace

std::string UtcDate(int64_t time_ms) {
  tm t = ToUtc(time_ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
  return buf;
}

std::string UtcCompactTimestamp(int64_t time_ms) {
  tm t = ToUtc(time_ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

std::string SanitizePartitionValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  if (out.find_first_not_of('.') == std::string::npos) out = "_" + out;  // "", ".", ".."
  return out;
}

std::string PartitionDir(const std::string& root, int64_t time_ms, std::string_view identifier) {
  return root + "/dt=" + UtcDate(time_ms) + "/identifier=" + SanitizePartitionValue(identifier);
}

std::string JournalDir(const std::string& root) { return root + "/.fgm/journal"; }
std::string SessionsDir(const std::string& root) { return root + "/.fgm/sessions"; }

std::string JournalPath(const std::string& root, std::string_view run_id, uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%06llu.wal", static_cast<unsigned long long>(seq));
  return JournalDir(root) + "/" + std::string(run_id) + buf;
}

std::string SegmentFileName(int64_t start_ms, std::string_view run_id, uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%06llu.parquet", static_cast<unsigned long long>(seq));
  return "seg-" + UtcCompactTimestamp(start_ms) + "-" + std::string(run_id) + buf;
}

std::string HourlyFileName(int64_t hour_start_ms, int64_t stamp_ms) {
  std::string hour = UtcCompactTimestamp(hour_start_ms).substr(0, 11);  // YYYYMMDDTHH
  return "metrics-" + hour + "-" + std::to_string(stamp_ms) + ".parquet";
}

std::string EventSegmentFileName(int64_t start_ms, std::string_view run_id, uint64_t seq) {
  return "events-" + SegmentFileName(start_ms, run_id, seq);
}

std::string EventHourlyFileName(int64_t hour_start_ms, int64_t stamp_ms) {
  std::string hour = UtcCompactTimestamp(hour_start_ms).substr(0, 11);  // YYYYMMDDTHH
  return "events-" + hour + "-" + std::to_string(stamp_ms) + ".parquet";
}

std::optional<DataFileName> ParseDataFileName(std::string_view name) {
  if (!EndsWith(name, ".parquet")) return std::nullopt;
  DataFileName out;
  if (StartsWith(name, "events-")) {
    name.remove_prefix(7);
    out.events = true;
    if (!StartsWith(name, "seg-")) {
      // events-<YYYYMMDDTHH>-<stamp>.parquet
      if (name.size() <= 11 || name[11] != '-') return std::nullopt;
      auto t = ParseCompact(name.substr(0, 11), /*hour_only=*/true);
      if (!t) return std::nullopt;
      out.kind = DataFileName::Kind::kHourly;
      out.start_ms = *t;
      return out;
    }
  }
  if (StartsWith(name, "seg-") && name.size() > 4 + 16) {
    auto t = ParseCompact(name.substr(4, 16), /*hour_only=*/false);
    if (!t) return std::nullopt;
    out.kind = DataFileName::Kind::kSegment;
    out.start_ms = *t;
    return out;
  }
  if (!out.events && StartsWith(name, "metrics-") && name.size() > 8 + 11) {
    auto t = ParseCompact(name.substr(8, 11), /*hour_only=*/true);
    if (!t) return std::nullopt;
    out.kind = DataFileName::Kind::kHourly;
    out.start_ms = *t;
    return out;
  }
  return std::nullopt;
}

}  // namespace fgm::store

// SPDX-License-Identifier: Apache-2.0
// Strict number parsing and splitting helpers shared by every parser (cgroupfs, procfs, HTTP
// parameters, Parquet tools). Integers go through std::from_chars: no whitespace skipping, no sign
// for unsigned, overflow reported. Doubles use a locale-independent path that also builds with
// emscripten's libc++ (whose floating-point from_chars is deleted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fgm {

/// Whole-string parse; nullopt on empty input, trailing garbage, sign misuse or overflow.
std::optional<uint64_t> ParseUint64(std::string_view text);
std::optional<int64_t> ParseInt64(std::string_view text);
/// Accepts what strtod accepts in the "C" locale, over the whole string ("1.5", "-2e3", "inf").
std::optional<double> ParseDouble(std::string_view text);

/// Strips ASCII whitespace (space, \t, \n, \r) from both ends.
std::string_view TrimWhitespace(std::string_view text);

/// Splits on `sep`, keeping empty pieces ("a,,b" -> {"a","","b"}).
std::vector<std::string_view> Split(std::string_view text, char sep);
/// Splits on runs of spaces/tabs, dropping empty pieces.
std::vector<std::string_view> SplitWhitespace(std::string_view text);

/// Calls `fn(line)` for each line (without '\n'); a last line without a trailing newline counts.
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(start, end - start));
    start = end + 1;
  }
}

bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);

/// Parses durations such as "90s", "5m", "1h", "7d", "250ms" into nanoseconds.
std::optional<int64_t> ParseDurationNs(std::string_view text);
/// Parses sizes such as "1GiB", "500MiB", "10MB", "4096" into bytes.
std::optional<uint64_t> ParseByteSize(std::string_view text);

}  // namespace fgm

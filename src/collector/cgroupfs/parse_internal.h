// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the cgroupfs/procfs parsers: line-numbered errors and the "flat keyed" walk
// ("key value" per line) that cpu.stat, memory.stat, memory.events and friends share. Private to
// the collector: other libraries use the typed parsers instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"

namespace fgm::collector::internal {

/// kInvalidFormat "line <n>: <what>: '<line>'" (the line is cut at 80 bytes so a binary blob
/// cannot flood a log).
Status LineError(int line_no, std::string_view what, std::string_view line);

/// kInvalidFormat "empty file": every cgroupfs file we parse, except cgroup.procs, always has
/// content, so an empty read means something is wrong (or we raced with removal).
Status EmptyFileError();

/// Walks a flat-keyed file: every non-empty line must be exactly "<key> <unsigned integer>"
/// (spaces or tabs between). Calls `fn(key, value)` for each; an empty (or blank-only) text, a
/// line with another shape, or a number that does not fit in 64 bits is kInvalidFormat with the
/// line number.
template <typename Fn>
Status ForEachKeyValue(std::string_view text, Fn&& fn);

/// Strict unsigned parse of one token; nullopt on anything but [0-9]+ that fits in 64 bits.
std::optional<uint64_t> ParseU64Token(std::string_view token);

/// Splits `line` into at most `max_tokens` whitespace-separated tokens, returning the count, or
/// max_tokens + 1 when there are more. No allocation: the parsers run per file per tick.
size_t SplitTokens(std::string_view line, std::string_view* tokens, size_t max_tokens);

// ---- implementation ----

template <typename Fn>
Status ForEachKeyValue(std::string_view text, Fn&& fn) {
  int line_no = 0;
  int pairs = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    std::string_view tokens[2];
    size_t n = SplitTokens(line, tokens, 2);
    if (n == 0) continue;  // blank line: tolerated, the kernel never writes one mid-file
    if (n != 2) return LineError(line_no, "expected '<key> <value>'", line);
    std::optional<uint64_t> value = ParseU64Token(tokens[1]);
    if (!value) return LineError(line_no, "value is not an unsigned 64-bit integer", line);
    fn(tokens[0], *value);
    ++pairs;
  }
  return pairs > 0 ? OkStatus() : EmptyFileError();
}

}  // namespace fgm::collector::internal

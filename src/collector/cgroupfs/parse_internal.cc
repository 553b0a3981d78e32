// SPDX-License-Identifier: Apache-2.0
// Shared parser helpers (see parse_internal.h).
#include "collector/cgroupfs/parse_internal.h"

#include <charconv>
#include <string>

namespace fgm::collector::internal {

Status LineError(int line_no, std::string_view what, std::string_view line) {
  // 80 bytes is enough to recognise the line in a log and short enough to log once per file.
  constexpr size_t kMaxQuotedBytes = 80;
  std::string m = "line " + std::to_string(line_no) + ": " + std::string(what) + ": '";
  m.append(line.substr(0, kMaxQuotedBytes));
  if (line.size() > kMaxQuotedBytes) m += "...";
  m += "'";
  return InvalidFormatError(std::move(m));
}

Status EmptyFileError() { return InvalidFormatError("empty file"); }

std::optional<uint64_t> ParseU64Token(std::string_view token) {
  if (token.empty() || token[0] < '0' || token[0] > '9') return std::nullopt;
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  return value;
}

size_t SplitTokens(std::string_view line, std::string_view* tokens, size_t max_tokens) {
  size_t count = 0;
  size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) break;
    size_t begin = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (count == max_tokens) return max_tokens + 1;
    tokens[count++] = line.substr(begin, i - begin);
  }
  return count;
}

}  // namespace fgm::collector::internal

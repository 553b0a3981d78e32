// SPDX-License-Identifier: Apache-2.0
// Single-value cgroupfs parsers (see single_value.h).
#include "collector/cgroupfs/single_value.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "collector/cgroupfs/parse_internal.h"

namespace fgm::collector {
namespace {

using internal::EmptyFileError;
using internal::LineError;
using internal::ParseU64Token;
using internal::SplitTokens;

// The kernel writes the value followed by one '\n'. Anything else on the line (or a second line)
// is an error: it would mean we are reading a file we do not understand.
Result<std::string_view> SingleToken(std::string_view text) {
  if (text.empty()) return EmptyFileError();
  if (text.back() == '\n') text.remove_suffix(1);
  if (text.find('\n') != std::string_view::npos) {
    return LineError(2, "expected a single line", text.substr(text.find('\n') + 1));
  }
  std::string_view tokens[1];
  size_t n = SplitTokens(text, tokens, 1);
  if (n != 1) return LineError(1, "expected a single value", text);
  return tokens[0];
}

}  // namespace

Result<uint64_t> ParseSingleU64(std::string_view text) {
  FGM_ASSIGN_OR_RETURN(std::string_view token, SingleToken(text));
  std::optional<uint64_t> value = ParseU64Token(token);
  if (!value) return LineError(1, "not an unsigned 64-bit integer", token);
  return *value;
}

Result<int64_t> ParseSingleI64(std::string_view text) {
  FGM_ASSIGN_OR_RETURN(std::string_view token, SingleToken(text));
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) {
    return LineError(1, "not a signed 64-bit integer", token);
  }
  return value;
}

Result<Limit> ParseMaxOrU64(std::string_view text) {
  FGM_ASSIGN_OR_RETURN(std::string_view token, SingleToken(text));
  if (token == "max") return Limit::Unlimited();
  std::optional<uint64_t> value = ParseU64Token(token);
  if (!value) return LineError(1, "expected 'max' or an unsigned integer", token);
  return Limit::Of(*value);
}

Result<Limit> ParseV1MemoryLimit(std::string_view text) {
  FGM_ASSIGN_OR_RETURN(uint64_t value, ParseSingleU64(text));
  if (value >= kV1UnlimitedThreshold) return Limit::Unlimited();
  return Limit::Of(value);
}

Result<Limit> ParseV1CfsQuota(std::string_view text) {
  FGM_ASSIGN_OR_RETURN(int64_t value, ParseSingleI64(text));
  if (value == -1) return Limit::Unlimited();
  if (value < 0) return LineError(1, "negative quota other than -1", text);
  return Limit::Of(static_cast<uint64_t>(value));
}

Result<CpuMax> ParseCpuMax(std::string_view text) {
  if (text.empty()) return EmptyFileError();
  std::string_view line = text;
  if (line.back() == '\n') line.remove_suffix(1);
  std::string_view tokens[2];
  if (line.find('\n') != std::string_view::npos || SplitTokens(line, tokens, 2) != 2) {
    return LineError(1, "expected '<max|quota> <period>'", line);
  }
  CpuMax out;
  if (tokens[0] != "max") {
    std::optional<uint64_t> quota = ParseU64Token(tokens[0]);
    if (!quota) return LineError(1, "quota is neither 'max' nor an unsigned integer", line);
    out.quota_usec = Limit::Of(*quota);
  }
  std::optional<uint64_t> period = ParseU64Token(tokens[1]);
  // A zero period would make quota/period meaningless; the kernel enforces >= 1000 us.
  if (!period || *period == 0) return LineError(1, "period is not a positive integer", line);
  out.period_usec = *period;
  return out;
}

uint64_t CpuSharesToWeight(uint64_t shares) {
  // Kernel limits for cpu.shares (MIN_SHARES, MAX_SHARES in kernel/sched/sched.h).
  constexpr uint64_t kMinShares = 2;
  constexpr uint64_t kMaxShares = 262144;
  shares = std::clamp(shares, kMinShares, kMaxShares);
  return 1 + ((shares - kMinShares) * 9999) / (kMaxShares - kMinShares);
}

Result<CgroupEvents> ParseCgroupEvents(std::string_view text) {
  CgroupEvents out;
  FGM_RETURN_IF_ERROR(internal::ForEachKeyValue(text, [&](std::string_view key, uint64_t value) {
    if (key == "populated") out.populated = value != 0;
    if (key == "frozen") out.frozen = value != 0;
  }));
  return out;
}

Result<std::vector<int32_t>> ParseCgroupProcs(std::string_view text) {
  std::vector<int32_t> pids;
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    int32_t pid = 0;
    auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), pid);
    // PIDs are positive and at most PID_MAX_LIMIT (4M), well inside int32.
    if (ec != std::errc() || ptr != line.data() + line.size() || pid <= 0) {
      return LineError(line_no, "not a PID", line);
    }
    pids.push_back(pid);
  }
  return pids;
}

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// PSI file parser (see pressure.h).
#include "collector/cgroupfs/pressure.h"

#include <charconv>

#include "collector/cgroupfs/parse_internal.h"

namespace fgm::collector {
namespace {

using internal::LineError;

// The kernel prints averages as "%lu.%02lu" (LOAD_INT/LOAD_FRAC in kernel/sched/psi.c). Parse that
// shape exactly with integer from_chars (locale-independent, no strtod): integer part, optional
// '.' and up to 9 fraction digits.
std::optional<double> ParseFixedPoint(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  auto whole = internal::ParseU64Token(int_part);
  if (!whole) return std::nullopt;
  double value = static_cast<double>(*whole);
  if (dot == std::string_view::npos) return value;
  std::string_view frac = s.substr(dot + 1);
  constexpr size_t kMaxFractionDigits = 9;  // keeps 10^digits exact in a uint64
  if (frac.empty() || frac.size() > kMaxFractionDigits) return std::nullopt;
  auto frac_value = internal::ParseU64Token(frac);
  if (!frac_value) return std::nullopt;
  double scale = 1;
  for (size_t i = 0; i < frac.size(); ++i) scale *= 10;
  return value + static_cast<double>(*frac_value) / scale;
}

}  // namespace

Result<PressureStat> ParsePressure(std::string_view text) {
  if (text.empty()) return internal::EmptyFileError();
  PressureStat out;
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    constexpr size_t kMaxTokens = 8;  // kind + 4 keys, with room for keys a future kernel adds
    std::string_view tokens[kMaxTokens];
    size_t n = internal::SplitTokens(line, tokens, kMaxTokens);
    if (n == 0) continue;
    if (n > kMaxTokens) n = kMaxTokens;
    std::optional<PressureLine>* slot = nullptr;
    if (tokens[0] == "some")
      slot = &out.some;
    else if (tokens[0] == "full")
      slot = &out.full;
    else if (tokens[0].find('=') != std::string_view::npos) {
      return LineError(line_no, "expected 'some' or 'full' first", line);
    } else {
      continue;  // an unknown kind of line: ignore, like unknown keys
    }
    PressureLine p;
    int seen = 0;
    for (size_t i = 1; i < n; ++i) {
      size_t eq = tokens[i].find('=');
      if (eq == std::string_view::npos) return LineError(line_no, "token without '='", line);
      std::string_view key = tokens[i].substr(0, eq);
      std::string_view value = tokens[i].substr(eq + 1);
      if (key == "total") {
        auto v = internal::ParseU64Token(value);
        if (!v) return LineError(line_no, "total is not an unsigned 64-bit integer", line);
        p.total = *v;
        ++seen;
        continue;
      }
      double* avg = key == "avg10"    ? &p.avg10
                    : key == "avg60"  ? &p.avg60
                    : key == "avg300" ? &p.avg300
                                      : nullptr;
      if (avg == nullptr) continue;
      auto v = ParseFixedPoint(value);
      if (!v) return LineError(line_no, "average is not a decimal number", line);
      *avg = *v;
      ++seen;
    }
    if (seen != 4) return LineError(line_no, "expected avg10, avg60, avg300 and total", line);
    *slot = p;
  }
  if (!out.some && !out.full) return InvalidFormatError("no 'some' or 'full' line");
  return out;
}

}  // namespace fgm::collector

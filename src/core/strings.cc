// SPDX-License-Identifier: Apache-2.0
#include "core/strings.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace fgm {

std::optional<uint64_t> ParseUint64(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  // strtod needs a NUL-terminated buffer; numbers are short, so a stack copy is enough.
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  if (text.front() == ' ' || text.front() == '\t' || text.front() == '\n') return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  double value = std::strtod(buf, &end);
  if (end != buf + text.size()) return std::nullopt;
  return value;
}

std::string_view TrimWhitespace(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

std::vector<std::string_view> SplitWhitespace(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

namespace {

// Splits "123abc" into the leading unsigned integer and the unit suffix.
bool SplitNumberUnit(std::string_view text, uint64_t* number, std::string_view* unit) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return false;
  auto n = ParseUint64(text.substr(0, digits));
  if (!n) return false;
  *number = *n;
  *unit = text.substr(digits);
  return true;
}

bool MulOverflows(uint64_t a, uint64_t b, uint64_t* out) { return __builtin_mul_overflow(a, b, out); }

}  // namespace

std::optional<int64_t> ParseDurationNs(std::string_view text) {
  uint64_t n = 0;
  std::string_view unit;
  if (!SplitNumberUnit(TrimWhitespace(text), &n, &unit)) return std::nullopt;
  uint64_t scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1000;
  else if (unit == "ms") scale = 1000 * 1000;
  else if (unit == "s" || unit.empty()) scale = 1000ull * 1000 * 1000;
  else if (unit == "m") scale = 60ull * 1000 * 1000 * 1000;
  else if (unit == "h") scale = 3600ull * 1000 * 1000 * 1000;
  else if (unit == "d") scale = 86400ull * 1000 * 1000 * 1000;
  else return std::nullopt;
  uint64_t out = 0;
  if (MulOverflows(n, scale, &out) || out > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(out);
}

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  uint64_t n = 0;
  std::string_view unit;
  if (!SplitNumberUnit(TrimWhitespace(text), &n, &unit)) return std::nullopt;
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB" || unit == "K") scale = 1ull << 10;
  else if (unit == "MiB" || unit == "M") scale = 1ull << 20;
  else if (unit == "GiB" || unit == "G") scale = 1ull << 30;
  else if (unit == "TiB" || unit == "T") scale = 1ull << 40;
  else if (unit == "KB") scale = 1000;
  else if (unit == "MB") scale = 1000 * 1000;
  else if (unit == "GB") scale = 1000ull * 1000 * 1000;
  else if (unit == "TB") scale = 1000ull * 1000 * 1000 * 1000;
  else return std::nullopt;
  uint64_t out = 0;
  if (MulOverflows(n, scale, &out)) return std::nullopt;
  return out;
}

}  // namespace fgm

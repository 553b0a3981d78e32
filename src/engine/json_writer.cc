// SPDX-License-Identifier: Apache-2.0
#include "engine/json_writer.h"

#include <cmath>
#include <cstdio>

namespace fgm::engine {
namespace {

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  char* p = buf + sizeof buf;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *--p = '-';
  out->append(p, static_cast<size_t>(buf + sizeof buf - p));
}

// Decimal places for a value of magnitude |v|: 7 significant digits, at most 9 decimals (the finest
// stored quantum, 2^-16 for ratios, needs 5).
constexpr int kSignificantDigits = 7;
constexpr int kMaxDecimals = 9;

void AppendDouble(double v, std::string* out) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  double a = std::fabs(v);
  // Integral values (counters, bytes, millisecond times) print exactly, up to 2^53.
  if (a < 9007199254740992.0 && v == std::floor(v)) {
    AppendInt(static_cast<int64_t>(v), out);
    return;
  }
  if (a >= 1e15 || a < 1e-9) {
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%.*g", kSignificantDigits, v);
    out->append(buf, static_cast<size_t>(n));
    return;
  }
  // floor(log10(a)) from the binary exponent (log10(2) ~ 78913 / 2^18) and one comparison; much
  // cheaper than log10() for the ~100k numbers of a response.
  static constexpr double kPow10From[] = {1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2,
                                          1e-1,  1,    1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,   1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
  constexpr int kPow10Offset = 10;
  int magnitude = (std::ilogb(a) * 78913) >> 18;
  if (magnitude < -kPow10Offset) magnitude = -kPow10Offset;
  while (magnitude + 1 <= 15 && a >= kPow10From[magnitude + 1 + kPow10Offset]) ++magnitude;
  while (magnitude > -kPow10Offset && a < kPow10From[magnitude + kPow10Offset]) --magnitude;
  int decimals = kSignificantDigits - 1 - magnitude;
  if (decimals < 0) decimals = 0;
  if (decimals > kMaxDecimals) decimals = kMaxDecimals;
  static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  double scaled = std::round(a * kPow10[decimals]);
  uint64_t digits = static_cast<uint64_t>(scaled);
  uint64_t scale = static_cast<uint64_t>(kPow10[decimals]);
  uint64_t int_part = digits / scale;
  uint64_t frac = digits % scale;
  if (v < 0 && digits != 0) out->push_back('-');
  AppendInt(static_cast<int64_t>(int_part), out);
  if (frac == 0 || decimals == 0) return;
  char buf[16];
  int n = decimals;
  for (int i = n - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  while (n > 0 && buf[n - 1] == '0') --n;
  out->push_back('.');
  out->append(buf, static_cast<size_t>(n));
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string FormatJsonNumber(double value) {
  std::string s;
  AppendDouble(value, &s);
  return s;
}

void JsonWriter::Separator() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}
void JsonWriter::Open(char c) {
  Separator();
  out_.push_back(c);
  need_comma_ = false;
}
void JsonWriter::Close(char c) {
  out_.push_back(c);
  need_comma_ = true;
}
void JsonWriter::Key(std::string_view key) {
  Separator();
  AppendJsonString(key, &out_);
  out_.push_back(':');
  need_comma_ = false;
}
void JsonWriter::String(std::string_view value) {
  Separator();
  AppendJsonString(value, &out_);
}
void JsonWriter::Int(int64_t value) {
  Separator();
  AppendInt(value, &out_);
}
void JsonWriter::Double(double value) {
  Separator();
  AppendDouble(value, &out_);
}
void JsonWriter::Null() {
  Separator();
  out_.append("null");
}
void JsonWriter::Bool(bool value) {
  Separator();
  out_.append(value ? "true" : "false");
}
void JsonWriter::StringOrNull(std::string_view value) {
  if (value.empty()) {
    Null();
  } else {
    String(value);
  }
}
void JsonWriter::OptionalInt(const std::optional<int64_t>& value) {
  if (value) {
    Int(*value);
  } else {
    Null();
  }
}

}  // namespace fgm::engine

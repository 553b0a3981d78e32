// SPDX-License-Identifier: Apache-2.0
// JsonWriter: numbers are formatted by hand into the output buffer (digits split 8 at a time in a
// register, doubles as a scaled integer with the decimal point inserted, the common range inline),
// because formatting is most of the time of a large /api/timeseries answer. Output is
// byte-identical to the earlier std::round/division formatter (json_writer_test compares both on
// a million values).
#include "engine/json_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace fgm::engine {
namespace {

// Room needed to write one number. Digits go out in 8-byte stores that may run past the number's
// end: an int64 touches at most 1 + 4 + 8 + 8 = 21 bytes, the fixed-point path "-", 15 integer
// digits (8 + 8 stored), "." and 1 + 8 decimals = 27; "%.7g" is at most 14.
constexpr size_t kMaxNumberChars = 32;
// Values per block of an array: the block's worst case (8 KiB) is sized once and stays in L1.
constexpr size_t kArrayBlock = 256;

// Decimal digits of u (1 for 0).
inline int CountDigits(uint64_t u) {
  static constexpr uint64_t kPow10[] = {1,
                                        10,
                                        100,
                                        1000,
                                        10000,
                                        100000,
                                        1000000,
                                        10000000,
                                        100000000,
                                        1000000000,
                                        10000000000ULL,
                                        100000000000ULL,
                                        1000000000000ULL,
                                        10000000000000ULL,
                                        100000000000000ULL,
                                        1000000000000000ULL,
                                        10000000000000000ULL,
                                        100000000000000000ULL,
                                        1000000000000000000ULL,
                                        10000000000000000000ULL};
  // bits * log10(2) (1233 / 4096) estimates the count, one comparison corrects it. `u | 1`
  // makes 0 count as one digit and changes no other answer (10^n - 1 is odd).
  uint64_t x = u | 1;
  int bits = 64 - __builtin_clzll(x);
  int n = (bits * 1233) >> 12;
  return n + 1 - (x < kPow10[n]);
}

// The 8 decimal digits of x < 10^8 (leading zeros included) as 8 bytes holding 0-9, first digit
// in the lowest byte, so a little-endian store writes them in reading order. Lanes are split in a
// register (10^4, then 10^2, then 10, by multiply-shift) instead of storing digit by digit: byte
// stores reloaded as words stall store forwarding, and per-digit loops mispredict.
inline uint64_t DigitBytes8(uint64_t x) {
  // x / 10^4 as a multiply-shift that is exact for every x < 10^8 (checked exhaustively): one
  // imul, where the compiler's x / 10000 on 64 bits needs a 128-bit mul.
  uint64_t high = (x * 109951163) >> 40;
  uint64_t y = high | ((x - high * 10000) << 32);            // two 4-digit lanes
  uint64_t z = ((y * 10486) >> 20) & 0x0000007F0000007FULL;  // lane / 100 (exact < 10^4)
  y = z | ((y - z * 100) << 16);                             // four 2-digit lanes
  z = ((y * 103) >> 10) & 0x000F000F000F000FULL;             // lane / 10 (exact < 100)
  return z | ((y - z * 10) << 8);                            // eight digits
}
constexpr uint64_t kAsciiZeros = 0x3030303030303030ULL;

inline void Store8(char* p, uint64_t bytes) { std::memcpy(p, &bytes, 8); }

// u with n = CountDigits(u) <= 8 digits; writes 8 bytes.
inline char* WriteSmallUint(uint64_t u, int n, char* p) {
  // Shift the leading zero digits out of the low bytes (n >= 1, so the shift is < 64).
  Store8(p, (DigitBytes8(u) | kAsciiZeros) >> (8 * (8 - n)));
  return p + n;
}

// Writes up to 24 bytes.
inline char* WriteUint(uint64_t u, char* p) {
  constexpr uint64_t k1e8 = 100000000;
  if (u < k1e8) return WriteSmallUint(u, CountDigits(u), p);
  if (u < k1e8 * k1e8) {
    uint64_t high = u / k1e8;
    p = WriteSmallUint(high, CountDigits(high), p);
  } else {
    uint64_t top = u / (k1e8 * k1e8);  // <= 1844
    uint64_t mid = u / k1e8 % k1e8;
    p = WriteSmallUint(top, CountDigits(top), p);
    Store8(p, DigitBytes8(mid) | kAsciiZeros);
    p += 8;
  }
  Store8(p, DigitBytes8(u % k1e8) | kAsciiZeros);
  return p + 8;
}

inline char* WriteInt(int64_t v, char* p) {
  uint64_t u = static_cast<uint64_t>(v);
  if (v < 0) {
    *p++ = '-';
    u = 0 - u;
  }
  return WriteUint(u, p);
}

// `digits` / 10^kDecimals with the fraction's trailing zeros (and then the point) dropped. A
// template per decimals count so the divisions are by constants.
template <int kDecimals>
char* WriteFixed(uint64_t digits, char* p) {
  constexpr uint64_t kScale = [] {
    uint64_t s = 1;
    for (int i = 0; i < kDecimals; ++i) s *= 10;
    return s;
  }();
  uint64_t int_part = digits / kScale;
  uint64_t frac = digits % kScale;
  p = WriteUint(int_part, p);
  if constexpr (kDecimals == 0) {
    return p;
  } else {
    if (frac == 0) return p;
    *p++ = '.';
    if constexpr (kDecimals == 9) {
      *p++ = static_cast<char>('0' + frac / 100000000);
      frac %= 100000000;
      if (frac == 0) return p;
    }
    // Pad to 8 digits on the right: trailing zero digits are the high zero bytes.
    constexpr uint64_t kPadScale = [] {
      uint64_t s = 1;
      for (int i = kDecimals; i < 8; ++i) s *= 10;
      return s;
    }();
    uint64_t bytes = DigitBytes8(frac * kPadScale);
    int len = 8 - (__builtin_clzll(bytes) >> 3);
    Store8(p, bytes | kAsciiZeros);
    return p + len;
  }
}

// digits / 10^decimals for 1 <= decimals <= 7 and digits <= 10^7 (the common case, 0.1 <= |v| <
// 10^6), whose integer part has int_len digits ("0" counting as one): all digits come from one
// register split, and the point goes in by shifting that word, with no division by 10^decimals.
// Trailing fraction zeros (and then the point) are dropped.
inline char* WritePointed(uint64_t digits, int decimals, int int_len, char* p) {
  uint64_t bytes = DigitBytes8(digits);  // 8 digits, leading zeros included
  int skip = 8 - decimals - int_len;     // leading zero digits before the integer part
  Store8(p, (bytes >> (8 * skip)) | kAsciiZeros);
  p += int_len;
  uint64_t frac = bytes >> (8 * (8 - decimals));  // the `decimals` fraction digits
  if (frac == 0) return p;
  int frac_len = decimals - ((__builtin_clzll(frac) >> 3) - (8 - decimals));
  *p = '.';
  Store8(p + 1, frac | kAsciiZeros);
  return p + 1 + frac_len;
}
inline char* WritePointed(uint64_t digits, int decimals, char* p) {
  return WritePointed(digits, decimals, std::max(CountDigits(digits) - decimals, 1), p);
}

// 7 significant digits, at most 9 decimals (the finest stored quantum, 2^-16 for ratios, needs
// 5). Enough for charts (a pixel is ~1/1000 of the axis) and ~2x shorter than shortest-roundtrip.
constexpr int kSignificantDigits = 7;
constexpr int kMaxDecimals = 9;

// Every double; WriteDouble below handles the common range inline and calls this for the rest.
[[gnu::noinline]] char* WriteDoubleSlow(double v, char* p) {
  if (!std::isfinite(v)) {
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  double a = std::fabs(v);
  // Integral values (counters, bytes, millisecond times) print exactly, up to 2^53. The cast is
  // defined because |v| < 2^53.
  if (a < 9007199254740992.0) {
    int64_t i = static_cast<int64_t>(v);
    if (static_cast<double>(i) == v) return WriteInt(i, p);
  }
  if (a >= 1e15 || a < 1e-9) {
    char buf[kMaxNumberChars];
    int n = std::snprintf(buf, sizeof buf, "%.*g", kSignificantDigits, v);
    std::memcpy(p, buf, static_cast<size_t>(n));
    return p + n;
  }
  static constexpr double kPow10From[] = {1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2,
                                          1e-1,  1,    1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,   1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
  constexpr int kPow10Offset = 10;
  uint64_t bits;
  std::memcpy(&bits, &a, sizeof bits);
  int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  // floor(log10(a)): 2^e <= a < 2^(e+1) puts it at m or m + 1 for m = floor(e * log10(2)) (log10(2)
  // ~ 78913 / 2^18), and the rounded powers in the table keep that (a double 10^m cannot round
  // past 2^e), so one comparison settles it.
  int magnitude = (exponent * 78913) >> 18;
  magnitude += a >= kPow10From[magnitude + 1 + kPow10Offset];
  int decimals = kSignificantDigits - 1 - magnitude;
  if (decimals < 0) decimals = 0;
  if (decimals > kMaxDecimals) decimals = kMaxDecimals;
  static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  // Round half away from zero, as std::round, without the libm call. scaled < 1e15 (a < 1e15 when
  // decimals is clamped to 0, < 10^7 otherwise), so the cast is defined and scaled - trunc(scaled)
  // is exact.
  // The signed cast is one instruction (the unsigned one branches on 2^63).
  double scaled = a * kPow10[decimals];
  int64_t truncated = static_cast<int64_t>(scaled);
  uint64_t digits = static_cast<uint64_t>(truncated);
  digits += (scaled - static_cast<double>(truncated)) >= 0.5;
  if (v < 0 && digits != 0) *p++ = '-';
  if (decimals >= 1 && decimals <= 7) return WritePointed(digits, decimals, p);
  switch (decimals) {
    case 0:
      return WriteFixed<0>(digits, p);
    case 1:
      return WriteFixed<1>(digits, p);
    case 2:
      return WriteFixed<2>(digits, p);
    case 3:
      return WriteFixed<3>(digits, p);
    case 4:
      return WriteFixed<4>(digits, p);
    case 5:
      return WriteFixed<5>(digits, p);
    case 6:
      return WriteFixed<6>(digits, p);
    case 7:
      return WriteFixed<7>(digits, p);
    case 8:
      return WriteFixed<8>(digits, p);
    default:
      return WriteFixed<9>(digits, p);
  }
}

// 0.1 <= |v| < 10^6 (most chart values: CPU, ratios, rates) inline in the array loops; the same
// steps as WriteDoubleSlow with the clamps and range checks that cannot apply there dropped.
// Integral values need no test of their own here: scaled is then an exact integer below 10^7 and
// the fraction digits are all zero, so the point is dropped and the digits are WriteInt's.
inline char* WriteDouble(double v, char* p) {
  double a = std::fabs(v);
  if (!(a >= 0.1 && a < 1e6)) [[unlikely]] {  // NaN and inf fail both
    return WriteDoubleSlow(v, p);
  }
  static constexpr double kPow10From[] = {1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
  constexpr int kPow10Offset = 1;
  uint64_t bits;
  std::memcpy(&bits, &a, sizeof bits);
  int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  int magnitude = (exponent * 78913) >> 18;  // -1..5, see WriteDoubleSlow
  magnitude += a >= kPow10From[magnitude + 1 + kPow10Offset];
  int decimals = kSignificantDigits - 1 - magnitude;  // 1..7
  static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
  double scaled = a * kPow10[decimals];
  int64_t truncated = static_cast<int64_t>(scaled);
  uint64_t digits = static_cast<uint64_t>(truncated);
  digits += (scaled - static_cast<double>(truncated)) >= 0.5;
  if (v < 0) *p++ = '-';  // digits >= 10^6 here, never 0
  // 10^6 <= digits <= 10^7 (rounding up may reach 10^7): magnitude + 1 integer digits, one more
  // at 10^7, and at least the "0" of 0.x.
  int int_len = std::max(magnitude + 1 + (digits >= 10000000), 1);
  return WritePointed(digits, decimals, int_len, p);
}

// IntArray's values, mostly times: 9 to 16 digits (milliseconds since 1970 have 13) are a high part
// (value / 10^8) and 8 low digits, and neighbouring times share the high part, whose digits are
// kept from the previous value: one register split per time instead of two and a digit count.
class IntArrayWriter {
 public:
  char* operator()(int64_t v, char* p) {
    constexpr uint64_t k1e8 = 100000000;
    uint64_t u = static_cast<uint64_t>(v);
    if (v < static_cast<int64_t>(k1e8) || u >= k1e8 * k1e8) [[unlikely]] {
      return WriteInt(v, p);
    }
    uint64_t high = u / k1e8;
    if (high != high_) {
      high_ = high;
      high_len_ = CountDigits(high);
      high_bytes_ = (DigitBytes8(high) | kAsciiZeros) >> (8 * (8 - high_len_));
    }
    Store8(p, high_bytes_);
    p += high_len_;
    Store8(p, DigitBytes8(u - high * k1e8) | kAsciiZeros);
    return p + 8;
  }

 private:
  uint64_t high_ = ~uint64_t{0};  // no high part yet
  uint64_t high_bytes_ = 0;
  int high_len_ = 0;
};

// Makes room for `n` more bytes and returns where they start; Commit() trims to what was used.
// resize() on a reserved string only zero-fills the `n` bytes, which are about to be written.
inline char* Grow(std::string& out, size_t n) {
  size_t size = out.size();
  if (out.capacity() - size < n) out.reserve(std::max(out.capacity() * 2, size + n));
  out.resize(size + n);
  return out.data() + size;
}
inline void Commit(std::string& out, const char* end) {
  out.resize(static_cast<size_t>(end - out.data()));
}

template <typename T, typename WriteFn>
void WriteArray(std::string& out, std::span<const T> values, WriteFn write) {
  size_t i = 0;
  char* p = Grow(out, 2 + std::min(values.size(), kArrayBlock) * (kMaxNumberChars + 1));
  *p++ = '[';
  while (i < values.size()) {
    size_t block_end = std::min(values.size(), i + kArrayBlock);
    if (i != 0) {
      Commit(out, p);
      p = Grow(out, 1 + (block_end - i) * (kMaxNumberChars + 1));
    }
    // The first value of the array has no comma before it: peeled so the loop has no branch.
    if (i == 0) p = write(values[i++], p);
    for (; i < block_end; ++i) {
      *p++ = ',';
      p = write(values[i], p);
    }
  }
  *p++ = ']';
  Commit(out, p);
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
  char buf[kMaxNumberChars];
  return std::string(buf, WriteDouble(value, buf));
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
  Commit(out_, WriteInt(value, Grow(out_, kMaxNumberChars)));
}
void JsonWriter::Double(double value) {
  Separator();
  Commit(out_, WriteDouble(value, Grow(out_, kMaxNumberChars)));
}
void JsonWriter::IntArray(std::span<const int64_t> values) {
  Separator();
  WriteArray(out_, values, IntArrayWriter());
}
void JsonWriter::DoubleArray(std::span<const double> values) {
  Separator();
  WriteArray(out_, values, [](double v, char* p) { return WriteDouble(v, p); });
}
void JsonWriter::Raw(std::string_view json) {
  Separator();
  out_.append(json);
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

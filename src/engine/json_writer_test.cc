// SPDX-License-Identifier: Apache-2.0
#include "engine/json_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace fgm::engine {
namespace {

// The formatter as it was before the fast path (std::round, divisions, snprintf): the new one
// must print every value byte for byte the same, so the UI and the exported page see no change.
std::string ReferenceFormat(double v) {
  if (!std::isfinite(v)) return "null";
  double a = std::fabs(v);
  char buf[64];
  if (a < 9007199254740992.0 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    return buf;
  }
  if (a >= 1e15 || a < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.*g", 7, v);
    return buf;
  }
  static constexpr double kPow10From[] = {1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2,
                                          1e-1,  1,    1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,   1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
  int magnitude = (std::ilogb(a) * 78913) >> 18;
  if (magnitude < -10) magnitude = -10;
  while (magnitude + 1 <= 15 && a >= kPow10From[magnitude + 11]) ++magnitude;
  while (magnitude > -10 && a < kPow10From[magnitude + 10]) --magnitude;
  int decimals = std::clamp(6 - magnitude, 0, 9);
  double scale = std::pow(10.0, decimals);
  uint64_t digits = static_cast<uint64_t>(std::round(a * scale));
  uint64_t s = static_cast<uint64_t>(scale);
  std::string out = (v < 0 && digits != 0) ? "-" : "";
  out += std::to_string(digits / s);
  uint64_t frac = digits % s;
  if (frac == 0 || decimals == 0) return out;
  std::snprintf(buf, sizeof buf, "%0*llu", decimals, static_cast<unsigned long long>(frac));
  std::string f = buf;
  while (f.back() == '0') f.pop_back();
  return out + "." + f;
}

TEST(JsonWriterTest, FastFormatterMatchesReferenceOnAMillionValues) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  std::uniform_int_distribution<int> exponent(-12, 17);
  std::uniform_int_distribution<int> kind(0, 3);
  std::vector<double> values = {0.0,       -0.0,         0.5,  1.5,  2.5,       0.49999999999999994,
                                9.9999995, 9.9999994999, 1e-9, 1e15, 999999.95, 0.00049999995};
  for (int i = 0; i < 1000000; ++i) {
    double v = mantissa(rng) * std::pow(10.0, exponent(rng));
    switch (kind(rng)) {
      case 0:  // a value on a rounding boundary of its 7th digit
        v = (std::floor(v * 1e3) + 0.5) / 1e3;
        break;
      case 1:  // an integer, as counters and byte gauges are
        v = std::floor(v);
        break;
      default:
        break;
    }
    values.push_back(rng() & 1 ? -v : v);
  }
  int mismatches = 0;
  for (double v : values) {
    std::string got = FormatJsonNumber(v), want = ReferenceFormat(v);
    if (got != want && ++mismatches <= 5) {
      ADD_FAILURE() << "value " << std::hexfloat << v << ": got " << got << ", want " << want;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(JsonWriterTest, ArraysMatchValueByValueWritesAcrossBlocks) {
  // 0, 1 and 1,000 elements: empty arrays, no comma before the first, and several 256-value blocks.
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}}) {
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    for (size_t i = 0; i < n; ++i) {
      ints.push_back(1767225600000 + static_cast<int64_t>(i) * 2000 - (i % 7 == 0 ? 1 : 0));
      doubles.push_back(i % 5 == 0 ? std::numeric_limits<double>::quiet_NaN()
                                   : static_cast<double>(i) / 3 - 100);
    }
    JsonWriter a, b;
    a.BeginObject();
    a.Key("t");
    a.IntArray(ints);
    a.Key("v");
    a.DoubleArray(doubles);
    a.EndObject();
    b.BeginObject();
    b.Key("t");
    b.BeginArray();
    for (int64_t x : ints) b.Int(x);
    b.EndArray();
    b.Key("v");
    b.BeginArray();
    for (double x : doubles) b.Double(x);
    b.EndArray();
    b.EndObject();
    EXPECT_EQ(a.str(), b.str()) << n;
    if (n == 1) {
      EXPECT_EQ(a.str(), "{\"t\":[1767225599999],\"v\":[null]}");
    }
  }
}

// IntArray keeps the digits of the part above 10^8 from value to value (times share it): every
// value must still print as std::to_string does, when that part changes, stays, or is absent.
TEST(JsonWriterTest, IntArrayMatchesToStringAcrossItsDigitCache) {
  std::mt19937_64 rng(11);
  std::vector<int64_t> values = {99999999,
                                 100000000,
                                 100000001,
                                 1767225599999,
                                 1767225600000,
                                 9999999999999999,
                                 10000000000000000,
                                 -1767225600000,
                                 0,
                                 1767225600000,
                                 199999999,
                                 200000000,
                                 std::numeric_limits<int64_t>::max(),
                                 1767225600000};
  for (int i = 0; i < 200000; ++i) {
    switch (rng() % 4) {
      case 0:  // the next time of a series
        values.push_back(values.back() + 2000);
        break;
      case 1:  // near a 10^8 boundary of the high part
        values.push_back(static_cast<int64_t>(rng() % 20000000) * 100000000 - 1 +
                         static_cast<int64_t>(rng() % 3));
        break;
      case 2:
        values.push_back(static_cast<int64_t>(rng() >> (rng() % 64)));
        break;
      default:
        values.push_back(-static_cast<int64_t>(rng() >> (1 + rng() % 63)));
    }
  }
  JsonWriter w;
  w.IntArray(values);
  std::string want = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) want += ',';
    want += std::to_string(values[i]);
  }
  want += ']';
  EXPECT_EQ(w.str(), want);
}

TEST(JsonWriterTest, IntegersAtTheLimits) {
  JsonWriter w;
  w.BeginArray();
  w.Int(0);
  w.Int(9);
  w.Int(10);
  w.Int(99);
  w.Int(100);
  w.Int(std::numeric_limits<int64_t>::max());
  w.Int(std::numeric_limits<int64_t>::min());
  w.EndArray();
  EXPECT_EQ(w.str(), "[0,9,10,99,100,9223372036854775807,-9223372036854775808]");
}

TEST(JsonWriterTest, WritesNestedValuesWithCommas) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Int(-2);
  w.Null();
  w.EndArray();
  w.Key("b\"q");
  w.String("x\n\x01y");
  w.Key("c");
  w.BeginObject();
  w.EndObject();
  w.Key("d");
  w.Bool(false);
  w.EndObject();
  EXPECT_EQ(w.str(), "{\"a\":[1,-2,null],\"b\\\"q\":\"x\\n\\u0001y\",\"c\":{},\"d\":false}");
}

TEST(JsonWriterTest, NumbersAreExactForIntegersAndSevenDigitsOtherwise) {
  EXPECT_EQ(FormatJsonNumber(0), "0");
  EXPECT_EQ(FormatJsonNumber(1795600800000.0), "1795600800000");
  EXPECT_EQ(FormatJsonNumber(-42), "-42");
  EXPECT_EQ(FormatJsonNumber(0.5), "0.5");
  EXPECT_EQ(FormatJsonNumber(-0.25), "-0.25");
  EXPECT_EQ(FormatJsonNumber(1234.5678), "1234.568");
  EXPECT_EQ(FormatJsonNumber(1.0 / 3), "0.3333333");
  EXPECT_EQ(FormatJsonNumber(0.000015258789), "0.000015259");
  EXPECT_EQ(FormatJsonNumber(9.99999999), "10");
  EXPECT_EQ(FormatJsonNumber(123456789.25), "123456789");
  EXPECT_EQ(FormatJsonNumber(1e300), "1e+300");
  EXPECT_EQ(FormatJsonNumber(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(FormatJsonNumber(std::numeric_limits<double>::infinity()), "null");
}

}  // namespace
}  // namespace fgm::engine

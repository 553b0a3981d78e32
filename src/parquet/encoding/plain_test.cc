// SPDX-License-Identifier: Apache-2.0
// Tests for PLAIN and BYTE_STREAM_SPLIT: exact bytes for small inputs, round trips including float
// specials, and size checks on hostile counts.
#include "parquet/encoding/plain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/byte_stream_split.h"

namespace fgm::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

template <typename T>
bool SameBits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

template <typename T>
std::vector<T> Specials() {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {T(0), T(1), T(-1), L::min(), L::max(), L::lowest()};
  if constexpr (std::is_floating_point_v<T>) {
    v.push_back(-T(0));
    v.push_back(L::infinity());
    v.push_back(-L::infinity());
    v.push_back(L::quiet_NaN());
    v.push_back(-L::quiet_NaN());
    v.push_back(L::denorm_min());
    v.push_back(L::epsilon());
  }
  std::mt19937_64 rng(sizeof(T));
  for (int i = 0; i < 1000; ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      v.push_back(static_cast<T>(std::ldexp(static_cast<double>(rng() % 100000) - 50000,
                                            static_cast<int>(rng() % 40) - 20)));
    } else {
      v.push_back(static_cast<T>(rng()));
    }
  }
  return v;
}

TEST(PlainTest, FixedWidthBytesAreLittleEndian) {
  std::string out;
  PlainEncode<int32_t>(std::vector<int32_t>{1, -2}, &out);
  EXPECT_EQ(out, Bytes({1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF}));
  out.clear();
  PlainEncode<double>(std::vector<double>{1.0}, &out);
  EXPECT_EQ(out, Bytes({0, 0, 0, 0, 0, 0, 0xF0, 0x3F}));
}

template <typename T>
void CheckPlainRoundTrip() {
  const std::vector<T> values = Specials<T>();
  std::string encoded = "prefix";
  PlainEncode<T>(values, &encoded);
  ASSERT_EQ(encoded.size(), 6 + values.size() * sizeof(T));
  std::vector<T> decoded(values.size());
  size_t consumed = 0;
  ASSERT_TRUE(
      PlainDecode<T>(std::string_view(encoded).substr(6), values.size(), decoded.data(), &consumed)
          .ok());
  EXPECT_TRUE(SameBits(decoded, values));
  EXPECT_EQ(consumed, values.size() * sizeof(T));
  // One byte short, and a count whose byte size overflows, are both errors.
  EXPECT_EQ(
      PlainDecode<T>(std::string_view(encoded).substr(7), values.size(), decoded.data()).code(),
      StatusCode::kCorrupt);
  EXPECT_EQ(PlainDecode<T>(encoded, std::numeric_limits<size_t>::max() / 2, decoded.data()).code(),
            StatusCode::kCorrupt);
}

TEST(PlainTest, RoundTripInt32) { CheckPlainRoundTrip<int32_t>(); }
TEST(PlainTest, RoundTripInt64) { CheckPlainRoundTrip<int64_t>(); }
TEST(PlainTest, RoundTripFloat) { CheckPlainRoundTrip<float>(); }
TEST(PlainTest, RoundTripDouble) { CheckPlainRoundTrip<double>(); }

TEST(PlainTest, BooleansAreBitPackedLsbFirst) {
  std::string out;
  const std::vector<uint8_t> values = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  PlainEncodeBooleans(values, &out);
  EXPECT_EQ(out, Bytes({0x0D, 0x01}));
  std::vector<uint8_t> decoded(values.size());
  size_t consumed = 0;
  ASSERT_TRUE(PlainDecodeBooleans(out, values.size(), decoded.data(), &consumed).ok());
  EXPECT_EQ(decoded, values);
  EXPECT_EQ(consumed, 2u);
  EXPECT_EQ(PlainDecodeBooleans(out, 17, decoded.data()).code(), StatusCode::kCorrupt);
}

TEST(PlainTest, BooleanRoundTripManyLengths) {
  std::mt19937 rng(2);
  for (size_t n = 0; n < 70; ++n) {
    std::vector<uint8_t> values(n);
    for (auto& v : values) v = rng() & 1;
    std::string out;
    PlainEncodeBooleans(values, &out);
    ASSERT_EQ(out.size(), (n + 7) / 8);
    std::vector<uint8_t> decoded(n + 1, 7);
    ASSERT_TRUE(PlainDecodeBooleans(out, n, decoded.data()).ok());
    decoded.pop_back();
    EXPECT_EQ(decoded, values);
  }
}

TEST(PlainTest, ByteArraysCarryLengthPrefix) {
  ByteArrays values;
  values.Append("ab");
  values.Append("");
  values.Append("日本");
  std::string out;
  PlainEncodeByteArrays(values, &out);
  EXPECT_EQ(out, Bytes({2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 6, 0, 0, 0}) + "日本");
  ByteArrays decoded;
  size_t consumed = 0;
  ASSERT_TRUE(PlainDecodeByteArrays(out + "junk", 3, &decoded, &consumed).ok());
  ASSERT_EQ(decoded.size(), 3u);
  EXPECT_EQ(decoded[0], "ab");
  EXPECT_EQ(decoded[1], "");
  EXPECT_EQ(decoded[2], "日本");
  EXPECT_EQ(consumed, out.size());
}

TEST(PlainTest, ByteArraysRejectBadLengths) {
  ByteArrays out;
  // Length past the end.
  EXPECT_EQ(PlainDecodeByteArrays(Bytes({5, 0, 0, 0, 'a'}), 1, &out).code(), StatusCode::kCorrupt);
  // Length 0xFFFFFFFF.
  EXPECT_EQ(PlainDecodeByteArrays(Bytes({0xFF, 0xFF, 0xFF, 0xFF, 'a'}), 1, &out).code(),
            StatusCode::kCorrupt);
  // Truncated length.
  EXPECT_EQ(PlainDecodeByteArrays(Bytes({1, 0, 0, 0, 'a', 1, 0}), 2, &out).code(),
            StatusCode::kCorrupt);
  // A huge count cannot reserve memory: it is checked against the data first.
  EXPECT_EQ(PlainDecodeByteArrays(Bytes({0, 0, 0, 0}), size_t{1} << 60, &out).code(),
            StatusCode::kCorrupt);
}

TEST(PlainTest, ByteArraysEveryTruncationFails) {
  ByteArrays values;
  for (int i = 0; i < 20; ++i) values.Append(std::string(static_cast<size_t>(i), 'a' + i));
  std::string out;
  PlainEncodeByteArrays(values, &out);
  for (size_t len = 0; len < out.size(); ++len) {
    ByteArrays decoded;
    EXPECT_EQ(PlainDecodeByteArrays(out.substr(0, len), values.size(), &decoded).code(),
              StatusCode::kCorrupt)
        << len;
  }
}

TEST(PlainTest, FixedLenAndInt96) {
  const std::string data = "abcdefghijklmnopqrstuvwx";  // two INT96 values
  ByteArrays out;
  size_t consumed = 0;
  ASSERT_TRUE(PlainDecodeFixedLen(data, 2, 12, &out, &consumed).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "abcdefghijkl");
  EXPECT_EQ(out[1], "mnopqrstuvwx");
  EXPECT_EQ(consumed, 24u);
  EXPECT_EQ(PlainDecodeFixedLen(data, 3, 12, &out).code(), StatusCode::kCorrupt);
  EXPECT_EQ(PlainDecodeFixedLen(data, 1, 0, &out).code(), StatusCode::kCorrupt);
  EXPECT_EQ(PlainDecodeFixedLen(data, 1, -4, &out).code(), StatusCode::kCorrupt);
  EXPECT_EQ(PlainDecodeFixedLen(data, size_t{1} << 62, 16, &out).code(), StatusCode::kCorrupt);
}

TEST(ByteStreamSplitTest, KnownBytes) {
  std::string out;
  ByteStreamSplitEncode<int32_t>(std::vector<int32_t>{0x04030201, 0x08070605}, &out);
  EXPECT_EQ(out, Bytes({1, 5, 2, 6, 3, 7, 4, 8}));
  // Float bit patterns 3F800000, C0000000, 3F000000: stream k holds byte k of each value.
  const std::vector<float> floats = {1.0f, -2.0f, 0.5f};
  out.clear();
  ByteStreamSplitEncode<float>(floats, &out);
  EXPECT_EQ(out, Bytes({0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0x3F, 0xC0, 0x3F}));
}

template <typename T>
void CheckBssRoundTrip() {
  const std::vector<T> all = Specials<T>();
  // Every length up to 40 exercises the 8- and 4-value blocks and their leftovers.
  for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{4}, size_t{5}, size_t{7}, size_t{8},
                   size_t{9}, size_t{15}, size_t{16}, size_t{17}, size_t{33}, all.size()}) {
    const std::vector<T> values(all.begin(), all.begin() + static_cast<ptrdiff_t>(n));
    std::string encoded;
    ByteStreamSplitEncode<T>(values, &encoded);
    ASSERT_EQ(encoded.size(), n * sizeof(T));
    // The stream layout: byte k of value i sits at k * n + i.
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < sizeof(T); ++k) {
        ASSERT_EQ(encoded[k * n + i], reinterpret_cast<const char*>(&values[i])[k]);
      }
    }
    std::vector<T> decoded(n);
    ASSERT_TRUE(ByteStreamSplitDecode<T>(encoded, n, decoded.data()).ok());
    EXPECT_TRUE(SameBits(decoded, values));
  }
  std::vector<T> out(4);
  EXPECT_EQ(ByteStreamSplitDecode<T>(std::string(4 * sizeof(T) - 1, 'x'), 4, out.data()).code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(ByteStreamSplitDecode<T>(std::string(4 * sizeof(T) + 1, 'x'), 4, out.data()).code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(
      ByteStreamSplitDecode<T>("", std::numeric_limits<size_t>::max() / 2 + 1, out.data()).code(),
      StatusCode::kCorrupt);
}

TEST(ByteStreamSplitTest, RoundTripFloat) { CheckBssRoundTrip<float>(); }
TEST(ByteStreamSplitTest, RoundTripDouble) { CheckBssRoundTrip<double>(); }
TEST(ByteStreamSplitTest, RoundTripInt32) { CheckBssRoundTrip<int32_t>(); }
TEST(ByteStreamSplitTest, RoundTripInt64) { CheckBssRoundTrip<int64_t>(); }

}  // namespace
}  // namespace fgm::parquet

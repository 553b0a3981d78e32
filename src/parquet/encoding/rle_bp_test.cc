// SPDX-License-Identifier: Apache-2.0
// Tests for the RLE / bit-packed hybrid: the spec's own byte examples, round trips at every bit
// width, decoding in uneven batches, and hostile input (truncation, garbage, bad headers).
#include "parquet/encoding/rle_bp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace fgm::parquet {
namespace {

std::string Encode(const std::vector<uint32_t>& values, int bit_width) {
  RleBpEncoder encoder(bit_width);
  encoder.PutMany(values.data(), values.size());
  std::string out;
  encoder.FinishTo(&out);
  return out;
}

Status Decode(const std::string& data, int bit_width, size_t count, std::vector<uint32_t>* out) {
  out->assign(count, 0xdeadbeef);
  RleBpDecoder decoder(reinterpret_cast<const uint8_t*>(data.data()), data.size(), bit_width);
  return decoder.GetBatch(out->data(), count);
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

uint32_t Mask(int bit_width) { return bit_width == 32 ? ~0u : ((1u << bit_width) - 1); }

// Mixed data: random literals, long runs and short repeats, all below 2^bit_width.
std::vector<uint32_t> MixedValues(int bit_width, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> values;
  while (values.size() < n) {
    const uint32_t v = static_cast<uint32_t>(rng()) & Mask(bit_width);
    const size_t run = rng() % 4 == 0 ? rng() % 40 : 1;
    for (size_t i = 0; i < run && values.size() < n; ++i) values.push_back(v);
  }
  return values;
}

TEST(RleBpTest, SpecBitPackingExample) {
  // Encodings.md: 0..7 at bit width 3 pack into 10001000 11000110 11111010.
  const std::string encoded = Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3);
  EXPECT_EQ(encoded, Bytes({0x03, 0x88, 0xC6, 0xFA}));  // header: 1 group, bit-packed
  std::vector<uint32_t> decoded;
  ASSERT_TRUE(Decode(encoded, 3, 8, &decoded).ok());
  EXPECT_EQ(decoded, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(RleBpTest, RepeatedRunBytes) {
  // 100 copies of 5 at width 3: header varint(100 << 1) = C8 01, then the value in one byte.
  const std::string encoded = Encode(std::vector<uint32_t>(100, 5), 3);
  EXPECT_EQ(encoded, Bytes({0xC8, 0x01, 0x05}));
  // At width 17 the value takes ceil(17/8) = 3 bytes, little-endian.
  EXPECT_EQ(Encode(std::vector<uint32_t>(10, 0x1ABCD), 17), Bytes({0x14, 0xCD, 0xAB, 0x01}));
}

TEST(RleBpTest, LiteralsThenRunSplitAtGroupBoundary) {
  // 8 distinct values then 16 equal ones: one bit-packed group, then an RLE run of 16.
  std::vector<uint32_t> values = {1, 2, 3, 4, 5, 6, 7, 0};
  values.insert(values.end(), 16, 2);
  const std::string encoded = Encode(values, 3);
  ASSERT_EQ(encoded.size(), 1 + 3 + 1 + 1u);
  EXPECT_EQ(static_cast<uint8_t>(encoded[0]), 0x03);
  EXPECT_EQ(encoded.substr(4), Bytes({16 << 1, 2}));
  std::vector<uint32_t> decoded;
  ASSERT_TRUE(Decode(encoded, 3, values.size(), &decoded).ok());
  EXPECT_EQ(decoded, values);
}

TEST(RleBpTest, ShortTailIsPaddedGroup) {
  // 3 distinct values: one padded group. Readers stop at the count they were given.
  const std::string encoded = Encode({1, 0, 1}, 1);
  EXPECT_EQ(encoded, Bytes({0x03, 0x05}));
  // A short run of one value alone becomes an RLE run.
  EXPECT_EQ(Encode({1, 1, 1}, 1), Bytes({0x06, 0x01}));
}

TEST(RleBpTest, EmptyEncoderWritesNothing) {
  EXPECT_EQ(Encode({}, 5), "");
  std::vector<uint32_t> decoded;
  EXPECT_TRUE(Decode("", 5, 0, &decoded).ok());
}

TEST(RleBpTest, RoundTripEveryBitWidth) {
  for (int width = 0; width <= 32; ++width) {
    for (size_t n : {size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{127}, size_t{128},
                     size_t{129}, size_t{1000}, size_t{4099}}) {
      const std::vector<uint32_t> values = MixedValues(width, n, static_cast<uint32_t>(width * n));
      const std::string encoded = Encode(values, width);
      std::vector<uint32_t> decoded;
      ASSERT_TRUE(Decode(encoded, width, n, &decoded).ok()) << "width " << width << " n " << n;
      ASSERT_EQ(decoded, values) << "width " << width << " n " << n;
    }
  }
}

TEST(RleBpTest, RoundTripRandomLiteralsAtMaxValue) {
  for (int width : {1, 8, 13, 31, 32}) {
    std::vector<uint32_t> values(5000);
    std::mt19937 rng(width);
    for (auto& v : values) v = static_cast<uint32_t>(rng()) & Mask(width);
    values[17] = Mask(width);  // the largest representable value
    std::vector<uint32_t> decoded;
    ASSERT_TRUE(Decode(Encode(values, width), width, values.size(), &decoded).ok());
    EXPECT_EQ(decoded, values);
  }
}

TEST(RleBpTest, DecodeInUnevenBatchesMatchesWhole) {
  const std::vector<uint32_t> values = MixedValues(11, 10000, 42);
  const std::string encoded = Encode(values, 11);
  RleBpDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), 11);
  std::vector<uint32_t> decoded(values.size());
  size_t pos = 0;
  size_t step = 1;
  while (pos < values.size()) {
    const size_t n = std::min(step, values.size() - pos);
    ASSERT_TRUE(decoder.GetBatch(decoded.data() + pos, n).ok());
    pos += n;
    step = step * 3 % 97 + 1;
  }
  EXPECT_EQ(decoded, values);
  // Nothing is left: asking for more is an error, not garbage.
  uint32_t extra;
  EXPECT_EQ(decoder.GetBatch(&extra, 1).code(), StatusCode::kCorrupt);
}

TEST(RleBpTest, PutManyMatchesPut) {
  const std::vector<uint32_t> values = MixedValues(6, 3000, 7);
  RleBpEncoder one(6);
  for (uint32_t v : values) one.Put(v);
  EXPECT_EQ(one.values_buffered(), values.size());
  std::string a;
  one.FinishTo(&a);
  EXPECT_EQ(one.values_buffered(), 0u);
  EXPECT_EQ(a, Encode(values, 6));
}

TEST(RleBpTest, EncoderIsReusableAfterFinish) {
  RleBpEncoder encoder(4);
  std::string first;
  for (uint32_t v : {1u, 2u, 3u}) encoder.Put(v);
  encoder.FinishTo(&first);
  std::string second;
  for (uint32_t v : {1u, 2u, 3u}) encoder.Put(v);
  encoder.FinishTo(&second);
  EXPECT_EQ(first, second);
  // FinishTo appends rather than overwrites.
  std::string both = "x";
  for (uint32_t v : {1u, 2u, 3u}) encoder.Put(v);
  encoder.FinishTo(&both);
  EXPECT_EQ(both, "x" + first);
}

TEST(RleBpTest, LongLiteralRunsSplitAt63Groups) {
  std::vector<uint32_t> values(63 * 8 + 8);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i % 2);
  const std::string encoded = Encode(values, 1);
  // Header 63 groups, 63 bytes; header 1 group, 1 byte.
  ASSERT_EQ(encoded.size(), 1 + 63 + 1 + 1u);
  EXPECT_EQ(static_cast<uint8_t>(encoded[0]), (63 << 1) | 1);
  EXPECT_EQ(static_cast<uint8_t>(encoded[64]), 0x03);
  std::vector<uint32_t> decoded;
  ASSERT_TRUE(Decode(encoded, 1, values.size(), &decoded).ok());
  EXPECT_EQ(decoded, values);
}

TEST(RleBpTest, BitWidthZeroHugeRunNeedsNoData) {
  // A run of 2^31 - 1 zeros at width 0 is five header bytes; reading part of it allocates nothing.
  const std::string encoded = Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0x0F});
  std::vector<uint32_t> decoded;
  ASSERT_TRUE(Decode(encoded, 0, 100000, &decoded).ok());
  EXPECT_EQ(decoded, std::vector<uint32_t>(100000, 0));
}

TEST(RleBpTest, TruncatedBitPackedRunKeepsWholeValues) {
  // Header claims 2 groups (16 values) of width 4 but only 3 bytes follow: 6 values are there.
  const std::string encoded = Bytes({0x05, 0x21, 0x43, 0x65});
  std::vector<uint32_t> decoded;
  ASSERT_TRUE(Decode(encoded, 4, 6, &decoded).ok());
  EXPECT_EQ(decoded, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Decode(encoded, 4, 7, &decoded).code(), StatusCode::kCorrupt);
}

TEST(RleBpTest, RejectsMalformedInput) {
  std::vector<uint32_t> decoded;
  // RLE value 9 does not fit in 3 bits.
  EXPECT_EQ(Decode(Bytes({0x10, 0x09}), 3, 8, &decoded).code(), StatusCode::kCorrupt);
  // Bit width outside 0..32.
  EXPECT_EQ(Decode(Bytes({0x10, 0x01}), 33, 8, &decoded).code(), StatusCode::kCorrupt);
  EXPECT_EQ(Decode(Bytes({0x10, 0x01}), -1, 8, &decoded).code(), StatusCode::kCorrupt);
  // Header varint longer than 32 bits.
  EXPECT_EQ(Decode(Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00}), 1, 8, &decoded).code(),
            StatusCode::kCorrupt);
  // Header varint that never ends.
  EXPECT_EQ(Decode(Bytes({0x80, 0x80}), 1, 8, &decoded).code(), StatusCode::kCorrupt);
  // RLE run whose value bytes are missing.
  EXPECT_EQ(Decode(Bytes({0x10, 0x01}), 9, 8, &decoded).code(), StatusCode::kCorrupt);
  // Stream with fewer values than asked for.
  EXPECT_EQ(Decode(Bytes({0x10, 0x01}), 1, 9, &decoded).code(), StatusCode::kCorrupt);
}

TEST(RleBpTest, ZeroLengthRunsEndWithAnError) {
  // Zero-length RLE and bit-packed runs consume their header byte and make no progress; the
  // decoder walks past them and reports the stream as short instead of spinning.
  std::vector<uint32_t> decoded;
  const std::string zeros(1000, '\0');
  EXPECT_EQ(Decode(zeros, 0, 5, &decoded).code(), StatusCode::kCorrupt);
  EXPECT_EQ(Decode(std::string(1000, '\x01'), 7, 5, &decoded).code(), StatusCode::kCorrupt);
  // ...and values after them are still found.
  EXPECT_TRUE(Decode(Bytes({0x01, 0x00, 0x00, 0x06, 0x01}), 1, 3, &decoded).ok());
  EXPECT_EQ(decoded, (std::vector<uint32_t>{1, 1, 1}));
}

TEST(RleBpTest, EveryTruncationFailsCleanlyOrDecodesCorrectly) {
  for (int width : {1, 3, 8, 20, 32}) {
    const std::vector<uint32_t> values = MixedValues(width, 300, 99 + width);
    const std::string encoded = Encode(values, width);
    for (size_t len = 0; len < encoded.size(); ++len) {
      std::vector<uint32_t> decoded;
      const Status s = Decode(encoded.substr(0, len), width, values.size(), &decoded);
      // Cutting off only the zero padding of the final group leaves every value intact.
      if (s.ok()) {
        EXPECT_EQ(decoded, values) << "width " << width << " len " << len;
      } else {
        EXPECT_EQ(s.code(), StatusCode::kCorrupt);
      }
    }
  }
}

TEST(RleBpTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(1234);
  std::vector<uint32_t> out(2048);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string data(rng() % 64, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    const int width = static_cast<int>(rng() % 33);
    RleBpDecoder decoder(reinterpret_cast<const uint8_t*>(data.data()), data.size(), width);
    const Status s = decoder.GetBatch(out.data(), rng() % out.size());
    if (s.ok() && width < 32) {
      for (uint32_t v : out) ASSERT_EQ(v >> width, 0u) << "value wider than its bit width";
    }
    std::fill(out.begin(), out.end(), 0u);
  }
}

void PutTooWide() {
  RleBpEncoder encoder(3);
  encoder.Put(8);
}

void PutManyTooWide() {
  const std::vector<uint32_t> values = {1, 2, 3, 4, 5, 6, 7, 8};
  RleBpEncoder encoder(3);
  encoder.PutMany(values.data(), values.size());
}

TEST(RleBpDeathTest, ValueWiderThanBitWidthAborts) {
  EXPECT_DEATH(PutTooWide(), "needs more than 3 bits");
  EXPECT_DEATH(PutManyTooWide(), "needs more than 3 bits");
  EXPECT_DEATH(RleBpEncoder(33), "bit width");
}

TEST(RleBpTest, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(UINT32_MAX), 32);
  EXPECT_EQ(BitWidth(UINT64_MAX), 64);
}

}  // namespace
}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// Tests for DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY: the spec's examples
// byte for byte, round trips over edge data, streams laid out as other writers lay them out (other
// block sizes, missing padding, 64-bit deltas for INT32), and hostile input.
#include "parquet/encoding/delta.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace fgm::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

template <typename T>
std::string EncodeDbp(const std::vector<T>& values) {
  std::string out;
  DeltaBinaryPackedEncode<T>(values, &out);
  return out;
}

template <typename T>
std::vector<T> MustDecodeDbp(const std::string& data, size_t* consumed = nullptr) {
  std::vector<T> out;
  const Status s = DeltaBinaryPackedDecode<T>(data, 1 << 24, &out, consumed);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// An independent, deliberately naive DBP writer: any block layout, deltas in the unsigned domain
// of `Wide` (int64 for a writer that widens INT32 before subtracting), optional padding of the last
// miniblock. Bits are written one at a time, so it shares no code with the encoder under test.
struct BitWriter {
  std::string bytes;
  size_t bit = 0;
  void Put(uint64_t value, int width) {
    for (int i = 0; i < width; ++i, ++bit) {
      if (bit % 8 == 0) bytes.push_back('\0');
      if ((value >> i) & 1) bytes.back() = static_cast<char>(bytes.back() | (1 << (bit % 8)));
    }
  }
};

void PutVarint(uint64_t v, std::string* out) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out->push_back(static_cast<char>(b));
  } while (v != 0);
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

template <typename Wide, typename T>
std::string ReferenceDbp(const std::vector<T>& values, uint64_t block_size, uint64_t miniblocks,
                         bool pad_last_miniblock) {
  using U = std::make_unsigned_t<Wide>;
  std::string out;
  PutVarint(block_size, &out);
  PutVarint(miniblocks, &out);
  PutVarint(values.size(), &out);
  PutVarint(ZigZag(values.empty() ? 0 : static_cast<int64_t>(values[0])), &out);
  const uint64_t per_mini = block_size / miniblocks;
  for (size_t start = 1; start < values.size(); start += block_size) {
    const size_t count = std::min<size_t>(block_size, values.size() - start);
    std::vector<Wide> deltas(count);
    for (size_t i = 0; i < count; ++i) {
      deltas[i] = static_cast<Wide>(static_cast<U>(static_cast<Wide>(values[start + i])) -
                                    static_cast<U>(static_cast<Wide>(values[start + i - 1])));
    }
    const Wide min = *std::min_element(deltas.begin(), deltas.end());
    PutVarint(ZigZag(static_cast<int64_t>(min)), &out);
    std::vector<int> widths(miniblocks, 0);
    for (uint64_t m = 0; m < miniblocks && m * per_mini < count; ++m) {
      U bits = 0;
      for (size_t i = m * per_mini; i < std::min<size_t>(count, (m + 1) * per_mini); ++i) {
        bits |= static_cast<U>(static_cast<U>(deltas[i]) - static_cast<U>(min));
      }
      while (bits != 0) {
        ++widths[m];
        bits >>= 1;
      }
    }
    for (int w : widths) out.push_back(static_cast<char>(w));
    for (uint64_t m = 0; m < miniblocks && m * per_mini < count; ++m) {
      BitWriter bw;
      const size_t end = std::min<size_t>(count, (m + 1) * per_mini);
      for (size_t i = m * per_mini; i < end; ++i) {
        bw.Put(static_cast<U>(static_cast<U>(deltas[i]) - static_cast<U>(min)), widths[m]);
      }
      const bool last = end == count && start + block_size >= values.size();
      if (!last || pad_last_miniblock) {
        // Padding with arbitrary bits, which readers must accept.
        for (size_t i = end; i < (m + 1) * per_mini; ++i) bw.Put(~uint64_t{0}, widths[m]);
      }
      out += bw.bytes;
    }
  }
  return out;
}

template <typename T>
std::vector<std::vector<T>> EdgeCases() {
  using L = std::numeric_limits<T>;
  std::vector<std::vector<T>> cases;
  cases.push_back({});
  cases.push_back({42});
  cases.push_back({L::min()});
  cases.push_back({L::max(), L::min()});
  for (size_t n : {2, 31, 32, 33, 127, 128, 129, 130, 255, 256, 257, 1000}) {
    std::vector<T> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<T>(i * 3);
    cases.push_back(v);
  }
  cases.push_back(std::vector<T>(500, -7));  // all equal: width 0 everywhere
  {
    std::vector<T> v(300);  // extremes alternating: deltas wrap around
    for (size_t i = 0; i < v.size(); ++i) v[i] = i % 2 ? L::min() : L::max();
    cases.push_back(v);
  }
  {
    std::vector<T> v(1000);  // counter with resets
    T c = 0;
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = (i % 97 == 0) ? (c = 0) : (c += static_cast<T>(i % 13));
    cases.push_back(v);
  }
  {
    std::mt19937_64 rng(5);
    std::vector<T> v(777);  // full-range random: 64-bit (or 32-bit) widths
    for (auto& x : v) x = static_cast<T>(rng());
    cases.push_back(v);
    std::vector<T> w(777);  // decreasing
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<T>(1000000 - static_cast<T>(i) * 17);
    cases.push_back(w);
  }
  if constexpr (sizeof(T) == 8) {
    std::vector<T> ts(5000);  // nanosecond timestamps at ~1 s with jitter
    std::mt19937 rng(9);
    T t = 1'700'000'000'000'000'000;
    for (auto& x : ts) x = (t += 1'000'000'000 + static_cast<T>(rng() % 2'000'000));
    cases.push_back(ts);
  }
  return cases;
}

TEST(DeltaBinaryPackedTest, SpecExamplesDecodeAsWritten) {
  // Encodings.md example 1 (block size 8, one miniblock): 1, 2, 3, 4, 5.
  EXPECT_EQ(MustDecodeDbp<int32_t>(Bytes({8, 1, 5, 2, 2, 0})),
            (std::vector<int32_t>{1, 2, 3, 4, 5}));
  // Example 2: 7, 5, 3, 1, 2, 3, 4, 5 -> min delta -2, width 2, relative 0,0,0,3,3,3,3 (+ pad).
  size_t consumed = 0;
  EXPECT_EQ(MustDecodeDbp<int64_t>(Bytes({8, 1, 8, 14, 3, 2, 0xC0, 0x3F}), &consumed),
            (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, 8u);
}

TEST(DeltaBinaryPackedTest, SpecExamplesEncodeWithRealBlockSize) {
  // The same data with the block layout we write (128 values, 4 miniblocks of 32).
  EXPECT_EQ(EncodeDbp<int32_t>({1, 2, 3, 4, 5}),
            Bytes({0x80, 0x01, 4, 5, 2, /*min delta*/ 2, /*widths*/ 0, 0, 0, 0}));
  EXPECT_EQ(EncodeDbp<int64_t>({7, 5, 3, 1, 2, 3, 4, 5}),
            Bytes({0x80, 0x01, 4, 8, 14, /*min delta -2*/ 3, /*widths*/ 2, 0, 0, 0,
                   /*32 x 2 bits*/ 0xC0, 0x3F, 0, 0, 0, 0, 0, 0}));
  // Empty and single-value streams are a header alone.
  EXPECT_EQ(EncodeDbp<int64_t>({}), Bytes({0x80, 0x01, 4, 0, 0}));
  EXPECT_EQ(EncodeDbp<int64_t>({-1}), Bytes({0x80, 0x01, 4, 1, 1}));
}

template <typename T>
void CheckRoundTrips() {
  for (const std::vector<T>& values : EdgeCases<T>()) {
    const std::string encoded = EncodeDbp(values);
    size_t consumed = 0;
    ASSERT_EQ(MustDecodeDbp<T>(encoded, &consumed), values) << "n=" << values.size();
    EXPECT_EQ(consumed, encoded.size());
  }
}

TEST(DeltaBinaryPackedTest, RoundTripInt32) { CheckRoundTrips<int32_t>(); }
TEST(DeltaBinaryPackedTest, RoundTripInt64) { CheckRoundTrips<int64_t>(); }

TEST(DeltaBinaryPackedTest, MonotonicTimestampsCompress) {
  std::vector<int64_t> ts(100000);
  for (size_t i = 0; i < ts.size(); ++i) ts[i] = 1'700'000'000'000 + static_cast<int64_t>(i) * 1000;
  const std::string encoded = EncodeDbp(ts);
  // Constant step: every miniblock has width 0, so a block is 5 bytes for 128 values.
  EXPECT_LT(encoded.size(), ts.size() / 20);
  EXPECT_EQ(MustDecodeDbp<int64_t>(encoded), ts);
}

template <typename T>
void CheckForeignLayouts() {
  for (const std::vector<T>& values : EdgeCases<T>()) {
    for (auto [block, minis] : {std::pair<uint64_t, uint64_t>{128, 4},
                                {256, 8},
                                {128, 1},
                                {512, 4},
                                {1024, 32},
                                {8, 1},
                                {64, 2}}) {
      for (bool pad : {true, false}) {
        const std::string encoded = ReferenceDbp<T>(values, block, minis, pad);
        size_t consumed = 0;
        ASSERT_EQ(MustDecodeDbp<T>(encoded, &consumed), values)
            << "n=" << values.size() << " block " << block << "/" << minis << " pad " << pad;
        EXPECT_EQ(consumed, encoded.size());
      }
    }
  }
}

TEST(DeltaBinaryPackedTest, DecodesOtherBlockLayoutsAndMissingPadding) {
  CheckForeignLayouts<int32_t>();
  CheckForeignLayouts<int64_t>();
}

TEST(DeltaBinaryPackedTest, Int32StreamsWithWidenedDeltasDecode) {
  // A writer that subtracts INT32 values in 64 bits needs up to 33-bit deltas; wrapping at 32 bits
  // still restores the values.
  for (const std::vector<int32_t>& values : EdgeCases<int32_t>()) {
    EXPECT_EQ(MustDecodeDbp<int32_t>(ReferenceDbp<int64_t>(values, 128, 4, true)), values);
  }
}

TEST(DeltaBinaryPackedTest, ConsumedAllowsBackToBackStreams) {
  const std::vector<int64_t> a = {5, 9, 1000, -3};
  const std::vector<int64_t> b(300, 12);
  const std::string both = EncodeDbp(a) + EncodeDbp(b);
  size_t consumed = 0;
  EXPECT_EQ(MustDecodeDbp<int64_t>(both, &consumed), a);
  EXPECT_EQ(MustDecodeDbp<int64_t>(both.substr(consumed)), b);
}

TEST(DeltaBinaryPackedTest, AppendsToExistingOutput) {
  std::vector<int64_t> out = {-1, -2};
  ASSERT_TRUE(DeltaBinaryPackedDecode<int64_t>(EncodeDbp<int64_t>({7, 8}), 10, &out).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{-1, -2, 7, 8}));
}

TEST(DeltaBinaryPackedTest, RejectsMoreValuesThanMax) {
  std::vector<int64_t> values(200, 3);
  std::vector<int64_t> out;
  EXPECT_EQ(DeltaBinaryPackedDecode<int64_t>(EncodeDbp(values), 199, &out).code(),
            StatusCode::kCorrupt);
  EXPECT_TRUE(out.empty());
  // A header claiming 2^62 values is rejected before anything is allocated.
  EXPECT_EQ(DeltaBinaryPackedDecode<int64_t>(
                Bytes({0x80, 0x01, 4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0}),
                1000, &out)
                .code(),
            StatusCode::kCorrupt);
}

TEST(DeltaBinaryPackedTest, RejectsBadHeadersAndWidths) {
  std::vector<int64_t> out = {99};
  auto code = [&](const std::string& s) {
    return DeltaBinaryPackedDecode<int64_t>(s, 1000, &out).code();
  };
  EXPECT_EQ(code(""), StatusCode::kCorrupt);
  EXPECT_EQ(code(Bytes({0, 4, 5, 2})), StatusCode::kCorrupt);           // block size 0
  EXPECT_EQ(code(Bytes({0x80, 0x01, 0, 5, 2})), StatusCode::kCorrupt);  // no miniblocks
  EXPECT_EQ(code(Bytes({0x80, 0x01, 3, 5, 2})), StatusCode::kCorrupt);  // 128 / 3
  EXPECT_EQ(code(Bytes({12, 1, 5, 2})), StatusCode::kCorrupt);          // miniblock of 12 values
  // Width 65 in a used miniblock.
  EXPECT_EQ(code(Bytes({0x80, 0x01, 4, 5, 2, 2, 65, 0, 0, 0})), StatusCode::kCorrupt);
  // Width 255 in an unused miniblock is ignored, as the spec requires.
  EXPECT_EQ(code(Bytes({0x80, 0x01, 4, 5, 2, 2, 0, 255, 255, 255})), StatusCode::kOk);
  EXPECT_EQ(out, (std::vector<int64_t>{99, 1, 2, 3, 4, 5}));
  out = {99};
  // Missing block after the header; output is left as it was.
  EXPECT_EQ(code(Bytes({0x80, 0x01, 4, 5, 2})), StatusCode::kCorrupt);
  EXPECT_EQ(out, (std::vector<int64_t>{99}));
  // Varint running past 64 bits.
  EXPECT_EQ(
      code(Bytes({0x80, 0x01, 4, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F})),
      StatusCode::kCorrupt);
}

TEST(DeltaBinaryPackedTest, EveryTruncationFailsCleanlyOrDecodesCorrectly) {
  std::mt19937_64 rng(3);
  std::vector<int64_t> values(600);
  for (auto& v : values) v = static_cast<int64_t>(rng() % 100000);
  for (const std::string& encoded :
       {EncodeDbp(values), ReferenceDbp<int64_t>(values, 256, 8, true)}) {
    for (size_t len = 0; len < encoded.size(); ++len) {
      std::vector<int64_t> out;
      const Status s = DeltaBinaryPackedDecode<int64_t>(encoded.substr(0, len), 1000, &out);
      if (s.ok()) {
        // Only the padding of the last miniblock may go missing.
        EXPECT_EQ(out, values) << len;
      } else {
        EXPECT_EQ(s.code(), StatusCode::kCorrupt);
        EXPECT_TRUE(out.empty());
      }
    }
  }
}

TEST(DeltaBinaryPackedTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(77);
  const std::string valid = EncodeDbp<int64_t>(EdgeCases<int64_t>().back());
  for (int iter = 0; iter < 5000; ++iter) {
    std::string data;
    if (iter % 2 == 0) {
      data.resize(rng() % 80);
      for (auto& c : data) c = static_cast<char>(rng());
    } else {
      // Valid stream with a few bytes flipped: reaches deeper into the block decoder.
      data = valid.substr(0, rng() % valid.size());
      for (int k = 0; k < 3 && !data.empty(); ++k)
        data[rng() % data.size()] ^= char(1 << (rng() % 8));
    }
    std::vector<int64_t> out64;
    DeltaBinaryPackedDecode<int64_t>(data, 10000, &out64).IgnoreError();
    EXPECT_LE(out64.size(), 10000u);
    std::vector<int32_t> out32;
    DeltaBinaryPackedDecode<int32_t>(data, 10000, &out32).IgnoreError();
  }
}

ByteArrays Strings(std::initializer_list<std::string_view> values) {
  ByteArrays out;
  for (auto v : values) out.Append(v);
  return out;
}

std::vector<std::string> ToVector(const ByteArrays& a) {
  std::vector<std::string> v;
  for (size_t i = 0; i < a.size(); ++i) v.emplace_back(a[i]);
  return v;
}

std::vector<ByteArrays> StringCases() {
  std::vector<ByteArrays> cases;
  cases.push_back(Strings({}));
  cases.push_back(Strings({""}));
  cases.push_back(Strings({"", "", ""}));
  cases.push_back(Strings({"Hello", "World", "Foobar", "ABCDEF"}));
  cases.push_back(Strings({"grüße", "日本語", "emoji 🚀", "ünïcödé", "", "\xff\xfe binary"}));
  cases.push_back(Strings({std::string_view("a\0b", 3), std::string_view("a\0c", 3)}));
  ByteArrays many;
  std::mt19937 rng(4);
  for (int i = 0; i < 1000; ++i) {
    many.Append("/kubepods/burstable/pod" + std::to_string(rng() % 50) + "/container" +
                std::string(rng() % 20, 'x'));
  }
  cases.push_back(many);
  ByteArrays big;
  big.Append(std::string(100000, 'q'));
  big.Append(std::string(99999, 'q') + "r");
  cases.push_back(big);
  return cases;
}

TEST(DeltaLengthByteArrayTest, SpecExample) {
  // Encodings.md: lengths 5, 5, 6, 6 (DBP) followed by the concatenated bytes.
  const ByteArrays values = Strings({"Hello", "World", "Foobar", "ABCDEF"});
  std::string encoded;
  DeltaLengthByteArrayEncode(values, &encoded);
  EXPECT_EQ(encoded, EncodeDbp<int32_t>({5, 5, 6, 6}) + "HelloWorldFoobarABCDEF");
  ByteArrays decoded;
  size_t consumed = 0;
  ASSERT_TRUE(DeltaLengthByteArrayDecode(encoded, 10, &decoded, &consumed).ok());
  EXPECT_EQ(ToVector(decoded), ToVector(values));
  EXPECT_EQ(consumed, encoded.size());
}

TEST(DeltaLengthByteArrayTest, RoundTrips) {
  for (const ByteArrays& values : StringCases()) {
    std::string encoded;
    DeltaLengthByteArrayEncode(values, &encoded);
    encoded += "trailing";
    ByteArrays decoded;
    decoded.Append("existing");
    size_t consumed = 0;
    ASSERT_TRUE(DeltaLengthByteArrayDecode(encoded, 100000, &decoded, &consumed).ok());
    EXPECT_EQ(consumed, encoded.size() - 8);
    std::vector<std::string> expected = {"existing"};
    for (auto& s : ToVector(values)) expected.push_back(s);
    EXPECT_EQ(ToVector(decoded), expected);
  }
}

TEST(DeltaLengthByteArrayTest, RejectsBadLengths) {
  ByteArrays out;
  // Negative length.
  EXPECT_EQ(DeltaLengthByteArrayDecode(EncodeDbp<int32_t>({3, -1}) + "abc", 10, &out).code(),
            StatusCode::kCorrupt);
  // Lengths past the end of the data.
  EXPECT_EQ(DeltaLengthByteArrayDecode(EncodeDbp<int32_t>({3, 4}) + "abcdef", 10, &out).code(),
            StatusCode::kCorrupt);
  // Huge lengths are summed without overflow and found to run past the end.
  EXPECT_EQ(DeltaLengthByteArrayDecode(
                EncodeDbp<int32_t>({INT32_MAX, INT32_MAX, INT32_MAX}) + "abc", 10, &out)
                .code(),
            StatusCode::kCorrupt);
  EXPECT_TRUE(out.empty());
}

TEST(DeltaByteArrayTest, SpecExample) {
  // Encodings.md: axis, axle, babble, babyhood -> prefixes 0 2 0 3, suffixes axis le babble yhood.
  const ByteArrays values = Strings({"axis", "axle", "babble", "babyhood"});
  std::string encoded;
  DeltaByteArrayEncode(values, &encoded);
  std::string expected = EncodeDbp<int32_t>({0, 2, 0, 3});
  DeltaLengthByteArrayEncode(Strings({"axis", "le", "babble", "yhood"}), &expected);
  EXPECT_EQ(encoded, expected);
  ByteArrays decoded;
  size_t consumed = 0;
  ASSERT_TRUE(DeltaByteArrayDecode(encoded, 10, &decoded, &consumed).ok());
  EXPECT_EQ(ToVector(decoded), ToVector(values));
  EXPECT_EQ(consumed, encoded.size());
}

TEST(DeltaByteArrayTest, RoundTrips) {
  for (const ByteArrays& values : StringCases()) {
    std::string encoded;
    DeltaByteArrayEncode(values, &encoded);
    ByteArrays decoded;
    ASSERT_TRUE(DeltaByteArrayDecode(encoded, 100000, &decoded).ok());
    EXPECT_EQ(ToVector(decoded), ToVector(values));
  }
}

TEST(DeltaByteArrayTest, RejectsInconsistentStreams) {
  ByteArrays out;
  auto stream = [](std::vector<int32_t> prefixes, const ByteArrays& suffixes) {
    std::string s = EncodeDbp<int32_t>(prefixes);
    DeltaLengthByteArrayEncode(suffixes, &s);
    return s;
  };
  // First value cannot have a prefix.
  EXPECT_EQ(DeltaByteArrayDecode(stream({1}, Strings({"a"})), 10, &out).code(),
            StatusCode::kCorrupt);
  // Prefix longer than the previous value.
  EXPECT_EQ(DeltaByteArrayDecode(stream({0, 3}, Strings({"ab", "c"})), 10, &out).code(),
            StatusCode::kCorrupt);
  // Negative prefix.
  EXPECT_EQ(DeltaByteArrayDecode(stream({0, -1}, Strings({"ab", "c"})), 10, &out).code(),
            StatusCode::kCorrupt);
  // Prefix and suffix counts differ.
  EXPECT_EQ(DeltaByteArrayDecode(stream({0, 1}, Strings({"ab"})), 10, &out).code(),
            StatusCode::kCorrupt);
  EXPECT_TRUE(out.empty());
}

TEST(DeltaByteArrayTest, ExpansionBombIsRejected) {
  // One 1 MiB value, then 400 values that repeat all of it with empty suffixes: about 1 MiB of
  // input claiming 401 MiB of output.
  constexpr int32_t kLen = 1 << 20;
  std::vector<int32_t> prefixes(401, kLen);
  prefixes[0] = 0;
  std::vector<int32_t> suffix_lengths(401, 0);
  suffix_lengths[0] = kLen;
  const std::string stream =
      EncodeDbp(prefixes) + EncodeDbp(suffix_lengths) + std::string(kLen, 'z');
  ByteArrays out;
  EXPECT_EQ(DeltaByteArrayDecode(stream, 1000, &out).code(), StatusCode::kCorrupt);
  EXPECT_TRUE(out.empty());
  // The same shape below the cap decodes.
  prefixes.resize(10);
  suffix_lengths.resize(10);
  ASSERT_TRUE(
      DeltaByteArrayDecode(EncodeDbp(prefixes) + EncodeDbp(suffix_lengths) + std::string(kLen, 'z'),
                           1000, &out)
          .ok());
  ASSERT_EQ(out.size(), 10u);
  EXPECT_EQ(out[9], std::string(kLen, 'z'));
}

TEST(DeltaByteArrayTest, TruncationAndGarbageFailCleanly) {
  const ByteArrays values = StringCases()[6];
  std::string encoded;
  DeltaByteArrayEncode(values, &encoded);
  std::string dlba;
  DeltaLengthByteArrayEncode(values, &dlba);
  for (size_t len = 0; len < encoded.size(); len += 7) {
    ByteArrays out;
    const Status s = DeltaByteArrayDecode(encoded.substr(0, len), 100000, &out);
    if (s.ok()) {
      EXPECT_EQ(ToVector(out), ToVector(values));  // only empty trailing suffixes were cut
    } else {
      EXPECT_EQ(s.code(), StatusCode::kCorrupt);
      EXPECT_TRUE(out.empty());
    }
  }
  for (size_t len = 0; len < dlba.size(); len += 7) {
    ByteArrays out;
    EXPECT_EQ(DeltaLengthByteArrayDecode(dlba.substr(0, len), 100000, &out).code(),
              StatusCode::kCorrupt);
  }
  std::mt19937 rng(8);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string data = encoded.substr(0, rng() % 200);
    for (int k = 0; k < 4 && !data.empty(); ++k)
      data[rng() % data.size()] = static_cast<char>(rng());
    ByteArrays out;
    DeltaByteArrayDecode(data, 100000, &out).IgnoreError();
    DeltaLengthByteArrayDecode(data, 100000, &out).IgnoreError();
  }
}

}  // namespace
}  // namespace fgm::parquet

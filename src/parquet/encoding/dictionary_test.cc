// SPDX-License-Identifier: Apache-2.0
// Tests for DictionaryBuilder: first-seen indices, bit-pattern identity of floats, owned strings,
// the PLAIN dictionary page and its size accounting, growth past many rehashes, and Clear().
#include "parquet/encoding/dictionary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoding/plain.h"

namespace fgm::parquet {
namespace {

TEST(DictionaryBuilderTest, IndicesFollowFirstSeenOrder) {
  DictionaryBuilder<int64_t> dict;
  EXPECT_EQ(dict.Insert(30), 0u);
  EXPECT_EQ(dict.Insert(10), 1u);
  EXPECT_EQ(dict.Insert(30), 0u);
  EXPECT_EQ(dict.Insert(-5), 2u);
  EXPECT_EQ(dict.Insert(10), 1u);
  EXPECT_EQ(dict.size(), 3u);
  EXPECT_EQ(dict.bytes(), 24u);
  std::string page;
  dict.WriteDictionaryPage(&page);
  std::string expected;
  PlainEncode<int64_t>(std::vector<int64_t>{30, 10, -5}, &expected);
  EXPECT_EQ(page, expected);
}

TEST(DictionaryBuilderTest, FloatsAreKeyedByBitPattern) {
  DictionaryBuilder<double> dict;
  const double nan_a = std::numeric_limits<double>::quiet_NaN();
  double nan_b;
  const uint64_t payload = 0x7ff8000000000123ull;  // a NaN with a different payload
  std::memcpy(&nan_b, &payload, 8);
  EXPECT_EQ(dict.Insert(0.0), 0u);
  EXPECT_EQ(dict.Insert(-0.0), 1u);  // == 0.0 numerically, distinct bits
  EXPECT_EQ(dict.Insert(nan_a), 2u);
  EXPECT_EQ(dict.Insert(nan_a), 2u);  // NaN != NaN numerically, same bits
  EXPECT_EQ(dict.Insert(nan_b), 3u);
  EXPECT_EQ(dict.Insert(std::numeric_limits<double>::infinity()), 4u);
  EXPECT_EQ(dict.Insert(-0.0), 1u);
  std::string page;
  dict.WriteDictionaryPage(&page);
  ASSERT_EQ(page.size(), 5 * 8u);
  std::vector<double> back(5);
  ASSERT_TRUE(PlainDecode<double>(page, 5, back.data()).ok());
  EXPECT_TRUE(std::signbit(back[1]));
  EXPECT_EQ(std::memcmp(&back[3], &payload, 8), 0);

  DictionaryBuilder<float> fdict;
  EXPECT_EQ(fdict.Insert(0.0f), 0u);
  EXPECT_EQ(fdict.Insert(-0.0f), 1u);
  EXPECT_EQ(fdict.bytes(), 8u);
}

TEST(DictionaryBuilderTest, StringsAreOwnedCopies) {
  DictionaryBuilder<std::string_view> dict;
  {
    std::string temp = "pod-a";
    EXPECT_EQ(dict.Insert(temp), 0u);
    temp = "XXXXX";  // the caller's buffer changes; the dictionary keeps its copy
  }
  EXPECT_EQ(dict.Insert(""), 1u);
  EXPECT_EQ(dict.Insert("ünïcödé"), 2u);
  EXPECT_EQ(dict.Insert(std::string("pod-a")), 0u);
  EXPECT_EQ(dict.Insert(""), 1u);
  EXPECT_EQ(dict.size(), 3u);
  EXPECT_EQ(dict.bytes(), (4 + 5) + (4 + 0) + (4 + std::string("ünïcödé").size()));
  std::string page;
  dict.WriteDictionaryPage(&page);
  EXPECT_EQ(page.size(), dict.bytes());
  ByteArrays back;
  ASSERT_TRUE(PlainDecodeByteArrays(page, 3, &back).ok());
  EXPECT_EQ(back[0], "pod-a");
  EXPECT_EQ(back[1], "");
  EXPECT_EQ(back[2], "ünïcödé");
}

TEST(DictionaryBuilderTest, ManyValuesSurviveGrowth) {
  DictionaryBuilder<int32_t> ints;
  DictionaryBuilder<std::string_view> strings;
  std::mt19937 rng(6);
  std::vector<int32_t> seen;
  for (int i = 0; i < 200000; ++i) {
    // Sequential keys as well as random ones: the hash must spread both.
    const int32_t v = i % 3 == 0 ? i * 1024 : static_cast<int32_t>(rng() % 50000);
    const uint32_t index = ints.Insert(v);
    if (index == seen.size()) seen.push_back(v);
    ASSERT_LT(index, seen.size());
    ASSERT_EQ(seen[index], v);
    const std::string s = "value-" + std::to_string(v);
    ASSERT_EQ(strings.Insert(s), index);
  }
  EXPECT_EQ(ints.size(), seen.size());
  EXPECT_EQ(strings.size(), seen.size());
  EXPECT_EQ(ints.bytes(), 4 * seen.size());
}

TEST(DictionaryBuilderTest, ClearStartsOver) {
  DictionaryBuilder<std::string_view> dict;
  dict.Insert("a");
  dict.Insert("b");
  dict.Clear();
  EXPECT_EQ(dict.size(), 0u);
  EXPECT_EQ(dict.bytes(), 0u);
  EXPECT_EQ(dict.Insert("b"), 0u);
  EXPECT_EQ(dict.Insert("a"), 1u);
  std::string page;
  dict.WriteDictionaryPage(&page);
  EXPECT_EQ(page, std::string("\x01\0\0\0b\x01\0\0\0a", 10));
}

}  // namespace
}  // namespace fgm::parquet

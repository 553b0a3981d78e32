// SPDX-License-Identifier: Apache-2.0
// Tests for statistics decoding, sort orders and range matching, and for RowRanges set operations.
#include "parquet/reader/statistics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "parquet/reader/row_ranges.h"

namespace fgm::parquet {
namespace {

template <typename T>
std::string Le(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

ColumnSpec Uint64Column() {
  ColumnSpec c = ColumnSpec::Int64("u");
  c.logical_type = LogicalType::Integer(64, false);
  return c;
}

TEST(SortOrderTest, FollowsLogicalThenPhysicalType) {
  EXPECT_EQ(ColumnSortOrder(ColumnSpec::Int64("a")), SortOrder::kSigned);
  EXPECT_EQ(ColumnSortOrder(ColumnSpec::Double("a")), SortOrder::kSigned);
  EXPECT_EQ(ColumnSortOrder(ColumnSpec::Timestamp("a", TimeUnit::kNanos)), SortOrder::kSigned);
  EXPECT_EQ(ColumnSortOrder(ColumnSpec::String("a")), SortOrder::kUnsigned);
  EXPECT_EQ(ColumnSortOrder(Uint64Column()), SortOrder::kUnsigned);
  ColumnSpec blob{.name = "b", .type = PhysicalType::kByteArray};
  EXPECT_EQ(ColumnSortOrder(blob), SortOrder::kUnsigned);
  ColumnSpec int96{.name = "t", .type = PhysicalType::kInt96};
  EXPECT_EQ(ColumnSortOrder(int96), SortOrder::kUnknown);
  ColumnSpec other = ColumnSpec::Int64("o");
  other.logical_type.kind = LogicalType::Kind::kOther;
  EXPECT_EQ(ColumnSortOrder(other), SortOrder::kUnknown);
}

TEST(DecodeStatValueTest, ChecksSizesAndDecodesLittleEndian) {
  auto v = DecodeStatValue(ColumnSpec::Int64("a"), Le<int64_t>(-5));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->i, -5);
  auto bad = DecodeStatValue(ColumnSpec::Int32("a"), "abc");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), StatusCode::kCorrupt);
  EXPECT_THAT(bad.error().message(), ::testing::HasSubstr("has 3 bytes, expected 4"));
  ColumnSpec u32 = ColumnSpec::Int32("u");
  u32.logical_type = LogicalType::Integer(32, false);
  auto big = DecodeStatValue(u32, Le<int32_t>(-1));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->i, 4294967295LL);  // zero-extended
  auto f = DecodeStatValue(ColumnSpec::Float("f"), Le<float>(1.5f));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->d, 1.5);
}

TEST(CompareStatValuesTest, UnsignedDecimalAndBytes) {
  ColumnSpec u = Uint64Column();
  // 2^63 is above 1 unsigned, below it signed.
  StatValue huge = StatValue::Int64(std::numeric_limits<int64_t>::min());
  EXPECT_GT(CompareStatValues(u, huge, StatValue::Int64(1)), 0);
  EXPECT_LT(CompareStatValues(ColumnSpec::Int64("s"), huge, StatValue::Int64(1)), 0);

  ColumnSpec s = ColumnSpec::String("s");
  EXPECT_LT(CompareStatValues(s, StatValue::Bytes("abc"), StatValue::Bytes("abd")), 0);
  EXPECT_LT(CompareStatValues(s, StatValue::Bytes("ab"), StatValue::Bytes("abc")), 0);
  // Bytewise unsigned: 0xC3 ("é" lead byte) sorts after 'z'.
  EXPECT_GT(CompareStatValues(s, StatValue::Bytes("\xc3\xa9"), StatValue::Bytes("z")), 0);

  ColumnSpec dec{.name = "d", .type = PhysicalType::kByteArray};
  dec.logical_type.kind = LogicalType::Kind::kDecimal;
  // -1 (0xff) < 1 (0x01) and -1 as one byte equals -1 as two bytes.
  EXPECT_LT(CompareStatValues(dec, StatValue::Bytes("\xff"), StatValue::Bytes("\x01")), 0);
  EXPECT_EQ(CompareStatValues(dec, StatValue::Bytes("\xff"), StatValue::Bytes("\xff\xff")), 0);
  EXPECT_GT(CompareStatValues(dec, StatValue::Bytes(std::string("\x01\x00", 2)),
                              StatValue::Bytes("\x7f")),
            0);
}

TEST(DecodeStatisticsTest, PrefersMinMaxValueAndOnlyTrustsLegacyWhenSigned) {
  Statistics st;
  st.min = "zz";  // legacy fields from an old writer: signed bytewise, wrong for strings
  st.max = "aa";
  st.null_count = 3;
  auto decoded = DecodeStatistics(st, ColumnSpec::String("s"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->has_min_max());
  EXPECT_EQ(decoded->null_count, 3);

  st.min_value = "aa";
  st.max_value = "zz";
  decoded = DecodeStatistics(st, ColumnSpec::String("s"));
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(decoded->has_min_max());
  EXPECT_EQ(decoded->min->bytes, "aa");

  Statistics legacy_int;
  legacy_int.min = Le<int64_t>(-3);
  legacy_int.max = Le<int64_t>(9);
  decoded = DecodeStatistics(legacy_int, ColumnSpec::Int64("i"));
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(decoded->has_min_max());
  EXPECT_EQ(decoded->max->i, 9);
  // Not type-defined order: ignore.
  decoded = DecodeStatistics(legacy_int, ColumnSpec::Int64("i"), false);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->has_min_max());
}

TEST(DecodeStatisticsTest, NanBoundsAreIgnored) {
  Statistics st;
  st.min_value = Le<double>(std::numeric_limits<double>::quiet_NaN());
  st.max_value = Le<double>(5.0);
  auto decoded = DecodeStatistics(st, ColumnSpec::Double("d"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->has_min_max());
  EXPECT_TRUE(RangeMayMatch(ColumnSpec::Double("d"), *decoded, StatValue::Double(100),
                            StatValue::Double(200)));
}

TEST(RangeMayMatchTest, InclusiveBounds) {
  ColumnStatistics st;
  st.min = StatValue::Int64(10);
  st.max = StatValue::Int64(20);
  ColumnSpec c = ColumnSpec::Int64("t");
  EXPECT_TRUE(RangeMayMatch(c, st, StatValue::Int64(20), StatValue::Int64(30)));
  EXPECT_TRUE(RangeMayMatch(c, st, StatValue::Int64(0), StatValue::Int64(10)));
  EXPECT_FALSE(RangeMayMatch(c, st, StatValue::Int64(21), StatValue::Int64(30)));
  EXPECT_FALSE(RangeMayMatch(c, st, StatValue::Int64(0), StatValue::Int64(9)));
  EXPECT_TRUE(RangeMayMatch(c, ColumnStatistics{}, StatValue::Int64(0), StatValue::Int64(9)));
}

TEST(FormatStatValueTest, HumanReadable) {
  EXPECT_EQ(FormatStatValue(ColumnSpec::Timestamp("t", TimeUnit::kMicros),
                            StatValue::Int64(1700000000000000)),
            "1700000000000000 (2023-11-14T22:13:20.000000Z)");
  EXPECT_EQ(FormatStatValue(ColumnSpec::Timestamp("t", TimeUnit::kMillis), StatValue::Int64(-1)),
            "-1 (1969-12-31T23:59:59.999Z)");
  EXPECT_EQ(FormatStatValue(Uint64Column(), StatValue::Int64(-1)), "18446744073709551615");
  EXPECT_EQ(FormatStatValue(ColumnSpec::Double("d"), StatValue::Double(0.1)), "0.1");
  EXPECT_EQ(FormatStatValue(ColumnSpec::Double("d"), StatValue::Double(-0.0)), "-0");
  EXPECT_EQ(FormatStatValue(ColumnSpec::String("s"), StatValue::Bytes("a\"b\n")),
            "\"a\\\"b\\x0a\"");
  ColumnSpec blob{.name = "b", .type = PhysicalType::kByteArray};
  EXPECT_EQ(FormatStatValue(blob, StatValue::Bytes(std::string("\x00\xab", 2))), "0x00ab");
  ColumnSpec date = ColumnSpec::Int32("d");
  date.logical_type.kind = LogicalType::Kind::kDate;
  EXPECT_EQ(FormatStatValue(date, StatValue::Int32(19723)), "19723 (2024-01-01)");
}

TEST(RowRangesTest, NormalizeIntersectUnion) {
  RowRanges messy = {{10, 5}, {0, 3}, {3, 2}, {12, 10}, {40, 0}};
  RowRanges n = NormalizeRowRanges(messy);
  EXPECT_THAT(n, ::testing::ElementsAre(RowRange{0, 5}, RowRange{10, 12}));
  EXPECT_TRUE(IsNormalRowRanges(n));
  EXPECT_FALSE(IsNormalRowRanges(messy));
  EXPECT_FALSE(IsNormalRowRanges({{0, 5}, {5, 1}}));  // adjacent ranges must be merged
  EXPECT_EQ(CountRows(n), 17);

  RowRanges a = {{0, 10}, {20, 10}, {40, 10}};
  RowRanges b = {{5, 20}, {45, 100}};
  EXPECT_THAT(IntersectRowRanges(a, b),
              ::testing::ElementsAre(RowRange{5, 5}, RowRange{20, 5}, RowRange{45, 5}));
  EXPECT_THAT(UnionRowRanges(a, b), ::testing::ElementsAre(RowRange{0, 30}, RowRange{40, 105}));
  EXPECT_TRUE(IntersectRowRanges(a, {}).empty());
}

}  // namespace
}  // namespace fgm::parquet

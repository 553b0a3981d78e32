// SPDX-License-Identifier: Apache-2.0
#include "core/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fgm {
namespace {

TEST(ParseTest, Uint64Strict) {
  EXPECT_EQ(ParseUint64("0"), 0u);
  EXPECT_EQ(ParseUint64("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseUint64("18446744073709551616"), std::nullopt);  // overflow
  EXPECT_EQ(ParseUint64("-1"), std::nullopt);
  EXPECT_EQ(ParseUint64(" 1"), std::nullopt);
  EXPECT_EQ(ParseUint64("1 "), std::nullopt);
  EXPECT_EQ(ParseUint64("12a"), std::nullopt);
  EXPECT_EQ(ParseUint64(""), std::nullopt);
}

TEST(ParseTest, Int64AndDouble) {
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseInt64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseDouble("1.5"), 1.5);
  EXPECT_EQ(ParseDouble("-2e3"), -2000.0);
  EXPECT_EQ(ParseDouble("0.00"), 0.0);
  EXPECT_EQ(ParseDouble("1.5x"), std::nullopt);
  EXPECT_EQ(ParseDouble(""), std::nullopt);
  EXPECT_EQ(ParseDouble(" 1"), std::nullopt);
}

TEST(SplitTest, KeepsEmptyPieces) {
  std::vector<std::string_view> want = {"a", "", "b"};
  EXPECT_EQ(Split("a,,b", ','), want);
  std::vector<std::string_view> ws = {"some", "avg10=0.00", "total=5"};
  EXPECT_EQ(SplitWhitespace("some  avg10=0.00\ttotal=5"), ws);
  EXPECT_EQ(TrimWhitespace("  x y\n"), "x y");
}

TEST(LinesTest, LastLineWithoutNewline) {
  std::vector<std::string> lines;
  ForEachLine("a 1\nb 2", [&](std::string_view l) { lines.emplace_back(l); });
  EXPECT_EQ(lines, (std::vector<std::string>{"a 1", "b 2"}));
  lines.clear();
  ForEachLine("a 1\n", [&](std::string_view l) { lines.emplace_back(l); });
  EXPECT_EQ(lines, (std::vector<std::string>{"a 1"}));
}

TEST(UnitsTest, DurationsAndSizes) {
  EXPECT_EQ(ParseDurationNs("250ms"), 250'000'000);
  EXPECT_EQ(ParseDurationNs("7d"), 7LL * 86400 * 1'000'000'000);
  EXPECT_EQ(ParseDurationNs("90"), 90'000'000'000);
  EXPECT_EQ(ParseDurationNs("5x"), std::nullopt);
  EXPECT_EQ(ParseDurationNs("99999999999d"), std::nullopt);
  EXPECT_EQ(ParseByteSize("1GiB"), 1ull << 30);
  EXPECT_EQ(ParseByteSize("10MB"), 10'000'000u);
  EXPECT_EQ(ParseByteSize("4096"), 4096u);
  EXPECT_EQ(ParseByteSize("1QB"), std::nullopt);
}

}  // namespace
}  // namespace fgm

// SPDX-License-Identifier: Apache-2.0
// Unit tests for the single-value cgroupfs parsers (single_value.h) on inline file contents.
#include "collector/cgroupfs/single_value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fgm::collector {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseSingleU64, AcceptsValueWithAndWithoutNewline) {
  EXPECT_EQ(*ParseSingleU64("123\n"), 123u);
  EXPECT_EQ(*ParseSingleU64("123"), 123u);
  EXPECT_EQ(*ParseSingleU64("0\n"), 0u);
}

TEST(ParseSingleU64, ValuesNearU64Max) {
  EXPECT_EQ(*ParseSingleU64("18446744073709551615\n"), UINT64_MAX);
  auto overflow = ParseSingleU64("18446744073709551616\n");
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.error().code(), StatusCode::kInvalidFormat);
}

TEST(ParseSingleU64, RejectsEmptyGarbageSignAndExtraLines) {
  for (std::string_view bad :
       {"", "\n", "abc\n", "-1\n", "+1\n", " 1x\n", "1 2\n", "1\n2\n", "max\n"}) {
    auto r = ParseSingleU64(bad);
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat) << "'" << bad << "'";
  }
  EXPECT_THAT(ParseSingleU64("").error().message(), HasSubstr("empty"));
  EXPECT_THAT(ParseSingleU64("12a\n").error().message(), HasSubstr("line 1"));
}

TEST(ParseSingleI64, NegativeAndBounds) {
  EXPECT_EQ(*ParseSingleI64("-1\n"), -1);
  EXPECT_EQ(*ParseSingleI64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(ParseSingleI64("9223372036854775808").ok());
  EXPECT_FALSE(ParseSingleI64("").ok());
}

TEST(ParseMaxOrU64, MaxIsUnlimitedNotAHugeNumber) {
  Limit max = *ParseMaxOrU64("max\n");
  EXPECT_TRUE(max.unlimited());
  EXPECT_FALSE(max.value.has_value());
  EXPECT_TRUE(ParseMaxOrU64("max")->unlimited());  // no trailing newline
  EXPECT_EQ(*ParseMaxOrU64("536870912\n"), Limit::Of(536870912));
  EXPECT_EQ(*ParseMaxOrU64("18446744073709551615\n"), Limit::Of(UINT64_MAX));
}

TEST(ParseMaxOrU64, RejectsLookalikes) {
  for (std::string_view bad :
       {"", "Max\n", "maximum\n", "max 1\n", "-1\n", "18446744073709551616"}) {
    auto r = ParseMaxOrU64(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat);
  }
}

TEST(ParseV1MemoryLimit, PageCounterMaxMeansUnlimited) {
  // What this host's 6.18 kernel prints for an unlimited v1 memory cgroup (4 KiB pages).
  EXPECT_TRUE(ParseV1MemoryLimit("9223372036854771712\n")->unlimited());
  // 64 KiB pages, and pre-3.19 res_counter's ULLONG_MAX.
  EXPECT_TRUE(ParseV1MemoryLimit("9223372036854710272\n")->unlimited());
  EXPECT_TRUE(ParseV1MemoryLimit("18446744073709551615\n")->unlimited());
  EXPECT_EQ(*ParseV1MemoryLimit("268435456\n"), Limit::Of(268435456));
  EXPECT_EQ(*ParseV1MemoryLimit("4611686018427387903"), Limit::Of(kV1UnlimitedThreshold - 1));
  EXPECT_FALSE(ParseV1MemoryLimit("").ok());
  EXPECT_FALSE(ParseV1MemoryLimit("max\n").ok());
}

TEST(ParseV1CfsQuota, MinusOneIsUnlimited) {
  EXPECT_TRUE(ParseV1CfsQuota("-1\n")->unlimited());
  EXPECT_EQ(*ParseV1CfsQuota("25000\n"), Limit::Of(25000));
  EXPECT_EQ(*ParseV1CfsQuota("25000"), Limit::Of(25000));
  EXPECT_FALSE(ParseV1CfsQuota("-2\n").ok());
  EXPECT_FALSE(ParseV1CfsQuota("max\n").ok());
  EXPECT_FALSE(ParseV1CfsQuota("").ok());
}

TEST(ParseCpuMax, QuotaOrMaxThenPeriod) {
  CpuMax unlimited = *ParseCpuMax("max 100000\n");
  EXPECT_TRUE(unlimited.quota_usec.unlimited());
  EXPECT_EQ(unlimited.period_usec, 100000u);
  CpuMax limited = *ParseCpuMax("25000 100000");  // no trailing newline
  EXPECT_EQ(limited.quota_usec, Limit::Of(25000));
  EXPECT_EQ(limited.period_usec, 100000u);
  EXPECT_EQ(ParseCpuMax("18446744073709551615 100000\n")->quota_usec, Limit::Of(UINT64_MAX));
}

TEST(ParseCpuMax, RejectsMalformed) {
  for (std::string_view bad : {"", "max\n", "25000\n", "25000 0\n", "abc 100000\n", "max max\n",
                               "1 2 3\n", "1 2\n3 4\n"}) {
    auto r = ParseCpuMax(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat) << bad;
  }
}

TEST(CpuSharesToWeight, MatchesRuncFormula) {
  EXPECT_EQ(CpuSharesToWeight(1024), 39u);
  EXPECT_EQ(CpuSharesToWeight(2), 1u);
  EXPECT_EQ(CpuSharesToWeight(262144), 10000u);
  EXPECT_EQ(CpuSharesToWeight(0), 1u);             // clamped up
  EXPECT_EQ(CpuSharesToWeight(1u << 30), 10000u);  // clamped down
  EXPECT_EQ(CpuSharesToWeight(512), 20u);
}

TEST(ParseCgroupEvents, PopulatedFrozenAndUnknownKeys) {
  CgroupEvents e = *ParseCgroupEvents("populated 1\nfrozen 0\nfuture_key 7\n");
  EXPECT_EQ(e.populated, true);
  EXPECT_EQ(e.frozen, false);
  EXPECT_EQ(ParseCgroupEvents("populated 0")->populated, false);
  EXPECT_FALSE(ParseCgroupEvents("").ok());
  auto garbage = ParseCgroupEvents("populated 1\nfrozen\n");
  ASSERT_FALSE(garbage.ok());
  EXPECT_THAT(garbage.error().message(), HasSubstr("line 2"));
}

TEST(ParseCgroupProcs, EmptyIsValid) {
  auto r = ParseCgroupProcs("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ParseCgroupProcs, PidsWithAndWithoutTrailingNewline) {
  EXPECT_THAT(*ParseCgroupProcs("1\n22\n333\n"), ElementsAre(1, 22, 333));
  EXPECT_THAT(*ParseCgroupProcs("4194304"), ElementsAre(4194304));
}

TEST(ParseCgroupProcs, RejectsGarbage) {
  for (std::string_view bad : {"abc\n", "0\n", "-5\n", "12 13\n", "99999999999\n", "1\nx\n"}) {
    auto r = ParseCgroupProcs(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat);
  }
}

}  // namespace
}  // namespace fgm::collector

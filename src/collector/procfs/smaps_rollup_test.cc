// SPDX-License-Identifier: Apache-2.0
// Unit tests for the /proc/<pid>/smaps_rollup parser on inline file contents.
#include "collector/procfs/smaps_rollup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;

// Captured on this host (Linux 6.18, `cat /proc/self/smaps_rollup`).
constexpr std::string_view kRollup =
    R"(55cbc03d6000-7ffca64e0000 ---p 00000000 00:00 0                          [rollup]
Rss:                1632 kB
Pss:                 362 kB
Pss_Dirty:           112 kB
Pss_Anon:            112 kB
Pss_File:            250 kB
Pss_Shmem:             0 kB
Shared_Clean:       1444 kB
Shared_Dirty:          0 kB
Private_Clean:        76 kB
Private_Dirty:       112 kB
Referenced:         1632 kB
Anonymous:           112 kB
KSM:                   0 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
)";

TEST(ParseSmapsRollup, EveryField) {
  SmapsRollup r = *ParseSmapsRollup(kRollup);
  EXPECT_EQ(r.Rss, 1632u);
  EXPECT_EQ(r.Pss, 362u);
  EXPECT_EQ(r.Pss_Dirty, 112u);
  EXPECT_EQ(r.Pss_Anon, 112u);
  EXPECT_EQ(r.Pss_File, 250u);
  EXPECT_EQ(r.Pss_Shmem, 0u);
  EXPECT_EQ(r.Shared_Clean, 1444u);
  EXPECT_EQ(r.Shared_Dirty, 0u);
  EXPECT_EQ(r.Private_Clean, 76u);
  EXPECT_EQ(r.Private_Dirty, 112u);
  EXPECT_EQ(r.Referenced, 1632u);
  EXPECT_EQ(r.Anonymous, 112u);
  EXPECT_EQ(r.KSM, 0u);
  EXPECT_EQ(r.LazyFree, 0u);
  EXPECT_EQ(r.AnonHugePages, 0u);
  EXPECT_EQ(r.ShmemPmdMapped, 0u);
  EXPECT_EQ(r.FilePmdMapped, 0u);
  EXPECT_EQ(r.Shared_Hugetlb, 0u);
  EXPECT_EQ(r.Private_Hugetlb, 0u);
  EXPECT_EQ(r.Swap, 0u);
  EXPECT_EQ(r.SwapPss, 0u);
  EXPECT_EQ(r.Locked, 0u);
}

TEST(ParseSmapsRollup, OldKernelWithoutHeaderOrSplitPssAndNoTrailingNewline) {
  SmapsRollup r = *ParseSmapsRollup("Rss:  100 kB\nPss:   50 kB");
  EXPECT_EQ(r.Rss, 100u);
  EXPECT_EQ(r.Pss, 50u);
  EXPECT_FALSE(r.Pss_Anon.has_value());
}

TEST(ParseSmapsRollup, UnknownKeysIgnoredAndHugeValues) {
  SmapsRollup r = *ParseSmapsRollup("Rss: 18446744073709551615 kB\nFutureThing: 3 kB\n");
  EXPECT_EQ(r.Rss, UINT64_MAX);
  EXPECT_FALSE(ParseSmapsRollup("Rss: 18446744073709551616 kB\n").ok());
}

TEST(ParseSmapsRollup, EmptyMeansNoAddressSpace) {
  auto r = ParseSmapsRollup("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
}

TEST(ParseSmapsRollup, Garbage) {
  for (std::string_view bad : {"Rss: 1\n", "Rss 1 kB\n", "Rss: x kB\n", "Rss: 1 MB\n",
                               "Rss: 1 kB\ngarbage\n", "Rss: -1 kB\n", ": 1 kB\n"}) {
    auto r = ParseSmapsRollup(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat) << bad;
  }
  EXPECT_THAT(ParseSmapsRollup("Rss: 1 kB\nPss: 2\n").error().message(), HasSubstr("line 2"));
  auto header_only = ParseSmapsRollup("55cb-7ffc ---p 00000000 00:00 0 [rollup]\n");
  ASSERT_FALSE(header_only.ok());
  EXPECT_EQ(header_only.error().code(), StatusCode::kInvalidFormat);
}

}  // namespace
}  // namespace fgm::collector

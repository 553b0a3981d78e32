// SPDX-License-Identifier: Apache-2.0
// Unit tests for the PSI (*.pressure) parser on inline file contents.
#include "collector/cgroupfs/pressure.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;

TEST(ParsePressure, SomeAndFull) {
  // Captured from this host's unified cgroup of a throttled CPU burner.
  PressureStat p = *ParsePressure(
      "some avg10=8.69 avg60=1.57 avg300=0.32 total=1576180\n"
      "full avg10=8.33 avg60=1.50 avg300=0.31 total=1524992\n");
  ASSERT_TRUE(p.some && p.full);
  EXPECT_DOUBLE_EQ(p.some->avg10, 8.69);
  EXPECT_DOUBLE_EQ(p.some->avg60, 1.57);
  EXPECT_DOUBLE_EQ(p.some->avg300, 0.32);
  EXPECT_EQ(p.some->total, 1576180u);
  EXPECT_DOUBLE_EQ(p.full->avg10, 8.33);
  EXPECT_EQ(p.full->total, 1524992u);
}

TEST(ParsePressure, IrqHasOnlyFullAndNoTrailingNewline) {
  PressureStat p = *ParsePressure("full avg10=0.00 avg60=0.00 avg300=100.00 total=963");
  EXPECT_FALSE(p.some.has_value());
  ASSERT_TRUE(p.full.has_value());
  EXPECT_DOUBLE_EQ(p.full->avg300, 100.0);
  EXPECT_EQ(p.full->total, 963u);
}

TEST(ParsePressure, UnknownKeysAndLinesIgnored) {
  PressureStat p =
      *ParsePressure("some avg10=0.10 avg60=0.00 avg300=0.00 total=5 avg1800=0.01\nnew_kind x=1\n");
  EXPECT_EQ(p.some->total, 5u);
  EXPECT_DOUBLE_EQ(p.some->avg10, 0.1);
}

TEST(ParsePressure, TotalNearU64Max) {
  PressureStat p =
      *ParsePressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551615\n");
  EXPECT_EQ(p.some->total, UINT64_MAX);
  EXPECT_FALSE(
      ParsePressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551616").ok());
}

TEST(ParsePressure, EmptyAndGarbage) {
  EXPECT_EQ(ParsePressure("").error().code(), StatusCode::kInvalidFormat);
  for (std::string_view bad : {
           "some avg10=0.00 avg60=0.00 total=1\n",                // missing avg300
           "some avg10=x avg60=0.00 avg300=0.00 total=1\n",       // not a number
           "some avg10=0.00 avg60=0.00 avg300=0.00 total=max\n",  // "max" is not a total
           "some avg10=-1.00 avg60=0.00 avg300=0.00 total=1\n",
           "some avg10 avg60=0.00 avg300=0.00 total=1\n",
           "avg10=0.00 avg60=0.00 avg300=0.00 total=1\n",
           "garbage\n",
       }) {
    auto r = ParsePressure(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat) << bad;
  }
  EXPECT_THAT(ParsePressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=1.\n")
                  .error()
                  .message(),
              HasSubstr("line 2"));
}

}  // namespace
}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// Unit tests for cpu.stat (v2, v1) and cpuacct.stat parsers on inline file contents.
#include "collector/cgroupfs/cpu_stat.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;

// A v2 cgroup with the cpu controller enabled (Linux 6.6+ key order).
constexpr std::string_view kCpuStatV2 = R"(usage_usec 28074069
user_usec 24370368
system_usec 3703701
nice_usec 0
core_sched.force_idle_usec 0
nr_periods 13200
nr_throttled 930
throttled_usec 29629629
nr_bursts 2
burst_usec 5000
)";

TEST(ParseCpuStatV2, AllKeys) {
  CpuStatV2 s = *ParseCpuStatV2(kCpuStatV2);
  EXPECT_EQ(s.usage_usec, 28074069u);
  EXPECT_EQ(s.user_usec, 24370368u);
  EXPECT_EQ(s.system_usec, 3703701u);
  EXPECT_EQ(s.nice_usec, 0u);
  EXPECT_EQ(s.core_sched_force_idle_usec, 0u);
  EXPECT_EQ(s.nr_periods, 13200u);
  EXPECT_EQ(s.nr_throttled, 930u);
  EXPECT_EQ(s.throttled_usec, 29629629u);
  EXPECT_EQ(s.nr_bursts, 2u);
  EXPECT_EQ(s.burst_usec, 5000u);
}

TEST(ParseCpuStatV2, ControllerLessCgroupHasOnlyUsage) {
  // Captured from this host's /sys/fs/cgroup/unified (hybrid, no controllers), no trailing newline.
  CpuStatV2 s = *ParseCpuStatV2("usage_usec 92404367\nuser_usec 61773236\nsystem_usec 30631130");
  EXPECT_EQ(s.usage_usec, 92404367u);
  EXPECT_EQ(s.system_usec, 30631130u);
  EXPECT_FALSE(s.nr_periods.has_value());
  EXPECT_FALSE(s.throttled_usec.has_value());
}

TEST(ParseCpuStatV2, UnknownKeysIgnored) {
  CpuStatV2 s = *ParseCpuStatV2("usage_usec 5\nsome_future_key 77\nuser_usec 3\n");
  EXPECT_EQ(s.usage_usec, 5u);
  EXPECT_EQ(s.user_usec, 3u);
}

TEST(ParseCpuStatV2, ValuesNearU64Max) {
  EXPECT_EQ(ParseCpuStatV2("usage_usec 18446744073709551615\n")->usage_usec, UINT64_MAX);
  EXPECT_FALSE(ParseCpuStatV2("usage_usec 18446744073709551616\n").ok());
}

TEST(ParseCpuStatV2, EmptyAndGarbage) {
  for (std::string_view empty : {"", "\n", " \n\n"}) {  // blank-only counts as empty
    auto r = ParseCpuStatV2(empty);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat);
  }
  for (std::string_view bad : {"usage_usec\n", "usage_usec 1 2\n", "usage_usec max\n",
                               "usage_usec -1\n", "usage_usec 1\n\x01\x02 garbage here\n"}) {
    auto r = ParseCpuStatV2(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat);
  }
  EXPECT_THAT(ParseCpuStatV2("usage_usec 1\nuser_usec x\n").error().message(), HasSubstr("line 2"));
}

TEST(ParseCpuStatV1, ThrottlingInNanoseconds) {
  // Captured from this host's v1 cpu controller (capture.sh, 20 ms / 100 ms quota).
  CpuStatV1 s = *ParseCpuStatV1(
      "nr_periods 24\nnr_throttled 23\nthrottled_time 1051237193\nnr_bursts 0\nburst_time 0\n");
  EXPECT_EQ(s.nr_periods, 24u);
  EXPECT_EQ(s.nr_throttled, 23u);
  EXPECT_EQ(s.throttled_time, 1051237193u);
  EXPECT_EQ(s.nr_bursts, 0u);
  EXPECT_EQ(s.burst_time, 0u);
  EXPECT_FALSE(ParseCpuStatV1("").ok());
  EXPECT_FALSE(ParseCpuStatV1("nr_periods x").ok());
  EXPECT_EQ(ParseCpuStatV1("nr_periods 1\nwhatever 2")->nr_periods, 1u);
}

TEST(ParseCpuacctStat, UserSystemTicks) {
  CpuacctStat s = *ParseCpuacctStat("user 92\nsystem 2\n");
  EXPECT_EQ(s.user, 92u);
  EXPECT_EQ(s.system, 2u);
  EXPECT_EQ(ParseCpuacctStat("user 1\nsystem 18446744073709551615")->system, UINT64_MAX);
  EXPECT_FALSE(ParseCpuacctStat("").ok());
  EXPECT_FALSE(ParseCpuacctStat("user ninety\n").ok());
  EXPECT_EQ(ParseCpuacctStat("guest 5\nuser 3\n")->user, 3u);
}

TEST(UserHzTicks, ConvertsToMicroseconds) {
  EXPECT_GT(UserHz(), 0);
  EXPECT_EQ(UserHzTicksToUsec(92, 100), 920000u);
  EXPECT_EQ(UserHzTicksToUsec(1, 3), 333333u);
  EXPECT_EQ(UserHzTicksToUsec(250, 250), 1000000u);
  EXPECT_EQ(UserHzTicksToUsec(0, 100), 0u);
}

}  // namespace
}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
#include "core/clock.h"

#include <gtest/gtest.h>

#include "core/testing/fake_clock.h"

namespace fgm {
namespace {

TEST(ClockTest, NextAlignedTick) {
  EXPECT_EQ(NextAlignedTick(1'500'000'000, kNanosPerSecond), 2 * kNanosPerSecond);
  EXPECT_EQ(NextAlignedTick(2 * kNanosPerSecond, kNanosPerSecond), 3 * kNanosPerSecond);
  EXPECT_EQ(NextAlignedTick(1'200'000'000, 250 * kNanosPerMilli), 1'250'000'000);
  EXPECT_EQ(NextAlignedTick(-1, kNanosPerSecond), 0);
}

TEST(ClockTest, RealClockMovesForward) {
  int64_t a = RealClock().MonotonicNs();
  int64_t b = RealClock().MonotonicNs();
  EXPECT_LE(a, b);
  EXPECT_GT(RealClock().WallNs(), 1'700'000'000LL * kNanosPerSecond);
}

TEST(ClockTest, FakeClockSleepAdvances) {
  testing::FakeClock clock(10 * kNanosPerSecond);
  clock.SleepUntilWall(12 * kNanosPerSecond);
  EXPECT_EQ(clock.WallNs(), 12 * kNanosPerSecond);
  clock.SleepUntilWall(11 * kNanosPerSecond);  // never goes back
  EXPECT_EQ(clock.WallNs(), 12 * kNanosPerSecond);
  clock.AdvanceNs(5);
  EXPECT_EQ(clock.WallNs(), 12 * kNanosPerSecond + 5);
}

}  // namespace
}  // namespace fgm

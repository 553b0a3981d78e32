// SPDX-License-Identifier: Apache-2.0
// TickScheduler driven by fake clocks (no real sleeps, except one test that checks Stop() from
// another thread ends a one-hour interval within a fraction of a second): aligned ticks,
// sub-second intervals, overruns skipped and counted without bursts, late wake-ups, wall-clock
// steps backwards, and prompt stops.
#include "collector/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/testing/fake_clock.h"

namespace fgm::collector {
namespace {

using fgm::testing::FakeClock;

constexpr TimestampNs kStart = 1'700'000'000LL * kNanosPerSecond;

// Runs `scheduler` until `ticks` ticks ran, calling `body` (may advance the clock) in each.
std::vector<ScheduledTick> RunTicks(TickScheduler& scheduler, size_t ticks,
                                    const std::function<void(const ScheduledTick&)>& body = {}) {
  std::vector<ScheduledTick> seen;
  scheduler.Run([&](const ScheduledTick& t) {
    seen.push_back(t);
    if (body) body(t);
    if (seen.size() >= ticks) scheduler.Stop();
  });
  return seen;
}

TEST(TickSchedulerTest, TicksFallOnWallClockBoundaries) {
  FakeClock clock(kStart + 300 * kNanosPerMilli);
  TickScheduler scheduler({.interval_ns = kNanosPerSecond}, clock);
  const auto ticks = RunTicks(scheduler, 3, [&](const ScheduledTick&) {
    clock.AdvanceNs(20 * kNanosPerMilli);  // 20 ms of sampling work
  });
  ASSERT_EQ(ticks.size(), 3u);
  for (size_t i = 0; i < ticks.size(); ++i) {
    EXPECT_EQ(ticks[i].tick_ns, kStart + static_cast<int64_t>(i + 1) * kNanosPerSecond);
    EXPECT_EQ(ticks[i].index, i);
    EXPECT_EQ(ticks[i].skipped_before, 0u);
    EXPECT_EQ(ticks[i].start_delay_ns, 0);
  }
  EXPECT_EQ(scheduler.skipped_ticks(), 0u);
}

TEST(TickSchedulerTest, SubSecondIntervals) {
  FakeClock clock(kStart + 10 * kNanosPerMilli);
  TickScheduler scheduler({.interval_ns = 250 * kNanosPerMilli}, clock);
  const auto ticks = RunTicks(scheduler, 5);
  ASSERT_EQ(ticks.size(), 5u);
  for (size_t i = 0; i < ticks.size(); ++i) {
    EXPECT_EQ(ticks[i].tick_ns, kStart + static_cast<int64_t>(i + 1) * 250 * kNanosPerMilli);
  }
}

TEST(TickSchedulerTest, OverrunSkipsMissedBoundariesAndCountsThemWithoutABurst) {
  FakeClock clock(kStart);
  TickScheduler scheduler({.interval_ns = kNanosPerSecond}, clock);
  const auto ticks = RunTicks(scheduler, 4, [&](const ScheduledTick& t) {
    // The second tick takes 2.5 s: boundaries +3 and +4 pass while it runs.
    clock.AdvanceNs(t.index == 1 ? 2500 * kNanosPerMilli : 10 * kNanosPerMilli);
  });
  ASSERT_EQ(ticks.size(), 4u);
  EXPECT_EQ(ticks[0].tick_ns, kStart + 1 * kNanosPerSecond);
  EXPECT_EQ(ticks[1].tick_ns, kStart + 2 * kNanosPerSecond);
  EXPECT_EQ(ticks[2].tick_ns, kStart + 5 * kNanosPerSecond);  // not +3, not +4
  EXPECT_EQ(ticks[2].skipped_before, 2u);
  EXPECT_EQ(ticks[2].skipped_total, 2u);
  EXPECT_EQ(ticks[3].tick_ns, kStart + 6 * kNanosPerSecond);
  EXPECT_EQ(ticks[3].skipped_before, 0u);
  EXPECT_EQ(ticks[3].skipped_total, 2u);
  EXPECT_EQ(scheduler.skipped_ticks(), 2u);
  // The tick after an overrun waits for its boundary: no two ticks closer than the interval.
  for (size_t i = 1; i < ticks.size(); ++i) {
    EXPECT_GE(ticks[i].tick_ns - ticks[i - 1].tick_ns, kNanosPerSecond);
  }
}

TEST(TickSchedulerTest, FinishingExactlyOnTheNextBoundaryMissesIt) {
  FakeClock clock(kStart);
  TickScheduler scheduler({.interval_ns = kNanosPerSecond}, clock);
  const auto ticks = RunTicks(scheduler, 2, [&](const ScheduledTick& t) {
    if (t.index == 0) clock.AdvanceNs(kNanosPerSecond);
  });
  ASSERT_EQ(ticks.size(), 2u);
  EXPECT_EQ(ticks[1].tick_ns, kStart + 3 * kNanosPerSecond);
  EXPECT_EQ(ticks[1].skipped_before, 1u);
}

// A clock whose sleeps can overshoot, as when the host stalls or the VM is paused.
class OversleepingClock final : public Clock {
 public:
  explicit OversleepingClock(TimestampNs start) : now_(start) {}
  TimestampNs WallNs() const override { return now_.load(); }
  int64_t MonotonicNs() const override { return now_.load(); }
  void SleepUntilWall(TimestampNs deadline) override {
    ++sleeps_;
    const TimestampNs target = deadline + oversleep_ns_.exchange(0);
    if (target > now_.load()) now_ = target;
  }
  void OversleepNext(int64_t ns) { oversleep_ns_ = ns; }
  void Set(TimestampNs t) { now_ = t; }
  int sleeps() const { return sleeps_.load(); }

 private:
  std::atomic<TimestampNs> now_;
  std::atomic<int64_t> oversleep_ns_{0};
  std::atomic<int> sleeps_{0};
};

TEST(TickSchedulerTest, WakingUpIntervalsLateRunsTheLatestPassedBoundary) {
  OversleepingClock clock(kStart);
  TickScheduler scheduler({.interval_ns = kNanosPerSecond, .max_sleep_ns = 50 * kNanosPerMilli},
                          clock);
  const auto ticks = RunTicks(scheduler, 3, [&](const ScheduledTick& t) {
    // The first 50 ms sleep slice towards +2 (deadline +1.05 s) overshoots to +5.4 s.
    if (t.index == 0) clock.OversleepNext(4350 * kNanosPerMilli);
  });
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[1].tick_ns, kStart + 5 * kNanosPerSecond);
  EXPECT_EQ(ticks[1].start_delay_ns, 400 * kNanosPerMilli);
  EXPECT_EQ(ticks[1].skipped_before, 3u);  // +2, +3, +4
  EXPECT_EQ(ticks[2].tick_ns, kStart + 6 * kNanosPerSecond);
  EXPECT_EQ(scheduler.skipped_ticks(), 3u);
}

TEST(TickSchedulerTest, WallClockSteppingBackContinuesFromTheNewTime) {
  OversleepingClock clock(kStart);
  TickScheduler scheduler({.interval_ns = kNanosPerSecond}, clock);
  const auto ticks = RunTicks(scheduler, 3, [&](const ScheduledTick& t) {
    if (t.index == 0) clock.Set(kStart - 3600 * kNanosPerSecond + 500 * kNanosPerMilli);
  });
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[0].tick_ns, kStart + kNanosPerSecond);
  // It did not wait an hour for the old time to come back.
  EXPECT_EQ(ticks[1].tick_ns, kStart - 3599 * kNanosPerSecond);
  EXPECT_EQ(ticks[2].tick_ns, kStart - 3598 * kNanosPerSecond);
  EXPECT_EQ(scheduler.clock_steps_back(), 1u);
  EXPECT_EQ(scheduler.skipped_ticks(), 0u);
}

TEST(TickSchedulerTest, AnExternalFlagStopsTheWaitWithinOneSleepSlice) {
  // One-hour interval: a scheduler that slept whole intervals would not notice the flag for an
  // hour. The clock sets the flag during the third sleep slice.
  std::atomic<bool> stop{false};
  class FlaggingClock final : public Clock {
   public:
    FlaggingClock(std::atomic<bool>* flag) : flag_(flag) {}
    TimestampNs WallNs() const override { return now_; }
    int64_t MonotonicNs() const override { return now_; }
    void SleepUntilWall(TimestampNs deadline) override {
      slept_ns_ += deadline - now_;
      now_ = deadline;
      if (++sleeps_ == 3) flag_->store(true);
    }
    TimestampNs now_ = kStart;
    int64_t slept_ns_ = 0;
    int sleeps_ = 0;
    std::atomic<bool>* flag_;
  } clock(&stop);
  TickScheduler scheduler({.interval_ns = 3600 * kNanosPerSecond,
                           .max_sleep_ns = 50 * kNanosPerMilli,
                           .external_stop = &stop},
                          clock);
  int ran = 0;
  EXPECT_EQ(scheduler.Run([&](const ScheduledTick&) { ++ran; }), 0u);
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(clock.sleeps_, 3);
  EXPECT_EQ(clock.slept_ns_, 150 * kNanosPerMilli);
}

TEST(TickSchedulerTest, StopBeforeRunReturnsAtOnce) {
  FakeClock clock(kStart);
  TickScheduler scheduler({}, clock);
  scheduler.Stop();
  EXPECT_TRUE(scheduler.stopped());
  EXPECT_EQ(scheduler.Run([](const ScheduledTick&) { FAIL() << "no tick expected"; }), 0u);
  EXPECT_EQ(clock.WallNs(), kStart);
}

TEST(TickSchedulerTest, StopFromAnotherThreadEndsARealOneHourWaitPromptly) {
  TickScheduler scheduler({.interval_ns = 3600 * kNanosPerSecond}, RealClock());
  std::atomic<uint64_t> ran{99};
  const auto start = std::chrono::steady_clock::now();
  std::thread runner([&] { ran = scheduler.Run([](const ScheduledTick&) {}); });
  scheduler.Stop();
  runner.join();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ran.load(), 0u);
  // One 50 ms sleep slice plus thread start-up; a loaded 2-core machine gets generous slack.
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

}  // namespace
}  // namespace fgm::collector

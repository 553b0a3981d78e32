// SPDX-License-Identifier: Apache-2.0
// TickScheduler: runs the sampling callback on wall-clock multiples of the interval (every whole
// second at 1 Hz, so every monitor on every node samples at the same instants and samples line up
// across hosts). A tick that overruns past the next boundary makes the scheduler skip the missed
// boundaries and count them: never queued, never a burst of catch-up ticks. Time comes from an
// injected Clock, so tests drive it with a FakeClock and no real sleeps.
//
//   TickScheduler scheduler({.interval_ns = kNanosPerSecond}, RealClock());
//   std::thread t([&] { scheduler.Run([&](const ScheduledTick& tick) {
//     sampler.set_skipped_ticks(tick.skipped_total);
//     auto result = sampler.SampleTick(tick.tick_ns);
//     ...
//   }); });
//   ... scheduler.Stop();  // from any thread, or a signal handler
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/clock.h"

namespace fgm::collector {

/// What the callback is told about the tick it runs.
struct ScheduledTick {
  /// The scheduled boundary (a multiple of the interval). Samples stand for this instant, even
  /// though the callback starts a little after it.
  TimestampNs tick_ns = 0;
  /// How long after tick_ns the callback started (wake-up latency), ns.
  int64_t start_delay_ns = 0;
  /// Boundaries skipped just before this tick, and since Run() began.
  uint64_t skipped_before = 0;
  uint64_t skipped_total = 0;
  /// 0 for the first tick of Run().
  uint64_t index = 0;
};

struct TickSchedulerOptions {
  /// Tick spacing. Sub-second intervals are allowed; REQUIRES > 0. Ticks fall on multiples of it
  /// since the Unix epoch, so intervals that divide a second (100 ms, 250 ms, 500 ms, 1 s) fall on
  /// whole seconds too.
  int64_t interval_ns = kNanosPerSecond;
  /// Longest single sleep. Between sleeps the scheduler checks the stop flags, so this bounds how
  /// long Stop() (or an external flag set by a signal handler, which cannot wake a sleeping
  /// thread portably) takes to end Run(). Each wake-up costs ~30 us of CPU on the dev VM (timer,
  /// context switches): 50 ms slices were 10% of the monitor's CPU at 100 containers and 250 ms
  /// slices still ~3% (perf, docs/benchmarks.md). 1 s: at the default 1 s interval a tick is one
  /// sleep, and a supervisor's SIGTERM still ends Run() within a second.
  int64_t max_sleep_ns = kNanosPerSecond;
  /// Optional flag (not owned) that also stops Run() when it becomes true, e.g. one set by a
  /// SIGTERM handler. Must outlive Run().
  const std::atomic<bool>* external_stop = nullptr;
};

/// Runs a callback on aligned ticks until stopped. Run() is called by one thread at a time;
/// Stop() may be called from any thread and is async-signal-safe (one lock-free atomic store).
class TickScheduler {
 public:
  /// `clock` must outlive the scheduler.
  TickScheduler(TickSchedulerOptions options, Clock& clock);

  /// Sleeps until the next boundary, runs `on_tick`, and repeats until Stop() or the external
  /// flag. Rules:
  ///  - The first tick is the first boundary strictly after the call.
  ///  - After a tick at T, the next is T + interval if the callback returned before it; if the
  ///    callback overran past it, the next is the first boundary after the callback returned, and
  ///    the boundaries in between are skipped and counted.
  ///  - If the process wakes up more than an interval late (host stalled, VM paused), the
  ///    boundaries it slept through are skipped and counted and the latest passed one runs.
  ///  - If the wall clock steps backwards, ticks continue from the new time (never waiting for
  ///    the old time to come back). Counted in clock_steps_back().
  /// Returns the number of ticks run. A Stop() before Run() makes Run() return 0 at once.
  uint64_t Run(const std::function<void(const ScheduledTick&)>& on_tick);

  void Stop() { stop_.store(true, std::memory_order_relaxed); }
  bool stopped() const;

  /// Cumulative over every Run() of this scheduler.
  uint64_t skipped_ticks() const { return skipped_.load(std::memory_order_relaxed); }
  uint64_t clock_steps_back() const { return steps_back_.load(std::memory_order_relaxed); }

 private:
  /// Sleeps until `deadline` in slices of max_sleep_ns; false if stopped first.
  bool SleepUntil(TimestampNs deadline);

  static_assert(std::atomic<bool>::is_always_lock_free, "Stop() must be async-signal-safe");

  TickSchedulerOptions options_;
  Clock* clock_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> skipped_{0};
  std::atomic<uint64_t> steps_back_{0};
};

}  // namespace fgm::collector

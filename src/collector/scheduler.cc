// SPDX-License-Identifier: Apache-2.0
// Aligned tick loop with skip-and-count overruns (see scheduler.h).
#include "collector/scheduler.h"

#include <algorithm>

#include "core/check.h"
#include "core/log.h"

namespace fgm::collector {

TickScheduler::TickScheduler(TickSchedulerOptions options, Clock& clock)
    : options_(options), clock_(&clock) {
  FGM_CHECK(options_.interval_ns > 0) << "tick interval must be positive";
  FGM_CHECK(options_.max_sleep_ns > 0) << "sleep slice must be positive";
}

bool TickScheduler::stopped() const {
  return stop_.load(std::memory_order_relaxed) ||
         (options_.external_stop != nullptr &&
          options_.external_stop->load(std::memory_order_relaxed));
}

bool TickScheduler::SleepUntil(TimestampNs deadline) {
  while (!stopped()) {
    const TimestampNs now = clock_->WallNs();
    if (now >= deadline) return true;
    clock_->SleepUntilWall(std::min(deadline, now + options_.max_sleep_ns));
  }
  return false;
}

uint64_t TickScheduler::Run(const std::function<void(const ScheduledTick&)>& on_tick) {
  const int64_t interval = options_.interval_ns;
  TimestampNs next = NextAlignedTick(clock_->WallNs(), interval);
  uint64_t skipped_pending = 0;  // skipped since the previous tick ran
  uint64_t ran = 0;
  while (SleepUntil(next)) {
    const TimestampNs woke = clock_->WallNs();
    if (woke - next >= interval) {
      // Slept through whole intervals: run the latest boundary that has passed.
      const int64_t missed = (woke - next) / interval;
      next += missed * interval;
      skipped_pending += static_cast<uint64_t>(missed);
      skipped_.fetch_add(static_cast<uint64_t>(missed), std::memory_order_relaxed);
    }
    on_tick(ScheduledTick{.tick_ns = next,
                          .start_delay_ns = woke - next,
                          .skipped_before = skipped_pending,
                          .skipped_total = skipped_.load(std::memory_order_relaxed),
                          .index = ran});
    ++ran;
    skipped_pending = 0;

    const TimestampNs done = clock_->WallNs();
    if (done < next) {
      // The wall clock stepped backwards during the tick: carry on from the new time.
      steps_back_.fetch_add(1, std::memory_order_relaxed);
      FGM_LOG_ONCE(kWarning, "scheduler.clock_back",
                   "wall clock stepped back by %lld ms; ticks continue from the new time",
                   static_cast<long long>((next - done) / kNanosPerMilli));
      next = NextAlignedTick(done, interval);
      continue;
    }
    // First boundary strictly after `done`: next + interval unless the tick overran past it.
    const TimestampNs following = NextAlignedTick(done, interval);
    skipped_pending = static_cast<uint64_t>((following - next) / interval - 1);
    skipped_.fetch_add(skipped_pending, std::memory_order_relaxed);
    next = following;
  }
  return ran;
}

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
#include "core/clock.h"

#include <cerrno>
#include <ctime>

#include "core/check.h"

namespace fgm {
namespace {

int64_t ReadClock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kNanosPerSecond + ts.tv_nsec;
}

class SystemClock final : public Clock {
 public:
  TimestampNs WallNs() const override { return ReadClock(CLOCK_REALTIME); }
  int64_t MonotonicNs() const override { return ReadClock(CLOCK_MONOTONIC); }
  void SleepUntilWall(TimestampNs deadline) override {
    timespec ts{};
    ts.tv_sec = deadline / kNanosPerSecond;
    ts.tv_nsec = deadline % kNanosPerSecond;
    // TIMER_ABSTIME on CLOCK_REALTIME wakes at the wall-clock instant even if the clock is stepped.
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
  }
};

}  // namespace

Clock& RealClock() {
  static SystemClock clock;
  return clock;
}

TimestampNs NextAlignedTick(TimestampNs now_ns, int64_t interval_ns) {
  FGM_CHECK(interval_ns > 0);
  int64_t q = now_ns / interval_ns;
  if (now_ns < 0 && now_ns % interval_ns != 0) --q;  // floor for negative times
  return (q + 1) * interval_ns;
}

}  // namespace fgm

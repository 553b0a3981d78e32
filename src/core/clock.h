// SPDX-License-Identifier: Apache-2.0
// Clock: injected time source so schedulers and tests never depend on the real clock or sleeps.
#pragma once

#include <cstdint>

namespace fgm {

/// Nanoseconds since the Unix epoch (UTC).
using TimestampNs = int64_t;

constexpr int64_t kNanosPerMicro = 1000;
constexpr int64_t kNanosPerMilli = 1000 * 1000;
constexpr int64_t kNanosPerSecond = 1000 * 1000 * 1000;

/// Abstract clock. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Wall-clock time (CLOCK_REALTIME), ns since the epoch.
  virtual TimestampNs WallNs() const = 0;
  /// Monotonic time (CLOCK_MONOTONIC), ns since an arbitrary origin; for measuring durations.
  virtual int64_t MonotonicNs() const = 0;
  /// Blocks until WallNs() >= deadline (a fake clock advances instead).
  virtual void SleepUntilWall(TimestampNs deadline) = 0;
};

/// The process's real clock.
Clock& RealClock();

/// Next multiple of `interval_ns` strictly after `now_ns` (ticks aligned to wall-clock boundaries).
/// REQUIRES: interval_ns > 0.
TimestampNs NextAlignedTick(TimestampNs now_ns, int64_t interval_ns);

}  // namespace fgm

// SPDX-License-Identifier: Apache-2.0
// FakeClock: a Clock for tests. Time only moves when the test says so (or when code "sleeps").
#pragma once

#include <atomic>

#include "core/clock.h"

namespace fgm::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimestampNs start_wall_ns = 1'700'000'000LL * kNanosPerSecond)
      : wall_ns_(start_wall_ns) {}

  TimestampNs WallNs() const override { return wall_ns_.load(); }
  int64_t MonotonicNs() const override { return wall_ns_.load() - start_; }
  void SleepUntilWall(TimestampNs deadline) override {
    if (deadline > wall_ns_.load()) wall_ns_ = deadline;
  }

  void AdvanceNs(int64_t delta) { wall_ns_ += delta; }
  void SetWallNs(TimestampNs t) { wall_ns_ = t; }

 private:
  std::atomic<TimestampNs> wall_ns_;
  TimestampNs start_ = 0;
};

}  // namespace fgm::testing

// SPDX-License-Identifier: Apache-2.0
// ComputeDerived on synthetic snapshots: no rates on the first tick, rates over real elapsed time,
// counter resets, recreated cgroups, unlimited limits, throttling ratios, PSI and I/O rates, the
// working-set rule, and windows too short to divide by.
#include "collector/derived.h"

#include <gtest/gtest.h>

namespace fgm::collector {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr TimestampNs kT0 = 1'700'000'000LL * kNanosPerSecond;

PressureStat Psi(uint64_t some_total, std::optional<uint64_t> full_total = std::nullopt) {
  PressureStat p;
  p.some = PressureLine{.avg10 = 1.0, .avg60 = 0.5, .avg300 = 0.1, .total = some_total};
  if (full_total) p.full = PressureLine{.total = *full_total};
  return p;
}

IoStat Io(uint64_t rbytes, uint64_t wbytes) {
  IoStat io;
  io.devices.push_back(IoDeviceStat{.major = 8, .minor = 0, .rbytes = rbytes, .wbytes = wbytes});
  return io;
}

// A container with a 250m quota and 256 MiB limit, `seconds` after kT0, whose counters have
// advanced `k` units of work.
CgroupSnapshot Snap(double seconds, uint64_t k, uint64_t inode = 7) {
  CgroupSnapshot s;
  s.inode = inode;
  s.taken_at_ns = kT0 + static_cast<int64_t>(seconds * kNanosPerSecond);
  s.cpu_usage_usec = 1'000'000 + 250'000 * k;
  s.cpu_user_usec = 600'000 + 200'000 * k;
  s.cpu_system_usec = 400'000 + 50'000 * k;
  s.cpu_nr_periods = 100 + 10 * k;
  s.cpu_nr_throttled = 40 + 6 * k;
  s.cpu_throttled_usec = 5'000'000 + 300'000 * k;
  s.cpu_max = CpuMax{.quota_usec = Limit::Of(25'000), .period_usec = 100'000};
  s.memory_current = 200 * kMiB;
  s.memory_max = Limit::Of(256 * kMiB);
  s.memory_stat.Set("anon", 150 * kMiB);
  s.memory_stat.Set("inactive_file", 40 * kMiB);
  s.io = Io(1'000 + 4096 * k, 2'000 + 8192 * k);
  s.cpu_pressure = Psi(10'000 + 50'000 * k);
  s.memory_pressure = Psi(20'000 + 1'000 * k, 5'000 + 500 * k);
  s.io_pressure = Psi(30'000 + 2'000 * k, 7'000 + 700 * k);
  return s;
}

TEST(ComputeDerivedTest, FirstTickHasLevelsButNoRates) {
  const CgroupSnapshot s = Snap(0, 0);
  const DerivedMetrics d = ComputeDerived(s, nullptr);
  EXPECT_FALSE(d.cpu_usage_millicores.has_value());  // the reference's first-sample spike
  EXPECT_FALSE(d.cpu_user_millicores.has_value());
  EXPECT_FALSE(d.cpu_system_millicores.has_value());
  EXPECT_FALSE(d.cpu_throttled_ratio.has_value());
  EXPECT_FALSE(d.cpu_throttled_usec_per_sec.has_value());
  EXPECT_FALSE(d.io_read_bytes_per_sec.has_value());
  EXPECT_FALSE(d.cpu_pressure_some_usec_per_sec.has_value());
  EXPECT_FALSE(d.memory_pressure_full_usec_per_sec.has_value());
  ASSERT_TRUE(d.cpu_limit_millicores.has_value());
  EXPECT_DOUBLE_EQ(*d.cpu_limit_millicores, 250.0);
  EXPECT_EQ(d.memory_working_set_bytes, 160 * kMiB);
  ASSERT_TRUE(d.memory_usage_ratio && d.memory_working_set_ratio);
  EXPECT_DOUBLE_EQ(*d.memory_usage_ratio, 200.0 / 256.0);
  EXPECT_DOUBLE_EQ(*d.memory_working_set_ratio, 160.0 / 256.0);
}

TEST(ComputeDerivedTest, RatesPerSecondOfOneSecond) {
  const CgroupSnapshot a = Snap(0, 0);
  const CgroupSnapshot b = Snap(1, 1);
  const RateBase base = RateBaseOf(a);
  const DerivedMetrics d = ComputeDerived(b, &base);
  EXPECT_DOUBLE_EQ(d.cpu_usage_millicores.value(), 250.0);
  EXPECT_DOUBLE_EQ(d.cpu_user_millicores.value(), 200.0);
  EXPECT_DOUBLE_EQ(d.cpu_system_millicores.value(), 50.0);
  EXPECT_DOUBLE_EQ(d.cpu_throttled_ratio.value(), 0.6);
  EXPECT_DOUBLE_EQ(d.cpu_throttled_usec_per_sec.value(), 300'000.0);
  EXPECT_DOUBLE_EQ(d.io_read_bytes_per_sec.value(), 4096.0);
  EXPECT_DOUBLE_EQ(d.io_write_bytes_per_sec.value(), 8192.0);
  EXPECT_DOUBLE_EQ(d.cpu_pressure_some_usec_per_sec.value(), 50'000.0);
  EXPECT_DOUBLE_EQ(d.memory_pressure_some_usec_per_sec.value(), 1'000.0);
  EXPECT_DOUBLE_EQ(d.memory_pressure_full_usec_per_sec.value(), 500.0);
  EXPECT_DOUBLE_EQ(d.io_pressure_some_usec_per_sec.value(), 2'000.0);
  EXPECT_DOUBLE_EQ(d.io_pressure_full_usec_per_sec.value(), 700.0);
}

TEST(ComputeDerivedTest, RatesUseTheRealElapsedTimeNotTheNominalInterval) {
  // One unit of work took 1.25 s of wall time (a late tick): 250 ms of CPU over 1.25 s is 200 m,
  // not 250 m.
  const RateBase base = RateBaseOf(Snap(0, 0));
  const DerivedMetrics late = ComputeDerived(Snap(1.25, 1), &base);
  EXPECT_DOUBLE_EQ(late.cpu_usage_millicores.value(), 200.0);
  EXPECT_DOUBLE_EQ(late.io_read_bytes_per_sec.value(), 4096.0 / 1.25);
  // Four units over a 2 s gap (a skipped tick): still 500 m, no spike.
  const DerivedMetrics gap = ComputeDerived(Snap(2, 4), &base);
  EXPECT_DOUBLE_EQ(gap.cpu_usage_millicores.value(), 500.0);
  // Sub-second ticks work the same way.
  const DerivedMetrics fast = ComputeDerived(Snap(0.1, 1), &base);
  EXPECT_NEAR(fast.cpu_usage_millicores.value(), 2500.0, 1e-9);
}

TEST(ComputeDerivedTest, CounterResetDropsOnlyThatRate) {
  const RateBase base = RateBaseOf(Snap(0, 5));
  CgroupSnapshot cur = Snap(1, 6);
  cur.cpu_usage_usec = 10;   // went backwards
  cur.io = Io(0, 0);         // went backwards
  cur.cpu_nr_throttled = 0;  // went backwards
  const DerivedMetrics d = ComputeDerived(cur, &base);
  EXPECT_FALSE(d.cpu_usage_millicores.has_value());
  EXPECT_FALSE(d.io_read_bytes_per_sec.has_value());
  EXPECT_FALSE(d.io_write_bytes_per_sec.has_value());
  EXPECT_FALSE(d.cpu_throttled_ratio.has_value());
  // Counters that advanced normally still have rates.
  EXPECT_DOUBLE_EQ(d.cpu_user_millicores.value(), 200.0);
  EXPECT_DOUBLE_EQ(d.cpu_throttled_usec_per_sec.value(), 300'000.0);
  EXPECT_DOUBLE_EQ(d.cpu_pressure_some_usec_per_sec.value(), 50'000.0);
}

TEST(ComputeDerivedTest, ADifferentInodeIsANewCgroupWithoutRates) {
  const RateBase base = RateBaseOf(Snap(0, 0, /*inode=*/7));
  const DerivedMetrics d = ComputeDerived(Snap(1, 1, /*inode=*/8), &base);
  EXPECT_FALSE(d.cpu_usage_millicores.has_value());
  EXPECT_FALSE(d.io_write_bytes_per_sec.has_value());
  EXPECT_FALSE(d.memory_pressure_some_usec_per_sec.has_value());
  EXPECT_TRUE(d.cpu_limit_millicores.has_value());  // levels are per snapshot
}

TEST(ComputeDerivedTest, UnlimitedLimitsAreAbsentNeverHuge) {
  CgroupSnapshot s = Snap(0, 0);
  s.cpu_max = CpuMax{.quota_usec = Limit::Unlimited(), .period_usec = 100'000};
  s.memory_max = Limit::Unlimited();
  const DerivedMetrics d = ComputeDerived(s, nullptr);
  EXPECT_FALSE(d.cpu_limit_millicores.has_value());
  EXPECT_FALSE(d.memory_usage_ratio.has_value());
  EXPECT_FALSE(d.memory_working_set_ratio.has_value());
  EXPECT_EQ(d.memory_working_set_bytes, 160 * kMiB);
  // Unknown (file absent) is absent too, and a zero limit or period cannot divide by zero.
  s.cpu_max.reset();
  s.memory_max.reset();
  EXPECT_FALSE(ComputeDerived(s, nullptr).cpu_limit_millicores.has_value());
  EXPECT_FALSE(ComputeDerived(s, nullptr).memory_usage_ratio.has_value());
  s.cpu_max = CpuMax{.quota_usec = Limit::Of(5000), .period_usec = 0};
  s.memory_max = Limit::Of(0);
  EXPECT_FALSE(ComputeDerived(s, nullptr).cpu_limit_millicores.has_value());
  EXPECT_FALSE(ComputeDerived(s, nullptr).memory_usage_ratio.has_value());
}

TEST(ComputeDerivedTest, ThrottledRatioEdgeCases) {
  const RateBase base = RateBaseOf(Snap(0, 0));
  CgroupSnapshot idle = Snap(1, 0);  // no period elapsed, nothing throttled
  EXPECT_DOUBLE_EQ(ComputeDerived(idle, &base).cpu_throttled_ratio.value(), 0.0);
  CgroupSnapshot odd = Snap(1, 0);  // throttled without a period: inconsistent, no value
  *odd.cpu_nr_throttled += 1;
  EXPECT_FALSE(ComputeDerived(odd, &base).cpu_throttled_ratio.has_value());
  CgroupSnapshot over = Snap(1, 1);  // more throttled than periods (racy reads): clamped
  *over.cpu_nr_throttled += 100;
  EXPECT_DOUBLE_EQ(ComputeDerived(over, &base).cpu_throttled_ratio.value(), 1.0);
  CgroupSnapshot no_cfs = Snap(1, 1);  // no cpu controller: no throttling counters
  no_cfs.cpu_nr_periods.reset();
  no_cfs.cpu_nr_throttled.reset();
  EXPECT_FALSE(ComputeDerived(no_cfs, &base).cpu_throttled_ratio.has_value());
}

TEST(ComputeDerivedTest, MissingInputsGiveMissingOutputs) {
  CgroupSnapshot prev = Snap(0, 0);
  prev.io.reset();
  prev.cpu_pressure.reset();
  prev.memory_pressure->full.reset();
  const RateBase base = RateBaseOf(prev);
  const DerivedMetrics d = ComputeDerived(Snap(1, 1), &base);
  EXPECT_FALSE(d.io_read_bytes_per_sec.has_value());
  EXPECT_FALSE(d.cpu_pressure_some_usec_per_sec.has_value());
  EXPECT_FALSE(d.memory_pressure_full_usec_per_sec.has_value());
  EXPECT_TRUE(d.memory_pressure_some_usec_per_sec.has_value());
  // An empty io.stat (no I/O yet) is zero bytes, so rates exist once I/O starts.
  CgroupSnapshot empty_io = Snap(0, 0);
  empty_io.io = IoStat{};
  const RateBase empty_base = RateBaseOf(empty_io);
  EXPECT_DOUBLE_EQ(ComputeDerived(Snap(1, 0), &empty_base).io_read_bytes_per_sec.value(), 1000.0);
}

TEST(ComputeDerivedTest, WindowsTooShortOrBackwardsGiveNoRates) {
  const RateBase base = RateBaseOf(Snap(1, 0));
  EXPECT_FALSE(ComputeDerived(Snap(1, 1), &base).cpu_usage_millicores.has_value());    // same time
  EXPECT_FALSE(ComputeDerived(Snap(0.5, 1), &base).cpu_usage_millicores.has_value());  // earlier
  CgroupSnapshot tiny = Snap(1, 1);
  tiny.taken_at_ns = base.taken_at_ns + kMinRateWindowNs - 1;
  EXPECT_FALSE(ComputeDerived(tiny, &base).cpu_usage_millicores.has_value());
  tiny.taken_at_ns = base.taken_at_ns + kMinRateWindowNs;
  EXPECT_TRUE(ComputeDerived(tiny, &base).cpu_usage_millicores.has_value());
}

TEST(ComputeDerivedTest, WorkingSetFollowsTheKubeletRule) {
  CgroupSnapshot s = Snap(0, 0);
  s.memory_stat.Set("inactive_file", 300 * kMiB);  // more than current (racy reads): floor at 0
  EXPECT_EQ(ComputeDerived(s, nullptr).memory_working_set_bytes, 0u);
  s.memory_stat = MemoryStat{};  // no memory.stat: the working set is the usage
  EXPECT_EQ(ComputeDerived(s, nullptr).memory_working_set_bytes, 200 * kMiB);
  s.memory_current.reset();
  const DerivedMetrics d = ComputeDerived(s, nullptr);
  EXPECT_FALSE(d.memory_working_set_bytes.has_value());
  EXPECT_FALSE(d.memory_usage_ratio.has_value());
}

}  // namespace
}  // namespace fgm::collector

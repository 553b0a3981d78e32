// SPDX-License-Identifier: Apache-2.0
// DetectPeriodicity on hand-made series: exact periods, gaps that must not create periods,
// harmonics that must not be reported, windows that say when, and the error cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> Sine(size_t n, double period, double noise, unsigned seed = 1) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v(n);
  for (size_t t = 0; t < n; ++t) {
    v[t] =
        10 + std::sin(2 * std::numbers::pi * static_cast<double>(t) / period) + noise * normal(gen);
  }
  return v;
}

std::vector<double> Noise(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v(n);
  for (double& x : v) x = normal(gen);
  return v;
}

TEST(PeriodicityTest, FindsASinePeriodPrecisely) {
  const std::vector<double> v = Sine(3600, 60, 0.3);
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_FALSE(r->periods.empty());
  EXPECT_NEAR(r->periods[0].period_s, 60, 0.1);
  EXPECT_GT(r->periods[0].confidence, 0.8);
  EXPECT_LE(r->periods[0].confidence, 1.0);
  // No harmonics: 120, 180, ... are multiples of 60.
  EXPECT_EQ(r->periods.size(), 1u);
  // window_s == 0: one window over the whole span.
  ASSERT_EQ(r->windows.size(), 1u);
  EXPECT_EQ(r->windows[0].start_ms, 0);
  EXPECT_EQ(r->windows[0].end_ms, 3600 * 1000);
}

TEST(PeriodicityTest, NonIntegerPeriodAndCoarseStep) {
  // 37.5 s at 1 s steps: between two lags; the refinement must land between them.
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, Sine(3600, 37.5, 0.3)});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->periods.empty());
  EXPECT_NEAR(r->periods[0].period_s, 37.5, 0.2);
  // 300 s sampled every 5 s is a 60-sample period.
  Result<PeriodicityResult> coarse = DetectPeriodicity({1'000'000, 5000, Sine(1440, 60, 0.3)});
  ASSERT_TRUE(coarse.ok());
  ASSERT_FALSE(coarse->periods.empty());
  EXPECT_NEAR(coarse->periods[0].period_s, 300, 1.0);
  EXPECT_EQ(coarse->windows.at(0).start_ms, 1'000'000);
}

TEST(PeriodicityTest, PulseTrainReportsTheFundamentalOnly) {
  // A cron-like 2 s burst every 30 s: the autocorrelation is as high at 60, 90, ... s.
  std::vector<double> v = Noise(3600, 7);
  for (size_t t = 0; t < v.size(); ++t) v[t] = 0.2 * v[t] + ((t % 30) < 2 ? 5.0 : 0.0);
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->periods.size(), 1u);
  EXPECT_NEAR(r->periods[0].period_s, 30, 0.5);
}

TEST(PeriodicityTest, TwoIndependentPeriodsAreBothReported) {
  std::vector<double> v = Sine(7200, 300, 0.2, 3);
  for (size_t t = 0; t < v.size(); ++t) v[t] += 0.8 * std::sin(2 * std::numbers::pi * t / 45.0);
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v});
  ASSERT_TRUE(r.ok());
  std::vector<double> found;
  for (const Period& p : r->periods) found.push_back(p.period_s);
  ASSERT_GE(found.size(), 2u);
  auto has = [&](double want) {
    for (double f : found) {
      if (std::abs(f - want) <= 1) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(300));
  EXPECT_TRUE(has(45));
}

TEST(PeriodicityTest, PeriodicGapsDoNotCreateAPeriod) {
  // Autocorrelated noise (AR(1), phi = 0.995) with a 10 s hole every 40 s. Dividing the lag sums
  // by n - k instead of the valid pairs at each lag (most at multiples of 40 s, fewest in
  // between) would modulate the autocorrelation with the gaps' rhythm and show a 40 s period; so
  // would filling holes with anything but the mean.
  std::vector<double> v = Noise(3600, 11);
  for (size_t t = 1; t < v.size(); ++t) v[t] += 0.995 * v[t - 1];
  for (size_t t = 0; t < v.size(); ++t) {
    v[t] += 100;
    if (t % 40 < 10) v[t] = kNaN;
  }
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->periods.empty()) << r->periods[0].period_s;
}

TEST(PeriodicityTest, SurvivesOutliersAndGapsAndTrend) {
  std::vector<double> v = Sine(3600, 15, 0.5, 5);
  std::mt19937 gen(9);
  for (size_t t = 0; t < v.size(); ++t) {
    v[t] += 0.01 * static_cast<double>(t);  // trend
    if (gen() % 100 == 0) v[t] += 1000;     // 1% huge outliers
    if (gen() % 10 == 0) v[t] = kNaN;       // 10% gaps
  }
  for (size_t t = 1000; t < 1300; ++t) v[t] = std::numeric_limits<double>::infinity();  // an outage
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->periods.empty());
  EXPECT_NEAR(r->periods[0].period_s, 15, 0.2);
}

TEST(PeriodicityTest, AperiodicSeriesHaveNoPeriods) {
  Result<PeriodicityResult> noise = DetectPeriodicity({0, 1000, Noise(3600, 13)});
  ASSERT_TRUE(noise.ok());
  EXPECT_TRUE(noise->periods.empty());
  EXPECT_TRUE(noise->windows.empty());
  std::vector<double> walk = Noise(3600, 17);
  for (size_t t = 1; t < walk.size(); ++t) walk[t] += walk[t - 1];
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, walk});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->periods.empty()) << r->periods[0].period_s;
}

TEST(PeriodicityTest, WindowsSayWhenThePeriodHolds) {
  // Noise for the first hour, then a 60 s cycle for the second.
  std::vector<double> v = Noise(7200, 19);
  for (size_t t = 3600; t < v.size(); ++t)
    v[t] = 0.2 * v[t] + std::sin(2 * std::numbers::pi * t / 60.0);
  PeriodicityOptions options;
  options.window_s = 600;
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v}, options);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->periods.empty());
  EXPECT_NEAR(r->periods[0].period_s, 60, 0.5);
  ASSERT_EQ(r->windows.size(), 1u);
  EXPECT_EQ(r->windows[0].start_ms, 3600 * 1000);
  EXPECT_EQ(r->windows[0].end_ms, 7200 * 1000);
  ASSERT_EQ(r->windows[0].metrics.size(), 2u);
  EXPECT_EQ(r->windows[0].metrics[0].first, "period_s");
  EXPECT_EQ(r->windows[0].metrics[1].first, "confidence");
  EXPECT_GT(r->windows[0].metrics[1].second, 0.8);
}

TEST(PeriodicityTest, OptionsBoundThePeriods) {
  std::vector<double> v = Sine(3600, 60, 0.1);
  PeriodicityOptions options;
  options.max_period_s = 50;  // 60 s is out of range
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v}, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->periods.empty());
  options = {};
  options.min_confidence = 0.99;  // a noisy cycle stays below
  r = DetectPeriodicity({0, 1000, Sine(3600, 60, 1.0)}, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->periods.empty());
}

TEST(PeriodicityTest, EdgeCasesGiveClearStatuses) {
  const std::vector<double> empty;
  EXPECT_EQ(DetectPeriodicity({0, 1000, empty}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> all_nan(1000, kNaN);
  EXPECT_EQ(DetectPeriodicity({0, 1000, all_nan}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> short_series = Sine(5, 2, 0);
  Result<PeriodicityResult> too_short = DetectPeriodicity({0, 1000, short_series});
  EXPECT_EQ(too_short.error().code(), StatusCode::kInvalidArgument);
  // 20 samples cannot show a 10 s period three times.
  PeriodicityOptions options;
  options.min_period_s = 10;
  const std::vector<double> twenty = Sine(20, 4, 0);
  EXPECT_FALSE(DetectPeriodicity({0, 1000, twenty}, options).ok());
  const std::vector<double> v = Sine(600, 60, 0.1);
  EXPECT_EQ(DetectPeriodicity({0, 0, v}).error().code(), StatusCode::kInvalidArgument);
  options = {};
  options.max_periods = 0;
  EXPECT_FALSE(DetectPeriodicity({0, 1000, v}, options).ok());
  options = {};
  options.min_period_s = -1;
  EXPECT_FALSE(DetectPeriodicity({0, 1000, v}, options).ok());
  // Absurd but well-formed options: clear answers, no overflow.
  options = {};
  options.min_period_s = 1e300;
  options.max_period_s = std::numeric_limits<double>::infinity();
  EXPECT_EQ(DetectPeriodicity({0, 1000, v}, options).error().code(), StatusCode::kInvalidArgument);
  options = {};
  options.max_period_s = 2;  // nothing between 2 and 2 s
  EXPECT_EQ(DetectPeriodicity({0, 1000, v}, options).error().code(), StatusCode::kInvalidArgument);
  options = {};
  options.window_s = std::numeric_limits<int64_t>::max();
  Result<PeriodicityResult> one_window = DetectPeriodicity({0, 1000, v}, options);
  ASSERT_TRUE(one_window.ok());
  EXPECT_EQ(one_window->windows.size(), 1u);
  // A constant series is valid input with nothing periodic in it.
  const std::vector<double> constant(1000, 42.0);
  Result<PeriodicityResult> flat = DetectPeriodicity({0, 1000, constant});
  ASSERT_TRUE(flat.ok());
  EXPECT_TRUE(flat->periods.empty());
}

TEST(PeriodicityTest, DayAtOneHertz) {
  const std::vector<double> v = Sine(86400, 300, 0.5, 23);
  Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->periods.empty());
  EXPECT_NEAR(r->periods[0].period_s, 300, 0.2);
}

}  // namespace
}  // namespace fgm::studies

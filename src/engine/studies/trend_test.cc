// SPDX-License-Identifier: Apache-2.0
// DetectTrend on exact lines, noisy leaks and flat series: slope, line end points, Mann-Kendall,
// breach time, the seasonal path, and the error cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> Line(size_t n, double start, double per_sample, double noise, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v(n);
  for (size_t t = 0; t < n; ++t)
    v[t] = start + per_sample * static_cast<double>(t) + noise * normal(gen);
  return v;
}

TEST(TrendTest, ExactLine) {
  std::vector<double> v = Line(100, 50, 2, 0, 1);  // +2 per 10 s sample
  v[0] = v[1] = kNaN;                              // leading gap
  TrendOptions options;
  options.limit = 1000;
  Result<TrendResult> r = DetectTrend({1'000'000, 10'000, v}, options);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_NEAR(r->slope_per_s, 0.2, 1e-12);
  EXPECT_NEAR(r->intercept, 50, 1e-9);
  EXPECT_EQ(r->t0_ms, 1'000'000 + 20'000);
  EXPECT_EQ(r->t1_ms, 1'000'000 + 990'000);
  EXPECT_NEAR(r->v0, 54, 1e-9);
  EXPECT_NEAR(r->v1, 248, 1e-9);
  EXPECT_GT(r->mann_kendall_z, 10);
  EXPECT_LT(r->p_value, 1e-10);
  // 1000 is reached at sample (1000 - 50) / 2 = 475, i.e. 4,750 s after start_ms.
  ASSERT_TRUE(r->breach_ms.has_value());
  EXPECT_NEAR(static_cast<double>(*r->breach_ms), 1'000'000 + 4'750'000, 1.0);
}

TEST(TrendTest, NoBreachWhenFallingOrAlreadyAbove) {
  TrendOptions options;
  options.limit = 10;
  Result<TrendResult> falling = DetectTrend({0, 1000, Line(100, 5, -0.01, 0.001, 2)}, options);
  ASSERT_TRUE(falling.ok());
  EXPECT_LT(falling->mann_kendall_z, -5);
  EXPECT_FALSE(falling->breach_ms.has_value());
  Result<TrendResult> above = DetectTrend({0, 1000, Line(100, 20, 0.01, 0.001, 3)}, options);
  ASSERT_TRUE(above.ok());
  EXPECT_FALSE(above->breach_ms.has_value());
  // Ten years away or more counts as never.
  Result<TrendResult> slow = DetectTrend({0, 1000, Line(100, 0, 1e-9, 0, 4)}, options);
  ASSERT_TRUE(slow.ok());
  EXPECT_FALSE(slow->breach_ms.has_value());
}

TEST(TrendTest, NoisyLeakIsSignificantAndFlatIsNot) {
  // 1 MiB/min over an hour under 4 MiB of noise, and the same noise without the leak.
  const double mib = 1 << 20;
  Result<TrendResult> leak = DetectTrend({0, 1000, Line(3600, 300 * mib, mib / 60, 4 * mib, 5)});
  ASSERT_TRUE(leak.ok());
  EXPECT_NEAR(leak->slope_per_s, mib / 60, mib / 600);
  EXPECT_LT(leak->p_value, 1e-6);
  for (unsigned seed = 6; seed < 10; ++seed) {
    Result<TrendResult> flat = DetectTrend({0, 1000, Line(3600, 300 * mib, 0, 4 * mib, seed)});
    ASSERT_TRUE(flat.ok());
    EXPECT_GT(flat->p_value, 0.01) << seed;
  }
}

TEST(TrendTest, SawtoothIsSeasonalNotATrend) {
  // A heap collected every 120 s: ramps up, drops. The plain test would call each ramp a trend.
  std::vector<double> v = Line(3600, 0, 0, 0.3, 11);
  for (size_t t = 0; t < v.size(); ++t) v[t] += static_cast<double>(t % 120) / 12.0;
  Result<TrendResult> r = DetectTrend({0, 1000, v});
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->season_s, 120, 1);
  EXPECT_GT(r->p_value, 0.01);
  EXPECT_NEAR(r->slope_per_s, 0, 1e-3);
  // The same heap leaking: found.
  for (size_t t = 0; t < v.size(); ++t) v[t] += 0.001 * static_cast<double>(t);
  r = DetectTrend({0, 1000, v});
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->p_value, 1e-6);
  EXPECT_NEAR(r->slope_per_s, 0.001, 2e-4);
}

TEST(TrendTest, DayAtOneHertzIsSubsampled) {
  Result<TrendResult> r = DetectTrend({0, 1000, Line(86400, 0, 1e-4, 1, 12)});
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->slope_per_s, 1e-4, 1e-5);
  EXPECT_LT(r->p_value, 1e-6);
}

TEST(TrendTest, EdgeCasesGiveClearStatuses) {
  const std::vector<double> empty;
  EXPECT_EQ(DetectTrend({0, 1000, empty}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> all_nan(50, kNaN);
  EXPECT_EQ(DetectTrend({0, 1000, all_nan}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> two{1, 2};
  EXPECT_EQ(DetectTrend({0, 1000, two}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> three{1, 2, 3};
  EXPECT_FALSE(DetectTrend({0, 0, three}).ok());
  TrendOptions options;
  options.limit = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(DetectTrend({0, 1000, three}, options).ok());
  // Constant: no slope, no trend.
  const std::vector<double> constant(100, 3.0);
  Result<TrendResult> r = DetectTrend({0, 1000, constant});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slope_per_s, 0);
  EXPECT_EQ(r->mann_kendall_z, 0);
  EXPECT_EQ(r->p_value, 1);
  EXPECT_EQ(r->v0, 3.0);
}

}  // namespace
}  // namespace fgm::studies

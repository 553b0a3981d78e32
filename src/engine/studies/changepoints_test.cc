// SPDX-License-Identifier: Apache-2.0
// DetectChangePoints on hand-made level shifts: exact locations and means, minimum segment,
// maximum count, spikes and gaps, the block path for long series, and the error cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Unit-variance noise around `levels[i]` from sample `starts[i]` on.
std::vector<double> Steps(size_t n, const std::vector<size_t>& starts,
                          const std::vector<double>& levels, unsigned seed = 1) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v(n);
  size_t segment = 0;
  for (size_t t = 0; t < n; ++t) {
    while (segment + 1 < starts.size() && t >= starts[segment + 1]) ++segment;
    v[t] = levels[segment] + normal(gen);
  }
  return v;
}

TEST(ChangePointsTest, FindsOneShiftWithItsMeans) {
  const std::vector<double> v = Steps(1000, {0, 400}, {10, 15});
  Result<ChangePointResult> r = DetectChangePoints({5'000, 1000, v});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->changepoints.size(), 1u);
  EXPECT_NEAR(static_cast<double>(r->changepoints[0].time_ms), 5'000 + 400'000, 2'000);
  EXPECT_NEAR(r->changepoints[0].before, 10, 0.2);
  EXPECT_NEAR(r->changepoints[0].after, 15, 0.2);
  ASSERT_EQ(r->segments.size(), 2u);
  EXPECT_EQ(r->segments[0].start_ms, 5'000);
  EXPECT_EQ(r->segments[0].end_ms, r->changepoints[0].time_ms);
  EXPECT_EQ(r->segments[1].start_ms, r->changepoints[0].time_ms);
  EXPECT_EQ(r->segments[1].end_ms, 5'000 + 1000 * 1000);
  EXPECT_EQ(r->segments[0].metrics.at(0).first, "mean");
}

TEST(ChangePointsTest, NoiseAloneHasNoChange) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    const std::vector<double> v = Steps(3600, {0}, {100}, seed);
    Result<ChangePointResult> r = DetectChangePoints({0, 1000, v});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->changepoints.empty()) << "seed " << seed;
    EXPECT_EQ(r->segments.size(), 1u);
  }
}

TEST(ChangePointsTest, SpikesAreNotChanges) {
  std::vector<double> v = Steps(2000, {0}, {0}, 3);
  for (size_t t = 100; t < v.size(); t += 397) v[t] += (t % 2 ? 50 : -50);
  Result<ChangePointResult> r = DetectChangePoints({0, 1000, v});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changepoints.empty()) << r->changepoints.size();
}

TEST(ChangePointsTest, GapsAreSkipped) {
  // The shift happens during an outage: it is reported at the first sample after the outage.
  std::vector<double> v = Steps(1200, {0, 600}, {0, 6}, 4);
  for (size_t t = 580; t < 600; ++t) v[t] = kNaN;
  for (size_t t = 0; t < v.size(); t += 7) v[t] = kNaN;
  Result<ChangePointResult> r = DetectChangePoints({0, 1000, v});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->changepoints.size(), 1u);
  EXPECT_EQ(r->changepoints[0].time_ms, 600'000 + (600 % 7 == 0 ? 1000 : 0));
}

TEST(ChangePointsTest, MinimumSegmentAndMaximumCount) {
  // Two shifts 5 s apart: a 10 s minimum segment cannot keep both.
  const std::vector<double> v = Steps(600, {0, 300, 305}, {0, 20, 40}, 5);
  Result<ChangePointResult> r = DetectChangePoints({0, 1000, v});
  ASSERT_TRUE(r.ok());
  for (size_t i = 1; i < r->changepoints.size(); ++i) {
    EXPECT_GE(r->changepoints[i].time_ms - r->changepoints[i - 1].time_ms, 10'000);
  }
  ChangePointOptions options;
  options.min_segment_s = 2;
  r = DetectChangePoints({0, 1000, v}, options);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->changepoints.size(), 2u);
  EXPECT_EQ(r->changepoints[0].time_ms, 300'000);
  EXPECT_EQ(r->changepoints[1].time_ms, 305'000);

  // Six clear shifts, at most three reported: the three largest.
  const std::vector<double> many =
      Steps(700, {0, 100, 200, 300, 400, 500, 600}, {0, 5, 0, 30, 0, 60, 0}, 6);
  options = {};
  options.max_changepoints = 3;
  r = DetectChangePoints({0, 1000, many}, options);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->changepoints.size(), 3u);
  EXPECT_GE(r->changepoints.size(), 2u);
}

TEST(ChangePointsTest, ExplicitPenalty) {
  const std::vector<double> v = Steps(1000, {0, 500}, {0, 1.0}, 8);
  ChangePointOptions options;
  options.penalty = 1e6;  // far above any gain: nothing is worth a change
  Result<ChangePointResult> r = DetectChangePoints({0, 1000, v}, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changepoints.empty());
}

TEST(ChangePointsTest, DayAtOneHertzUsesBlocksAndStaysPrecise) {
  const std::vector<size_t> starts{0, 20000, 50000, 51000, 80000};
  const std::vector<double> v = Steps(86400, starts, {0, 3, -1, 4, 2}, 9);
  Result<ChangePointResult> r = DetectChangePoints({0, 1000, v});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->changepoints.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(static_cast<double>(r->changepoints[i].time_ms) / 1000.0,
                static_cast<double>(starts[i + 1]), 5.0);
  }
}

TEST(ChangePointsTest, EdgeCasesGiveClearStatuses) {
  const std::vector<double> empty;
  EXPECT_EQ(DetectChangePoints({0, 1000, empty}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> all_nan(100, kNaN);
  EXPECT_EQ(DetectChangePoints({0, 1000, all_nan}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> short_series(15, 1.0);  // two 10 s segments need 20 samples
  EXPECT_EQ(DetectChangePoints({0, 1000, short_series}).error().code(),
            StatusCode::kInvalidArgument);
  const std::vector<double> v = Steps(100, {0}, {0});
  EXPECT_FALSE(DetectChangePoints({0, -5, v}).ok());
  ChangePointOptions options;
  options.penalty = -1;
  EXPECT_FALSE(DetectChangePoints({0, 1000, v}, options).ok());
  options = {};
  options.max_changepoints = -1;
  EXPECT_FALSE(DetectChangePoints({0, 1000, v}, options).ok());
  options = {};
  options.min_segment_s = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(DetectChangePoints({0, 1000, v}, options).error().code(), StatusCode::kInvalidArgument);
  // Constant: valid input, one segment, no change.
  const std::vector<double> constant(100, 7.0);
  Result<ChangePointResult> r = DetectChangePoints({0, 1000, constant});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changepoints.empty());
  ASSERT_EQ(r->segments.size(), 1u);
  EXPECT_EQ(r->segments[0].metrics.at(0).second, 7.0);
}

}  // namespace
}  // namespace fgm::studies

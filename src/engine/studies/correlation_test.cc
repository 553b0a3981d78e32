// SPDX-License-Identifier: Apache-2.0
// FindCorrelations: lag sign, ranking by |r|, gaps, minimum overlap, and the error cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> Noise(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v(n);
  for (double& x : v) x = normal(gen);
  return v;
}

// candidate[t] = scale * target[t - lag] + noise: the candidate follows the target by `lag`.
std::vector<double> Follower(const std::vector<double>& target, int lag, double scale, double noise,
                             unsigned seed) {
  std::vector<double> v = Noise(target.size(), seed);
  for (size_t t = 0; t < v.size(); ++t) {
    const int64_t src = static_cast<int64_t>(t) - lag;
    v[t] = noise * v[t] + (src >= 0 && src < static_cast<int64_t>(target.size())
                               ? scale * target[static_cast<size_t>(src)]
                               : 0.0);
  }
  return v;
}

TEST(CorrelationTest, RanksByAbsoluteRWithLags) {
  const std::vector<double> target = Noise(2000, 1);
  const std::vector<double> unrelated = Noise(2000, 2);
  const std::vector<double> follows = Follower(target, 5, 3.0, 0.5, 3);    // r ~ 0.99 at +5
  const std::vector<double> leads = Follower(target, -12, 1.0, 1.0, 4);    // r ~ 0.71 at -12
  const std::vector<double> opposite = Follower(target, 0, -2.0, 1.0, 5);  // r ~ -0.89 at 0
  const std::vector<SeriesView> candidates{
      {0, 1000, unrelated}, {0, 1000, follows}, {0, 1000, leads}, {0, 1000, opposite}};
  Result<std::vector<Correlation>> r = FindCorrelations({0, 1000, target}, candidates);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].candidate_index, 1u);
  EXPECT_EQ((*r)[0].lag_s, 5);
  EXPECT_GT((*r)[0].r, 0.95);
  EXPECT_EQ((*r)[1].candidate_index, 3u);
  EXPECT_EQ((*r)[1].lag_s, 0);
  EXPECT_LT((*r)[1].r, -0.85);
  EXPECT_EQ((*r)[2].candidate_index, 2u);
  EXPECT_EQ((*r)[2].lag_s, -12);
  EXPECT_EQ((*r)[3].candidate_index, 0u);
  EXPECT_LT(std::abs((*r)[3].r), 0.15);

  CorrelationOptions options;
  options.top_k = 2;
  r = FindCorrelations({0, 1000, target}, candidates, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
  // A lag outside the searched range is not found.
  options = {};
  options.max_lag_s = 3;
  r = FindCorrelations({0, 1000, target}, std::span(candidates).subspan(1, 1), options);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_LT(std::abs((*r)[0].r), 0.2);
}

TEST(CorrelationTest, LagsScaleWithTheStep) {
  const std::vector<double> target = Noise(500, 6);
  const std::vector<double> follows = Follower(target, 2, 1.0, 0.1, 7);
  const std::vector<SeriesView> candidates{{0, 10'000, follows}};
  CorrelationOptions options;
  options.max_lag_s = 60;  // 6 steps of 10 s
  Result<std::vector<Correlation>> r = FindCorrelations({0, 10'000, target}, candidates, options);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].lag_s, 20);
}

TEST(CorrelationTest, GapsAndOverlap) {
  std::vector<double> target = Noise(1000, 8);
  std::vector<double> copy = target;
  for (size_t t = 0; t < target.size(); t += 3) target[t] = kNaN;
  for (size_t t = 1; t < copy.size(); t += 5) copy[t] = kNaN;
  std::vector<double> sparse = Noise(1000, 9);
  for (size_t t = 0; t < sparse.size(); ++t) {
    if (t % 10 != 0) sparse[t] = kNaN;  // 10% valid: below the 50% overlap
  }
  const std::vector<double> constant(1000, 4.0);  // r undefined: skipped
  const std::vector<SeriesView> candidates{{0, 1000, copy}, {0, 1000, sparse}, {0, 1000, constant}};
  Result<std::vector<Correlation>> r = FindCorrelations({0, 1000, target}, candidates);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].candidate_index, 0u);
  EXPECT_NEAR((*r)[0].r, 1.0, 1e-12);
  EXPECT_EQ((*r)[0].lag_s, 0);
  // Large offsets do not lose precision: the same copy shifted by 1e12.
  std::vector<double> shifted = copy;
  for (double& x : shifted) x += 1e12;
  const std::vector<SeriesView> one{{0, 1000, shifted}};
  r = FindCorrelations({0, 1000, target}, one);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_NEAR((*r)[0].r, 1.0, 1e-6);
}

TEST(CorrelationTest, EdgeCasesGiveClearStatuses) {
  const std::vector<double> target = Noise(100, 10);
  const std::vector<SeriesView> none;
  Result<std::vector<Correlation>> r = FindCorrelations({0, 1000, target}, none);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  const std::vector<double> empty;
  EXPECT_EQ(FindCorrelations({0, 1000, empty}, none).error().code(), StatusCode::kInvalidArgument);
  const std::vector<double> all_nan(100, kNaN);
  EXPECT_EQ(FindCorrelations({0, 1000, all_nan}, none).error().code(),
            StatusCode::kInvalidArgument);
  const std::vector<SeriesView> other_step{{0, 2000, target}};
  EXPECT_EQ(FindCorrelations({0, 1000, target}, other_step).error().code(),
            StatusCode::kInvalidArgument);
  const std::vector<SeriesView> other_start{{1000, 1000, target}};
  EXPECT_FALSE(FindCorrelations({0, 1000, target}, other_start).ok());
  CorrelationOptions options;
  options.top_k = 0;
  EXPECT_FALSE(FindCorrelations({0, 1000, target}, none, options).ok());
  options = {};
  options.min_overlap = 0;
  EXPECT_FALSE(FindCorrelations({0, 1000, target}, none, options).ok());
  options = {};
  options.max_lag_s = -1;
  EXPECT_FALSE(FindCorrelations({0, 1000, target}, none, options).ok());
  // A huge lag range is capped by the series length.
  options = {};
  options.max_lag_s = std::numeric_limits<int64_t>::max();
  const std::vector<SeriesView> self{{0, 1000, target}};
  r = FindCorrelations({0, 1000, target}, self, options);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_NEAR((*r)[0].r, 1.0, 1e-12);
  EXPECT_EQ((*r)[0].lag_s, 0);
  // An all-NaN candidate is skipped, not an error.
  const std::vector<SeriesView> nan_candidate{{0, 1000, all_nan}};
  r = FindCorrelations({0, 1000, target}, nan_candidate);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace fgm::studies

// SPDX-License-Identifier: Apache-2.0
// DetectTrend: least-squares line over the valid samples, Mann-Kendall test for a monotonic trend
// (strided so the O(n^2) test stays bounded; seasonal when the series has a period, otherwise with
// the Hamed-Rao correction for autocorrelation) and the time at which the line reaches an optional
// limit. Parameters: docs/studies.md.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/studies/fft.h"
#include "engine/studies/series_internal.h"
#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

using internal::IsValid;

// Mann-Kendall compares every pair: 2 million comparisons (2,000 points, ~2 ms); a day at 1 Hz
// would be 3.7 billion. Striding (not averaging, which would shrink the noise and overstate
// significance) keeps the test honest about the data it sees.
constexpr double kMaxMannKendallPairs = 2e6;
// The seasonal test needs a period seen at least this many times (more values per phase bin give
// the per-bin tests their power) and enough samples for the periodicity study itself.
constexpr double kMinSeasonalCycles = 4;
constexpr size_t kMinSeasonalSamples = 64;
// A breach further out than this is reported as none: a line that needs ten years to reach the
// limit says "no trend worth acting on", and the bound keeps the time within int64 milliseconds.
constexpr double kMaxBreachAheadMs = 10.0 * 365.25 * 86400e3;

struct MannKendall {
  double s = 0;    // sum of sign(x[j] - x[i]) over i < j
  double var = 0;  // variance of S under "no trend", tie-corrected
};

MannKendall MannKendallS(const std::vector<double>& x) {
  MannKendall mk;
  const size_t m = x.size();
  if (m < 2) return mk;
  int64_t s = 0;
  for (size_t i = 0; i < m; ++i) {
    const double xi = x[i];
    for (size_t j = i + 1; j < m; ++j) s += (x[j] > xi) - (x[j] < xi);
  }
  mk.s = static_cast<double>(s);
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  const double md = static_cast<double>(m);
  mk.var = md * (md - 1) * (2 * md + 5);
  for (size_t i = 0; i < m;) {
    size_t j = i;
    while (j < m && sorted[j] == sorted[i]) ++j;
    const double t = static_cast<double>(j - i);
    mk.var -= t * (t - 1) * (2 * t + 5);
    i = j;
  }
  mk.var /= 18.0;
  return mk;
}

// Hamed & Rao (1998), "A modified Mann-Kendall trend test for autocorrelated data": the variance of
// S grows by 1 + 2 / (n(n-1)(n-2)) * sum_k (n-k)(n-k-1)(n-k-2) rho(k), with rho the autocorrelation
// of the ranks of the detrended series, counting only lags where it is significant. Metrics are
// rarely independent from one sample to the next (a garbage-collected heap is a sawtooth), and the
// plain test then reports trends that are only slow wiggles. Clamped at 1 so negative
// autocorrelation never makes the test bolder than the independent case.
double AutocorrelationFactor(const std::vector<double>& values, const std::vector<double>& times,
                             double slope) {
  const size_t n = values.size();
  if (n < 4) return 1.0;
  std::vector<std::pair<double, size_t>> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = {values[i] - slope * times[i], i};
  std::sort(order.begin(), order.end());
  std::vector<double> ranks(n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && order[j].first == order[i].first) ++j;
    const double average_rank = 0.5 * static_cast<double>(i + j - 1);  // ties share a rank
    for (size_t k = i; k < j; ++k) ranks[order[k].second] = average_rank;
    i = j;
  }
  const double mean_rank = 0.5 * static_cast<double>(n - 1);
  for (double& r : ranks) r -= mean_rank;
  std::vector<double> acf, unused;
  const std::vector<double> zeros(n, 0.0);
  AutocorrelatePair(ranks, zeros, n - 1, acf, unused);
  if (!(acf[0] > 0)) return 1.0;
  const double nd = static_cast<double>(n);
  // Two-sided 95% band of a white-noise autocorrelation estimate.
  const double significant = 1.96 / std::sqrt(nd);
  double sum = 0;
  for (size_t k = 1; k + 2 < n; ++k) {
    const double rho = acf[k] / acf[0];
    if (std::abs(rho) <= significant) continue;
    const double nk = static_cast<double>(n - k);
    sum += nk * (nk - 1) * (nk - 2) * rho;
  }
  return std::max(1.0, 1.0 + 2.0 * sum / (nd * (nd - 1) * (nd - 2)));
}

}  // namespace

Result<TrendResult> DetectTrend(const SeriesView& series, const TrendOptions& options) {
  FGM_RETURN_IF_ERROR(internal::ValidateSeries(series, "trend"));
  if (options.limit && !std::isfinite(*options.limit)) {
    return InvalidArgumentError("trend: limit must be finite");
  }
  std::vector<double> v;
  std::vector<size_t> index;
  for (size_t i = 0; i < series.values.size(); ++i) {
    if (!IsValid(series.values[i])) continue;
    v.push_back(series.values[i]);
    index.push_back(i);
  }
  // Three points: the fewest for which a line fit leaves a residual and Mann-Kendall has a
  // variance.
  if (v.size() < 3) {
    return InvalidArgumentError("trend: " + std::to_string(v.size()) +
                                " valid samples, need at least 3");
  }

  const double step_s = static_cast<double>(series.step_ms) / 1000.0;
  internal::LineFit fit = internal::FitLine(series.values);  // per sample index
  TrendResult result;

  // A periodic pattern (a garbage-collected heap's sawtooth, a daily cycle) has rising stretches
  // that Mann-Kendall counts as trend. Find the period, subtract its mean profile before fitting
  // the line, and compare only samples at the same phase (Hirsch's seasonal Mann-Kendall).
  const double span = static_cast<double>(index.back() - index.front() + 1);
  double season = 0;  // samples
  if (v.size() >= kMinSeasonalSamples && span / kMinSeasonalCycles > 3) {
    PeriodicityOptions periodicity;
    periodicity.min_period_s = 2 * step_s;
    periodicity.max_period_s = span / kMinSeasonalCycles * step_s;
    periodicity.max_periods = 1;
    Result<PeriodicityResult> found = DetectPeriodicity(series, periodicity);
    if (found.ok() && !found->periods.empty()) season = found->periods[0].period_s / step_s;
  }
  std::vector<size_t> phase;  // seasonal bin of each valid sample
  size_t bins = 1;
  if (season > 0) {
    bins = static_cast<size_t>(std::ceil(season));
    phase.resize(v.size());
    std::vector<double> sum(bins, 0.0), count(bins, 0.0);
    for (size_t i = 0; i < v.size(); ++i) {
      const double t = static_cast<double>(index[i]);
      phase[i] = std::min(bins - 1, static_cast<size_t>(std::fmod(t, season)));
      sum[phase[i]] += v[i] - (fit.intercept + fit.slope * t);
      ++count[phase[i]];
    }
    std::vector<double> deseasoned(series.values.size(), NAN);
    for (size_t i = 0; i < v.size(); ++i) {
      deseasoned[index[i]] = v[i] - sum[phase[i]] / count[phase[i]];
    }
    fit = internal::FitLine(deseasoned);
    result.season_s = season * step_s;
  }
  result.slope_per_s = fit.slope / step_s;
  result.intercept = fit.intercept;
  result.t0_ms = series.start_ms + static_cast<int64_t>(index.front()) * series.step_ms;
  result.t1_ms = series.start_ms + static_cast<int64_t>(index.back()) * series.step_ms;
  result.v0 = fit.intercept + fit.slope * static_cast<double>(index.front());
  result.v1 = fit.intercept + fit.slope * static_cast<double>(index.back());

  MannKendall mk;
  if (season > 0) {
    // Per-bin series in time order, every c-th value so the pair count stays bounded.
    std::vector<std::vector<double>> per_bin(bins);
    for (size_t i = 0; i < v.size(); ++i) per_bin[phase[i]].push_back(v[i]);
    const size_t per_bin_max = std::max<size_t>(
        8, static_cast<size_t>(std::sqrt(2.0 * kMaxMannKendallPairs / static_cast<double>(bins))));
    for (const std::vector<double>& values : per_bin) {
      const size_t stride = (values.size() + per_bin_max - 1) / std::max<size_t>(1, per_bin_max);
      std::vector<double> sub;
      for (size_t i = 0; i < values.size(); i += std::max<size_t>(1, stride))
        sub.push_back(values[i]);
      const MannKendall part = MannKendallS(sub);
      mk.s += part.s;
      mk.var += part.var;
    }
  } else {
    const size_t max_points = static_cast<size_t>(std::sqrt(2.0 * kMaxMannKendallPairs));
    const size_t stride = (v.size() + max_points - 1) / max_points;
    std::vector<double> sub, sub_index;
    for (size_t i = 0; i < v.size(); i += stride) {
      sub.push_back(v[i]);
      sub_index.push_back(static_cast<double>(index[i]));
    }
    mk = MannKendallS(sub);
    mk.var *= AutocorrelationFactor(sub, sub_index, fit.slope);
  }
  if (mk.var > 0 && mk.s != 0) {
    // Continuity correction: S moves in steps of 2.
    result.mann_kendall_z = (mk.s - (mk.s > 0 ? 1.0 : -1.0)) / std::sqrt(mk.var);
  }
  result.p_value = internal::TwoSidedNormalP(result.mann_kendall_z);

  if (options.limit && fit.slope > 0 && result.v1 < *options.limit) {
    const double ahead_ms = (*options.limit - result.v1) / result.slope_per_s * 1000.0;
    if (ahead_ms <= kMaxBreachAheadMs) {
      result.breach_ms = result.t1_ms + static_cast<int64_t>(std::ceil(ahead_ms));
    }
  }
  return result;
}

}  // namespace fgm::studies

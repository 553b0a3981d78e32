// SPDX-License-Identifier: Apache-2.0
// DetectTrend: least-squares line over the valid samples, Mann-Kendall test for a monotonic trend
// (on at most kMaxMannKendallPoints evenly strided samples, since the test is O(n^2)) and the time
// at which the line reaches an optional limit. Parameters: docs/studies.md.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "engine/studies/series_internal.h"
#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

using internal::IsValid;

// Mann-Kendall compares every pair: 2,000 points are 2 million comparisons (~2 ms); a day at 1 Hz
// would be 3.7 billion. Striding (not averaging, which would shrink the noise and overstate
// significance) keeps the test honest about the data it sees.
constexpr size_t kMaxMannKendallPoints = 2000;
// A breach further out than this is reported as none: a line that needs ten years to reach the
// limit says "no trend worth acting on", and the bound keeps the time within int64 milliseconds.
constexpr double kMaxBreachAheadMs = 10.0 * 365.25 * 86400e3;

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
  const internal::LineFit fit = internal::FitLine(series.values);  // per sample index
  TrendResult result;
  result.slope_per_s = fit.slope / step_s;
  result.intercept = fit.intercept;
  result.t0_ms = series.start_ms + static_cast<int64_t>(index.front()) * series.step_ms;
  result.t1_ms = series.start_ms + static_cast<int64_t>(index.back()) * series.step_ms;
  result.v0 = fit.intercept + fit.slope * static_cast<double>(index.front());
  result.v1 = fit.intercept + fit.slope * static_cast<double>(index.back());

  // Mann-Kendall S over a strided subsample, with the tie correction of the variance.
  const size_t stride = (v.size() + kMaxMannKendallPoints - 1) / kMaxMannKendallPoints;
  std::vector<double> sub;
  for (size_t i = 0; i < v.size(); i += stride) sub.push_back(v[i]);
  const size_t m = sub.size();
  int64_t s = 0;
  for (size_t i = 0; i < m; ++i) {
    const double xi = sub[i];
    for (size_t j = i + 1; j < m; ++j) s += (sub[j] > xi) - (sub[j] < xi);
  }
  std::map<double, int64_t> ties;
  for (double x : sub) ++ties[x];
  const double md = static_cast<double>(m);
  double var = md * (md - 1) * (2 * md + 5);
  for (const auto& [value, count] : ties) {
    const double t = static_cast<double>(count);
    var -= t * (t - 1) * (2 * t + 5);
  }
  var /= 18.0;
  if (var > 0 && s != 0) {
    // Continuity correction: S moves in steps of 2.
    result.mann_kendall_z = (static_cast<double>(s) - (s > 0 ? 1.0 : -1.0)) / std::sqrt(var);
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

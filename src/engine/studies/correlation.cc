// SPDX-License-Identifier: Apache-2.0
// FindCorrelations: Pearson r between a target and each candidate over the samples valid in both,
// at every lag in [-max_lag, +max_lag]; candidates ranked by |r| at their best lag. Direct sums
// (O(n * lags) per candidate) over centred, gap-masked arrays. Parameters: docs/studies.md.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/studies/series_internal.h"
#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

using internal::IsValid;

// Pearson r needs 3 pairs to be more than a line through two points.
constexpr double kMinPairs = 3;

// A series as value (centred, 0 at gaps), squared value and validity mask, so the per-lag sums are
// branch-free products the compiler can vectorise.
struct Masked {
  std::vector<double> x, x2, m;
  size_t valid = 0;
};

Masked MakeMasked(std::span<const double> values) {
  Masked out;
  double sum = 0;
  for (double v : values) {
    if (IsValid(v)) {
      sum += v;
      ++out.valid;
    }
  }
  // Centring first keeps n*Sxx - Sx^2 free of cancellation for large values (byte counters).
  const double mean = out.valid ? sum / static_cast<double>(out.valid) : 0;
  out.x.assign(values.size(), 0.0);
  out.x2.assign(values.size(), 0.0);
  out.m.assign(values.size(), 0.0);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!IsValid(values[i])) continue;
    out.x[i] = values[i] - mean;
    out.x2[i] = out.x[i] * out.x[i];
    out.m[i] = 1.0;
  }
  return out;
}

}  // namespace

Result<std::vector<Correlation>> FindCorrelations(const SeriesView& target,
                                                  std::span<const SeriesView> candidates,
                                                  const CorrelationOptions& options) {
  FGM_RETURN_IF_ERROR(internal::ValidateSeries(target, "correlation"));
  if (options.top_k < 1 || options.max_lag_s < 0 ||
      !(options.min_overlap > 0 && options.min_overlap <= 1)) {
    return InvalidArgumentError(
        "correlation: need top_k >= 1, max_lag_s >= 0 and min_overlap in (0, 1]");
  }
  for (size_t c = 0; c < candidates.size(); ++c) {
    FGM_RETURN_IF_ERROR(internal::ValidateSeries(candidates[c], "correlation"));
    if (candidates[c].start_ms != target.start_ms || candidates[c].step_ms != target.step_ms) {
      return InvalidArgumentError("correlation: candidate " + std::to_string(c) +
                                  " does not share the target's start_ms and step_ms");
    }
  }
  const Masked t = MakeMasked(target.values);
  if (static_cast<double>(t.valid) < kMinPairs) {
    return InvalidArgumentError("correlation: target has " + std::to_string(t.valid) +
                                " valid samples, need at least 3");
  }
  const int64_t max_lag = options.max_lag_s * 1000 / target.step_ms;
  const double min_pairs =
      std::max(kMinPairs, options.min_overlap * static_cast<double>(target.values.size()));
  const int64_t nt = static_cast<int64_t>(target.values.size());

  std::vector<Correlation> found;
  for (size_t c = 0; c < candidates.size(); ++c) {
    const Masked y = MakeMasked(candidates[c].values);
    const int64_t ny = static_cast<int64_t>(candidates[c].values.size());
    bool any = false;
    Correlation best{c, 0, 0};
    for (int64_t lag = -max_lag; lag <= max_lag; ++lag) {
      // Pairs (target[i], candidate[i + lag]).
      const int64_t begin = std::max<int64_t>(0, -lag);
      const int64_t end = std::min<int64_t>(nt, ny - lag);
      if (end - begin < static_cast<int64_t>(min_pairs)) continue;
      const double* tx = t.x.data();
      const double* tx2 = t.x2.data();
      const double* tm = t.m.data();
      const double* cy = y.x.data();
      const double* cy2 = y.x2.data();
      const double* cm = y.m.data();
      double n = 0, sx = 0, sxx = 0, sy = 0, syy = 0, sxy = 0;
      for (int64_t i = begin; i < end; ++i) {
        const int64_t j = i + lag;
        n += tm[i] * cm[j];
        sx += tx[i] * cm[j];
        sxx += tx2[i] * cm[j];
        sy += tm[i] * cy[j];
        syy += tm[i] * cy2[j];
        sxy += tx[i] * cy[j];
      }
      if (n < min_pairs) continue;
      const double vx = n * sxx - sx * sx, vy = n * syy - sy * sy;
      if (!(vx > 0) || !(vy > 0)) continue;  // constant over the overlap: r is undefined
      const double r = std::clamp((n * sxy - sx * sy) / std::sqrt(vx * vy), -1.0, 1.0);
      const double lag_s = static_cast<double>(lag * target.step_ms) / 1000.0;
      // Ties go to the smaller |lag|: the simplest explanation.
      if (!any || std::abs(r) > std::abs(best.r) ||
          (std::abs(r) == std::abs(best.r) &&
           std::abs(lag_s) < std::abs(static_cast<double>(best.lag_s)))) {
        best.r = r;
        best.lag_s = static_cast<int64_t>(std::llround(lag_s));
        any = true;
      }
    }
    if (any) found.push_back(best);
  }
  std::stable_sort(found.begin(), found.end(), [](const Correlation& a, const Correlation& b) {
    return std::abs(a.r) > std::abs(b.r);
  });
  if (found.size() > static_cast<size_t>(options.top_k))
    found.resize(static_cast<size_t>(options.top_k));
  return found;
}

}  // namespace fgm::studies

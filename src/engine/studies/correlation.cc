// SPDX-License-Identifier: Apache-2.0
// FindCorrelations: Pearson r between a target and each candidate over the samples valid in both,
// at every lag in [-max_lag, +max_lag]; candidates ranked by |r| at their best lag. Direct sums
// (O(n * lags) per candidate) over centred, gap-masked arrays. Parameters: docs/studies.md.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "engine/studies/series_internal.h"
#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

using internal::IsValid;

// Pearson r needs 3 pairs to be more than a line through two points.
constexpr double kMinPairs = 3;

// Two doubles as one SIMD value.
typedef double V2 __attribute__((vector_size(16)));
inline V2 Load(const double* p) {
  V2 v;
  std::memcpy(&v, p, sizeof v);  // unaligned load without aliasing trouble
  return v;
}

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
  // Lags beyond the longest series have no overlap; capping also keeps the product in range.
  size_t longest = target.values.size();
  for (const SeriesView& c : candidates) longest = std::max(longest, c.values.size());
  const int64_t max_lag = static_cast<int64_t>(
      std::min(internal::ClampToCount(static_cast<double>(options.max_lag_s) * 1000.0 /
                                      static_cast<double>(target.step_ms)),
               longest));
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
      // Sums in pairs of lanes (GCC/Clang vector extension, SSE2 natively, scalarised by em++
      // without -msimd128): without -ffast-math the compiler may not reorder a floating-point
      // reduction itself, so the plain loop is one chain of dependent adds per sum.
      V2 vn{}, vsx{}, vsxx{}, vsy{}, vsyy{}, vsxy{};
      int64_t i = begin;
      for (; i + 1 < end; i += 2) {
        const int64_t b = i + lag;
        const V2 a_m = Load(tm + i), a_x = Load(tx + i), a_x2 = Load(tx2 + i);
        const V2 b_m = Load(cm + b), b_y = Load(cy + b), b_y2 = Load(cy2 + b);
        vn += a_m * b_m;
        vsx += a_x * b_m;
        vsxx += a_x2 * b_m;
        vsy += a_m * b_y;
        vsyy += a_m * b_y2;
        vsxy += a_x * b_y;
      }
      double n = vn[0] + vn[1], sx = vsx[0] + vsx[1], sxx = vsxx[0] + vsxx[1], sy = vsy[0] + vsy[1],
             syy = vsyy[0] + vsyy[1], sxy = vsxy[0] + vsxy[1];
      for (; i < end; ++i) {
        const int64_t b = i + lag;
        n += tm[i] * cm[b];
        sx += tx[i] * cm[b];
        sxx += tx2[i] * cm[b];
        sy += tm[i] * cy[b];
        syy += tm[i] * cy2[b];
        sxy += tx[i] * cy[b];
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

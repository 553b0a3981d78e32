// SPDX-License-Identifier: Apache-2.0
// DetectChangePoints: PELT (Killick et al. 2012) on mean shifts with a Gaussian cost whose variance
// is estimated robustly from first differences, an automatic BIC-like penalty, a minimum segment
// length, gaps skipped, and single-sample spikes clipped first. Long series are solved on block
// means and the change points refined at full resolution. Parameters: docs/studies.md.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/studies/series_internal.h"
#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

using internal::IsValid;

// Automatic penalty = kPenaltyPerLogN * sigma^2 * ln(n) (the cost is already in sigma^2 units, so
// in code it is kPenaltyPerLogN * ln(n)). BIC charges ln(n) per parameter and a change adds two (a
// location and a mean); 3 instead of 2 leaves room for what the Gaussian model ignores (mild
// autocorrelation, residual outliers) and costs little power on shifts of 2 sigma or more.
constexpr double kPenaltyPerLogN = 3.0;
// A sample further than this many sigmas from the median of its 5-sample neighbourhood is a spike
// and is clipped to that distance: the Gaussian cost would otherwise buy a segment around it. The
// median of 5 keeps a step intact, so true level shifts are untouched.
constexpr double kSpikeSigmas = 5.0;
// PELT's candidate set stays small when changes are frequent but grows to O(n) on long quiet
// series (O(n^2) time: ~45 ms for 3,600 quiet samples). Above this many valid samples the search
// runs on block means (at most this many blocks, ~10 ms at worst) and each change is then placed
// exactly within its block neighbourhood. The price: shifts closer together than about two blocks
// (86 s on a day at 1 Hz) merge.
constexpr size_t kMaxPeltPoints = 2048;
// When more than max_changepoints are found the penalty is doubled and the search rerun, at most
// this many times; what is still in excess is dropped by smallest shift.
constexpr int kMaxPenaltyRetries = 8;

struct Prefix {
  std::vector<double> s1, s2;
  explicit Prefix(const std::vector<double>& v) : s1(v.size() + 1, 0.0), s2(v.size() + 1, 0.0) {
    for (size_t i = 0; i < v.size(); ++i) {
      s1[i + 1] = s1[i] + v[i];
      s2[i + 1] = s2[i] + v[i] * v[i];
    }
  }
  // Sum of squared deviations from the mean over [a, b).
  double Cost(size_t a, size_t b) const {
    const double n = static_cast<double>(b - a);
    const double s = s1[b] - s1[a];
    return std::max(0.0, (s2[b] - s2[a]) - s * s / n);
  }
  double Mean(size_t a, size_t b) const { return (s1[b] - s1[a]) / static_cast<double>(b - a); }
};

// PELT over v with segment cost Cost/scale2 + beta; returns the starts of new segments.
std::vector<size_t> Pelt(const std::vector<double>& v, double scale2, double beta, size_t min_seg) {
  const size_t n = v.size();
  const Prefix prefix(v);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> f(n + 1, inf);
  std::vector<size_t> last(n + 1, 0);
  f[0] = -beta;
  std::vector<size_t> candidates{0};
  std::vector<size_t> kept;
  std::vector<double> totals;
  for (size_t t = min_seg; t <= n; ++t) {
    // t - min_seg becomes a possible start once both segments it separates are long enough.
    if (t >= 2 * min_seg) candidates.push_back(t - min_seg);
    totals.resize(candidates.size());
    double best = inf;
    size_t best_s = 0;
    for (size_t i = 0; i < candidates.size(); ++i) {
      const size_t s = candidates[i];
      totals[i] = f[s] + prefix.Cost(s, t) / scale2;
      if (totals[i] + beta < best) {
        best = totals[i] + beta;
        best_s = s;
      }
    }
    f[t] = best;
    last[t] = best_s;
    // Pruning (the cost is additive, so K = 0): a start that cannot beat f[t] now never will.
    kept.clear();
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (totals[i] <= best) kept.push_back(candidates[i]);
    }
    candidates.swap(kept);
  }
  std::vector<size_t> starts;
  for (size_t t = n; t > 0 && last[t] > 0; t = last[t]) starts.push_back(last[t]);
  std::reverse(starts.begin(), starts.end());
  return starts;
}

// Clips single-sample spikes (see kSpikeSigmas) in place.
void ClipSpikes(std::vector<double>& v, double sigma) {
  const std::vector<double> original = v;
  const double limit = kSpikeSigmas * sigma;
  double window[5];
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t a = i >= 2 ? i - 2 : 0;
    const size_t b = std::min(v.size(), i + 3);
    size_t k = 0;
    for (size_t j = a; j < b; ++j) window[k++] = original[j];
    // Insertion sort: at most 5 values (std::sort here trips GCC 12's -Warray-bounds).
    for (size_t x = 1; x < k; ++x) {
      for (size_t y = x; y > 0 && window[y - 1] > window[y]; --y)
        std::swap(window[y - 1], window[y]);
    }
    const double median = k % 2 ? window[k / 2] : 0.5 * (window[k / 2 - 1] + window[k / 2]);
    v[i] = std::clamp(v[i], median - limit, median + limit);
  }
}

// Change starts found on a coarse search, re-placed at full resolution: each one moves to the split
// that minimises the cost between its neighbours, within one block either side.
std::vector<size_t> Refine(const std::vector<double>& v, const std::vector<size_t>& starts,
                           size_t radius, size_t min_seg) {
  const Prefix prefix(v);
  std::vector<size_t> refined = starts;
  for (size_t i = 0; i < refined.size(); ++i) {
    const size_t lo_bound = i == 0 ? 0 : refined[i - 1];
    const size_t hi_bound = i + 1 == refined.size() ? v.size() : refined[i + 1];
    const size_t lo = std::max(lo_bound + min_seg, refined[i] > radius ? refined[i] - radius : 0);
    const size_t hi = std::min(hi_bound >= min_seg ? hi_bound - min_seg : 0, refined[i] + radius);
    double best = std::numeric_limits<double>::infinity();
    for (size_t u = lo; u <= hi; ++u) {
      const double c = prefix.Cost(lo_bound, u) + prefix.Cost(u, hi_bound);
      if (c < best) {
        best = c;
        refined[i] = u;
      }
    }
  }
  return refined;
}

}  // namespace

Result<ChangePointResult> DetectChangePoints(const SeriesView& series,
                                             const ChangePointOptions& options) {
  FGM_RETURN_IF_ERROR(internal::ValidateSeries(series, "changepoints"));
  if (!(options.penalty >= 0) || !std::isfinite(options.penalty) || options.min_segment_s < 0 ||
      options.max_changepoints < 0) {
    return InvalidArgumentError(
        "changepoints: need penalty >= 0 (0 = automatic), min_segment_s >= 0 and "
        "max_changepoints >= 0");
  }
  std::vector<size_t> index;  // position in the input of each valid sample
  std::vector<double> v;
  for (size_t i = 0; i < series.values.size(); ++i) {
    if (!IsValid(series.values[i])) continue;
    index.push_back(i);
    v.push_back(series.values[i]);
  }
  const size_t n = v.size();
  const size_t min_seg = std::max<size_t>(
      1, internal::ClampToCount(std::ceil(static_cast<double>(options.min_segment_s) * 1000.0 /
                                          static_cast<double>(series.step_ms))));
  if (n < std::max<size_t>(2, 2 * min_seg)) {
    return InvalidArgumentError(
        "changepoints: series too short: " + std::to_string(n) + " valid samples, need at least " +
        std::to_string(std::max<size_t>(2, 2 * min_seg)) + " (two segments of min_segment_s)");
  }

  // Noise level from first differences: a level shift touches one difference, the noise all of
  // them, and Var(x[i+1] - x[i]) = 2 sigma^2 for independent noise.
  std::vector<double> diffs(n - 1);
  for (size_t i = 0; i + 1 < n; ++i) diffs[i] = v[i + 1] - v[i];
  std::vector<double> sample = internal::Strided(diffs, internal::kRobustSampleSize);
  std::vector<double> work = sample;
  const double diff_median = internal::MedianInPlace(work);
  const double sigma = internal::RobustSigma(sample, diff_median) / std::sqrt(2.0);

  std::vector<size_t> starts;
  if (sigma > 0) {
    std::vector<double> clipped = v;
    ClipSpikes(clipped, sigma);
    const double scale2 = sigma * sigma;
    double beta =
        options.penalty > 0 ? options.penalty : kPenaltyPerLogN * std::log(static_cast<double>(n));
    const size_t block = n > kMaxPeltPoints ? (n + kMaxPeltPoints - 1) / kMaxPeltPoints : 1;
    for (int attempt = 0; attempt <= kMaxPenaltyRetries; ++attempt) {
      if (block == 1) {
        starts = Pelt(clipped, scale2, beta, min_seg);
      } else {
        // Block means have variance sigma^2 / block, so a shift gains about as much cost on
        // blocks as on samples and the same penalty applies.
        std::vector<double> means;
        for (size_t a = 0; a < n; a += block) {
          const size_t b = std::min(n, a + block);
          double s = 0;
          for (size_t i = a; i < b; ++i) s += clipped[i];
          means.push_back(s / static_cast<double>(b - a));
        }
        std::vector<size_t> coarse = Pelt(means, scale2 / static_cast<double>(block), beta,
                                          std::max<size_t>(1, min_seg / block));
        for (size_t& s : coarse) s *= block;
        starts = Refine(clipped, coarse, block, min_seg);
      }
      if (starts.size() <= static_cast<size_t>(options.max_changepoints)) break;
      beta *= 2;
    }
    if (starts.size() > static_cast<size_t>(options.max_changepoints)) {
      // Keep the largest shifts.
      const Prefix prefix(clipped);
      std::vector<std::pair<double, size_t>> by_shift;
      for (size_t i = 0; i < starts.size(); ++i) {
        const size_t a = i == 0 ? 0 : starts[i - 1];
        const size_t b = i + 1 == starts.size() ? n : starts[i + 1];
        by_shift.push_back(
            {std::abs(prefix.Mean(starts[i], b) - prefix.Mean(a, starts[i])), starts[i]});
      }
      std::sort(by_shift.begin(), by_shift.end(),
                [](auto& x, auto& y) { return x.first > y.first; });
      by_shift.resize(static_cast<size_t>(options.max_changepoints));
      starts.clear();
      for (auto& [shift, s] : by_shift) starts.push_back(s);
      std::sort(starts.begin(), starts.end());
    }
  }

  // Segments and their means over the original (unclipped) values.
  ChangePointResult result;
  const Prefix prefix(v);
  auto time_of = [&](size_t valid_pos) {
    return series.start_ms + static_cast<int64_t>(index[valid_pos]) * series.step_ms;
  };
  std::vector<size_t> bounds{0};
  bounds.insert(bounds.end(), starts.begin(), starts.end());
  bounds.push_back(n);
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    const size_t a = bounds[i], b = bounds[i + 1];
    const double mean = prefix.Mean(a, b);
    const double sd = std::sqrt(prefix.Cost(a, b) / static_cast<double>(b - a));
    result.segments.push_back(
        {time_of(a),
         time_of(b - 1) + series.step_ms,
         "segment",
         {{"mean", mean}, {"stddev", sd}, {"samples", static_cast<double>(b - a)}}});
  }
  for (size_t i = 1; i + 1 < bounds.size(); ++i) {
    result.changepoints.push_back({time_of(bounds[i]), prefix.Mean(bounds[i - 1], bounds[i]),
                                   prefix.Mean(bounds[i], bounds[i + 1])});
  }
  return result;
}

}  // namespace fgm::studies

// SPDX-License-Identifier: Apache-2.0
// DetectPeriodicity: gap-aware FFT autocorrelation of the detrended, outlier-clipped series, peak
// picking with prominence, parabolic sub-sample refinement, harmonic rejection, and optional
// per-window confirmation of the top period. Parameters and accuracy: docs/studies.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/studies/fft.h"
#include "engine/studies/series_internal.h"
#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

using internal::IsValid;

// Residuals beyond median +- 5 robust sigmas are clipped: a Gaussian sample goes there once in
// ~1.7 million, while one 100x spike would otherwise dominate the autocorrelation's variance. A
// periodic burst that is clipped keeps its timing, so the period survives.
constexpr double kClipSigmas = 5.0;
// Fewer valid samples than this cannot give a meaningful autocorrelation at any lag.
constexpr size_t kMinValidSamples = 16;
// A lag whose valid pairs are fewer than this share of the valid samples is too noisy to trust
// (unbiased estimates divide by the pair count, so few pairs mean a large variance).
constexpr double kMinPairShare = 0.1;
// A peak must rise this much (in correlation units) above the deeper of its two surrounding
// troughs. Without it, estimation noise on the slowly decaying autocorrelation of a random walk
// makes many tiny local maxima that look like periods.
constexpr double kMinProminence = 0.1;
// A peak at (about) m times a shorter peak whose correlation is at least this share of its own is
// a harmonic: the unbiased autocorrelation of a clean period P is nearly as high at 2P, 3P, ...
constexpr double kHarmonicShare = 0.8;
// Relative tolerance of "a multiple": 3% covers the accumulated refinement error of m * P.
constexpr double kHarmonicTolerance = 0.03;

struct Peak {
  double lag = 0;     // refined, in samples
  double height = 0;  // refined correlation
};

// The prepared series: detrended, clipped, mean removed, gaps at 0, plus the validity mask.
struct Prepared {
  std::vector<double> x;
  std::vector<double> mask;
  size_t first = 0;  // index of x[0] in the input
  bool constant = false;
};

Prepared Prepare(std::span<const double> values) {
  Prepared p;
  size_t first = 0, last = values.size();
  while (first < values.size() && !IsValid(values[first])) ++first;
  while (last > first && !IsValid(values[last - 1])) --last;
  p.first = first;
  const std::span<const double> range = values.subspan(first, last - first);
  const internal::LineFit fit = internal::FitLine(range);
  std::vector<double> residuals;
  residuals.reserve(fit.count);
  p.x.assign(range.size(), 0.0);
  p.mask.assign(range.size(), 0.0);
  for (size_t t = 0; t < range.size(); ++t) {
    if (!IsValid(range[t])) continue;
    p.x[t] = range[t] - (fit.intercept + fit.slope * static_cast<double>(t));
    p.mask[t] = 1.0;
    residuals.push_back(p.x[t]);
  }
  const double median = internal::MedianInPlace(residuals);
  const double sigma = internal::RobustSigma(residuals, median);
  if (!(sigma > 0)) {
    p.constant = true;
    return p;
  }
  const double lo = median - kClipSigmas * sigma, hi = median + kClipSigmas * sigma;
  double sum = 0;
  for (size_t t = 0; t < range.size(); ++t) {
    if (p.mask[t] == 0) continue;
    p.x[t] = std::clamp(p.x[t], lo, hi);
    sum += p.x[t];
  }
  const double mean = sum / static_cast<double>(fit.count);
  for (size_t t = 0; t < range.size(); ++t) {
    if (p.mask[t] != 0) p.x[t] -= mean;
  }
  return p;
}

// Gap-aware correlation of x (mean already removed globally) with itself at `lag` inside
// [begin, end): mean and variance are the window's own so a level change between windows does not
// read as correlation. Returns NaN when too few pairs.
double WindowCorrelation(const Prepared& p, size_t begin, size_t end, size_t lag) {
  double sum = 0, count = 0;
  for (size_t t = begin; t < end; ++t) {
    if (p.mask[t] != 0) {
      sum += p.x[t];
      ++count;
    }
  }
  if (count < static_cast<double>(kMinValidSamples)) return NAN;
  const double mean = sum / count;
  double var = 0;
  for (size_t t = begin; t < end; ++t) {
    if (p.mask[t] != 0) var += (p.x[t] - mean) * (p.x[t] - mean);
  }
  var /= count;
  if (!(var > 0) || lag >= end - begin) return NAN;
  double cov = 0, pairs = 0;
  for (size_t t = begin; t + lag < end; ++t) {
    if (p.mask[t] != 0 && p.mask[t + lag] != 0) {
      cov += (p.x[t] - mean) * (p.x[t + lag] - mean);
      ++pairs;
    }
  }
  if (pairs < std::max(static_cast<double>(kMinValidSamples), kMinPairShare * count)) return NAN;
  return cov / pairs / var;
}

std::string PeriodLabel(double period_s) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "period %.1f s", period_s);
  return buf;
}

}  // namespace

Result<PeriodicityResult> DetectPeriodicity(const SeriesView& series,
                                            const PeriodicityOptions& options) {
  FGM_RETURN_IF_ERROR(internal::ValidateSeries(series, "periodicity"));
  if (!(options.min_period_s > 0) || !(options.max_period_s >= options.min_period_s) ||
      options.max_periods < 1 || !(options.min_confidence >= 0 && options.min_confidence <= 1) ||
      options.window_s < 0) {
    return InvalidArgumentError(
        "periodicity: need 0 < min_period_s <= max_period_s, max_periods >= 1, min_confidence in "
        "[0, 1] and window_s >= 0");
  }
  size_t valid = 0;
  for (double v : series.values) valid += IsValid(v) ? 1 : 0;
  if (valid < kMinValidSamples) {
    return InvalidArgumentError("periodicity: " + std::to_string(valid) +
                                " valid samples, need at least " +
                                std::to_string(kMinValidSamples));
  }

  const double step_s = static_cast<double>(series.step_ms) / 1000.0;
  Prepared p = Prepare(series.values);
  const size_t len = p.x.size();
  // Lag 1 cannot be a local maximum (lag 0 is always the highest), hence at least 2.
  const size_t min_lag =
      std::max<size_t>(2, static_cast<size_t>(std::ceil(options.min_period_s / step_s)));
  // A third of the span: the longest period still seen through three cycles.
  const size_t max_lag = std::min<size_t>(
      len / 3, static_cast<size_t>(std::floor(std::min(options.max_period_s / step_s, 1e15))));
  if (max_lag < min_lag + 1) {
    return InvalidArgumentError("periodicity: series too short: its span of " +
                                std::to_string(len) +
                                " samples must be at least 3 times the shortest period (" +
                                std::to_string(min_lag) + " samples) plus one");
  }
  PeriodicityResult result;
  if (p.constant) return result;  // nothing varies, so nothing repeats

  // One extra lag so the peak at max_lag - 1 can be refined and max_lag can be judged.
  std::vector<double> acf, pairs;
  AutocorrelatePair(p.x, p.mask, max_lag + 1, acf, pairs);
  if (!(acf[0] > 0) || !(pairs[0] > 0)) return result;
  const double var = acf[0] / pairs[0];
  const double min_pairs =
      std::max(static_cast<double>(kMinValidSamples), kMinPairShare * pairs[0]);
  std::vector<double> r(max_lag + 2, NAN);
  for (size_t k = 0; k <= max_lag + 1 && k < acf.size(); ++k) {
    // Pair counts come from a floating-point FFT: round before comparing.
    if (std::round(pairs[k]) >= min_pairs) r[k] = acf[k] / pairs[k] / var;
  }

  // Local maxima high enough to matter (as a period or as the fundamental of one), with their
  // topographic prominence.
  const double floor = kHarmonicShare * options.min_confidence;
  std::vector<Peak> peaks;
  for (size_t k = min_lag; k <= max_lag; ++k) {
    const double rk = r[k];
    if (!(rk >= floor) || !(rk > r[k - 1]) || !(rk >= r[k + 1])) continue;
    double left_min = rk;
    for (size_t j = k; j-- > 0;) {
      if (std::isnan(r[j]) || r[j] > rk) break;
      left_min = std::min(left_min, r[j]);
    }
    double right_min = rk;
    for (size_t j = k + 1; j < r.size(); ++j) {
      if (std::isnan(r[j]) || r[j] > rk) break;
      right_min = std::min(right_min, r[j]);
    }
    if (rk - std::max(left_min, right_min) < kMinProminence) continue;
    // Parabola through (k-1, k, k+1): vertex offset and height.
    const double a = r[k - 1], b = rk, c = r[k + 1];
    const double denom = a - 2 * b + c;
    double offset = denom < 0 ? 0.5 * (a - c) / denom : 0.0;
    offset = std::clamp(offset, -0.5, 0.5);
    peaks.push_back({static_cast<double>(k) + offset, b - 0.25 * (a - c) * offset});
  }

  std::vector<Peak> by_height = peaks;
  std::stable_sort(by_height.begin(), by_height.end(),
                   [](const Peak& x, const Peak& y) { return x.height > y.height; });
  std::vector<Peak> accepted;
  for (const Peak& cand : by_height) {
    if (cand.height < options.min_confidence) break;
    bool harmonic = false;
    for (const Peak& base : peaks) {
      if (base.lag >= cand.lag) break;  // `peaks` is in lag order
      const double m = std::round(cand.lag / base.lag);
      if (m < 2 || base.height < kHarmonicShare * cand.height) continue;
      if (std::abs(cand.lag - m * base.lag) <= std::max(1.0, kHarmonicTolerance * cand.lag)) {
        harmonic = true;
        break;
      }
    }
    if (harmonic) continue;
    accepted.push_back(cand);
    if (accepted.size() >= static_cast<size_t>(options.max_periods)) break;
  }
  for (const Peak& peak : accepted) {
    result.periods.push_back({peak.lag * step_s, std::clamp(peak.height, 0.0, 1.0)});
  }
  if (accepted.empty()) return result;

  // Where the top period holds.
  const Period& top = result.periods.front();
  const int64_t first_ms = series.start_ms + static_cast<int64_t>(p.first) * series.step_ms;
  auto window_ms = [&](size_t begin, size_t end) {
    return std::pair<int64_t, int64_t>{first_ms + static_cast<int64_t>(begin) * series.step_ms,
                                       first_ms + static_cast<int64_t>(end) * series.step_ms};
  };
  if (options.window_s == 0) {
    auto [s, e] = window_ms(0, len);
    result.windows.push_back({s,
                              e,
                              PeriodLabel(top.period_s),
                              {{"period_s", top.period_s}, {"confidence", top.confidence}}});
    return result;
  }
  const double top_lag = accepted.front().lag;
  // Two cycles per window at least, otherwise the correlation at the period has too few pairs.
  const size_t width = std::max<size_t>(
      static_cast<size_t>(std::llround(static_cast<double>(options.window_s) * 1000.0 /
                                       static_cast<double>(series.step_ms))),
      static_cast<size_t>(std::ceil(2 * top_lag)));
  const size_t lag_lo = static_cast<size_t>(std::floor(top_lag));
  size_t run_begin = 0, run_windows = 0;
  double run_sum = 0;
  auto flush = [&](size_t end) {
    if (run_windows == 0) return;
    auto [s, e] = window_ms(run_begin, end);
    result.windows.push_back(
        {s,
         e,
         PeriodLabel(top.period_s),
         {{"period_s", top.period_s},
          {"confidence", std::clamp(run_sum / static_cast<double>(run_windows), 0.0, 1.0)}}});
    run_windows = 0;
    run_sum = 0;
  };
  const size_t count = std::max<size_t>(1, len / width);
  for (size_t w = 0; w < count; ++w) {
    const size_t begin = w * width;
    const size_t end = w + 1 == count ? len : begin + width;  // the remainder joins the last window
    double rw = NAN;
    for (size_t lag = lag_lo; lag <= lag_lo + 1; ++lag) {
      const double v = WindowCorrelation(p, begin, end, lag);
      if (!std::isnan(v) && (std::isnan(rw) || v > rw)) rw = v;
    }
    if (rw >= options.min_confidence) {
      if (run_windows == 0) run_begin = begin;
      ++run_windows;
      run_sum += rw;
    } else {
      flush(begin);
    }
  }
  flush(len);
  return result;
}

}  // namespace fgm::studies

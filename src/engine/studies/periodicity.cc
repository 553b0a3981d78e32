// SPDX-License-Identifier: Apache-2.0
// DetectPeriodicity: gap-aware FFT autocorrelation of the detrended, outlier-clipped series, peak
// picking with prominence, parabolic sub-sample refinement, harmonic rejection, and optional
// per-window confirmation of the top period. Parameters and accuracy: docs/studies.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
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
// Relative tolerance of "a multiple": autocorrelation peaks of smooth signals are broad, so a
// peak's position is only known to a few percent before the spectral refinement below.
constexpr double kHarmonicTolerance = 0.06;
// The spectral refinement searches the power spectrum within +-10% of the autocorrelation's
// period (wider than its worst error on the labelled set, narrower than the distance to the second
// harmonic) and keeps its answer only if it stays within kMaxRefineShift of that period.
constexpr double kRefineSearch = 0.10;
constexpr double kMaxRefineShift = 0.05;
// A period's spectral line must carry at least this many times the power expected from noise
// at that frequency. For white noise the ratio is exponentially distributed, so 10 is exceeded
// by chance once in 22,000 frequencies. On the labelled set the reported periods score above 200
// and the rejected alignments of two periods below 4.
constexpr double kMinSpectralSnr = 10;
// Hann's main lobe spans +-2 frequency bins (1 / len each) and its highest sidelobe peaks near
// 2.4 bins, so spectral lines closer than 3 bins are one line seen twice.
constexpr double kMinLineSeparation = 3;
// Direct-DFT rounds of the refinement: four shrinking grids need four; the rest allow the grid to
// walk when the first guess was off.
constexpr int kMaxRefineRounds = 8;
// The direct DFT recurrence is re-seeded with cos/sin this often so rounding cannot accumulate.
constexpr size_t kReseedEvery = 4096;

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
  // Every stride-th residual, as internal::Strided would pick them, without a copy of all.
  const size_t stride = std::max<size_t>(
      1, (fit.count + internal::kRobustSampleSize - 1) / internal::kRobustSampleSize);
  std::vector<double> sample;
  sample.reserve(internal::kRobustSampleSize + 1);
  p.x.assign(range.size(), 0.0);
  p.mask.assign(range.size(), 0.0);
  for (size_t t = 0, seen = 0; t < range.size(); ++t) {
    if (!IsValid(range[t])) continue;
    p.x[t] = range[t] - (fit.intercept + fit.slope * static_cast<double>(t));
    p.mask[t] = 1.0;
    if (seen++ % stride == 0) sample.push_back(p.x[t]);
  }
  const double median = internal::MedianInPlace(sample);
  const double sigma = internal::RobustSigma(sample, median);
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

// Gap-aware correlation of x (mean already removed globally) with itself at `lag` and `lag + 1`
// (the best of the two) inside [begin, end): mean and variance are the window's own so a level
// change between windows does not read as correlation. Returns NaN when too few pairs.
double WindowCorrelation(const Prepared& p, size_t begin, size_t end, size_t lag) {
  double sum = 0, count = 0;
  for (size_t t = begin; t < end; ++t) {
    sum += p.x[t];  // 0 at gaps
    count += p.mask[t];
  }
  if (count < static_cast<double>(kMinValidSamples)) return NAN;
  const double mean = sum / count;
  double var = 0;
  for (size_t t = begin; t < end; ++t) {
    const double d = p.x[t] - mean;
    var += p.mask[t] * d * d;
  }
  var /= count;
  if (!(var > 0)) return NAN;
  // Both lags around a non-integer period in one pass; the higher correlation wins.
  double best = NAN;
  double cov[2] = {0, 0}, pairs[2] = {0, 0};
  for (size_t t = begin; t + lag < end; ++t) {
    const double a = p.mask[t] * (p.x[t] - mean);
    cov[0] += a * p.mask[t + lag] * (p.x[t + lag] - mean);
    pairs[0] += p.mask[t] * p.mask[t + lag];
    if (t + lag + 1 < end) {
      cov[1] += a * p.mask[t + lag + 1] * (p.x[t + lag + 1] - mean);
      pairs[1] += p.mask[t] * p.mask[t + lag + 1];
    }
  }
  for (int i = 0; i < 2; ++i) {
    if (pairs[i] < std::max(static_cast<double>(kMinValidSamples), kMinPairShare * count)) continue;
    const double r = cov[i] / pairs[i] / var;
    if (std::isnan(best) || r > best) best = r;
  }
  return best;
}

// |sum_t x[t] e^{-2 pi i f t}|^2 at three frequencies (cycles per sample) in one pass: three
// independent rotation recurrences keep the CPU's pipelines busy.
void PowerAt(const std::vector<double>& x, const double (&f)[3], double (&out)[3]) {
  double sr[3] = {0, 0, 0}, si[3] = {0, 0, 0};
  for (size_t begin = 0; begin < x.size(); begin += kReseedEvery) {
    const size_t end = std::min(x.size(), begin + kReseedEvery);
    double wr[3], wi[3], cr[3], ci[3];
    for (int j = 0; j < 3; ++j) {
      const double angle = -2.0 * std::numbers::pi * f[j];
      wr[j] = std::cos(angle * static_cast<double>(begin));
      wi[j] = std::sin(angle * static_cast<double>(begin));
      cr[j] = std::cos(angle);
      ci[j] = std::sin(angle);
    }
    for (size_t t = begin; t < end; ++t) {
      const double v = x[t];
      for (int j = 0; j < 3; ++j) {
        sr[j] += v * wr[j];
        si[j] += v * wi[j];
        const double nr = wr[j] * cr[j] - wi[j] * ci[j];
        wi[j] = wr[j] * ci[j] + wi[j] * cr[j];
        wr[j] = nr;
      }
    }
  }
  for (int j = 0; j < 3; ++j) out[j] = sr[j] * sr[j] + si[j] * si[j];
}

// Vertex offset of the parabola through (-1, a), (0, b), (1, c), clamped to [-0.5, 0.5].
double ParabolaOffset(double a, double b, double c) {
  const double denom = a - 2 * b + c;
  return denom < 0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
}

// The autocorrelation peak of a smooth period is broad (a 300 s sine loses only 0.2% of its
// correlation 3 s off the peak), so noise moves it by seconds. The spectrum's peak at the
// fundamental is sharp: locate it in the zero-padded FFT, then on a fine grid with direct DFT
// evaluations of the Hann-windowed series (`windowed`). Without the window, leakage from the
// residual ramp that detrending leaves in a sawtooth and from the other harmonics shifts the peak
// (a 300 s sawtooth read as 301.3 s). Returns the refined period in samples, or `lag` if the
// spectrum disagrees.
struct Refined {
  double lag = 0;    // samples
  double power = 0;  // windowed spectral power at 1 / lag
};
Refined RefinePeriod(const std::vector<double>& windowed, const std::vector<double>& power,
                     double lag) {
  auto power_at = [&](double f) {
    const double freqs[3] = {f, f, f};
    double pw[3];
    PowerAt(windowed, freqs, pw);
    return pw[0];
  };
  if (power.size() < 4) return {lag, power_at(1.0 / lag)};
  const double n_fft = static_cast<double>(2 * (power.size() - 1));
  const double len = static_cast<double>(windowed.size());
  size_t lo = static_cast<size_t>(std::floor(n_fft / (lag * (1 + kRefineSearch))));
  size_t hi = static_cast<size_t>(std::ceil(n_fft / (lag * (1 - kRefineSearch))));
  lo = std::max<size_t>(lo, 1);
  hi = std::min(hi, power.size() - 2);
  if (lo > hi) return {lag, power_at(1.0 / lag)};
  size_t best = lo;
  for (size_t k = lo; k <= hi; ++k) {
    if (power[k] > power[best]) best = k;
  }
  double f =
      (static_cast<double>(best) + ParabolaOffset(power[best - 1], power[best], power[best + 1])) /
      n_fft;
  // The bin interpolation can be off by a third of a bin, more than a fine grid can reach: start
  // at a quarter of the main lobe's half width (1 / len), move with the parabola's vertex, and
  // shrink the grid each time the vertex lies inside it, down to 1/200 of the half width.
  double h = 0.25 / len;
  double peak_power = 0;
  for (int round = 0; round < kMaxRefineRounds && h > 0.005 / len; ++round) {
    const double freqs[3] = {f - h, f, f + h};
    double pw[3];
    PowerAt(windowed, freqs, pw);
    const double offset = ParabolaOffset(pw[0], pw[1], pw[2]);
    peak_power = pw[1];
    f += h * (offset == 0.5 || offset == -0.5 ? 2 * offset : offset);
    if (std::abs(offset) < 0.5) h /= 4;
  }
  if (f > 0 && std::abs(1.0 / f - lag) <= std::max(1.5, kMaxRefineShift * lag)) {
    return {1.0 / f, peak_power};
  }
  return {lag, power_at(1.0 / lag)};
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
      std::max<size_t>(2, internal::ClampToCount(std::ceil(options.min_period_s / step_s)));
  // A third of the span: the longest period still seen through three cycles.
  const size_t max_lag =
      std::min<size_t>(len / 3, internal::ClampToCount(std::floor(options.max_period_s / step_s)));
  if (len / 3 < min_lag + 1) {
    return InvalidArgumentError("periodicity: series too short: its span of " +
                                std::to_string(len) +
                                " samples must be at least 3 times the shortest period (" +
                                std::to_string(min_lag) + " samples) plus one");
  }
  if (max_lag < min_lag + 1) {
    return InvalidArgumentError("periodicity: max_period_s leaves no period to test above " +
                                std::to_string(min_lag) + " samples of " +
                                std::to_string(series.step_ms) + " ms");
  }
  PeriodicityResult result;
  if (p.constant) return result;  // nothing varies, so nothing repeats

  // One extra lag so the peak at max_lag - 1 can be refined and max_lag can be judged.
  std::vector<double> acf, pairs, power;
  AutocorrelatePair(p.x, p.mask, max_lag + 1, acf, pairs, &power);
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
    const double a = r[k - 1], c = r[k + 1];
    const double offset = ParabolaOffset(a, rk, c);
    peaks.push_back({static_cast<double>(k) + offset, rk - 0.25 * (a - c) * offset});
  }

  std::vector<Peak> by_height = peaks;
  std::stable_sort(by_height.begin(), by_height.end(),
                   [](const Peak& x, const Peak& y) { return x.height > y.height; });
  // Highest correlation within the tolerance of lag j * base.
  auto near = [&](double target) {
    const double w = std::max(1.0, std::round(kHarmonicTolerance / 3 * target));
    double best = -1;
    for (double k = std::max(1.0, std::round(target - w)); k <= std::round(target + w); ++k) {
      const size_t ki = static_cast<size_t>(k);
      if (ki < r.size() && r[ki] > best) best = r[ki];
    }
    return best;
  };
  // A harmonic of a shorter period P sits at about m * P, P is (nearly) as strong, and so is the
  // correlation at every multiple in between. The last condition keeps a genuine long period
  // that happens to be a multiple of a short one (300 s over 15 s): between its multiples of 15 s
  // the correlation drops where the 300 s cycle is out of phase.
  auto is_harmonic = [&](const Peak& cand) {
    const double need = kHarmonicShare * cand.height;
    for (const Peak& base : peaks) {
      if (base.lag >= cand.lag) break;  // `peaks` is in lag order
      const double m = std::round(cand.lag / base.lag);
      if (m < 2 || base.height < need) continue;
      if (std::abs(cand.lag - m * base.lag) > std::max(1.5, kHarmonicTolerance * cand.lag))
        continue;
      bool all = true;
      for (double j = 2; j < m && all; ++j) all = near(j * base.lag) >= need;
      if (all) return true;
    }
    return false;
  };
  std::vector<double> windowed(len);
  const double hann_step =
      2.0 * std::numbers::pi / static_cast<double>(std::max<size_t>(1, len - 1));
  double window_energy = 0, valid_count = 0;
  // cos(step * t) by rotation, re-seeded every kReseedEvery samples: 86,400 libm calls were 7% of
  // the study's time.
  double c = 1, sn = 0;
  const double rc = std::cos(hann_step), rs = std::sin(hann_step);
  for (size_t t = 0; t < len; ++t) {
    if (t % kReseedEvery == 0) {
      c = std::cos(hann_step * static_cast<double>(t));
      sn = std::sin(hann_step * static_cast<double>(t));
    }
    const double w = 0.5 - 0.5 * c;
    windowed[t] = p.x[t] * w;
    window_energy += w * w * p.mask[t];
    valid_count += p.mask[t];
    const double next = c * rc - sn * rs;
    sn = c * rs + sn * rc;
    c = next;
  }
  // Noise floor of the spectrum: the median periodogram ordinate (most frequencies hold only
  // noise) over ln 2 (white-noise ordinates are exponential), scaled to the Hann window's energy.
  std::vector<double> ordinates =
      internal::Strided(std::span<const double>(power).subspan(std::min<size_t>(1, power.size())),
                        internal::kRobustSampleSize);
  const double noise_power = ordinates.empty()
                                 ? 0
                                 : internal::MedianInPlace(ordinates) / std::numbers::ln2 *
                                       window_energy / std::max(1.0, valid_count);

  std::vector<Peak> accepted;
  for (const Peak& cand : by_height) {
    if (accepted.size() >= static_cast<size_t>(options.max_periods)) break;
    if (cand.height < options.min_confidence) break;
    if (is_harmonic(cand)) continue;
    const Refined refined = RefinePeriod(windowed, power, cand.lag);
    // Autocorrelation peaks also appear where several periods nearly line up (45 s and 300 s
    // agree again near 2,070 s); a real period has its own spectral line.
    if (!(refined.power >= kMinSpectralSnr * noise_power)) continue;
    // Side peaks (285 and 315 s around a 300 s cycle mixed with a 15 s one) refine onto the
    // line of the period they flank or onto its window sidelobes: within kMinLineSeparation
    // frequency resolutions (1 / len) of an accepted line, two periods cannot be told apart.
    const bool duplicate = std::any_of(accepted.begin(), accepted.end(), [&](const Peak& a) {
      return std::abs(1.0 / a.lag - 1.0 / refined.lag) * static_cast<double>(len) <
             kMinLineSeparation;
    });
    if (duplicate) continue;
    accepted.push_back({refined.lag, cand.height});
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
      internal::ClampToCount(std::round(static_cast<double>(options.window_s) * 1000.0 /
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
    const double rw = WindowCorrelation(p, begin, end, lag_lo);
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

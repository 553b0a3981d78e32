// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the studies and private to src/engine/studies: input validation, gap handling
// (NaN and infinities are gaps), robust location/scale (median, MAD) and the normal tail used for
// p-values. Not part of the engine's interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/studies/studies.h"

namespace fgm::studies::internal {

/// Longest series a study accepts: 2^24 samples is 194 days at 1 Hz. The periodicity FFT buffers
/// are 16 bytes per padded sample, so this bounds one call to ~0.5 GiB instead of letting a bad
/// request exhaust memory (in WASM the heap is far smaller still).
inline constexpr size_t kMaxSeriesLength = size_t{1} << 24;

/// MAD * 1.4826 estimates the standard deviation of Gaussian data (1 / Phi^-1(3/4)).
inline constexpr double kMadToSigma = 1.4826;
/// Mean absolute deviation * sqrt(pi/2) estimates the standard deviation of Gaussian data; the
/// fallback when more than half the samples are identical and the MAD is 0 (idle counters).
inline constexpr double kMeanAbsDevToSigma = 1.2533;

inline bool IsValid(double v) { return v - v == 0; }  // false for NaN and +-inf

/// InvalidArgument unless step_ms > 0 and the length is within kMaxSeriesLength; `study` names
/// the caller in the message.
Status ValidateSeries(const SeriesView& series, std::string_view study);

/// Robust location and scale are estimated from at most this many evenly strided samples: the
/// median of 8,192 Gaussian samples is within 0.014 sigma of the true one (1.25 sigma / sqrt(n)),
/// far finer than the 5-sigma thresholds built on it, and nth_element on a day at 1 Hz took 15%
/// of the periodicity study's time.
inline constexpr size_t kRobustSampleSize = 8192;

/// `x` as a count, clamped to [0, 4 * kMaxSeriesLength] first: options in seconds divided by the
/// step can be huge or infinite, and converting such a double to an integer is undefined
/// behaviour. Anything above the clamp is longer than any accepted series anyway. NaN gives 0.
size_t ClampToCount(double x);

/// Every ceil(size / max_count)-th value of `values`, in order.
std::vector<double> Strided(std::span<const double> values, size_t max_count);

/// Median of `values` (reorders them). REQUIRES: !values.empty().
double MedianInPlace(std::vector<double>& values);

/// A robust standard deviation of `values` around `center`: 1.4826 * MAD, or, when the MAD is 0,
/// 1.2533 * mean absolute deviation. 0 only when every value equals `center`.
double RobustSigma(std::span<const double> values, double center);

/// Least-squares line value = intercept + slope * index over the valid samples.
struct LineFit {
  double slope = 0;
  double intercept = 0;
  size_t count = 0;
};
LineFit FitLine(std::span<const double> values);

/// Two-sided p-value of a standard normal statistic: P(|Z| >= |z|).
double TwoSidedNormalP(double z);

}  // namespace fgm::studies::internal

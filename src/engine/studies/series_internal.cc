// SPDX-License-Identifier: Apache-2.0
// See series_internal.h.
#include "engine/studies/series_internal.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace fgm::studies::internal {

Status ValidateSeries(const SeriesView& series, std::string_view study) {
  if (series.step_ms <= 0) {
    return InvalidArgumentError(std::string(study) + ": step_ms must be > 0, got " +
                                std::to_string(series.step_ms));
  }
  if (series.values.size() > kMaxSeriesLength) {
    return ResourceExhaustedError(std::string(study) + ": " + std::to_string(series.values.size()) +
                                  " samples exceed the limit of " +
                                  std::to_string(kMaxSeriesLength));
  }
  return OkStatus();
}

size_t ClampToCount(double x) {
  if (!(x > 0)) return 0;
  return static_cast<size_t>(std::min(x, 4.0 * static_cast<double>(kMaxSeriesLength)));
}

std::vector<double> Strided(std::span<const double> values, size_t max_count) {
  const size_t stride = std::max<size_t>(1, (values.size() + max_count - 1) / max_count);
  std::vector<double> out;
  out.reserve(values.size() / stride + 1);
  for (size_t i = 0; i < values.size(); i += stride) out.push_back(values[i]);
  return out;
}

double MedianInPlace(std::vector<double>& values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

double RobustSigma(std::span<const double> values, double center) {
  if (values.empty()) return 0;
  std::vector<double> deviations(values.size());
  double sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    deviations[i] = std::abs(values[i] - center);
    sum += deviations[i];
  }
  const double mad = MedianInPlace(deviations);
  if (mad > 0) return kMadToSigma * mad;
  return kMeanAbsDevToSigma * sum / static_cast<double>(values.size());
}

LineFit FitLine(std::span<const double> values) {
  // Centred sums (index and value means first) avoid the cancellation of the textbook
  // n*Sxy - Sx*Sy formula on long series with large values (byte counters near 2^40).
  LineFit fit;
  double mean_t = 0, mean_v = 0;
  for (size_t t = 0; t < values.size(); ++t) {
    if (!IsValid(values[t])) continue;
    ++fit.count;
    mean_t += static_cast<double>(t);
    mean_v += values[t];
  }
  if (fit.count == 0) return fit;
  mean_t /= static_cast<double>(fit.count);
  mean_v /= static_cast<double>(fit.count);
  double stt = 0, stv = 0;
  for (size_t t = 0; t < values.size(); ++t) {
    if (!IsValid(values[t])) continue;
    const double dt = static_cast<double>(t) - mean_t;
    stt += dt * dt;
    stv += dt * (values[t] - mean_v);
  }
  fit.slope = stt > 0 ? stv / stt : 0;
  fit.intercept = mean_v - fit.slope * mean_t;
  return fit;
}

double TwoSidedNormalP(double z) { return std::erfc(std::abs(z) / std::sqrt(2.0)); }

}  // namespace fgm::studies::internal

// SPDX-License-Identifier: Apache-2.0
// Time-series studies run by the viewer engine (natively and in WASM): periodicity, change points,
// trend and correlation. Pure functions over evenly spaced series (NaN = no sample), so they are
// testable on synthetic data and free of any I/O or JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace fgm::studies {

/// An evenly spaced series: values[i] was sampled at start_ms + i * step_ms. NaN marks a gap.
struct SeriesView {
  int64_t start_ms = 0;
  int64_t step_ms = 1000;
  std::span<const double> values;
};

/// A time window a study wants highlighted, with its numbers.
struct StudyWindow {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string label;
  std::vector<std::pair<std::string, double>> metrics;
};

// ---- Periodicity -------------------------------------------------------------------------------

struct PeriodicityOptions {
  double min_period_s = 2;      // shortest period reported
  double max_period_s = 3600;   // longest; also capped at a third of the series length
  int max_periods = 3;          // top periods returned
  double min_confidence = 0.3;  // periods below this confidence are not reported
  int64_t window_s = 0;         // >0: also run per window of this length to say *when* it holds
};
struct Period {
  double period_s = 0;
  double confidence = 0;  // 0..1: normalised autocorrelation at the period
};
struct PeriodicityResult {
  std::vector<Period> periods;       // best first
  std::vector<StudyWindow> windows;  // where the top period holds (whole span if window_s == 0)
};
Result<PeriodicityResult> DetectPeriodicity(const SeriesView& series,
                                            const PeriodicityOptions& options = {});

// ---- Change points -----------------------------------------------------------------------------

struct ChangePointOptions {
  double penalty = 0;          // 0 = automatic (see implementation comment for the rule)
  int64_t min_segment_s = 10;  // shortest segment between two change points
  int max_changepoints = 20;
};
struct ChangePoint {
  int64_t time_ms = 0;  // first sample of the new segment
  double before = 0;    // mean of the segment before
  double after = 0;     // mean of the segment after
};
struct ChangePointResult {
  std::vector<ChangePoint> changepoints;
  std::vector<StudyWindow> segments;
};
Result<ChangePointResult> DetectChangePoints(const SeriesView& series,
                                             const ChangePointOptions& options = {});

// ---- Trend -------------------------------------------------------------------------------------

struct TrendOptions {
  std::optional<double> limit;  // e.g. the memory limit: when the line would reach it
};
struct TrendResult {
  double slope_per_s = 0;
  double intercept = 0;  // value of the fitted line at start_ms
  double mann_kendall_z = 0;
  double p_value = 1;            // two-sided, for "there is a monotonic trend"
  int64_t t0_ms = 0, t1_ms = 0;  // fitted line end points (first and last valid sample)
  double v0 = 0, v1 = 0;
  std::optional<int64_t> breach_ms;  // when the line reaches `limit`, if it does in the future
  double season_s = 0;  // >0: a period found in the series and removed first (seasonal test)
};
Result<TrendResult> DetectTrend(const SeriesView& series, const TrendOptions& options = {});

// ---- Correlation -------------------------------------------------------------------------------

struct CorrelationOptions {
  int top_k = 10;
  int64_t max_lag_s = 30;    // lags searched in [-max_lag_s, +max_lag_s]
  double min_overlap = 0.5;  // share of samples that must be valid in both series
};
struct Correlation {
  size_t candidate_index = 0;  // index into `candidates`
  double r = 0;                // Pearson r at the best lag
  int64_t lag_s = 0;           // >0: the candidate follows the target by lag_s
};
/// Ranks candidates by |r| at their best lag; all series must share start_ms and step_ms.
Result<std::vector<Correlation>> FindCorrelations(const SeriesView& target,
                                                  std::span<const SeriesView> candidates,
                                                  const CorrelationOptions& options = {});

}  // namespace fgm::studies

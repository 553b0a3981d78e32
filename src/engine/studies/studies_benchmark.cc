// SPDX-License-Identifier: Apache-2.0
// Speed of the studies on a day at 1 Hz (86,400 points), the size the viewer asks for over 24 h.
// Goal (issue 5): periodicity <= 10 ms. Built by bench/CMakeLists.txt, run by `make bench`:
//   build/bench/studies_benchmark --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "engine/studies/fft.h"
#include "engine/studies/studies.h"

namespace fgm::studies {
namespace {

constexpr size_t kDay = 86400;

// A realistic rate series: 300 s cycle, noise, 1% outliers, 5% gaps and a one-hour outage.
std::vector<double> DaySeries(unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  std::vector<double> v(kDay);
  for (size_t t = 0; t < kDay; ++t) {
    v[t] = 100 + 10 * std::sin(2 * std::numbers::pi * static_cast<double>(t) / 300) +
           5 * normal(gen) + (t > 40000 ? 20 : 0);
    if (uniform(gen) < 0.01) v[t] += 500;
    if (uniform(gen) < 0.05) v[t] = std::numeric_limits<double>::quiet_NaN();
  }
  for (size_t t = 60000; t < 63600; ++t) v[t] = std::numeric_limits<double>::quiet_NaN();
  return v;
}

void BM_Periodicity(benchmark::State& state) {
  const std::vector<double> v = DaySeries(1);
  PeriodicityOptions options;
  options.window_s = state.range(0);
  for (auto _ : state) {
    Result<PeriodicityResult> r = DetectPeriodicity({0, 1000, v}, options);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Periodicity)->Arg(0)->Arg(3600)->Unit(benchmark::kMillisecond);

void BM_ChangePoints(benchmark::State& state) {
  const std::vector<double> v = DaySeries(2);
  for (auto _ : state) {
    Result<ChangePointResult> r = DetectChangePoints({0, 1000, v});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ChangePoints)->Unit(benchmark::kMillisecond);

void BM_Trend(benchmark::State& state) {
  const std::vector<double> v = DaySeries(3);
  TrendOptions options;
  options.limit = 1e6;
  for (auto _ : state) {
    Result<TrendResult> r = DetectTrend({0, 1000, v}, options);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Trend)->Unit(benchmark::kMillisecond);

// One target against state.range(0) candidates over a day, lags +-30 s.
void BM_Correlation(benchmark::State& state) {
  const std::vector<double> target = DaySeries(4);
  std::vector<std::vector<double>> data;
  std::vector<SeriesView> candidates;
  for (int i = 0; i < state.range(0); ++i) data.push_back(DaySeries(10 + i));
  for (const auto& d : data) candidates.push_back({0, 1000, d});
  for (auto _ : state) {
    Result<std::vector<Correlation>> r = FindCorrelations({0, 1000, target}, candidates);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Correlation)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond);

void BM_Fft(benchmark::State& state) {
  std::vector<Complex> data(static_cast<size_t>(state.range(0)));
  for (size_t i = 0; i < data.size(); ++i) data[i] = {std::sin(0.1 * static_cast<double>(i)), 0};
  for (auto _ : state) {
    Fft(data, false);
    benchmark::DoNotOptimize(data.data());
  }
}
BENCHMARK(BM_Fft)->Arg(1 << 17)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fgm::studies

// SPDX-License-Identifier: Apache-2.0
// The FFT and the packed autocorrelation against naive O(n^2) sums on random data.
#include "engine/studies/fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace fgm::studies {
namespace {

std::vector<Complex> NaiveDft(const std::vector<Complex>& x, bool inverse) {
  const size_t n = x.size();
  std::vector<Complex> out(n);
  const double sign = inverse ? 1.0 : -1.0;
  for (size_t k = 0; k < n; ++k) {
    double re = 0, im = 0;
    for (size_t t = 0; t < n; ++t) {
      const double angle = sign * 2 * std::numbers::pi * static_cast<double>(k * t % n) / n;
      re += x[t].re * std::cos(angle) - x[t].im * std::sin(angle);
      im += x[t].re * std::sin(angle) + x[t].im * std::cos(angle);
    }
    out[k] = inverse ? Complex{re / n, im / n} : Complex{re, im};
  }
  return out;
}

std::vector<double> RandomVector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v(n);
  for (double& x : v) x = normal(gen);
  return v;
}

TEST(FftTest, NextPowerOfTwo) {
  EXPECT_EQ(NextPowerOfTwo(0), 1u);
  EXPECT_EQ(NextPowerOfTwo(1), 1u);
  EXPECT_EQ(NextPowerOfTwo(2), 2u);
  EXPECT_EQ(NextPowerOfTwo(3), 4u);
  EXPECT_EQ(NextPowerOfTwo(86400), 131072u);
}

TEST(FftTest, MatchesNaiveDftForwardAndInverse) {
  for (size_t n : {1u, 2u, 4u, 8u, 64u, 512u}) {
    const std::vector<double> re = RandomVector(n, 1), im = RandomVector(n, 2);
    std::vector<Complex> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = {re[i], im[i]};
    for (bool inverse : {false, true}) {
      std::vector<Complex> fast = x;
      Fft(fast, inverse);
      const std::vector<Complex> slow = NaiveDft(x, inverse);
      for (size_t k = 0; k < n; ++k) {
        EXPECT_NEAR(fast[k].re, slow[k].re, 1e-9) << "n=" << n << " k=" << k;
        EXPECT_NEAR(fast[k].im, slow[k].im, 1e-9) << "n=" << n << " k=" << k;
      }
    }
  }
}

TEST(FftTest, InverseUndoesForwardOnLargeSizes) {
  const size_t n = size_t{1} << 17;
  const std::vector<double> re = RandomVector(n, 3);
  std::vector<Complex> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = {re[i], 0};
  Fft(x, false);
  Fft(x, true);
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    worst = std::max({worst, std::abs(x[i].re - re[i]), std::abs(x[i].im)});
  }
  EXPECT_LT(worst, 1e-12);
}

TEST(FftTest, PureToneLandsInItsBin) {
  const size_t n = 256;
  std::vector<Complex> x(n);
  for (size_t t = 0; t < n; ++t) x[t] = {std::cos(2 * std::numbers::pi * 10 * t / n), 0};
  Fft(x, false);
  for (size_t k = 0; k < n; ++k) {
    const double magnitude = std::hypot(x[k].re, x[k].im);
    EXPECT_NEAR(magnitude, (k == 10 || k == n - 10) ? n / 2.0 : 0.0, 1e-9) << k;
  }
}

TEST(FftTest, AutocorrelatePairMatchesNaiveSums) {
  for (size_t n : {1u, 5u, 100u, 1000u}) {
    const std::vector<double> a = RandomVector(n, 4), b = RandomVector(n, 5);
    for (size_t max_lag : {size_t{0}, n / 3, n + 2}) {
      std::vector<double> acf_a, acf_b, power;
      AutocorrelatePair(a, b, max_lag, acf_a, acf_b, &power);
      ASSERT_EQ(acf_a.size(), max_lag + 1);
      ASSERT_EQ(acf_b.size(), max_lag + 1);
      for (size_t k = 0; k <= max_lag; ++k) {
        double sa = 0, sb = 0;
        for (size_t t = 0; t + k < n; ++t) {
          sa += a[t] * a[t + k];
          sb += b[t] * b[t + k];
        }
        EXPECT_NEAR(acf_a[k], sa, 1e-8) << "n=" << n << " k=" << k;
        EXPECT_NEAR(acf_b[k], sb, 1e-8) << "n=" << n << " k=" << k;
      }
      // The power spectrum of `a` at DC is (sum a)^2.
      double sum = 0;
      for (double v : a) sum += v;
      EXPECT_NEAR(power.at(0), sum * sum, 1e-8);
    }
  }
}

TEST(FftTest, AutocorrelatePairOfEmptyInputIsZeros) {
  std::vector<double> acf_a, acf_b;
  AutocorrelatePair({}, {}, 3, acf_a, acf_b);
  EXPECT_EQ(acf_a, std::vector<double>(4, 0.0));
  EXPECT_EQ(acf_b, std::vector<double>(4, 0.0));
}

}  // namespace
}  // namespace fgm::studies

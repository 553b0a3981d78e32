// SPDX-License-Identifier: Apache-2.0
// Iterative radix-2 FFT (bit-reversal permutation, then log2 N butterfly stages) and the packed
// two-real-signals autocorrelation built on it. See fft.h.
#include "engine/studies/fft.h"

#include <cmath>
#include <numbers>
#include <utility>

#include "core/check.h"

namespace fgm::studies {
namespace {

// Twiddles w[k] = e^{-2 pi i k / n} for k < n/2. Computing each with cos/sin costs ~1-2 ms per
// 65,536 entries, a large share of the 10 ms periodicity budget; products of a coarse and a fine
// table need only ~2*sqrt(n) trig calls and stay within a few ulps (one rounding per product).
std::vector<Complex> Twiddles(size_t n) {
  const size_t half = n / 2;
  std::vector<Complex> w(half);
  if (half == 0) return w;
  size_t block = 1;
  while (block * block < half) block *= 2;
  const double step = -2.0 * std::numbers::pi / static_cast<double>(n);
  std::vector<Complex> fine(block);
  for (size_t i = 0; i < block; ++i) {
    fine[i] = {std::cos(step * static_cast<double>(i)), std::sin(step * static_cast<double>(i))};
  }
  for (size_t j = 0; j * block < half; ++j) {
    const double angle = step * static_cast<double>(j * block);
    const Complex coarse{std::cos(angle), std::sin(angle)};
    for (size_t i = 0; i < block && j * block + i < half; ++i) {
      w[j * block + i] = {coarse.re * fine[i].re - coarse.im * fine[i].im,
                          coarse.re * fine[i].im + coarse.im * fine[i].re};
    }
  }
  return w;
}

}  // namespace

size_t NextPowerOfTwo(size_t n) {
  size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

void Fft(std::span<Complex> data, bool inverse) {
  const size_t n = data.size();
  FGM_CHECK(n > 0 && (n & (n - 1)) == 0) << "FFT size must be a power of two, got " << n;
  if (n == 1) return;

  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(data[i], data[j]);
  }

  const std::vector<Complex> w = Twiddles(n);
  const double sign = inverse ? -1.0 : 1.0;  // the inverse uses conjugate twiddles
  for (size_t len = 2; len <= n; len *= 2) {
    const size_t half = len / 2;
    const size_t stride = n / len;
    for (size_t start = 0; start < n; start += len) {
      Complex* lo = &data[start];
      Complex* hi = &data[start + half];
      for (size_t k = 0; k < half; ++k) {
        const Complex t = w[k * stride];
        const double tim = sign * t.im;
        const double vre = hi[k].re * t.re - hi[k].im * tim;
        const double vim = hi[k].re * tim + hi[k].im * t.re;
        hi[k] = {lo[k].re - vre, lo[k].im - vim};
        lo[k] = {lo[k].re + vre, lo[k].im + vim};
      }
    }
  }
  if (inverse) {
    const double scale = 1.0 / static_cast<double>(n);
    for (Complex& c : data) c = {c.re * scale, c.im * scale};
  }
}

void AutocorrelatePair(std::span<const double> a, std::span<const double> b, size_t max_lag,
                       std::vector<double>& out_a, std::vector<double>& out_b,
                       std::vector<double>* power_a) {
  FGM_CHECK(a.size() == b.size()) << "AutocorrelatePair: sizes " << a.size() << "/" << b.size();
  out_a.assign(max_lag + 1, 0.0);
  out_b.assign(max_lag + 1, 0.0);
  if (power_a != nullptr) power_a->clear();
  if (a.empty()) return;
  // Zero padding to >= n + max_lag keeps the circular correlation from wrapping into the lags we
  // read.
  const size_t n = NextPowerOfTwo(a.size() + max_lag);
  std::vector<Complex> z(n);
  for (size_t t = 0; t < a.size(); ++t) z[t] = {a[t], b[t]};
  Fft(z, /*inverse=*/false);
  // Split Z = FFT(a + i b) into A and B (A[k] = (Z[k] + conj Z[n-k]) / 2, B[k] = (Z[k] -
  // conj Z[n-k]) / 2i), then pack |A|^2 + i |B|^2: both power spectra are real and even, so one
  // inverse FFT yields both autocorrelations in its real and imaginary parts.
  if (power_a != nullptr) power_a->resize(n / 2 + 1);
  for (size_t k = 0; k <= n / 2; ++k) {
    const size_t m = (n - k) & (n - 1);
    const Complex zk = z[k];
    const Complex zm = z[m];
    const double are = 0.5 * (zk.re + zm.re), aim = 0.5 * (zk.im - zm.im);
    const double bre = 0.5 * (zk.im + zm.im), bim = -0.5 * (zk.re - zm.re);
    const Complex power{are * are + aim * aim, bre * bre + bim * bim};
    z[k] = power;
    z[m] = power;
    if (power_a != nullptr) (*power_a)[k] = power.re;
  }
  Fft(z, /*inverse=*/true);
  for (size_t k = 0; k <= max_lag; ++k) {
    out_a[k] = z[k].re;
    out_b[k] = z[k].im;
  }
}

}  // namespace fgm::studies

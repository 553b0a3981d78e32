// SPDX-License-Identifier: Apache-2.0
// A small iterative radix-2 FFT for the studies (autocorrelation, cross-correlation). Written here
// rather than taken from FFTW or kissfft because the engine also builds with em++ for WASM, where
// only self-contained C++ is available, and because double precision matters for long series.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace fgm::studies {

/// A complex number as two doubles. std::complex<double> multiplication goes through __muldc3
/// (Annex G NaN/inf rules) unless built with -ffast-math, which makes it several times slower.
struct Complex {
  double re = 0;
  double im = 0;
};

/// Smallest power of two >= n (n >= 1).
size_t NextPowerOfTwo(size_t n);

/// In-place discrete Fourier transform of `data`, whose size must be a power of two (>= 1).
/// Forward: X[k] = sum_t x[t] e^{-2 pi i k t / N}. Inverse: the same with +i and divided by N, so
/// Inverse(Forward(x)) == x up to rounding. Thread-safe: the only state is a per-thread cache of
/// the twiddle table for the last size used (16 bytes per point).
void Fft(std::span<Complex> data, bool inverse);

/// Circular-free autocorrelations of two real signals of equal length n with one complex FFT pair:
/// out_a[k] = sum_t a[t] a[t+k] and out_b[k] = sum_t b[t] b[t+k] for k in [0, max_lag]
/// (sums over t with t+k < n; lags >= n are 0). REQUIRES: a.size() == b.size().
/// Thread-safe; keeps a per-thread scratch buffer of 16 bytes per padded point between calls.
/// If `power_a` is not null it receives |A[k]|^2 for k in [0, N/2], the power spectrum of `a`
/// zero-padded to N = NextPowerOfTwo(n + max_lag) (bin k is frequency k / N cycles per sample).
void AutocorrelatePair(std::span<const double> a, std::span<const double> b, size_t max_lag,
                       std::vector<double>& out_a, std::vector<double>& out_b,
                       std::vector<double>* power_a = nullptr);

}  // namespace fgm::studies

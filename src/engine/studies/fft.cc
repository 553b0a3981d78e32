// SPDX-License-Identifier: Apache-2.0
// Iterative radix-2 FFT (bit-reversal permutation, then log2 N butterfly stages) and the packed
// two-real-signals autocorrelation built on it. See fft.h.
#include "engine/studies/fft.h"

#include <algorithm>
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

// 2,048 complex doubles are 32 KiB: a typical L1 data cache.
constexpr size_t kCacheBlock = 2048;

// One contiguous twiddle table per stage (the stage with half-length h uses entries [h - 1,
// 2h - 1)), so butterflies read twiddles sequentially instead of with a stride of n / len. The
// inverse transform uses the same table conjugated (see Conjugate below).
//
// Cached per thread for the last size used: the engine runs a study over many series of the same
// length, and building the table (trig calls plus 2 MiB of fresh pages for 2^17 points) was ~8%
// of a periodicity call. Memory held: 16 bytes per point of the largest size used by the thread.
const std::vector<Complex>& StageTwiddles(size_t n) {
  thread_local std::vector<Complex> stages;
  if (stages.size() == n - 1) return stages;
  const std::vector<Complex> base = Twiddles(n);
  stages.assign(n - 1, Complex{});
  for (size_t half = 1; half < n; half *= 2) {
    const size_t stride = n / (2 * half);
    for (size_t k = 0; k < half; ++k) stages[half - 1 + k] = base[k * stride];
  }
  return stages;
}

// Index `i` with its lowest `bits` bits reversed.
size_t ReverseBits(size_t i, int bits) {
  size_t r = 0;
  for (int b = 0; b < bits; ++b, i >>= 1) r = (r << 1) | (i & 1);
  return r;
}

// Decimation in time: bit-reversed input, natural-order output. Stages up to kCacheBlock points
// run block by block while the block sits in L1, instead of streaming the whole array through the
// cache once per stage.
template <bool kConjugate>
void DitStages(Complex* a, size_t n, const std::vector<Complex>& stages) {
  constexpr double kSign = kConjugate ? -1.0 : 1.0;
  auto stage = [&](size_t len, size_t begin, size_t end) {
    const size_t half = len / 2;
    const Complex* w = &stages[half - 1];
    for (size_t start = begin; start < end; start += len) {
      Complex* lo = a + start;
      Complex* hi = lo + half;
      for (size_t k = 0; k < half; ++k) {
        const double wim = kSign * w[k].im;
        const double vre = hi[k].re * w[k].re - hi[k].im * wim;
        const double vim = hi[k].re * wim + hi[k].im * w[k].re;
        const double ure = lo[k].re, uim = lo[k].im;
        hi[k] = {ure - vre, uim - vim};
        lo[k] = {ure + vre, uim + vim};
      }
    }
  };
  const size_t block = std::min(n, kCacheBlock);
  for (size_t begin = 0; begin < n; begin += block) {
    for (size_t len = 2; len <= block; len *= 2) stage(len, begin, begin + block);
  }
  for (size_t len = 2 * block; len <= n; len *= 2) stage(len, 0, n);
}

// Decimation in frequency: natural-order input, bit-reversed output; the same stages run
// backwards with the twiddle applied after the difference.
template <bool kConjugate>
void DifStages(Complex* a, size_t n, const std::vector<Complex>& stages) {
  constexpr double kSign = kConjugate ? -1.0 : 1.0;
  auto stage = [&](size_t len, size_t begin, size_t end) {
    const size_t half = len / 2;
    const Complex* w = &stages[half - 1];
    for (size_t start = begin; start < end; start += len) {
      Complex* lo = a + start;
      Complex* hi = lo + half;
      for (size_t k = 0; k < half; ++k) {
        const double wim = kSign * w[k].im;
        const double dre = lo[k].re - hi[k].re, dim = lo[k].im - hi[k].im;
        lo[k] = {lo[k].re + hi[k].re, lo[k].im + hi[k].im};
        hi[k] = {dre * w[k].re - dim * wim, dre * wim + dim * w[k].re};
      }
    }
  };
  const size_t block = std::min(n, kCacheBlock);
  for (size_t len = n; len > block; len /= 2) stage(len, 0, n);
  for (size_t begin = 0; begin < n; begin += block) {
    for (size_t len = block; len >= 2; len /= 2) stage(len, begin, begin + block);
  }
}

int Log2(size_t n) {
  int bits = 0;
  while ((size_t{1} << bits) < n) ++bits;
  return bits;
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
  const std::vector<Complex>& stages = StageTwiddles(n);
  if (inverse) {
    DitStages<true>(data.data(), n, stages);
  } else {
    DitStages<false>(data.data(), n, stages);
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
  const int bits = Log2(n);
  // The input goes straight to its bit-reversed slot and the inverse transform (decimation in
  // frequency) leaves its output bit-reversed, where only max_lag + 1 values are read: neither
  // transform needs the permutation pass, whose cache misses were a quarter of the FFT's time.
  // Reused per thread: a fresh 2 MiB buffer for a day at 1 Hz costs ~500 page faults (~10% of a
  // periodicity call); zeroing the reused one is a memset.
  thread_local std::vector<Complex> scratch;
  scratch.assign(n, Complex{});
  std::vector<Complex>& z = scratch;
  for (size_t t = 0, j = 0; t < a.size(); ++t) {
    z[j] = {a[t], b[t]};
    size_t bit = n >> 1;  // j = ReverseBits(t + 1), incrementally
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
  }
  if (n > 1) DitStages</*kConjugate=*/false>(z.data(), n, StageTwiddles(n));
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
  if (n > 1) DifStages</*kConjugate=*/true>(z.data(), n, StageTwiddles(n));
  const double scale = 1.0 / static_cast<double>(n);
  for (size_t k = 0; k <= max_lag && k < n; ++k) {
    const Complex c = z[ReverseBits(k, bits)];
    out_a[k] = c.re * scale;
    out_b[k] = c.im * scale;
  }
}

}  // namespace fgm::studies

// SPDX-License-Identifier: Apache-2.0
// Bit-width-specialized packing and unpacking of 32 values at a time (LSB-first, as the
// RLE/bit-packed hybrid and DELTA_BINARY_PACKED both use), plus ULEB128/zigzag helpers. Private to
// the encodings: one function per width, fully unrolled at compile time, picked through a table so
// that the hot loops have no per-value branches.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace fgm::parquet::internal {

static_assert(std::endian::native == std::endian::little,
              "the bit unpackers load little-endian words directly");

/// Bytes the unpackers may read past the end of a 32-value chunk (one 64-bit word). Callers either
/// have that much buffer left or copy the chunk into a padded scratch buffer.
inline constexpr size_t kUnpackSlackBytes = 8;

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

template <int W>
constexpr uint64_t LowMask() {
  if constexpr (W == 64) {
    return ~uint64_t{0};
  } else {
    return (uint64_t{1} << W) - 1;
  }
}

/// Value `I` of a packed chunk of width W. Reads at most 8 bytes from its starting byte (9 when a
/// value of width > 56 straddles the word; that extra byte lies inside the chunk).
template <int W, int I>
inline uint64_t ExtractPacked(const uint8_t* in) {
  if constexpr (W == 0) {
    return 0;
  } else {
    constexpr int kBit = I * W;
    constexpr int kByte = kBit / 8;
    constexpr int kShift = kBit % 8;
    uint64_t v = Load64(in + kByte) >> kShift;
    if constexpr (kShift + W > 64) {
      v |= uint64_t{in[kByte + 8]} << (64 - kShift);
    }
    return v & LowMask<W>();
  }
}

/// Unpacks 32 values of width W (4*W bytes at `in`, plus kUnpackSlackBytes readable after them).
template <int W, typename Out>
inline void Unpack32(const uint8_t* in, Out* out) {
  [&]<int... I>(std::integer_sequence<int, I...>) {
    ((out[I] = static_cast<Out>(ExtractPacked<W, I>(in))), ...);
  }
  (std::make_integer_sequence<int, 32>{});
}

/// DELTA_BINARY_PACKED inner loop: unpacks 32 deltas of width W and turns them into values by a
/// running sum in unsigned 64-bit arithmetic (wraps exactly as the spec demands). `*last` is the
/// previous value on entry and the 32nd value on return.
template <int W, typename T>
inline void DeltaUnpack32(const uint8_t* in, uint64_t min_delta, uint64_t* last, T* out) {
  uint64_t acc = *last;
  [&]<int... I>(std::integer_sequence<int, I...>) {
    ((acc += min_delta + ExtractPacked<W, I>(in), out[I] = static_cast<T>(acc)), ...);
  }
  (std::make_integer_sequence<int, 32>{});
  *last = acc;
}

/// Packs 32 values of width W into exactly 4*W bytes at `out`. REQUIRES: every value < 2^W.
template <int W, typename In>
inline void Pack32(const In* in, uint8_t* out) {
  if constexpr (W > 0) {
    uint64_t words[W / 2 + 1] = {};
    [&]<int... I>(std::integer_sequence<int, I...>) {
      (
          [&] {
            constexpr int kBit = I * W;
            constexpr int kWord = kBit / 64;
            constexpr int kOff = kBit % 64;
            const uint64_t v = static_cast<uint64_t>(in[I]);
            words[kWord] |= v << kOff;
            if constexpr (kOff + W > 64) {
              words[kWord + 1] |= v >> (64 - kOff);
            }
          }(),
          ...);
    }
    (std::make_integer_sequence<int, 32>{});
    std::memcpy(out, words, 4 * W);
  }
}

template <typename Out>
using Unpack32Fn = void (*)(const uint8_t*, Out*);
template <typename T>
using DeltaUnpack32Fn = void (*)(const uint8_t*, uint64_t, uint64_t*, T*);
template <typename In>
using Pack32Fn = void (*)(const In*, uint8_t*);

/// Tables indexed by bit width 0..kMaxWidth.
template <typename Out, int kMaxWidth>
constexpr std::array<Unpack32Fn<Out>, kMaxWidth + 1> MakeUnpack32Table() {
  return []<int... W>(std::integer_sequence<int, W...>) {
    return std::array<Unpack32Fn<Out>, kMaxWidth + 1>{&Unpack32<W, Out>...};
  }
  (std::make_integer_sequence<int, kMaxWidth + 1>{});
}

template <typename T>
constexpr std::array<DeltaUnpack32Fn<T>, 65> MakeDeltaUnpack32Table() {
  return []<int... W>(std::integer_sequence<int, W...>) {
    return std::array<DeltaUnpack32Fn<T>, 65>{&DeltaUnpack32<W, T>...};
  }
  (std::make_integer_sequence<int, 65>{});
}

template <typename In, int kMaxWidth>
constexpr std::array<Pack32Fn<In>, kMaxWidth + 1> MakePack32Table() {
  return []<int... W>(std::integer_sequence<int, W...>) {
    return std::array<Pack32Fn<In>, kMaxWidth + 1>{&Pack32<W, In>...};
  }
  (std::make_integer_sequence<int, kMaxWidth + 1>{});
}

/// Appends `v` as ULEB128.
inline void PutUleb128(uint64_t v, std::string* out) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

/// Writes `v` as ULEB128 at `p` (room for 10 bytes) and returns the end.
inline uint8_t* WriteUleb128(uint64_t v, uint8_t* p) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

/// Reads a ULEB128 of at most 64 bits from [*p, end). False on truncation or overflow; *p is left
/// past the varint on success.
inline bool ReadUleb128(const uint8_t** p, const uint8_t* end, uint64_t* v) {
  uint64_t result = 0;
  const uint8_t* q = *p;
  // A 64-bit value takes at most 10 groups of 7 bits; the 10th may only carry the top bit.
  for (int shift = 0; shift < 70; shift += 7) {
    if (q == end) return false;
    const uint8_t byte = *q++;
    if (shift == 63 && byte > 1) return false;
    result |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      *p = q;
      *v = result;
      return true;
    }
  }
  return false;
}

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

}  // namespace fgm::parquet::internal

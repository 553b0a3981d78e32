// SPDX-License-Identifier: Apache-2.0
// BYTE_STREAM_SPLIT (Encodings.md "Byte Stream Split"). Both directions are byte-matrix transposes:
// blocks of 8 values are transposed in registers (8x8 bytes for 8-byte types, 4x4 for 4-byte
// types), the leftover values one byte at a time. Plain C++, so the same code serves the WASM
// build.
#include "parquet/encoding/byte_stream_split.h"

#include <cstdint>
#include <cstring>

namespace fgm::parquet {
namespace {

// Swaps the bytes selected by `mask` (shifted up by `shift`) of *a with those of *b: one step of
// the recursive block transpose.
template <typename W>
inline void SwapBlocks(W* a, W* b, int shift, W mask) {
  const W t = ((*a >> shift) ^ *b) & mask;
  *a ^= t << shift;
  *b ^= t;
}

// Transposes an 8x8 byte matrix held as 8 little-endian words (row j = r[j], column k = byte k).
inline void Transpose8x8(uint64_t r[8]) {
  for (int j = 0; j < 4; ++j) SwapBlocks<uint64_t>(&r[j], &r[j + 4], 32, 0x00000000FFFFFFFFull);
  for (int j : {0, 1, 4, 5}) SwapBlocks<uint64_t>(&r[j], &r[j + 2], 16, 0x0000FFFF0000FFFFull);
  for (int j : {0, 2, 4, 6}) SwapBlocks<uint64_t>(&r[j], &r[j + 1], 8, 0x00FF00FF00FF00FFull);
}

// Same for a 4x4 byte matrix in 4 words.
inline void Transpose4x4(uint32_t r[4]) {
  for (int j = 0; j < 2; ++j) SwapBlocks<uint32_t>(&r[j], &r[j + 2], 16, 0x0000FFFFu);
  for (int j : {0, 2}) SwapBlocks<uint32_t>(&r[j], &r[j + 1], 8, 0x00FF00FFu);
}

// Value i of n, byte k -> dst[k * n + i].
template <size_t K>
void Split(const uint8_t* src, size_t n, uint8_t* dst) {
  size_t i = 0;
  if constexpr (K == 8) {
    for (; i + 8 <= n; i += 8) {
      uint64_t r[8];
      std::memcpy(r, src + i * 8, 64);
      Transpose8x8(r);
      for (size_t k = 0; k < 8; ++k) std::memcpy(dst + k * n + i, &r[k], 8);
    }
  } else {
    static_assert(K == 4);
    for (; i + 4 <= n; i += 4) {
      uint32_t r[4];
      std::memcpy(r, src + i * 4, 16);
      Transpose4x4(r);
      for (size_t k = 0; k < 4; ++k) std::memcpy(dst + k * n + i, &r[k], 4);
    }
  }
  for (; i < n; ++i) {
    for (size_t k = 0; k < K; ++k) dst[k * n + i] = src[i * K + k];
  }
}

// The inverse: src[k * n + i] -> value i, byte k.
template <size_t K>
void Join(const uint8_t* src, size_t n, uint8_t* dst) {
  size_t i = 0;
  if constexpr (K == 8) {
    for (; i + 8 <= n; i += 8) {
      uint64_t r[8];
      for (size_t k = 0; k < 8; ++k) std::memcpy(&r[k], src + k * n + i, 8);
      Transpose8x8(r);
      std::memcpy(dst + i * 8, r, 64);
    }
  } else {
    static_assert(K == 4);
    for (; i + 4 <= n; i += 4) {
      uint32_t r[4];
      for (size_t k = 0; k < 4; ++k) std::memcpy(&r[k], src + k * n + i, 4);
      Transpose4x4(r);
      std::memcpy(dst + i * 4, r, 16);
    }
  }
  for (; i < n; ++i) {
    for (size_t k = 0; k < K; ++k) dst[i * K + k] = src[k * n + i];
  }
}

}  // namespace

template <typename T>
void ByteStreamSplitEncode(std::span<const T> values, std::string* out) {
  const size_t start = out->size();
  out->resize(start + values.size_bytes());
  Split<sizeof(T)>(reinterpret_cast<const uint8_t*>(values.data()), values.size(),
                   reinterpret_cast<uint8_t*>(out->data() + start));
}

template <typename T>
Status ByteStreamSplitDecode(std::string_view data, size_t count, T* out) {
  if (count > data.size() / sizeof(T) || data.size() != count * sizeof(T)) {
    return CorruptError("byte_stream_split: data size is not count * value size");
  }
  Join<sizeof(T)>(reinterpret_cast<const uint8_t*>(data.data()), count,
                  reinterpret_cast<uint8_t*>(out));
  return OkStatus();
}

#define FGM_INSTANTIATE_BSS(T)                                              \
  template void ByteStreamSplitEncode<T>(std::span<const T>, std::string*); \
  template Status ByteStreamSplitDecode<T>(std::string_view, size_t, T*);
FGM_INSTANTIATE_BSS(int32_t)
FGM_INSTANTIATE_BSS(int64_t)
FGM_INSTANTIATE_BSS(float)
FGM_INSTANTIATE_BSS(double)
#undef FGM_INSTANTIATE_BSS

}  // namespace fgm::parquet

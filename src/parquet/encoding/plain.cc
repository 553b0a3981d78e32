// SPDX-License-Identifier: Apache-2.0
// PLAIN encoding and decoding (Encodings.md "Plain"). Fixed-width values are copied as they are
// (the host is little-endian, checked in bit_packing_internal.h); byte arrays carry a 4-byte
// length.
#include "parquet/encoding/plain.h"

#include <array>
#include <cstring>
#include <limits>

#include "core/check.h"
#include "parquet/encoding/bit_packing_internal.h"

namespace fgm::parquet {
namespace {

// For each byte, its 8 bits spread into 8 bytes (LSB first), so unpacking booleans is one copy.
constexpr std::array<uint64_t, 256> MakeBitsToBytes() {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>((b >> i) & 1) << (8 * i);
    table[static_cast<size_t>(b)] = v;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kBitsToBytes = MakeBitsToBytes();

uint32_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

}  // namespace

template <typename T>
void PlainEncode(std::span<const T> values, std::string* out) {
  out->append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void PlainEncodeBooleans(std::span<const uint8_t> values, std::string* out) {
  const size_t start = out->size();
  out->resize(start + (values.size() + 7) / 8);
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  size_t i = 0;
  for (; i + 8 <= values.size(); i += 8) {
    uint8_t byte = 0;
    for (int b = 0; b < 8; ++b) byte |= static_cast<uint8_t>((values[i + b] & 1) << b);
    *dst++ = byte;
  }
  if (i < values.size()) {
    uint8_t byte = 0;
    for (int b = 0; i < values.size(); ++i, ++b) byte |= static_cast<uint8_t>((values[i] & 1) << b);
    *dst = byte;
  }
}

void PlainEncodeByteArrays(const ByteArrays& values, std::string* out) {
  out->reserve(out->size() + values.total_bytes() + 4 * values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string_view v = values[i];
    FGM_CHECK(v.size() <= std::numeric_limits<uint32_t>::max()) << "BYTE_ARRAY value too long";
    const uint32_t len = static_cast<uint32_t>(v.size());
    out->append(reinterpret_cast<const char*>(&len), 4);
    out->append(v.data(), v.size());
  }
}

template <typename T>
Status PlainDecode(std::string_view data, size_t count, T* out, size_t* consumed) {
  if (count > data.size() / sizeof(T)) return CorruptError("plain: values past end of data");
  if (count > 0) std::memcpy(out, data.data(), count * sizeof(T));
  if (consumed != nullptr) *consumed = count * sizeof(T);
  return OkStatus();
}

Status PlainDecodeBooleans(std::string_view data, size_t count, uint8_t* out, size_t* consumed) {
  const size_t bytes = count / 8 + (count % 8 != 0 ? 1 : 0);
  if (bytes > data.size()) return CorruptError("plain: booleans past end of data");
  const auto* src = reinterpret_cast<const uint8_t*>(data.data());
  const size_t full = count / 8;
  for (size_t i = 0; i < full; ++i) std::memcpy(out + 8 * i, &kBitsToBytes[src[i]], 8);
  for (size_t i = full * 8; i < count; ++i) out[i] = (src[i / 8] >> (i % 8)) & 1;
  if (consumed != nullptr) *consumed = bytes;
  return OkStatus();
}

Status PlainDecodeByteArrays(std::string_view data, size_t count, ByteArrays* out,
                             size_t* consumed) {
  // Every value costs at least its 4-byte length, which bounds what we reserve.
  if (count > data.size() / 4) return CorruptError("plain: byte arrays past end of data");
  out->Reserve(out->size() + count, out->total_bytes() + (data.size() - 4 * count));
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    if (data.size() - pos < 4) return CorruptError("plain: truncated byte array length");
    const uint32_t len = LoadU32(data.data() + pos);
    pos += 4;
    if (len > data.size() - pos) return CorruptError("plain: byte array past end of data");
    out->Append(data.substr(pos, len));
    pos += len;
  }
  if (consumed != nullptr) *consumed = pos;
  return OkStatus();
}

Status PlainDecodeFixedLen(std::string_view data, size_t count, int type_length, ByteArrays* out,
                           size_t* consumed) {
  // A zero width would let any count decode from no bytes; the format requires a positive length.
  if (type_length <= 0) return CorruptError("plain: fixed length must be positive");
  const size_t width = static_cast<size_t>(type_length);
  if (count > data.size() / width) return CorruptError("plain: fixed-length values past end");
  out->Reserve(out->size() + count, out->total_bytes() + count * width);
  for (size_t i = 0; i < count; ++i) out->Append(data.substr(i * width, width));
  if (consumed != nullptr) *consumed = count * width;
  return OkStatus();
}

#define FGM_INSTANTIATE_PLAIN(T)                                  \
  template void PlainEncode<T>(std::span<const T>, std::string*); \
  template Status PlainDecode<T>(std::string_view, size_t, T*, size_t*);
FGM_INSTANTIATE_PLAIN(int32_t)
FGM_INSTANTIATE_PLAIN(int64_t)
FGM_INSTANTIATE_PLAIN(float)
FGM_INSTANTIATE_PLAIN(double)
#undef FGM_INSTANTIATE_PLAIN

}  // namespace fgm::parquet

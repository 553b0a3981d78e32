// SPDX-License-Identifier: Apache-2.0
// PLAIN encoding (Encodings.md "Plain"): little-endian fixed-width values, BYTE_ARRAY as 4-byte
// length + bytes, FIXED_LEN_BYTE_ARRAY as raw bytes, BOOLEAN as LSB-first bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "parquet/encoding/byte_arrays.h"

namespace fgm::parquet {

/// T is int32_t, int64_t, float or double. Appends to *out.
template <typename T>
void PlainEncode(std::span<const T> values, std::string* out);
void PlainEncodeBooleans(std::span<const uint8_t> values /* 0 or 1 */, std::string* out);
void PlainEncodeByteArrays(const ByteArrays& values, std::string* out);

/// Decodes `count` values from the start of `data`; *consumed (optional) receives the bytes used.
/// kCorrupt when `data` is too short or a BYTE_ARRAY length points past the end.
template <typename T>
Status PlainDecode(std::string_view data, size_t count, T* out, size_t* consumed = nullptr);
Status PlainDecodeBooleans(std::string_view data, size_t count, uint8_t* out,
                           size_t* consumed = nullptr);
Status PlainDecodeByteArrays(std::string_view data, size_t count, ByteArrays* out,
                             size_t* consumed = nullptr);
/// FIXED_LEN_BYTE_ARRAY (and INT96, type_length 12) values are returned as byte strings.
Status PlainDecodeFixedLen(std::string_view data, size_t count, int type_length, ByteArrays* out,
                           size_t* consumed = nullptr);

}  // namespace fgm::parquet

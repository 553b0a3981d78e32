// SPDX-License-Identifier: Apache-2.0
// The DELTA_* encodings (Encodings.md): DELTA_BINARY_PACKED for INT32/INT64 (block 128 values,
// 4 miniblocks of 32, zigzag first value and min delta), DELTA_LENGTH_BYTE_ARRAY (DBP lengths then
// concatenated bytes) and DELTA_BYTE_ARRAY (DBP prefix lengths, then DLBA suffixes; read-only
// here). Deltas wrap around in two's complement exactly as the spec requires, so
// INT64_MIN..INT64_MAX round-trip.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "parquet/encoding/byte_arrays.h"

namespace fgm::parquet {

/// T is int32_t or int64_t. Appends one complete DBP stream (header + blocks) to *out.
template <typename T>
void DeltaBinaryPackedEncode(std::span<const T> values, std::string* out);

/// Decodes one DBP stream from the start of `data`. `max_values` bounds the header's total value
/// count (a lying header must not trigger a huge allocation): more than that is kCorrupt. Appends
/// the values to *out and sets *consumed to the bytes the stream used (the spec lets a stream end
/// early in its last miniblock; consumed counts only what was actually there).
template <typename T>
Status DeltaBinaryPackedDecode(std::string_view data, size_t max_values, std::vector<T>* out,
                               size_t* consumed = nullptr);

void DeltaLengthByteArrayEncode(const ByteArrays& values, std::string* out);
Status DeltaLengthByteArrayDecode(std::string_view data, size_t max_values, ByteArrays* out,
                                  size_t* consumed = nullptr);

/// DELTA_BYTE_ARRAY prefixes repeat bytes that are not in the input, so a tiny page can claim an
/// enormous decoded size; decoding more than this many bytes of strings from one stream is
/// kCorrupt. Far above any real page (writers cut pages at about 1 MiB of encoded data).
inline constexpr size_t kMaxDeltaByteArrayDecodedBytes = size_t{256} << 20;

void DeltaByteArrayEncode(const ByteArrays& values, std::string* out);  // for tests/foreign files
Status DeltaByteArrayDecode(std::string_view data, size_t max_values, ByteArrays* out,
                            size_t* consumed = nullptr);

}  // namespace fgm::parquet

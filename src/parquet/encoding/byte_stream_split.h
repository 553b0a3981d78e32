// SPDX-License-Identifier: Apache-2.0
// BYTE_STREAM_SPLIT (Encodings.md): byte k of every value goes to stream k. Does not compress by itself
// but makes floating-point gauges compress far better under ZSTD. FLOAT, DOUBLE, INT32, INT64.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace fgm::parquet {

template <typename T>
void ByteStreamSplitEncode(std::span<const T> values, std::string* out);

/// Decodes `count` values; `data` must hold exactly count * sizeof(T) bytes (kCorrupt otherwise).
template <typename T>
Status ByteStreamSplitDecode(std::string_view data, size_t count, T* out);

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// Page compression codecs: UNCOMPRESSED, SNAPPY, GZIP, ZSTD (write + read), LZ4_RAW (read).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "parquet/types.h"

namespace fgm::parquet {

/// Appends the compressed form of `input` to *out (cleared first). `level` applies to ZSTD (1..22,
/// default 3) and GZIP (1..9, default 6); ignored otherwise. kUnsupported for codecs we do not write.
Status Compress(CompressionCodec codec, std::string_view input, int level, std::string* out);

/// Decompresses `input` into *out, which must come out exactly `uncompressed_size` bytes long (as the
/// page header says) — a mismatch is kCorrupt. Never allocates more than `uncompressed_size`, which
/// the caller bounds (a decompression bomb cannot inflate past it). kUnsupported for LZO, BROTLI,
/// LZ4 (Hadoop-framed).
Status Decompress(CompressionCodec codec, std::string_view input, size_t uncompressed_size,
                  std::string* out);

/// Whether Compress() supports `codec`.
bool CanCompress(CompressionCodec codec);

}  // namespace fgm::parquet

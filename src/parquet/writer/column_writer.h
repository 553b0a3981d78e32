// SPDX-License-Identifier: Apache-2.0
// ColumnChunkWriter: encodes one column of one row group into compressed pages held in memory,
// choosing the encoding from the first page's data (analyze-then-encode) unless one is forced, and
// falling back from dictionary encoding when the dictionary outgrows its limit. FileWriter owns one
// per column and writes the finished chunk's bytes contiguously. Internal to the writer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "parquet/column_batch.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/writer/file_writer.h"

namespace fgm::parquet {

/// Per-column settings after merging WriterOptions with the column's overrides.
struct ResolvedColumnOptions {
  std::optional<Encoding> forced_encoding;
  CompressionCodec codec = CompressionCodec::kZstd;
  int compression_level = 3;
  bool write_statistics = true;
  bool write_page_index = true;
  bool analyze_encodings = true;
  bool write_legacy_min_max = true;
  bool write_encoding_stats = true;
  DataPageVersion page_version = DataPageVersion::kV1;
  size_t target_page_bytes = 1 << 20;
  int64_t max_page_rows = 0;  // 0: no row limit per page
  size_t max_dictionary_bytes = 1 << 20;
};

/// A finished column chunk. Offsets are relative to the first byte of `bytes`.
struct FinishedChunk {
  std::string bytes;    // dictionary page (if any) then data pages, headers included
  ColumnMetaData meta;  // data_page_offset / dictionary_page_offset relative to `bytes`
  std::optional<ColumnIndex> column_index;
  OffsetIndex offset_index;  // PageLocation offsets relative to `bytes`
};

class ColumnChunkWriter {
 public:
  static std::unique_ptr<ColumnChunkWriter> Make(const ColumnSpec& spec,
                                                 const ResolvedColumnOptions& options);
  virtual ~ColumnChunkWriter() = default;

  /// Appends rows [row_begin, row_end) of `batch`; `value_begin` is the index of the first non-null
  /// value at or after row_begin in the batch's dense value vector. REQUIRES: batch validated.
  virtual Status Append(const ColumnBatch& batch, size_t row_begin, size_t row_end,
                        size_t value_begin) = 0;
  /// Encoded bytes held so far (pages, and the dictionary).
  virtual size_t buffered_bytes() const = 0;
  /// Flushes the last page and returns the chunk; the writer is reset for the next row group.
  virtual Result<FinishedChunk> Finish() = 0;
};

}  // namespace fgm::parquet

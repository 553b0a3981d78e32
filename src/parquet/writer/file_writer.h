// SPDX-License-Identifier: Apache-2.0
// FileWriter: a streaming Parquet writer for flat schemas with bounded memory. Rows arrive as
// column batches; each column chunk is encoded into compressed pages as data comes in; a row group
// is written out when it reaches `max_row_group_rows` (or on FlushRowGroup), and Close() writes the
// page index and the footer. Until Close() succeeds the file has no footer: callers that need crash
// safety write to a temporary name and rename (see src/store).
//
//   FGM_ASSIGN_OR_RETURN(auto writer, FileWriter::Open("m.parquet", schema, WriterOptions{}));
//   FGM_RETURN_IF_ERROR(writer->WriteBatch(columns));   // one ColumnBatch per schema column
//   FGM_RETURN_IF_ERROR(writer->Close());
//
// Encoding choice (per column chunk, analyze-then-encode, overridable per column): the candidates
// for the type (INT32/INT64: DELTA_BINARY_PACKED or PLAIN; FLOAT/DOUBLE: BYTE_STREAM_SPLIT or
// PLAIN; BYTE_ARRAY: DELTA_LENGTH_BYTE_ARRAY or PLAIN; BOOLEAN: RLE or PLAIN) plus RLE_DICTIONARY
// are tried on a sample of the first page, compressed with the chunk codec; the smallest wins. A
// dictionary that outgrows max_dictionary_bytes falls back mid-chunk. Not thread-safe; one writer
// per file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "parquet/column_batch.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/types.h"

namespace fgm::parquet {

/// Where the bytes go. Write() must write everything or fail.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual Status Write(std::string_view data) = 0;
  /// Bytes written so far (the offset of the next byte).
  virtual int64_t Tell() const = 0;
  /// Flushes and releases the underlying resource (fsync for files when `sync` is true).
  virtual Status Close(bool sync) = 0;
};

/// Writes to a file created (or truncated) at `path`.
Result<std::unique_ptr<OutputSink>> OpenFileSink(const std::string& path);
/// Writes into a string owned by the caller; it must outlive the sink.
std::unique_ptr<OutputSink> MakeStringSink(std::string* out);

enum class DataPageVersion { kV1, kV2 };

struct ColumnWriteOptions {
  /// Forces an encoding instead of the analyzed choice. kRleDictionary falls back to the type's
  /// non-dictionary default when the dictionary outgrows max_dictionary_bytes.
  std::optional<Encoding> encoding;
  std::optional<CompressionCodec> codec;
  std::optional<int> compression_level;
  bool write_statistics = true;
};

struct WriterOptions {
  CompressionCodec codec = CompressionCodec::kZstd;
  int compression_level = 3;
  /// Rows per row group; a row group is the unit of pruning by statistics and of parallel reads.
  int64_t max_row_group_rows = 1 << 20;
  /// A row group is also ended when its encoded pages held in memory pass this many bytes: this is
  /// what bounds the writer's memory for wide or incompressible data.
  size_t max_row_group_bytes = 128 << 20;
  /// Rows per data page at most (0: no limit). Smaller pages make page-index pruning finer.
  int64_t max_page_rows = 0;
  /// Target uncompressed size of a data page: ~1 MiB as in Arrow/DuckDB keeps page-index pruning
  /// useful without making the page headers' share of the file noticeable.
  size_t target_page_bytes = 1 << 20;
  /// Largest dictionary page before falling back to a plain/delta encoding (Arrow's default, 1
  /// MiB).
  size_t max_dictionary_bytes = 1 << 20;
  DataPageVersion data_page_version = DataPageVersion::kV1;
  /// Try candidate encodings on a sample of each chunk (see above). When false every column uses
  /// its type's default without trial compression — dictionary for BYTE_ARRAY, DELTA_BINARY_PACKED
  /// for integers, BYTE_STREAM_SPLIT for floats, RLE for booleans — which is much cheaper for
  /// many small chunks (short-lived files that are rewritten later).
  bool analyze_encodings = true;
  /// Page index (ColumnIndex + OffsetIndex) for chunks of two or more pages; a one-page chunk's
  /// statistics already say everything its page index would.
  bool write_page_index = true;
  bool write_statistics = true;
  /// Also fill the deprecated Statistics.min/max (signed orders only) for pre-2017 readers. Costs
  /// ~20 bytes per column chunk in the footer.
  bool write_legacy_min_max = true;
  /// Footer PageEncodingStats per chunk (informational; ~10 bytes per chunk).
  bool write_encoding_stats = true;
  std::string created_by = "fgm";
  std::vector<KeyValue> key_value_metadata;
  std::vector<SortingColumn> sorting_columns;
  /// Per-column overrides, by column name.
  std::map<std::string, ColumnWriteOptions> columns;
};

class FileWriter {
 public:
  /// Validates the schema and options (kInvalidArgument naming the problem) and writes the magic.
  static Result<std::unique_ptr<FileWriter>> Open(std::unique_ptr<OutputSink> sink, Schema schema,
                                                  WriterOptions options);
  static Result<std::unique_ptr<FileWriter>> Open(const std::string& path, Schema schema,
                                                  WriterOptions options);
  virtual ~FileWriter() = default;

  /// Appends rows. REQUIRES: one batch per schema column, in schema order, all with the same
  /// num_rows, types matching the schema, no nulls in required columns (kInvalidArgument otherwise;
  /// nothing is written on error).
  virtual Status WriteBatch(std::span<const ColumnBatch> columns) = 0;
  /// Ends the current row group (no-op when empty).
  virtual Status FlushRowGroup() = 0;
  /// Adds footer key-value metadata (written at Close).
  virtual void AddKeyValue(std::string key, std::string value) = 0;
  /// Flushes the last row group, writes page indexes and the footer, closes the sink (with fsync
  /// when `sync`). The writer is unusable afterwards.
  virtual Status Close(bool sync = false) = 0;

  virtual int64_t rows_written() const = 0;
  /// Bytes held in memory for the current row group (encoded pages not yet written).
  virtual size_t buffered_bytes() const = 0;
  virtual const Schema& schema() const = 0;
  /// Footer as written (valid after Close()), except `row_groups`, which is empty: each row
  /// group's metadata is serialized when it ends so that a file of many row groups costs a few
  /// bytes per column chunk in memory (read the file back for them).
  virtual const FileMetaData& metadata() const = 0;
};

}  // namespace fgm::parquet

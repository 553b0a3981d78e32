// SPDX-License-Identifier: Apache-2.0
// FileReader: reads flat Parquet files (ours and foreign ones: DuckDB, Arrow, parquet-mr) from a
// RandomAccessSource into ColumnBatch values. It is the bottom of the query path: the engine asks
// it for per-row-group statistics to skip row groups, for page-index row ranges to skip pages, and
// then for the few column chunks (or page runs) it really needs. Also compiled to WebAssembly (no
// dependencies beyond core and the parquet format/encoding parts).
//
//   FGM_ASSIGN_OR_RETURN(auto reader, FileReader::OpenFile("m.parquet"));
//   int ts = reader->schema().FindColumn("timestamp");
//   int cpu = reader->schema().FindColumn("cpu_usage_usec");
//   ColumnReadBuffers buffers;                       // reused across calls on this thread
//   for (int rg : reader->RowGroupsMatchingInt64Range(ts, t0, t1).value()) {
//     FGM_ASSIGN_OR_RETURN(RowRanges rows, reader->RowRangesMatchingInt64Range(rg, ts, t0, t1));
//     ColumnBatch values;
//     FGM_RETURN_IF_ERROR(reader->ReadColumnRanges(rg, cpu, rows, &values, &buffers));
//   }
//
// Untrusted input: every offset, size and count taken from the file is checked against the file,
// the column chunk or the page before it is used; a file that lies is kCorrupt with a message
// naming the part (footer, row group r, column c, page at offset o), never a crash or a huge
// allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "parquet/column_batch.h"
#include "parquet/metadata.h"
#include "parquet/reader/random_access_source.h"
#include "parquet/reader/row_ranges.h"
#include "parquet/reader/statistics.h"
#include "parquet/schema.h"

namespace fgm::parquet {

struct ReaderOptions {
  /// Largest uncompressed page (and largest decompression output) accepted. The format allows
  /// 2 GiB; like DuckDB (MAX_UNCOMPRESSED_PAGE_SIZE) and Arrow we accept less, 1 GiB, so a page
  /// header that lies about its size is kCorrupt instead of a multi-gigabyte allocation. Real pages
  /// are ~1 MiB (our writer, DuckDB, Arrow).
  size_t max_page_bytes = size_t{1} << 30;
  /// Largest decoded output of one Read* call (values + offsets + validity). Dictionary and RLE
  /// encodings legitimately expand a few bytes into millions of values, so the file size bounds
  /// nothing; this budget does. 1 GiB is ~100x a 1M-row row group of INT64 and still fits the
  /// 4 GiB WebAssembly address space. Exceeding it is kResourceExhausted. Fuzzers set it lower.
  size_t max_decoded_bytes = size_t{1} << 30;
};

/// Reusable scratch memory for column reads (compressed page copy, decompressed page, levels,
/// dictionary indices, the dictionary itself). Keeping one per thread and passing it to every
/// Read* call avoids re-allocating these per call. Not thread-safe: one per concurrent reader.
class ColumnReadBuffers {
 public:
  ColumnReadBuffers();
  ~ColumnReadBuffers();
  ColumnReadBuffers(ColumnReadBuffers&&) noexcept;
  ColumnReadBuffers& operator=(ColumnReadBuffers&&) noexcept;

  struct Impl;
  Impl* impl() { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

/// The page index of one column chunk (PageIndex.md), read lazily on first use. Either part may be
/// absent: files from older writers have none, DuckDB writes neither for some types.
struct ColumnPageIndex {
  /// Where each data page starts and which row it starts at. Validated on load: pages lie inside
  /// the column chunk in increasing order, first_row_index starts at 0 and increases strictly.
  std::optional<OffsetIndex> offset_index;
  /// Per-page min/max/null flags; its entries line up with offset_index's pages (checked on load;
  /// a column index that disagrees is dropped as unusable rather than failing the read).
  std::optional<ColumnIndex> column_index;
};

/// An open Parquet file. Owns its source. Immutable after Open() apart from the lazily loaded page
/// index cache, which is guarded by a mutex: all const methods may be called from several threads
/// at once (each thread with its own ColumnReadBuffers and output batches). References returned by
/// metadata()/schema()/PageIndex() stay valid as long as the reader lives.
class FileReader {
 public:
  /// Validates the file: size >= 12, "PAR1" at both ends, footer length non-zero and inside the
  /// file, footer parse, flat schema, and for every row group: one chunk per schema column, chunk
  /// type matching the schema, chunk byte ranges inside the file's data region, chunk num_values
  /// == row group num_rows, row counts non-negative and summing to the file's num_rows. Errors:
  /// kCorrupt (message names the part), kUnsupported (nested schema, external column chunks,
  /// encrypted footer "PARE"), kIo from the source.
  static Result<std::unique_ptr<FileReader>> Open(std::unique_ptr<RandomAccessSource> source,
                                                  ReaderOptions options = {});
  /// Opens `path` with a file source (kNotFound/kIo if it cannot be opened).
  static Result<std::unique_ptr<FileReader>> OpenFile(const std::string& path,
                                                      ReaderOptions options = {});

  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  const FileMetaData& metadata() const { return metadata_; }
  const Schema& schema() const { return schema_; }
  int64_t num_rows() const { return metadata_.num_rows; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int num_columns() const { return static_cast<int>(schema_.columns.size()); }
  int64_t row_group_num_rows(int row_group) const;
  /// Size of the file and of the serialized footer (without the 8-byte length + magic trailer).
  uint64_t file_size() const { return file_size_; }
  uint32_t footer_length() const { return footer_length_; }
  const RandomAccessSource& source() const { return *source_; }
  const ReaderOptions& options() const { return options_; }

  /// The footer metadata of one column chunk. REQUIRES: indexes in range (checked: FGM_CHECK).
  const ColumnMetaData& ChunkMetaData(int row_group, int column) const;

  /// Decoded chunk statistics (cheap: footer only, no I/O). kCorrupt when min/max bytes do not fit
  /// the type. No statistics in the file gives an empty ColumnStatistics.
  Result<ColumnStatistics> ChunkStatistics(int row_group, int column) const;

  /// Row groups whose statistics for `column` may contain a value in [lo, hi] (inclusive, in the
  /// column's order); row groups without usable statistics are kept. For INT32/INT64 columns,
  /// e.g. timestamps. kInvalidArgument for other column types; kCorrupt from ChunkStatistics.
  Result<std::vector<int>> RowGroupsMatchingInt64Range(int column, int64_t lo, int64_t hi) const;
  /// General form: `lo`/`hi` as described at RangeMayMatch.
  Result<std::vector<int>> RowGroupsMatchingRange(int column, const StatValue& lo,
                                                  const StatValue& hi) const;

  /// The page index of a chunk, loaded (and validated) on first call and cached; the pointer lives
  /// as long as the reader. Parts the file lacks are nullopt. kCorrupt when the index bytes are
  /// outside the file or do not parse, or the offset index is inconsistent with the chunk.
  Result<const ColumnPageIndex*> PageIndex(int row_group, int column) const;

  /// Rows of the row group that may hold a value in [lo, hi], from the ColumnIndex (one range per
  /// run of matching pages; all-null pages never match). Without a usable page index: the whole
  /// row group, or nothing if the chunk statistics already exclude the range. Works on any column
  /// (sorted columns such as timestamps give the tightest ranges).
  Result<RowRanges> RowRangesMatchingRange(int row_group, int column, const StatValue& lo,
                                           const StatValue& hi) const;
  Result<RowRanges> RowRangesMatchingInt64Range(int row_group, int column, int64_t lo,
                                                int64_t hi) const;

  /// Reads the whole column chunk into *out (previous contents replaced; vector capacity reused;
  /// after an error *out holds unspecified partial data). `buffers` may be null (temporary
  /// scratch is used). Errors: kCorrupt (lying sizes, bad
  /// encodings, dictionary index out of range, value count mismatch), kUnsupported (unknown or
  /// unimplemented codec/encoding, BIT_PACKED levels), kResourceExhausted (decoded output over
  /// options().max_decoded_bytes), kIo.
  Status ReadColumnChunk(int row_group, int column, ColumnBatch* out,
                         ColumnReadBuffers* buffers = nullptr) const;

  /// Reads rows [first_row, first_row + num_rows) of the chunk. With an OffsetIndex only the pages
  /// covering those rows (and the dictionary page) are fetched and decompressed; without one the
  /// chunk is read but pages outside the rows are not decompressed. kInvalidArgument when the rows
  /// are not inside the row group.
  Status ReadColumnRows(int row_group, int column, int64_t first_row, int64_t num_rows,
                        ColumnBatch* out, ColumnReadBuffers* buffers = nullptr) const;

  /// Reads the rows of `ranges` (normal form, inside the row group; kInvalidArgument otherwise)
  /// into *out, concatenated in row order. Same page skipping as ReadColumnRows.
  Status ReadColumnRanges(int row_group, int column, const RowRanges& ranges, ColumnBatch* out,
                          ColumnReadBuffers* buffers = nullptr) const;

  /// Projection: reads the chunks of `columns` (schema indexes) of one row group; out->size() ==
  /// columns.size() afterwards, in the same order.
  Status ReadRowGroup(int row_group, std::span<const int> columns, std::vector<ColumnBatch>* out,
                      ColumnReadBuffers* buffers = nullptr) const;

 private:
  FileReader(std::unique_ptr<RandomAccessSource> source, ReaderOptions options);
  Status Init();
  Status ValidateRowGroups();
  Status CheckIndexes(int row_group, int column) const;
  Status ReadRangesImpl(int row_group, int column, const RowRanges* ranges, ColumnBatch* out,
                        ColumnReadBuffers* buffers) const;
  Result<std::unique_ptr<ColumnPageIndex>> LoadPageIndex(int row_group, int column) const;
  bool TypeDefinedOrder(int column) const;
  // Byte range [start, start + length) of a chunk's pages, validated by ValidateRowGroups.
  struct ChunkRange {
    uint64_t start = 0;
    uint64_t length = 0;
  };
  ChunkRange chunk_range(int row_group, int column) const;

  std::unique_ptr<RandomAccessSource> source_;
  ReaderOptions options_;
  uint64_t file_size_ = 0;
  uint32_t footer_length_ = 0;
  FileMetaData metadata_;
  Schema schema_;
  std::vector<ChunkRange> chunk_ranges_;  // row_group * num_columns + column

  // Lazily loaded page indexes, same indexing as chunk_ranges_. A slot is written once, under
  // page_index_mu_; the pointee is immutable afterwards, so the returned pointer needs no lock.
  mutable std::mutex page_index_mu_;
  mutable std::vector<std::unique_ptr<ColumnPageIndex>> page_indexes_;
};

}  // namespace fgm::parquet

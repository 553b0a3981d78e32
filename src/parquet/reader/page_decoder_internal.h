// SPDX-License-Identifier: Apache-2.0
// Internal to the reader: decodes the pages of one column chunk (dictionary, data page v1/v2) into
// a ColumnBatch. FileReader decides which pages to fetch; this class turns page bytes into values.
// Everything here treats the bytes as untrusted (see file_reader.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "parquet/column_batch.h"
#include "parquet/metadata.h"
#include "parquet/reader/file_reader.h"
#include "parquet/schema.h"

namespace fgm::parquet {

/// The dictionary of the chunk being read, typed like the column.
struct DictionaryValues {
  size_t size = 0;
  std::vector<uint8_t> bools;
  std::vector<int32_t> int32s;
  std::vector<int64_t> int64s;
  std::vector<float> floats;
  std::vector<double> doubles;
  ByteArrays bytes;
};

struct ColumnReadBuffers::Impl {
  std::string chunk;         // chunk or page-run bytes read from a non-memory source
  std::string dict_chunk;    // the dictionary region when pages are read via the offset index
  std::string decompressed;  // one page after decompression
  std::vector<uint32_t> levels;
  std::vector<uint32_t> indices;
  std::vector<int32_t> prefix_lengths;  // DELTA_BYTE_ARRAY
  ByteArrays suffixes;                  // DELTA_BYTE_ARRAY
  std::string last_value;               // DELTA_BYTE_ARRAY
  DictionaryValues dictionary;
  ColumnBatch page;  // one decoded page, when only some of its rows are wanted
};

namespace internal {

/// One page: its parsed header and its payload (the compressed_page_size bytes after the header).
struct RawPage {
  PageHeader header;
  std::string_view payload;
  size_t total_size = 0;  // header + payload
};

/// Empties `batch` for a new read of `type`, keeping vector capacity.
void ResetBatch(PhysicalType type, ColumnBatch* batch);
/// Drops the validity vector when no row is null (the ColumnBatch convention).
void FinishBatch(ColumnBatch* batch);
/// Appends rows [first_row, first_row + count) of `src` to *dst. REQUIRES: same type; src has
/// validity materialized iff the column is optional, as ChunkDecoder produces.
void AppendRows(const ColumnBatch& src, size_t first_row, size_t count, ColumnBatch* dst);

/// Decodes the pages of one column chunk. Holds the chunk's dictionary once decoded. Not
/// thread-safe; lives for one Read* call.
class ChunkDecoder {
 public:
  /// `context` prefixes error messages ("row group 2 column 'cpu'"). `buffers` must outlive this.
  ChunkDecoder(const ColumnSpec& column, CompressionCodec codec, const ReaderOptions& options,
               ColumnReadBuffers::Impl* buffers, std::string context);

  /// Parses the page at the start of `data` (which starts at `file_offset` in the file). kCorrupt
  /// when the header does not parse or its sizes are negative, over the page cap or past `data`.
  Result<RawPage> ParsePage(std::string_view data, uint64_t file_offset) const;

  /// Rows held by a data page (num_values for v1, num_rows for v2, which must equal num_values for
  /// a flat column). kCorrupt for negative counts or a missing data page header.
  Result<int64_t> DataPageRows(const RawPage& page, uint64_t file_offset) const;

  /// Decodes a dictionary page. kCorrupt for a second dictionary page.
  Status DecodeDictionaryPage(const RawPage& page, uint64_t file_offset);
  bool has_dictionary() const { return has_dictionary_; }

  /// Decodes a data page (v1 or v2) and appends its rows to *out (validity materialized for
  /// optional columns; see FinishBatch).
  Status DecodeDataPage(const RawPage& page, uint64_t file_offset, ColumnBatch* out);

 private:
  Status Charge(size_t bytes, uint64_t file_offset);
  Result<std::string_view> Decompress(std::string_view compressed, size_t uncompressed_size,
                                      uint64_t file_offset);
  Status DecodeLevels(std::string_view data, size_t count, ColumnBatch* out, size_t* non_null,
                      uint64_t file_offset);
  Status DecodeValues(Encoding encoding, std::string_view data, size_t count, ColumnBatch* out,
                      uint64_t file_offset);
  Status DecodeDictionaryIndices(std::string_view data, size_t count, uint64_t file_offset);
  Status DecodeDeltaByteArray(std::string_view data, size_t count, ColumnBatch* out,
                              uint64_t file_offset);
  Status Corrupt(uint64_t file_offset, const std::string& what) const;
  Status Unsupported(uint64_t file_offset, const std::string& what) const;

  const ColumnSpec& column_;
  CompressionCodec codec_;
  const ReaderOptions& options_;
  ColumnReadBuffers::Impl* buffers_;
  std::string context_;
  int fixed_width_ = 0;  // bytes per value for FLBA/INT96 (type_length / 12)
  bool optional_ = false;
  bool has_dictionary_ = false;
  size_t charged_bytes_ = 0;
};

}  // namespace internal
}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// The Parquet file metadata structures (footer FileMetaData, page headers, page index), as plain C++
// structs mirroring the subset of parquet.thrift that FGM reads and writes, with Thrift compact
// protocol (de)serialization. Field ids follow parquet.thrift; unknown fields are skipped on read.
//
// Deserialization takes untrusted bytes: every length, count and nesting depth is bounded, and any
// violation is kCorrupt — never a crash or an unbounded allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "parquet/types.h"

namespace fgm::parquet {

/// Statistics of a column chunk or page (field ids: max 1, min 2, null_count 3, distinct_count 4,
/// max_value 5, min_value 6, is_max_value_exact 7, is_min_value_exact 8). Values are PLAIN-encoded
/// bytes (little-endian for numbers, raw bytes for BYTE_ARRAY). We write min_value/max_value (the
/// sort-order-correct fields) and read the legacy min/max when they are absent and the sort order
/// is signed.
struct Statistics {
  std::optional<std::string> max;  // legacy (1)
  std::optional<std::string> min;  // legacy (2)
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  friend bool operator==(const Statistics&, const Statistics&) = default;
};

struct SchemaElement {
  std::optional<PhysicalType> type;  // absent for group nodes (the root)
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;  // field 10 (union); Kind::kOther for unknown members
  friend bool operator==(const SchemaElement&, const SchemaElement&) = default;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
  friend bool operator==(const PageEncodingStats&, const PageEncodingStats&) = default;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt64;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  std::vector<KeyValue> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;
  friend bool operator==(const ColumnMetaData&, const ColumnMetaData&) = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;  // deprecated; writers set it to the chunk's first page offset
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
  friend bool operator==(const ColumnChunk&, const ColumnChunk&) = default;
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;
  friend bool operator==(const SortingColumn&, const SortingColumn&) = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t num_rows = 0;
  std::vector<SortingColumn> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
  friend bool operator==(const RowGroup&, const RowGroup&) = default;
};

/// ColumnOrder union: we only know TypeDefinedOrder (field 1); others are kept as `false`.
struct ColumnOrder {
  bool type_defined_order = true;
  friend bool operator==(const ColumnOrder&, const ColumnOrder&) = default;
};

struct FileMetaData {
  int32_t version = 2;
  std::vector<SchemaElement> schema;  // depth-first flattening; element 0 is the root
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  std::vector<ColumnOrder> column_orders;
  friend bool operator==(const FileMetaData&, const FileMetaData&) = default;
};

struct DataPageHeader {
  int32_t num_values = 0;  // including nulls
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;
  friend bool operator==(const DataPageHeader&, const DataPageHeader&) = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;
  friend bool operator==(const DictionaryPageHeader&, const DictionaryPageHeader&) = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;  // thrift default
  std::optional<Statistics> statistics;
  friend bool operator==(const DataPageHeaderV2&, const DataPageHeaderV2&) = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;              // field 5
  std::optional<DictionaryPageHeader> dictionary_page_header;  // field 7
  std::optional<DataPageHeaderV2> data_page_header_v2;         // field 8
  friend bool operator==(const PageHeader&, const PageHeader&) = default;
};

enum class BoundaryOrder : int32_t { kUnordered = 0, kAscending = 1, kDescending = 2 };

/// Page index (PageIndex.md): per-page min/max for pruning ...
struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::vector<int64_t> null_counts;  // optional in the format; empty when absent
  friend bool operator==(const ColumnIndex&, const ColumnIndex&) = default;
};

struct PageLocation {
  int64_t offset = 0;
  int32_t compressed_page_size = 0;  // including the page header
  int64_t first_row_index = 0;
  friend bool operator==(const PageLocation&, const PageLocation&) = default;
};

/// ... and where each data page starts, so a reader can fetch only the pages it needs.
struct OffsetIndex {
  std::vector<PageLocation> page_locations;
  friend bool operator==(const OffsetIndex&, const OffsetIndex&) = default;
};

/// Appends the compact-protocol encoding to *out.
void SerializeFileMetaData(const FileMetaData& value, std::string* out);
void SerializePageHeader(const PageHeader& value, std::string* out);
void SerializeColumnIndex(const ColumnIndex& value, std::string* out);
void SerializeOffsetIndex(const OffsetIndex& value, std::string* out);

/// Parses one struct from the start of `data`; *consumed (optional) receives the bytes used (page
/// headers are followed by page data). kCorrupt on malformed or truncated input, including missing
/// required fields and enum values outside the known range where the value matters for decoding.
Result<FileMetaData> DeserializeFileMetaData(std::string_view data);
Result<PageHeader> DeserializePageHeader(std::string_view data, size_t* consumed);
Result<ColumnIndex> DeserializeColumnIndex(std::string_view data);
Result<OffsetIndex> DeserializeOffsetIndex(std::string_view data);

}  // namespace fgm::parquet

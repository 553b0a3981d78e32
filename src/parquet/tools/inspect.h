// SPDX-License-Identifier: Apache-2.0
// `fgm inspect`: a pocket parquet-tools. Describes a Parquet file from its footer (and page index):
// schema with logical types, row groups, each column chunk's encodings, codec, sizes, decoded
// statistics and page-index presence, and key-value metadata. Text for people, JSON for scripts.
#pragma once

#include <string>

#include "core/result.h"

namespace fgm::parquet {

class FileReader;

/// Describes the file at `path`. Text (default) is line-oriented and meant for reading; `json`
/// selects one pretty-printed JSON object:
///   {"path", "file_size", "footer_length", "version", "created_by", "num_rows", "num_row_groups",
///    "schema": [{"index", "name", "physical_type", "repetition", "logical_type" (dump.h's strings
///                or null), "converted_type" (or null), "type_length", "precision", "scale"}],
///    "key_value_metadata": [{"key", "value" (or null)}],
///    "row_groups": [{"index", "num_rows", "total_byte_size", "total_compressed_size",
///       "columns": [{"index", "name", "physical_type", "codec", "encodings": [...],
///          "num_values", "total_compressed_size", "total_uncompressed_size", "data_page_offset",
///          "dictionary_page_offset" (or null), "statistics": null | {"min", "max" (strings as
///          shown by the text form, or null), "null_count", "distinct_count" (or null),
///          "error" (only when the statistics do not decode)},
///          "column_index": null | {"offset", "length"}, "offset_index": null | {"offset",
///          "length"}, "num_pages" (from the offset index, or null),
///          "encoding_stats": [{"page_type", "encoding", "count"}]}]}]}
/// Errors: those of FileReader::OpenFile (a file whose footer cannot be validated is not
/// described). Problems below the footer (bad statistics, unreadable page index) are reported
/// inside the output instead.
Result<std::string> InspectParquetFile(const std::string& path, bool json);

/// Same, from an open reader; `path` is only printed.
Result<std::string> InspectParquet(const FileReader& reader, const std::string& path, bool json);

}  // namespace fgm::parquet

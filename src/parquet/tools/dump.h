// SPDX-License-Identifier: Apache-2.0
// DumpParquetFileAsJson: every value of a flat Parquet file as "FGM conformance JSON", the common
// format that the conformance scripts (test/conformance/*.mjs) compare between our reader, DuckDB
// and hyparquet. The format is a contract with those scripts: change both sides together.
//
// Format (one JSON object; whitespace is not significant):
//   {"num_rows": N, "num_row_groups": K,
//    "columns": [{"name": "c", "physical_type": "INT64", "logical_type": <string|null>,
//                 "repetition": "REQUIRED"|"OPTIONAL", "values": [...]}, ...]}
// - physical_type: BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY.
// - logical_type: "STRING", "INTEGER(<bits>,<true|false>)" (true = signed),
//   "TIMESTAMP(<MILLIS|MICROS|NANOS>,<true|false>)" (true = adjusted to UTC), "DATE",
//   "DECIMAL(<precision>,<scale>)", "OTHER" for any other logical type (TIME, ENUM, JSON, UUID,
//   ...), or null when the column has none. Legacy ConvertedType-only columns report the logical
//   type the ConvertedType maps to (UTF8 -> STRING, INT_64 -> INTEGER(64,true), ...).
// - values: one per row, in file order across all row groups:
//     null                 a null (OPTIONAL columns only)
//     true / false         BOOLEAN
//     JSON number          INT32 (exact)
//     JSON string          INT64: the exact decimal of the stored signed 64-bit value ("-12",
//                          "9223372036854775807"); timestamps and UINT_64 raw (not converted)
//     JSON number          FLOAT and DOUBLE, shortest text that round-trips the double (FLOAT is
//                          widened to double first: 0.1f -> 0.10000000149011612); -0.0 is "-0";
//                          except the JSON strings "NaN", "Infinity", "-Infinity"
//     JSON string          BYTE_ARRAY whose logical_type is "STRING": the text, with invalid
//                          UTF-8 replaced by U+FFFD exactly as the WHATWG TextDecoder does (so it
//                          matches what JS readers produce)
//     {"hex": "..."}       other BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY and INT96: lowercase hex of the
//                          raw bytes
#pragma once

#include <string>

#include "core/result.h"

namespace fgm::parquet {

/// Reads the whole file at `path` and returns it as FGM conformance JSON (above). Errors are those
/// of FileReader::OpenFile / ReadColumnChunk (kCorrupt, kUnsupported, kIo, ...).
Result<std::string> DumpParquetFileAsJson(const std::string& path);

class FileReader;
/// Same, from an open reader (used by the fuzzer on in-memory files).
Result<std::string> DumpParquetAsJson(const FileReader& reader);

}  // namespace fgm::parquet

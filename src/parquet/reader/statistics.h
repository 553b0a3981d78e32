// SPDX-License-Identifier: Apache-2.0
// Typed views of Parquet min/max statistics (column chunk, page and ColumnIndex entries). The
// footer stores min/max as PLAIN bytes whose meaning depends on the physical type and on the
// column's sort order (signed for numbers, unsigned bytewise for strings and UINT_n, none for
// INT96), so pruning must decode them per column before comparing. Used by FileReader's row-group
// and page pruning and by `fgm inspect`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/types.h"

namespace fgm::parquet {

/// The order in which a column's min/max were computed (parquet.thrift "Sort order").
enum class SortOrder { kSigned, kUnsigned, kUnknown };

/// Sort order of a column from its physical and logical type: numbers, dates, times, timestamps and
/// DECIMAL are signed; UINT_n, strings and other byte arrays unsigned (bytewise); INT96, INTERVAL
/// and unknown logical types have no defined order (kUnknown: their statistics are never used).
SortOrder ColumnSortOrder(const ColumnSpec& column);

/// One decoded statistic value. Exactly one member is meaningful, chosen by `type`:
///   BOOLEAN, INT32, INT64 -> `i` (INT32 with an unsigned logical type is zero-extended, so `i` is
///                            the mathematical value; UINT_64 keeps the raw bits)
///   FLOAT, DOUBLE         -> `d` (FLOAT widened exactly)
///   BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96 -> `bytes`
struct StatValue {
  PhysicalType type = PhysicalType::kInt64;
  int64_t i = 0;
  double d = 0;
  std::string bytes;

  static StatValue Int64(int64_t v) { return {.type = PhysicalType::kInt64, .i = v}; }
  static StatValue Int32(int32_t v) { return {.type = PhysicalType::kInt32, .i = v}; }
  static StatValue Double(double v) { return {.type = PhysicalType::kDouble, .d = v}; }
  static StatValue Bytes(std::string v, PhysicalType t = PhysicalType::kByteArray) {
    return {.type = t, .bytes = std::move(v)};
  }
};

/// Decodes a PLAIN-encoded statistic of `column`. kCorrupt when the byte length does not fit the
/// physical type (e.g. 3 bytes for an INT32).
Result<StatValue> DecodeStatValue(const ColumnSpec& column, std::string_view plain);

/// Compares two values of `column` in its sort order: <0, 0, >0. Integers of an unsigned logical
/// type compare unsigned; DECIMAL byte arrays compare as big-endian two's complement; other byte
/// arrays compare bytewise unsigned; floats compare numerically (-0 == +0). REQUIRES:
/// ColumnSortOrder(column) != kUnknown and both values decoded for `column`.
int CompareStatValues(const ColumnSpec& column, const StatValue& a, const StatValue& b);

/// Statistics of a column chunk or page, decoded for pruning. min/max are both set or both unset:
/// they are unset when the file has none, when the column's order is unknown, when only the legacy
/// min/max fields exist and the order is not signed (those were computed with signed bytewise
/// comparison by old writers and are wrong for strings), or when a float bound is NaN.
struct ColumnStatistics {
  std::optional<StatValue> min;
  std::optional<StatValue> max;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  bool min_is_exact = false;
  bool max_is_exact = false;

  bool has_min_max() const { return min.has_value() && max.has_value(); }
};

/// Decodes `stats` for `column`. `type_defined_order` is the file's ColumnOrder for the column
/// (false: an order we do not know, so min/max are dropped). kCorrupt when a present min/max has
/// the wrong size for the type.
Result<ColumnStatistics> DecodeStatistics(const Statistics& stats, const ColumnSpec& column,
                                          bool type_defined_order = true);

/// Whether a chunk/page whose values lie in [min, max] may hold a value v with lo <= v <= hi (in
/// the column's order). True when the statistics cannot tell (no min/max). For INT32/INT64 columns
/// `lo`/`hi` are StatValue::Int64 values (UINT_64: the raw bits); for doubles StatValue::Double;
/// for byte arrays StatValue::Bytes.
bool RangeMayMatch(const ColumnSpec& column, const ColumnStatistics& stats, const StatValue& lo,
                   const StatValue& hi);

/// Human-readable rendering for `fgm inspect`: integers in decimal (unsigned where the logical type
/// is), floats shortest round-trip, STRING as a quoted, escaped string, timestamps and dates with
/// an ISO-8601 rendering after the raw number, other bytes as 0x-prefixed hex.
std::string FormatStatValue(const ColumnSpec& column, const StatValue& value);

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// Decoding, ordering and printing of Parquet statistics (see statistics.h).
#include "parquet/reader/statistics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fgm::parquet {
namespace {

template <typename T>
T LoadLe(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

bool IsUnsignedInteger(const ColumnSpec& column) {
  return column.logical_type.kind == LogicalType::Kind::kInteger && !column.logical_type.is_signed;
}

bool IsDecimalBytes(const ColumnSpec& column) {
  return column.logical_type.kind == LogicalType::Kind::kDecimal &&
         (column.type == PhysicalType::kByteArray ||
          column.type == PhysicalType::kFixedLenByteArray);
}

// Big-endian two's complement comparison of unequal-length byte strings (DECIMAL in byte arrays):
// sign-extend the shorter one, then the first byte compares signed and the rest unsigned.
int CompareBigEndianSigned(std::string_view a, std::string_view b) {
  auto byte_at = [](std::string_view s, size_t width, size_t i) -> uint8_t {
    size_t pad = width - s.size();
    if (i < pad) return (!s.empty() && static_cast<int8_t>(s[0]) < 0) ? 0xff : 0x00;
    return static_cast<uint8_t>(s[i - pad]);
  };
  size_t width = std::max(a.size(), b.size());
  if (width == 0) return 0;
  int8_t a0 = static_cast<int8_t>(byte_at(a, width, 0));
  int8_t b0 = static_cast<int8_t>(byte_at(b, width, 0));
  if (a0 != b0) return a0 < b0 ? -1 : 1;
  for (size_t i = 1; i < width; ++i) {
    uint8_t x = byte_at(a, width, i), y = byte_at(b, width, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

int CompareBytesUnsigned(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// Shortest "%.*g" rendering that parses back to the same double: portable (emscripten's libc++
// lacks floating-point std::to_chars) and short for the common case.
std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

// Howard Hinnant's civil_from_days: days since 1970-01-01 -> (y, m, d), valid for all int64 days we
// can get from int64 nanoseconds/micros/millis.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatTimestamp(int64_t value, TimeUnit unit) {
  int64_t per_second = unit == TimeUnit::kMillis   ? 1000
                       : unit == TimeUnit::kMicros ? 1000000
                                                   : 1000000000;
  int64_t seconds = value / per_second;
  int64_t fraction = value % per_second;
  if (fraction < 0) {
    fraction += per_second;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  char buf[64];
  int digits = unit == TimeUnit::kMillis ? 3 : unit == TimeUnit::kMicros ? 6 : 9;
  std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d.%0*lldZ", static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60),
                digits, static_cast<long long>(fraction));
  return FormatDate(days) + buf;
}

}  // namespace

SortOrder ColumnSortOrder(const ColumnSpec& column) {
  using Kind = LogicalType::Kind;
  switch (column.logical_type.kind) {
    case Kind::kInteger:
      return column.logical_type.is_signed ? SortOrder::kSigned : SortOrder::kUnsigned;
    case Kind::kTimestamp:
    case Kind::kDate:
    case Kind::kTime:
    case Kind::kDecimal:
      return SortOrder::kSigned;
    case Kind::kString:
    case Kind::kEnum:
    case Kind::kJson:
    case Kind::kUuid:
      return SortOrder::kUnsigned;
    case Kind::kOther:
      return SortOrder::kUnknown;
    case Kind::kNone:
      break;
  }
  if (column.converted_type == ConvertedType::kInterval) return SortOrder::kUnknown;
  switch (column.type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return SortOrder::kSigned;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return SortOrder::kUnsigned;
    case PhysicalType::kInt96:
      return SortOrder::kUnknown;
  }
  return SortOrder::kUnknown;
}

Result<StatValue> DecodeStatValue(const ColumnSpec& column, std::string_view plain) {
  StatValue v;
  v.type = column.type;
  auto want = [&](size_t n) -> Status {
    if (plain.size() == n) return OkStatus();
    return CorruptError("statistic of " + std::string(PhysicalTypeName(column.type)) + " column '" +
                        column.name + "' has " + std::to_string(plain.size()) +
                        " bytes, expected " + std::to_string(n));
  };
  switch (column.type) {
    case PhysicalType::kBoolean:
      FGM_RETURN_IF_ERROR(want(1));
      v.i = plain[0] != 0 ? 1 : 0;
      break;
    case PhysicalType::kInt32: {
      FGM_RETURN_IF_ERROR(want(4));
      int32_t x = LoadLe<int32_t>(plain.data());
      v.i = IsUnsignedInteger(column) ? static_cast<int64_t>(static_cast<uint32_t>(x)) : x;
      break;
    }
    case PhysicalType::kInt64:
      FGM_RETURN_IF_ERROR(want(8));
      v.i = LoadLe<int64_t>(plain.data());
      break;
    case PhysicalType::kFloat:
      FGM_RETURN_IF_ERROR(want(4));
      v.d = LoadLe<float>(plain.data());
      break;
    case PhysicalType::kDouble:
      FGM_RETURN_IF_ERROR(want(8));
      v.d = LoadLe<double>(plain.data());
      break;
    case PhysicalType::kInt96:
      FGM_RETURN_IF_ERROR(want(12));
      v.bytes.assign(plain);
      break;
    case PhysicalType::kFixedLenByteArray:
      if (column.type_length > 0)
        FGM_RETURN_IF_ERROR(want(static_cast<size_t>(column.type_length)));
      v.bytes.assign(plain);
      break;
    case PhysicalType::kByteArray:
      v.bytes.assign(plain);
      break;
  }
  return v;
}

int CompareStatValues(const ColumnSpec& column, const StatValue& a, const StatValue& b) {
  switch (column.type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
      return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case PhysicalType::kInt64:
      if (IsUnsignedInteger(column)) {
        auto x = static_cast<uint64_t>(a.i), y = static_cast<uint64_t>(b.i);
        return x < y ? -1 : x > y ? 1 : 0;
      }
      return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
    case PhysicalType::kInt96:
      if (IsDecimalBytes(column)) return CompareBigEndianSigned(a.bytes, b.bytes);
      return CompareBytesUnsigned(a.bytes, b.bytes);
  }
  return 0;
}

Result<ColumnStatistics> DecodeStatistics(const Statistics& stats, const ColumnSpec& column,
                                          bool type_defined_order) {
  ColumnStatistics out;
  out.null_count = stats.null_count;
  out.distinct_count = stats.distinct_count;
  SortOrder order = ColumnSortOrder(column);
  if (!type_defined_order || order == SortOrder::kUnknown) return out;

  const std::optional<std::string>* min = nullptr;
  const std::optional<std::string>* max = nullptr;
  if (stats.min_value.has_value() && stats.max_value.has_value()) {
    min = &stats.min_value;
    max = &stats.max_value;
    out.min_is_exact = stats.is_min_value_exact.value_or(true);
    out.max_is_exact = stats.is_max_value_exact.value_or(true);
  } else if (order == SortOrder::kSigned && stats.min.has_value() && stats.max.has_value()) {
    // Legacy fields: old writers computed them with signed comparison whatever the type, so they
    // are only meaningful when the column's order is signed anyway.
    min = &stats.min;
    max = &stats.max;
    out.min_is_exact = out.max_is_exact = true;
  } else {
    return out;
  }
  FGM_ASSIGN_OR_RETURN(StatValue lo, DecodeStatValue(column, **min));
  FGM_ASSIGN_OR_RETURN(StatValue hi, DecodeStatValue(column, **max));
  if (column.type == PhysicalType::kFloat || column.type == PhysicalType::kDouble) {
    // parquet.thrift: readers must ignore NaN bounds; a zero min may hide -0.0 and a zero max +0.0,
    // which numeric comparison (-0 == +0) already handles.
    if (std::isnan(lo.d) || std::isnan(hi.d)) return out;
  }
  out.min = std::move(lo);
  out.max = std::move(hi);
  return out;
}

bool RangeMayMatch(const ColumnSpec& column, const ColumnStatistics& stats, const StatValue& lo,
                   const StatValue& hi) {
  if (!stats.has_min_max() || ColumnSortOrder(column) == SortOrder::kUnknown) return true;
  // Disjoint when the chunk's max is below lo or its min above hi.
  if (CompareStatValues(column, *stats.max, lo) < 0) return false;
  if (CompareStatValues(column, *stats.min, hi) > 0) return false;
  return true;
}

std::string FormatStatValue(const ColumnSpec& column, const StatValue& value) {
  using Kind = LogicalType::Kind;
  switch (column.type) {
    case PhysicalType::kBoolean:
      return value.i ? "true" : "false";
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: {
      // Unsigned INT32 values were zero-extended on decode and UINT_64 keeps its bits, so one
      // cast renders both.
      std::string text = IsUnsignedInteger(column) ? std::to_string(static_cast<uint64_t>(value.i))
                                                   : std::to_string(value.i);
      if (column.logical_type.kind == Kind::kTimestamp) {
        text += " (" + FormatTimestamp(value.i, column.logical_type.unit) + ")";
      } else if (column.logical_type.kind == Kind::kDate) {
        text += " (" + FormatDate(value.i) + ")";
      }
      return text;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return FormatDouble(value.d);
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
    case PhysicalType::kInt96:
      if (column.logical_type.kind == Kind::kString || column.logical_type.kind == Kind::kEnum ||
          column.logical_type.kind == Kind::kJson) {
        return QuoteString(value.bytes);
      }
      return Hex(value.bytes);
  }
  return "?";
}

}  // namespace fgm::parquet

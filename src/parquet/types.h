// SPDX-License-Identifier: Apache-2.0
// Parquet format enums, numbered exactly as in the format's parquet.thrift (apache/parquet-format).
// Shared vocabulary of the whole parquet library; nothing here knows about containers or metrics.
#pragma once

#include <cstdint>
#include <string_view>

namespace fgm::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,  // legacy timestamps; read-only (DuckDB can still write it)
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,  // legacy (format 1.0) dictionary encoding; read-only
  kRle = 3,
  kBitPacked = 4,  // deprecated level encoding; read-only
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,  // unsupported
  kBrotli = 4,  // unsupported
  kLz4 = 5,  // legacy Hadoop-framed LZ4; unsupported
  kZstd = 6,
  kLz4Raw = 7,  // read-only
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

/// Legacy ConvertedType, still written for old readers next to the LogicalType.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class TimeUnit : int8_t { kMillis, kMicros, kNanos };

/// The subset of the LogicalType union FGM writes and understands. Other logical types in foreign
/// files are kept as kOther and their values read by physical type.
struct LogicalType {
  enum class Kind : int8_t {
    kNone,
    kString,
    kInteger,
    kTimestamp,
    kDate,
    kTime,
    kDecimal,
    kEnum,
    kJson,
    kUuid,
    kOther,
  };
  Kind kind = Kind::kNone;
  // kInteger
  int8_t bit_width = 0;
  bool is_signed = true;
  // kTimestamp / kTime
  TimeUnit unit = TimeUnit::kMicros;
  bool is_adjusted_to_utc = true;
  // kDecimal
  int32_t precision = 0;
  int32_t scale = 0;

  static LogicalType None() { return {}; }
  static LogicalType String() { return {.kind = Kind::kString}; }
  static LogicalType Integer(int8_t bits, bool is_signed) {
    return {.kind = Kind::kInteger, .bit_width = bits, .is_signed = is_signed};
  }
  static LogicalType Timestamp(TimeUnit unit, bool utc) {
    return {.kind = Kind::kTimestamp, .unit = unit, .is_adjusted_to_utc = utc};
  }
  friend bool operator==(const LogicalType&, const LogicalType&) = default;
};

std::string_view PhysicalTypeName(PhysicalType t);
std::string_view EncodingName(Encoding e);
std::string_view CodecName(CompressionCodec c);
std::string_view PageTypeName(PageType t);
std::string_view ConvertedTypeName(ConvertedType t);

}  // namespace fgm::parquet

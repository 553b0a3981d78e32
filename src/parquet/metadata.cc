// SPDX-License-Identifier: Apache-2.0
// Thrift compact (de)serialization of the footer, page header and page index structs in metadata.h,
// with the field ids of apache/parquet-format's parquet.thrift. Readers skip unknown fields (and
// known ids arriving with an unexpected wire type, as Thrift-generated code does), check required
// fields, and reject values a reader could only misuse.
//
// Enum policy on read (documented here because readers depend on it):
// - PhysicalType, CompressionCodec, PageHeader.type, BoundaryOrder outside the known range are
//   kCorrupt: nothing can be decoded (or pruned) correctly with them.
// - Encoding values (in encodings lists and page headers), PageEncodingStats.page_type,
//   Repetition and ConvertedType are kept as their integer: they are informational, or the schema
//   and page decoders reject them with a precise message (e.g. VECTOR repetition is kUnsupported).
// On write, a SchemaElement logical type of Kind::kNone or kOther is omitted: there is no union
// member to write for it (kOther stands for members we do not model).
#include "parquet/metadata.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/check.h"
#include "core/result.h"
#include "parquet/thrift/compact_protocol.h"

namespace fgm::parquet {
namespace {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::FieldHeader;

// Upper bound on vector elements reserved from a list header before any element is parsed. Counts
// are only bounded by the remaining bytes (one byte per element), while in-memory structs are up
// to hundreds of bytes, so trusting a hostile count could allocate ~100x the input. Beyond this,
// vectors grow geometrically as elements actually parse. 4096 covers real row-group and column
// counts, so normal footers still reserve exactly once.
constexpr uint32_t kMaxUpfrontReserve = 4096;

template <typename T>
void ReserveBounded(std::vector<T>* v, uint32_t n) {
  v->clear();
  v->reserve(std::min(n, kMaxUpfrontReserve));
}

Status Missing(std::string_view struct_name, std::string_view field) {
  std::string m(struct_name);
  m += ": required field '";
  m += field;
  m += "' is missing";
  return CorruptError(std::move(m));
}

Status Invalid(std::string_view struct_name, std::string_view field, std::string_view problem,
               int64_t value) {
  std::string m(struct_name);
  m += ".";
  m += field;
  m += " ";
  m += problem;
  m += " (";
  m += std::to_string(value);
  m += ")";
  return CorruptError(std::move(m));
}

Status CheckNonNegative(int64_t value, std::string_view struct_name, std::string_view field) {
  if (value < 0) return Invalid(struct_name, field, "is negative", value);
  return OkStatus();
}

Status CheckNonNegative(const std::optional<int64_t>& value, std::string_view struct_name,
                        std::string_view field) {
  return value ? CheckNonNegative(*value, struct_name, field) : OkStatus();
}

Status CheckNonNegative(const std::optional<int32_t>& value, std::string_view struct_name,
                        std::string_view field) {
  return value ? CheckNonNegative(*value, struct_name, field) : OkStatus();
}

std::string ElementContext(std::string_view list, size_t index) {
  std::string c(list);
  c += "[";
  c += std::to_string(index);
  c += "]";
  return c;
}

// Enums whose unknown values make the data undecodable (see the policy at the top of the file).
Status ReadPhysicalType(CompactReader& r, std::string_view struct_name, PhysicalType* out) {
  int32_t v = 0;
  FGM_RETURN_IF_ERROR(r.ReadI32(&v));
  if (v < 0 || v > static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
    return Invalid(struct_name, "type", "is not a known physical type", v);
  }
  *out = static_cast<PhysicalType>(v);
  return OkStatus();
}

Status ReadCodec(CompactReader& r, CompressionCodec* out) {
  int32_t v = 0;
  FGM_RETURN_IF_ERROR(r.ReadI32(&v));
  if (v < 0 || v > static_cast<int32_t>(CompressionCodec::kLz4Raw)) {
    return Invalid("ColumnMetaData", "codec", "is not a known compression codec", v);
  }
  *out = static_cast<CompressionCodec>(v);
  return OkStatus();
}

// Open enums: any integer is kept.
template <typename E>
Status ReadRawEnum(CompactReader& r, E* out) {
  int32_t v = 0;
  FGM_RETURN_IF_ERROR(r.ReadI32(&v));
  *out = static_cast<E>(v);
  return OkStatus();
}

template <typename E>
void WriteEnumField(CompactWriter& w, int16_t id, E value) {
  w.FieldI32(id, static_cast<int32_t>(value));
}

bool ElementTypeMatches(CType actual, CType expected) {
  if (expected == CType::kBoolTrue || expected == CType::kBoolFalse) {
    return actual == CType::kBoolTrue || actual == CType::kBoolFalse;
  }
  return actual == expected;
}

// Reads a list header whose elements must have `expected` type. Empty lists are accepted with any
// element type, since some writers do not bother to set it.
Status ReadListOf(CompactReader& r, CType expected, std::string_view struct_name,
                  std::string_view field, uint32_t* size) {
  CType element_type;
  FGM_RETURN_IF_ERROR(r.ReadListHeader(&element_type, size));
  if (*size > 0 && !ElementTypeMatches(element_type, expected)) {
    return Invalid(struct_name, field, "has list elements of the wrong type",
                   static_cast<int>(element_type));
  }
  return OkStatus();
}

Status ReadStringList(CompactReader& r, std::string_view struct_name, std::string_view field,
                      std::vector<std::string>* out) {
  uint32_t n = 0;
  FGM_RETURN_IF_ERROR(ReadListOf(r, CType::kBinary, struct_name, field, &n));
  ReserveBounded(out, n);
  for (uint32_t i = 0; i < n; ++i) FGM_RETURN_IF_ERROR(r.ReadString(&out->emplace_back()));
  return OkStatus();
}

void WriteStringList(CompactWriter& w, int16_t id, const std::vector<std::string>& values) {
  w.FieldListBegin(id, CType::kBinary, values.size());
  for (const std::string& v : values) w.WriteBinary(v);
}

// Reads a list<struct> with `read_one(reader, element*)`, adding the element index to errors.
template <typename T, typename ReadOne>
Status ReadStructList(CompactReader& r, std::string_view struct_name, std::string_view field,
                      std::vector<T>* out, ReadOne read_one) {
  uint32_t n = 0;
  FGM_RETURN_IF_ERROR(ReadListOf(r, CType::kStruct, struct_name, field, &n));
  ReserveBounded(out, n);
  for (uint32_t i = 0; i < n; ++i) {
    Status s = read_one(r, &out->emplace_back());
    if (!s.ok()) return s.WithContext(ElementContext(field, i));
  }
  return OkStatus();
}

template <typename T, typename WriteOne>
void WriteStructList(CompactWriter& w, int16_t id, const std::vector<T>& values,
                     WriteOne write_one) {
  w.FieldListBegin(id, CType::kStruct, values.size());
  for (const T& v : values) write_one(w, v);
}

Status ReadStatistics(CompactReader& r, Statistics* out) {
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    switch (f.id) {
      case 1:
        if (f.type != CType::kBinary) break;
        FGM_RETURN_IF_ERROR(r.ReadString(&out->max.emplace()));
        continue;
      case 2:
        if (f.type != CType::kBinary) break;
        FGM_RETURN_IF_ERROR(r.ReadString(&out->min.emplace()));
        continue;
      case 3:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->null_count.emplace()));
        continue;
      case 4:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->distinct_count.emplace()));
        continue;
      case 5:
        if (f.type != CType::kBinary) break;
        FGM_RETURN_IF_ERROR(r.ReadString(&out->max_value.emplace()));
        continue;
      case 6:
        if (f.type != CType::kBinary) break;
        FGM_RETURN_IF_ERROR(r.ReadString(&out->min_value.emplace()));
        continue;
      case 7:
        if (!f.is_bool()) break;
        out->is_max_value_exact = f.bool_value();
        continue;
      case 8:
        if (!f.is_bool()) break;
        out->is_min_value_exact = f.bool_value();
        continue;
      default:
        break;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->null_count, "Statistics", "null_count"));
  return CheckNonNegative(out->distinct_count, "Statistics", "distinct_count");
}

void WriteStatistics(CompactWriter& w, const Statistics& s) {
  w.BeginStruct();
  if (s.max) w.FieldBinary(1, *s.max);
  if (s.min) w.FieldBinary(2, *s.min);
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.distinct_count) w.FieldI64(4, *s.distinct_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  if (s.is_max_value_exact) w.FieldBool(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.FieldBool(8, *s.is_min_value_exact);
  w.EndStruct();
}

// TimeUnit union (MILLIS=1, MICROS=2, NANOS=3). *known is false for an unknown or absent member,
// which makes the enclosing logical type kOther (values are then read by physical type).
Status ReadTimeUnit(CompactReader& r, TimeUnit* unit, bool* known) {
  *known = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.type == CType::kStruct && f.id >= 1 && f.id <= 3) {
      *unit = f.id == 1 ? TimeUnit::kMillis : f.id == 2 ? TimeUnit::kMicros : TimeUnit::kNanos;
      *known = true;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));  // the members are empty structs; skip whatever they hold
  }
  return r.ReadStructEnd();
}

// TimeType / TimestampType: isAdjustedToUTC=1, unit=2.
Status ReadTimeLike(CompactReader& r, std::string_view struct_name, LogicalType* out) {
  bool has_utc = false;
  bool has_unit = false;
  bool unit_known = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.is_bool()) {
      out->is_adjusted_to_utc = f.bool_value();
      has_utc = true;
      continue;
    }
    if (f.id == 2 && f.type == CType::kStruct) {
      FGM_RETURN_IF_ERROR(ReadTimeUnit(r, &out->unit, &unit_known));
      has_unit = true;
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_utc) return Missing(struct_name, "isAdjustedToUTC");
  if (!has_unit) return Missing(struct_name, "unit");
  if (!unit_known) *out = LogicalType{.kind = LogicalType::Kind::kOther};
  return OkStatus();
}

Status ReadDecimalType(CompactReader& r, LogicalType* out) {
  bool has_scale = false;
  bool has_precision = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kI32) {
      FGM_RETURN_IF_ERROR(r.ReadI32(&out->scale));
      has_scale = true;
      continue;
    }
    if (f.id == 2 && f.type == CType::kI32) {
      FGM_RETURN_IF_ERROR(r.ReadI32(&out->precision));
      has_precision = true;
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_scale) return Missing("DecimalType", "scale");
  if (!has_precision) return Missing("DecimalType", "precision");
  return OkStatus();
}

Status ReadIntType(CompactReader& r, LogicalType* out) {
  bool has_width = false;
  bool has_signed = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kI8) {
      FGM_RETURN_IF_ERROR(r.ReadI8(&out->bit_width));
      has_width = true;
      continue;
    }
    if (f.id == 2 && f.is_bool()) {
      out->is_signed = f.bool_value();
      has_signed = true;
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_width) return Missing("IntType", "bitWidth");
  if (!has_signed) return Missing("IntType", "isSigned");
  return OkStatus();
}

// The LogicalType union. Members we do not model (MAP, LIST, UNKNOWN, BSON, FLOAT16, VARIANT,
// GEOMETRY, ... and future ones) become Kind::kOther.
Status ReadLogicalType(CompactReader& r, LogicalType* out) {
  using Kind = LogicalType::Kind;
  *out = LogicalType{.kind = Kind::kOther};
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.type != CType::kStruct) {
      FGM_RETURN_IF_ERROR(r.Skip(f));
      continue;
    }
    LogicalType t;
    switch (f.id) {
      case 1:
        t.kind = Kind::kString;
        break;
      case 4:
        t.kind = Kind::kEnum;
        break;
      case 5:
        t.kind = Kind::kDecimal;
        FGM_RETURN_IF_ERROR(ReadDecimalType(r, &t));
        *out = t;
        continue;
      case 6:
        t.kind = Kind::kDate;
        break;
      case 7:
        t.kind = Kind::kTime;
        FGM_RETURN_IF_ERROR(ReadTimeLike(r, "TimeType", &t));
        *out = t;
        continue;
      case 8:
        t.kind = Kind::kTimestamp;
        FGM_RETURN_IF_ERROR(ReadTimeLike(r, "TimestampType", &t));
        *out = t;
        continue;
      case 10:
        t.kind = Kind::kInteger;
        FGM_RETURN_IF_ERROR(ReadIntType(r, &t));
        *out = t;
        continue;
      case 12:
        t.kind = Kind::kJson;
        break;
      case 14:
        t.kind = Kind::kUuid;
        break;
      default:
        t.kind = Kind::kOther;
        break;
    }
    *out = t;
    FGM_RETURN_IF_ERROR(r.Skip(f));  // an annotation struct without fields we use
  }
  return r.ReadStructEnd();
}

void WriteTimeUnit(CompactWriter& w, int16_t id, TimeUnit unit) {
  w.FieldStructBegin(id);
  const int16_t member = unit == TimeUnit::kMillis ? 1 : unit == TimeUnit::kMicros ? 2 : 3;
  w.FieldStructBegin(member);
  w.EndStruct();
  w.EndStruct();
}

// True when `t` is a LogicalType union member we can write (not kNone/kOther).
bool IsWritableLogicalType(const LogicalType& t) {
  return t.kind != LogicalType::Kind::kNone && t.kind != LogicalType::Kind::kOther;
}

// REQUIRES: IsWritableLogicalType(t).
void WriteLogicalType(CompactWriter& w, int16_t id, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  w.FieldStructBegin(id);
  switch (t.kind) {
    case Kind::kString:
      w.FieldStructBegin(1);
      w.EndStruct();
      break;
    case Kind::kEnum:
      w.FieldStructBegin(4);
      w.EndStruct();
      break;
    case Kind::kDecimal:
      w.FieldStructBegin(5);
      w.FieldI32(1, t.scale);
      w.FieldI32(2, t.precision);
      w.EndStruct();
      break;
    case Kind::kDate:
      w.FieldStructBegin(6);
      w.EndStruct();
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      w.FieldStructBegin(t.kind == Kind::kTime ? 7 : 8);
      w.FieldBool(1, t.is_adjusted_to_utc);
      WriteTimeUnit(w, 2, t.unit);
      w.EndStruct();
      break;
    case Kind::kInteger:
      w.FieldStructBegin(10);
      w.FieldI8(1, t.bit_width);
      w.FieldBool(2, t.is_signed);
      w.EndStruct();
      break;
    case Kind::kJson:
      w.FieldStructBegin(12);
      w.EndStruct();
      break;
    case Kind::kUuid:
      w.FieldStructBegin(14);
      w.EndStruct();
      break;
    case Kind::kNone:
    case Kind::kOther:
      FGM_CHECK(false) << "WriteLogicalType: kind has no union member";
      break;
  }
  w.EndStruct();
}

Status ReadSchemaElement(CompactReader& r, SchemaElement* out) {
  bool has_name = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 10) {
      if (f.type != CType::kStruct) {
        FGM_RETURN_IF_ERROR(r.Skip(f));
        continue;
      }
      FGM_RETURN_IF_ERROR(ReadLogicalType(r, &out->logical_type.emplace()));
      continue;
    }
    if (f.id == 4) {
      if (f.type != CType::kBinary) {
        FGM_RETURN_IF_ERROR(r.Skip(f));
        continue;
      }
      FGM_RETURN_IF_ERROR(r.ReadString(&out->name));
      has_name = true;
      continue;
    }
    if (f.type != CType::kI32 || f.id < 1 || f.id > 9) {
      FGM_RETURN_IF_ERROR(r.Skip(f));
      continue;
    }
    // The remaining known fields are all i32.
    switch (f.id) {
      case 1:
        FGM_RETURN_IF_ERROR(ReadPhysicalType(r, "SchemaElement", &out->type.emplace()));
        break;
      case 2:
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->type_length.emplace()));
        break;
      case 3:
        FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->repetition_type.emplace()));
        break;
      case 5:
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->num_children.emplace()));
        break;
      case 6:
        FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->converted_type.emplace()));
        break;
      case 7:
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->scale.emplace()));
        break;
      case 8:
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->precision.emplace()));
        break;
      case 9:
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->field_id.emplace()));
        break;
      default:
        FGM_RETURN_IF_ERROR(r.Skip(f));
        break;  // id 4 with a non-binary type
    }
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_name) return Missing("SchemaElement", "name");
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->num_children, "SchemaElement", "num_children"));
  return CheckNonNegative(out->type_length, "SchemaElement", "type_length");
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) WriteEnumField(w, 1, *e.type);
  if (e.type_length) w.FieldI32(2, *e.type_length);
  if (e.repetition_type) WriteEnumField(w, 3, *e.repetition_type);
  w.FieldBinary(4, e.name);
  if (e.num_children) w.FieldI32(5, *e.num_children);
  if (e.converted_type) WriteEnumField(w, 6, *e.converted_type);
  if (e.scale) w.FieldI32(7, *e.scale);
  if (e.precision) w.FieldI32(8, *e.precision);
  if (e.field_id) w.FieldI32(9, *e.field_id);
  if (e.logical_type && IsWritableLogicalType(*e.logical_type)) {
    WriteLogicalType(w, 10, *e.logical_type);
  }
  w.EndStruct();
}

Status ReadKeyValue(CompactReader& r, KeyValue* out) {
  bool has_key = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kBinary) {
      FGM_RETURN_IF_ERROR(r.ReadString(&out->key));
      has_key = true;
      continue;
    }
    if (f.id == 2 && f.type == CType::kBinary) {
      FGM_RETURN_IF_ERROR(r.ReadString(&out->value.emplace()));
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_key) return Missing("KeyValue", "key");
  return OkStatus();
}

void WriteKeyValue(CompactWriter& w, const KeyValue& kv) {
  w.BeginStruct();
  w.FieldBinary(1, kv.key);
  if (kv.value) w.FieldBinary(2, *kv.value);
  w.EndStruct();
}

Status ReadPageEncodingStats(CompactReader& r, PageEncodingStats* out) {
  bool has_page_type = false;
  bool has_encoding = false;
  bool has_count = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.type == CType::kI32 && f.id >= 1 && f.id <= 3) {
      if (f.id == 1) {
        FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->page_type));
        has_page_type = true;
      } else if (f.id == 2) {
        FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->encoding));
        has_encoding = true;
      } else {
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->count));
        has_count = true;
      }
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_page_type) return Missing("PageEncodingStats", "page_type");
  if (!has_encoding) return Missing("PageEncodingStats", "encoding");
  if (!has_count) return Missing("PageEncodingStats", "count");
  return CheckNonNegative(out->count, "PageEncodingStats", "count");
}

void WritePageEncodingStats(CompactWriter& w, const PageEncodingStats& s) {
  w.BeginStruct();
  WriteEnumField(w, 1, s.page_type);
  WriteEnumField(w, 2, s.encoding);
  w.FieldI32(3, s.count);
  w.EndStruct();
}

Status ReadColumnMetaData(CompactReader& r, ColumnMetaData* out) {
  // Bits of the required fields seen: type 1, encodings 2, path 3, codec 4, num_values 5,
  // uncompressed 6, compressed 7, data_page_offset 9.
  uint32_t seen = 0;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    switch (f.id) {
      case 1:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(ReadPhysicalType(r, "ColumnMetaData", &out->type));
        seen |= 1u << 1;
        continue;
      case 2: {
        if (f.type != CType::kList) break;
        uint32_t n = 0;
        FGM_RETURN_IF_ERROR(ReadListOf(r, CType::kI32, "ColumnMetaData", "encodings", &n));
        ReserveBounded(&out->encodings, n);
        for (uint32_t i = 0; i < n; ++i) {
          FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->encodings.emplace_back()));
        }
        seen |= 1u << 2;
        continue;
      }
      case 3:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(
            ReadStringList(r, "ColumnMetaData", "path_in_schema", &out->path_in_schema));
        seen |= 1u << 3;
        continue;
      case 4:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(ReadCodec(r, &out->codec));
        seen |= 1u << 4;
        continue;
      case 5:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->num_values));
        seen |= 1u << 5;
        continue;
      case 6:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->total_uncompressed_size));
        seen |= 1u << 6;
        continue;
      case 7:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->total_compressed_size));
        seen |= 1u << 7;
        continue;
      case 8:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(ReadStructList(r, "ColumnMetaData", "key_value_metadata",
                                           &out->key_value_metadata, ReadKeyValue));
        continue;
      case 9:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->data_page_offset));
        seen |= 1u << 9;
        continue;
      case 10:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->index_page_offset.emplace()));
        continue;
      case 11:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->dictionary_page_offset.emplace()));
        continue;
      case 12:
        if (f.type != CType::kStruct) break;
        FGM_RETURN_IF_ERROR(ReadStatistics(r, &out->statistics.emplace()));
        continue;
      case 13:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(ReadStructList(r, "ColumnMetaData", "encoding_stats",
                                           &out->encoding_stats, ReadPageEncodingStats));
        continue;
      default:
        break;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  static constexpr struct {
    int id;
    std::string_view name;
  } kRequired[] = {{1, "type"},
                   {2, "encodings"},
                   {3, "path_in_schema"},
                   {4, "codec"},
                   {5, "num_values"},
                   {6, "total_uncompressed_size"},
                   {7, "total_compressed_size"},
                   {9, "data_page_offset"}};
  for (const auto& field : kRequired) {
    if ((seen & (1u << field.id)) == 0) return Missing("ColumnMetaData", field.name);
  }
  constexpr std::string_view kName = "ColumnMetaData";
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->num_values, kName, "num_values"));
  FGM_RETURN_IF_ERROR(
      CheckNonNegative(out->total_uncompressed_size, kName, "total_uncompressed_size"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->total_compressed_size, kName, "total_compressed_size"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->data_page_offset, kName, "data_page_offset"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->index_page_offset, kName, "index_page_offset"));
  return CheckNonNegative(out->dictionary_page_offset, kName, "dictionary_page_offset");
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  WriteEnumField(w, 1, m.type);
  w.FieldListBegin(2, CType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.WriteI32(static_cast<int32_t>(e));
  WriteStringList(w, 3, m.path_in_schema);
  WriteEnumField(w, 4, m.codec);
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  if (!m.key_value_metadata.empty()) {
    WriteStructList(w, 8, m.key_value_metadata, WriteKeyValue);
  }
  w.FieldI64(9, m.data_page_offset);
  if (m.index_page_offset) w.FieldI64(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.FieldHeader(12, CType::kStruct);
    WriteStatistics(w, *m.statistics);
  }
  if (!m.encoding_stats.empty()) WriteStructList(w, 13, m.encoding_stats, WritePageEncodingStats);
  w.EndStruct();
}

Status ReadColumnChunk(CompactReader& r, ColumnChunk* out) {
  bool has_file_offset = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    switch (f.id) {
      case 1:
        if (f.type != CType::kBinary) break;
        FGM_RETURN_IF_ERROR(r.ReadString(&out->file_path.emplace()));
        continue;
      case 2:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->file_offset));
        has_file_offset = true;
        continue;
      case 3: {
        if (f.type != CType::kStruct) break;
        Status s = ReadColumnMetaData(r, &out->meta_data.emplace());
        if (!s.ok()) return s.WithContext("meta_data");
        continue;
      }
      case 4:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->offset_index_offset.emplace()));
        continue;
      case 5:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->offset_index_length.emplace()));
        continue;
      case 6:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->column_index_offset.emplace()));
        continue;
      case 7:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->column_index_length.emplace()));
        continue;
      default:
        break;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_file_offset) return Missing("ColumnChunk", "file_offset");
  constexpr std::string_view kName = "ColumnChunk";
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->offset_index_offset, kName, "offset_index_offset"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->offset_index_length, kName, "offset_index_length"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->column_index_offset, kName, "column_index_offset"));
  return CheckNonNegative(out->column_index_length, kName, "column_index_length");
}

void WriteColumnChunk(CompactWriter& w, const ColumnChunk& c) {
  w.BeginStruct();
  if (c.file_path) w.FieldBinary(1, *c.file_path);
  w.FieldI64(2, c.file_offset);
  if (c.meta_data) {
    w.FieldHeader(3, CType::kStruct);
    WriteColumnMetaData(w, *c.meta_data);
  }
  if (c.offset_index_offset) w.FieldI64(4, *c.offset_index_offset);
  if (c.offset_index_length) w.FieldI32(5, *c.offset_index_length);
  if (c.column_index_offset) w.FieldI64(6, *c.column_index_offset);
  if (c.column_index_length) w.FieldI32(7, *c.column_index_length);
  w.EndStruct();
}

Status ReadSortingColumn(CompactReader& r, SortingColumn* out) {
  bool has_idx = false;
  bool has_descending = false;
  bool has_nulls_first = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kI32) {
      FGM_RETURN_IF_ERROR(r.ReadI32(&out->column_idx));
      has_idx = true;
      continue;
    }
    if (f.id == 2 && f.is_bool()) {
      out->descending = f.bool_value();
      has_descending = true;
      continue;
    }
    if (f.id == 3 && f.is_bool()) {
      out->nulls_first = f.bool_value();
      has_nulls_first = true;
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_idx) return Missing("SortingColumn", "column_idx");
  if (!has_descending) return Missing("SortingColumn", "descending");
  if (!has_nulls_first) return Missing("SortingColumn", "nulls_first");
  return CheckNonNegative(out->column_idx, "SortingColumn", "column_idx");
}

void WriteSortingColumn(CompactWriter& w, const SortingColumn& s) {
  w.BeginStruct();
  w.FieldI32(1, s.column_idx);
  w.FieldBool(2, s.descending);
  w.FieldBool(3, s.nulls_first);
  w.EndStruct();
}

Status ReadRowGroup(CompactReader& r, RowGroup* out) {
  bool has_columns = false;
  bool has_total_byte_size = false;
  bool has_num_rows = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    switch (f.id) {
      case 1:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(
            ReadStructList(r, "RowGroup", "columns", &out->columns, ReadColumnChunk));
        has_columns = true;
        continue;
      case 2:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->total_byte_size));
        has_total_byte_size = true;
        continue;
      case 3:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->num_rows));
        has_num_rows = true;
        continue;
      case 4:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(ReadStructList(r, "RowGroup", "sorting_columns", &out->sorting_columns,
                                           ReadSortingColumn));
        continue;
      case 5:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->file_offset.emplace()));
        continue;
      case 6:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->total_compressed_size.emplace()));
        continue;
      case 7:
        if (f.type != CType::kI16) break;
        FGM_RETURN_IF_ERROR(r.ReadI16(&out->ordinal.emplace()));
        continue;
      default:
        break;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_columns) return Missing("RowGroup", "columns");
  if (!has_total_byte_size) return Missing("RowGroup", "total_byte_size");
  if (!has_num_rows) return Missing("RowGroup", "num_rows");
  constexpr std::string_view kName = "RowGroup";
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->total_byte_size, kName, "total_byte_size"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->num_rows, kName, "num_rows"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->file_offset, kName, "file_offset"));
  return CheckNonNegative(out->total_compressed_size, kName, "total_compressed_size");
}

void WriteRowGroup(CompactWriter& w, const RowGroup& g) {
  w.BeginStruct();
  WriteStructList(w, 1, g.columns, WriteColumnChunk);
  w.FieldI64(2, g.total_byte_size);
  w.FieldI64(3, g.num_rows);
  if (!g.sorting_columns.empty()) WriteStructList(w, 4, g.sorting_columns, WriteSortingColumn);
  if (g.file_offset) w.FieldI64(5, *g.file_offset);
  if (g.total_compressed_size) w.FieldI64(6, *g.total_compressed_size);
  if (g.ordinal) w.FieldI16(7, *g.ordinal);
  w.EndStruct();
}

// ColumnOrder union: TYPE_ORDER (1) is the only member we understand.
Status ReadColumnOrder(CompactReader& r, ColumnOrder* out) {
  out->type_defined_order = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kStruct) out->type_defined_order = true;
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  return r.ReadStructEnd();
}

// A `false` order is written as an empty union, which readers treat as an unknown order.
void WriteColumnOrder(CompactWriter& w, const ColumnOrder& o) {
  w.BeginStruct();
  if (o.type_defined_order) {
    w.FieldStructBegin(1);
    w.EndStruct();
  }
  w.EndStruct();
}

Status ReadFileMetaData(CompactReader& r, FileMetaData* out) {
  bool has_version = false;
  bool has_schema = false;
  bool has_num_rows = false;
  bool has_row_groups = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    switch (f.id) {
      case 1:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->version));
        has_version = true;
        continue;
      case 2:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(
            ReadStructList(r, "FileMetaData", "schema", &out->schema, ReadSchemaElement));
        has_schema = true;
        continue;
      case 3:
        if (f.type != CType::kI64) break;
        FGM_RETURN_IF_ERROR(r.ReadI64(&out->num_rows));
        has_num_rows = true;
        continue;
      case 4:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(
            ReadStructList(r, "FileMetaData", "row_groups", &out->row_groups, ReadRowGroup));
        has_row_groups = true;
        continue;
      case 5:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(ReadStructList(r, "FileMetaData", "key_value_metadata",
                                           &out->key_value_metadata, ReadKeyValue));
        continue;
      case 6:
        if (f.type != CType::kBinary) break;
        FGM_RETURN_IF_ERROR(r.ReadString(&out->created_by.emplace()));
        continue;
      case 7:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(ReadStructList(r, "FileMetaData", "column_orders", &out->column_orders,
                                           ReadColumnOrder));
        continue;
      default:
        break;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_version) return Missing("FileMetaData", "version");
  if (!has_schema) return Missing("FileMetaData", "schema");
  if (!has_num_rows) return Missing("FileMetaData", "num_rows");
  if (!has_row_groups) return Missing("FileMetaData", "row_groups");
  return CheckNonNegative(out->num_rows, "FileMetaData", "num_rows");
}

Status ReadDataPageHeader(CompactReader& r, DataPageHeader* out) {
  uint32_t seen = 0;  // bit i: required field i (1..4)
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.type == CType::kI32 && f.id >= 1 && f.id <= 4) {
      switch (f.id) {
        case 1:
          FGM_RETURN_IF_ERROR(r.ReadI32(&out->num_values));
          break;
        case 2:
          FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->encoding));
          break;
        case 3:
          FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->definition_level_encoding));
          break;
        default:
          FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->repetition_level_encoding));
          break;
      }
      seen |= 1u << f.id;
      continue;
    }
    if (f.id == 5 && f.type == CType::kStruct) {
      FGM_RETURN_IF_ERROR(ReadStatistics(r, &out->statistics.emplace()));
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  static constexpr std::string_view kNames[] = {
      "", "num_values", "encoding", "definition_level_encoding", "repetition_level_encoding"};
  for (int id = 1; id <= 4; ++id) {
    if ((seen & (1u << id)) == 0) return Missing("DataPageHeader", kNames[id]);
  }
  return CheckNonNegative(out->num_values, "DataPageHeader", "num_values");
}

void WriteDataPageHeader(CompactWriter& w, const DataPageHeader& h) {
  w.BeginStruct();
  w.FieldI32(1, h.num_values);
  WriteEnumField(w, 2, h.encoding);
  WriteEnumField(w, 3, h.definition_level_encoding);
  WriteEnumField(w, 4, h.repetition_level_encoding);
  if (h.statistics) {
    w.FieldHeader(5, CType::kStruct);
    WriteStatistics(w, *h.statistics);
  }
  w.EndStruct();
}

Status ReadDictionaryPageHeader(CompactReader& r, DictionaryPageHeader* out) {
  bool has_num_values = false;
  bool has_encoding = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kI32) {
      FGM_RETURN_IF_ERROR(r.ReadI32(&out->num_values));
      has_num_values = true;
      continue;
    }
    if (f.id == 2 && f.type == CType::kI32) {
      FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->encoding));
      has_encoding = true;
      continue;
    }
    if (f.id == 3 && f.is_bool()) {
      out->is_sorted = f.bool_value();
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_num_values) return Missing("DictionaryPageHeader", "num_values");
  if (!has_encoding) return Missing("DictionaryPageHeader", "encoding");
  return CheckNonNegative(out->num_values, "DictionaryPageHeader", "num_values");
}

void WriteDictionaryPageHeader(CompactWriter& w, const DictionaryPageHeader& h) {
  w.BeginStruct();
  w.FieldI32(1, h.num_values);
  WriteEnumField(w, 2, h.encoding);
  if (h.is_sorted) w.FieldBool(3, *h.is_sorted);
  w.EndStruct();
}

Status ReadDataPageHeaderV2(CompactReader& r, DataPageHeaderV2* out) {
  uint32_t seen = 0;  // bit i: required field i (1..6)
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.type == CType::kI32 && f.id >= 1 && f.id <= 6) {
      switch (f.id) {
        case 1:
          FGM_RETURN_IF_ERROR(r.ReadI32(&out->num_values));
          break;
        case 2:
          FGM_RETURN_IF_ERROR(r.ReadI32(&out->num_nulls));
          break;
        case 3:
          FGM_RETURN_IF_ERROR(r.ReadI32(&out->num_rows));
          break;
        case 4:
          FGM_RETURN_IF_ERROR(ReadRawEnum(r, &out->encoding));
          break;
        case 5:
          FGM_RETURN_IF_ERROR(r.ReadI32(&out->definition_levels_byte_length));
          break;
        default:
          FGM_RETURN_IF_ERROR(r.ReadI32(&out->repetition_levels_byte_length));
          break;
      }
      seen |= 1u << f.id;
      continue;
    }
    if (f.id == 7 && f.is_bool()) {
      out->is_compressed = f.bool_value();
      continue;
    }
    if (f.id == 8 && f.type == CType::kStruct) {
      FGM_RETURN_IF_ERROR(ReadStatistics(r, &out->statistics.emplace()));
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  static constexpr std::string_view kNames[] = {"",
                                                "num_values",
                                                "num_nulls",
                                                "num_rows",
                                                "encoding",
                                                "definition_levels_byte_length",
                                                "repetition_levels_byte_length"};
  for (int id = 1; id <= 6; ++id) {
    if ((seen & (1u << id)) == 0) return Missing("DataPageHeaderV2", kNames[id]);
  }
  constexpr std::string_view kName = "DataPageHeaderV2";
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->num_values, kName, "num_values"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->num_nulls, kName, "num_nulls"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->num_rows, kName, "num_rows"));
  FGM_RETURN_IF_ERROR(
      CheckNonNegative(out->definition_levels_byte_length, kName, "definition_levels_byte_length"));
  FGM_RETURN_IF_ERROR(
      CheckNonNegative(out->repetition_levels_byte_length, kName, "repetition_levels_byte_length"));
  if (out->num_nulls > out->num_values) {
    return Invalid(kName, "num_nulls", "exceeds num_values", out->num_nulls);
  }
  return OkStatus();
}

void WriteDataPageHeaderV2(CompactWriter& w, const DataPageHeaderV2& h) {
  w.BeginStruct();
  w.FieldI32(1, h.num_values);
  w.FieldI32(2, h.num_nulls);
  w.FieldI32(3, h.num_rows);
  WriteEnumField(w, 4, h.encoding);
  w.FieldI32(5, h.definition_levels_byte_length);
  w.FieldI32(6, h.repetition_levels_byte_length);
  w.FieldBool(7, h.is_compressed);
  if (h.statistics) {
    w.FieldHeader(8, CType::kStruct);
    WriteStatistics(w, *h.statistics);
  }
  w.EndStruct();
}

Status ReadPageHeader(CompactReader& r, PageHeader* out) {
  bool has_type = false;
  bool has_uncompressed = false;
  bool has_compressed = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    switch (f.id) {
      case 1: {
        if (f.type != CType::kI32) break;
        int32_t v = 0;
        FGM_RETURN_IF_ERROR(r.ReadI32(&v));
        if (v < 0 || v > static_cast<int32_t>(PageType::kDataPageV2)) {
          return Invalid("PageHeader", "type", "is not a known page type", v);
        }
        out->type = static_cast<PageType>(v);
        has_type = true;
        continue;
      }
      case 2:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->uncompressed_page_size));
        has_uncompressed = true;
        continue;
      case 3:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->compressed_page_size));
        has_compressed = true;
        continue;
      case 4:
        if (f.type != CType::kI32) break;
        FGM_RETURN_IF_ERROR(r.ReadI32(&out->crc.emplace()));
        continue;
      case 5:
        if (f.type != CType::kStruct) break;
        FGM_RETURN_IF_ERROR(ReadDataPageHeader(r, &out->data_page_header.emplace()));
        continue;
      case 7:
        if (f.type != CType::kStruct) break;
        FGM_RETURN_IF_ERROR(ReadDictionaryPageHeader(r, &out->dictionary_page_header.emplace()));
        continue;
      case 8:
        if (f.type != CType::kStruct) break;
        FGM_RETURN_IF_ERROR(ReadDataPageHeaderV2(r, &out->data_page_header_v2.emplace()));
        continue;
      default:
        break;  // includes IndexPageHeader (6), which has no fields
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  constexpr std::string_view kName = "PageHeader";
  if (!has_type) return Missing(kName, "type");
  if (!has_uncompressed) return Missing(kName, "uncompressed_page_size");
  if (!has_compressed) return Missing(kName, "compressed_page_size");
  FGM_RETURN_IF_ERROR(
      CheckNonNegative(out->uncompressed_page_size, kName, "uncompressed_page_size"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->compressed_page_size, kName, "compressed_page_size"));
  // The page decoders index the header matching the type; make its presence a parse guarantee.
  switch (out->type) {
    case PageType::kDataPage:
      if (!out->data_page_header) return Missing(kName, "data_page_header (DATA_PAGE)");
      break;
    case PageType::kDictionaryPage:
      if (!out->dictionary_page_header) {
        return Missing(kName, "dictionary_page_header (DICTIONARY_PAGE)");
      }
      break;
    case PageType::kDataPageV2: {
      if (!out->data_page_header_v2) return Missing(kName, "data_page_header_v2 (DATA_PAGE_V2)");
      // V2 levels are stored uncompressed at the start of the page, inside both sizes.
      const int64_t levels = int64_t{out->data_page_header_v2->definition_levels_byte_length} +
                             out->data_page_header_v2->repetition_levels_byte_length;
      if (levels > out->compressed_page_size || levels > out->uncompressed_page_size) {
        return Invalid("DataPageHeaderV2", "levels byte lengths", "exceed the page size", levels);
      }
      break;
    }
    case PageType::kIndexPage:
      break;
  }
  return OkStatus();
}

void WritePageHeader(CompactWriter& w, const PageHeader& h) {
  w.BeginStruct();
  WriteEnumField(w, 1, h.type);
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.crc) w.FieldI32(4, *h.crc);
  if (h.data_page_header) {
    w.FieldHeader(5, CType::kStruct);
    WriteDataPageHeader(w, *h.data_page_header);
  }
  if (h.dictionary_page_header) {
    w.FieldHeader(7, CType::kStruct);
    WriteDictionaryPageHeader(w, *h.dictionary_page_header);
  }
  if (h.data_page_header_v2) {
    w.FieldHeader(8, CType::kStruct);
    WriteDataPageHeaderV2(w, *h.data_page_header_v2);
  }
  w.EndStruct();
}

Status ReadColumnIndex(CompactReader& r, ColumnIndex* out) {
  uint32_t seen = 0;  // bit i: required field i (1..4)
  constexpr std::string_view kName = "ColumnIndex";
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    switch (f.id) {
      case 1: {
        if (f.type != CType::kList) break;
        uint32_t n = 0;
        FGM_RETURN_IF_ERROR(ReadListOf(r, CType::kBoolTrue, kName, "null_pages", &n));
        ReserveBounded(&out->null_pages, n);
        for (uint32_t i = 0; i < n; ++i) {
          bool b = false;
          FGM_RETURN_IF_ERROR(r.ReadBool(&b));
          out->null_pages.push_back(b);
        }
        seen |= 1u << 1;
        continue;
      }
      case 2:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(ReadStringList(r, kName, "min_values", &out->min_values));
        seen |= 1u << 2;
        continue;
      case 3:
        if (f.type != CType::kList) break;
        FGM_RETURN_IF_ERROR(ReadStringList(r, kName, "max_values", &out->max_values));
        seen |= 1u << 3;
        continue;
      case 4: {
        if (f.type != CType::kI32) break;
        int32_t v = 0;
        FGM_RETURN_IF_ERROR(r.ReadI32(&v));
        if (v < 0 || v > static_cast<int32_t>(BoundaryOrder::kDescending)) {
          return Invalid(kName, "boundary_order", "is not a known boundary order", v);
        }
        out->boundary_order = static_cast<BoundaryOrder>(v);
        seen |= 1u << 4;
        continue;
      }
      case 5: {
        if (f.type != CType::kList) break;
        uint32_t n = 0;
        FGM_RETURN_IF_ERROR(ReadListOf(r, CType::kI64, kName, "null_counts", &n));
        ReserveBounded(&out->null_counts, n);
        for (uint32_t i = 0; i < n; ++i) {
          int64_t v = 0;
          FGM_RETURN_IF_ERROR(r.ReadI64(&v));
          FGM_RETURN_IF_ERROR(CheckNonNegative(v, kName, "null_counts[]"));
          out->null_counts.push_back(v);
        }
        continue;
      }
      default:
        break;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  static constexpr std::string_view kNames[] = {"", "null_pages", "min_values", "max_values",
                                                "boundary_order"};
  for (int id = 1; id <= 4; ++id) {
    if ((seen & (1u << id)) == 0) return Missing(kName, kNames[id]);
  }
  // Readers index the lists in parallel (one entry per page), so their lengths must agree.
  const size_t pages = out->null_pages.size();
  if (out->min_values.size() != pages || out->max_values.size() != pages ||
      (!out->null_counts.empty() && out->null_counts.size() != pages)) {
    return CorruptError("ColumnIndex: list lengths disagree (null_pages " + std::to_string(pages) +
                        ", min_values " + std::to_string(out->min_values.size()) + ", max_values " +
                        std::to_string(out->max_values.size()) + ", null_counts " +
                        std::to_string(out->null_counts.size()) + ")");
  }
  return OkStatus();
}

void WriteColumnIndex(CompactWriter& w, const ColumnIndex& c) {
  w.BeginStruct();
  w.FieldListBegin(1, thrift::kBoolElementType, c.null_pages.size());
  for (bool b : c.null_pages) w.WriteBool(b);
  WriteStringList(w, 2, c.min_values);
  WriteStringList(w, 3, c.max_values);
  WriteEnumField(w, 4, c.boundary_order);
  if (!c.null_counts.empty()) {
    w.FieldListBegin(5, CType::kI64, c.null_counts.size());
    for (int64_t n : c.null_counts) w.WriteI64(n);
  }
  w.EndStruct();
}

Status ReadPageLocation(CompactReader& r, PageLocation* out) {
  uint32_t seen = 0;  // bit i: required field i (1..3)
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kI64) {
      FGM_RETURN_IF_ERROR(r.ReadI64(&out->offset));
      seen |= 1u << 1;
      continue;
    }
    if (f.id == 2 && f.type == CType::kI32) {
      FGM_RETURN_IF_ERROR(r.ReadI32(&out->compressed_page_size));
      seen |= 1u << 2;
      continue;
    }
    if (f.id == 3 && f.type == CType::kI64) {
      FGM_RETURN_IF_ERROR(r.ReadI64(&out->first_row_index));
      seen |= 1u << 3;
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  constexpr std::string_view kName = "PageLocation";
  if ((seen & (1u << 1)) == 0) return Missing(kName, "offset");
  if ((seen & (1u << 2)) == 0) return Missing(kName, "compressed_page_size");
  if ((seen & (1u << 3)) == 0) return Missing(kName, "first_row_index");
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->offset, kName, "offset"));
  FGM_RETURN_IF_ERROR(CheckNonNegative(out->compressed_page_size, kName, "compressed_page_size"));
  return CheckNonNegative(out->first_row_index, kName, "first_row_index");
}

void WritePageLocation(CompactWriter& w, const PageLocation& p) {
  w.BeginStruct();
  w.FieldI64(1, p.offset);
  w.FieldI32(2, p.compressed_page_size);
  w.FieldI64(3, p.first_row_index);
  w.EndStruct();
}

Status ReadOffsetIndex(CompactReader& r, OffsetIndex* out) {
  bool has_locations = false;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    if (f.id == 1 && f.type == CType::kList) {
      FGM_RETURN_IF_ERROR(ReadStructList(r, "OffsetIndex", "page_locations", &out->page_locations,
                                         ReadPageLocation));
      has_locations = true;
      continue;
    }
    FGM_RETURN_IF_ERROR(r.Skip(f));
  }
  FGM_RETURN_IF_ERROR(r.ReadStructEnd());
  if (!has_locations) return Missing("OffsetIndex", "page_locations");
  return OkStatus();
}

template <typename T, Status (*Read)(CompactReader&, T*)>
Result<T> DeserializeTop(std::string_view data, size_t* consumed) {
  CompactReader r(data);
  T value;
  FGM_RETURN_IF_ERROR(Read(r, &value));
  if (consumed != nullptr) *consumed = r.position();
  return value;
}

}  // namespace

void SerializeFileMetaData(const FileMetaData& value, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, value.version);
  WriteStructList(w, 2, value.schema, WriteSchemaElement);
  w.FieldI64(3, value.num_rows);
  WriteStructList(w, 4, value.row_groups, WriteRowGroup);
  if (!value.key_value_metadata.empty()) {
    WriteStructList(w, 5, value.key_value_metadata, WriteKeyValue);
  }
  if (value.created_by) w.FieldBinary(6, *value.created_by);
  if (!value.column_orders.empty()) WriteStructList(w, 7, value.column_orders, WriteColumnOrder);
  w.EndStruct();
}

void SerializePageHeader(const PageHeader& value, std::string* out) {
  CompactWriter w(out);
  WritePageHeader(w, value);
}

void SerializeColumnIndex(const ColumnIndex& value, std::string* out) {
  CompactWriter w(out);
  WriteColumnIndex(w, value);
}

void SerializeOffsetIndex(const OffsetIndex& value, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  WriteStructList(w, 1, value.page_locations, WritePageLocation);
  w.EndStruct();
}

Result<FileMetaData> DeserializeFileMetaData(std::string_view data) {
  return DeserializeTop<FileMetaData, ReadFileMetaData>(data, nullptr);
}

Result<PageHeader> DeserializePageHeader(std::string_view data, size_t* consumed) {
  return DeserializeTop<PageHeader, ReadPageHeader>(data, consumed);
}

Result<ColumnIndex> DeserializeColumnIndex(std::string_view data) {
  return DeserializeTop<ColumnIndex, ReadColumnIndex>(data, nullptr);
}

Result<OffsetIndex> DeserializeOffsetIndex(std::string_view data) {
  return DeserializeTop<OffsetIndex, ReadOffsetIndex>(data, nullptr);
}

}  // namespace fgm::parquet

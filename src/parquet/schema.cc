// SPDX-License-Identifier: Apache-2.0
// Conversions between the flat Schema FGM writes and reads and the footer's depth-first
// SchemaElement list, plus write-time validation. Logical types are written next to the legacy
// ConvertedType (LogicalTypes.md, "backward compatibility"); legacy-only columns are mapped back.
#include "parquet/schema.h"

#include <cmath>
#include <string>
#include <unordered_set>

namespace fgm::parquet {
namespace {

using Kind = LogicalType::Kind;

std::string Quoted(std::string_view name) {
  std::string s = "column '";
  s += name;
  s += "'";
  return s;
}

// The ConvertedType that LogicalTypes.md pairs with a logical type, if any.
std::optional<ConvertedType> ConvertedTypeFor(const LogicalType& t) {
  switch (t.kind) {
    case Kind::kString:
      return ConvertedType::kUtf8;
    case Kind::kEnum:
      return ConvertedType::kEnum;
    case Kind::kJson:
      return ConvertedType::kJson;
    case Kind::kDate:
      return ConvertedType::kDate;
    case Kind::kDecimal:
      return ConvertedType::kDecimal;
    case Kind::kTime:
      if (t.unit == TimeUnit::kMillis) return ConvertedType::kTimeMillis;
      if (t.unit == TimeUnit::kMicros) return ConvertedType::kTimeMicros;
      return std::nullopt;  // TIME(NANOS) has no converted type
    case Kind::kTimestamp:
      if (t.unit == TimeUnit::kMillis) return ConvertedType::kTimestampMillis;
      if (t.unit == TimeUnit::kMicros) return ConvertedType::kTimestampMicros;
      return std::nullopt;  // TIMESTAMP(NANOS) has no converted type
    case Kind::kInteger:
      switch (t.bit_width) {
        case 8:
          return t.is_signed ? ConvertedType::kInt8 : ConvertedType::kUint8;
        case 16:
          return t.is_signed ? ConvertedType::kInt16 : ConvertedType::kUint16;
        case 32:
          return t.is_signed ? ConvertedType::kInt32 : ConvertedType::kUint32;
        case 64:
          return t.is_signed ? ConvertedType::kInt64 : ConvertedType::kUint64;
        default:
          return std::nullopt;
      }
    case Kind::kNone:
    case Kind::kUuid:
    case Kind::kOther:
      return std::nullopt;
  }
  return std::nullopt;
}

// The logical type a legacy ConvertedType-only column stands for. Timestamps and times of the
// legacy types are UTC-adjusted (LogicalTypes.md). Types without a modelled logical type (BSON,
// INTERVAL, and MAP/LIST on a leaf, which only make sense on groups) become kOther.
LogicalType LogicalTypeFor(ConvertedType c, const SchemaElement& e) {
  switch (c) {
    case ConvertedType::kUtf8:
      return LogicalType::String();
    case ConvertedType::kEnum:
      return {.kind = Kind::kEnum};
    case ConvertedType::kJson:
      return {.kind = Kind::kJson};
    case ConvertedType::kDate:
      return {.kind = Kind::kDate};
    case ConvertedType::kDecimal:
      return {.kind = Kind::kDecimal,
              .precision = e.precision.value_or(0),
              .scale = e.scale.value_or(0)};
    case ConvertedType::kTimeMillis:
      return {.kind = Kind::kTime, .unit = TimeUnit::kMillis, .is_adjusted_to_utc = true};
    case ConvertedType::kTimeMicros:
      return {.kind = Kind::kTime, .unit = TimeUnit::kMicros, .is_adjusted_to_utc = true};
    case ConvertedType::kTimestampMillis:
      return LogicalType::Timestamp(TimeUnit::kMillis, true);
    case ConvertedType::kTimestampMicros:
      return LogicalType::Timestamp(TimeUnit::kMicros, true);
    case ConvertedType::kUint8:
      return LogicalType::Integer(8, false);
    case ConvertedType::kUint16:
      return LogicalType::Integer(16, false);
    case ConvertedType::kUint32:
      return LogicalType::Integer(32, false);
    case ConvertedType::kUint64:
      return LogicalType::Integer(64, false);
    case ConvertedType::kInt8:
      return LogicalType::Integer(8, true);
    case ConvertedType::kInt16:
      return LogicalType::Integer(16, true);
    case ConvertedType::kInt32:
      return LogicalType::Integer(32, true);
    case ConvertedType::kInt64:
      return LogicalType::Integer(64, true);
    case ConvertedType::kMap:
    case ConvertedType::kMapKeyValue:
    case ConvertedType::kList:
    case ConvertedType::kBson:
    case ConvertedType::kInterval:
      break;
  }
  return {.kind = Kind::kOther};  // also any value beyond INTERVAL
}

bool IsKnownPhysicalType(PhysicalType t) {
  return static_cast<int32_t>(t) >= 0 &&
         static_cast<int32_t>(t) <= static_cast<int32_t>(PhysicalType::kFixedLenByteArray);
}

// Largest decimal precision (in digits) a FIXED_LEN_BYTE_ARRAY(n) can hold:
// floor(log10(2^(8n-1) - 1)) per LogicalTypes.md.
int32_t MaxDecimalPrecision(int32_t type_length) {
  return static_cast<int32_t>(std::floor((8.0 * type_length - 1) * std::log10(2.0)));
}

// Checks that `spec.logical_type` may annotate `spec.type`; returns the problem, empty when fine.
std::string LogicalTypeProblem(const ColumnSpec& spec) {
  const LogicalType& t = spec.logical_type;
  const PhysicalType p = spec.type;
  switch (t.kind) {
    case Kind::kNone:
      return {};
    case Kind::kString:
    case Kind::kEnum:
    case Kind::kJson:
      return p == PhysicalType::kByteArray ? std::string() : "STRING/ENUM/JSON need BYTE_ARRAY";
    case Kind::kInteger:
      if (t.bit_width != 8 && t.bit_width != 16 && t.bit_width != 32 && t.bit_width != 64) {
        return "INTEGER bit width must be 8, 16, 32 or 64";
      }
      if (t.bit_width == 64 ? p != PhysicalType::kInt64 : p != PhysicalType::kInt32) {
        return "INTEGER(8/16/32) needs INT32 and INTEGER(64) needs INT64";
      }
      return {};
    case Kind::kTimestamp:
      return p == PhysicalType::kInt64 ? std::string() : "TIMESTAMP needs INT64";
    case Kind::kDate:
      return p == PhysicalType::kInt32 ? std::string() : "DATE needs INT32";
    case Kind::kTime:
      if (t.unit == TimeUnit::kMillis) {
        return p == PhysicalType::kInt32 ? std::string() : "TIME(MILLIS) needs INT32";
      }
      return p == PhysicalType::kInt64 ? std::string() : "TIME(MICROS/NANOS) needs INT64";
    case Kind::kDecimal: {
      if (t.precision <= 0) return "DECIMAL precision must be positive";
      if (t.scale < 0 || t.scale > t.precision) return "DECIMAL scale must be in [0, precision]";
      int32_t max_precision = 0;
      switch (p) {
        case PhysicalType::kInt32:
          max_precision = 9;
          break;
        case PhysicalType::kInt64:
          max_precision = 18;
          break;
        case PhysicalType::kFixedLenByteArray:
          max_precision = MaxDecimalPrecision(spec.type_length);
          break;
        case PhysicalType::kByteArray:
          return {};
        default:
          return "DECIMAL needs INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY";
      }
      if (t.precision > max_precision) return "DECIMAL precision too large for the physical type";
      return {};
    }
    case Kind::kUuid:
      return p == PhysicalType::kFixedLenByteArray && spec.type_length == 16
                 ? std::string()
                 : "UUID needs FIXED_LEN_BYTE_ARRAY(16)";
    case Kind::kOther:
      return "logical type kOther cannot be written";
  }
  return "unknown logical type kind";
}

}  // namespace

int Schema::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<SchemaElement> ToSchemaElements(const Schema& schema) {
  std::vector<SchemaElement> elements;
  elements.reserve(schema.columns.size() + 1);
  SchemaElement& root = elements.emplace_back();
  // Like parquet-mr and Arrow: the root is a group named "schema" without a repetition type.
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.columns.size());
  for (const ColumnSpec& spec : schema.columns) {
    SchemaElement& e = elements.emplace_back();
    e.type = spec.type;
    if (spec.type == PhysicalType::kFixedLenByteArray) e.type_length = spec.type_length;
    e.repetition_type = spec.repetition;
    e.name = spec.name;
    e.converted_type = ConvertedTypeFor(spec.logical_type);
    if (!e.converted_type && spec.logical_type.kind == Kind::kNone) {
      e.converted_type = spec.converted_type;  // a legacy annotation carried over from a read file
    }
    if (spec.logical_type.kind != Kind::kNone && spec.logical_type.kind != Kind::kOther) {
      e.logical_type = spec.logical_type;
    }
    if (spec.logical_type.kind == Kind::kDecimal) {
      // Format v1 readers only know the SchemaElement copies of scale and precision.
      e.scale = spec.logical_type.scale;
      e.precision = spec.logical_type.precision;
    }
  }
  return elements;
}

Result<Schema> FromSchemaElements(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return CorruptError("schema: no root element");
  const SchemaElement& root = elements[0];
  if (root.type) return CorruptError("schema: the root element '" + root.name + "' is not a group");
  if (root.num_children && *root.num_children < 0) {
    return CorruptError("schema: the root has a negative num_children");
  }
  const size_t declared = root.num_children ? static_cast<size_t>(*root.num_children) : 0;
  if (!root.num_children && elements.size() > 1) {
    return CorruptError("schema: the root element has no num_children but " +
                        std::to_string(elements.size() - 1) + " elements follow");
  }
  if (declared > elements.size() - 1) {
    return CorruptError("schema: the root declares " + std::to_string(declared) +
                        " children but only " + std::to_string(elements.size() - 1) +
                        " elements follow");
  }

  Schema schema;
  schema.columns.reserve(declared);
  for (size_t i = 1; i <= declared; ++i) {
    const SchemaElement& e = elements[i];
    // Some writers put num_children = 0 on leaves; only a positive count makes a group.
    const bool is_group = !e.type || (e.num_children && *e.num_children > 0);
    if (is_group) {
      if (!e.num_children) {
        return CorruptError("schema: " + Quoted(e.name) + " has neither a type nor children");
      }
      return UnsupportedError("schema: " + Quoted(e.name) +
                              " is a nested group; only flat schemas are supported");
    }
    if (!e.repetition_type) {
      return CorruptError("schema: " + Quoted(e.name) + " has no repetition type");
    }
    const Repetition repetition = *e.repetition_type;
    if (repetition != Repetition::kRequired && repetition != Repetition::kOptional) {
      return UnsupportedError("schema: " + Quoted(e.name) + " is repeated (repetition " +
                              std::to_string(static_cast<int32_t>(repetition)) +
                              "); only flat schemas are supported");
    }
    ColumnSpec& spec = schema.columns.emplace_back();
    spec.name = e.name;
    spec.type = *e.type;  // DeserializeFileMetaData rejects unknown physical types
    spec.repetition = repetition;
    if (spec.type == PhysicalType::kFixedLenByteArray) {
      if (!e.type_length || *e.type_length <= 0) {
        return CorruptError("schema: " + Quoted(e.name) +
                            " is FIXED_LEN_BYTE_ARRAY without a positive type_length");
      }
      spec.type_length = *e.type_length;
    }
    spec.converted_type = e.converted_type;
    if (e.logical_type && e.logical_type->kind != Kind::kNone) {
      spec.logical_type = *e.logical_type;  // the logical type wins over the converted type
    } else if (e.converted_type) {
      spec.logical_type = LogicalTypeFor(*e.converted_type, e);
    }
  }
  if (declared + 1 != elements.size()) {
    return CorruptError("schema: " + std::to_string(elements.size() - 1 - declared) +
                        " elements follow the root's " + std::to_string(declared) + " children");
  }
  return schema;
}

Status ValidateSchema(const Schema& schema) {
  std::unordered_set<std::string_view> names;
  names.reserve(schema.columns.size());
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const ColumnSpec& spec = schema.columns[i];
    if (spec.name.empty()) {
      return InvalidArgumentError("schema: column " + std::to_string(i) + " has an empty name");
    }
    if (!names.insert(spec.name).second) {
      return InvalidArgumentError("schema: duplicate " + Quoted(spec.name));
    }
    const std::string where = "schema: " + Quoted(spec.name) + ": ";
    if (!IsKnownPhysicalType(spec.type)) {
      return InvalidArgumentError(where + "unknown physical type " +
                                  std::to_string(static_cast<int32_t>(spec.type)));
    }
    if (spec.type == PhysicalType::kInt96) {
      return InvalidArgumentError(where + "INT96 is read-only (deprecated by the format)");
    }
    if (spec.repetition != Repetition::kRequired && spec.repetition != Repetition::kOptional) {
      return InvalidArgumentError(where + "only REQUIRED and OPTIONAL columns can be written");
    }
    if (spec.type == PhysicalType::kFixedLenByteArray && spec.type_length <= 0) {
      return InvalidArgumentError(where + "FIXED_LEN_BYTE_ARRAY needs a positive type_length");
    }
    if (std::string problem = LogicalTypeProblem(spec); !problem.empty()) {
      return InvalidArgumentError(where + problem);
    }
    if (spec.converted_type && spec.logical_type.kind != Kind::kNone &&
        spec.converted_type != ConvertedTypeFor(spec.logical_type)) {
      return InvalidArgumentError(where + "converted type " +
                                  std::string(ConvertedTypeName(*spec.converted_type)) +
                                  " contradicts the logical type");
    }
  }
  return OkStatus();
}

}  // namespace fgm::parquet

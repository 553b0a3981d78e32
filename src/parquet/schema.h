// SPDX-License-Identifier: Apache-2.0
// Schema: a flat list of leaf columns (FGM writes and reads flat tables only). Converts to and from
// the footer's depth-first SchemaElement list; a nested schema read from a foreign file is
// kUnsupported with the offending column named, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "parquet/metadata.h"
#include "parquet/types.h"

namespace fgm::parquet {

struct ColumnSpec {
  std::string name;
  PhysicalType type = PhysicalType::kInt64;
  Repetition repetition = Repetition::kRequired;  // kRequired or kOptional
  LogicalType logical_type;                       // Kind::kNone for none
  std::optional<ConvertedType> converted_type;    // derived from logical_type when writing
  int32_t type_length = 0;                        // FIXED_LEN_BYTE_ARRAY only

  static ColumnSpec Int64(std::string name, Repetition r = Repetition::kRequired) {
    return {.name = std::move(name), .type = PhysicalType::kInt64, .repetition = r};
  }
  static ColumnSpec Int32(std::string name, Repetition r = Repetition::kRequired) {
    return {.name = std::move(name), .type = PhysicalType::kInt32, .repetition = r};
  }
  static ColumnSpec Double(std::string name, Repetition r = Repetition::kRequired) {
    return {.name = std::move(name), .type = PhysicalType::kDouble, .repetition = r};
  }
  static ColumnSpec Float(std::string name, Repetition r = Repetition::kRequired) {
    return {.name = std::move(name), .type = PhysicalType::kFloat, .repetition = r};
  }
  static ColumnSpec Bool(std::string name, Repetition r = Repetition::kRequired) {
    return {.name = std::move(name), .type = PhysicalType::kBoolean, .repetition = r};
  }
  static ColumnSpec String(std::string name, Repetition r = Repetition::kRequired) {
    return {.name = std::move(name),
            .type = PhysicalType::kByteArray,
            .repetition = r,
            .logical_type = LogicalType::String()};
  }
  static ColumnSpec Timestamp(std::string name, TimeUnit unit, bool utc = true,
                              Repetition r = Repetition::kRequired) {
    return {.name = std::move(name),
            .type = PhysicalType::kInt64,
            .repetition = r,
            .logical_type = LogicalType::Timestamp(unit, utc)};
  }
  friend bool operator==(const ColumnSpec&, const ColumnSpec&) = default;
};

struct Schema {
  std::vector<ColumnSpec> columns;

  /// Index of the column called `name`, or -1.
  int FindColumn(std::string_view name) const;
  friend bool operator==(const Schema&, const Schema&) = default;
};

/// Footer schema (root + leaves), with ConvertedType filled in from the logical type where the
/// format defines one (STRING -> UTF8, INT(8..64) -> INT_n/UINT_n, TIMESTAMP(ms/us) -> TIMESTAMP_*).
std::vector<SchemaElement> ToSchemaElements(const Schema& schema);
/// Flat schema from a footer. Legacy ConvertedType-only columns get the matching LogicalType.
/// kUnsupported for nested/repeated schemas; kCorrupt for inconsistent child counts.
Result<Schema> FromSchemaElements(const std::vector<SchemaElement>& elements);

/// Checks a schema we are asked to write: unique non-empty names, supported type/logical pairs,
/// positive type_length for FIXED_LEN_BYTE_ARRAY. kInvalidArgument naming the column otherwise.
Status ValidateSchema(const Schema& schema);

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// Tests of schema conversion: logical + converted types written for each column kind, legacy
// ConvertedType-only columns mapped back, nested/repeated/inconsistent footers rejected with the
// column named, and write-time validation.
#include "parquet/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fgm::parquet {
namespace {

using Kind = LogicalType::Kind;
using ::testing::HasSubstr;

SchemaElement Leaf(std::string name, PhysicalType type,
                   Repetition repetition = Repetition::kRequired) {
  return {.type = type, .repetition_type = repetition, .name = std::move(name)};
}

SchemaElement Root(int32_t children) { return {.name = "schema", .num_children = children}; }

TEST(SchemaTest, FindColumn) {
  Schema schema{{ColumnSpec::Int64("ts"), ColumnSpec::String("name"), ColumnSpec::Double("v")}};
  EXPECT_EQ(schema.FindColumn("ts"), 0);
  EXPECT_EQ(schema.FindColumn("v"), 2);
  EXPECT_EQ(schema.FindColumn("V"), -1);
  EXPECT_EQ(schema.FindColumn(""), -1);
  EXPECT_EQ(Schema{}.FindColumn("ts"), -1);
}

TEST(SchemaTest, ToSchemaElementsWritesLogicalAndConvertedTypes) {
  Schema schema{{
      ColumnSpec::Timestamp("ts_ms", TimeUnit::kMillis),
      ColumnSpec::Timestamp("ts_us", TimeUnit::kMicros, /*utc=*/false),
      ColumnSpec::Timestamp("ts_ns", TimeUnit::kNanos, true, Repetition::kOptional),
      ColumnSpec::String("s", Repetition::kOptional),
      {.name = "u8", .type = PhysicalType::kInt32, .logical_type = LogicalType::Integer(8, false)},
      {.name = "i16", .type = PhysicalType::kInt32, .logical_type = LogicalType::Integer(16, true)},
      {.name = "u64",
       .type = PhysicalType::kInt64,
       .logical_type = LogicalType::Integer(64, false)},
      {.name = "dec",
       .type = PhysicalType::kFixedLenByteArray,
       .logical_type = {.kind = Kind::kDecimal, .precision = 12, .scale = 3},
       .type_length = 8},
      {.name = "id",
       .type = PhysicalType::kFixedLenByteArray,
       .logical_type = {.kind = Kind::kUuid},
       .type_length = 16},
      ColumnSpec::Double("plain"),
  }};
  const std::vector<SchemaElement> e = ToSchemaElements(schema);
  ASSERT_EQ(e.size(), 11u);
  EXPECT_EQ(e[0].name, "schema");
  EXPECT_EQ(e[0].num_children, 10);
  EXPECT_FALSE(e[0].type.has_value());
  EXPECT_FALSE(e[0].repetition_type.has_value());

  EXPECT_EQ(e[1].converted_type, ConvertedType::kTimestampMillis);
  EXPECT_EQ(e[1].logical_type, LogicalType::Timestamp(TimeUnit::kMillis, true));
  EXPECT_EQ(e[2].converted_type, ConvertedType::kTimestampMicros);
  EXPECT_FALSE(e[2].logical_type->is_adjusted_to_utc);
  EXPECT_FALSE(e[3].converted_type.has_value());  // NANOS has no converted type
  EXPECT_EQ(e[3].logical_type, LogicalType::Timestamp(TimeUnit::kNanos, true));
  EXPECT_EQ(e[3].repetition_type, Repetition::kOptional);
  EXPECT_EQ(e[4].converted_type, ConvertedType::kUtf8);
  EXPECT_EQ(e[4].type, PhysicalType::kByteArray);
  EXPECT_EQ(e[5].converted_type, ConvertedType::kUint8);
  EXPECT_EQ(e[6].converted_type, ConvertedType::kInt16);
  EXPECT_EQ(e[7].converted_type, ConvertedType::kUint64);
  EXPECT_EQ(e[8].converted_type, ConvertedType::kDecimal);
  EXPECT_EQ(e[8].precision, 12);
  EXPECT_EQ(e[8].scale, 3);
  EXPECT_EQ(e[8].type_length, 8);
  EXPECT_FALSE(e[9].converted_type.has_value());  // UUID has no converted type
  EXPECT_EQ(e[9].logical_type->kind, Kind::kUuid);
  EXPECT_FALSE(e[10].converted_type.has_value());
  EXPECT_FALSE(e[10].logical_type.has_value());
  EXPECT_FALSE(e[10].type_length.has_value());
  EXPECT_EQ(e[10].repetition_type, Repetition::kRequired);
}

TEST(SchemaTest, RoundTripsThroughSchemaElements) {
  Schema schema{{
      ColumnSpec::Timestamp("ts", TimeUnit::kMicros),
      ColumnSpec::String("container", Repetition::kOptional),
      ColumnSpec::Int64("cpu_usage_usec"),
      ColumnSpec::Int32("n"),
      ColumnSpec::Bool("ok", Repetition::kOptional),
      ColumnSpec::Float("f"),
      {.name = "day", .type = PhysicalType::kInt32, .logical_type = {.kind = Kind::kDate}},
  }};
  ASSERT_TRUE(ValidateSchema(schema).ok());
  Result<Schema> back = FromSchemaElements(ToSchemaElements(schema));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  // Reading fills in the converted types that writing derived.
  schema.columns[0].converted_type = ConvertedType::kTimestampMicros;
  schema.columns[1].converted_type = ConvertedType::kUtf8;
  schema.columns[6].converted_type = ConvertedType::kDate;
  EXPECT_EQ(*back, schema);
  // And a read schema is valid for writing again.
  EXPECT_TRUE(ValidateSchema(*back).ok());
}

TEST(SchemaTest, LegacyConvertedTypesMapToLogicalTypes) {
  struct Case {
    ConvertedType converted;
    PhysicalType physical;
    LogicalType expected;
  };
  const Case cases[] = {
      {ConvertedType::kUtf8, PhysicalType::kByteArray, LogicalType::String()},
      {ConvertedType::kEnum, PhysicalType::kByteArray, {.kind = Kind::kEnum}},
      {ConvertedType::kJson, PhysicalType::kByteArray, {.kind = Kind::kJson}},
      {ConvertedType::kDate, PhysicalType::kInt32, {.kind = Kind::kDate}},
      {ConvertedType::kTimeMillis,
       PhysicalType::kInt32,
       {.kind = Kind::kTime, .unit = TimeUnit::kMillis, .is_adjusted_to_utc = true}},
      {ConvertedType::kTimeMicros,
       PhysicalType::kInt64,
       {.kind = Kind::kTime, .unit = TimeUnit::kMicros, .is_adjusted_to_utc = true}},
      {ConvertedType::kTimestampMillis, PhysicalType::kInt64,
       LogicalType::Timestamp(TimeUnit::kMillis, true)},
      {ConvertedType::kTimestampMicros, PhysicalType::kInt64,
       LogicalType::Timestamp(TimeUnit::kMicros, true)},
      {ConvertedType::kUint8, PhysicalType::kInt32, LogicalType::Integer(8, false)},
      {ConvertedType::kUint16, PhysicalType::kInt32, LogicalType::Integer(16, false)},
      {ConvertedType::kUint32, PhysicalType::kInt32, LogicalType::Integer(32, false)},
      {ConvertedType::kUint64, PhysicalType::kInt64, LogicalType::Integer(64, false)},
      {ConvertedType::kInt8, PhysicalType::kInt32, LogicalType::Integer(8, true)},
      {ConvertedType::kInt16, PhysicalType::kInt32, LogicalType::Integer(16, true)},
      {ConvertedType::kInt32, PhysicalType::kInt32, LogicalType::Integer(32, true)},
      {ConvertedType::kInt64, PhysicalType::kInt64, LogicalType::Integer(64, true)},
      {ConvertedType::kBson, PhysicalType::kByteArray, {.kind = Kind::kOther}},
      {ConvertedType::kInterval, PhysicalType::kFixedLenByteArray, {.kind = Kind::kOther}},
      {static_cast<ConvertedType>(99), PhysicalType::kInt32, {.kind = Kind::kOther}},
  };
  for (const Case& c : cases) {
    SchemaElement leaf = Leaf("c", c.physical);
    leaf.converted_type = c.converted;
    if (c.physical == PhysicalType::kFixedLenByteArray) leaf.type_length = 12;
    Result<Schema> schema = FromSchemaElements({Root(1), leaf});
    ASSERT_TRUE(schema.ok()) << schema.error().ToString();
    EXPECT_EQ(schema->columns[0].logical_type, c.expected) << ConvertedTypeName(c.converted);
    EXPECT_EQ(schema->columns[0].converted_type, c.converted);
  }

  // Legacy DECIMAL takes scale and precision from the element.
  SchemaElement dec = Leaf("d", PhysicalType::kInt64);
  dec.converted_type = ConvertedType::kDecimal;
  dec.precision = 15;
  dec.scale = 2;
  Result<Schema> schema = FromSchemaElements({Root(1), dec});
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  EXPECT_EQ(schema->columns[0].logical_type,
            (LogicalType{.kind = Kind::kDecimal, .precision = 15, .scale = 2}));
}

TEST(SchemaTest, LogicalTypeWinsOverConvertedType) {
  // A TIMESTAMP(NANOS, local) with a (contradictory) legacy annotation: the logical type is kept.
  SchemaElement leaf = Leaf("ts", PhysicalType::kInt64);
  leaf.converted_type = ConvertedType::kTimestampMicros;
  leaf.logical_type = LogicalType::Timestamp(TimeUnit::kNanos, false);
  Result<Schema> schema = FromSchemaElements({Root(1), leaf});
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  EXPECT_EQ(schema->columns[0].logical_type, LogicalType::Timestamp(TimeUnit::kNanos, false));
}

TEST(SchemaTest, LeafWithZeroChildrenIsALeaf) {
  SchemaElement leaf = Leaf("x", PhysicalType::kDouble);
  leaf.num_children = 0;
  Result<Schema> schema = FromSchemaElements({Root(1), leaf});
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  EXPECT_EQ(schema->columns[0].type, PhysicalType::kDouble);
}

TEST(SchemaTest, EmptySchemaHasNoColumns) {
  Result<Schema> schema = FromSchemaElements({Root(0)});
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  EXPECT_TRUE(schema->columns.empty());
  SchemaElement bare_root{.name = "schema"};
  EXPECT_TRUE(FromSchemaElements({bare_root}).ok());
}

TEST(SchemaTest, NestedAndRepeatedSchemasAreUnsupportedAndNamed) {
  // A list column in the standard 3-level layout.
  SchemaElement list{.repetition_type = Repetition::kOptional,
                     .name = "tags",
                     .num_children = 1,
                     .converted_type = ConvertedType::kList};
  SchemaElement repeated{
      .repetition_type = Repetition::kRepeated, .name = "list", .num_children = 1};
  Result<Schema> schema =
      FromSchemaElements({Root(2), Leaf("a", PhysicalType::kInt64), list, repeated,
                          Leaf("element", PhysicalType::kByteArray, Repetition::kOptional)});
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code(), StatusCode::kUnsupported);
  EXPECT_THAT(schema.error().message(), HasSubstr("column 'tags' is a nested group"));

  // A legacy repeated primitive (2-level list).
  schema = FromSchemaElements({Root(2), Leaf("a", PhysicalType::kInt64),
                               Leaf("r", PhysicalType::kInt32, Repetition::kRepeated)});
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code(), StatusCode::kUnsupported);
  EXPECT_THAT(schema.error().message(), HasSubstr("column 'r' is repeated"));

  // VECTOR repetition (3) from a newer format version.
  schema =
      FromSchemaElements({Root(1), Leaf("v", PhysicalType::kFloat, static_cast<Repetition>(3))});
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code(), StatusCode::kUnsupported);
  EXPECT_THAT(schema.error().message(), HasSubstr("column 'v'"));
}

TEST(SchemaTest, InconsistentElementListsAreCorrupt) {
  struct Case {
    std::vector<SchemaElement> elements;
    const char* message;
  };
  SchemaElement typeless{.repetition_type = Repetition::kRequired, .name = "t"};
  SchemaElement no_repetition{.type = PhysicalType::kInt32, .name = "nr"};
  SchemaElement flba = Leaf("f", PhysicalType::kFixedLenByteArray);
  SchemaElement leaf_root{.type = PhysicalType::kInt32, .name = "r", .num_children = 1};
  const Case cases[] = {
      {{}, "no root"},
      {{Root(3), Leaf("a", PhysicalType::kInt32), Leaf("b", PhysicalType::kInt32)},
       "declares 3 children but only 2"},
      {{Root(1), Leaf("a", PhysicalType::kInt32), Leaf("b", PhysicalType::kInt32)},
       "1 elements follow the root's 1 children"},
      {{SchemaElement{.name = "schema"}, Leaf("a", PhysicalType::kInt32)},
       "root element has no num_children"},
      {{Root(-1)}, "negative num_children"},
      {{leaf_root, Leaf("a", PhysicalType::kInt32)}, "root element 'r' is not a group"},
      {{Root(1), typeless}, "column 't' has neither a type nor children"},
      {{Root(1), no_repetition}, "column 'nr' has no repetition type"},
      {{Root(1), flba}, "column 'f' is FIXED_LEN_BYTE_ARRAY without a positive type_length"},
  };
  for (const Case& c : cases) {
    Result<Schema> schema = FromSchemaElements(c.elements);
    ASSERT_FALSE(schema.ok()) << c.message;
    EXPECT_EQ(schema.error().code(), StatusCode::kCorrupt) << c.message;
    EXPECT_THAT(schema.error().message(), HasSubstr(c.message));
  }
}

TEST(SchemaTest, ValidateSchemaAcceptsSupportedColumns) {
  Schema schema{{
      ColumnSpec::Timestamp("ts", TimeUnit::kNanos),
      ColumnSpec::String("s", Repetition::kOptional),
      {.name = "u8", .type = PhysicalType::kInt32, .logical_type = LogicalType::Integer(8, false)},
      {.name = "i64", .type = PhysicalType::kInt64, .logical_type = LogicalType::Integer(64, true)},
      {.name = "t_ms",
       .type = PhysicalType::kInt32,
       .logical_type = {.kind = Kind::kTime, .unit = TimeUnit::kMillis}},
      {.name = "t_ns",
       .type = PhysicalType::kInt64,
       .logical_type = {.kind = Kind::kTime, .unit = TimeUnit::kNanos}},
      {.name = "d9",
       .type = PhysicalType::kInt32,
       .logical_type = {.kind = Kind::kDecimal, .precision = 9, .scale = 9}},
      {.name = "d38",
       .type = PhysicalType::kFixedLenByteArray,
       .logical_type = {.kind = Kind::kDecimal, .precision = 38, .scale = 0},
       .type_length = 16},
      {.name = "uuid",
       .type = PhysicalType::kFixedLenByteArray,
       .logical_type = {.kind = Kind::kUuid},
       .type_length = 16},
      {.name = "j", .type = PhysicalType::kByteArray, .logical_type = {.kind = Kind::kJson}},
      {.name = "legacy",
       .type = PhysicalType::kFixedLenByteArray,
       .converted_type = ConvertedType::kInterval,
       .type_length = 12},
      {.name = "s2",
       .type = PhysicalType::kByteArray,
       .logical_type = LogicalType::String(),
       .converted_type = ConvertedType::kUtf8},
  }};
  Status s = ValidateSchema(schema);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(ValidateSchema(Schema{}).ok());
}

TEST(SchemaTest, ValidateSchemaRejectsBadColumnsNamingThem) {
  struct Case {
    ColumnSpec spec;
    const char* message;
  };
  const Case cases[] = {
      {{.name = "", .type = PhysicalType::kInt64}, "column 1 has an empty name"},
      {ColumnSpec::Int64("a"), "duplicate column 'a'"},
      {{.name = "x", .type = PhysicalType::kInt96}, "column 'x': INT96 is read-only"},
      {{.name = "x", .type = static_cast<PhysicalType>(8)}, "column 'x': unknown physical type"},
      {ColumnSpec::Int64("x", Repetition::kRepeated), "column 'x': only REQUIRED and OPTIONAL"},
      {{.name = "x", .type = PhysicalType::kFixedLenByteArray},
       "FIXED_LEN_BYTE_ARRAY needs a positive type_length"},
      {{.name = "x", .type = PhysicalType::kInt64, .logical_type = LogicalType::String()},
       "STRING/ENUM/JSON need BYTE_ARRAY"},
      {{.name = "x", .type = PhysicalType::kInt64, .logical_type = LogicalType::Integer(8, true)},
       "INTEGER(8/16/32) needs INT32"},
      {{.name = "x", .type = PhysicalType::kInt32, .logical_type = LogicalType::Integer(12, true)},
       "bit width must be 8, 16, 32 or 64"},
      {{.name = "x",
        .type = PhysicalType::kInt32,
        .logical_type = LogicalType::Timestamp(TimeUnit::kMillis, true)},
       "TIMESTAMP needs INT64"},
      {{.name = "x", .type = PhysicalType::kInt64, .logical_type = {.kind = Kind::kDate}},
       "DATE needs INT32"},
      {{.name = "x",
        .type = PhysicalType::kInt32,
        .logical_type = {.kind = Kind::kTime, .unit = TimeUnit::kMicros}},
       "TIME(MICROS/NANOS) needs INT64"},
      {{.name = "x",
        .type = PhysicalType::kInt32,
        .logical_type = {.kind = Kind::kDecimal, .precision = 10, .scale = 0}},
       "precision too large"},
      {{.name = "x",
        .type = PhysicalType::kFixedLenByteArray,
        .logical_type = {.kind = Kind::kDecimal, .precision = 39, .scale = 0},
        .type_length = 16},
       "precision too large"},
      {{.name = "x",
        .type = PhysicalType::kInt64,
        .logical_type = {.kind = Kind::kDecimal, .precision = 5, .scale = 6}},
       "scale must be in [0, precision]"},
      {{.name = "x",
        .type = PhysicalType::kDouble,
        .logical_type = {.kind = Kind::kDecimal, .precision = 5, .scale = 1}},
       "DECIMAL needs"},
      {{.name = "x",
        .type = PhysicalType::kFixedLenByteArray,
        .logical_type = {.kind = Kind::kUuid},
        .type_length = 8},
       "UUID needs FIXED_LEN_BYTE_ARRAY(16)"},
      {{.name = "x", .type = PhysicalType::kInt64, .logical_type = {.kind = Kind::kOther}},
       "kOther cannot be written"},
      {{.name = "x",
        .type = PhysicalType::kByteArray,
        .logical_type = LogicalType::String(),
        .converted_type = ConvertedType::kJson},
       "converted type JSON contradicts the logical type"},
  };
  for (const Case& c : cases) {
    Schema schema{{ColumnSpec::Int64("a"), c.spec}};
    Status s = ValidateSchema(schema);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(s.message(), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace fgm::parquet

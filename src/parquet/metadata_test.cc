// SPDX-License-Identifier: Apache-2.0
// Tests of footer / page header / page index (de)serialization: round trips with every optional
// field set and unset, hand-computed byte vectors, forward compatibility (unknown fields and union
// members), required-field and range checks, and robustness against truncated, mutated and
// hostile input.
#include "parquet/metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "parquet/schema.h"
#include "parquet/thrift/compact_protocol.h"

namespace fgm::parquet {
namespace {

using ::testing::HasSubstr;
using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::FieldHeader;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

// A generic Thrift value tree, so tests can take a valid serialization apart, edit it (drop a
// field, change a value or type, add unknown fields anywhere) and put it back together.
struct TValue {
  CType type = CType::kStop;
  int64_t i = 0;                   // bool (0/1), i8, i16, i32, i64
  double d = 0;                    // double
  std::string bin;                 // binary, uuid
  CType elem_type = CType::kStop;  // list/set elements, map values
  CType key_type = CType::kStop;   // map keys
  std::vector<TValue> elems;       // list/set elements; map: key, value, key, value...
  std::vector<std::pair<int16_t, TValue>> fields;  // struct

  TValue* Field(int16_t id) {
    for (auto& [fid, v] : fields) {
      if (fid == id) return &v;
    }
    return nullptr;
  }
  TValue& At(std::initializer_list<int> path) {
    // Each step is a field id when the current value is a struct, else an element index.
    TValue* v = this;
    for (int step : path) {
      if (v->type == CType::kStruct) {
        v = v->Field(static_cast<int16_t>(step));
      } else {
        v = &v->elems.at(step);
      }
      if (v == nullptr) ADD_FAILURE() << "no field " << step;
    }
    return *v;
  }
  void Drop(int16_t id) {
    std::erase_if(fields, [id](const auto& f) { return f.first == id; });
  }
};

Status ParseValue(CompactReader& r, CType type, TValue* out);

Status ParseStruct(CompactReader& r, TValue* out) {
  out->type = CType::kStruct;
  FGM_RETURN_IF_ERROR(r.ReadStructBegin());
  for (;;) {
    FieldHeader f;
    FGM_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.is_stop()) break;
    TValue v;
    if (f.is_bool()) {
      v.type = CType::kBoolTrue;
      v.i = f.bool_value();
    } else {
      FGM_RETURN_IF_ERROR(ParseValue(r, f.type, &v));
    }
    out->fields.emplace_back(f.id, std::move(v));
  }
  return r.ReadStructEnd();
}

Status ParseValue(CompactReader& r, CType type, TValue* out) {
  out->type = type;
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse: {
      bool b = false;
      FGM_RETURN_IF_ERROR(r.ReadBool(&b));
      out->type = CType::kBoolTrue;
      out->i = b;
      return OkStatus();
    }
    case CType::kI8: {
      int8_t v = 0;
      FGM_RETURN_IF_ERROR(r.ReadI8(&v));
      out->i = v;
      return OkStatus();
    }
    case CType::kI16:
    case CType::kI32:
    case CType::kI64:
      return r.ReadI64(&out->i);
    case CType::kDouble:
      return r.ReadDouble(&out->d);
    case CType::kBinary:
      return r.ReadString(&out->bin);
    case CType::kStruct:
      return ParseStruct(r, out);
    case CType::kList:
    case CType::kSet: {
      uint32_t n = 0;
      FGM_RETURN_IF_ERROR(r.ReadListHeader(&out->elem_type, &n));
      out->elems.resize(n);
      for (auto& e : out->elems) FGM_RETURN_IF_ERROR(ParseValue(r, out->elem_type, &e));
      return OkStatus();
    }
    case CType::kMap: {
      uint32_t n = 0;
      FGM_RETURN_IF_ERROR(r.ReadMapHeader(&out->key_type, &out->elem_type, &n));
      out->elems.resize(2 * n);
      for (uint32_t k = 0; k < 2 * n; ++k) {
        FGM_RETURN_IF_ERROR(
            ParseValue(r, k % 2 == 0 ? out->key_type : out->elem_type, &out->elems[k]));
      }
      return OkStatus();
    }
    default:
      return InternalError("test parser: unsupported type");
  }
}

void WriteValue(CompactWriter& w, std::string* out, const TValue& v) {
  switch (v.type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse:
      w.WriteBool(v.i != 0);
      break;
    case CType::kI8:
      w.WriteI8(static_cast<int8_t>(v.i));
      break;
    case CType::kI16:
    case CType::kI32:
      w.WriteI32(static_cast<int32_t>(v.i));
      break;
    case CType::kI64:
      w.WriteI64(v.i);
      break;
    case CType::kDouble:
      w.WriteDouble(v.d);
      break;
    case CType::kBinary:
      w.WriteBinary(v.bin);
      break;
    case CType::kUuid:
      out->append(v.bin);
      break;
    case CType::kStruct:
      w.BeginStruct();
      for (const auto& [id, f] : v.fields) {
        if (f.type == CType::kBoolTrue || f.type == CType::kBoolFalse) {
          w.FieldBool(id, f.i != 0);
        } else {
          w.FieldHeader(id, f.type);
          WriteValue(w, out, f);
        }
      }
      w.EndStruct();
      break;
    case CType::kList:
    case CType::kSet:
      w.ListHeader(v.elem_type, v.elems.size());
      for (const auto& e : v.elems) WriteValue(w, out, e);
      break;
    case CType::kMap:
      w.WriteVarint(v.elems.size() / 2);
      if (!v.elems.empty()) {
        out->push_back(
            static_cast<char>((static_cast<int>(v.key_type) << 4) | static_cast<int>(v.elem_type)));
      }
      for (const auto& e : v.elems) WriteValue(w, out, e);
      break;
    case CType::kStop:
      ADD_FAILURE() << "stop is not a value";
      break;
  }
}

TValue Parse(std::string_view bytes) {
  CompactReader r(bytes);
  TValue v;
  Status s = ParseStruct(r, &v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return v;
}

std::string Write(const TValue& v) {
  std::string out;
  CompactWriter w(&out);
  WriteValue(w, &out, v);
  return out;
}

TValue I32(int64_t v) { return {.type = CType::kI32, .i = v}; }
TValue I64(int64_t v) { return {.type = CType::kI64, .i = v}; }
TValue Bin(std::string s) { return {.type = CType::kBinary, .bin = std::move(s)}; }
TValue Struct(std::vector<std::pair<int16_t, TValue>> fields = {}) {
  return {.type = CType::kStruct, .fields = std::move(fields)};
}
TValue List(CType elem_type, std::vector<TValue> elems) {
  return {.type = CType::kList, .elem_type = elem_type, .elems = std::move(elems)};
}

// A rich extension value as a future writer might add: nested structs, lists of lists, a map, a
// set, a uuid and a double.
TValue UnknownExtension() {
  TValue map{.type = CType::kMap, .elem_type = CType::kStruct, .key_type = CType::kBinary};
  map.elems = {Bin("k"), Struct({{1, List(CType::kI64, {I64(1), I64(-2)})}})};
  return Struct({{1, List(CType::kList, {List(CType::kI32, {I32(1)}), List(CType::kI32, {})})},
                 {2, map},
                 {3, TValue{.type = CType::kSet, .elem_type = CType::kBinary, .elems = {Bin("x")}}},
                 {4, TValue{.type = CType::kUuid, .bin = std::string(16, 'u')}},
                 {5, TValue{.type = CType::kDouble, .d = 2.5}},
                 {6, Struct({{7, Struct({{8, TValue{.type = CType::kBoolTrue, .i = 1}}})}})}});
}

Statistics FullStatistics(int seed) {
  return Statistics{.max = "max" + std::to_string(seed),
                    .min = "min",
                    .null_count = seed,
                    .distinct_count = 1000 + seed,
                    .max_value = std::string("\x00\xFF\x7F", 3),
                    .min_value = "",
                    .is_max_value_exact = true,
                    .is_min_value_exact = false};
}

// A footer with every optional field set somewhere, and every logical type we model.
FileMetaData FullFileMetaData(int num_row_groups = 2) {
  FileMetaData m;
  m.version = 2;
  m.schema.push_back({.name = "schema", .num_children = 9});
  const std::vector<std::pair<PhysicalType, LogicalType>> leaves = {
      {PhysicalType::kInt64, LogicalType::Timestamp(TimeUnit::kNanos, false)},
      {PhysicalType::kByteArray, LogicalType::String()},
      {PhysicalType::kInt32, LogicalType::Integer(8, false)},
      {PhysicalType::kInt32, {.kind = LogicalType::Kind::kDate}},
      {PhysicalType::kInt32,
       {.kind = LogicalType::Kind::kTime, .unit = TimeUnit::kMillis, .is_adjusted_to_utc = true}},
      {PhysicalType::kFixedLenByteArray,
       {.kind = LogicalType::Kind::kDecimal, .precision = 20, .scale = 4}},
      {PhysicalType::kByteArray, {.kind = LogicalType::Kind::kEnum}},
      {PhysicalType::kByteArray, {.kind = LogicalType::Kind::kJson}},
      {PhysicalType::kFixedLenByteArray, {.kind = LogicalType::Kind::kUuid}},
  };
  for (size_t i = 0; i < leaves.size(); ++i) {
    SchemaElement e;
    e.type = leaves[i].first;
    e.repetition_type = i % 2 == 0 ? Repetition::kRequired : Repetition::kOptional;
    e.name = "col" + std::to_string(i);
    e.logical_type = leaves[i].second;
    e.field_id = static_cast<int32_t>(i + 100);
    if (leaves[i].first == PhysicalType::kFixedLenByteArray) e.type_length = 16;
    if (leaves[i].second.kind == LogicalType::Kind::kDecimal) {
      e.converted_type = ConvertedType::kDecimal;
      e.scale = 4;
      e.precision = 20;
    }
    if (leaves[i].second.kind == LogicalType::Kind::kString) {
      e.converted_type = ConvertedType::kUtf8;
    }
    m.schema.push_back(e);
  }
  int64_t offset = 4;
  for (int g = 0; g < num_row_groups; ++g) {
    RowGroup rg;
    for (size_t c = 0; c < leaves.size(); ++c) {
      ColumnChunk chunk;
      chunk.file_path = "part-" + std::to_string(g);
      chunk.file_offset = offset;
      ColumnMetaData md;
      md.type = leaves[c].first;
      md.encodings = {Encoding::kRleDictionary, Encoding::kPlain, Encoding::kRle};
      md.path_in_schema = {"col" + std::to_string(c)};
      md.codec = c % 2 == 0 ? CompressionCodec::kZstd : CompressionCodec::kSnappy;
      md.num_values = 1000;
      md.total_uncompressed_size = 5000;
      md.total_compressed_size = 2000;
      md.key_value_metadata = {{.key = "k", .value = "v"}, {.key = "novalue"}};
      md.data_page_offset = offset + 100;
      md.index_page_offset = offset + 50;
      md.dictionary_page_offset = offset;
      md.statistics = FullStatistics(static_cast<int>(c));
      md.encoding_stats = {
          {.page_type = PageType::kDictionaryPage, .encoding = Encoding::kPlain, .count = 1},
          {.page_type = PageType::kDataPage, .encoding = Encoding::kRleDictionary, .count = 3}};
      chunk.meta_data = md;
      chunk.offset_index_offset = 1'000'000 + offset;
      chunk.offset_index_length = 30;
      chunk.column_index_offset = 2'000'000 + offset;
      chunk.column_index_length = 40;
      offset += 2000;
      rg.columns.push_back(std::move(chunk));
    }
    rg.total_byte_size = 45000;
    rg.num_rows = 1000;
    rg.sorting_columns = {{.column_idx = 0, .descending = true, .nulls_first = false},
                          {.column_idx = 2, .descending = false, .nulls_first = true}};
    rg.file_offset = 4 + g * 18000;
    rg.total_compressed_size = 18000;
    rg.ordinal = static_cast<int16_t>(g);
    m.row_groups.push_back(std::move(rg));
  }
  m.num_rows = 1000LL * num_row_groups;
  m.key_value_metadata = {{.key = "fgm.schema_version", .value = "3"}, {.key = "empty"}};
  m.created_by = "fgm version 0.1 (build test)";
  for (size_t c = 0; c < leaves.size(); ++c) {
    m.column_orders.push_back({.type_defined_order = c != 3});
  }
  return m;
}

FileMetaData MinimalFileMetaData() {
  FileMetaData m;
  m.version = 1;
  m.schema.push_back({.name = "root", .num_children = 1});
  m.schema.push_back(
      {.type = PhysicalType::kDouble, .repetition_type = Repetition::kRequired, .name = "x"});
  RowGroup rg;
  ColumnChunk chunk;  // no meta_data, no page index
  rg.columns.push_back(chunk);
  rg.num_rows = 0;
  m.row_groups.push_back(rg);
  return m;
}

std::string Serialized(const FileMetaData& m) {
  std::string out;
  SerializeFileMetaData(m, &out);
  return out;
}

TEST(FileMetaDataTest, RoundTripsWithEveryOptionalFieldSet) {
  const FileMetaData original = FullFileMetaData();
  const std::string bytes = Serialized(original);
  Result<FileMetaData> parsed = DeserializeFileMetaData(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, original);
  // Spot checks, so a bug in both directions cannot hide behind operator==.
  EXPECT_EQ(parsed->row_groups[1].columns[2].meta_data->statistics->null_count, 2);
  EXPECT_EQ(parsed->schema[6].logical_type->precision, 20);
  EXPECT_EQ(parsed->schema[1].logical_type->unit, TimeUnit::kNanos);
  EXPECT_FALSE(parsed->column_orders[3].type_defined_order);
  EXPECT_EQ(Serialized(*parsed), bytes);
}

TEST(FileMetaDataTest, RoundTripsWithOptionalFieldsUnset) {
  const FileMetaData original = MinimalFileMetaData();
  Result<FileMetaData> parsed = DeserializeFileMetaData(Serialized(original));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, original);
  EXPECT_FALSE(parsed->created_by.has_value());
  EXPECT_TRUE(parsed->key_value_metadata.empty());
  EXPECT_TRUE(parsed->column_orders.empty());
  EXPECT_FALSE(parsed->schema[0].type.has_value());
  EXPECT_FALSE(parsed->schema[1].logical_type.has_value());
  EXPECT_FALSE(parsed->schema[1].converted_type.has_value());
  const ColumnChunk& chunk = parsed->row_groups[0].columns[0];
  EXPECT_FALSE(chunk.meta_data.has_value());
  EXPECT_FALSE(chunk.file_path.has_value());
  EXPECT_FALSE(chunk.offset_index_offset.has_value());
  EXPECT_FALSE(parsed->row_groups[0].ordinal.has_value());
}

TEST(FileMetaDataTest, MatchesHandEncodedBytes) {
  FileMetaData m;
  m.version = 1;
  m.schema.push_back({.name = "s", .num_children = 1});
  m.schema.push_back({.type = PhysicalType::kInt32,
                      .repetition_type = Repetition::kRequired,
                      .name = "a",
                      .converted_type = ConvertedType::kInt8,
                      .logical_type = LogicalType::Integer(8, true)});
  const std::string expected =
      Bytes({0x15, 0x02,              // 1: version = 1
             0x19, 0x2C,              // 2: schema, list of 2 structs
             0x48, 0x01, 's',         //   4: name "s"
             0x15, 0x02, 0x00,        //   5: num_children = 1; stop
             0x15, 0x02,              //   1: type INT32
             0x25, 0x00,              //   3: repetition REQUIRED
             0x18, 0x01, 'a',         //   4: name "a"
             0x25, 0x1E,              //   6: converted_type INT_8 (15)
             0x4C,                    //   10: logicalType
             0xAC,                    //     10: INTEGER
             0x13, 0x08, 0x11, 0x00,  //       1: bitWidth (i8) 8, 2: isSigned true; stop
             0x00, 0x00,              //     stop LogicalType; stop SchemaElement
             0x16, 0x00,              // 3: num_rows = 0
             0x19, 0x0C,              // 4: row_groups, empty list of structs
             0x00});
  EXPECT_EQ(Serialized(m), expected);
  Result<FileMetaData> parsed = DeserializeFileMetaData(expected);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, m);
}

TEST(PageHeaderTest, MatchesHandEncodedBytesAndReportsConsumed) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 100;
  h.compressed_page_size = 50;
  h.data_page_header = DataPageHeader{.num_values = 10};
  const std::string expected = Bytes({0x15, 0x00,        // 1: type DATA_PAGE
                                      0x15, 0xC8, 0x01,  // 2: uncompressed 100
                                      0x15, 0x64,        // 3: compressed 50
                                      0x2C,              // 5: data_page_header
                                      0x15, 0x14,        //   1: num_values 10
                                      0x15, 0x00,        //   2: PLAIN
                                      0x15, 0x06,        //   3: RLE
                                      0x15, 0x06,        //   4: RLE
                                      0x00, 0x00});
  std::string out;
  SerializePageHeader(h, &out);
  EXPECT_EQ(out, expected);

  const std::string with_page = expected + "page-bytes";
  size_t consumed = 0;
  Result<PageHeader> parsed = DeserializePageHeader(with_page, &consumed);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, h);
  EXPECT_EQ(consumed, expected.size());
  EXPECT_TRUE(DeserializePageHeader(with_page, nullptr).ok());
}

TEST(PageHeaderTest, RoundTripsEveryPageKind) {
  PageHeader data;
  data.type = PageType::kDataPage;
  data.uncompressed_page_size = 1 << 20;
  data.compressed_page_size = 12345;
  data.crc = -123456789;
  data.data_page_header = DataPageHeader{.num_values = 7,
                                         .encoding = Encoding::kDeltaBinaryPacked,
                                         .definition_level_encoding = Encoding::kRle,
                                         .repetition_level_encoding = Encoding::kBitPacked,
                                         .statistics = FullStatistics(1)};
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 10;
  dict.dictionary_page_header = DictionaryPageHeader{.num_values = 3, .is_sorted = true};
  PageHeader dict_unsorted = dict;
  dict_unsorted.dictionary_page_header->is_sorted.reset();
  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 100;
  v2.compressed_page_size = 60;
  v2.data_page_header_v2 = DataPageHeaderV2{.num_values = 10,
                                            .num_nulls = 2,
                                            .num_rows = 10,
                                            .encoding = Encoding::kByteStreamSplit,
                                            .definition_levels_byte_length = 4,
                                            .repetition_levels_byte_length = 0,
                                            .is_compressed = false,
                                            .statistics = Statistics{.null_count = 2}};
  PageHeader index;
  index.type = PageType::kIndexPage;
  for (const PageHeader& h : {data, dict, dict_unsorted, v2, index}) {
    std::string out;
    SerializePageHeader(h, &out);
    Result<PageHeader> parsed = DeserializePageHeader(out, nullptr);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_EQ(*parsed, h) << PageTypeName(h.type);
  }
}

TEST(PageHeaderTest, V2IsCompressedDefaultsToTrueWhenAbsent) {
  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 10;
  v2.compressed_page_size = 10;
  v2.data_page_header_v2 = DataPageHeaderV2{.num_values = 1, .num_rows = 1, .is_compressed = false};
  std::string out;
  SerializePageHeader(v2, &out);
  TValue tree = Parse(out);
  tree.At({8}).Drop(7);
  Result<PageHeader> parsed = DeserializePageHeader(Write(tree), nullptr);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->data_page_header_v2->is_compressed);
}

TEST(PageHeaderTest, RejectsInconsistentHeaders) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.dictionary_page_header = DictionaryPageHeader{};
  std::string out;
  SerializePageHeader(h, &out);
  Result<PageHeader> parsed = DeserializePageHeader(out, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), StatusCode::kCorrupt);
  EXPECT_THAT(parsed.error().message(), HasSubstr("data_page_header (DATA_PAGE)"));

  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 100;
  v2.compressed_page_size = 10;
  v2.data_page_header_v2 = DataPageHeaderV2{
      .num_values = 5, .definition_levels_byte_length = 8, .repetition_levels_byte_length = 8};
  out.clear();
  SerializePageHeader(v2, &out);
  parsed = DeserializePageHeader(out, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("exceed the page size"));

  v2.data_page_header_v2 = DataPageHeaderV2{.num_values = 5, .num_nulls = 6};
  out.clear();
  SerializePageHeader(v2, &out);
  parsed = DeserializePageHeader(out, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("num_nulls exceeds num_values"));

  // Unknown page type.
  TValue tree = Parse(out);
  tree.At({1}).i = 4;
  parsed = DeserializePageHeader(Write(tree), nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("PageHeader.type is not a known page type (4)"));
}

TEST(PageHeaderTest, IndexPageHeaderAndUnknownFieldsAreSkipped) {
  PageHeader h;
  h.type = PageType::kIndexPage;
  h.uncompressed_page_size = 3;
  h.compressed_page_size = 3;
  std::string out;
  SerializePageHeader(h, &out);
  TValue tree = Parse(out);
  tree.fields.emplace_back(6, Struct({{1, I32(5)}}));  // IndexPageHeader with a future field
  tree.fields.emplace_back(9, UnknownExtension());
  const std::string bytes = Write(tree) + "abc";
  size_t consumed = 0;
  Result<PageHeader> parsed = DeserializePageHeader(bytes, &consumed);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, h);
  EXPECT_EQ(consumed, bytes.size() - 3);
}

TEST(OffsetIndexTest, MatchesHandEncodedBytes) {
  OffsetIndex index;
  index.page_locations.push_back({.offset = 4, .compressed_page_size = 100, .first_row_index = 0});
  std::string out;
  SerializeOffsetIndex(index, &out);
  EXPECT_EQ(out, Bytes({0x19, 0x1C,        // 1: page_locations, list of 1 struct
                        0x16, 0x08,        //   1: offset 4
                        0x15, 0xC8, 0x01,  //   2: compressed_page_size 100
                        0x16, 0x00,        //   3: first_row_index 0
                        0x00, 0x00}));
  Result<OffsetIndex> parsed = DeserializeOffsetIndex(out);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, index);
}

TEST(OffsetIndexTest, RoundTripsManyPagesAndRejectsNegativeValues) {
  OffsetIndex index;
  for (int i = 0; i < 100; ++i) {
    index.page_locations.push_back(
        {.offset = 4 + i * 1000LL, .compressed_page_size = 1000, .first_row_index = i * 50LL});
  }
  std::string out;
  SerializeOffsetIndex(index, &out);
  Result<OffsetIndex> parsed = DeserializeOffsetIndex(out);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, index);

  index.page_locations[7].first_row_index = -1;
  out.clear();
  SerializeOffsetIndex(index, &out);
  parsed = DeserializeOffsetIndex(out);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), StatusCode::kCorrupt);
  EXPECT_THAT(parsed.error().message(),
              HasSubstr("page_locations[7]: PageLocation.first_row_index is negative"));
}

TEST(ColumnIndexTest, RoundTripsWithAndWithoutNullCounts) {
  ColumnIndex index;
  index.null_pages = {false, true, false};
  index.min_values = {"a", "", std::string("\0\1", 2)};
  index.max_values = {"b", "", "zz"};
  index.boundary_order = BoundaryOrder::kAscending;
  index.null_counts = {0, 10, 3};
  for (bool with_null_counts : {true, false}) {
    if (!with_null_counts) index.null_counts.clear();
    std::string out;
    SerializeColumnIndex(index, &out);
    Result<ColumnIndex> parsed = DeserializeColumnIndex(out);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_EQ(*parsed, index);
  }
}

TEST(ColumnIndexTest, AcceptsSpecBoolEncodingAndRejectsBadLists) {
  ColumnIndex index;
  index.null_pages = {true, false};
  index.min_values = {"", "a"};
  index.max_values = {"", "b"};
  // null_pages encoded the way the spec describes (element type 2, false as 0).
  const std::string spec_bytes = Bytes({0x19, 0x22, 0x01, 0x00,       // 1: null_pages
                                        0x19, 0x28, 0x00, 0x01, 'a',  // 2: min_values
                                        0x19, 0x28, 0x00, 0x01, 'b',  // 3: max_values
                                        0x15, 0x00,                   // 4: UNORDERED
                                        0x00});
  Result<ColumnIndex> parsed = DeserializeColumnIndex(spec_bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, index);
  std::string out;
  TValue tree;

  index.max_values.push_back("c");
  out.clear();
  SerializeColumnIndex(index, &out);
  parsed = DeserializeColumnIndex(out);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("list lengths disagree"));

  index.max_values.pop_back();
  index.boundary_order = static_cast<BoundaryOrder>(3);
  out.clear();
  SerializeColumnIndex(index, &out);
  parsed = DeserializeColumnIndex(out);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("boundary_order is not a known"));

  // min_values as list<i32> instead of list<binary>.
  index.boundary_order = BoundaryOrder::kUnordered;
  out.clear();
  SerializeColumnIndex(index, &out);
  tree = Parse(out);
  *tree.Field(2) = List(CType::kI32, {I32(1), I32(2)});
  parsed = DeserializeColumnIndex(Write(tree));
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("min_values has list elements of the wrong"));
}

TEST(FileMetaDataTest, SkipsUnknownFieldsAtEveryLevel) {
  const FileMetaData original = FullFileMetaData(1);
  TValue tree = Parse(Serialized(original));
  // Fields that exist in today's parquet.thrift but that we do not model, plus invented ones.
  tree.fields.emplace_back(8, Struct({{1, Struct({{1, Bin("aad")}})}}));  // encryption_algorithm
  tree.fields.emplace_back(9, Bin("key metadata"));
  tree.fields.emplace_back(1000, UnknownExtension());
  TValue& schema_leaf = tree.At({2, 1});
  schema_leaf.fields.emplace_back(11, I32(4));  // vector_length
  TValue& row_group = tree.At({4, 0});
  row_group.fields.emplace_back(30, UnknownExtension());
  TValue& chunk = row_group.At({1, 0});
  chunk.fields.emplace_back(8, Struct({{1, Struct()}}));  // crypto_metadata
  chunk.fields.emplace_back(9, Bin("encrypted"));
  TValue& column_meta = chunk.At({3});
  column_meta.fields.emplace_back(14, I64(123));  // bloom_filter_offset
  column_meta.fields.emplace_back(15, I32(64));   // bloom_filter_length
  column_meta.fields.emplace_back(
      16, Struct({{1, I64(5)}, {2, List(CType::kI64, {I64(1), I64(2)})}}));  // size_statistics
  column_meta.At({12}).fields.emplace_back(9, I64(0));                       // Statistics.nan_count
  column_meta.At({13, 0}).fields.emplace_back(4, UnknownExtension());

  Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, original);
}

TEST(FileMetaDataTest, KnownFieldIdWithUnexpectedTypeIsSkipped) {
  const FileMetaData original = FullFileMetaData(1);
  TValue tree = Parse(Serialized(original));
  *tree.Field(6) = I32(5);  // created_by as an i32
  Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_FALSE(parsed->created_by.has_value());

  *tree.Field(1) = Bin("2");  // version as a string: skipped, so the required field is missing
  parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("FileMetaData: required field 'version'"));
}

TEST(FileMetaDataTest, LogicalTypeUnionMembersWeDoNotModelBecomeOther) {
  FileMetaData m = MinimalFileMetaData();
  m.schema[1].logical_type = LogicalType::String();
  TValue tree = Parse(Serialized(m));
  TValue& logical = tree.At({2, 1, 10});
  // MAP 2, LIST 3, UNKNOWN 11, BSON 13, FLOAT16 15, VARIANT 16 {1: i8}, GEOMETRY 17 {1: string},
  // and a member from the future.
  for (int member : {2, 3, 11, 13, 15, 16, 17, 99}) {
    TValue unknown = Struct();
    if (member == 16) unknown.fields.emplace_back(1, TValue{.type = CType::kI8, .i = 1});
    if (member == 17) unknown.fields.emplace_back(1, Bin("OGC:CRS84"));
    logical.fields = {{static_cast<int16_t>(member), unknown}};
    Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
    ASSERT_TRUE(parsed.ok()) << member << ": " << parsed.error().ToString();
    EXPECT_EQ(parsed->schema[1].logical_type->kind, LogicalType::Kind::kOther) << member;
  }
  // A TimeUnit from the future makes the timestamp kOther; a missing one is corrupt.
  logical.fields = {
      {8, Struct({{1, TValue{.type = CType::kBoolTrue, .i = 1}}, {2, Struct({{4, Struct()}})}})}};
  Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->schema[1].logical_type->kind, LogicalType::Kind::kOther);
  logical.fields = {{8, Struct({{1, TValue{.type = CType::kBoolTrue, .i = 1}}})}};
  parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("TimestampType: required field 'unit'"));
}

TEST(FileMetaDataTest, OtherAndNoneLogicalTypesAreNotWritten) {
  FileMetaData m = MinimalFileMetaData();
  for (LogicalType::Kind kind : {LogicalType::Kind::kOther, LogicalType::Kind::kNone}) {
    m.schema[1].logical_type = LogicalType{.kind = kind};
    Result<FileMetaData> parsed = DeserializeFileMetaData(Serialized(m));
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_FALSE(parsed->schema[1].logical_type.has_value());
  }
}

TEST(FileMetaDataTest, ColumnOrderMembersOtherThanTypeOrderReadAsFalse) {
  FileMetaData m = MinimalFileMetaData();
  m.column_orders = {{.type_defined_order = true}};
  TValue tree = Parse(Serialized(m));
  tree.At({7, 0}).fields = {{2, Struct()}};  // IEEE_754_TOTAL_ORDER
  Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ASSERT_EQ(parsed->column_orders.size(), 1u);
  EXPECT_FALSE(parsed->column_orders[0].type_defined_order);
}

TEST(FileMetaDataTest, EnumPolicy) {
  const FileMetaData original = FullFileMetaData(1);
  const TValue base = Parse(Serialized(original));

  // Unknown encodings and encoding-stats page types are kept as integers.
  TValue tree = base;
  tree.At({4, 0, 1, 0, 3, 2}).elems.push_back(I32(42));
  tree.At({4, 0, 1, 0, 3, 13, 0, 1}).i = 9;
  Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const ColumnMetaData& md = *parsed->row_groups[0].columns[0].meta_data;
  EXPECT_EQ(static_cast<int>(md.encodings.back()), 42);
  EXPECT_EQ(static_cast<int>(md.encoding_stats[0].page_type), 9);

  // Repetition VECTOR (3) and unknown converted types are kept for the schema layer to judge.
  tree = base;
  tree.At({2, 1, 3}).i = 3;
  tree.At({2, 2, 6}).i = 77;  // converted_type of the STRING column
  parsed = DeserializeFileMetaData(Write(tree));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(static_cast<int>(*parsed->schema[1].repetition_type), 3);

  struct Case {
    std::initializer_list<int> path;
    int64_t value;
    const char* message;
  };
  for (const Case& c : {
           Case{{4, 0, 1, 0, 3, 1}, 8, "ColumnMetaData.type is not a known physical type (8)"},
           Case{{4, 0, 1, 0, 3, 1}, -1, "ColumnMetaData.type is not a known physical type (-1)"},
           Case{{4, 0, 1, 0, 3, 4}, 8, "ColumnMetaData.codec is not a known compression codec"},
           Case{{2, 1, 1}, 9, "SchemaElement.type is not a known physical type (9)"},
       }) {
    tree = base;
    tree.At(c.path).i = c.value;
    parsed = DeserializeFileMetaData(Write(tree));
    ASSERT_FALSE(parsed.ok()) << c.message;
    EXPECT_EQ(parsed.error().code(), StatusCode::kCorrupt);
    EXPECT_THAT(parsed.error().message(), HasSubstr(c.message));
  }
}

TEST(FileMetaDataTest, MissingRequiredFieldsAreCorruptAndNamed) {
  const TValue base = Parse(Serialized(FullFileMetaData(1)));
  struct Case {
    std::initializer_list<int> struct_path;
    int16_t field;
    const char* message;
  };
  const Case cases[] = {
      {{}, 1, "FileMetaData: required field 'version'"},
      {{}, 2, "FileMetaData: required field 'schema'"},
      {{}, 3, "FileMetaData: required field 'num_rows'"},
      {{}, 4, "FileMetaData: required field 'row_groups'"},
      {{2, 3}, 4, "schema[3]: SchemaElement: required field 'name'"},
      {{2, 6, 10, 5}, 2, "DecimalType: required field 'precision'"},
      {{2, 6, 10, 5}, 1, "DecimalType: required field 'scale'"},
      {{2, 5, 10, 7}, 1, "TimeType: required field 'isAdjustedToUTC'"},
      {{2, 3, 10, 10}, 1, "IntType: required field 'bitWidth'"},
      {{2, 3, 10, 10}, 2, "IntType: required field 'isSigned'"},
      {{4, 0}, 1, "row_groups[0]: RowGroup: required field 'columns'"},
      {{4, 0}, 2, "RowGroup: required field 'total_byte_size'"},
      {{4, 0}, 3, "RowGroup: required field 'num_rows'"},
      {{4, 0, 4, 1}, 3, "sorting_columns[1]: SortingColumn: required field 'nulls_first'"},
      {{4, 0, 1, 2}, 2, "columns[2]: ColumnChunk: required field 'file_offset'"},
      {{4, 0, 1, 2, 3},
       1,
       "row_groups[0]: columns[2]: meta_data: ColumnMetaData: required "
       "field 'type'"},
      {{4, 0, 1, 2, 3}, 2, "ColumnMetaData: required field 'encodings'"},
      {{4, 0, 1, 2, 3}, 3, "ColumnMetaData: required field 'path_in_schema'"},
      {{4, 0, 1, 2, 3}, 4, "ColumnMetaData: required field 'codec'"},
      {{4, 0, 1, 2, 3}, 5, "ColumnMetaData: required field 'num_values'"},
      {{4, 0, 1, 2, 3}, 6, "ColumnMetaData: required field 'total_uncompressed_size'"},
      {{4, 0, 1, 2, 3}, 7, "ColumnMetaData: required field 'total_compressed_size'"},
      {{4, 0, 1, 2, 3}, 9, "ColumnMetaData: required field 'data_page_offset'"},
      {{4, 0, 1, 2, 3, 8, 0}, 1, "key_value_metadata[0]: KeyValue: required field 'key'"},
      {{4, 0, 1, 2, 3, 13, 1}, 3, "encoding_stats[1]: PageEncodingStats: required field 'count'"},
      {{5, 0}, 1, "KeyValue: required field 'key'"},
  };
  for (const Case& c : cases) {
    TValue tree = base;
    tree.At(c.struct_path).Drop(c.field);
    Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
    ASSERT_FALSE(parsed.ok()) << c.message;
    EXPECT_EQ(parsed.error().code(), StatusCode::kCorrupt);
    EXPECT_THAT(parsed.error().message(), HasSubstr(c.message));
  }
}

TEST(FileMetaDataTest, NegativeSizesAndCountsAreCorrupt) {
  const TValue base = Parse(Serialized(FullFileMetaData(1)));
  struct Case {
    std::initializer_list<int> path;
    const char* message;
  };
  const Case cases[] = {
      {{3}, "FileMetaData.num_rows is negative (-1)"},
      {{2, 0, 5}, "SchemaElement.num_children is negative"},
      {{2, 6, 2}, "SchemaElement.type_length is negative"},
      {{4, 0, 2}, "RowGroup.total_byte_size is negative"},
      {{4, 0, 3}, "RowGroup.num_rows is negative"},
      {{4, 0, 5}, "RowGroup.file_offset is negative"},
      {{4, 0, 6}, "RowGroup.total_compressed_size is negative"},
      {{4, 0, 4, 0, 1}, "SortingColumn.column_idx is negative"},
      {{4, 0, 1, 0, 4}, "ColumnChunk.offset_index_offset is negative"},
      {{4, 0, 1, 0, 5}, "ColumnChunk.offset_index_length is negative"},
      {{4, 0, 1, 0, 6}, "ColumnChunk.column_index_offset is negative"},
      {{4, 0, 1, 0, 7}, "ColumnChunk.column_index_length is negative"},
      {{4, 0, 1, 0, 3, 5}, "ColumnMetaData.num_values is negative"},
      {{4, 0, 1, 0, 3, 6}, "ColumnMetaData.total_uncompressed_size is negative"},
      {{4, 0, 1, 0, 3, 7}, "ColumnMetaData.total_compressed_size is negative"},
      {{4, 0, 1, 0, 3, 9}, "ColumnMetaData.data_page_offset is negative"},
      {{4, 0, 1, 0, 3, 10}, "ColumnMetaData.index_page_offset is negative"},
      {{4, 0, 1, 0, 3, 11}, "ColumnMetaData.dictionary_page_offset is negative"},
      {{4, 0, 1, 0, 3, 12, 3}, "Statistics.null_count is negative"},
      {{4, 0, 1, 0, 3, 12, 4}, "Statistics.distinct_count is negative"},
      {{4, 0, 1, 0, 3, 13, 0, 3}, "PageEncodingStats.count is negative"},
  };
  for (const Case& c : cases) {
    TValue tree = base;
    tree.At(c.path).i = -1;
    Result<FileMetaData> parsed = DeserializeFileMetaData(Write(tree));
    ASSERT_FALSE(parsed.ok()) << c.message;
    EXPECT_EQ(parsed.error().code(), StatusCode::kCorrupt);
    EXPECT_THAT(parsed.error().message(), HasSubstr(c.message));
  }
}

TEST(FileMetaDataTest, EveryTruncationIsAnError) {
  const std::string bytes = Serialized(FullFileMetaData());
  for (size_t len = 0; len < bytes.size(); ++len) {
    Result<FileMetaData> parsed = DeserializeFileMetaData(std::string_view(bytes).substr(0, len));
    ASSERT_FALSE(parsed.ok()) << "prefix of " << len << " bytes parsed";
    EXPECT_EQ(parsed.error().code(), StatusCode::kCorrupt);
  }
}

TEST(PageHeaderTest, EveryTruncationIsAnError) {
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.uncompressed_page_size = 1000;
  h.compressed_page_size = 900;
  h.crc = 77;
  h.data_page_header_v2 =
      DataPageHeaderV2{.num_values = 10, .num_rows = 10, .statistics = FullStatistics(3)};
  std::string bytes;
  SerializePageHeader(h, &bytes);
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_FALSE(DeserializePageHeader(std::string_view(bytes).substr(0, len), nullptr).ok())
        << len;
  }
}

// Random edits of a valid footer must never crash, hang or allocate wildly (run under ASan too);
// they either parse or return kCorrupt. 100k mutations in 4 shards of 25k with fixed seeds, so
// failures reproduce and each shard stays well inside the ctest timeout under ASan.
class FooterMutationTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(FooterMutationTest, NeverCrashes) {
  const std::string valid = Serialized(FullFileMetaData(1));
  std::mt19937_64 rng(GetParam());
  constexpr int kMutations = 25'000;
  int parsed_ok = 0;
  std::string bytes;
  for (int iter = 0; iter < kMutations; ++iter) {
    bytes = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      const size_t pos = rng() % bytes.size();
      const uint64_t kind = rng() % 6;
      if (kind == 0) {  // random byte
        bytes[pos] = static_cast<char>(rng());
      } else if (kind == 1) {  // bit flip
        bytes[pos] = static_cast<char>(bytes[pos] ^ (1 << (rng() % 8)));
      } else if (kind == 2) {  // delete a run
        bytes.erase(pos, 1 + rng() % 8);
      } else if (kind == 3) {  // insert a run
        bytes.insert(pos, 1 + rng() % 4, static_cast<char>(rng()));
      } else if (kind == 4) {  // truncate
        bytes.resize(pos);
      } else {  // a long-form list header with a random element type
        bytes[pos] = static_cast<char>(0xF0 | (rng() % 16));
      }
    }
    Result<FileMetaData> parsed = DeserializeFileMetaData(bytes);
    if (parsed.ok()) {
      ++parsed_ok;
      std::string again;
      SerializeFileMetaData(*parsed, &again);  // whatever parsed must serialize and parse again
      EXPECT_TRUE(DeserializeFileMetaData(again).ok());
    } else {
      EXPECT_EQ(parsed.error().code(), StatusCode::kCorrupt) << parsed.error().ToString();
    }
  }
  // Some mutations (e.g. inside a string) still parse; most do not. Both paths were exercised.
  EXPECT_GT(parsed_ok, 0);
  EXPECT_LT(parsed_ok, kMutations);
}

INSTANTIATE_TEST_SUITE_P(Shards, FooterMutationTest,
                         ::testing::Values(20240601u, 20240602u, 20240603u, 20240604u));

TEST(FileMetaDataTest, DepthBombIsRejected) {
  // A valid footer start, then an unknown field holding structs nested 100000 deep.
  std::string bytes = Serialized(MinimalFileMetaData());
  bytes.pop_back();                              // the top-level stop
  bytes += Bytes({0x0C}) + Bytes({0xD0, 0x0F});  // long-form header: field 1000, struct
  bytes += std::string(100'000, '\x1C') + std::string(100'001, '\0');
  Result<FileMetaData> parsed = DeserializeFileMetaData(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("nested deeper than 64"));
}

TEST(FileMetaDataTest, HugeListLengthsAreRejectedBeforeAllocating) {
  // row_groups claims INT32_MAX elements in a few bytes.
  std::string bytes = Bytes(
      {0x15, 0x02, 0x19, 0x0C, 0x16, 0x00, 0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00});
  Result<FileMetaData> parsed = DeserializeFileMetaData(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("list of 2147483647 elements"));

  // A count that fits the remaining bytes but whose elements are garbage fails at the first one.
  std::string junk = Bytes({0x15, 0x02, 0x19, 0x0C, 0x16, 0x00, 0x19, 0xFC, 0xA0, 0x9C, 0x01});
  junk += std::string(20000, '\x0F');  // type 15 is invalid
  parsed = DeserializeFileMetaData(junk);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("row_groups[0]"));
}

// The footer of a file written by DuckDB v1.5.6 (@duckdb/node-api), so our reader is checked
// against a writer we did not write: ConvertedType-only integer/date/string columns, logical-only
// TIMESTAMP(NANOS) and UUID, DECIMAL on INT64 and FIXED_LEN_BYTE_ARRAY, fields we do not model
// (bloom_filter_offset/length) and statistics. Generated with:
//   COPY (SELECT i::BIGINT AS id, 'name' || i AS name, (i % 100)::TINYINT AS i8,
//     i::USMALLINT AS u16, i::UBIGINT AS u64, TIMESTAMP '2024-01-01' + to_seconds(i) AS ts_us,
//     (TIMESTAMP '2024-01-01' + to_seconds(i))::TIMESTAMP_MS AS ts_ms,
//     (TIMESTAMP '2024-01-01' + to_seconds(i))::TIMESTAMP_NS AS ts_ns,
//     (TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i)) AS ts_tz,
//     DATE '2024-01-01' + (i % 30)::INT AS d, TIME '01:02:03' AS t,
//     (i / 100)::DECIMAL(10,2) AS dec10, (i / 7)::DECIMAL(20,4) AS dec20,
//     ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u,
//     CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1.5 END::DOUBLE AS dbl, i % 2 = 0 AS b,
//     i::FLOAT AS f, '{"a":1}'::JSON AS j FROM range(3000) t(i))
//   TO 'duck.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)
// keeping the footer_length bytes before the trailing length word and "PAR1".
constexpr std::string_view kDuckDbFooterHex =
    "150219fc133500180d6475636b64625f736368656d611524001504250218026964252400150c250218046e616d65"
    "2500001502250218026938251e00150225021803753136251800150425021803753634251c001504250218057473"
    "5f757325144c8c121c2c000000000015042502180574735f6d7325124c8c121c1c00000000001504250218057473"
    "5f6e736c8c121c3c000000000015042502180574735f747a25144c8c111c2c000000000015022502180164250c00"
    "1504250218017425104c7c121c2c00000000001504250218056465633130250a150415142c5c1504151400000015"
    "0e1520150218056465633230250a150815282c5c15081528000000150e152015021801756cec000000150a250218"
    "0364626c0015002502180162001508250218016600150c250218016a25264ccc00000016f02e192c19fc1226001c"
    "15041915001918026964150c16802016b8800216b03726083c1808ff070000000000001808000000000000000016"
    "002808ff0700000000000018080000000000000000111100000026001c150c1915001918046e616d65150c168020"
    "168cef0216901626b8373c18076e616d6539393918056e616d6530160028076e616d6539393918056e616d653011"
    "1100000026001c15021915041918026938150c16802016882316be0726c45026c84d1c1804630000001804000000"
    "00160016c80118046300000018040000000011110026b0e20915a002000026001c1502191500191803753136150c"
    "16802016b88001168e422686553c36002804ff070000180400000000111100000026001c15041915001918037536"
    "34150c16802016b8800216b037269497013c36002808ff0700000000000018080000000000000000111100000026"
    "001c150419150019180574735f7573150c16802016b8800216945926c4ce013c1808c0dd238ad70d060018080020"
    "2110d70d060016002808c0dd238ad70d0600180800202110d70d0600111100000026001c15041915001918057473"
    "5f6d73150c16802016b8800216a83d26d8a7023c1808183071c28c010000180800f451c28c010000160028081830"
    "71c28c010000180800f451c28c010000111100000026001c150419150019180574735f6e73150c16802016b88002"
    "16fe6e2680e5023c180800361a9cf311a6171808000065011710a6171600280800361a9cf311a617180800006501"
    "1710a617111100000026001c150419150019180574735f747a150c16802016b8800216945926fed3033c1808c0dd"
    "238ad70d0600180800202110d70d060016002808c0dd238ad70d0600180800202110d70d0600111100000026001c"
    "150219150419180164150c16802016d61616800426c0ae042692ad041c1804284d000018040b4d00001600163c18"
    "04284d000018040b4d000011110026d0e40915a001000026001c150419150419180174150c168020166416880126"
    "ceb1042692b1041c1808c078e8dd000000001808c078e8dd00000000160016021808c078e8dd000000001808c078"
    "e8dd0000000011110026f0e509155e000026001c15041915001918056465633130150c16802016b8800216b03726"
    "9ab2043c1808ff070000000000001808000000000000000016002808ff0700000000000018080000000000000000"
    "111100000026001c150e1915001918056465633230150c16802016b8800416ee5326cae9043c1810000000000000"
    "000000000000002c9efe18100000000000000000000000000000000016002810000000000000000000000000002c"
    "9efe181000000000000000000000000000000000111100000026001c150e19150019180175150c16802016b88004"
    "16a44126b8bd053c1810000000000000000000000000000020471810000000000000000000000000000000001600"
    "281000000000000000000000000000002047181000000000000000000000000000000000111100000026001c150a"
    "19150019180364626c150c1680201692af0116ec1a26dcfe053c18080000000000fda7401808000000000000f83f"
    "16d60a28080000000000fda7401808000000000000f83f111100000026001c150019150019180162150c16802016"
    "b404165826c899063c1801011801001600280101180100111100000026001c150819150019180166150c16802016"
    "b8800116804c26a09a063c180400e0ff441804000000001600280400e0ff44180400000000111100000026001c15"
    "0c1915041918016a150c168020166a168e0126e2e60626a0e6061c18077b2261223a317d18077b2261223a317d16"
    "00160218077b2261223a317d18077b2261223a317d11110026cee609155e000016e6e21c168020260816a6e70600"
    "19fc1226001c15041915001918026964150c16f00e16b677169c1026aee7063c1808b70b00000000000018080008"
    "00000000000016002808b70b00000000000018080008000000000000111100000026001c150c1915001918046e61"
    "6d65150c16f00e16f8b20116b40826caf7063c18086e616d653239393918086e616d6532303438160028086e616d"
    "653239393918086e616d6532303438111100000026001c15021915041918026938150c16f00e16801516fa062684"
    "830726feff061c180463000000180400000000160016c80118046300000018040000000011110026ace70915a002"
    "000026001c1502191500191803753136150c16f00e16f63b16be1e26f886073c36002804b70b0000180400080000"
    "111100000026001c1504191500191803753634150c16f00e16b677169c1026b6a5073c36002808b70b0000000000"
    "0018080008000000000000111100000026001c150419150019180574735f7573150c16f00e16b67716aa2a26d2b5"
    "073c1808c03be2c2d70d060018080020338ad70d060016002808c03be2c2d70d060018080020338ad70d06001111"
    "00000026001c150419150019180574735f6d73150c16f00e16b67716b81d26fcdf073c1808d8b67fc28c01000018"
    "08003471c28c01000016002808d8b67fc28c0100001808003471c28c010000111100000026001c15041915001918"
    "0574735f6e73150c16f00e16b677169c3426b4fd073c18080066b943d112a61718080000b5d7f311a61716002808"
    "0066b943d112a61718080000b5d7f311a617111100000026001c150419150019180574735f747a150c16f00e16b6"
    "7716aa2a26d0b1083c1808c03be2c2d70d060018080020338ad70d060016002808c03be2c2d70d06001808002033"
    "8ad70d0600111100000026001c150219150419180164150c16f00e16ce0c16cc0326a8dd0826fadb081c1804284d"
    "000018040b4d00001600163c1804284d000018040b4d000011110026cce90915a001000026001c15041915041918"
    "0174150c16f00e16641688012682e00826c6df081c1808c078e8dd000000001808c078e8dd000000001600160218"
    "08c078e8dd000000001808c078e8dd0000000011110026ecea09155e000026001c15041915001918056465633130"
    "150c16f00e16b677169c1026cee0083c1808b70b0000000000001808000800000000000016002808b70b00000000"
    "000018080008000000000000111100000026001c150e1915001918056465633230150c16f00e16b8ee0116ae2126"
    "eaf0083c181000000000000000000000000000415f7e1810000000000000000000000000002ca492160028100000"
    "0000000000000000000000415f7e1810000000000000000000000000002ca492111100000026001c150e19150019"
    "180175150c16f00e16b8ee01168e1e269892093c1810000000000000000000000000000029991810000000000000"
    "00000000000000002048160028100000000000000000000000000000299918100000000000000000000000000000"
    "2048111100000026001c150a19150019180364626c150c16f00e16e85116dc0e26a6b0093c1808000000008092b1"
    "401808000000000000a84016fa042808000000008092b1401808000000000000a840111100000026001c15001915"
    "0019180162150c16f00e16a20216542682bf093c1801011801001600280101180100111100000026001c15081915"
    "0019180166150c16f00e16f63b16cc2126d6bf093c180400703b451804000000451600280400703b451804000000"
    "45111100000026001c150c1915041918016a150c16f00e166a168e0126e4e10926a2e1091c18077b2261223a317d"
    "18077b2261223a317d1600160218077b2261223a317d18077b2261223a317d11110026caeb09155e000016f4c20d"
    "16f00e26aee7061682fb020028284475636b44422076657273696f6e2076312e352e3620286275696c6420303639"
    "636339663962352919fc121c00001c00001c00001c00001c00001c00001c00001c00001c00001c00001c00001c00"
    "001c00001c00001c00001c00001c00001c000000";

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

int64_t LittleEndianInt64(const std::string& bytes) {
  EXPECT_EQ(bytes.size(), 8u);
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  }
  return static_cast<int64_t>(v);
}

TEST(FileMetaDataTest, ParsesFooterWrittenByDuckDb) {
  const std::string footer = FromHex(kDuckDbFooterHex);
  ASSERT_EQ(footer.size(), 3194u);
  Result<FileMetaData> m = DeserializeFileMetaData(footer);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(m->version, 1);
  EXPECT_EQ(m->num_rows, 3000);
  EXPECT_THAT(m->created_by.value_or(""), HasSubstr("DuckDB version v1.5.6"));
  ASSERT_EQ(m->row_groups.size(), 2u);
  EXPECT_EQ(m->row_groups[0].num_rows, 2048);
  EXPECT_EQ(m->row_groups[1].num_rows, 952);
  ASSERT_EQ(m->column_orders.size(), 18u);
  for (const ColumnOrder& o : m->column_orders) EXPECT_TRUE(o.type_defined_order);

  Result<Schema> schema = FromSchemaElements(m->schema);
  ASSERT_TRUE(schema.ok()) << schema.error().ToString();
  ASSERT_EQ(schema->columns.size(), 18u);
  for (size_t c = 0; c < 18; ++c) {
    int64_t values = 0;
    for (const RowGroup& rg : m->row_groups) {
      ASSERT_EQ(rg.columns.size(), 18u);
      ASSERT_TRUE(rg.columns[c].meta_data.has_value());
      const ColumnMetaData& md = *rg.columns[c].meta_data;
      EXPECT_EQ(md.codec, CompressionCodec::kZstd);
      EXPECT_EQ(md.type, schema->columns[c].type);
      EXPECT_EQ(md.path_in_schema, std::vector<std::string>{schema->columns[c].name});
      values += md.num_values;
    }
    EXPECT_EQ(values, 3000) << schema->columns[c].name;
  }

  using Kind = LogicalType::Kind;
  auto column = [&](std::string_view name) -> const ColumnSpec& {
    const int i = schema->FindColumn(name);
    EXPECT_GE(i, 0) << name;
    return schema->columns[i < 0 ? 0 : i];
  };
  // DuckDB writes only the legacy ConvertedType for these; we map them to logical types.
  EXPECT_EQ(column("id").logical_type, LogicalType::Integer(64, true));
  EXPECT_EQ(column("u16").logical_type, LogicalType::Integer(16, false));
  EXPECT_EQ(column("name").logical_type, LogicalType::String());
  EXPECT_EQ(column("d").logical_type.kind, Kind::kDate);
  // Logical types proper.
  EXPECT_EQ(column("ts_us").logical_type, LogicalType::Timestamp(TimeUnit::kMicros, false));
  EXPECT_EQ(column("ts_ms").logical_type, LogicalType::Timestamp(TimeUnit::kMillis, false));
  EXPECT_EQ(column("ts_ns").logical_type, LogicalType::Timestamp(TimeUnit::kNanos, false));
  EXPECT_FALSE(column("ts_ns").converted_type.has_value());
  EXPECT_EQ(column("ts_tz").logical_type, LogicalType::Timestamp(TimeUnit::kMicros, true));
  EXPECT_EQ(
      column("t").logical_type,
      (LogicalType{.kind = Kind::kTime, .unit = TimeUnit::kMicros, .is_adjusted_to_utc = false}));
  EXPECT_EQ(column("dec10").logical_type,
            (LogicalType{.kind = Kind::kDecimal, .precision = 10, .scale = 2}));
  EXPECT_EQ(column("dec10").type, PhysicalType::kInt64);
  EXPECT_EQ(column("dec20").type, PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(column("u").logical_type.kind, Kind::kUuid);
  EXPECT_EQ(column("u").type_length, 16);
  EXPECT_EQ(column("j").logical_type.kind, Kind::kJson);
  EXPECT_EQ(column("dbl").logical_type.kind, Kind::kNone);
  EXPECT_EQ(column("dbl").repetition, Repetition::kOptional);

  const Statistics& id_stats = *m->row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(LittleEndianInt64(id_stats.min_value.value_or("")), 0);
  EXPECT_EQ(LittleEndianInt64(id_stats.max_value.value_or("")), 2047);
  EXPECT_EQ(id_stats.null_count, 0);
  const int dbl = schema->FindColumn("dbl");
  ASSERT_GE(dbl, 0);
  // i % 3 == 0 for 683 of the first 2048 rows.
  EXPECT_EQ(m->row_groups[0].columns[dbl].meta_data->statistics->null_count, 683);

  // What we parsed serializes to bytes we parse identically (minus the fields we skip).
  Result<FileMetaData> again = DeserializeFileMetaData(Serialized(*m));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*again, *m);
}

}  // namespace
}  // namespace fgm::parquet

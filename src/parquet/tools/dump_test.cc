// SPDX-License-Identifier: Apache-2.0
// Tests of the FGM conformance JSON dump: exact text for the formatting rules the node scripts rely
// on (numbers, -0, NaN/Infinity, INT64 as strings, UTF-8 repair, hex), and a DuckDB golden file
// parsed back and checked against its generating formulas.
#include "parquet/tools/dump.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "parquet/reader/file_reader.h"
#include "parquet/reader/test_file_builder.h"

namespace fgm::parquet {
namespace {

using testing::BuildTestFile;
using ::testing::HasSubstr;
using testing::TestChunk;
using testing::TestFile;

std::string DumpBuilt(const TestFile& spec) {
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  if (!reader.ok()) return "";
  auto json = DumpParquetAsJson(**reader);
  EXPECT_TRUE(json.ok()) << json.error().ToString();
  return json.ok() ? *json : "";
}

// The "values":[...] text of the only column.
std::string ValuesText(const std::string& dump) {
  size_t start = dump.find("\"values\":[");
  size_t end = dump.rfind("]}]}");
  if (start == std::string::npos || end == std::string::npos) return "<malformed>";
  start += 10;
  return dump.substr(start, end - start);
}

TEST(DumpTest, NumbersFollowTheContract) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::Double("d")};
  ColumnBatch b{.type = PhysicalType::kDouble};
  for (double v :
       {-0.0, 0.0, 0.1, 1.0, 1e300, 5e-324, -2.5, std::numeric_limits<double>::quiet_NaN(),
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    b.AppendDouble(v);
  }
  spec.row_groups = {{TestChunk{.pages = {b}}}};
  EXPECT_EQ(ValuesText(DumpBuilt(spec)),
            "-0,0,0.1,1,1e+300,5e-324,-2.5,\"NaN\",\"Infinity\",\"-Infinity\"");

  spec.schema.columns = {ColumnSpec::Float("f", Repetition::kOptional)};
  ColumnBatch f{.type = PhysicalType::kFloat};
  f.AppendFloat(0.1f);
  f.AppendNull();
  f.AppendFloat(-0.0f);
  f.AppendFloat(3.5f);
  spec.row_groups = {{TestChunk{.pages = {f}}}};
  // FLOAT is widened to double before printing, as JS readers see it.
  EXPECT_EQ(ValuesText(DumpBuilt(spec)), "0.10000000149011612,null,-0,3.5");
}

TEST(DumpTest, IntegersAndBooleans) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::Int64("i"), ColumnSpec::Int32("j"),
                         ColumnSpec::Bool("b", Repetition::kOptional)};
  ColumnBatch i{.type = PhysicalType::kInt64};
  ColumnBatch j{.type = PhysicalType::kInt32};
  ColumnBatch b{.type = PhysicalType::kBoolean};
  i.AppendInt64(std::numeric_limits<int64_t>::min());
  i.AppendInt64(std::numeric_limits<int64_t>::max());
  i.AppendInt64(-1);
  j.AppendInt32(std::numeric_limits<int32_t>::min());
  j.AppendInt32(7);
  j.AppendInt32(0);
  b.AppendBool(true);
  b.AppendNull();
  b.AppendBool(false);
  spec.row_groups = {{TestChunk{.pages = {i}}, TestChunk{.pages = {j}}, TestChunk{.pages = {b}}}};
  const std::string dump = DumpBuilt(spec);
  EXPECT_THAT(dump, HasSubstr("\"name\":\"i\",\"physical_type\":\"INT64\",\"logical_type\":null,"
                              "\"repetition\":\"REQUIRED\",\"values\":[\"-9223372036854775808\","
                              "\"9223372036854775807\",\"-1\"]"));
  EXPECT_THAT(dump, HasSubstr("\"values\":[-2147483648,7,0]"));
  EXPECT_THAT(dump, HasSubstr("\"repetition\":\"OPTIONAL\",\"values\":[true,null,false]"));
  auto parsed = nlohmann::json::parse(dump);
  EXPECT_EQ(parsed["num_rows"], 3);
  EXPECT_EQ(parsed["num_row_groups"], 1);
  EXPECT_EQ(parsed["columns"].size(), 3u);
}

TEST(DumpTest, StringsAreEscapedAndUtf8IsRepairedLikeTextDecoder) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::String("s")};
  ColumnBatch b{.type = PhysicalType::kByteArray};
  b.AppendBytes("a\"b\\c\n\t\x01");
  b.AppendBytes("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");  // é € 😀 pass through
  b.AppendBytes("\xff");                                  // never valid
  b.AppendBytes("\xe2\x82");                              // truncated at the end: one U+FFFD
  b.AppendBytes(
      "\xe2\x82"
      "A");                       // truncated before ASCII
  b.AppendBytes("\xf0\x80\x80");  // overlong: F0 then two lone continuations -> 3 x U+FFFD
  b.AppendBytes("\xed\xa0\x80");  // UTF-16 surrogate: 3 x U+FFFD
  b.AppendBytes("");
  spec.row_groups = {{TestChunk{.pages = {b}}}};
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(ValuesText(DumpBuilt(spec)),
            "\"a\\\"b\\\\c\\n\\t\\u0001\",\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"" + r +
                "\",\"" + r + "\",\"" + r + "A\",\"" + r + r + r + "\",\"" + r + r + r + "\",\"\"");
}

TEST(DumpTest, NonStringBytesAreHex) {
  TestFile spec;
  ColumnSpec blob{.name = "b", .type = PhysicalType::kByteArray};
  ColumnSpec flba{.name = "f", .type = PhysicalType::kFixedLenByteArray, .type_length = 2};
  ColumnSpec int96{.name = "t", .type = PhysicalType::kInt96};
  spec.schema.columns = {blob, flba, int96};
  ColumnBatch b{.type = PhysicalType::kByteArray};
  b.AppendBytes(std::string("\x00\xAB", 2));
  ColumnBatch f{.type = PhysicalType::kFixedLenByteArray};
  f.AppendBytes("\x01\xff");
  ColumnBatch t{.type = PhysicalType::kInt96};
  t.AppendBytes(std::string(11, '\0') + "\x7f");
  spec.row_groups = {{TestChunk{.pages = {b}}, TestChunk{.pages = {f}}, TestChunk{.pages = {t}}}};
  const std::string dump = DumpBuilt(spec);
  EXPECT_THAT(dump, HasSubstr("\"values\":[{\"hex\":\"00ab\"}]"));
  EXPECT_THAT(dump, HasSubstr("\"values\":[{\"hex\":\"01ff\"}]"));
  EXPECT_THAT(dump, HasSubstr("\"values\":[{\"hex\":\"00000000000000000000007f\"}]"));
}

TEST(DumpTest, DuckDbGoldenMatchesItsFormulas) {
  auto dump = DumpParquetFileAsJson(std::string(FGM_SOURCE_DIR) +
                                    "/test/data/parquet/golden/duckdb_zstd_v2.parquet");
  ASSERT_TRUE(dump.ok()) << dump.error().ToString();
  auto j = nlohmann::json::parse(*dump);
  EXPECT_EQ(j["num_rows"], 2500);
  EXPECT_EQ(j["num_row_groups"], 2);
  ASSERT_EQ(j["columns"].size(), 13u);
  std::map<std::string, nlohmann::json> cols;
  for (auto& c : j["columns"]) {
    EXPECT_EQ(c["repetition"], "OPTIONAL");
    EXPECT_EQ(c["values"].size(), 2500u) << c["name"];
    cols[c["name"]] = c;
  }
  EXPECT_EQ(cols["id"]["logical_type"], "INTEGER(64,true)");
  EXPECT_EQ(cols["small"]["logical_type"], "INTEGER(32,true)");
  EXPECT_EQ(cols["ts"]["logical_type"], "TIMESTAMP(MICROS,true)");
  EXPECT_EQ(cols["name"]["logical_type"], "STRING");
  EXPECT_EQ(cols["day"]["logical_type"], "DATE");
  EXPECT_EQ(cols["ub"]["logical_type"], "INTEGER(64,false)");
  EXPECT_EQ(cols["dec"]["logical_type"], "DECIMAL(18,3)");
  EXPECT_TRUE(cols["d"]["logical_type"].is_null());
  EXPECT_TRUE(cols["blob"]["logical_type"].is_null());
  EXPECT_EQ(cols["ts"]["physical_type"], "INT64");

  for (int i : {0, 1, 2, 3, 4, 5, 11, 2047, 2048, 2499}) {
    SCOPED_TRACE(i);
    EXPECT_EQ(cols["id"]["values"][i], std::to_string(i));
    EXPECT_EQ(cols["big"]["values"][i], std::to_string(int64_t{i} * 1000003 - 2500000000LL));
    if (i % 11 == 0) {
      EXPECT_TRUE(cols["small"]["values"][i].is_null());
    } else {
      EXPECT_EQ(cols["small"]["values"][i], i % 1000 - 500);
    }
    EXPECT_EQ(cols["ts"]["values"][i], std::to_string(1700000000000000LL + i * 1000000LL));
    EXPECT_EQ(cols["name"]["values"][i], "container-" + std::to_string(i % 7));
    EXPECT_EQ(cols["flag"]["values"][i], i % 3 == 0);
    EXPECT_EQ(cols["day"]["values"][i], 19723 + i % 400);
    EXPECT_EQ(cols["f"]["values"][i], static_cast<double>(static_cast<float>(i) / 8.0f));
  }
  EXPECT_EQ(cols["d"]["values"][1], "NaN");
  EXPECT_EQ(cols["d"]["values"][2], "Infinity");
  EXPECT_TRUE(cols["d"]["values"][3].is_null());
  EXPECT_EQ(cols["d"]["values"][4], "-Infinity");
  EXPECT_EQ(cols["d"]["values"][6], 1.5);
  EXPECT_EQ(cols["blob"]["values"][12]["hex"], "aa003132");
  EXPECT_TRUE(cols["uniq"]["values"][13].is_null());
  EXPECT_EQ(cols["uniq"]["values"][14], "u14");
  // -0.0 at row 5 is printed "-0".
  EXPECT_THAT(*dump, HasSubstr("\"NaN\",\"Infinity\",null,\"-Infinity\",-0,1.5"));
}

TEST(DumpTest, BrokenFileIsAnErrorNotAPartialDump) {
  auto dump =
      DumpParquetFileAsJson(std::string(FGM_SOURCE_DIR) + "/test/data/parquet/golden/README.md");
  ASSERT_FALSE(dump.ok());
  EXPECT_EQ(dump.error().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace fgm::parquet

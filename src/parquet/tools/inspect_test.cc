// SPDX-License-Identifier: Apache-2.0
// Tests of `fgm inspect` output (text and JSON) on a DuckDB golden and on a hand-built file with a
// page index and key-value metadata.
#include "parquet/tools/inspect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parquet/reader/file_reader.h"
#include "parquet/reader/test_file_builder.h"

namespace fgm::parquet {
namespace {

using testing::BuildTestFile;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TestChunk;
using testing::TestFile;

const std::string kGolden =
    std::string(FGM_SOURCE_DIR) + "/test/data/parquet/golden/duckdb_zstd_v2.parquet";

TEST(InspectTest, TextDescribesSchemaRowGroupsAndStatistics) {
  auto text = InspectParquetFile(kGolden, false);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_THAT(*text, HasSubstr("rows: 2500 in 2 row group(s)"));
  EXPECT_THAT(*text, HasSubstr("created_by: DuckDB"));
  EXPECT_THAT(
      *text, HasSubstr("3 ts: INT64 OPTIONAL TIMESTAMP(MICROS,true) [converted TIMESTAMP_MICROS]"));
  EXPECT_THAT(*text, HasSubstr("11 dec: INT64 OPTIONAL DECIMAL(18,3) [converted DECIMAL]"));
  EXPECT_THAT(*text, HasSubstr("row group 1: 452 rows"));
  EXPECT_THAT(*text, HasSubstr("column 0 id: ZSTD [DELTA_BINARY_PACKED"));
  EXPECT_THAT(*text, HasSubstr("min 1700000000000000 (2023-11-14T22:13:20.000000Z)"));
  EXPECT_THAT(*text, HasSubstr("min \"container-0\", max \"container-6\""));
  EXPECT_THAT(*text, HasSubstr("RLE_DICTIONARY"));
  EXPECT_THAT(*text, HasSubstr("page index:"));
}

TEST(InspectTest, JsonIsParseableAndComplete) {
  auto text = InspectParquetFile(kGolden, true);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["num_rows"], 2500);
  EXPECT_EQ(j["num_row_groups"], 2);
  ASSERT_EQ(j["schema"].size(), 13u);
  EXPECT_EQ(j["schema"][3]["name"], "ts");
  EXPECT_EQ(j["schema"][3]["logical_type"], "TIMESTAMP(MICROS,true)");
  EXPECT_EQ(j["schema"][3]["converted_type"], "TIMESTAMP_MICROS");
  ASSERT_EQ(j["row_groups"].size(), 2u);
  const auto& chunk = j["row_groups"][1]["columns"][0];
  EXPECT_EQ(chunk["name"], "id");
  EXPECT_EQ(chunk["codec"], "ZSTD");
  EXPECT_EQ(chunk["num_values"], 452);
  EXPECT_EQ(chunk["statistics"]["min"], "2048");
  EXPECT_EQ(chunk["statistics"]["max"], "2499");
  EXPECT_GT(chunk["total_compressed_size"].get<int64_t>(), 0);
}

TEST(InspectTest, ShowsPageIndexAndKeyValueMetadata) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::Int64("t")};
  spec.key_value_metadata = {{"fgm.schema_version", "3"}, {"empty", std::nullopt}};
  TestChunk chunk;
  for (int p = 0; p < 4; ++p) {
    ColumnBatch b{.type = PhysicalType::kInt64};
    for (int i = 0; i < 10; ++i) b.AppendInt64(p * 10 + i);
    chunk.pages.push_back(b);
  }
  spec.row_groups = {{chunk}};
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok());
  auto text = InspectParquet(**reader, "mem.parquet", false);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("file: mem.parquet"));
  EXPECT_THAT(*text, HasSubstr("fgm.schema_version = 3"));
  EXPECT_THAT(*text, HasSubstr("empty = (null)"));
  EXPECT_THAT(*text, HasSubstr("offset index at"));
  EXPECT_THAT(*text, HasSubstr("4 data pages"));
  EXPECT_THAT(*text, HasSubstr("min 0, max 39, nulls 0"));
  EXPECT_THAT(*text, Not(HasSubstr("unreadable")));

  auto json = InspectParquet(**reader, "mem.parquet", true);
  ASSERT_TRUE(json.ok());
  auto j = nlohmann::json::parse(*json);
  EXPECT_EQ(j["key_value_metadata"][0]["key"], "fgm.schema_version");
  EXPECT_TRUE(j["key_value_metadata"][1]["value"].is_null());
  EXPECT_EQ(j["row_groups"][0]["columns"][0]["num_pages"], 4);
  EXPECT_TRUE(j["row_groups"][0]["columns"][0]["offset_index"].is_object());
}

TEST(InspectTest, BadStatisticsAreReportedNotFatal) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::Int64("t")};
  ColumnBatch b{.type = PhysicalType::kInt64};
  b.AppendInt64(1);
  spec.row_groups = {{TestChunk{.pages = {b}}}};
  spec.mutate_footer = [](FileMetaData* m) {
    m->row_groups[0].columns[0].meta_data->statistics->min_value = "abc";  // 3 bytes for INT64
  };
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok());
  auto text = InspectParquet(**reader, "x", false);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("statistics: (unreadable: Corrupt:"));
  auto json = InspectParquet(**reader, "x", true);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(
      nlohmann::json::parse(*json)["row_groups"][0]["columns"][0]["statistics"].contains("error"));
}

TEST(InspectTest, MissingFileIsAnError) {
  auto text = InspectParquetFile("/nonexistent/file.parquet", false);
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.error().ToString(), HasSubstr("/nonexistent/file.parquet"));
}

}  // namespace
}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// FileReader tests: DuckDB-written goldens (every codec, data page v1/v2) checked value by value
// against the formulas that generated them, hand-built files for every encoding/type pair and the
// page index, pruning, projection, budgets and concurrent use.
#include "parquet/reader/file_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "core/file.h"
#include "parquet/reader/test_file_builder.h"

namespace fgm::parquet {
namespace {

using testing::BuildTestFile;
using ::testing::HasSubstr;
using testing::TestChunk;
using testing::TestFile;

std::string GoldenPath(const std::string& name) {
  return std::string(FGM_SOURCE_DIR) + "/test/data/parquet/golden/" + name;
}

// ---- DuckDB goldens (test/data/parquet/golden/generate.mjs) ----

constexpr int64_t kGoldenRows = 2500;

struct GoldenCase {
  std::string codec;
  std::string version;
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.codec << "_" << c.version; }

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {
 protected:
  std::string path() const {
    return GoldenPath("duckdb_" + GetParam().codec + "_" + GetParam().version + ".parquet");
  }
};

std::string GoldenName(const ::testing::TestParamInfo<GoldenCase>& info) {
  return info.param.codec + "_" + info.param.version;
}

// Checks one column of rows [first, first + batch.num_rows) against the generator's formulas.
void ExpectGoldenColumn(const std::string& column, const ColumnBatch& b, int64_t first) {
  size_t v = 0;  // index into the dense value vector
  for (size_t r = 0; r < b.num_rows; ++r) {
    const int64_t i = first + static_cast<int64_t>(r);
    SCOPED_TRACE(column + " row " + std::to_string(i));
    bool null = false;
    if (column == "small") null = i % 11 == 0;
    if (column == "d") null = i % 7 == 3 && i != 1 && i != 2 && i != 4 && i != 5;
    if (column == "uniq") null = i % 13 == 0;
    ASSERT_EQ(b.IsNull(r), null);
    if (null) continue;
    if (column == "id") {
      EXPECT_EQ(b.int64s[v], i);
    } else if (column == "big") {
      EXPECT_EQ(b.int64s[v], i * 1000003 - 2500000000LL);
    } else if (column == "small") {
      EXPECT_EQ(b.int32s[v], static_cast<int32_t>(i % 1000 - 500));
    } else if (column == "ts") {
      EXPECT_EQ(b.int64s[v], 1700000000000000LL + i * 1000000);
    } else if (column == "d") {
      double d = b.doubles[v];
      if (i == 1) {
        EXPECT_TRUE(std::isnan(d));
      } else if (i == 2) {
        EXPECT_EQ(d, std::numeric_limits<double>::infinity());
      } else if (i == 4) {
        EXPECT_EQ(d, -std::numeric_limits<double>::infinity());
      } else if (i == 5) {
        EXPECT_EQ(d, 0.0);
        EXPECT_TRUE(std::signbit(d));
      } else {
        EXPECT_EQ(d, static_cast<double>(i) * 0.25);
      }
    } else if (column == "f") {
      EXPECT_EQ(b.floats[v], static_cast<float>(i) / 8.0f);
    } else if (column == "name") {
      EXPECT_EQ(b.bytes[v], "container-" + std::to_string(i % 7));
    } else if (column == "uniq") {
      EXPECT_EQ(b.bytes[v], "u" + std::to_string(i));
    } else if (column == "flag") {
      EXPECT_EQ(b.bools[v], i % 3 == 0 ? 1 : 0);
    } else if (column == "day") {
      EXPECT_EQ(b.int32s[v], 19723 + i % 400);  // 2024-01-01 is day 19723
    } else if (column == "ub") {
      EXPECT_EQ(b.int64s[v], i * 7);
    } else if (column == "dec") {
      EXPECT_EQ(b.int64s[v], i * 1500);  // DECIMAL(18,3) unscaled
    } else if (column == "blob") {
      EXPECT_EQ(b.bytes[v], std::string("\xAA\x00", 2) + std::to_string(i));
    } else {
      FAIL() << "unexpected column";
    }
    ++v;
  }
  EXPECT_EQ(v, b.num_values());
}

TEST_P(GoldenTest, SchemaAndLayout) {
  auto reader = FileReader::OpenFile(path());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  const FileReader& r = **reader;
  EXPECT_EQ(r.num_rows(), kGoldenRows);
  ASSERT_EQ(r.num_row_groups(), 2);
  EXPECT_EQ(r.row_group_num_rows(0), 2048);
  EXPECT_EQ(r.row_group_num_rows(1), 452);
  const Schema& s = r.schema();
  ASSERT_EQ(s.columns.size(), 13u);
  EXPECT_EQ(s.columns[0].name, "id");
  EXPECT_EQ(s.columns[0].type, PhysicalType::kInt64);
  EXPECT_EQ(s.columns[0].repetition, Repetition::kOptional);
  const ColumnSpec& ts = s.columns[static_cast<size_t>(s.FindColumn("ts"))];
  EXPECT_EQ(ts.logical_type, LogicalType::Timestamp(TimeUnit::kMicros, true));
  const ColumnSpec& name = s.columns[static_cast<size_t>(s.FindColumn("name"))];
  EXPECT_EQ(name.logical_type.kind, LogicalType::Kind::kString);
  const ColumnSpec& ub = s.columns[static_cast<size_t>(s.FindColumn("ub"))];
  EXPECT_EQ(ub.logical_type, LogicalType::Integer(64, false));
  const ColumnSpec& dec = s.columns[static_cast<size_t>(s.FindColumn("dec"))];
  EXPECT_EQ(dec.logical_type.kind, LogicalType::Kind::kDecimal);
  EXPECT_EQ(dec.logical_type.precision, 18);
  EXPECT_EQ(dec.logical_type.scale, 3);
}

TEST_P(GoldenTest, ReadsEveryValueOfEveryColumn) {
  auto reader = FileReader::OpenFile(path());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  const FileReader& r = **reader;
  ColumnReadBuffers buffers;
  ColumnBatch batch;
  int64_t first = 0;
  for (int rg = 0; rg < r.num_row_groups(); ++rg) {
    for (int c = 0; c < r.num_columns(); ++c) {
      Status s = r.ReadColumnChunk(rg, c, &batch, &buffers);
      ASSERT_TRUE(s.ok()) << s.ToString();
      ASSERT_EQ(batch.num_rows, static_cast<size_t>(r.row_group_num_rows(rg)));
      EXPECT_EQ(batch.type, r.schema().columns[static_cast<size_t>(c)].type);
      ExpectGoldenColumn(r.schema().columns[static_cast<size_t>(c)].name, batch, first);
    }
    first += r.row_group_num_rows(rg);
  }
}

TEST_P(GoldenTest, MemorySourceReadsTheSameAsTheFileSource) {
  auto bytes = ReadFileToString(path());
  ASSERT_TRUE(bytes.ok());
  auto reader = FileReader::Open(MakeMemorySource(*bytes));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  ColumnBatch batch;
  int col = (*reader)->schema().FindColumn("uniq");
  ASSERT_TRUE((*reader)->ReadColumnChunk(1, col, &batch).ok());
  ExpectGoldenColumn("uniq", batch, 2048);
}

TEST_P(GoldenTest, ReadColumnRowsReturnsExactlyTheRequestedRows) {
  auto reader = FileReader::OpenFile(path());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  ColumnBatch batch;
  for (const char* column : {"small", "d", "name", "flag", "blob"}) {
    int col = (*reader)->schema().FindColumn(column);
    Status s = (*reader)->ReadColumnRows(0, col, 1000, 77, &batch);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(batch.num_rows, 77u);
    ExpectGoldenColumn(column, batch, 1000);
  }
}

TEST_P(GoldenTest, StatisticsPruneRowGroups) {
  auto reader = FileReader::OpenFile(path());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  const FileReader& r = **reader;
  const int ts = r.schema().FindColumn("ts");
  auto stats = r.ChunkStatistics(1, ts);
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  ASSERT_TRUE(stats->has_min_max());
  EXPECT_EQ(stats->min->i, 1700000000000000LL + 2048LL * 1000000);
  EXPECT_EQ(stats->max->i, 1700000000000000LL + 2499LL * 1000000);
  // A window inside row group 1 only.
  auto groups = r.RowGroupsMatchingInt64Range(ts, 1700000000000000LL + 2100LL * 1000000,
                                              1700000000000000LL + 2200LL * 1000000);
  ASSERT_TRUE(groups.ok());
  EXPECT_THAT(*groups, ::testing::ElementsAre(1));
  groups = r.RowGroupsMatchingInt64Range(ts, 0, 1);
  ASSERT_TRUE(groups.ok());
  EXPECT_TRUE(groups->empty());
  // Strings compare bytewise unsigned.
  const int name = r.schema().FindColumn("name");
  auto by_name = r.RowGroupsMatchingRange(name, StatValue::Bytes("container-7"),
                                          StatValue::Bytes("container-9"));
  ASSERT_TRUE(by_name.ok());
  EXPECT_TRUE(by_name->empty());
  // UINT_64 statistics exist only as min_value/max_value; they must decode.
  auto ub = r.ChunkStatistics(0, r.schema().FindColumn("ub"));
  ASSERT_TRUE(ub.ok());
  ASSERT_TRUE(ub->has_min_max());
  EXPECT_EQ(ub->max->i, 2047 * 7);
}

TEST_P(GoldenTest, ProjectionReadsOnlyChosenColumns) {
  auto reader = FileReader::OpenFile(path());
  ASSERT_TRUE(reader.ok());
  std::vector<ColumnBatch> out;
  std::vector<int> cols = {(*reader)->schema().FindColumn("blob"),
                           (*reader)->schema().FindColumn("id")};
  ASSERT_TRUE((*reader)->ReadRowGroup(1, cols, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  ExpectGoldenColumn("blob", out[0], 2048);
  ExpectGoldenColumn("id", out[1], 2048);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, GoldenTest,
                         ::testing::Values(GoldenCase{"uncompressed", "v1"},
                                           GoldenCase{"snappy", "v1"}, GoldenCase{"gzip", "v1"},
                                           GoldenCase{"zstd", "v1"}, GoldenCase{"lz4_raw", "v1"},
                                           GoldenCase{"uncompressed", "v2"},
                                           GoldenCase{"snappy", "v2"}, GoldenCase{"gzip", "v2"},
                                           GoldenCase{"zstd", "v2"}, GoldenCase{"lz4_raw", "v2"}),
                         GoldenName);

// ---- Hand-built files ----

// Values for row i of a test column of `type` (null when `nullable` and i % 4 == 1).
ColumnBatch MakeBatch(PhysicalType type, int64_t first, int64_t rows, bool nullable,
                      int type_length = 0) {
  ColumnBatch b{.type = type};
  for (int64_t i = first; i < first + rows; ++i) {
    if (nullable && i % 4 == 1) {
      b.AppendNull();
      continue;
    }
    switch (type) {
      case PhysicalType::kBoolean:
        b.AppendBool(i % 3 == 0);
        break;
      case PhysicalType::kInt32:
        b.AppendInt32(static_cast<int32_t>(i * 37 % 1001 - 500));
        break;
      case PhysicalType::kInt64:
        b.AppendInt64(i * 1000000007LL - (i % 5) * 3);
        break;
      case PhysicalType::kFloat:
        b.AppendFloat(static_cast<float>(i % 17) * 0.5f - 3.0f);
        break;
      case PhysicalType::kDouble:
        b.AppendDouble(static_cast<double>(i % 23) / 3.0);
        break;
      case PhysicalType::kByteArray:
        b.AppendBytes("val-" + std::to_string(i % 9) +
                      std::string(static_cast<size_t>(i % 3), 'x'));
        break;
      case PhysicalType::kFixedLenByteArray: {
        std::string v(static_cast<size_t>(type_length), 'a');
        v[0] = static_cast<char>('a' + i % 5);
        b.AppendBytes(v);
        break;
      }
      case PhysicalType::kInt96: {
        std::string v(12, '\0');
        v[0] = static_cast<char>(i % 7);
        v[11] = static_cast<char>(i % 3);
        b.AppendBytes(v);
        break;
      }
    }
  }
  return b;
}

void ExpectBatchesEqual(const ColumnBatch& want, const ColumnBatch& got) {
  ASSERT_EQ(want.type, got.type);
  ASSERT_EQ(want.num_rows, got.num_rows);
  for (size_t r = 0; r < want.num_rows; ++r) ASSERT_EQ(want.IsNull(r), got.IsNull(r)) << r;
  EXPECT_EQ(want.bools, got.bools);
  EXPECT_EQ(want.int32s, got.int32s);
  EXPECT_EQ(want.int64s, got.int64s);
  EXPECT_EQ(want.floats, got.floats);
  EXPECT_EQ(want.doubles, got.doubles);
  ASSERT_EQ(want.bytes.size(), got.bytes.size());
  for (size_t i = 0; i < want.bytes.size(); ++i) EXPECT_EQ(want.bytes[i], got.bytes[i]) << i;
}

ColumnBatch Concat(const std::vector<ColumnBatch>& pages) {
  ColumnBatch all{.type = pages.at(0).type};
  for (const ColumnBatch& p : pages) {
    size_t v = 0;
    for (size_t r = 0; r < p.num_rows; ++r) {
      if (p.IsNull(r)) {
        all.AppendNull();
        continue;
      }
      switch (p.type) {
        case PhysicalType::kBoolean:
          all.AppendBool(p.bools[v] != 0);
          break;
        case PhysicalType::kInt32:
          all.AppendInt32(p.int32s[v]);
          break;
        case PhysicalType::kInt64:
          all.AppendInt64(p.int64s[v]);
          break;
        case PhysicalType::kFloat:
          all.AppendFloat(p.floats[v]);
          break;
        case PhysicalType::kDouble:
          all.AppendDouble(p.doubles[v]);
          break;
        default:
          all.AppendBytes(p.bytes[v]);
          break;
      }
      ++v;
    }
  }
  return all;
}

ColumnSpec Spec(PhysicalType type, Repetition rep, int type_length = 0) {
  ColumnSpec c{.name = "c", .type = type, .repetition = rep};
  if (type == PhysicalType::kFixedLenByteArray) c.type_length = type_length;
  return c;
}

struct EncodingCase {
  PhysicalType type;
  Encoding encoding;
};

class EncodingTest : public ::testing::TestWithParam<std::tuple<EncodingCase, bool, bool, bool>> {};

TEST_P(EncodingTest, RoundTripsEveryPage) {
  const auto [ec, optional, v2, zstd] = GetParam();
  const int type_length = ec.type == PhysicalType::kFixedLenByteArray ? 6 : 0;
  TestFile spec;
  spec.schema.columns = {
      Spec(ec.type, optional ? Repetition::kOptional : Repetition::kRequired, type_length)};
  TestChunk chunk{.encoding = ec.encoding,
                  .codec = zstd ? CompressionCodec::kZstd : CompressionCodec::kUncompressed,
                  .v2 = v2};
  // Three pages of uneven sizes, including one that crosses a DBP block and RLE run boundaries.
  chunk.pages = {MakeBatch(ec.type, 0, 300, optional, type_length),
                 MakeBatch(ec.type, 300, 7, optional, type_length),
                 MakeBatch(ec.type, 307, 1000, optional, type_length)};
  spec.row_groups = {{chunk}};
  const std::string file = BuildTestFile(spec);
  auto reader = FileReader::Open(MakeMemorySource(file));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  ColumnBatch got;
  Status s = (*reader)->ReadColumnChunk(0, 0, &got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectBatchesEqual(Concat(chunk.pages), got);
  if (!optional) {
    EXPECT_TRUE(got.validity.empty());
  }

  // Partial reads cut pages at both ends.
  s = (*reader)->ReadColumnRows(0, 0, 250, 400, &got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ColumnBatch all = Concat(chunk.pages);
  ColumnBatch want = Concat({MakeBatch(ec.type, 250, 400, optional, type_length)});
  ExpectBatchesEqual(want, got);
}

std::string EncodingCaseName(
    const ::testing::TestParamInfo<std::tuple<EncodingCase, bool, bool, bool>>& info) {
  const auto& [ec, optional, v2, zstd] = info.param;
  std::string name = std::string(PhysicalTypeName(ec.type)) + "_" +
                     std::string(EncodingName(ec.encoding)) + (optional ? "_opt" : "_req") +
                     (v2 ? "_v2" : "_v1") + (zstd ? "_zstd" : "_raw");
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    AllEncodings, EncodingTest,
    ::testing::Combine(
        ::testing::Values(EncodingCase{PhysicalType::kBoolean, Encoding::kPlain},
                          EncodingCase{PhysicalType::kBoolean, Encoding::kRle},
                          EncodingCase{PhysicalType::kInt32, Encoding::kPlain},
                          EncodingCase{PhysicalType::kInt32, Encoding::kRleDictionary},
                          EncodingCase{PhysicalType::kInt32, Encoding::kPlainDictionary},
                          EncodingCase{PhysicalType::kInt32, Encoding::kDeltaBinaryPacked},
                          EncodingCase{PhysicalType::kInt32, Encoding::kByteStreamSplit},
                          EncodingCase{PhysicalType::kInt64, Encoding::kPlain},
                          EncodingCase{PhysicalType::kInt64, Encoding::kRleDictionary},
                          EncodingCase{PhysicalType::kInt64, Encoding::kDeltaBinaryPacked},
                          EncodingCase{PhysicalType::kInt64, Encoding::kByteStreamSplit},
                          EncodingCase{PhysicalType::kFloat, Encoding::kPlain},
                          EncodingCase{PhysicalType::kFloat, Encoding::kRleDictionary},
                          EncodingCase{PhysicalType::kFloat, Encoding::kByteStreamSplit},
                          EncodingCase{PhysicalType::kDouble, Encoding::kPlain},
                          EncodingCase{PhysicalType::kDouble, Encoding::kRleDictionary},
                          EncodingCase{PhysicalType::kDouble, Encoding::kByteStreamSplit},
                          EncodingCase{PhysicalType::kByteArray, Encoding::kPlain},
                          EncodingCase{PhysicalType::kByteArray, Encoding::kRleDictionary},
                          EncodingCase{PhysicalType::kByteArray, Encoding::kPlainDictionary},
                          EncodingCase{PhysicalType::kByteArray, Encoding::kDeltaLengthByteArray},
                          EncodingCase{PhysicalType::kByteArray, Encoding::kDeltaByteArray},
                          EncodingCase{PhysicalType::kFixedLenByteArray, Encoding::kPlain},
                          EncodingCase{PhysicalType::kFixedLenByteArray, Encoding::kRleDictionary},
                          EncodingCase{PhysicalType::kFixedLenByteArray, Encoding::kDeltaByteArray},
                          EncodingCase{PhysicalType::kInt96, Encoding::kPlain}),
        ::testing::Bool(), ::testing::Bool(), ::testing::Bool()),
    EncodingCaseName);

// A RandomAccessSource wrapper that records how many bytes were read, to prove page skipping.
class CountingSource : public RandomAccessSource {
 public:
  explicit CountingSource(std::string_view data) : inner_(MakeMemorySource(data)) {}
  uint64_t Size() const override { return inner_->Size(); }
  Status ReadAt(uint64_t offset, size_t length, std::string* out) const override {
    bytes_read_ += length;
    return inner_->ReadAt(offset, length, out);
  }
  const std::string& name() const override { return inner_->name(); }
  uint64_t bytes_read() const { return bytes_read_; }
  void reset() { bytes_read_ = 0; }

 private:
  std::unique_ptr<RandomAccessSource> inner_;
  mutable std::atomic<uint64_t> bytes_read_{0};
};

// Two columns: "ts" (sorted timestamps, one per second) and "v" (doubles), 10 pages of 100 rows.
TestFile TimeSeriesFile(bool page_index) {
  TestFile spec;
  spec.page_index = page_index;
  spec.schema.columns = {ColumnSpec::Timestamp("ts", TimeUnit::kMicros),
                         ColumnSpec::Double("v", Repetition::kOptional)};
  TestChunk ts{.encoding = Encoding::kPlain};
  TestChunk v{.encoding = Encoding::kPlain, .codec = CompressionCodec::kZstd};
  for (int p = 0; p < 10; ++p) {
    ColumnBatch t{.type = PhysicalType::kInt64};
    for (int i = 0; i < 100; ++i) t.AppendInt64(int64_t{1000000} * (p * 100 + i));
    ts.pages.push_back(t);
    v.pages.push_back(MakeBatch(PhysicalType::kDouble, p * 100, 100, true));
  }
  spec.row_groups = {{ts, v}};
  return spec;
}

TEST(PageIndexTest, RowRangesFollowPageBoundaries) {
  const std::string file = BuildTestFile(TimeSeriesFile(true));
  auto reader = FileReader::Open(MakeMemorySource(file));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  auto index = (*reader)->PageIndex(0, 0);
  ASSERT_TRUE(index.ok()) << index.error().ToString();
  ASSERT_TRUE((*index)->offset_index.has_value());
  ASSERT_TRUE((*index)->column_index.has_value());
  EXPECT_EQ((*index)->offset_index->page_locations.size(), 10u);
  // Seconds 250..420 live in pages 2, 3 and 4 (rows 200..499).
  auto ranges = (*reader)->RowRangesMatchingInt64Range(0, 0, 250 * 1000000, 420 * 1000000);
  ASSERT_TRUE(ranges.ok()) << ranges.error().ToString();
  EXPECT_THAT(*ranges, ::testing::ElementsAre(RowRange{200, 300}));
  // Outside the data: nothing.
  ranges = (*reader)->RowRangesMatchingInt64Range(0, 0, -5, -1);
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(ranges->empty());
  // The same pointer is returned once loaded.
  auto again = (*reader)->PageIndex(0, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *index);
}

TEST(PageIndexTest, ReadColumnRowsFetchesOnlyCoveringPages) {
  const std::string file = BuildTestFile(TimeSeriesFile(true));
  auto source = std::make_unique<CountingSource>(file);
  CountingSource* counter = source.get();
  auto reader = FileReader::Open(std::move(source));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  ColumnBatch all;
  ASSERT_TRUE((*reader)->ReadColumnChunk(0, 1, &all).ok());
  ASSERT_TRUE((*reader)->PageIndex(0, 1).ok());  // load the index outside the measurement
  const uint64_t chunk_bytes =
      static_cast<uint64_t>((*reader)->ChunkMetaData(0, 1).total_compressed_size);

  counter->reset();
  ColumnBatch part;
  Status s = (*reader)->ReadColumnRows(0, 1, 510, 20, &part);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectBatchesEqual(MakeBatch(PhysicalType::kDouble, 510, 20, true), part);
  // One page of ten.
  EXPECT_GT(counter->bytes_read(), 0u);
  EXPECT_LT(counter->bytes_read(), chunk_bytes / 5);

  // Several ranges across pages, concatenated in row order.
  RowRanges ranges = {{5, 10}, {95, 10}, {990, 10}};
  ASSERT_TRUE((*reader)->ReadColumnRanges(0, 1, ranges, &part).ok());
  ColumnBatch want = Concat({MakeBatch(PhysicalType::kDouble, 5, 10, true),
                             MakeBatch(PhysicalType::kDouble, 95, 10, true),
                             MakeBatch(PhysicalType::kDouble, 990, 10, true)});
  ExpectBatchesEqual(want, part);
}

TEST(PageIndexTest, WithoutPageIndexRangesAreWholeRowGroupAndReadsStillExact) {
  const std::string file = BuildTestFile(TimeSeriesFile(false));
  auto reader = FileReader::Open(MakeMemorySource(file));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  auto index = (*reader)->PageIndex(0, 0);
  ASSERT_TRUE(index.ok());
  EXPECT_FALSE((*index)->offset_index.has_value());
  auto ranges = (*reader)->RowRangesMatchingInt64Range(0, 0, 250 * 1000000, 420 * 1000000);
  ASSERT_TRUE(ranges.ok());
  EXPECT_THAT(*ranges, ::testing::ElementsAre(RowRange{0, 1000}));
  ColumnBatch part;
  ASSERT_TRUE((*reader)->ReadColumnRows(0, 1, 510, 20, &part).ok());
  ExpectBatchesEqual(MakeBatch(PhysicalType::kDouble, 510, 20, true), part);
}

TEST(PageIndexTest, BadRowArgumentsAreInvalidArgument) {
  const std::string file = BuildTestFile(TimeSeriesFile(true));
  auto reader = FileReader::Open(MakeMemorySource(file));
  ASSERT_TRUE(reader.ok());
  ColumnBatch out;
  EXPECT_EQ((*reader)->ReadColumnRows(0, 0, 990, 11, &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*reader)->ReadColumnRows(0, 0, -1, 1, &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*reader)->ReadColumnRanges(0, 0, {{10, 5}, {12, 5}}, &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ((*reader)->ReadColumnChunk(1, 0, &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*reader)->ReadColumnChunk(0, 2, &out).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*reader)->ReadColumnRows(0, 0, 1000, 0, &out).ok());
  EXPECT_EQ(out.num_rows, 0u);
}

TEST(RowGroupPruningTest, SkipsRowGroupsOutsideTheRange) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::Int64("t")};
  for (int rg = 0; rg < 4; ++rg) {
    ColumnBatch b{.type = PhysicalType::kInt64};
    for (int i = 0; i < 50; ++i) b.AppendInt64(rg * 1000 + i);
    spec.row_groups.push_back({TestChunk{.pages = {b}}});
  }
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  auto groups = (*reader)->RowGroupsMatchingInt64Range(0, 1040, 2010);
  ASSERT_TRUE(groups.ok());
  EXPECT_THAT(*groups, ::testing::ElementsAre(1, 2));
  groups = (*reader)->RowGroupsMatchingInt64Range(0, 1050, 1999);  // in a gap
  ASSERT_TRUE(groups.ok());
  EXPECT_TRUE(groups->empty());
}

TEST(FileReaderErrorsTest, LyingCompressedPageSizeIsCorrupt) {
  TestFile spec = TimeSeriesFile(false);
  spec.row_groups[0][0].mutate_page_header = [](PageHeader* h) {
    h->compressed_page_size += 1 << 20;
  };
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  ColumnBatch out;
  Status s = (*reader)->ReadColumnChunk(0, 0, &out);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("runs past the end of the column chunk"));
  EXPECT_THAT(s.message(), HasSubstr("row group 0 column 'ts'"));
}

TEST(FileReaderErrorsTest, UncompressedSizeAboveTheCapIsCorruptWithoutAllocating) {
  TestFile spec = TimeSeriesFile(false);
  spec.row_groups[0][1].mutate_page_header = [](PageHeader* h) {
    h->uncompressed_page_size = std::numeric_limits<int32_t>::max();
  };
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)),
                                 ReaderOptions{.max_page_bytes = 1 << 20});
  ASSERT_TRUE(reader.ok());
  ColumnBatch out;
  Status s = (*reader)->ReadColumnChunk(0, 1, &out);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("exceeds the reader's cap"));
}

TEST(FileReaderErrorsTest, DecompressedSizeMismatchIsCorrupt) {
  TestFile spec = TimeSeriesFile(false);
  spec.row_groups[0][1].mutate_page_header = [](PageHeader* h) {
    if (h->type == PageType::kDataPage) h->uncompressed_page_size -= 1;
  };
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok());
  ColumnBatch out;
  EXPECT_EQ((*reader)->ReadColumnChunk(0, 1, &out).code(), StatusCode::kCorrupt);
}

TEST(FileReaderErrorsTest, DictionaryIndexOutOfRangeIsCorrupt) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::String("s")};
  ColumnBatch b{.type = PhysicalType::kByteArray};
  for (int i = 0; i < 40; ++i) b.AppendBytes(std::string(1, static_cast<char>('a' + i % 4)));
  TestChunk chunk{.pages = {b}, .encoding = Encoding::kRleDictionary};
  // Claim a 2-entry dictionary: the PLAIN bytes still hold 4, indices 2 and 3 are out of range.
  chunk.mutate_page_header = [](PageHeader* h) {
    if (h->dictionary_page_header) h->dictionary_page_header->num_values = 2;
  };
  spec.row_groups = {{chunk}};
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok());
  ColumnBatch out;
  Status s = (*reader)->ReadColumnChunk(0, 0, &out);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_THAT(s.message(), HasSubstr("dictionary index 3 out of range (dictionary has 2 values)"));
}

TEST(FileReaderErrorsTest, BitPackedLevelsAndUnknownEncodingsAreUnsupported) {
  TestFile spec = TimeSeriesFile(false);
  spec.row_groups[0][1].mutate_page_header = [](PageHeader* h) {
    h->data_page_header->definition_level_encoding = Encoding::kBitPacked;
  };
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok());
  ColumnBatch out;
  Status s = (*reader)->ReadColumnChunk(0, 1, &out);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("BIT_PACKED"));

  spec = TimeSeriesFile(false);
  spec.row_groups[0][0].mutate_page_header = [](PageHeader* h) {
    h->data_page_header->encoding = static_cast<Encoding>(42);
  };
  reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok());
  s = (*reader)->ReadColumnChunk(0, 0, &out);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_THAT(s.message(), HasSubstr("unknown encoding 42"));
}

TEST(FileReaderErrorsTest, DecodedBudgetStopsRleBombs) {
  // 1M identical dictionary indices encode to a few bytes; a 1 MiB budget refuses 8 MiB of INT64.
  TestFile spec;
  spec.schema.columns = {ColumnSpec::Int64("x")};
  ColumnBatch b{.type = PhysicalType::kInt64};
  b.int64s.assign(1 << 20, 42);
  b.num_rows = b.int64s.size();
  spec.row_groups = {{TestChunk{.pages = {b}, .encoding = Encoding::kRleDictionary}}};
  const std::string file = BuildTestFile(spec);
  EXPECT_LT(file.size(), 4096u);
  auto reader =
      FileReader::Open(MakeMemorySource(file), ReaderOptions{.max_decoded_bytes = 1 << 20});
  ASSERT_TRUE(reader.ok());
  ColumnBatch out;
  Status s = (*reader)->ReadColumnChunk(0, 0, &out);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  // The default budget reads it.
  reader = FileReader::Open(MakeMemorySource(file));
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->ReadColumnChunk(0, 0, &out).ok());
  EXPECT_EQ(out.int64s.size(), size_t{1} << 20);
  EXPECT_EQ(out.int64s.back(), 42);
}

TEST(FileReaderErrorsTest, FooterInconsistenciesAreCorrupt) {
  struct Case {
    std::function<void(FileMetaData*)> mutate;
    std::string fragment;
  };
  std::vector<Case> cases = {
      {[](FileMetaData* m) { m->num_rows += 1; }, "footer's num_rows"},
      {[](FileMetaData* m) { m->row_groups[0].columns[1].meta_data->num_values -= 1; },
       "num_values 999 differs"},
      {[](FileMetaData* m) { m->row_groups[0].columns[0].meta_data->data_page_offset = 1 << 30; },
       "outside the file's data region"},
      {[](FileMetaData* m) { m->row_groups[0].columns.pop_back(); }, "has 1 column chunks"},
      {[](FileMetaData* m) { m->row_groups[0].columns[0].meta_data->type = PhysicalType::kInt32; },
       "chunk type INT32 differs"},
      {[](FileMetaData* m) { m->row_groups[0].columns[0].file_path = "other.parquet"; },
       "another file"},
  };
  for (const Case& c : cases) {
    TestFile spec = TimeSeriesFile(true);
    spec.mutate_footer = c.mutate;
    auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
    ASSERT_FALSE(reader.ok()) << c.fragment;
    EXPECT_THAT(reader.error().message(), HasSubstr(c.fragment));
  }
}

TEST(FileReaderErrorsTest, BadOffsetIndexIsCorruptOnRangeReads) {
  TestFile spec = TimeSeriesFile(true);
  spec.mutate_footer = [](FileMetaData* m) {
    // Point the offset index of "v" at the column index bytes of "ts": parses or not, it cannot
    // describe "v"'s pages.
    m->row_groups[0].columns[1].offset_index_offset =
        m->row_groups[0].columns[0].column_index_offset;
    m->row_groups[0].columns[1].offset_index_length =
        m->row_groups[0].columns[0].column_index_length;
  };
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok());
  ColumnBatch out;
  Status s = (*reader)->ReadColumnRows(0, 1, 0, 10, &out);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt) << s.ToString();
  // Full-chunk reads do not need the index.
  EXPECT_TRUE((*reader)->ReadColumnChunk(0, 1, &out).ok());
}

TEST(FileReaderTest, ConcurrentReadsFromOneReader) {
  const std::string file = BuildTestFile(TimeSeriesFile(true));
  auto reader = FileReader::Open(MakeMemorySource(file));
  ASSERT_TRUE(reader.ok());
  const FileReader* r = reader->get();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([r, t, &failures] {
      ColumnReadBuffers buffers;
      ColumnBatch out;
      for (int k = 0; k < 20; ++k) {
        int64_t first = (t * 97 + k * 31) % 900;
        if (!r->ReadColumnRows(0, 1, first, 50, &out, &buffers).ok() || out.num_rows != 50) {
          ++failures;
        }
        if (!r->RowRangesMatchingInt64Range(0, 0, first * 1000000, (first + 1) * 1000000).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(FileReaderTest, OpenFileMissingIsAnError) {
  auto reader = FileReader::OpenFile("/nonexistent/dir/x.parquet");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error().message(), HasSubstr("/nonexistent/dir/x.parquet"));
}

TEST(FileReaderTest, EmptyTableHasNoRowGroups) {
  TestFile spec;
  spec.schema.columns = {ColumnSpec::Int64("x")};
  auto reader = FileReader::Open(MakeOwnedMemorySource(BuildTestFile(spec)));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ((*reader)->num_rows(), 0);
  EXPECT_EQ((*reader)->num_row_groups(), 0);
  auto groups = (*reader)->RowGroupsMatchingInt64Range(0, 0, 10);
  ASSERT_TRUE(groups.ok());
  EXPECT_TRUE(groups->empty());
}

}  // namespace
}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// Writer tests that inspect the bytes and footer we produce. Value round-trips through our reader
// live in the reader's tests, and through DuckDB/hyparquet in test/conformance.
#include "parquet/writer/file_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

#include "parquet/metadata.h"

namespace fgm::parquet {
namespace {

using ::testing::Contains;
using ::testing::Not;

FileMetaData ParseFooter(const std::string& file) {
  EXPECT_GE(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  uint32_t len = 0;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  EXPECT_LE(len + 12u, file.size());
  auto meta = DeserializeFileMetaData(std::string_view(file).substr(file.size() - 8 - len, len));
  EXPECT_TRUE(meta.ok()) << meta.error().ToString();
  return meta.ok() ? *meta : FileMetaData{};
}

std::string WriteOne(const Schema& schema, const std::vector<ColumnBatch>& batches,
                     WriterOptions options = {}) {
  std::string out;
  auto writer = FileWriter::Open(MakeStringSink(&out), schema, std::move(options));
  EXPECT_TRUE(writer.ok()) << writer.error().ToString();
  EXPECT_TRUE((*writer)->WriteBatch(batches).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  return out;
}

ColumnBatch Int64s(std::vector<int64_t> v) {
  ColumnBatch b{.type = PhysicalType::kInt64};
  for (int64_t x : v) b.AppendInt64(x);
  return b;
}

int64_t DecodeI64(const std::string& s) {
  int64_t v = 0;
  EXPECT_EQ(s.size(), 8u);
  std::memcpy(&v, s.data(), 8);
  return v;
}

TEST(FileWriterTest, EmptyFileHasFooterAndNoRowGroups) {
  Schema schema{{ColumnSpec::Int64("a"), ColumnSpec::String("s", Repetition::kOptional)}};
  std::string out;
  auto writer = FileWriter::Open(MakeStringSink(&out), schema, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Close().ok());
  FileMetaData meta = ParseFooter(out);
  EXPECT_EQ(meta.num_rows, 0);
  EXPECT_TRUE(meta.row_groups.empty());
  EXPECT_EQ(meta.schema.size(), 3u);  // root + 2 leaves
}

TEST(FileWriterTest, SplitsRowGroupsAtTheRowLimit) {
  Schema schema{{ColumnSpec::Int64("a")}};
  std::vector<int64_t> v(25);
  std::iota(v.begin(), v.end(), 100);
  WriterOptions options;
  options.max_row_group_rows = 10;
  FileMetaData meta = ParseFooter(WriteOne(schema, {Int64s(v)}, options));
  ASSERT_EQ(meta.row_groups.size(), 3u);
  EXPECT_EQ(meta.row_groups[0].num_rows, 10);
  EXPECT_EQ(meta.row_groups[2].num_rows, 5);
  EXPECT_EQ(meta.num_rows, 25);
  const auto& stats = *meta.row_groups[1].columns[0].meta_data->statistics;
  EXPECT_EQ(DecodeI64(*stats.min_value), 110);
  EXPECT_EQ(DecodeI64(*stats.max_value), 119);
}

TEST(FileWriterTest, AnalyzedEncodingsFollowTheData) {
  Schema schema{{ColumnSpec::Timestamp("time", TimeUnit::kMillis), ColumnSpec::String("container"),
                 ColumnSpec::Double("gauge"), ColumnSpec::Int64("constant")}};
  std::mt19937_64 rng(7);
  std::vector<ColumnBatch> b(4);
  b[0].type = PhysicalType::kInt64;
  b[1].type = PhysicalType::kByteArray;
  b[2].type = PhysicalType::kDouble;
  b[3].type = PhysicalType::kInt64;
  for (int i = 0; i < 5000; ++i) {
    b[0].AppendInt64(1'700'000'000'000 + i * 1000);
    b[1].AppendBytes("container-" + std::to_string(i % 5));
    b[2].AppendDouble(std::uniform_real_distribution<double>(0, 1)(rng));
    b[3].AppendInt64(42);
  }
  FileMetaData meta = ParseFooter(WriteOne(schema, b));
  auto encodings = [&](int c) { return meta.row_groups[0].columns[c].meta_data->encodings; };
  EXPECT_THAT(encodings(0), Contains(Encoding::kDeltaBinaryPacked));
  EXPECT_THAT(encodings(1), Contains(Encoding::kRleDictionary));
  EXPECT_THAT(encodings(2), Contains(Encoding::kByteStreamSplit));
  EXPECT_EQ(meta.row_groups[0].columns[0].meta_data->codec, CompressionCodec::kZstd);
  // The whole constant column compresses to almost nothing.
  EXPECT_LT(meta.row_groups[0].columns[3].meta_data->total_compressed_size, 200);
}

TEST(FileWriterTest, ForcedEncodingAndCodecPerColumn) {
  Schema schema{{ColumnSpec::Int64("a"), ColumnSpec::Int64("b")}};
  WriterOptions options;
  options.columns["a"] = {.encoding = Encoding::kPlain, .codec = CompressionCodec::kSnappy};
  FileMetaData meta =
      ParseFooter(WriteOne(schema, {Int64s({1, 2, 3}), Int64s({4, 5, 6})}, options));
  const auto& a = *meta.row_groups[0].columns[0].meta_data;
  EXPECT_THAT(a.encodings, Contains(Encoding::kPlain));
  EXPECT_THAT(a.encodings, Not(Contains(Encoding::kRleDictionary)));
  EXPECT_EQ(a.codec, CompressionCodec::kSnappy);
  EXPECT_EQ(meta.row_groups[0].columns[1].meta_data->codec, CompressionCodec::kZstd);
}

TEST(FileWriterTest, RejectsBadBatchesWithoutWriting) {
  Schema schema{{ColumnSpec::Int64("a"), ColumnSpec::Double("d", Repetition::kOptional)}};
  std::string out;
  auto writer = FileWriter::Open(MakeStringSink(&out), schema, {});
  ASSERT_TRUE(writer.ok());
  ColumnBatch d{.type = PhysicalType::kDouble};
  d.AppendDouble(1);
  d.AppendNull();
  auto code = [&](std::vector<ColumnBatch> batches) {
    return (*writer)->WriteBatch(batches).code();
  };
  EXPECT_EQ(code({Int64s({1, 2})}), StatusCode::kInvalidArgument);        // column count
  EXPECT_EQ(code({Int64s({1, 2, 3}), d}), StatusCode::kInvalidArgument);  // row counts
  EXPECT_EQ(code({d, Int64s({1, 2})}), StatusCode::kInvalidArgument);     // types
  ColumnBatch null_in_required{.type = PhysicalType::kInt64};
  null_in_required.AppendInt64(1);
  null_in_required.AppendNull();
  EXPECT_EQ(code({null_in_required, d}), StatusCode::kInvalidArgument);
  ColumnBatch lying = d;
  lying.doubles.push_back(3);  // 2 values for 1 non-null row
  EXPECT_EQ(code({Int64s({1, 2}), lying}), StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->rows_written(), 0);
  ASSERT_TRUE((*writer)->WriteBatch(std::vector<ColumnBatch>{Int64s({1, 2}), d}).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  FileMetaData meta = ParseFooter(out);
  EXPECT_EQ(meta.num_rows, 2);
  EXPECT_EQ(*meta.row_groups[0].columns[1].meta_data->statistics->null_count, 1);
}

TEST(FileWriterTest, InvalidSchemaAndOptionsAreRejected) {
  std::string out;
  EXPECT_FALSE(FileWriter::Open(MakeStringSink(&out),
                                Schema{{ColumnSpec::Int64("a"), ColumnSpec::Int64("a")}}, {})
                   .ok());
  WriterOptions bad_encoding;
  bad_encoding.columns["s"] = {.encoding = Encoding::kDeltaBinaryPacked};
  EXPECT_EQ(FileWriter::Open(MakeStringSink(&out), Schema{{ColumnSpec::String("s")}}, bad_encoding)
                .error()
                .code(),
            StatusCode::kInvalidArgument);
  WriterOptions unknown_column;
  unknown_column.columns["zz"] = {};
  EXPECT_FALSE(
      FileWriter::Open(MakeStringSink(&out), Schema{{ColumnSpec::String("s")}}, unknown_column)
          .ok());
}

TEST(FileWriterTest, UnsignedStatisticsUseUnsignedOrder) {
  ColumnSpec u64 = ColumnSpec::Int64("u");
  u64.logical_type = LogicalType::Integer(64, /*is_signed=*/false);
  // 2^63 is stored as INT64_MIN; as unsigned it is the largest value here.
  FileMetaData meta =
      ParseFooter(WriteOne(Schema{{u64}}, {Int64s({5, std::numeric_limits<int64_t>::min(), 7})}));
  const Statistics& stats = *meta.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(DecodeI64(*stats.min_value), 5);
  EXPECT_EQ(DecodeI64(*stats.max_value), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(stats.min.has_value());  // legacy signed fields would be wrong here
}

TEST(FileWriterTest, FloatStatisticsSkipNaNAndNormaliseZero) {
  ColumnBatch d{.type = PhysicalType::kDouble};
  for (double x : {std::nan(""), 0.0, 3.5, -0.0}) d.AppendDouble(x);
  FileMetaData meta = ParseFooter(WriteOne(Schema{{ColumnSpec::Double("d")}}, {d}));
  const Statistics& stats = *meta.row_groups[0].columns[0].meta_data->statistics;
  double min = 0, max = 0;
  std::memcpy(&min, stats.min_value->data(), 8);
  std::memcpy(&max, stats.max_value->data(), 8);
  EXPECT_TRUE(std::signbit(min));
  EXPECT_EQ(min, 0.0);
  EXPECT_EQ(max, 3.5);
}

TEST(FileWriterTest, PageIndexPointsAtEveryPage) {
  Schema schema{{ColumnSpec::Timestamp("time", TimeUnit::kMicros),
                 ColumnSpec::Int64("v", Repetition::kOptional)}};
  std::vector<ColumnBatch> b(2);
  b[0].type = b[1].type = PhysicalType::kInt64;
  for (int i = 0; i < 10000; ++i) {
    b[0].AppendInt64(i * 1'000'000LL);
    if (i % 7 == 0)
      b[1].AppendNull();
    else
      b[1].AppendInt64(i % 100);
  }
  WriterOptions options;
  options.max_page_rows = 1000;
  std::string file = WriteOne(schema, b, options);
  FileMetaData meta = ParseFooter(file);
  const ColumnChunk& time = meta.row_groups[0].columns[0];
  ASSERT_TRUE(time.offset_index_offset && time.column_index_offset);
  auto oi = DeserializeOffsetIndex(
      std::string_view(file).substr(*time.offset_index_offset, *time.offset_index_length));
  ASSERT_TRUE(oi.ok()) << oi.error().ToString();
  ASSERT_EQ(oi->page_locations.size(), 10u);
  for (size_t p = 0; p < 10; ++p) {
    EXPECT_EQ(oi->page_locations[p].first_row_index, static_cast<int64_t>(p * 1000));
    // Each location starts with a parseable data page header.
    size_t consumed = 0;
    auto header = DeserializePageHeader(std::string_view(file).substr(oi->page_locations[p].offset),
                                        &consumed);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header->type, PageType::kDataPage);
    EXPECT_EQ(consumed + header->compressed_page_size,
              static_cast<size_t>(oi->page_locations[p].compressed_page_size));
  }
  auto ci = DeserializeColumnIndex(
      std::string_view(file).substr(*time.column_index_offset, *time.column_index_length));
  ASSERT_TRUE(ci.ok());
  EXPECT_EQ(ci->boundary_order, BoundaryOrder::kAscending);
  EXPECT_EQ(DecodeI64(ci->min_values[3]), 3000 * 1'000'000LL);
  EXPECT_EQ(DecodeI64(ci->max_values[3]), 3999 * 1'000'000LL);
  auto vci = DeserializeColumnIndex(
      std::string_view(file).substr(*meta.row_groups[0].columns[1].column_index_offset,
                                    *meta.row_groups[0].columns[1].column_index_length));
  ASSERT_TRUE(vci.ok());
  EXPECT_EQ(vci->null_counts[0], 143);  // rows 0,7,...,994 of the first page
}

// Row groups' footer metadata is serialized when each ends and spliced into the footer at
// Close(); those with page indexes are kept until Close() knows the index offsets. 40 row groups
// (a list header longer than one byte), every third with multi-page chunks, and key-value
// metadata after the list: the footer must parse to exactly what was written.
TEST(FileWriterTest, ManyRowGroupsWithAndWithoutPageIndexes) {
  Schema schema{{ColumnSpec::Int64("t"), ColumnSpec::String("s", Repetition::kOptional)}};
  WriterOptions options;
  options.max_page_rows = 100;
  std::string file;
  auto writer = FileWriter::Open(MakeStringSink(&file), schema, options);
  ASSERT_TRUE(writer.ok());
  int64_t next = 0;
  for (int g = 0; g < 40; ++g) {
    const int rows = g % 3 == 0 ? 350 : 7;  // 4 pages or 1
    std::vector<ColumnBatch> b(2);
    b[0].type = PhysicalType::kInt64;
    b[1].type = PhysicalType::kByteArray;
    for (int r = 0; r < rows; ++r) {
      b[0].AppendInt64(next++);
      if (r % 5 == 0) {
        b[1].AppendNull();
      } else {
        b[1].AppendBytes("g" + std::to_string(g));
      }
    }
    ASSERT_TRUE((*writer)->WriteBatch(b).ok());
    ASSERT_TRUE((*writer)->FlushRowGroup().ok());
  }
  (*writer)->AddKeyValue("after", "the row groups");
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_TRUE((*writer)->metadata().row_groups.empty());  // not kept in memory
  EXPECT_EQ((*writer)->metadata().num_rows, next);

  FileMetaData meta = ParseFooter(file);
  ASSERT_EQ(meta.row_groups.size(), 40u);
  EXPECT_EQ(meta.num_rows, next);
  int64_t first = 0;
  for (int g = 0; g < 40; ++g) {
    const RowGroup& rg = meta.row_groups[g];
    SCOPED_TRACE(g);
    EXPECT_EQ(rg.ordinal, g);
    EXPECT_EQ(rg.num_rows, g % 3 == 0 ? 350 : 7);
    const ColumnChunk& t = rg.columns[0];
    ASSERT_TRUE(t.meta_data && t.meta_data->statistics && t.meta_data->statistics->min_value);
    EXPECT_EQ(DecodeI64(*t.meta_data->statistics->min_value), first);
    EXPECT_EQ(DecodeI64(*t.meta_data->statistics->max_value), first + rg.num_rows - 1);
    EXPECT_EQ(rg.columns[1].meta_data->path_in_schema, std::vector<std::string>{"s"});
    EXPECT_EQ(t.offset_index_offset.has_value(), g % 3 == 0);
    if (g % 3 == 0) {
      auto oi = DeserializeOffsetIndex(
          std::string_view(file).substr(*t.offset_index_offset, *t.offset_index_length));
      ASSERT_TRUE(oi.ok());
      EXPECT_EQ(oi->page_locations.size(), 4u);
      EXPECT_EQ(oi->page_locations[0].offset, t.meta_data->data_page_offset);
    }
    first += rg.num_rows;
  }
  ASSERT_EQ(meta.key_value_metadata.size(), 1u);
  EXPECT_EQ(meta.key_value_metadata[0].key, "after");
  EXPECT_EQ(meta.column_orders.size(), 2u);
  EXPECT_EQ(meta.created_by, "fgm");
}

TEST(FileWriterTest, DictionaryFallsBackWhenItOutgrowsItsLimit) {
  ColumnBatch s{.type = PhysicalType::kByteArray};
  for (int i = 0; i < 20000; ++i) s.AppendBytes("value-" + std::to_string(i % 9000));
  WriterOptions options;
  options.max_page_rows = 1000;
  options.max_dictionary_bytes = 4096;
  options.columns["s"] = {.encoding = Encoding::kRleDictionary};
  FileMetaData meta = ParseFooter(WriteOne(Schema{{ColumnSpec::String("s")}}, {s}, options));
  const ColumnMetaData& m = *meta.row_groups[0].columns[0].meta_data;
  EXPECT_THAT(m.encodings, Contains(Encoding::kRleDictionary));
  EXPECT_THAT(m.encodings, Contains(Encoding::kDeltaLengthByteArray));
  EXPECT_TRUE(m.dictionary_page_offset.has_value());
}

TEST(FileWriterTest, NoColumnIndexWhenAPageHoldsOnlyNaN) {
  ColumnBatch d{.type = PhysicalType::kDouble};
  for (int i = 0; i < 400; ++i) {
    if (i < 100)
      d.AppendDouble(std::nan(""));
    else if (i % 2)
      d.AppendNull();
    else
      d.AppendDouble(i);
  }
  WriterOptions options;
  options.max_page_rows = 100;
  std::string file =
      WriteOne(Schema{{ColumnSpec::Double("d", Repetition::kOptional)}}, {d}, options);
  FileMetaData meta = ParseFooter(file);
  const ColumnChunk& chunk = meta.row_groups[0].columns[0];
  EXPECT_FALSE(chunk.column_index_offset.has_value());
  EXPECT_TRUE(chunk.offset_index_offset.has_value());  // page locations are still valid
}

class FailingSink final : public OutputSink {
 public:
  explicit FailingSink(int64_t budget) : budget_(budget) {}
  Status Write(std::string_view data) override {
    if (static_cast<int64_t>(data.size()) > budget_)
      return IoError("write: No space left on device");
    budget_ -= static_cast<int64_t>(data.size());
    offset_ += static_cast<int64_t>(data.size());
    return OkStatus();
  }
  int64_t Tell() const override { return offset_; }
  Status Close(bool) override { return OkStatus(); }

 private:
  int64_t budget_;
  int64_t offset_ = 0;
};

TEST(FileWriterTest, SinkErrorIsStickyAndReported) {
  auto writer =
      FileWriter::Open(std::make_unique<FailingSink>(100), Schema{{ColumnSpec::Int64("a")}}, {});
  ASSERT_TRUE(writer.ok());
  std::vector<int64_t> v(100000);
  std::mt19937_64 rng(1);
  for (auto& x : v) x = static_cast<int64_t>(rng());
  ASSERT_TRUE((*writer)->WriteBatch(std::vector<ColumnBatch>{Int64s(v)}).ok());  // buffered
  Status flush = (*writer)->FlushRowGroup();
  EXPECT_EQ(flush.code(), StatusCode::kIo);
  EXPECT_EQ((*writer)->Close().code(), StatusCode::kIo);
}

TEST(FileWriterTest, DataPageV2AndEveryCodec) {
  for (CompressionCodec codec : {CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                                 CompressionCodec::kGzip, CompressionCodec::kZstd}) {
    WriterOptions options;
    options.codec = codec;
    options.data_page_version = DataPageVersion::kV2;
    ColumnBatch s{.type = PhysicalType::kByteArray};
    s.AppendBytes("a");
    s.AppendNull();
    FileMetaData meta = ParseFooter(
        WriteOne(Schema{{ColumnSpec::String("s", Repetition::kOptional)}}, {s}, options));
    ASSERT_EQ(meta.row_groups.size(), 1u);
    const ColumnMetaData& m = *meta.row_groups[0].columns[0].meta_data;
    EXPECT_EQ(m.codec, codec);
    EXPECT_EQ(m.num_values, 2);
    ASSERT_FALSE(m.encoding_stats.empty());
    EXPECT_THAT(m.encoding_stats,
                Contains(::testing::Field(&PageEncodingStats::page_type, PageType::kDataPageV2)));
  }
}

}  // namespace
}  // namespace fgm::parquet

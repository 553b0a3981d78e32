// SPDX-License-Identifier: Apache-2.0
#include "store/row.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "store/catalog.h"

namespace fgm::store {
namespace {

constexpr int kTime = Col("time");
constexpr int kContainer = Col("container_id");
constexpr int kCpu = Col("cpu_usage_usec");
constexpr int kMillicores = Col("cpu_usage_millicores");

Row MakeRow(int64_t t_ms, std::string_view container, std::optional<int64_t> cpu) {
  Row r;
  r.SetTime(t_ms * kNanosPerMilli);
  if (!container.empty()) r.SetString(kContainer, container);
  if (cpu) r.SetInt(kCpu, *cpu);
  return r;
}

TEST(CatalogTest, NamesAreUniqueAndSchemaMatches) {
  std::set<std::string_view> names;
  for (const ColumnDef& c : Columns()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
  parquet::Schema schema = DatasetSchema();
  ASSERT_EQ(schema.columns.size(), Columns().size());
  EXPECT_EQ(schema.columns[0].name, "time");
  EXPECT_EQ(schema.columns[0].repetition, parquet::Repetition::kRequired);
  EXPECT_TRUE(parquet::ValidateSchema(schema).ok());
  EXPECT_NE(RenderSchemaMarkdown().find("| `cpu_usage_millicores` | DOUBLE | derived |"),
            std::string::npos);
}

TEST(RowBufferTest, SortsByContainerThenTimeAndGroups) {
  RowBuffer buf;
  buf.Append(MakeRow(2000, "b", 20));
  buf.Append(MakeRow(1000, "b", 10));
  buf.Append(MakeRow(1000, "a", 1));
  buf.Append(MakeRow(1500, "", std::nullopt));  // a monitor row: no container
  buf.Append(MakeRow(2000, "a", 2));
  EXPECT_EQ(buf.min_time_ms(), 1000);
  EXPECT_EQ(buf.max_time_ms(), 2000);
  std::vector<uint32_t> order;
  std::vector<RowBuffer::Group> groups;
  buf.SortedOrder(&order, &groups);
  ASSERT_EQ(groups.size(), 3u);  // (no container), a, b
  auto batches = buf.Batches(order, 0, order.size());
  ASSERT_EQ(batches.size(), static_cast<size_t>(kNumColumns));
  EXPECT_EQ(batches[kTime].int64s, (std::vector<int64_t>{1500, 1000, 2000, 1000, 2000}));
  const auto& cpu = batches[kCpu];
  EXPECT_EQ(cpu.validity, (std::vector<uint8_t>{0, 1, 1, 1, 1}));
  EXPECT_EQ(cpu.int64s, (std::vector<int64_t>{1, 2, 10, 20}));
  EXPECT_EQ(batches[kContainer].bytes.size(), 4u);
  EXPECT_EQ(batches[kContainer].bytes[0], "a");
  EXPECT_TRUE(batches[kMillicores].IsNull(0));
  EXPECT_EQ(batches[kMillicores].num_values(), 0u);
  // Group b only.
  auto b = buf.Batches(order, groups[2].begin, groups[2].end);
  EXPECT_EQ(b[kCpu].int64s, (std::vector<int64_t>{10, 20}));
  EXPECT_TRUE(b[kCpu].validity.empty());  // all present: no validity vector
}

TEST(RowBufferTest, RoundTripsRowsAndInternsStrings) {
  RowBuffer buf;
  Row r = MakeRow(5, "container-with-a-long-identifier-that-repeats", 7);
  r.SetDouble(kMillicores, 250.5);
  for (int i = 0; i < 1000; ++i) buf.Append(r);
  Row out;
  buf.GetRow(999, &out);
  EXPECT_EQ(out.GetString(kContainer), "container-with-a-long-identifier-that-repeats");
  EXPECT_EQ(out.GetDouble(kMillicores), 250.5);
  EXPECT_FALSE(out.has(Col("memory_usage_bytes")));
  // 1000 rows share one interned string.
  EXPECT_LT(buf.memory_bytes(), 1000u * kNumColumns * 8 * 2);
}

TEST(RowBufferTest, NullCellsCostABitAndSparseRowsRoundTripAcrossWords) {
  // Presence changes row by row and across 64-row words; every cell must come back where it was.
  RowBuffer buf;
  const int kRows = 300;
  auto expected = [](int i) {
    Row r = MakeRow(1000 + i, i % 3 == 0 ? "" : "c" + std::to_string(i % 7),
                    i % 5 == 0 ? std::nullopt : std::optional<int64_t>(i * 11));
    if (i % 64 == 63 || i % 9 == 0) r.SetDouble(kMillicores, i * 0.5);
    if (i == 130) r.SetString(Col("event_type"), "oom_kill");
    return r;
  };
  for (int i = 0; i < kRows; ++i) buf.Append(expected(i));
  ASSERT_EQ(buf.size(), static_cast<size_t>(kRows));
  Row out;
  for (int i = 0; i < kRows; ++i) {
    Row want = expected(i);
    buf.GetRow(static_cast<size_t>(i), &out);
    for (int c = 0; c < kNumColumns; ++c) {
      ASSERT_EQ(out.has(c), want.has(c)) << "row " << i << " column " << kCatalog[c].name;
    }
    EXPECT_EQ(out.GetInt(kTime), want.GetInt(kTime));
    if (want.has(kCpu)) {
      EXPECT_EQ(out.GetInt(kCpu), want.GetInt(kCpu)) << i;
    }
    if (want.has(kContainer)) {
      EXPECT_EQ(out.GetString(kContainer), want.GetString(kContainer));
    }
    if (want.has(kMillicores)) {
      EXPECT_EQ(out.GetDouble(kMillicores), want.GetDouble(kMillicores));
    }
    EXPECT_EQ(buf.StringAt(kContainer, static_cast<size_t>(i)),
              want.has(kContainer) ? want.GetString(kContainer) : "");
  }
  EXPECT_EQ(buf.StringAt(Col("event_type"), 130), "oom_kill");
  // Batches in sorted order carry the same values, with validity where a group has nulls.
  std::vector<uint32_t> order;
  std::vector<RowBuffer::Group> groups;
  buf.SortedOrder(&order, &groups);
  size_t cpu_values = 0, cpu_nulls = 0;
  for (const RowBuffer::Group& g : groups) {
    std::vector<parquet::ColumnBatch> b = buf.Batches(order, g.begin, g.end);
    size_t vi = 0;
    for (size_t k = 0; k < g.end - g.begin; ++k) {
      Row want = expected(static_cast<int>(order[g.begin + k]));
      ASSERT_EQ(b[kCpu].IsNull(k), !want.has(kCpu));
      if (b[kCpu].IsNull(k)) {
        ++cpu_nulls;
      } else {
        EXPECT_EQ(b[kCpu].int64s[vi++], want.GetInt(kCpu));
        ++cpu_values;
      }
    }
  }
  EXPECT_EQ(cpu_nulls, 60u);  // i % 5 == 0
  EXPECT_EQ(cpu_values, 240u);

  // A row with three cells costs a few bytes per cell plus one bit per null cell, not 9 bytes
  // per catalogue column (1 KiB a row before).
  RowBuffer sparse;
  for (int i = 0; i < 10000; ++i) sparse.Append(MakeRow(i, "c", i));
  EXPECT_LT(sparse.memory_bytes(), 10000u * 100);  // ~70: 3 values (x2 capacity), bits, ranks
}

TEST(RowTest, DoublesAreStoredAtTheirColumnsPrecision) {
  Row r;
  r.SetDouble(kMillicores, 250.123456);
  EXPECT_EQ(r.GetDouble(kMillicores), 250.125);  // 1/64 millicore steps
  r.SetDouble(Col("memory_usage_ratio"), 0.5000001);
  EXPECT_EQ(r.GetDouble(Col("memory_usage_ratio")), 0.5);
  r.SetDouble(Col("io_read_bytes_per_sec"), 1234.4);
  EXPECT_EQ(r.GetDouble(Col("io_read_bytes_per_sec")), 1234.0);
  r.SetDouble(kMillicores, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isinf(r.GetDouble(kMillicores)));
  EXPECT_EQ(StorageQuantum(*FindColumn("cpu_usage_usec")), 0);
}

}  // namespace
}  // namespace fgm::store

namespace fgm::store {
namespace {

// docs/schema.md is generated from the catalogue; this keeps the two from drifting apart.
TEST(CatalogTest, DocsSchemaMarkdownIsUpToDate) {
  std::ifstream in(std::string(FGM_SOURCE_DIR) + "/docs/schema.md");
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_EQ(doc.str(), RenderSchemaMarkdown())
      << "docs/schema.md is stale: run `fgm schema --markdown > docs/schema.md`";
}

}  // namespace
}  // namespace fgm::store

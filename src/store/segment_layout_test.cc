// SPDX-License-Identifier: Apache-2.0
// Segment layout and compaction content: a segment holds all its containers in one row group with
// small pages and a page index, and compacting a dataset that mixes these segments with segments
// of the older layout (one row group per container, a column missing) yields exactly the rows
// appended, in (container, instance, time) order, column by column.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/testing/fake_clock.h"
#include "parquet/reader/file_reader.h"
#include "parquet/writer/file_writer.h"
#include "store/catalog.h"
#include "store/dataset_writer.h"
#include "store/layout.h"
#include "store/testing/dataset_fixture.h"

namespace fgm::store {
namespace {

namespace fs = std::filesystem;

constexpr int kContainer = Col("container_id");
constexpr int kCpu = Col("cpu_usage_usec");
constexpr int kMillicores = Col("cpu_usage_millicores");
constexpr int kMemory = Col("memory_usage_bytes");
// 2026-11-25T10:00:00Z
constexpr int64_t kT0Ms = 1'795'600'800'000;

// A container row with a few kinds of values: strings, ints, doubles and a column set only on
// even seconds (so pages mix nulls and values). Container 3 restarts at 10:02:30 (new inode and
// path): two instances of one container id.
Row ContainerRow(int64_t t_ms, int c) {
  Row r;
  r.SetTime(t_ms * kNanosPerMilli);
  r.SetString(Col("kind"), "container");
  char id[8];
  std::snprintf(id, sizeof(id), "c%03d", c);
  r.SetString(kContainer, id);
  bool restarted = c == 3 && t_ms >= kT0Ms + 150'000;
  r.SetInt(Col("cgroup_inode"), 1000 + c + (restarted ? 500 : 0));
  r.SetString(Col("cgroup_path"), std::string("/kubepods/") + id + (restarted ? "-b" : "-a"));
  r.SetString(Col("pod_name"), "pod-" + std::to_string(c % 7));
  r.SetInt(kCpu, t_ms / 10 + c);
  r.SetDouble(kMillicores, static_cast<double>((t_ms / 1000) % 97) * 1.25 + c);
  if ((t_ms / 1000) % 2 == 0) r.SetInt(kMemory, (int64_t{c} << 20) + t_ms % 4096);
  return r;
}

Row MonitorRow(int64_t t_ms) {
  Row r;
  r.SetTime(t_ms * kNanosPerMilli);
  r.SetString(Col("kind"), "monitor");
  r.SetInt(kCpu, t_ms % 1000 + 7);
  return r;
}

Row EventRow(int64_t t_ms, int c) {
  Row r;
  r.SetTime(t_ms * kNanosPerMilli);
  r.SetString(Col("kind"), "event");
  r.SetString(kContainer, "c00" + std::to_string(c));
  r.SetString(Col("event_type"), "start");
  return r;
}

// Every row group of every column of `path`, concatenated per column.
std::vector<parquet::ColumnBatch> ReadAll(const std::string& path, int* row_groups = nullptr) {
  std::vector<parquet::ColumnBatch> all(kNumColumns);
  for (int c = 0; c < kNumColumns; ++c) all[c].type = kCatalog[c].type;
  auto reader = parquet::FileReader::OpenFile(path);
  EXPECT_TRUE(reader.ok()) << path;
  if (!reader.ok()) return all;
  if (row_groups) *row_groups = (*reader)->num_row_groups();
  std::vector<int> cols;
  for (int c = 0; c < kNumColumns; ++c)
    cols.push_back((*reader)->schema().FindColumn(kCatalog[c].name));
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    std::vector<parquet::ColumnBatch> b;
    EXPECT_TRUE((*reader)->ReadRowGroup(rg, cols, &b).ok());
    for (int c = 0; c < kNumColumns; ++c) {
      size_t vi = 0;
      for (size_t r = 0; r < b[c].num_rows; ++r) {
        if (b[c].IsNull(r)) {
          all[c].AppendNull();
          continue;
        }
        switch (b[c].type) {
          case parquet::PhysicalType::kInt64:
            all[c].AppendInt64(b[c].int64s[vi]);
            break;
          case parquet::PhysicalType::kDouble:
            all[c].AppendDouble(b[c].doubles[vi]);
            break;
          case parquet::PhysicalType::kInt32:
            all[c].AppendInt32(b[c].int32s[vi]);
            break;
          case parquet::PhysicalType::kFloat:
            all[c].AppendFloat(b[c].floats[vi]);
            break;
          case parquet::PhysicalType::kBoolean:
            all[c].AppendBool(b[c].bools[vi]);
            break;
          default:
            all[c].AppendBytes(b[c].bytes[vi]);
            break;
        }
        ++vi;
      }
    }
  }
  return all;
}

// Cell r of a batch as text ("null" for nulls): compares batches whatever their validity layout.
std::vector<std::string> Cells(const parquet::ColumnBatch& b) {
  std::vector<std::string> out;
  size_t vi = 0;
  for (size_t r = 0; r < b.num_rows; ++r) {
    if (b.IsNull(r)) {
      out.push_back("null");
      continue;
    }
    switch (b.type) {
      case parquet::PhysicalType::kInt64:
        out.push_back(std::to_string(b.int64s[vi]));
        break;
      case parquet::PhysicalType::kDouble:
        out.push_back(std::to_string(b.doubles[vi]));
        break;
      case parquet::PhysicalType::kInt32:
        out.push_back(std::to_string(b.int32s[vi]));
        break;
      case parquet::PhysicalType::kFloat:
        out.push_back(std::to_string(b.floats[vi]));
        break;
      case parquet::PhysicalType::kBoolean:
        out.push_back(std::to_string(b.bools[vi]));
        break;
      default:
        out.push_back("'" + std::string(b.bytes[vi]) + "'");
        break;
    }
    ++vi;
  }
  return out;
}

// Expects `actual` to hold exactly the rows of `expected`, in SortedOrder.
void ExpectSameRows(const RowBuffer& expected, const std::vector<parquet::ColumnBatch>& actual) {
  std::vector<uint32_t> order;
  std::vector<RowBuffer::Group> groups;
  expected.SortedOrder(&order, &groups);
  std::vector<parquet::ColumnBatch> want = expected.Batches(order, 0, order.size());
  ASSERT_EQ(actual[0].num_rows, expected.size());
  for (int c = 0; c < kNumColumns; ++c) {
    std::vector<std::string> w = Cells(want[c]), a = Cells(actual[c]);
    ASSERT_EQ(w.size(), a.size()) << kCatalog[c].name;
    for (size_t r = 0; r < w.size(); ++r) {
      ASSERT_EQ(w[r], a[r]) << "column " << kCatalog[c].name << " row " << r;
    }
  }
}

class SegmentLayoutTest : public DatasetFixture {
 protected:
  SegmentLayoutTest() : DatasetFixture(kT0Ms) {}

  std::vector<std::string> Files(std::string_view prefix) {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(root_)) {
      std::string name = e.path().filename().string();
      if (e.is_regular_file() && name.rfind(prefix, 0) == 0) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Writes `rows` as a segment of the layout earlier versions wrote: one row group per container
  // instance, and without the column `missing` (an older schema).
  void WriteOldLayoutSegment(const RowBuffer& rows, int missing, uint64_t seq) {
    std::vector<uint32_t> order;
    std::vector<RowBuffer::Group> groups;
    rows.SortedOrder(&order, &groups);
    parquet::Schema schema = DatasetSchema();
    schema.columns.erase(schema.columns.begin() + missing);
    std::string dir = PartitionDir(root_, rows.min_time_ms(), "node-a");
    ASSERT_TRUE(MakeDirs(dir).ok());
    parquet::WriterOptions options;
    options.max_row_group_rows = int64_t{1} << 40;
    auto writer = parquet::FileWriter::Open(
        dir + "/" + SegmentFileName(rows.min_time_ms(), "old00001", seq), schema, options);
    ASSERT_TRUE(writer.ok()) << writer.error().ToString();
    for (const RowBuffer::Group& g : groups) {
      std::vector<parquet::ColumnBatch> b = rows.Batches(order, g.begin, g.end);
      b.erase(b.begin() + missing);
      ASSERT_TRUE((*writer)->WriteBatch(b).ok());
      ASSERT_TRUE((*writer)->FlushRowGroup().ok());
    }
    (*writer)->AddKeyValue(std::string(kKvRunId), "old00001");
    (*writer)->AddKeyValue(std::string(kKvIdentifier), "node-a");
    (*writer)->AddKeyValue(std::string(kKvMinTimeMs), std::to_string(rows.min_time_ms()));
    (*writer)->AddKeyValue(std::string(kKvMaxTimeMs), std::to_string(rows.max_time_ms()));
    ASSERT_TRUE((*writer)->Close().ok());
  }
};

TEST_F(SegmentLayoutTest, SegmentHoldsAllContainersInOneRowGroupWithPageIndex) {
  constexpr int kContainers = 40;
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  RowBuffer appended, events;
  for (int s = 0; s < 60; ++s) {
    int64_t t = kT0Ms + s * 1000;
    for (int c = 0; c < kContainers; ++c) {
      Row r = ContainerRow(t, c);
      (*w)->Append(r);
      appended.Append(r);
    }
    if (s % 20 == 0) {
      Row e = EventRow(t, s / 20);
      (*w)->Append(e);
      events.Append(e);
    }
    (*w)->Poll();
    clock_.AdvanceNs(kNanosPerSecond);
  }
  ASSERT_TRUE((*w)->Close().ok());
  std::vector<std::string> segs = Files("seg-");
  ASSERT_EQ(segs.size(), 1u);
  int row_groups = 0;
  ExpectSameRows(appended, ReadAll(segs[0], &row_groups));
  EXPECT_EQ(row_groups, 1);
  auto reader = parquet::FileReader::OpenFile(segs[0]);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->num_rows(), 60 * kContainers);
  // Small pages with an offset index: a reader can skip the containers it does not want.
  auto index = (*reader)->PageIndex(0, (*reader)->schema().FindColumn("cpu_usage_usec"));
  ASSERT_TRUE(index.ok()) << index.error().ToString();
  ASSERT_TRUE((*index)->offset_index.has_value());
  EXPECT_EQ((*index)->offset_index->page_locations.size(), (60u * kContainers + 255) / 256);
  auto ranges = (*reader)->RowRangesMatchingRange(0, (*reader)->schema().FindColumn("container_id"),
                                                  parquet::StatValue::Bytes("c010"),
                                                  parquet::StatValue::Bytes("c010"));
  ASSERT_TRUE(ranges.ok());
  EXPECT_LT(parquet::CountRows(*ranges), 60 * kContainers / 4)
      << "pages of other containers skipped";
  std::vector<std::string> event_segs = Files("events-seg-");
  ASSERT_EQ(event_segs.size(), 1u);
  ExpectSameRows(events, ReadAll(event_segs[0], &row_groups));
  EXPECT_EQ(row_groups, 1);
}

TEST_F(SegmentLayoutTest, CompactionOfOldAndNewLayoutsEqualsTheAppendedRows) {
  constexpr int kContainers = 30;
  RowBuffer expected, expected_events;
  // 10:00:00-10:01:59 in the old layout (two segments, cpu_usage_usec absent from the first).
  for (int minute = 0; minute < 2; ++minute) {
    RowBuffer old_rows;
    for (int s = 0; s < 60; ++s) {
      int64_t t = kT0Ms + (minute * 60 + s) * 1000;
      for (int c = 0; c < kContainers; ++c) old_rows.Append(ContainerRow(t, c));
      old_rows.Append(MonitorRow(t));
    }
    WriteOldLayoutSegment(old_rows, minute == 0 ? kCpu : kMemory, minute);
    Row row;
    for (size_t i = 0; i < old_rows.size(); ++i) {
      old_rows.GetRow(i, &row);
      row.ClearColumn(minute == 0 ? kCpu : kMemory);
      expected.Append(row);
    }
  }
  // 10:02:00-10:04:59 through the writer (new layout), containers appearing and leaving.
  clock_.SetWallNs((kT0Ms + 120'000) * kNanosPerMilli);
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  for (int s = 120; s < 300; ++s) {
    int64_t t = kT0Ms + s * 1000;
    for (int c = 0; c < kContainers + 5; ++c) {
      if (c >= kContainers && s < 200) continue;  // new containers from 10:03:20
      if (c == 7 && s > 240) continue;            // container 7 left at 10:04
      Row r = ContainerRow(t, c);
      (*w)->Append(r);
      expected.Append(r);
    }
    Row m = MonitorRow(t);
    (*w)->Append(m);
    expected.Append(m);
    if (s % 50 == 0) {
      Row e = EventRow(t, s % 3);
      (*w)->Append(e);
      expected_events.Append(e);
    }
    (*w)->Poll();
    clock_.AdvanceNs(kNanosPerSecond);
  }
  ASSERT_TRUE((*w)->Close().ok());
  std::vector<std::string> segs = Files("seg-");
  ASSERT_EQ(segs.size(), 5u);
  clock_.SetWallNs((kT0Ms + 3600'000 + 600'000) * kNanosPerMilli);  // hour 10 closed + delay
  ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
  EXPECT_TRUE(Files("seg-").empty());
  std::vector<std::string> hourly = Files("metrics-");
  ASSERT_EQ(hourly.size(), 1u);
  ExpectSameRows(expected, ReadAll(hourly[0]));
  EXPECT_EQ(ReplacedFiles(hourly[0]).size(), 5u);
  std::vector<std::string> hourly_events = Files("events-2");
  ASSERT_EQ(hourly_events.size(), 1u);
  ExpectSameRows(expected_events, ReadAll(hourly_events[0]));
  // The time range covers both layouts' sources.
  auto reader = parquet::FileReader::OpenFile(hourly[0]);
  ASSERT_TRUE(reader.ok());
  for (const parquet::KeyValue& kv : (*reader)->metadata().key_value_metadata) {
    if (kv.key == kKvMinTimeMs) {
      EXPECT_EQ(*kv.value, std::to_string(kT0Ms));
    }
    if (kv.key == kKvMaxTimeMs) {
      EXPECT_EQ(*kv.value, std::to_string(kT0Ms + 299'000));
    }
  }
}

// Segments of 6,000 rows: runs cross the merge's key-scan chunks (4,096 rows) and windows (512
// rows), and a container's runs come from several sources.
TEST_F(SegmentLayoutTest, CompactionOfLargeSegmentsEqualsTheAppendedRows) {
  constexpr int kContainers = 100;
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  RowBuffer expected;
  for (int s = 0; s < 180; ++s) {
    int64_t t = kT0Ms + s * 1000;
    for (int c = 0; c < kContainers; ++c) {
      Row r = ContainerRow(t, c);
      (*w)->Append(r);
      expected.Append(r);
    }
    (*w)->Poll();
    clock_.AdvanceNs(kNanosPerSecond);
  }
  ASSERT_TRUE((*w)->Close().ok());
  ASSERT_EQ(Files("seg-").size(), 3u);
  clock_.SetWallNs((kT0Ms + 3600'000 + 600'000) * kNanosPerMilli);
  ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
  std::vector<std::string> hourly = Files("metrics-");
  ASSERT_EQ(hourly.size(), 1u);
  ExpectSameRows(expected, ReadAll(hourly[0]));
}

// A source the compaction cannot read is left out and left on disk; the rest is compacted.
TEST_F(SegmentLayoutTest, CompactionSkipsAndKeepsAnUnreadableSegment) {
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  RowBuffer expected;
  for (int s = 0; s < 120; ++s) {
    int64_t t = kT0Ms + s * 1000;
    for (int c = 0; c < 5; ++c) {
      Row r = ContainerRow(t, c);
      (*w)->Append(r);
      expected.Append(r);
    }
    (*w)->Poll();
    clock_.AdvanceNs(kNanosPerSecond);
  }
  ASSERT_TRUE((*w)->Close().ok());
  std::string dir = PartitionDir(root_, kT0Ms, "node-a");
  std::string bad = dir + "/" + SegmentFileName(kT0Ms + 300'000, "bad00001", 0);
  ASSERT_TRUE(WriteFileAtomically(bad, "PAR1 not really parquet PAR1").ok());
  clock_.SetWallNs((kT0Ms + 3600'000 + 600'000) * kNanosPerMilli);
  ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
  std::vector<std::string> hourly = Files("metrics-");
  ASSERT_EQ(hourly.size(), 1u);
  ExpectSameRows(expected, ReadAll(hourly[0]));
  EXPECT_TRUE(fs::exists(bad));
  EXPECT_EQ(Files("seg-").size(), 1u);
}

}  // namespace
}  // namespace fgm::store

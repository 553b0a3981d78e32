// SPDX-License-Identifier: Apache-2.0
#include "store/dataset_writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "core/file.h"
#include "core/strings.h"
#include "core/testing/fake_clock.h"
#include "parquet/reader/file_reader.h"
#include "store/layout.h"
#include "store/testing/dataset_fixture.h"

namespace fgm::store {
namespace {

namespace fs = std::filesystem;
constexpr int kTime = Col("time");
constexpr int kContainer = Col("container_id");
constexpr int kCpu = Col("cpu_usage_usec");

// 2026-11-25T10:00:00Z
constexpr int64_t kT0Ms = 1'795'600'800'000;

struct ReadBack {
  std::map<std::string, std::vector<int64_t>> times_by_container;  // in file order
  size_t rows = 0;
  std::vector<std::string> files;
};

ReadBack ReadDataset(const std::string& root) {
  ReadBack out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string p = e.path().string();
    if (!e.is_regular_file() || !EndsWith(p, ".parquet")) continue;
    out.files.push_back(p.substr(root.size() + 1));
    auto reader = parquet::FileReader::OpenFile(p);
    EXPECT_TRUE(reader.ok()) << p << ": " << reader.error().ToString();
    if (!reader.ok()) continue;
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      std::vector<parquet::ColumnBatch> b;
      std::vector<int> cols = {kTime, kContainer, kCpu};
      EXPECT_TRUE((*reader)->ReadRowGroup(rg, cols, &b).ok());
      size_t vi = 0;
      for (size_t r = 0; r < b[0].num_rows; ++r) {
        std::string c = b[1].IsNull(r) ? "" : std::string(b[1].bytes[vi++]);
        out.times_by_container[c].push_back(b[0].int64s[r]);
        ++out.rows;
      }
    }
  }
  std::sort(out.files.begin(), out.files.end());
  return out;
}

class DatasetWriterTest : public DatasetFixture {
 protected:
  DatasetWriterTest() : DatasetFixture(kT0Ms) {}

  // One tick: `containers` rows at the clock's time, then Poll, then advance 1 s.
  void Tick(DatasetWriter* w, int containers) {
    for (int c = 0; c < containers; ++c) {
      Row r;
      r.SetTime(clock_.WallNs());
      r.SetString(Col("kind"), "container");
      r.SetString(kContainer, "c" + std::to_string(c));
      r.SetInt(kCpu, clock_.WallNs() / kNanosPerMilli);
      w->Append(r);
    }
    w->Poll();
    clock_.AdvanceNs(kNanosPerSecond);
  }

  // A lifecycle event row for container `c` at the clock's time.
  void Event(DatasetWriter* w, int c, const std::string& type) {
    Row r;
    r.SetTime(clock_.WallNs());
    r.SetString(Col("kind"), "event");
    r.SetString(kContainer, "c" + std::to_string(c));
    r.SetString(Col("event_type"), type);
    w->Append(r);
  }
};

// Per data file (relative path): rows, and how many of them are event rows.
struct KindCounts {
  int64_t rows = 0;
  int64_t events = 0;
  int num_columns = 0;
};
std::map<std::string, KindCounts> CountKinds(const std::string& root) {
  std::map<std::string, KindCounts> out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string p = e.path().string();
    if (!e.is_regular_file() || !EndsWith(p, ".parquet")) continue;
    auto reader = parquet::FileReader::OpenFile(p);
    EXPECT_TRUE(reader.ok()) << p;
    if (!reader.ok()) continue;
    KindCounts& k = out[p.substr(root.size() + 1)];
    k.num_columns = static_cast<int>((*reader)->schema().columns.size());
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      std::vector<parquet::ColumnBatch> b;
      std::vector<int> cols = {Col("kind")};
      EXPECT_TRUE((*reader)->ReadRowGroup(rg, cols, &b).ok());
      size_t vi = 0;  // bytes holds the non-null values only
      for (size_t r = 0; r < b[0].num_rows; ++r) {
        ++k.rows;
        if (!b[0].IsNull(r)) k.events += b[0].bytes[vi++] == "event";
      }
    }
  }
  return out;
}

bool IsEventFile(const std::string& relative_path) {
  return BaseName(relative_path).rfind("events-", 0) == 0;
}

TEST(LayoutTest, ParsesMetricAndEventFileNames) {
  auto seg = ParseDataFileName(SegmentFileName(kT0Ms + 61'000, "run1", 3));
  ASSERT_TRUE(seg);
  EXPECT_EQ(seg->kind, DataFileName::Kind::kSegment);
  EXPECT_FALSE(seg->events);
  EXPECT_EQ(seg->start_ms, kT0Ms + 61'000);
  auto ev = ParseDataFileName(EventSegmentFileName(kT0Ms + 61'000, "run1", 3));
  ASSERT_TRUE(ev);
  EXPECT_EQ(EventSegmentFileName(kT0Ms, "run1", 3),
            "events-seg-20261125T100000Z-run1-000003.parquet");
  EXPECT_EQ(ev->kind, DataFileName::Kind::kSegment);
  EXPECT_TRUE(ev->events);
  EXPECT_EQ(ev->start_ms, kT0Ms + 61'000);
  auto hourly = ParseDataFileName(HourlyFileName(kT0Ms + 3600'000, 42));
  ASSERT_TRUE(hourly);
  EXPECT_EQ(hourly->kind, DataFileName::Kind::kHourly);
  EXPECT_FALSE(hourly->events);
  EXPECT_EQ(hourly->start_ms, kT0Ms + 3600'000);
  EXPECT_EQ(EventHourlyFileName(kT0Ms, 42), "events-20261125T10-42.parquet");
  auto ev_hourly = ParseDataFileName(EventHourlyFileName(kT0Ms + 3600'000, 42));
  ASSERT_TRUE(ev_hourly);
  EXPECT_EQ(ev_hourly->kind, DataFileName::Kind::kHourly);
  EXPECT_TRUE(ev_hourly->events);
  EXPECT_EQ(ev_hourly->start_ms, kT0Ms + 3600'000);
  for (const char* bad :
       {"events-.parquet", "events-2026112XT10-1.parquet", "events-seg-garbage.parquet",
        "events-metrics-20261125T10-1.parquet", "events-20261125T10.parquet",
        "events-20261125T10-1.parquet.tmp", "metrics-20261125T1-1.parquet", "session.json"}) {
    EXPECT_FALSE(ParseDataFileName(bad)) << bad;
  }
}

TEST_F(DatasetWriterTest, EventRowsGoToTheirOwnFilesWithTheSameSchema) {
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  for (int s = 0; s < 130; ++s) {
    if (s == 10) Event(w->get(), 1, "started");
    if (s == 70) Event(w->get(), 1, "oom_kill");
    if (s == 71) Event(w->get(), 2, "stopped");
    Tick(w->get(), 3);
  }
  ASSERT_TRUE((*w)->Close().ok());
  std::map<std::string, KindCounts> files = CountKinds(root_);
  int64_t metric_rows = 0, event_rows = 0;
  int event_files = 0, columns = -1;
  for (const auto& [f, k] : files) {
    if (columns < 0) columns = k.num_columns;
    EXPECT_EQ(k.num_columns, columns) << f;  // one schema: **/*.parquet needs no union_by_name
    if (IsEventFile(f)) {
      ++event_files;
      EXPECT_EQ(k.events, k.rows) << f;  // only events in event files
      event_rows += k.events;
    } else {
      EXPECT_EQ(k.events, 0) << f;  // no events in metric files
      metric_rows += k.rows;
    }
  }
  EXPECT_EQ(metric_rows, 130 * 3);
  EXPECT_EQ(event_rows, 3);
  // Segment 0 has one event, segment 1 two, segment 2 none (no empty event file).
  EXPECT_EQ(event_files, 2);
  EXPECT_EQ(files.count("dt=2026-11-25/identifier=node-a/"
                        "events-seg-20261125T100010Z-run00001-000000.parquet"),
            1u);
  EXPECT_EQ(files.count("dt=2026-11-25/identifier=node-a/"
                        "events-seg-20261125T100110Z-run00001-000001.parquet"),
            1u);
}

// A real crash right after an event was synced to the journal: the next Open() writes it into an
// event file, and the metric rows into a metric file.
TEST_F(DatasetWriterTest, CrashRecoveryKeepsEventsInTheirOwnFiles) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto w = DatasetWriter::Open(Options());
    if (!w.ok()) _exit(3);
    for (int s = 0; s < 20; ++s) Tick(w->get(), 2);
    Event(w->get(), 0, "exit");
    Event(w->get(), 1, "restart");
    if (!(*w)->SyncJournal().ok()) _exit(5);
    kill(getpid(), SIGKILL);
    _exit(4);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  EXPECT_TRUE(CountKinds(root_).empty());  // nothing but the journal so far
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  EXPECT_EQ((*w)->stats().journals_recovered, 1u);
  ASSERT_TRUE((*w)->Close().ok());
  int64_t metric_rows = 0, event_rows = 0;
  for (const auto& [f, k] : CountKinds(root_)) {
    if (IsEventFile(f)) {
      EXPECT_EQ(k.events, k.rows) << f;
      event_rows += k.rows;
    } else {
      EXPECT_EQ(k.events, 0) << f;
      metric_rows += k.rows;
    }
  }
  EXPECT_EQ(event_rows, 2);        // synced explicitly: never lost
  EXPECT_GE(metric_rows, 2 * 19);  // at most the last flush interval lost
  EXPECT_LE(metric_rows, 2 * 20);
  EXPECT_TRUE(fs::is_empty(JournalDir(root_)));
}

TEST_F(DatasetWriterTest, CompactionMergesEventFilesSeparately) {
  clock_.SetWallNs((kT0Ms + 3600'000 - 200'000) * kNanosPerMilli);  // 10:56:40
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok());
  for (int s = 0; s < 300; ++s) {  // until 11:01:40: hour 10 has four segments
    if (s % 50 == 5) Event(w->get(), s % 3, "restart");
    Tick(w->get(), 2);
  }
  clock_.AdvanceNs(5 * 60 * kNanosPerSecond);  // hour 10 is closed + delay
  ASSERT_TRUE((*w)->Close().ok());
  std::map<std::string, KindCounts> before = CountKinds(root_);
  ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
  std::map<std::string, KindCounts> after = CountKinds(root_);
  int metric_hourly = 0, event_hourly = 0, event_segments_10 = 0;
  int64_t events_10 = 0, events_total = 0;
  for (const auto& [f, k] : before) {
    if (f.find("/events-seg-20261125T10") != std::string::npos) ++event_segments_10;
    if (IsEventFile(f)) events_total += k.rows;
  }
  EXPECT_GE(event_segments_10, 3);
  int64_t events_after = 0;
  for (const auto& [f, k] : after) {
    if (IsEventFile(f)) {
      events_after += k.rows;
      EXPECT_EQ(k.events, k.rows) << f;
    } else {
      EXPECT_EQ(k.events, 0) << f;
    }
    if (f.find("/metrics-20261125T10-") != std::string::npos) ++metric_hourly;
    if (f.find("/events-20261125T10-") != std::string::npos) {
      ++event_hourly;
      events_10 = k.rows;
      EXPECT_FALSE(ReplacedFiles(root_ + "/" + f).empty());
    }
    EXPECT_EQ(f.find("/events-seg-20261125T10"), std::string::npos) << f << " not compacted";
  }
  EXPECT_EQ(metric_hourly, 1);
  EXPECT_EQ(event_hourly, 1);
  EXPECT_EQ(events_10, 4);  // s = 5, 55, 105, 155 fall in hour 10 (before 11:00:00 = s 200)
  EXPECT_EQ(events_after, events_total);
  EXPECT_EQ(events_total, 6);
}

TEST_F(DatasetWriterTest, RetentionRemovesEventFilesByAge) {
  auto opts = Options();
  opts.compaction = false;
  {
    auto w = DatasetWriter::Open(opts);
    ASSERT_TRUE(w.ok());
    for (int s = 0; s < 600; ++s) {  // 10 segments, an event in each
      if (s % 60 == 30) Event(w->get(), 0, "restart");
      Tick(w->get(), 1);
    }
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto count_event_files = [&] {
    int n = 0;
    for (const auto& [f, k] : CountKinds(root_)) n += IsEventFile(f);
    return n;
  };
  EXPECT_EQ(count_event_files(), 10);
  opts.retention_ns = 5 * 60 * kNanosPerSecond;  // now is 10:10: keep segments ending after 10:05
  auto w = DatasetWriter::Open(opts);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
  EXPECT_EQ((*w)->stats().files_deleted_by_retention, 8u);  // 4 metric + 4 event files
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(count_event_files(), 6);
  for (const auto& [f, k] : CountKinds(root_)) {
    EXPECT_EQ(f.find("T1003"), std::string::npos) << f << " should be gone";
  }
}

TEST_F(DatasetWriterTest, SegmentsHoldEveryRowSortedByContainerThenTime) {
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  for (int s = 0; s < 150; ++s) Tick(w->get(), 3);
  ASSERT_TRUE((*w)->Close().ok());
  ReadBack data = ReadDataset(root_);
  EXPECT_EQ(data.rows, 450u);
  ASSERT_EQ(data.times_by_container.size(), 3u);
  for (auto& [c, times] : data.times_by_container) {
    EXPECT_EQ(times.size(), 150u);
    std::set<int64_t> unique(times.begin(), times.end());
    EXPECT_EQ(unique.size(), 150u) << "duplicates for " << c;
  }
  // 60 s aligned segments: 10:00:00-10:00:59, 10:01, 10:02:00-10:02:29.
  ASSERT_EQ(data.files.size(), 3u);
  EXPECT_EQ(data.files[0],
            "dt=2026-11-25/identifier=node-a/seg-20261125T100000Z-run00001-000000.parquet");
  EXPECT_TRUE(fs::is_empty(JournalDir(root_)));
  EXPECT_EQ((*w)->stats().rows_written, 450u);
}

TEST_F(DatasetWriterTest, CompactsAClosedHourIntoOneFilePerPartition) {
  clock_.SetWallNs((kT0Ms + 3600'000 - 90'000) * kNanosPerMilli);  // 10:58:30
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok());
  for (int s = 0; s < 240; ++s) Tick(w->get(), 2);  // until 11:02:30
  clock_.AdvanceNs(5 * 60 * kNanosPerSecond);       // hour 10 is closed + delay
  ASSERT_TRUE((*w)->Close().ok());
  ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
  ReadBack data = ReadDataset(root_);
  EXPECT_EQ(data.rows, 480u);
  int hourly = 0, segments = 0;
  for (const auto& f : data.files) {
    hourly += f.find("/metrics-20261125T10-") != std::string::npos;
    segments += f.find("/seg-20261125T11") != std::string::npos;
  }
  EXPECT_EQ(hourly, 1);
  EXPECT_EQ(segments, 3);  // hour 11 stays in segments until it closes
  for (auto& [c, times] : data.times_by_container) {
    EXPECT_EQ(times.size(), 240u);
    std::set<int64_t> unique(times.begin(), times.end());
    EXPECT_EQ(unique.size(), 240u);
  }
  // The hourly file keeps containers together in one row group (not one row group per container).
  for (const auto& f : data.files) {
    if (f.find("metrics-") == std::string::npos) continue;
    auto reader = parquet::FileReader::OpenFile(root_ + "/" + f);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ((*reader)->num_row_groups(), 1);
    EXPECT_EQ((*reader)->num_rows(), 180);  // 90 s x 2 containers
    EXPECT_FALSE(ReplacedFiles(root_ + "/" + f).empty());
  }
}

// segment_max_bytes bounds the rows held for the next segment: the buffer is handed to the
// worker before it would pass the bound, whatever the row count, and no row is lost. 6,000 rows
// take ~20x the bound, so a writer that ignored it would fail the first expectation.
TEST_F(DatasetWriterTest, SegmentBufferStaysUnderItsByteBound) {
  clock_.SetWallNs(kT0Ms * kNanosPerMilli);
  DatasetOptions o = Options();
  o.segment_max_rows = 1 << 30;
  o.segment_max_bytes = 16 << 10;
  auto w = DatasetWriter::Open(o);
  ASSERT_TRUE(w.ok());
  size_t largest = 0;
  for (int t = 0; t < 50; ++t) {
    for (int c = 0; c < 120; ++c) {
      Row r;
      r.SetTime(clock_.WallNs());
      r.SetString(Col("kind"), "container");
      r.SetString(kContainer, "c" + std::to_string(c));
      r.SetInt(kCpu, clock_.WallNs() / kNanosPerMilli);
      (*w)->Append(r);
      largest = std::max(largest, (*w)->buffered_bytes());
    }
    (*w)->Poll();
    clock_.AdvanceNs(kNanosPerSecond);
  }
  // Checked before each row, so one row's growth (vectors doubling) can pass the bound, never
  // more: 2x the bound.
  EXPECT_LE(largest, 2 * o.segment_max_bytes);
  EXPECT_GT(largest, o.segment_max_bytes / 2);
  ASSERT_TRUE((*w)->Close(60 * kNanosPerSecond).ok());
  EXPECT_GE((*w)->stats().segments_written, 10u);  // cut by bytes, not by the 60 s interval
  ReadBack data = ReadDataset(root_);
  EXPECT_EQ(data.rows, 6000u);
  ASSERT_EQ(data.times_by_container.size(), 120u);
  for (auto& [c, times] : data.times_by_container) {
    std::set<int64_t> unique(times.begin(), times.end());
    EXPECT_EQ(unique.size(), 50u) << c;
  }
}

TEST_F(DatasetWriterTest, OpenFinishesAnInterruptedCompaction) {
  clock_.SetWallNs(kT0Ms * kNanosPerMilli);
  {
    auto w = DatasetWriter::Open(Options());
    ASSERT_TRUE(w.ok());
    for (int s = 0; s < 130; ++s) Tick(w->get(), 1);
    ASSERT_TRUE((*w)->Close().ok());
  }
  std::string dir = PartitionDir(root_, kT0Ms, "node-a");
  // Simulate a crash after the compacted file was renamed but before the segments were deleted:
  // back the segments up, compact, then put them back.
  std::vector<std::pair<std::string, std::string>> saved;
  for (auto& e : fs::directory_iterator(dir)) {
    saved.push_back({e.path().string(), *ReadFileToString(e.path().string())});
  }
  {
    auto w = DatasetWriter::Open(Options());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->CompactAndRetainNow(true).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  for (auto& [path, bytes] : saved) ASSERT_TRUE(WriteFileAtomically(path, bytes).ok());
  EXPECT_EQ(ReadDataset(root_).rows, 130u + 130u);  // duplicated on disk right now...
  auto w = DatasetWriter::Open(Options());          // ...until Open() resolves it
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  ReadBack data = ReadDataset(root_);
  EXPECT_EQ(data.rows, 130u);
  EXPECT_EQ(data.files.size(), 1u);
}

TEST_F(DatasetWriterTest, RetentionByAgeAndByBudget) {
  auto opts = Options();
  opts.compaction = false;
  {
    auto w = DatasetWriter::Open(opts);
    ASSERT_TRUE(w.ok());
    for (int s = 0; s < 600; ++s) Tick(w->get(), 4);  // 10 segments
    ASSERT_TRUE((*w)->Close().ok());
  }
  EXPECT_EQ(ReadDataset(root_).files.size(), 10u);
  opts.retention_ns = 5 * 60 * kNanosPerSecond;  // now is 10:10: keep segments ending after 10:05
  {
    auto w = DatasetWriter::Open(opts);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
    EXPECT_EQ((*w)->stats().files_deleted_by_retention, 4u);
    ASSERT_TRUE((*w)->Close().ok());
  }
  ReadBack kept = ReadDataset(root_);
  ASSERT_EQ(kept.files.size(), 6u);
  EXPECT_NE(kept.files[0].find("seg-20261125T100400Z"), std::string::npos);
  uint64_t one_file = fs::file_size(root_ + "/" + kept.files[0]);
  opts.retention_ns = 0;
  opts.max_disk_bytes = one_file * 2 + one_file / 2;
  {
    auto w = DatasetWriter::Open(opts);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->CompactAndRetainNow(false).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  ReadBack budget = ReadDataset(root_);
  ASSERT_EQ(budget.files.size(), 2u);  // the newest two
  EXPECT_NE(budget.files[1].find("seg-20261125T100900Z"), std::string::npos);
}

// The first tick reaches the journal at once (a run killed within its first flush interval still
// leaves data), and later flushes keep to a 2 s grid although each Poll runs a little after its
// tick, a little earlier each time (with `now + interval` deadlines every flush would slip a tick).
TEST_F(DatasetWriterTest, JournalTakesTheFirstTickAtOnceThenFlushesOnAGrid) {
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  std::vector<uint64_t> journaled;
  clock_.AdvanceNs(9 * kNanosPerMilli);  // Polls lag their ticks by 9 ms, then 8, 7, ...
  for (int s = 0; s < 7; ++s) {
    Tick(w->get(), 2);
    journaled.push_back((*w)->stats().rows_journaled);
    clock_.AdvanceNs(-kNanosPerMilli);
  }
  EXPECT_EQ(journaled, (std::vector<uint64_t>{2, 2, 6, 6, 10, 10, 14}));
  ASSERT_TRUE((*w)->Close().ok());
}

// Rows reach the journal every flush (2 s: what a SIGKILL can lose), but it is fdatasynced only
// every journal_sync_interval (10 s: what a power loss can lose), and at once on SyncJournal().
TEST_F(DatasetWriterTest, JournalIsSyncedOnItsOwnSlowerGrid) {
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  for (int s = 0; s <= 20; ++s) Tick(w->get(), 2);  // polls at 0, 1, ..., 20 s
  EXPECT_EQ((*w)->stats().rows_journaled, 42u);     // flushed at 0, 2, ..., 20 s
  EXPECT_EQ((*w)->stats().journal_syncs, 2u);       // synced at 10 and 20 s
  ASSERT_TRUE((*w)->SyncJournal().ok());
  EXPECT_EQ((*w)->stats().journal_syncs, 3u);
  ASSERT_TRUE((*w)->Close().ok());
}

// A real crash: a child process appends and polls, then SIGKILLs itself between journal flushes.
TEST_F(DatasetWriterTest, SigkillLosesAtMostTheFlushIntervalAndIsRecovered) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto w = DatasetWriter::Open(Options());
    if (!w.ok()) _exit(3);
    for (int s = 0; s < 95; ++s) Tick(w->get(), 2);  // journal flushed every 2 s of fake time
    kill(getpid(), SIGKILL);
    _exit(4);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  // Segment 0 (60 rows/container) was written; seconds 60..94 are in the journal, minus the last
  // unflushed interval.
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  // At least the open segment's journal; also segment 0's if the worker had not written it yet
  // when the kill came (slow sanitizer builds) -- either way nothing is lost or doubled.
  EXPECT_GE((*w)->stats().journals_recovered, 1u);
  ASSERT_TRUE((*w)->Close().ok());
  ReadBack data = ReadDataset(root_);
  for (auto& [c, times] : data.times_by_container) {
    EXPECT_GE(times.size(), 93u) << c;  // lost at most 2 s
    EXPECT_LE(times.size(), 95u);
    std::set<int64_t> unique(times.begin(), times.end());
    EXPECT_EQ(unique.size(), times.size());
  }
  EXPECT_TRUE(fs::is_empty(JournalDir(root_)));
}

// SIGTERM path: with no time left, Close() must not wait for segment writes; the journal keeps
// every row and the next Open() writes them.
TEST_F(DatasetWriterTest, CloseWithoutTimeLeavesTheJournalAndLosesNothing) {
  {
    auto w = DatasetWriter::Open(Options());
    ASSERT_TRUE(w.ok());
    for (int s = 0; s < 50; ++s) Tick(w->get(), 200);
    ASSERT_TRUE((*w)->Close(/*deadline_ns=*/0).ok());
  }
  auto w = DatasetWriter::Open(Options());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  ReadBack data = ReadDataset(root_);
  EXPECT_EQ(data.rows, 50u * 200);
  for (auto& [c, times] : data.times_by_container) {
    std::set<int64_t> unique(times.begin(), times.end());
    EXPECT_EQ(unique.size(), times.size()) << c;
  }
}

TEST_F(DatasetWriterTest, RejectsBadOptions) {
  auto o = Options();
  o.segment_interval_ns = 7 * kNanosPerSecond;  // does not divide an hour
  EXPECT_EQ(DatasetWriter::Open(o).error().code(), StatusCode::kInvalidArgument);
  o = Options();
  o.root = "";
  EXPECT_FALSE(DatasetWriter::Open(o).ok());
}

}  // namespace
}  // namespace fgm::store

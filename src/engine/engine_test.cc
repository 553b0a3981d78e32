// SPDX-License-Identifier: Apache-2.0
// Engine and API tests on real datasets written in the test through the store's DatasetWriter
// (segments, hourly compactions, journals): exact rates, resets, gaps, downsampling, pruning,
// cache invalidation, replaced files, events, live journals and the API's 400s.
#include "engine/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include "core/file.h"
#include "core/testing/fake_clock.h"
#include "engine/api.h"
#include "engine/json_writer.h"
#include "engine/live/journal_source.h"
#include "store/dataset_writer.h"
#include "store/journal.h"
#include "store/layout.h"

namespace fgm::engine {
namespace {

namespace fs = std::filesystem;
using store::Col;
using store::Row;

// 2026-11-25 10:00:00 UTC: a whole hour, so compaction boundaries are predictable.
constexpr int64_t kT0Ms = 1'795'600'800'000;

struct Sample {
  std::string id;
  // 0: an inode of its own, derived from the id, as every real cgroup has (a row group holding
  // several containers is split into runs by inode).
  int64_t inode = 0;
  std::string ns = "ns1";
  std::optional<int64_t> cpu_usec;   // counter
  std::optional<int64_t> mem_bytes;  // gauge
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm_engine_test_XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Writes one row per sample returned by `at(second)` for seconds [0, seconds), then closes the
  // writer (segments) and optionally compacts into hourly files.
  void Write(int seconds, const std::function<std::vector<Sample>(int)>& at, bool compact,
             int stride_s = 1) {
    const int64_t start_ms = kT0Ms;
    testing::FakeClock clock(start_ms * kNanosPerMilli);
    store::DatasetOptions o;
    o.root = root_;
    o.identifier = "node-a";
    o.run_id = "run00001";
    o.clock = &clock;
    o.maintenance_interval_ns = 3600 * kNanosPerSecond;
    auto w = store::DatasetWriter::Open(o);
    ASSERT_TRUE(w.ok()) << w.error().ToString();
    for (int s = 0; s < seconds; s += stride_s) {
      for (const Sample& x : at(s)) {
        Row r;
        r.SetTime(clock.WallNs());
        r.SetString(Col("kind"), "container");
        r.SetString(Col("container_id"), x.id);
        r.SetString(Col("container_name"), "name-" + x.id);
        r.SetString(Col("pod_name"), "pod-" + x.id);
        r.SetString(Col("namespace"), x.ns);
        r.SetString(Col("qos_class"), "burstable");
        r.SetString(Col("pod_labels"), "{\"app\":\"" + x.id + "\"}");
        r.SetInt(Col("cgroup_inode"),
                 x.inode != 0 ? x.inode
                              : 1000 + static_cast<int64_t>(std::hash<std::string>{}(x.id) >> 20));
        if (x.cpu_usec) r.SetInt(Col("cpu_usage_usec"), *x.cpu_usec);
        if (x.mem_bytes) r.SetInt(Col("memory_usage_bytes"), *x.mem_bytes);
        (*w)->Append(r);
      }
      (*w)->Poll();
      clock.AdvanceNs(stride_s * kNanosPerSecond);
    }
    ASSERT_TRUE((*w)->Close().ok());
    if (compact) {
      auto w2 = store::DatasetWriter::Open(o);
      ASSERT_TRUE(w2.ok());
      ASSERT_TRUE((*w2)->CompactAndRetainNow(true).ok());
      ASSERT_TRUE((*w2)->Close().ok());
    }
  }

  std::unique_ptr<Engine> MakeEngine() {
    auto e = std::make_unique<Engine>(EngineOptions{.roots = {root_}});
    e->Refresh();
    return e;
  }

  std::vector<std::string> Files() {
    std::vector<std::string> out = ListDataFiles(root_);
    return out;
  }

  std::string root_;
};

SeriesResult Query(Engine& e, std::string metric, std::vector<std::string> ids, int64_t from_s,
                   int64_t to_s, int max_points = 2000) {
  SeriesQuery q{.metric = std::move(metric),
                .containers = std::move(ids),
                .from_ms = kT0Ms + from_s * 1000,
                .to_ms = kT0Ms + to_s * 1000,
                .max_points = max_points};
  auto r = e.QuerySeries(q);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? std::move(*r) : SeriesResult{};
}

int CountValues(const Series& s) {
  int n = 0;
  for (double v : s.avg) n += !std::isnan(v);
  return n;
}

TEST_F(EngineTest, IndexListsContainersMetricsAndTimeRange) {
  Write(
      90,
      [](int s) {
        std::vector<Sample> v = {{.id = "a", .mem_bytes = 100 + s}};
        if (s >= 30) v.push_back({.id = "b", .ns = "ns2", .cpu_usec = s * 1000});
        return v;
      },
      false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  const auto& c = e.index().containers();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c.at("a").first_seen_ms, kT0Ms);
  EXPECT_EQ(c.at("a").last_seen_ms, kT0Ms + 89'000);
  EXPECT_EQ(c.at("b").first_seen_ms, kT0Ms + 30'000);
  EXPECT_EQ(c.at("b").labels.namespace_name, "ns2");
  EXPECT_EQ(c.at("b").pod_labels.at("app"), "b");
  EXPECT_EQ(e.index().metrics(),
            (std::vector<std::string>{"memory_usage_bytes", "cpu_usage_usec"}));
  EXPECT_EQ(*e.index().min_time_ms(), kT0Ms);
  EXPECT_EQ(*e.index().max_time_ms(), kT0Ms + 89'000);
}

// The exported page's path: the same files handed over as bytes answer exactly as on disk, stay
// across Refresh, and are cached like finished files (not live).
TEST_F(EngineTest, MemorySourcesAnswerLikeTheirFilesAndAreCached) {
  Write(
      90,
      [](int s) {
        std::vector<Sample> v = {{.id = "a", .mem_bytes = 100 + s}};
        if (s >= 30) v.push_back({.id = "b", .ns = "ns2", .cpu_usec = s * 1000});
        return v;
      },
      false);
  auto on_disk = MakeEngine();
  SeriesResult want = Query(*on_disk, "memory_usage_bytes", {"a"}, 0, 90);
  ASSERT_EQ(want.series.size(), 1u);

  Engine e(EngineOptions{.roots = {}});
  std::vector<std::string> files = Files();
  ASSERT_FALSE(files.empty());
  for (const std::string& path : files) {
    auto bytes = ReadFileToString(path);
    ASSERT_TRUE(bytes.ok());
    ASSERT_TRUE(e.AddMemorySource({.path = "mem:" + path, .bytes = std::move(*bytes)}).ok());
  }
  e.Refresh();  // lists no roots: the memory files stay
  ASSERT_EQ(e.index().files().size(), files.size());
  EXPECT_FALSE(e.index().files()[0]->live);
  EXPECT_FALSE(e.index().has_live());
  ASSERT_EQ(e.index().containers().size(), 2u);
  EXPECT_EQ(e.index().containers().at("b").labels.namespace_name, "ns2");
  EXPECT_EQ(e.index().containers().at("b").first_seen_ms, kT0Ms + 30'000);

  SeriesResult got = Query(e, "memory_usage_bytes", {"a"}, 0, 90);
  ASSERT_EQ(got.series.size(), 1u);
  EXPECT_EQ(got.series[0].t, want.series[0].t);
  EXPECT_EQ(got.series[0].avg, want.series[0].avg);
  e.ResetStatsForTesting();
  Query(e, "memory_usage_bytes", {"a"}, 0, 90);
  EXPECT_GT(e.stats().cache_hits, 0u);
  EXPECT_EQ(e.stats().chunks_decoded, 0u);

  // Bytes that are not Parquet: an error, and the index keeps what it had.
  Status bad = e.AddMemorySource({.path = "mem:junk", .bytes = "not a parquet file"});
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(e.index().files().size(), files.size());
}

TEST_F(EngineTest, CounterRatesEqualHandComputedDeltas) {
  // cpu_usage_usec = 1000 * s^2: the rate over second s is (2s - 1) * 1000 us/s.
  Write(
      20, [](int s) { return std::vector<Sample>{{.id = "a", .cpu_usec = 1000 * s * s}}; }, false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  SeriesResult r = Query(e, "cpu_usage_usec", {"a"}, 0, 20);
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_EQ(r.step_ms, 1000);
  const Series& s = r.series[0];
  ASSERT_EQ(s.t.size(), 19u);  // the first sample has no predecessor
  for (size_t i = 0; i < s.t.size(); ++i) {
    int64_t sec = static_cast<int64_t>(i) + 1;
    EXPECT_EQ(s.t[i], kT0Ms + sec * 1000);
    EXPECT_DOUBLE_EQ(s.avg[i], (2 * sec - 1) * 1000.0) << i;
    EXPECT_DOUBLE_EQ(s.min[i], s.avg[i]);
    EXPECT_DOUBLE_EQ(s.max[i], s.avg[i]);
  }
  // A range starting mid-way still has a rate at its first tick (the sample before is read).
  SeriesResult mid = Query(e, "cpu_usage_usec", {"a"}, 10, 12);
  ASSERT_EQ(mid.series[0].t.size(), 2u);
  EXPECT_DOUBLE_EQ(mid.series[0].avg[0], 19000.0);
}

TEST_F(EngineTest, ResetsAndNewInstancesGiveNoRate) {
  Write(
      10,
      [](int s) {
        // Decrease at s=4 (reset); new inode from s=7 (restart) with a higher value.
        int64_t v = s < 4 ? 5000 * s : 100 + 10 * s;
        int64_t inode = s < 7 ? 1 : 2;
        if (s >= 7) v = 1'000'000 + 2000 * s;
        return std::vector<Sample>{{.id = "a", .inode = inode, .cpu_usec = v}};
      },
      false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  SeriesResult r = Query(e, "cpu_usage_usec", {"a"}, 0, 10);
  const Series& s = r.series[0];
  std::vector<int64_t> expected_t;
  for (int sec : {1, 2, 3, 5, 6, 8, 9}) expected_t.push_back(kT0Ms + sec * 1000);
  EXPECT_EQ(s.t, expected_t);
  EXPECT_DOUBLE_EQ(s.avg[0], 5000);
  EXPECT_DOUBLE_EQ(s.avg[3], 10);    // 150 - 140
  EXPECT_DOUBLE_EQ(s.avg[5], 2000);  // new instance's second sample
}

// cgroup v1 reuses inode numbers: a container started after another was removed may get its
// inode. In a file sorted by (container_id, inode, time) their rows are adjacent with one inode;
// they are two instances, not one run of rows.
TEST_F(EngineTest, ContainersSharingAnInodeAreSplitIntoTheirOwnRuns) {
  for (bool compact : {false, true}) {
    fs::remove_all(root_);
    fs::create_directories(root_);
    Write(
        120,
        [](int s) {
          std::vector<Sample> v;
          if (s < 70) v.push_back({.id = "a", .inode = 5, .mem_bytes = 1000 + s});
          if (s >= 50) v.push_back({.id = "b", .inode = 5, .ns = "ns2", .mem_bytes = 5000 + s});
          v.push_back({.id = "c", .mem_bytes = 9000 + s});
          return v;
        },
        compact);
    auto engine = MakeEngine();
    Engine& e = *engine;
    const auto& c = e.index().containers();
    ASSERT_EQ(c.size(), 3u) << "compact " << compact;
    EXPECT_EQ(c.at("a").first_seen_ms, kT0Ms);
    EXPECT_EQ(c.at("a").last_seen_ms, kT0Ms + 69'000);
    EXPECT_EQ(c.at("b").first_seen_ms, kT0Ms + 50'000);
    EXPECT_EQ(c.at("b").last_seen_ms, kT0Ms + 119'000);
    EXPECT_EQ(c.at("b").labels.namespace_name, "ns2");
    SeriesResult r = Query(e, "memory_usage_bytes", {"a", "b", "c"}, 0, 120);
    ASSERT_EQ(r.series.size(), 3u);
    for (size_t k = 0; k < 3; ++k) {
      const Series& s = r.series[k];
      int64_t first_s = k == 1 ? 50 : 0, end_s = k == 0 ? 70 : 120;
      double base = k == 0 ? 1000 : k == 1 ? 5000 : 9000;
      ASSERT_EQ(s.t.size(), static_cast<size_t>(end_s - first_s))
          << s.container << " compact " << compact;
      for (size_t i = 0; i < s.t.size(); ++i) {
        int64_t sec = first_s + static_cast<int64_t>(i);
        EXPECT_EQ(s.t[i], kT0Ms + sec * 1000) << s.container;
        EXPECT_EQ(s.avg[i], base + static_cast<double>(sec)) << s.container << " at " << sec;
      }
    }
  }
}

TEST_F(EngineTest, GapsBecomeOneNullEntry) {
  Write(
      40,
      [](int s) {
        std::vector<Sample> v;
        // Missing 10..19 (a gap) and 30 (one missed tick: not a gap).
        if ((s < 10 || s >= 20) && s != 30) v.push_back({.id = "a", .mem_bytes = 1000 + s});
        return v;
      },
      false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  SeriesResult r = Query(e, "memory_usage_bytes", {"a"}, 0, 40);
  const Series& s = r.series[0];
  ASSERT_EQ(s.t.size(), 29u + 1u);  // 29 samples + one null entry
  EXPECT_EQ(s.t[10], kT0Ms + 10'000);
  EXPECT_TRUE(std::isnan(s.avg[10]));
  EXPECT_TRUE(std::isnan(s.max[10]));
  EXPECT_EQ(s.t[11], kT0Ms + 20'000);
  EXPECT_DOUBLE_EQ(s.avg[11], 1020);
  int nulls = 0;
  for (double v : s.avg) nulls += std::isnan(v);
  EXPECT_EQ(nulls, 1);
}

TEST_F(EngineTest, DownsamplingKeepsTheSpike) {
  Write(
      1200,
      [](int s) {
        return std::vector<Sample>{{.id = "a", .mem_bytes = s == 734 ? 1'000'000 : 100 + s % 7}};
      },
      true);
  auto engine = MakeEngine();
  Engine& e = *engine;
  SeriesResult r = Query(e, "memory_usage_bytes", {"a"}, 0, 1200, 100);
  EXPECT_EQ(r.step_ms, 12'000);
  const Series& s = r.series[0];
  ASSERT_EQ(s.t.size(), 100u);
  size_t spike_bucket = 734 / 12;
  EXPECT_EQ(s.t[spike_bucket], kT0Ms + static_cast<int64_t>(spike_bucket) * 12'000);
  EXPECT_DOUBLE_EQ(s.max[spike_bucket], 1'000'000);
  EXPECT_LT(s.avg[spike_bucket], 1'000'000);
  EXPECT_GE(s.min[spike_bucket], 100);
  double max_elsewhere = 0;
  for (size_t i = 0; i < s.max.size(); ++i) {
    if (i != spike_bucket) max_elsewhere = std::max(max_elsewhere, s.max[i]);
  }
  EXPECT_EQ(max_elsewhere, 106);
}

TEST_F(EngineTest, PruningReadsOnlyTheRowGroupsOfTheRange) {
  // Three hours, compacted: one hourly file (one row group) per hour.
  // Three hours, one sample every 10 s (pruning does not need more, and it keeps the test fast).
  Write(
      3 * 3600, [](int s) { return std::vector<Sample>{{.id = "a", .mem_bytes = s}}; }, true,
      /*stride_s=*/10);
  ASSERT_EQ(Files().size(), 3u);
  auto engine = MakeEngine();
  Engine& e = *engine;
  SeriesResult last = Query(e, "memory_usage_bytes", {"a"}, 2 * 3600 + 60, 2 * 3600 + 120);
  EXPECT_EQ(CountValues(last.series[0]), 6);
  EXPECT_EQ(e.stats().row_groups_read, 1u);
  EXPECT_GE(e.stats().row_groups_pruned, 2u);
  e.ResetStatsForTesting();
  SeriesResult all = Query(e, "memory_usage_bytes", {"a"}, 0, 3 * 3600, 20000);
  EXPECT_EQ(CountValues(all.series[0]), 3 * 360);
  EXPECT_EQ(e.stats().row_groups_read, 2u);  // the third is cached
  EXPECT_EQ(e.stats().cache_hits, 2u);       // its time and value chunks
}

TEST_F(EngineTest, CompactionReplacesSegmentsWithoutDoubleCountingAndCacheFollows) {
  Write(
      180, [](int s) { return std::vector<Sample>{{.id = "a", .mem_bytes = s}}; }, false);
  std::vector<std::string> segments = Files();
  ASSERT_EQ(segments.size(), 3u);  // one per minute
  std::map<std::string, std::string> saved;
  for (const auto& p : segments) saved[p] = *ReadFileToString(p);
  auto engine = MakeEngine();
  Engine& e = *engine;
  SeriesResult before = Query(e, "memory_usage_bytes", {"a"}, 0, 180);
  ASSERT_EQ(before.series[0].t.size(), 180u);

  // Compact: the hourly file replaces the segments (and deletes them).
  {
    testing::FakeClock clock(kT0Ms * kNanosPerMilli);
    store::DatasetOptions o{.root = root_, .identifier = "node-a", .run_id = "run00002"};
    o.clock = &clock;
    auto w = store::DatasetWriter::Open(o);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->CompactAndRetainNow(true).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  ASSERT_EQ(Files().size(), 1u);
  // The crash window: segments still present next to the file that replaces them.
  for (const auto& [p, bytes] : saved) ASSERT_TRUE(WriteFileAtomically(p, bytes).ok());
  ASSERT_EQ(Files().size(), 4u);
  EXPECT_TRUE(e.Refresh());
  EXPECT_EQ(e.index().files().size(), 1u);
  e.ResetStatsForTesting();
  SeriesResult after = Query(e, "memory_usage_bytes", {"a"}, 0, 180);
  EXPECT_EQ(after.series[0].t, before.series[0].t);
  EXPECT_EQ(after.series[0].avg, before.series[0].avg);
  EXPECT_EQ(e.stats().cache_hits, 0u);  // a new file: nothing stale reused

  // Retention removes everything: the cached chunks must not answer.
  for (const auto& p : Files()) fs::remove(p);
  EXPECT_TRUE(e.Refresh());
  auto gone = e.QuerySeries({.metric = "memory_usage_bytes",
                             .containers = {},
                             .from_ms = kT0Ms,
                             .to_ms = kT0Ms + 180'000});
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->series.empty());
  EXPECT_EQ(e.stats().cache_bytes, 0u);
}

TEST_F(EngineTest, ChangedFileIsReindexed) {
  Write(
      60, [](int s) { return std::vector<Sample>{{.id = "a", .mem_bytes = s}}; }, false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  SeriesResult r1 = Query(e, "memory_usage_bytes", {"a"}, 0, 60);
  EXPECT_DOUBLE_EQ(r1.series[0].avg[5], 5);
  // Rewrite the same path with other values (different size or mtime).
  std::string path = Files()[0];
  fs::remove_all(root_);
  fs::create_directories(root_);
  Write(
      60, [](int s) { return std::vector<Sample>{{.id = "a", .mem_bytes = 1000 + 3 * s}}; }, false);
  ASSERT_EQ(Files()[0], path);
  // Make sure the mtime differs even on coarse-timestamp filesystems.
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(5));
  e.Refresh();
  SeriesResult r2 = Query(e, "memory_usage_bytes", {"a"}, 0, 60);
  EXPECT_DOUBLE_EQ(r2.series[0].avg[5], 1015);
}

TEST_F(EngineTest, LiveJournalRowsAreServedAndDeduplicated) {
  Write(
      60, [](int s) { return std::vector<Sample>{{.id = "a", .mem_bytes = s}}; }, false);
  // A journal holding seconds 50..69: 50..59 also in the segment, 60..69 only live.
  store::RowBuffer rows;
  for (int s = 50; s < 70; ++s) {
    Row r;
    r.SetTime((kT0Ms + s * 1000) * kNanosPerMilli);
    r.SetString(Col("kind"), "container");
    r.SetString(Col("container_id"), "a");
    r.SetInt(Col("cgroup_inode"), 1);
    r.SetInt(Col("memory_usage_bytes"), s);
    rows.Append(r);
  }
  fs::create_directories(store::JournalDir(root_));
  auto jw = store::JournalWriter::Create(store::JournalPath(root_, "run00009", 1), "node-a");
  ASSERT_TRUE(jw.ok());
  ASSERT_TRUE(jw->Append(rows, 0, rows.size()).ok());
  auto engine = MakeEngine();
  Engine& e = *engine;
  e.SetLiveSources(ReadLiveJournals({root_}));
  EXPECT_TRUE(e.index().has_live());
  SeriesResult r = Query(e, "memory_usage_bytes", {"a"}, 0, 70);
  ASSERT_EQ(r.series[0].t.size(), 70u);
  EXPECT_DOUBLE_EQ(r.series[0].avg[69], 69);
  EXPECT_EQ(*e.index().max_time_ms(), kT0Ms + 69'000);
}

TEST_F(EngineTest, CachedAnswersFollowNewAndRemovedFiles) {
  // Another run's file, written elsewhere first: container b, values 5000 + s.
  std::string mine = root_;
  char tmpl[] = "/tmp/fgm_engine_test_XXXXXX";
  root_ = mkdtemp(tmpl);
  Write(
      60, [](int s) { return std::vector<Sample>{{.id = "b", .inode = 2, .mem_bytes = 5000 + s}}; },
      false);
  std::string other_file = Files()[0];
  std::string other_root = root_;
  root_ = mine;
  Write(
      60, [](int s) { return std::vector<Sample>{{.id = "a", .mem_bytes = s}}; }, false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  const QueryParams all = {{"metric", "memory_usage_bytes"}, {"range", "all"}};
  ApiResponse first = HandleApiRequest(e, "/api/timeseries", all);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(HandleApiRequest(e, "/api/timeseries", all).body, first.body);
  EXPECT_EQ(e.stats().response_hits, 1u);
  EXPECT_EQ(e.stats().response_misses, 1u);
  EXPECT_GE(e.stats().response_bytes, first.body.size());
  EXPECT_EQ(first.body.find("5059"), std::string::npos);

  // A new file appears: the same request answers with it.
  fs::create_directories(root_ + "/other");
  fs::copy_file(other_file, root_ + "/other/b.parquet");
  fs::remove_all(other_root);
  EXPECT_TRUE(e.Refresh());
  ApiResponse with_b = HandleApiRequest(e, "/api/timeseries", all);
  EXPECT_NE(with_b.body.find("5059"), std::string::npos);
  EXPECT_NE(HandleApiRequest(e, "/api/containers", {{"range", "all"}}).body.find("\"id\":\"b\""),
            std::string::npos);

  // Retention removes a's files: a is gone from the answer, b stays.
  for (const std::string& f : Files()) {
    if (f.find("/other/") == std::string::npos) fs::remove(f);
  }
  EXPECT_TRUE(e.Refresh());
  ApiResponse only_b = HandleApiRequest(e, "/api/timeseries", all);
  EXPECT_NE(only_b.body.find("5059"), std::string::npos);
  EXPECT_EQ(only_b.body.find("\"container\":\"a\""), std::string::npos) << only_b.body;
  EXPECT_EQ(e.stats().response_hits, 1u);
}

TEST_F(EngineTest, CachedAnswersFollowJournalAppends) {
  Write(
      60, [](int s) { return std::vector<Sample>{{.id = "a", .mem_bytes = s}}; }, false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  const QueryParams last_hour = {{"metric", "memory_usage_bytes"}, {"range", "1h"}};
  const QueryParams fixed = {{"metric", "memory_usage_bytes"},
                             {"from", std::to_string(kT0Ms)},
                             {"to", std::to_string(kT0Ms + 120'000)}};
  std::string fixed_before = HandleApiRequest(e, "/api/timeseries", fixed).body;
  std::string hour_before = HandleApiRequest(e, "/api/timeseries", last_hour).body;
  EXPECT_EQ(HandleApiRequest(e, "/api/timeseries", fixed).body, fixed_before);
  EXPECT_EQ(e.stats().response_hits, 1u);

  // The monitor's journal holds seconds 60..until_s-1 (values 7000 + s); the viewer re-reads it.
  auto append_journal = [&](int until_s) {
    store::RowBuffer rows;
    for (int s = 60; s < until_s; ++s) {
      Row r;
      r.SetTime((kT0Ms + s * 1000) * kNanosPerMilli);
      r.SetString(Col("kind"), "container");
      r.SetString(Col("container_id"), "a");
      r.SetInt(Col("cgroup_inode"), 1);
      r.SetInt(Col("memory_usage_bytes"), 7000 + s);
      rows.Append(r);
    }
    fs::create_directories(store::JournalDir(root_));
    auto jw = store::JournalWriter::Create(store::JournalPath(root_, "run00009", 1), "node-a");
    ASSERT_TRUE(jw.ok());
    ASSERT_TRUE(jw->Append(rows, 0, rows.size()).ok());
    e.SetLiveSources(ReadLiveJournals({root_}));
  };
  append_journal(90);
  ApiResponse live = HandleApiRequest(e, "/api/timeseries", fixed);
  EXPECT_NE(live.body, fixed_before);
  EXPECT_NE(live.body.find("7089"), std::string::npos);
  // `range=1h` now ends 30 s later: a new window, a new answer.
  std::string hour_live = HandleApiRequest(e, "/api/timeseries", last_hour).body;
  EXPECT_NE(hour_live, hour_before);
  EXPECT_NE(hour_live.find("7089"), std::string::npos);
  append_journal(100);
  EXPECT_NE(HandleApiRequest(e, "/api/timeseries", fixed).body.find("7099"), std::string::npos);
}

TEST_F(EngineTest, ResponseCacheOffGivesTheSameAnswers) {
  Write(
      120,
      [](int s) {
        return std::vector<Sample>{{.id = "a", .cpu_usec = s * 1000, .mem_bytes = s},
                                   {.id = "b", .cpu_usec = s * 500, .mem_bytes = 2 * s}};
      },
      false);
  auto cached = MakeEngine();
  Engine off({.roots = {root_}, .response_cache_bytes = 0});
  off.Refresh();
  for (int i = 0; i < 2; ++i) {
    for (const char* metric : {"cpu_usage_millicores", "memory_usage_bytes"}) {
      QueryParams p = {{"metric", metric}, {"range", "all"}, {"max_points", "50"}};
      EXPECT_EQ(HandleApiRequest(*cached, "/api/timeseries", p).body,
                HandleApiRequest(off, "/api/timeseries", p).body);
    }
  }
  EXPECT_EQ(cached->stats().response_hits, 2u);
  EXPECT_EQ(off.stats().response_hits + off.stats().response_misses, 0u);
  EXPECT_EQ(off.response_cache().size(), 0u);
}

// Large answers are computed and formatted on the engine's worker threads (series taken from
// both ends, the workers' JSON spliced in order): the bytes must be those of one thread, on a
// dataset with many containers, counters and gauges, restarts and gaps, whichever thread got
// which series.
TEST_F(EngineTest, ParallelAnswersAreByteIdenticalToSequential) {
  Write(
      300,
      [](int s) {
        std::vector<Sample> v;
        for (int c = 0; c < 24; ++c) {
          if (c % 5 == 1 && s > 100 + c) continue;              // containers that end early
          if (c % 7 == 3 && s / 20 % 3 == 1) continue;          // gaps
          int64_t inode = c % 4 == 2 && s >= 150 ? 50 + c : 0;  // restarts: a new instance
          v.push_back({.id = "c" + std::to_string(c),
                       .inode = inode,
                       .cpu_usec = int64_t{1000} * s * (c + 1) + (s * s * c) % 997,
                       .mem_bytes = (c + 1) * 1000003 + (s * 7919 % 1009) * c});
        }
        return v;
      },
      false);
  Engine one({.roots = {root_}, .response_cache_bytes = 0, .query_threads = 1});
  Engine two(
      {.roots = {root_}, .response_cache_bytes = 0, .query_threads = 2, .min_rows_to_split = 0});
  one.Refresh();
  two.Refresh();
  ASSERT_EQ(two.workers().slots(), 2);
  for (int attempt = 0; attempt < 50; ++attempt) {
    for (const char* metric : {"cpu_usage_millicores", "memory_usage_bytes"}) {
      for (const char* points : {"7", "50", "2000"}) {
        QueryParams p = {{"metric", metric}, {"range", "all"}, {"max_points", points}};
        ApiResponse a = HandleApiRequest(one, "/api/timeseries", p);
        ApiResponse b = HandleApiRequest(two, "/api/timeseries", p);
        ASSERT_EQ(a.status, 200);
        ASSERT_EQ(a.body, b.body) << metric << " max_points " << points;
      }
    }
    std::vector<std::string> ids;
    for (const auto& [id, c] : one.index().containers()) ids.push_back(id);
    SeriesResult a = Query(one, "cpu_usage_usec", ids, 0, 300, 100);
    SeriesResult b = Query(two, "cpu_usage_usec", ids, 0, 300, 100);
    ASSERT_EQ(a.series.size(), 24u);
    ASSERT_EQ(b.series.size(), a.series.size());
    // Same code, same order of operations: bit-identical doubles (NaN gap entries included).
    auto same_bits = [](const std::vector<double>& x, const std::vector<double>& y) {
      return x.size() == y.size() &&
             (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
    };
    for (size_t i = 0; i < a.series.size(); ++i) {
      EXPECT_EQ(b.series[i].container, a.series[i].container);
      EXPECT_EQ(b.series[i].t, a.series[i].t);
      EXPECT_TRUE(same_bits(b.series[i].avg, a.series[i].avg)) << a.series[i].container;
      EXPECT_TRUE(same_bits(b.series[i].min, a.series[i].min)) << a.series[i].container;
      EXPECT_TRUE(same_bits(b.series[i].max, a.series[i].max)) << a.series[i].container;
    }
    // The split must really have happened (a worker may wake after the caller took every series
    // of one request, but not across all of these).
    if (two.stats().series_on_workers > 0 && attempt >= 2) break;
  }
  EXPECT_GT(two.stats().series_on_workers, 0u);
  EXPECT_EQ(one.stats().series_on_workers, 0u);
}

TEST(WorkerPoolTest, RunsEverySlotOnceWithTheCallerAsSlotZero) {
  for (int slots : {1, 2, 3}) {
    WorkerPool pool(slots);
    ASSERT_EQ(pool.slots(), slots);
    for (int job = 0; job < 100; ++job) {
      std::vector<int> calls(static_cast<size_t>(slots), 0);
      std::vector<std::thread::id> ids(static_cast<size_t>(slots));
      pool.Run([&](int slot) {
        ++calls[static_cast<size_t>(slot)];
        ids[static_cast<size_t>(slot)] = std::this_thread::get_id();
      });
      EXPECT_EQ(calls, std::vector<int>(static_cast<size_t>(slots), 1));
      EXPECT_EQ(ids[0], std::this_thread::get_id());
      for (int k = 1; k < slots; ++k) EXPECT_NE(ids[static_cast<size_t>(k)], ids[0]);
    }
  }
}

TEST(ResponseCacheTest, EvictsLeastRecentlyUsedByBytesAndDropsOtherGenerations) {
  ResponseCache cache(400);
  auto body = [](char c, size_t n) { return std::make_shared<const std::string>(n, c); };
  cache.Insert("a", 1, body('a', 90));
  cache.Insert("b", 1, body('b', 90));
  cache.Insert("c", 1, body('c', 90));
  ASSERT_NE(cache.Find("a", 1), nullptr);  // a is now the most recent
  cache.Insert("d", 1, body('d', 90));     // 4 x 91 = 364 bytes: all fit
  EXPECT_EQ(cache.size(), 4u);
  cache.Insert("e", 1, body('e', 90));  // 455 > 400: the least recent (b) goes
  EXPECT_EQ(cache.Find("b", 1), nullptr);
  EXPECT_NE(cache.Find("a", 1), nullptr);
  EXPECT_EQ(*cache.Find("e", 1), std::string(90, 'e'));
  EXPECT_LE(cache.bytes(), 400u);
  // Over a quarter of the budget: not kept.
  cache.Insert("big", 1, body('x', 150));
  EXPECT_EQ(cache.Find("big", 1), nullptr);
  // Replacing a key keeps one entry and the byte count right.
  cache.Insert("a", 1, body('A', 10));
  EXPECT_EQ(*cache.Find("a", 1), std::string(10, 'A'));
  EXPECT_EQ(cache.bytes(), 3 * 91u + 11u);
  // Another generation: nothing of the old one is served.
  EXPECT_EQ(cache.Find("a", 2), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST_F(EngineTest, EventsComeWithTheirContainer) {
  testing::FakeClock clock(kT0Ms * kNanosPerMilli);
  store::DatasetOptions o{.root = root_, .identifier = "node-a", .run_id = "run00001"};
  o.clock = &clock;
  auto w = store::DatasetWriter::Open(o);
  ASSERT_TRUE(w.ok());
  for (int s = 0; s < 30; ++s) {
    Row r;
    r.SetTime(clock.WallNs());
    r.SetString(Col("kind"), "container");
    r.SetString(Col("container_id"), "a");
    r.SetString(Col("container_name"), "web");
    r.SetInt(Col("cgroup_inode"), 7);
    r.SetInt(Col("memory_usage_bytes"), 10);
    (*w)->Append(r);
    if (s == 12) {
      Row ev = r;
      ev.ClearColumn(Col("memory_usage_bytes"));
      ev.SetString(Col("kind"), "event");
      ev.SetString(Col("event_type"), "oom_kill");
      ev.SetString(Col("event_reason"), "OOMKilled");
      ev.SetInt(Col("event_exit_code"), 137);
      (*w)->Append(ev);
      // An exit reported after the cgroup was gone: no inode, only the event row's own labels.
      Row gone;
      gone.SetTime(clock.WallNs());
      gone.SetString(Col("kind"), "event");
      gone.SetString(Col("container_id"), "gone");
      gone.SetString(Col("container_name"), "batch");
      gone.SetString(Col("namespace"), "jobs");
      gone.SetString(Col("event_type"), "exit");
      gone.SetInt(Col("event_exit_code"), 1);
      (*w)->Append(gone);
    }
    (*w)->Poll();
    clock.AdvanceNs(kNanosPerSecond);
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto engine = MakeEngine();
  Engine& e = *engine;
  auto events = e.QueryEvents({}, kT0Ms, kT0Ms + 60'000);
  ASSERT_TRUE(events.ok()) << events.error().ToString();
  ASSERT_EQ(events->size(), 2u);
  const Event& oom = (*events)[0].type == "oom_kill" ? (*events)[0] : (*events)[1];
  const Event& exit = (*events)[0].type == "oom_kill" ? (*events)[1] : (*events)[0];
  EXPECT_EQ(oom.time_ms, kT0Ms + 12'000);
  EXPECT_EQ(oom.container, "a");
  EXPECT_EQ(oom.reason, "OOMKilled");
  EXPECT_EQ(oom.exit_code, 137);
  EXPECT_FALSE(oom.signal);
  EXPECT_EQ(exit.container, "gone");
  EXPECT_EQ(exit.exit_code, 1);
  ApiResponse api = HandleApiRequest(e, "/api/events", {{"range", "all"}, {"containers", "a"}});
  EXPECT_EQ(api.status, 200);
  EXPECT_EQ(api.body,
            "{\"events\":[{\"time_ms\":" + std::to_string(kT0Ms + 12'000) +
                ",\"container\":\"a\",\"container_name\":\"web\",\"pod_name\":\"\","
                "\"namespace\":\"\",\"type\":\"oom_kill\",\"exit_code\":137,\"signal\":null,"
                "\"reason\":\"OOMKilled\",\"message\":null}]}");
  ApiResponse all = HandleApiRequest(e, "/api/events", {{"range", "all"}});
  EXPECT_NE(all.body.find("\"container\":\"gone\",\"container_name\":\"batch\",\"pod_name\":\"\","
                          "\"namespace\":\"jobs\",\"type\":\"exit\",\"exit_code\":1"),
            std::string::npos)
      << all.body;
  // Metric queries are not disturbed by the event row at the same tick.
  SeriesResult r = Query(e, "memory_usage_bytes", {"a"}, 0, 30);
  EXPECT_EQ(r.series[0].t.size(), 30u);
}

TEST_F(EngineTest, ApiAnswersAndRejectsBadParameters) {
  Write(
      120,
      [](int s) {
        return std::vector<Sample>{{.id = "a", .cpu_usec = s * 2000, .mem_bytes = 5},
                                   {.id = "b", .ns = "ns2", .mem_bytes = 7}};
      },
      false);
  auto engine = MakeEngine();
  Engine& e = *engine;
  ApiResponse ts = HandleApiRequest(e, "/api/timeseries",
                                    {{"metric", "cpu_usage_usec"},
                                     {"containers", "a"},
                                     {"from", std::to_string(kT0Ms + 10'000)},
                                     {"to", std::to_string(kT0Ms + 13'000)}});
  EXPECT_EQ(ts.status, 200);
  std::string t = std::to_string(kT0Ms + 10'000), t1 = std::to_string(kT0Ms + 11'000),
              t2 = std::to_string(kT0Ms + 12'000), to = std::to_string(kT0Ms + 13'000);
  EXPECT_EQ(ts.body, "{\"metric\":\"cpu_usage_usec\",\"unit\":\"us/s\",\"from_ms\":" + t +
                         ",\"to_ms\":" + to +
                         ",\"step_ms\":1000,\"series\":[{\"container\":\"a\",\"container_name\":"
                         "\"name-a\",\"pod_name\":\"pod-a\",\"namespace\":\"ns1\",\"t\":[" +
                         t + "," + t1 + "," + t2 +
                         "],\"avg\":[2000,2000,2000],\"min\":[2000,2000,2000],\"max\":[2000,2000,"
                         "2000]}]}");
  // Filters select containers when none are named.
  ApiResponse ns2 = HandleApiRequest(e, "/api/timeseries",
                                     {{"metric", "memory_usage_bytes"}, {"namespace", "ns2"}});
  EXPECT_EQ(ns2.status, 200);
  EXPECT_NE(ns2.body.find("\"container\":\"b\""), std::string::npos);
  EXPECT_EQ(ns2.body.find("\"container\":\"a\""), std::string::npos);
  ApiResponse containers = HandleApiRequest(e, "/api/containers", {{"search", "NAME-B"}});
  EXPECT_EQ(containers.status, 200);
  EXPECT_NE(containers.body.find("\"id\":\"b\""), std::string::npos);
  EXPECT_EQ(containers.body.find("\"id\":\"a\""), std::string::npos);
  EXPECT_NE(HandleApiRequest(e, "/api/containers", {{"labels", "app:a"}}).body.find("\"id\":\"a\""),
            std::string::npos);

  struct Bad {
    std::string path;
    QueryParams params;
    int status;
    std::string mentions;
  };
  for (const Bad& b : std::vector<Bad>{
           {"/api/timeseries", {}, 400, "metric"},
           {"/api/timeseries", {{"metric", "nope"}}, 400, "/api/metrics"},
           {"/api/timeseries",
            {{"metric", "cpu_usage_usec"}, {"max_points", "0"}},
            400,
            "max_points"},
           {"/api/timeseries",
            {{"metric", "cpu_usage_usec"}, {"max_points", "x"}},
            400,
            "max_points"},
           {"/api/timeseries", {{"metric", "cpu_usage_usec"}, {"range", "2h"}}, 400, "range"},
           {"/api/timeseries", {{"metric", "cpu_usage_usec"}, {"from", "abc"}}, 400, "from"},
           {"/api/timeseries", {{"metric", "cpu_usage_usec"}, {"containers", "zzz"}}, 404, "zzz"},
           {"/api/containers", {{"labels", "novalue"}}, 400, "key:value"},
           {"/api/study/fourier", {{"metric", "cpu_usage_usec"}}, 404, "periodicity"},
           // Integer study parameters are range-checked before any cast (1e300 would be UB).
           {"/api/study/correlation",
            {{"metric", "cpu_usage_usec"}, {"containers", "a"}, {"top_k", "1e300"}},
            400,
            "top_k"},
           {"/api/study/periodicity",
            {{"metric", "cpu_usage_usec"}, {"containers", "a"}, {"max_periods", "2.5"}},
            400,
            "max_periods"},
           {"/api/study/changepoint",
            {{"metric", "cpu_usage_usec"}, {"containers", "a"}, {"min_segment_s", "-1"}},
            400,
            "min_segment_s"},
           {"/api/nope", {}, 404, "docs/api.md"},
       }) {
    ApiResponse r = HandleApiRequest(e, b.path, b.params);
    EXPECT_EQ(r.status, b.status) << b.path << " " << r.body;
    EXPECT_NE(r.body.find(b.mentions), std::string::npos) << r.body;
    EXPECT_EQ(r.body.rfind("{\"error\":", 0), 0u) << r.body;
  }
  EXPECT_EQ(
      HandleApiRequest(e, "/api/health", {}).body,
      "{\"status\":\"ok\",\"files\":2,\"newest_ms\":" + std::to_string(kT0Ms + 119'000) + "}");
  ApiResponse metrics = HandleApiRequest(e, "/api/metrics", {});
  EXPECT_NE(
      metrics.body.find("{\"name\":\"cpu_usage_usec\",\"unit\":\"us/s\",\"kind\":\"counter\""),
      std::string::npos);
  EXPECT_EQ(HandleApiRequest(e, "/api/studies", {}).status, 200);
  ApiResponse trend = HandleApiRequest(
      e, "/api/study/trend", {{"metric", "cpu_usage_usec"}, {"containers", "a"}, {"range", "all"}});
  EXPECT_EQ(trend.status, 200) << trend.body;
  EXPECT_NE(trend.body.find("\"slope_per_s\":"), std::string::npos);
}

TEST(BucketWidthTest, AtMostMaxPointsBuckets) {
  EXPECT_EQ(BucketWidthMs(0, 3600'000, 2000, 1000), 2000);
  EXPECT_EQ(BucketWidthMs(0, 86'400'000, 2000, 1000), 44'000);
  EXPECT_EQ(BucketWidthMs(0, 60'000, 2000, 1000), 1000);
  for (int64_t from : {int64_t{1234567}, int64_t{999}, int64_t{1795600800123}}) {
    int64_t step = BucketWidthMs(from, from + 86'400'000, 2000, 1000);
    int64_t first = from / step * step;
    EXPECT_LE((from + 86'400'000 - first + step - 1) / step, 2000);
  }
}

}  // namespace
}  // namespace fgm::engine

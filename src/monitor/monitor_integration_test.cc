// SPDX-License-Identifier: Apache-2.0
// The monitor on this machine's real cgroups with a local metadata directory: an event file the
// supervisor wrote becomes an event row in an events-* file and is then deleted; a malformed one
// is moved aside; the monitor keeps sampling throughout.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>

#include "core/file.h"
#include "core/strings.h"
#include "k8s/local_metadata.h"
#include "monitor/monitor.h"
#include "parquet/reader/file_reader.h"
#include "store/catalog.h"

namespace fgm::monitor {
namespace {

namespace fs = std::filesystem;
using store::Col;

struct EventRow {
  std::string type;
  std::string container_id;
  int64_t exit_code = -1;
  int64_t time_ms = 0;
};

// Event rows of every events-* file, and the number of event rows found in other files.
std::vector<EventRow> ReadEventRows(const std::string& root, int* events_in_metric_files) {
  std::vector<EventRow> out;
  *events_in_metric_files = 0;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string p = e.path().string();
    if (!e.is_regular_file() || !EndsWith(p, ".parquet")) continue;
    bool event_file = StartsWith(e.path().filename().string(), "events-");
    auto reader = parquet::FileReader::OpenFile(p);
    EXPECT_TRUE(reader.ok()) << p;
    if (!reader.ok()) continue;
    std::vector<int> cols = {Col("time"), Col("kind"), Col("event_type"), Col("container_id"),
                             Col("event_exit_code")};
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      std::vector<parquet::ColumnBatch> b;
      EXPECT_TRUE((*reader)->ReadRowGroup(rg, cols, &b).ok());
      std::vector<size_t> vi(cols.size(), 0);  // byte arrays hold non-null values only
      auto str = [&](size_t c, size_t r) -> std::string {
        return b[c].IsNull(r) ? "" : std::string(b[c].bytes[vi[c]++]);
      };
      auto i64 = [&](size_t c, size_t r) -> int64_t {
        return b[c].IsNull(r) ? -1 : b[c].int64s[vi[c]++];
      };
      for (size_t r = 0; r < b[0].num_rows; ++r) {
        EventRow row;
        row.time_ms = i64(0, r);
        bool is_event = str(1, r) == "event";
        row.type = str(2, r);
        row.container_id = str(3, r);
        row.exit_code = i64(4, r);
        if (is_event && event_file) out.push_back(row);
        if (is_event && !event_file) ++*events_in_metric_files;
      }
    }
  }
  return out;
}

TEST(MonitorIntegrationTest, LocalEventFilesBecomeEventRowsAndAreDeleted) {
  char out_tmpl[] = "/tmp/fgm_monitor_events_XXXXXX";
  char md_tmpl[] = "/tmp/fgm_monitor_md_XXXXXX";
  std::string out_dir = mkdtemp(out_tmpl);
  std::string md_dir = mkdtemp(md_tmpl);
  const std::string events_dir = k8s::LocalEventsDir(md_dir);
  ASSERT_TRUE(MakeDirs(events_dir).ok());
  k8s::ExternalEvent ev;
  ev.time_ms = RealClock().WallNs() / kNanosPerMilli;
  ev.container_id = "r1/not-running-here";
  ev.cgroup_path = "fgm.slice/fgm-run-r1.slice/gone.scope";
  ev.type = "exit";
  ev.exit_code = 3;
  ev.reason = "Error";
  ASSERT_TRUE(
      WriteFileAtomically(events_dir + "/0001-exit.json", k8s::FormatLocalEventRecord(ev)).ok());
  ASSERT_TRUE(WriteFileAtomically(events_dir + "/0002-bad.json", "{\"time_ms\": ").ok());

  MonitorOptions options;
  options.output_dir = out_dir;
  options.local_metadata_dir = md_dir;
  options.collect_pss = false;
  options.duration_ns = 3 * kNanosPerSecond;  // a few ticks
  options.retention_ns = 0;
  auto monitor = Monitor::Create(options);
  ASSERT_TRUE(monitor.ok()) << monitor.error().ToString();
  std::atomic<bool> stop{false};
  ASSERT_TRUE((*monitor)->Run(&stop).ok());

  EXPECT_FALSE(fs::exists(events_dir + "/0001-exit.json")) << "journaled, so deleted";
  EXPECT_TRUE(fs::exists(events_dir + "/0002-bad.json.bad")) << "malformed: moved aside";
  int misplaced = 0;
  std::vector<EventRow> rows = ReadEventRows(out_dir, &misplaced);
  EXPECT_EQ(misplaced, 0);
  int exits = 0;
  for (const EventRow& r : rows) {
    if (r.type != "exit") continue;
    ++exits;
    EXPECT_EQ(r.container_id, "r1/not-running-here");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.time_ms, ev.time_ms);
  }
  EXPECT_EQ(exits, 1);
  fs::remove_all(out_dir);
  fs::remove_all(md_dir);
}

}  // namespace
}  // namespace fgm::monitor

// SPDX-License-Identifier: Apache-2.0
// RenderTopTable and its unit helpers: human units, the header, sorting by CPU, names from
// metadata or ids, unlimited and absent values, width limits with columns dropped, event lines.
#include "collector/top_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr uint64_t kMiB = 1024 * 1024;
constexpr TimestampNs kT = 1'700'000'000LL * kNanosPerSecond;  // 2023-11-14T22:13:20Z

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Splits a table line into its whitespace-separated cells.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string cell; in >> cell;) out.push_back(cell);
  return out;
}

ContainerSample Sample(std::string ns, std::string pod, std::string container,
                       std::optional<double> cpu_m) {
  ContainerSample s;
  s.metadata.namespace_name = std::move(ns);
  s.metadata.pod_name = std::move(pod);
  s.metadata.container_name = std::move(container);
  s.relative_path = "kubepods/x/" + s.metadata.pod_name;
  s.derived.cpu_usage_millicores = cpu_m;
  return s;
}

TickResult Tick() {
  TickResult t;
  t.tick_ns = kT;
  t.self.cpu_millicores = 8.4;
  t.self.rss_bytes = 23 * kMiB + 400 * 1024;
  t.self.tick_duration_us = 4200;

  ContainerSample web = Sample("shop", "web-0", "nginx", 250.2);
  web.snapshot.cpu_max = CpuMax{.quota_usec = Limit::Of(25000), .period_usec = 100000};
  web.derived.cpu_limit_millicores = 250.0;
  web.derived.cpu_throttled_ratio = 0.625;
  web.derived.memory_working_set_bytes = 200 * kMiB;
  web.snapshot.memory_max = Limit::Of(256 * kMiB);
  web.derived.memory_working_set_ratio = 200.0 / 256.0;
  web.memory = ProcessMemory{.rss_bytes = 210 * kMiB, .pss_bytes = 205 * kMiB};
  web.snapshot.pids_current = 12;
  web.derived.io_read_bytes_per_sec = 1536.0;
  web.derived.io_write_bytes_per_sec = 3.0 * kMiB;
  web.derived.cpu_pressure_some_usec_per_sec = 125'000;  // 12.5 % of the time stalled
  web.derived.memory_pressure_some_usec_per_sec = 0;

  ContainerSample db = Sample("shop", "db-0", "postgres", 1200.0);
  db.snapshot.cpu_max = CpuMax{.quota_usec = Limit::Unlimited(), .period_usec = 100000};
  db.snapshot.memory_max = Limit::Unlimited();
  db.derived.memory_working_set_bytes = 3 * 1024 * kMiB / 2;

  ContainerSample fresh;  // first tick: no CPU yet, no metadata
  fresh.identity.container_id = "4f3c2b1a09e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2";
  fresh.relative_path = "docker/" + fresh.identity.container_id;

  t.samples = {web, fresh, db};
  ContainerEvent oom;
  oom.type = EventType::kOomKill;
  oom.count = 2;
  oom.metadata = web.metadata;
  t.events.push_back(oom);
  return t;
}

TEST(TopViewUnitsTest, Bytes) {
  EXPECT_EQ(FormatBytes(0), "0B");
  EXPECT_EQ(FormatBytes(1023), "1023B");
  EXPECT_EQ(FormatBytes(1536), "1.5KiB");
  EXPECT_EQ(FormatBytes(200 * kMiB), "200MiB");
  EXPECT_EQ(FormatBytes(3 * 1024 * kMiB / 2), "1.5GiB");
  EXPECT_EQ(FormatBytes(10 * 1024 * kMiB), "10GiB");
  EXPECT_EQ(FormatBytes(UINT64_MAX), "16EiB");
}

TEST(TopViewUnitsTest, MillicoresAndPercent) {
  EXPECT_EQ(FormatMillicores(250.4), "250m");
  EXPECT_EQ(FormatMillicores(0.4), "0m");
  EXPECT_EQ(FormatMillicores(12000), "12000m");
  EXPECT_EQ(FormatMillicores(std::nullopt), "-");
  EXPECT_EQ(FormatPercent(0.625), "62%");
  EXPECT_EQ(FormatPercent(1.0), "100%");
  EXPECT_EQ(FormatPercent(std::nullopt), "-");
}

TEST(TopViewTest, HeaderRowsSortedByCpuAndEvents) {
  const std::vector<std::string> lines = Lines(RenderTopTable(Tick(), 200));
  ASSERT_EQ(lines.size(), 6u);  // header, headings, 3 containers, 1 event
  EXPECT_THAT(lines[0], StartsWith("fgm top  2023-11-14T22:13:20Z  containers 3"));
  EXPECT_THAT(lines[0], HasSubstr("fgm cpu 8m rss 23MiB"));
  EXPECT_THAT(lines[0], HasSubstr("tick 4.2ms"));
  EXPECT_THAT(lines[0], Not(HasSubstr("skipped")));
  EXPECT_EQ(Cells(lines[1]), (std::vector<std::string>{"CONTAINER", "CPU", "LIMIT", "THR%", "MEM",
                                                       "MLIM", "MEM%", "RSS", "PSS", "PIDS",
                                                       "READ/s", "WRITE/s", "CPU-PSI", "MEM-PSI"}));
  // Highest CPU first; the container without a CPU value yet goes last.
  EXPECT_EQ(Cells(lines[2]),
            (std::vector<std::string>{"shop/db-0/postgres", "1200m", "max", "-", "1.5GiB", "max",
                                      "-", "-", "-", "-", "-", "-", "-", "-"}));
  EXPECT_EQ(Cells(lines[3]),
            (std::vector<std::string>{"shop/web-0/nginx", "250m", "250m", "62%", "200MiB", "256MiB",
                                      "78%", "210MiB", "205MiB", "12", "1.5KiB/s", "3.0MiB/s",
                                      "12.5%", "0.0%"}));
  EXPECT_EQ(Cells(lines[4])[0], "4f3c2b1a09e8");  // short runtime id
  EXPECT_EQ(Cells(lines[4])[1], "-");
  EXPECT_EQ(lines[5], "event oom_kill shop/web-0/nginx x2");
  // Columns line up: every cell of the heading ends where the row's cell ends.
  EXPECT_EQ(lines[1].find("MEM-PSI") + 7, lines[3].size());
}

TEST(TopViewTest, HeaderMentionsSkippedTicksAndErrorsWhenThereAreAny) {
  TickResult t = Tick();
  t.tick_ns += 250 * kNanosPerMilli;
  t.self.skipped_ticks = 3;
  t.self.read_errors = 2;
  t.self.cpu_millicores.reset();
  const std::string header = Lines(RenderTopTable(t, 200))[0];
  EXPECT_THAT(header, HasSubstr("2023-11-14T22:13:20.250Z"));
  EXPECT_THAT(header, HasSubstr("fgm cpu -"));
  EXPECT_THAT(header, HasSubstr("skipped 3"));
  EXPECT_THAT(header, HasSubstr("read errors 2"));
}

TEST(TopViewTest, EveryLineFitsTheWidthAndColumnsDropFromTheRight) {
  for (int width : {200, 120, 100, 80, 60, 40, 30, 10}) {
    SCOPED_TRACE(width);
    const std::string text = RenderTopTable(Tick(), width);
    for (const std::string& line : Lines(text)) {
      EXPECT_LE(static_cast<int>(line.size()), width) << line;
    }
  }
  // A usual 120-column terminal keeps every column and a readable name.
  const std::vector<std::string> usual = Lines(RenderTopTable(Tick(), 120));
  EXPECT_THAT(usual[1], HasSubstr("MEM-PSI"));
  EXPECT_EQ(Cells(usual[3])[0], "shop/web-0/nginx");
  const std::vector<std::string> narrow = Lines(RenderTopTable(Tick(), 60));
  EXPECT_THAT(narrow[1], HasSubstr("CPU"));
  EXPECT_THAT(narrow[1], Not(HasSubstr("MEM-PSI")));
  EXPECT_THAT(narrow[1], Not(HasSubstr("WRITE/s")));
  // The name column keeps its minimum, so rows still say which container they are.
  EXPECT_THAT(narrow[2], StartsWith("shop/db-0/postgre"));
}

TEST(TopViewTest, LongNamesAreCutInTheMiddle) {
  TickResult t;
  t.tick_ns = kT;
  t.samples.push_back(Sample("a-very-long-namespace-name",
                             "a-pod-with-a-long-generated-name-7d4b9c8f6d-x2x9k", "the-container",
                             5));
  const std::vector<std::string> lines = Lines(RenderTopTable(t, 200));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Cells(lines[2])[0].size(), 56u);  // the name column's cap
  const std::string name = Cells(lines[2])[0];
  EXPECT_THAT(name, StartsWith("a-very-long-namespace"));
  EXPECT_THAT(name, HasSubstr("~"));
  EXPECT_THAT(name, testing::EndsWith("/the-container"));
}

TEST(TopViewTest, NamesFallBackToPatternIdsAndPaths) {
  TickResult t;
  t.tick_ns = kT;
  ContainerSample local;
  local.identity.container_id = "r1/web";  // a configured pattern's id, kept whole
  local.relative_path = "fgm.slice/fgm-run-r1.slice/web.scope";
  ContainerSample bare;
  bare.relative_path = "system.slice/something.scope";
  ContainerSample named;
  named.metadata.container_name = "sidecar";
  t.samples = {local, bare, named};
  const std::string text = RenderTopTable(t, 120);
  EXPECT_THAT(text, HasSubstr("\nr1/web "));
  EXPECT_THAT(text, HasSubstr("\nsomething.scope "));
  EXPECT_THAT(text, HasSubstr("\nsidecar "));
}

}  // namespace
}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// Local state-directory metadata: record format, lookups by cgroup path and id, updates and
// removals picked up by the mtime-gated rescan, malformed files, a directory that comes and goes.
#include "k8s/local_metadata.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <vector>

#include "core/log.h"
#include "core/testing/fake_clock.h"
#include "k8s/k8s_testing.h"

namespace fgm::k8s {
namespace {

using testing::TempDir;

LocalContainerRecord Record(const std::string& path, const std::string& id,
                            const std::string& container) {
  LocalContainerRecord rec;
  rec.cgroup_path = path;
  rec.container_id = id;
  rec.metadata.pod_name = "todo";
  rec.metadata.namespace_name = "fgm-run-r1";
  rec.metadata.container_name = container;
  rec.metadata.qos_class = QosClass::kBurstable;
  rec.metadata.labels = {{"app", "todo"}, {"fgm.run", "r1"}};
  rec.metadata.source = "local";
  return rec;
}

ContainerIdentity Identity(const std::string& path, const std::string& id) {
  ContainerIdentity identity;
  identity.runtime = ContainerRuntime::kLocal;
  identity.cgroup_path = path;
  identity.container_id = id;
  return identity;
}

ExternalEvent ExitEvent() {
  ExternalEvent ev;
  ev.time_ms = 1764080000123;
  ev.cgroup_path = "fgm.slice/fgm-run-r1.slice/web.scope";
  ev.container_id = "r1/web";
  ev.type = "exit";
  ev.exit_code = 137;
  ev.signal = 9;
  ev.reason = "Signal";
  ev.message = "killed by \"SIGKILL\"";
  return ev;
}

TEST(LocalEventRecordTest, RoundTripsWithAndWithoutOptionalFields) {
  ExternalEvent ev = ExitEvent();
  auto parsed = ParseLocalEventRecord(FormatLocalEventRecord(ev));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, ev);

  ev.exit_code.reset();
  ev.signal.reset();
  ev.pod_uid = "uid-1";
  ev.pod_name = "todo";
  ev.namespace_name = "fgm-run-r1";
  ev.container_name = "web";
  parsed = ParseLocalEventRecord(FormatLocalEventRecord(ev));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, ev);
}

TEST(LocalEventRecordTest, ParsesTheSupervisorsFormat) {
  auto parsed = ParseLocalEventRecord(
      R"({"time_ms": 1764080000123, "cgroup_path": "/fgm.slice/x.scope/", "container_id": "r1/x",
          "type": "oom_kill", "exit_code": 137, "signal": null, "reason": "OOMKilled",
          "message": "over 64 MiB", "future_field": [1, 2]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->time_ms, 1764080000123);
  EXPECT_EQ(parsed->cgroup_path, "fgm.slice/x.scope");
  EXPECT_EQ(parsed->type, "oom_kill");
  EXPECT_EQ(parsed->exit_code, 137);
  EXPECT_FALSE(parsed->signal.has_value());
  EXPECT_EQ(parsed->reason, "OOMKilled");
  EXPECT_EQ(parsed->message, "over 64 MiB");
}

TEST(LocalEventRecordTest, RejectsMalformedRecords) {
  const char* bad[] = {
      "",
      "{",
      "[]",
      R"({"cgroup_path": "a", "type": "exit"})",                   // no time
      R"({"time_ms": "1", "cgroup_path": "a", "type": "exit"})",   // time not a number
      R"({"time_ms": -5, "cgroup_path": "a", "type": "exit"})",    // negative time
      R"({"time_ms": 1.5, "cgroup_path": "a", "type": "exit"})",   // fractional time
      R"({"time_ms": 1, "type": "exit"})",                         // no container
      R"({"time_ms": 1, "cgroup_path": "a", "type": "explode"})",  // unknown type
      R"({"time_ms": 1, "cgroup_path": "a"})",                     // no type
      R"({"time_ms": 1, "cgroup_path": "a", "type": "exit", "exit_code": "1"})",
      R"({"time_ms": 1, "cgroup_path": "a", "type": "exit", "signal": true})",
      R"({"time_ms": 1, "cgroup_path": 7, "type": "exit"})",
  };
  for (const char* text : bad) {
    auto parsed = ParseLocalEventRecord(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidFormat) << text;
  }
}

ExternalEvent EventAt(int64_t time_ms, const std::string& container) {
  ExternalEvent ev = ExitEvent();
  ev.time_ms = time_ms;
  ev.container_id = "r1/" + container;
  ev.cgroup_path = "fgm.slice/" + container + ".scope";
  return ev;
}

TEST(LocalEventSourceTest, DeliversEachFileOnceInTimeOrderAndDeletesOnAcknowledge) {
  TempDir dir;
  const std::string events = LocalEventsDir(dir.path());
  LocalEventSource source(events);
  EXPECT_TRUE(source.Poll().empty());  // no directory yet: not an error

  ASSERT_TRUE(dir.Write("events/b.json", FormatLocalEventRecord(EventAt(2000, "b"))).ok());
  ASSERT_TRUE(dir.Write("events/a.json", FormatLocalEventRecord(EventAt(3000, "a"))).ok());
  ASSERT_TRUE(dir.Write("events/c.json.tmp", "{half").ok());  // a writer's temporary
  ASSERT_TRUE(dir.Write("events/.d.json", "{half").ok());     // a hidden temporary
  std::vector<ExternalEvent> got = source.Poll();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], EventAt(2000, "b"));  // time order, not name order
  EXPECT_EQ(got[1], EventAt(3000, "a"));
  EXPECT_EQ(source.unacknowledged(), 2u);

  // Not acknowledged yet: the files stay, but are not delivered twice by this process.
  EXPECT_TRUE(source.Poll().empty());
  EXPECT_TRUE(std::filesystem::exists(events + "/a.json"));

  // A restarted monitor (new source) re-reads what was never acknowledged: at-least-once.
  LocalEventSource restarted(events);
  EXPECT_EQ(restarted.Poll().size(), 2u);

  source.Acknowledge();
  EXPECT_EQ(source.unacknowledged(), 0u);
  EXPECT_FALSE(std::filesystem::exists(events + "/a.json"));
  EXPECT_FALSE(std::filesystem::exists(events + "/b.json"));
  EXPECT_TRUE(std::filesystem::exists(events + "/c.json.tmp"));
  // A new file under a name used before is a new event.
  ASSERT_TRUE(dir.Write("events/a.json", FormatLocalEventRecord(EventAt(4000, "a"))).ok());
  got = source.Poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].time_ms, 4000);
}

TEST(LocalEventSourceTest, MalformedFilesAreMovedAsideAndLoggedOnce) {
  TempDir dir;
  const std::string events = LocalEventsDir(dir.path());
  std::vector<std::string> logged;
  std::mutex mu;
  SetLogSinkForTesting([&](LogLevel, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu);
    if (message.find("malformed event") != std::string::npos) {
      logged.emplace_back(message);
    }
  });
  ASSERT_TRUE(dir.Write("events/bad1.json", "{not json").ok());
  ASSERT_TRUE(dir.Write("events/bad2.json", R"({"time_ms": 5, "type": "explode"})").ok());
  ASSERT_TRUE(dir.Write("events/good.json", FormatLocalEventRecord(EventAt(1000, "g"))).ok());
  LocalEventSource source(events);
  std::vector<ExternalEvent> got = source.Poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].container_id, "r1/g");
  EXPECT_EQ(source.malformed_files(), 2u);
  EXPECT_TRUE(std::filesystem::exists(events + "/bad1.json.bad"));
  EXPECT_TRUE(std::filesystem::exists(events + "/bad2.json.bad"));
  EXPECT_FALSE(std::filesystem::exists(events + "/bad1.json"));
  EXPECT_TRUE(source.Poll().empty());
  SetLogSinkForTesting(nullptr);
  EXPECT_EQ(logged.size(), 1u);
}

TEST(LocalEventSourceTest, ABacklogIsDeliveredInBoundedBatches) {
  TempDir dir;
  const std::string events = LocalEventsDir(dir.path());
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(dir.Write("events/e" + std::to_string(i) + ".json",
                          FormatLocalEventRecord(EventAt(1000 + i, "c" + std::to_string(i))))
                    .ok());
  }
  LocalEventSourceOptions options;
  options.max_events_per_poll = 3;
  LocalEventSource source(events, options);
  size_t total = 0;
  for (int poll = 0; poll < 3; ++poll) {
    size_t n = source.Poll().size();
    EXPECT_LE(n, 3u);
    total += n;
  }
  EXPECT_EQ(total, 7u);
  EXPECT_TRUE(source.Poll().empty());
}

TEST(LocalContainerRecordTest, RoundTripsAndValidates) {
  LocalContainerRecord rec = Record("fgm.slice/fgm-run-r1.slice/web.scope", "r1/web", "web");
  rec.metadata.is_sandbox = true;
  auto parsed = ParseLocalContainerRecord(FormatLocalContainerRecord(rec));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->cgroup_path, rec.cgroup_path);
  EXPECT_EQ(parsed->container_id, rec.container_id);
  EXPECT_EQ(parsed->metadata, rec.metadata);

  auto leading =
      ParseLocalContainerRecord(R"({"cgroup_path": "/fgm/r1/web/", "qos": "BestEffort"})");
  ASSERT_TRUE(leading.ok());
  EXPECT_EQ(leading->cgroup_path, "fgm/r1/web");
  EXPECT_EQ(leading->metadata.qos_class, QosClass::kBestEffort);

  for (const char* bad :
       {"", "{", "[]", R"({"pod_name": "x"})", R"({"cgroup_path": 3})",
        R"({"container_id": "a", "qos": "fast"})", R"({"container_id": "a", "labels": {"k": 1}})",
        R"({"container_id": "a", "labels": []})",
        R"({"container_id": "a", "is_sandbox": "yes"})"}) {
    auto r = ParseLocalContainerRecord(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat) << bad;
  }
}

class LocalProviderTest : public ::testing::Test {
 protected:
  void WriteRecord(const std::string& file, const LocalContainerRecord& rec) {
    ASSERT_TRUE(dir_.Write("state/" + file, FormatLocalContainerRecord(rec)).ok());
  }
  std::string state_dir() const { return dir_.path() + "/state"; }
  // Two changes within one coarse-clock tick can leave a directory's mtime unchanged; move it on
  // explicitly so the mtime-gated path is tested deterministically.
  void BumpDirMtime() {
    struct stat st {};
    ASSERT_EQ(::stat(state_dir().c_str(), &st), 0);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    times[1].tv_sec += ++bumps_;
    ASSERT_EQ(::utimensat(AT_FDCWD, state_dir().c_str(), times, 0), 0);
  }

  TempDir dir_;
  fgm::testing::FakeClock clock_;
  int bumps_ = 0;
};

TEST_F(LocalProviderTest, MatchesByCgroupPathThenById) {
  WriteRecord("web.json", Record("fgm.slice/fgm-run-r1.slice/web.scope", "r1/web", "web"));
  WriteRecord("db.json", Record("", "r1/db", "db"));
  LocalMetadataProvider provider(state_dir(), clock_);

  auto web = provider.Lookup(Identity("fgm.slice/fgm-run-r1.slice/web.scope", "ignored"));
  ASSERT_TRUE(web.found());
  EXPECT_EQ(web.metadata->container_name, "web");
  EXPECT_EQ(web.metadata->qos_class, QosClass::kBurstable);
  EXPECT_EQ(web.metadata->labels.at("app"), "todo");
  EXPECT_EQ(web.metadata->source, "local");

  auto db = provider.Lookup(Identity("some/other/path", "r1/db"));
  ASSERT_TRUE(db.found());
  EXPECT_EQ(db.metadata->container_name, "db");

  EXPECT_EQ(provider.Lookup(Identity("fgm.slice/x", "r1/x")).state, MetadataState::kNotFound);
  EXPECT_EQ(provider.indexed_files(), 2u);
}

TEST_F(LocalProviderTest, SeesNewChangedAndRemovedFilesAfterRecheck) {
  LocalMetadataProvider provider(state_dir(), clock_);
  auto web = Identity("fgm/r1/web", "r1/web");
  // No directory yet: nothing, and no error.
  EXPECT_EQ(provider.Lookup(web).state, MetadataState::kNotFound);

  WriteRecord("web.json", Record("fgm/r1/web", "r1/web", "web"));
  // Within the recheck interval the provider does not look at the disk.
  EXPECT_EQ(provider.Lookup(web).state, MetadataState::kNotFound);
  clock_.AdvanceNs(kNanosPerSecond);
  auto found = provider.Lookup(web);
  ASSERT_TRUE(found.found());
  EXPECT_EQ(found.metadata->container_name, "web");
  const uint64_t scans = provider.rescans();

  // Nothing changed: the mtime check avoids a rescan.
  clock_.AdvanceNs(kNanosPerSecond);
  EXPECT_TRUE(provider.Lookup(web).found());
  EXPECT_EQ(provider.rescans(), scans);

  // Rewritten (atomically, as the writer must): new content is served after the next check.
  LocalContainerRecord changed = Record("fgm/r1/web", "r1/web", "web-v2");
  WriteRecord("web.json", changed);
  BumpDirMtime();
  clock_.AdvanceNs(kNanosPerSecond);
  auto updated = provider.Lookup(web);
  ASSERT_TRUE(updated.found());
  EXPECT_EQ(updated.metadata->container_name, "web-v2");
  EXPECT_EQ(found.metadata->container_name, "web");  // the old snapshot is untouched

  ASSERT_EQ(::unlink((state_dir() + "/web.json").c_str()), 0);
  BumpDirMtime();
  clock_.AdvanceNs(kNanosPerSecond);
  EXPECT_EQ(provider.Lookup(web).state, MetadataState::kNotFound);
  EXPECT_EQ(provider.indexed_files(), 0u);
}

TEST_F(LocalProviderTest, MalformedFileIsLoggedOnceAndSkipped) {
  std::vector<std::string> lines;
  std::mutex mu;
  SetLogSinkForTesting([&](LogLevel, const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(line);
  });
  ASSERT_TRUE(dir_.Write("state/bad.json", "{\"cgroup_path\": ").ok());
  WriteRecord("good.json", Record("fgm/r1/web", "r1/web", "web"));
  ASSERT_TRUE(dir_.Write("state/notes.txt", "not a record").ok());
  LocalMetadataProvider provider(state_dir(), clock_);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(provider.Lookup(Identity("fgm/r1/web", "r1/web")).found());
    clock_.AdvanceNs(20 * kNanosPerSecond);  // forces full rescans
  }
  SetLogSinkForTesting(nullptr);
  size_t mentions = 0;
  for (const std::string& l : lines)
    mentions += l.find(state_dir() + "/bad.json") != std::string::npos;
  EXPECT_EQ(mentions, 1u);
  EXPECT_EQ(provider.indexed_files(), 2u);  // both .json files tracked; notes.txt ignored
}

TEST_F(LocalProviderTest, FileCountIsCapped) {
  LocalMetadataOptions options;
  options.max_files = 3;
  for (int i = 0; i < 5; ++i) {
    std::string name = "c" + std::to_string(i);
    WriteRecord(name + ".json", Record("fgm/r1/" + name, "r1/" + name, name));
  }
  LocalMetadataProvider provider(state_dir(), clock_, options);
  size_t found = 0;
  for (int i = 0; i < 5; ++i) {
    std::string name = "c" + std::to_string(i);
    found += provider.Lookup(Identity("fgm/r1/" + name, "r1/" + name)).found();
  }
  EXPECT_EQ(found, 3u);
  EXPECT_EQ(provider.indexed_files(), 3u);
}

}  // namespace
}  // namespace fgm::k8s

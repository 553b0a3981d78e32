// SPDX-License-Identifier: Apache-2.0
// Sampler on temp trees shaped like a cgroup v2 host (kubepods cgroupfs-driver paths) plus a fake
// /proc, with a FakeClock: first-tick behaviour, rates over real elapsed time, OOM events from
// counter deltas, containers vanishing before or during a tick, recreated cgroups, malformed files
// logged once, PSS sums, per-process CPU, metadata that arrives late, and the self sample.
#include "collector/sampler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "collector/cgroupfs/cpu_stat.h"
#include "collector/cgroupfs/temp_tree_for_testing.h"
#include "core/log.h"
#include "core/testing/fake_clock.h"

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;
using testing::TempTree;

constexpr uint64_t kMiB = 1024 * 1024;
constexpr TimestampNs kT0 = 1'700'000'000LL * kNanosPerSecond;
const std::string kPodUid = "6c1b2f9e-4d8a-4b7e-9f3c-2a1d5e8b7c40";

std::string ContainerId(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", n);
  return std::string(buf, 64);
}
std::string PodDir() { return "kubepods/burstable/pod" + kPodUid; }
std::string ContainerPath(int n) { return PodDir() + "/" + ContainerId(n); }

// The values one container's cgroup files hold at one moment.
struct CgroupState {
  uint64_t usage_usec = 1'000'000;
  uint64_t nr_periods = 100;
  uint64_t nr_throttled = 10;
  uint64_t throttled_usec = 50'000;
  std::string cpu_max = "25000 100000";
  uint64_t memory_current = 100 * kMiB;
  std::string memory_max = "268435456";
  uint64_t inactive_file = 20 * kMiB;
  uint64_t oom_kill = 0;
  uint64_t rbytes = 0;
  uint64_t wbytes = 0;
  uint64_t cpu_some_total = 0;
  uint64_t memory_some_total = 0;
  std::vector<int> pids;
  std::string cpu_stat_override;  // replaces cpu.stat's content when set (malformed-file tests)
};

std::string PsiText(uint64_t some, uint64_t full) {
  return "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + std::to_string(some) +
         "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=" + std::to_string(full) + "\n";
}

// Fake /proc/<pid>/stat: fields (3)..(24) with utime (14), stime (15), starttime (22), rss (24).
std::string StatText(int pid, const std::string& comm, uint64_t utime, uint64_t stime,
                     uint64_t starttime, uint64_t rss_pages) {
  return std::to_string(pid) + " (" + comm + ") S 1 " + std::to_string(pid) + " " +
         std::to_string(pid) + " 0 -1 4194560 100 0 0 0 " + std::to_string(utime) + " " +
         std::to_string(stime) + " 0 0 20 0 1 0 " + std::to_string(starttime) + " 1000000 " +
         std::to_string(rss_pages) + " 18446744073709551615 0 0 0\n";
}

std::string SmapsText(uint64_t rss_kb, uint64_t pss_kb, uint64_t anon_kb, uint64_t file_kb) {
  return "55d0c0000000-7ffd0000000 ---p 00000000 00:00 0                          [rollup]\n"
         "Rss:            " +
         std::to_string(rss_kb) +
         " kB\n"
         "Pss:            " +
         std::to_string(pss_kb) +
         " kB\n"
         "Pss_Anon:       " +
         std::to_string(anon_kb) +
         " kB\n"
         "Pss_File:       " +
         std::to_string(file_kb) +
         " kB\n"
         "Pss_Shmem:      0 kB\n";
}

// A metadata provider whose answers the test sets.
class FakeMetadata final : public k8s::MetadataProvider {
 public:
  k8s::MetadataResult Lookup(const k8s::ContainerIdentity& identity) override {
    ++lookups;
    auto it = known.find(identity.container_id);
    if (it == known.end()) {
      return {.state = unknown_is_not_found ? k8s::MetadataState::kNotFound
                                            : k8s::MetadataState::kPending,
              .metadata = nullptr};
    }
    return {.state = k8s::MetadataState::kFound,
            .metadata = std::make_shared<const k8s::ContainerMetadata>(it->second)};
  }
  void Forget(const k8s::ContainerIdentity& identity) override {
    forgotten.insert(identity.container_id);
  }
  std::string_view name() const override { return "fake"; }

  std::map<std::string, k8s::ContainerMetadata> known;
  std::set<std::string> forgotten;
  int lookups = 0;
  bool unknown_is_not_found = false;  ///< answer kNotFound (not kPending) for unknown ids
};

// Captures log lines for the duration of a test.
class LogCapture {
 public:
  LogCapture() {
    SetLogSinkForTesting([this](LogLevel, const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    });
  }
  ~LogCapture() { SetLogSinkForTesting(nullptr); }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class SamplerTest : public ::testing::Test {
 protected:
  SamplerTest() : clock_(kT0) {
    tree_.MakeDir("cg/kubepods/burstable");
    tree_.MakeDir("host/proc");
  }

  void Write(int n, const CgroupState& s) { WriteAt("cg/" + ContainerPath(n), s); }
  void WriteAt(const std::string& dir, const CgroupState& s) {
    std::string procs;
    for (int pid : s.pids) procs += std::to_string(pid) + "\n";
    tree_.Write(dir + "/cgroup.procs", procs);
    tree_.Write(dir + "/cpu.stat", s.cpu_stat_override.empty()
                                       ? "usage_usec " + std::to_string(s.usage_usec) +
                                             "\nuser_usec " + std::to_string(s.usage_usec * 3 / 4) +
                                             "\nsystem_usec " + std::to_string(s.usage_usec / 4) +
                                             "\nnr_periods " + std::to_string(s.nr_periods) +
                                             "\nnr_throttled " + std::to_string(s.nr_throttled) +
                                             "\nthrottled_usec " +
                                             std::to_string(s.throttled_usec) + "\n"
                                       : s.cpu_stat_override);
    tree_.Write(dir + "/cpu.max", s.cpu_max + "\n");
    tree_.Write(dir + "/memory.current", std::to_string(s.memory_current) + "\n");
    tree_.Write(dir + "/memory.max", s.memory_max + "\n");
    tree_.Write(dir + "/memory.stat", "anon " + std::to_string(s.memory_current / 2) +
                                          "\nfile 0\ninactive_file " +
                                          std::to_string(s.inactive_file) + "\n");
    tree_.Write(dir + "/memory.events",
                "low 0\nhigh 0\nmax 0\noom 0\noom_kill " + std::to_string(s.oom_kill) + "\n");
    tree_.Write(dir + "/io.stat", "8:0 rbytes=" + std::to_string(s.rbytes) +
                                      " wbytes=" + std::to_string(s.wbytes) +
                                      " rios=1 wios=1 dbytes=0 dios=0\n");
    tree_.Write(dir + "/cpu.pressure", PsiText(s.cpu_some_total, 0));
    tree_.Write(dir + "/memory.pressure", PsiText(s.memory_some_total, 0));
    tree_.Write(dir + "/pids.current", std::to_string(s.pids.size()) + "\n");
  }
  void WriteProc(int pid, const std::string& comm, uint64_t utime, uint64_t stime,
                 uint64_t starttime, uint64_t rss_kb, uint64_t pss_kb) {
    const std::string dir = "host/proc/" + std::to_string(pid);
    tree_.Write(dir + "/stat", StatText(pid, comm, utime, stime, starttime, rss_kb / 4));
    tree_.Write(dir + "/smaps_rollup", SmapsText(rss_kb, pss_kb, pss_kb * 3 / 4, pss_kb / 4));
  }

  SamplerOptions Options() {
    SamplerOptions o;
    o.layout = MakeLayoutForTesting(CgroupMode::kV2, tree_.Path("cg"));
    o.host_root = tree_.Path("host");
    // A plain filesystem keeps serving an unlinked file through a kept fd, whereas cgroupfs
    // fails it with ENODEV; re-open per tick so removals look as they do on a real host.
    o.reader_options.keep_files_open = false;
    return o;
  }
  std::unique_ptr<Sampler> Make(SamplerOptions o) {
    auto s = Sampler::Create(std::move(o), clock_);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::unique_ptr<Sampler> Make() { return Make(Options()); }

  // Advances the clock by `ns` and samples the tick at the new whole second.
  TickResult Tick(Sampler& sampler, int64_t ns = kNanosPerSecond) {
    clock_.AdvanceNs(ns);
    auto r = sampler.SampleTick(clock_.WallNs());
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? std::move(r).value() : TickResult{};
  }

  static const ContainerSample* Find(const TickResult& t, int n) {
    for (const ContainerSample& s : t.samples) {
      if (s.relative_path == ContainerPath(n)) return &s;
    }
    return nullptr;
  }
  static std::vector<std::pair<EventType, std::string>> Events(const TickResult& t) {
    std::vector<std::pair<EventType, std::string>> out;
    for (const ContainerEvent& e : t.events) out.emplace_back(e.type, e.relative_path);
    return out;
  }
  uint64_t Inode(const std::string& rel) {
    struct stat st {};
    return ::stat(tree_.Path(rel).c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_ino) : 0;
  }

  TempTree tree_;
  fgm::testing::FakeClock clock_;
};

using E = EventType;

TEST_F(SamplerTest, FirstTickStartsContainersWithoutRatesThenRatesFollow) {
  CgroupState s;
  Write(1, s);
  auto sampler = Make();
  ASSERT_NE(sampler, nullptr);
  TickResult t1 = Tick(*sampler);
  EXPECT_EQ(t1.tick_ns, kT0 + kNanosPerSecond);
  ASSERT_EQ(t1.samples.size(), 1u);
  const ContainerSample& a = t1.samples[0];
  EXPECT_EQ(a.relative_path, ContainerPath(1));
  EXPECT_EQ(a.identity.container_id, ContainerId(1));
  EXPECT_EQ(a.identity.pod_uid, kPodUid);
  EXPECT_EQ(a.cgroup_inode, Inode("cg/" + ContainerPath(1)));
  EXPECT_EQ(a.snapshot.cpu_usage_usec, 1'000'000u);
  EXPECT_FALSE(a.derived.cpu_usage_millicores.has_value());  // no first-sample spike
  EXPECT_DOUBLE_EQ(a.derived.cpu_limit_millicores.value(), 250.0);
  EXPECT_EQ(a.derived.memory_working_set_bytes, 80 * kMiB);
  // Metadata is pending (no provider): what the path says.
  EXPECT_EQ(a.metadata.pod_uid, kPodUid);
  EXPECT_EQ(a.metadata.qos_class, k8s::QosClass::kBurstable);
  ASSERT_EQ(t1.events.size(), 1u);
  EXPECT_EQ(t1.events[0].type, E::kStarted);
  EXPECT_EQ(t1.events[0].time_ns, t1.tick_ns);
  EXPECT_EQ(t1.events[0].message, "already running when monitoring started");
  EXPECT_EQ(t1.events[0].identity.container_id, ContainerId(1));

  // 1.25 s later (a late tick) the container used 312.5 ms of CPU: 250 m, not 312 m.
  s.usage_usec += 312'500;
  s.nr_periods += 12;
  s.nr_throttled += 9;
  s.rbytes += 1'250'000;
  s.cpu_some_total += 125'000;
  Write(1, s);
  TickResult t2 = Tick(*sampler, 1250 * kNanosPerMilli);
  ASSERT_EQ(t2.samples.size(), 1u);
  EXPECT_TRUE(t2.events.empty());
  const DerivedMetrics& d = t2.samples[0].derived;
  EXPECT_DOUBLE_EQ(d.cpu_usage_millicores.value(), 250.0);
  EXPECT_DOUBLE_EQ(d.cpu_throttled_ratio.value(), 0.75);
  EXPECT_DOUBLE_EQ(d.io_read_bytes_per_sec.value(), 1'000'000.0);
  EXPECT_DOUBLE_EQ(d.cpu_pressure_some_usec_per_sec.value(), 100'000.0);
  EXPECT_EQ(sampler->stats().read_errors, 0u);
}

TEST_F(SamplerTest, UnlimitedLimitsAreAbsent) {
  CgroupState s;
  s.cpu_max = "max 100000";
  s.memory_max = "max";
  Write(1, s);
  auto sampler = Make();
  TickResult t = Tick(*sampler);
  ASSERT_EQ(t.samples.size(), 1u);
  EXPECT_FALSE(t.samples[0].derived.cpu_limit_millicores.has_value());
  EXPECT_FALSE(t.samples[0].derived.memory_usage_ratio.has_value());
  EXPECT_TRUE(t.samples[0].snapshot.memory_max->unlimited());
}

TEST_F(SamplerTest, OomKillEventCarriesTheCounterDelta) {
  CgroupState s;
  Write(1, s);
  auto sampler = Make();
  Tick(*sampler);
  s.oom_kill = 2;
  s.memory_current -= 50 * kMiB;  // the kill frees the victim's memory (as the kernel does)
  Write(1, s);
  TickResult t2 = Tick(*sampler);
  ASSERT_EQ(t2.events.size(), 1u);
  EXPECT_EQ(t2.events[0].type, E::kOomKill);
  EXPECT_EQ(t2.events[0].count, 2u);
  EXPECT_EQ(t2.events[0].time_ns, t2.tick_ns);
  EXPECT_EQ(t2.events[0].relative_path, ContainerPath(1));
  EXPECT_TRUE(Tick(*sampler).events.empty());  // unchanged: no event
  s.oom_kill = 3;
  s.memory_current -= 10 * kMiB;
  Write(1, s);
  TickResult t4 = Tick(*sampler);
  ASSERT_EQ(t4.events.size(), 1u);
  EXPECT_EQ(t4.events[0].count, 1u);
  EXPECT_EQ(sampler->stats().oom_kill_events, 2u);
}

TEST_F(SamplerTest, ContainersAlreadyOomKilledAtStartupGiveNoEventButNewOnesDo) {
  CgroupState old_one;
  old_one.oom_kill = 5;  // happened before monitoring began: no timestamp to give it
  Write(1, old_one);
  auto sampler = Make();
  TickResult t1 = Tick(*sampler);
  EXPECT_EQ(Events(t1), (std::vector<std::pair<E, std::string>>{{E::kStarted, ContainerPath(1)}}));

  // A container that appears later and was OOM-killed within its first second.
  CgroupState crashing;
  crashing.oom_kill = 1;
  Write(2, crashing);
  TickResult t2 = Tick(*sampler);
  EXPECT_EQ(Events(t2), (std::vector<std::pair<E, std::string>>{{E::kStarted, ContainerPath(2)},
                                                                {E::kOomKill, ContainerPath(2)}}));
  EXPECT_EQ(t2.events[0].message, "");  // not "already running"
  EXPECT_EQ(t2.events[1].count, 1u);
  ASSERT_NE(Find(t2, 2), nullptr);  // sampled on the first tick after it appeared
}

TEST_F(SamplerTest, RemovedContainerIsStoppedOnceWithoutErrorsOrLogs) {
  LogCapture logs;
  Write(1, CgroupState{});
  Write(2, CgroupState{});
  auto sampler = Make();
  ASSERT_EQ(Tick(*sampler).samples.size(), 2u);
  tree_.Remove("cg/" + ContainerPath(1));
  TickResult t2 = Tick(*sampler);
  EXPECT_EQ(Events(t2), (std::vector<std::pair<E, std::string>>{{E::kStopped, ContainerPath(1)}}));
  ASSERT_EQ(t2.samples.size(), 1u);
  EXPECT_EQ(t2.samples[0].relative_path, ContainerPath(2));
  EXPECT_TRUE(Tick(*sampler).events.empty());
  EXPECT_EQ(sampler->stats().read_errors, 0u);
  EXPECT_EQ(t2.self.read_errors, 0u);
  EXPECT_EQ(sampler->container_count(), 1u);
  EXPECT_TRUE(logs.lines().empty()) << logs.lines()[0];
}

TEST_F(SamplerTest, ContainerVanishingBetweenScanAndReadIsStoppedSilently) {
  LogCapture logs;
  FakeMetadata metadata;
  k8s::ContainerMetadata md;
  md.pod_name = "web";
  md.namespace_name = "shop";
  md.container_name = "nginx";
  metadata.known[ContainerId(1)] = md;
  Write(1, CgroupState{});
  SamplerOptions o = Options();
  o.metadata = &metadata;
  // Every scan lists the pod directory (with inotify, a quiet scan lists nothing to hook into).
  o.discovery.use_inotify = false;
  auto sampler = Make(std::move(o));
  Tick(*sampler);
  // Remove the container right after discovery lists its pod directory, i.e. after the scan saw
  // it and before the sampler reads it.
  bool removed = false;
  sampler->discoverer_for_testing().set_after_list_hook_for_testing([&](const std::string& dir) {
    if (!removed && dir == PodDir()) {
      tree_.Remove("cg/" + ContainerPath(1));
      removed = true;
    }
  });
  TickResult t2 = Tick(*sampler);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(t2.samples.empty());
  ASSERT_EQ(t2.events.size(), 1u);
  EXPECT_EQ(t2.events[0].type, E::kStopped);
  EXPECT_EQ(t2.events[0].metadata.pod_name, "web");  // events keep the container's metadata
  EXPECT_EQ(sampler->stats().vanished_on_read, 1u);
  EXPECT_EQ(sampler->stats().read_errors, 0u);
  EXPECT_EQ(sampler->container_count(), 0u);
  // Discovery notices on the next scan: no second kStopped.
  TickResult t3 = Tick(*sampler);
  EXPECT_TRUE(t3.events.empty());
  EXPECT_EQ(metadata.forgotten.count(ContainerId(1)), 1u);
  EXPECT_TRUE(logs.lines().empty()) << logs.lines()[0];
}

TEST_F(SamplerTest, RecreatedCgroupIsStoppedAndStartedWithNoDeltaAcrossIt) {
  CgroupState s;
  s.usage_usec = 1'000'000;
  Write(1, s);
  auto sampler = Make();
  TickResult t1 = Tick(*sampler);
  const uint64_t old_inode = t1.samples.at(0).cgroup_inode;

  // The new instance has a LOWER usage (a fresh cgroup) and then a much higher one: a delta
  // across the two instances would be a reset or a huge spike.
  CgroupState fresh;
  fresh.usage_usec = 9'000'000;
  WriteAt("cg/" + PodDir() + "/replacement", fresh);  // built first so its inode differs
  tree_.Remove("cg/" + ContainerPath(1));
  std::filesystem::rename(tree_.Path("cg/" + PodDir() + "/replacement"),
                          tree_.Path("cg/" + ContainerPath(1)));
  const uint64_t new_inode = Inode("cg/" + ContainerPath(1));
  ASSERT_NE(old_inode, new_inode);

  TickResult t2 = Tick(*sampler);
  ASSERT_EQ(t2.events.size(), 2u);
  EXPECT_EQ(t2.events[0].type, E::kStopped);
  EXPECT_EQ(t2.events[0].cgroup_inode, old_inode);
  EXPECT_EQ(t2.events[1].type, E::kStarted);
  EXPECT_EQ(t2.events[1].cgroup_inode, new_inode);
  ASSERT_EQ(t2.samples.size(), 1u);
  EXPECT_EQ(t2.samples[0].cgroup_inode, new_inode);
  EXPECT_FALSE(t2.samples[0].derived.cpu_usage_millicores.has_value());

  fresh.usage_usec += 100'000;
  Write(1, fresh);
  TickResult t3 = Tick(*sampler);
  EXPECT_DOUBLE_EQ(t3.samples.at(0).derived.cpu_usage_millicores.value(), 100.0);
}

TEST_F(SamplerTest, MalformedFileIsLoggedOnceCountedAndTheRestIsStillSampled) {
  LogCapture logs;
  CgroupState bad;
  bad.cpu_stat_override = "usage_usec not-a-number\n";
  Write(1, bad);
  CgroupState good;
  Write(2, good);
  auto sampler = Make();
  TickResult last;
  for (int i = 0; i < 3; ++i) {
    good.usage_usec += 100'000;
    Write(2, good);
    last = Tick(*sampler);
  }
  EXPECT_EQ(sampler->stats().read_errors, 3u);
  EXPECT_EQ(last.self.read_errors, 3u);
  ASSERT_EQ(last.samples.size(), 2u);
  const ContainerSample* broken = Find(last, 1);
  ASSERT_NE(broken, nullptr);
  EXPECT_FALSE(broken->snapshot.cpu_usage_usec.has_value());
  EXPECT_EQ(broken->snapshot.memory_current, 100 * kMiB);  // other files still read
  const ContainerSample* fine = Find(last, 2);
  ASSERT_NE(fine, nullptr);
  EXPECT_DOUBLE_EQ(fine->derived.cpu_usage_millicores.value(), 100.0);
  const auto lines = logs.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr(ContainerPath(1) + "/cpu.stat"));
  EXPECT_THAT(lines[0], HasSubstr("InvalidFormat"));
}

TEST_F(SamplerTest, PssIsSummedPerContainerWithProcessCounts) {
  CgroupState a;
  a.pids = {101, 102, 103};  // 103 has exited: listed, but no /proc entry
  Write(1, a);
  CgroupState b;
  b.pids = {201};
  Write(2, b);
  WriteProc(101, "web", 10, 5, 1000, 4000, 3000);
  WriteProc(102, "worker", 10, 5, 1001, 2000, 1000);
  WriteProc(201, "db", 10, 5, 1002, 8000, 8000);
  auto sampler = Make();
  TickResult t = Tick(*sampler);
  const ContainerSample* c1 = Find(t, 1);
  const ContainerSample* c2 = Find(t, 2);
  ASSERT_TRUE(c1 && c2 && c1->memory && c2->memory);
  EXPECT_EQ(c1->memory->rss_bytes, 6000u * 1024);
  EXPECT_EQ(c1->memory->pss_bytes, 4000u * 1024);
  EXPECT_EQ(c1->memory->pss_anon_bytes, (2250u + 750u) * 1024);
  EXPECT_EQ(c1->memory->pss_file_bytes, (750u + 250u) * 1024);
  EXPECT_EQ(c1->memory->processes, 3u);
  EXPECT_EQ(c1->memory->processes_without_value, 1u);
  EXPECT_EQ(c1->memory->oldest_value_age_ms, 0);
  EXPECT_EQ(c2->memory->pss_bytes, 8000u * 1024);
  EXPECT_EQ(c2->memory->processes, 1u);
  EXPECT_TRUE(c1->processes.empty());  // per-process rows are off by default

  SamplerOptions off = Options();
  off.collect_pss = false;
  auto no_pss = Make(std::move(off));
  EXPECT_FALSE(Tick(*no_pss).samples.at(0).memory.has_value());
}

TEST_F(SamplerTest, IdleContainersReuseTheirPidsAndPssUntilTheirNextFullRead) {
  CgroupState a;
  a.pids = {101};
  Write(1, a);
  WriteProc(101, "web", 0, 0, 1000, 4000, 3000);
  SamplerOptions o = Options();
  o.reader_options.idle_full_read_every = std::numeric_limits<int>::max();  // no periodic one
  auto sampler = Make(std::move(o));
  Tick(*sampler);
  Tick(*sampler);  // settled: the first reads are full
  // The process's memory changes but the cgroup's CPU and memory counters do not (impossible
  // for a real process; it shows what an idle read skips): PSS and the PID list are carried.
  WriteProc(101, "web", 0, 0, 1000, 4000, 2000);
  CgroupState b = a;
  b.pids = {101, 102};  // cgroup.procs is not re-read either
  Write(1, b);
  TickResult idle = Tick(*sampler);
  ASSERT_TRUE(idle.samples.at(0).memory.has_value());
  EXPECT_EQ(idle.samples[0].memory->pss_bytes, 3000u * 1024);
  EXPECT_EQ(idle.samples[0].memory->processes, 1u);
  EXPECT_GE(idle.samples[0].memory->oldest_value_age_ms, 1000);  // taken at an earlier tick
  // The container runs (its CPU counter moves): the next read is full, and so are PIDs and PSS.
  b.usage_usec += 1000;
  Write(1, b);
  WriteProc(102, "worker", 0, 0, 1001, 100, 100);
  TickResult busy = Tick(*sampler);
  ASSERT_TRUE(busy.samples.at(0).memory.has_value());
  EXPECT_EQ(busy.samples[0].memory->pss_bytes, (2000u + 100u) * 1024);
  EXPECT_EQ(busy.samples[0].memory->processes, 2u);
  EXPECT_EQ(busy.samples[0].memory->oldest_value_age_ms, 0);
}

TEST_F(SamplerTest, ReusedPssValuesReportTheirAge) {
  CgroupState a;
  a.pids = {101};
  Write(1, a);
  WriteProc(101, "web", 0, 0, 1000, 4000, 3000);
  auto sampler = Make();
  TickResult t1 = Tick(*sampler);
  EXPECT_EQ(t1.samples.at(0).memory->oldest_value_age_ms, 0);
  // The next read fails (not "gone"): PssReader keeps the last value, which is now 1.5 s old.
  tree_.Write("host/proc/101/smaps_rollup", "garbage\n");
  TickResult t2 = Tick(*sampler, 1500 * kNanosPerMilli);
  ASSERT_TRUE(t2.samples.at(0).memory.has_value());
  EXPECT_EQ(t2.samples[0].memory->pss_bytes, 3000u * 1024);
  EXPECT_EQ(t2.samples[0].memory->oldest_value_age_ms, 1500);
  EXPECT_EQ(t2.samples[0].memory->processes_without_value, 0u);
}

TEST_F(SamplerTest, ProcessRowsHaveCpuAgainstTheSameProcessOnly) {
  CgroupState a;
  a.pids = {101, 102};
  Write(1, a);
  WriteProc(101, "web", 100, 50, 1000, 4000, 3000);
  WriteProc(102, "worker", 10, 0, 2000, 2000, 1000);
  SamplerOptions o = Options();
  o.process_rows = true;
  auto sampler = Make(std::move(o));
  TickResult t1 = Tick(*sampler);
  ASSERT_EQ(t1.samples.size(), 1u);
  const auto& p1 = t1.samples[0].processes;
  ASSERT_EQ(p1.size(), 2u);
  EXPECT_EQ(p1[0].pid, 101);
  EXPECT_EQ(p1[0].comm, "web");
  EXPECT_EQ(p1[0].cpu_usec, UserHzTicksToUsec(150, UserHz()));
  EXPECT_FALSE(p1[0].cpu_millicores.has_value());
  EXPECT_EQ(p1[0].pss_bytes, 3000u * 1024);
  EXPECT_EQ(p1[0].rss_bytes, 4000u * 1024);

  // 101 ran for half a second of CPU over 2 s (250 m); 102 was replaced by a new process that
  // got the same PID (different starttime): no rate across the two.
  const uint64_t half_second_ticks = static_cast<uint64_t>(UserHz()) / 2;
  WriteProc(101, "web", 100 + half_second_ticks, 50, 1000, 4000, 3000);
  WriteProc(102, "worker", 5, 0, 9999, 2000, 1000);
  TickResult t2 = Tick(*sampler, 2 * kNanosPerSecond);
  const auto& p2 = t2.samples.at(0).processes;
  ASSERT_EQ(p2.size(), 2u);
  EXPECT_NEAR(p2[0].cpu_millicores.value(), 250.0, 1e-9);
  EXPECT_FALSE(p2[1].cpu_millicores.has_value());
  EXPECT_EQ(sampler->tracked_process_count(), 2u);

  // A process that exits is dropped from the rows and from the per-process state.
  a.pids = {101};
  Write(1, a);
  tree_.Remove("host/proc/102");
  TickResult t3 = Tick(*sampler);
  EXPECT_EQ(t3.samples.at(0).processes.size(), 1u);
  EXPECT_EQ(sampler->tracked_process_count(), 1u);
}

TEST_F(SamplerTest, MetadataPendingThenFoundNeverBlocks) {
  FakeMetadata metadata;
  Write(1, CgroupState{});
  SamplerOptions o = Options();
  o.metadata = &metadata;
  auto sampler = Make(std::move(o));
  TickResult t1 = Tick(*sampler);
  ASSERT_EQ(t1.samples.size(), 1u);
  EXPECT_EQ(t1.samples[0].metadata.pod_name, "");
  EXPECT_EQ(t1.samples[0].metadata.pod_uid, kPodUid);  // from the path meanwhile

  k8s::ContainerMetadata md;
  md.pod_name = "web-0";
  md.namespace_name = "shop";
  md.container_name = "nginx";
  md.pod_uid = kPodUid;
  md.labels = {{"app", "web"}};
  metadata.known[ContainerId(1)] = md;
  TickResult t2 = Tick(*sampler);
  EXPECT_EQ(t2.samples.at(0).metadata, md);
  // Found metadata is kept: no more lookups for this container until the refresh period.
  const int lookups = metadata.lookups;
  Tick(*sampler);
  Tick(*sampler);
  EXPECT_EQ(metadata.lookups, lookups);
}

TEST_F(SamplerTest, MetadataMissesBackOffButALateAnswerStillShows) {
  FakeMetadata metadata;
  metadata.unknown_is_not_found = true;
  Write(1, CgroupState{});
  SamplerOptions o = Options();
  o.metadata = &metadata;
  auto sampler = Make(std::move(o));
  Tick(*sampler);  // discovery and the sampler each ask once
  const int first_tick_lookups = metadata.lookups;
  // Misses are retried 1, 2, 4, 8, then every 10 ticks later: ticks 2, 4, 8, 16, 26, 36.
  for (int tick = 2; tick <= 40; ++tick) Tick(*sampler);
  EXPECT_EQ(metadata.lookups - first_tick_lookups, 6);

  k8s::ContainerMetadata md;
  md.pod_name = "late-0";
  metadata.known[ContainerId(1)] = md;
  int ticks_until_found = 0;
  for (int tick = 1; tick <= 10 && ticks_until_found == 0; ++tick) {
    if (Tick(*sampler).samples.at(0).metadata == md) ticks_until_found = tick;
  }
  EXPECT_GE(ticks_until_found, 1);
  EXPECT_LE(ticks_until_found, 10) << "a late answer shows within 10 ticks";

  // Pending answers (a source still syncing) are asked for every tick.
  FakeMetadata pending;
  Write(2, CgroupState{});
  SamplerOptions p = Options();
  p.metadata = &pending;
  auto sampler2 = Make(std::move(p));
  for (int tick = 1; tick <= 10; ++tick) Tick(*sampler2);
  EXPECT_GE(pending.lookups, 2 * 10) << "two containers, one lookup each per tick";
}

TEST_F(SamplerTest, FoundMetadataIsRefreshedSoALaterSourceTakesOver) {
  // E.g. containerd's bundle file answers first; the API server syncs later with pod labels.
  FakeMetadata metadata;
  Write(1, CgroupState{});
  SamplerOptions o = Options();
  o.metadata = &metadata;
  o.metadata_refresh_ticks = 5;
  k8s::ContainerMetadata from_files;
  from_files.pod_name = "web-0";
  metadata.known[ContainerId(1)] = from_files;
  auto sampler = Make(std::move(o));
  EXPECT_EQ(Tick(*sampler).samples.at(0).metadata, from_files);

  k8s::ContainerMetadata from_api = from_files;
  from_api.labels = {{"app", "web"}};
  metadata.known[ContainerId(1)] = from_api;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Tick(*sampler).samples.at(0).metadata, from_files);
  const int lookups = metadata.lookups;
  TickResult later;
  for (int i = 0; i < 3; ++i) later = Tick(*sampler);
  EXPECT_EQ(later.samples.at(0).metadata, from_api);
  EXPECT_EQ(metadata.lookups, lookups + 1);  // one lookup per refresh period, not per tick
}

TEST_F(SamplerTest, ReusedTickResultMatchesAFreshOne) {
  CgroupState a;
  a.pids = {101};
  Write(1, a);
  Write(2, CgroupState{});
  WriteProc(101, "web", 1, 1, 1000, 4000, 3000);
  SamplerOptions o = Options();
  o.process_rows = true;
  auto reused_sampler = Make(o);
  auto fresh_sampler = Make(o);
  TickResult reused;
  for (int i = 0; i < 4; ++i) {
    if (i == 2) tree_.Remove("cg/" + ContainerPath(2));
    a.usage_usec += 10'000;
    Write(1, a);
    clock_.AdvanceNs(kNanosPerSecond);
    ASSERT_TRUE(reused_sampler->SampleTick(clock_.WallNs(), &reused).ok());
    auto fresh = fresh_sampler->SampleTick(clock_.WallNs());
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(reused.samples.size(), fresh->samples.size());
    ASSERT_EQ(reused.events.size(), fresh->events.size());
    for (size_t k = 0; k < reused.samples.size(); ++k) {
      EXPECT_EQ(reused.samples[k].relative_path, fresh->samples[k].relative_path);
      EXPECT_EQ(reused.samples[k].snapshot.cpu_usage_usec,
                fresh->samples[k].snapshot.cpu_usage_usec);
      EXPECT_EQ(reused.samples[k].derived.cpu_usage_millicores,
                fresh->samples[k].derived.cpu_usage_millicores);
      EXPECT_EQ(reused.samples[k].metadata, fresh->samples[k].metadata);
      EXPECT_EQ(reused.samples[k].processes.size(), fresh->samples[k].processes.size());
    }
  }
}

TEST_F(SamplerTest, SelfSampleReportsTheMonitorsOwnCost) {
  Write(1, CgroupState{});
  Write(2, CgroupState{});
  auto sampler = Make();
  sampler->set_skipped_ticks(7);
  TickResult t1 = Tick(*sampler);
  EXPECT_EQ(t1.self.containers, 2u);
  EXPECT_EQ(t1.self.skipped_ticks, 7u);
  EXPECT_EQ(t1.self.tick_duration_us, 0);  // no previous tick
  EXPECT_GT(t1.self.rss_bytes, 1u * kMiB);
  EXPECT_GT(t1.self.cpu_usage_usec, 0u);
  EXPECT_FALSE(t1.self.cpu_millicores.has_value());
  TickResult t2 = Tick(*sampler);
  EXPECT_GE(t2.self.cpu_usage_usec, t1.self.cpu_usage_usec);
  EXPECT_TRUE(t2.self.cpu_millicores.has_value());
}

TEST_F(SamplerTest, CreationFailsWithoutProcWhenPssIsOn) {
  SamplerOptions o = Options();
  o.host_root = tree_.Path("nowhere");
  EXPECT_EQ(Sampler::Create(o, clock_).error().code(), StatusCode::kNotFound);
  o.collect_pss = false;
  EXPECT_TRUE(Sampler::Create(o, clock_).ok());
  SamplerOptions bad_root = Options();
  bad_root.layout.unified_root = tree_.Path("missing");
  EXPECT_FALSE(Sampler::Create(bad_root, clock_).ok());
}

TEST(EventTypeNameTest, StableNames) {
  EXPECT_EQ(EventTypeName(EventType::kStarted), "started");
  EXPECT_EQ(EventTypeName(EventType::kStopped), "stopped");
  EXPECT_EQ(EventTypeName(EventType::kOomKill), "oom_kill");
}

}  // namespace
}  // namespace fgm::collector

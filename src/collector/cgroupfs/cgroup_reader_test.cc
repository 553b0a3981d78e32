// SPDX-License-Identifier: Apache-2.0
// Unit tests for CgroupReader: on the fixture trees of test/data/cgroupfs (captured v1/hybrid/
// docker, hand-built v2 ones) and on temp trees that simulate removal, malformed files, missing
// controllers, late-enabled controllers and v1-only derivations.
#include "collector/cgroupfs/cgroup_reader.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "collector/cgroupfs/temp_tree_for_testing.h"
#include "core/file.h"
#include "core/testing/fake_clock.h"

namespace fgm::collector {
namespace {

using ::testing::ElementsAre;
using testing::FixtureTree;
using ::testing::HasSubstr;
using testing::kFixtureContainerId;
using testing::kFixturePodUid;
using testing::kFixturePodUidUnderscores;
using testing::TempTree;

std::string Cid() { return std::string(kFixtureContainerId); }

// Reads one raw fixture file and parses it as a single u64 (for cross-checking mapped values).
uint64_t RawU64(const std::string& path) {
  auto text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << path;
  auto v = ParseSingleU64(text.ok() ? *text : "");
  EXPECT_TRUE(v.ok()) << path;
  return v.ok() ? *v : 0;
}

CgroupSnapshot MustRead(const CgroupLayout& layout, const std::string& rel) {
  auto reader = CgroupReader::Open(layout, rel);
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  if (!reader.ok()) return {};
  auto snap = reader->Read();
  EXPECT_TRUE(snap.ok()) << snap.error().ToString();
  return snap.ok() ? *snap : CgroupSnapshot{};
}

// ---- Captured trees (real kernel output from capture.sh) ----

// `cpu_from_cpuacct`: false on hybrid, where usage/user/system come from the unified cpu.stat.
void ExpectCapturedV1Values(const CgroupSnapshot& s, const std::string& cpuacct_dir,
                            bool cpu_from_cpuacct) {
  // Limits set by capture.sh.
  ASSERT_TRUE(s.cpu_max.has_value());
  EXPECT_EQ(s.cpu_max->quota_usec, Limit::Of(20000));
  EXPECT_EQ(s.cpu_max->period_usec, 100000u);
  EXPECT_EQ(s.v1.cpu_shares, 512u);
  EXPECT_EQ(s.cpu_weight, CpuSharesToWeight(512));
  EXPECT_EQ(s.memory_max, Limit::Of(268435456));
  EXPECT_EQ(s.memory_low, Limit::Of(134217728));
  EXPECT_EQ(s.pids_max, Limit::Of(64));
  EXPECT_FALSE(s.memory_high.has_value());  // no v1 twin
  // Workload: a busy loop under a 20 % quota, 32 MiB of tmpfs, 16 MiB direct write + read.
  ASSERT_TRUE(s.cpu_usage_usec.has_value());
  if (cpu_from_cpuacct) {
    EXPECT_EQ(s.v1.cpuacct_usage_ns, RawU64(cpuacct_dir + "/cpuacct.usage"));
  } else {
    // Hybrid: the unified cpu.stat is exact, so cpuacct.* are not read at all (fewer files).
    EXPECT_FALSE(s.v1.cpuacct_usage_ns.has_value());
  }
  EXPECT_GT(*s.cpu_usage_usec, 200'000u);
  EXPECT_LT(*s.cpu_usage_usec, 5'000'000u);
  ASSERT_TRUE(s.cpu_user_usec && s.cpu_system_usec);
  EXPECT_GT(*s.cpu_user_usec, 0u);
  if (cpu_from_cpuacct) {
    EXPECT_EQ(*s.cpu_usage_usec, *s.v1.cpuacct_usage_ns / 1000);
    EXPECT_EQ(*s.cpu_user_usec % 1000, 0u);  // USER_HZ ticks: 10 ms resolution at 100 Hz
  }
  ASSERT_TRUE(s.cpu_nr_periods && s.cpu_nr_throttled && s.cpu_throttled_usec);
  EXPECT_GT(*s.cpu_nr_throttled, 0u);
  EXPECT_LE(*s.cpu_nr_throttled, *s.cpu_nr_periods);
  EXPECT_GT(*s.cpu_throttled_usec, 0u);
  ASSERT_TRUE(s.memory_current.has_value());
  EXPECT_GE(*s.memory_current, 32u << 20);
  EXPECT_LT(*s.memory_current, 64u << 20);
  EXPECT_GE(s.memory_peak.value_or(0), *s.memory_current);
  EXPECT_EQ(s.memory_stat.Get("shmem"), 33554432u);
  EXPECT_GE(s.memory_stat.Get("file").value_or(0), 33554432u);
  EXPECT_TRUE(s.memory_stat.Get("anon").has_value());
  EXPECT_FALSE(s.memory_stat.Get("total_rss").has_value());
  ASSERT_TRUE(s.memory_events.has_value());
  EXPECT_EQ(s.memory_events->oom_kill, 0u);
  EXPECT_EQ(s.memory_events->max, s.v1.memory_failcnt);
  EXPECT_EQ(s.v1.under_oom, 0u);
  // This kernel has swap accounting: memsw files exist, unlimited.
  EXPECT_TRUE(s.v1.memsw_usage_bytes.has_value());
  EXPECT_TRUE(s.memory_swap_max && s.memory_swap_max->unlimited());
  EXPECT_TRUE(s.memory_swap_current.has_value());
  ASSERT_TRUE(s.pids_current.has_value());
  EXPECT_GE(*s.pids_current, 1u);
  ASSERT_TRUE(s.io.has_value());
  EXPECT_GE(s.io->Totals().wbytes, 16u << 20);
  EXPECT_GE(s.io->Totals().rbytes, 16u << 20);
  EXPECT_GE(s.io->Totals().wios, 16u);
  EXPECT_NE(s.inode, 0u);
  EXPECT_GE(s.read_latency_ns, 0);
}

TEST(CgroupReaderFixtures, CapturedV1) {
  const std::string root = FixtureTree("v1");
  const std::string rel = "kubepods/burstable/pod" + std::string(kFixturePodUid) + "/" + Cid();
  CgroupSnapshot s = MustRead(MakeLayoutForTesting(CgroupMode::kV1, root), rel);
  ExpectCapturedV1Values(s, root + "/cpuacct/" + rel, true);
  EXPECT_FALSE(s.cpu_pressure.has_value());  // PSI needs the v2 side
  EXPECT_FALSE(s.populated.has_value());
}

TEST(CgroupReaderFixtures, CapturedHybridTakesExactCpuAndPsiFromUnified) {
  const std::string root = FixtureTree("hybrid");
  const std::string rel = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                          std::string(kFixturePodUidUnderscores) + ".slice/cri-containerd-" +
                          Cid() + ".scope";
  CgroupSnapshot s = MustRead(MakeLayoutForTesting(CgroupMode::kHybrid, root), rel);
  ExpectCapturedV1Values(s, root + "/cpuacct/" + rel, false);
  // usage/user/system come from the unified cpu.stat (microseconds, exact), not cpuacct.
  CpuStatV2 unified = *ParseCpuStatV2(*ReadFileToString(root + "/unified/" + rel + "/cpu.stat"));
  EXPECT_EQ(s.cpu_usage_usec, unified.usage_usec);
  EXPECT_EQ(s.cpu_user_usec, unified.user_usec);
  // Throttling still comes from v1 cpu.stat (the unified side has no cpu controller).
  EXPECT_GT(s.cpu_nr_throttled.value_or(0), 0u);
  ASSERT_TRUE(s.cpu_pressure && s.cpu_pressure->some && s.cpu_pressure->full);
  EXPECT_GT(s.cpu_pressure->some->total, 0u);  // throttled most of the time
  EXPECT_TRUE(s.memory_pressure.has_value());
  EXPECT_TRUE(s.io_pressure.has_value());
  EXPECT_FALSE(s.irq_pressure.has_value());  // not on this kernel
  EXPECT_FALSE(s.populated.has_value());     // cgroup.events is read on pure v2 hosts only
}

TEST(CgroupReaderFixtures, CapturedDockerWithCoMountedCpuCpuacct) {
  const std::string root = FixtureTree("docker");
  CgroupLayout layout = MakeLayoutForTesting(CgroupMode::kV1, root);
  layout.v1_roots["cpu"] = root + "/cpu,cpuacct";
  layout.v1_roots["cpuacct"] = root + "/cpu,cpuacct";
  const std::string rel = "docker/" + Cid();
  CgroupSnapshot s = MustRead(layout, rel);
  ExpectCapturedV1Values(s, root + "/cpu,cpuacct/" + rel, true);
}

// ---- Hand-built v2 trees (make_v2_trees.sh; k is the tree's scale factor) ----

struct V2Expect {
  const char* tree;
  std::string rel;
  uint64_t k;
  CpuMax cpu_max;
  Limit memory_max;
  Limit swap_max;
  bool irq;
  std::vector<int32_t> pids;
};

class CgroupReaderV2Fixtures : public ::testing::TestWithParam<int> {};

std::vector<V2Expect> V2Trees() {
  const std::string uid(kFixturePodUid), uid_(kFixturePodUidUnderscores);
  return {
      {"v2-systemd",
       "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uid_ +
           ".slice/cri-containerd-" + Cid() + ".scope",
       3,
       CpuMax{Limit::Of(50000), 100000},
       Limit::Of(536870912),
       Limit::Of(0),
       true,
       {4242, 4250}},
      {"v2-cgroupfs",
       "kubepods/burstable/pod" + uid + "/" + Cid(),
       5,
       CpuMax{Limit::Of(25000), 100000},
       Limit::Of(268435456),
       Limit::Of(0),
       false,
       {5151}},
      {"podman",
       "machine.slice/libpod-" + Cid() + ".scope",
       2,
       CpuMax{Limit::Unlimited(), 100000},
       Limit::Unlimited(),
       Limit::Unlimited(),
       false,
       {7001, 7002, 7003}},
      {"kind",
       "kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
       "kubelet-kubepods-besteffort-pod" +
           uid_ + ".slice/cri-containerd-" + Cid() + ".scope",
       7,
       CpuMax{Limit::Unlimited(), 100000},
       Limit::Unlimited(),
       Limit::Of(0),
       true,
       {8080}},
  };
}

TEST_P(CgroupReaderV2Fixtures, ReadsEveryV2File) {
  const V2Expect e = V2Trees()[static_cast<size_t>(GetParam())];
  SCOPED_TRACE(e.tree);
  const uint64_t k = e.k;
  auto reader =
      CgroupReader::Open(MakeLayoutForTesting(CgroupMode::kV2, FixtureTree(e.tree)), e.rel);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  CgroupSnapshot s = *reader->Read();
  EXPECT_EQ(s.cpu_user_usec, k * 8123456);
  EXPECT_EQ(s.cpu_system_usec, k * 1234567);
  EXPECT_EQ(s.cpu_usage_usec, k * (8123456 + 1234567));
  EXPECT_EQ(s.cpu_nr_periods, k * 4400);
  EXPECT_EQ(s.cpu_nr_throttled, k * 310);
  EXPECT_EQ(s.cpu_throttled_usec, k * 9876543);
  EXPECT_EQ(s.cpu_nr_bursts, 0u);
  EXPECT_EQ(s.cpu_max, e.cpu_max);
  EXPECT_EQ(s.cpu_weight, k * 10 + 9);
  const uint64_t current = k * (23068672 + 8388608 + 1048576);
  EXPECT_EQ(s.memory_current, current);
  EXPECT_EQ(s.memory_peak, current + k * 4194304);
  EXPECT_EQ(s.memory_max, e.memory_max);
  EXPECT_EQ(s.memory_high, Limit::Unlimited());
  EXPECT_EQ(s.memory_low, Limit::Of(0));
  EXPECT_EQ(s.memory_min, Limit::Of(0));
  EXPECT_EQ(s.memory_swap_current, 0u);
  EXPECT_EQ(s.memory_swap_max, e.swap_max);
  EXPECT_EQ(s.memory_stat.Get("anon"), k * 23068672);
  EXPECT_EQ(s.memory_stat.Get("pgmajfault"), k * 12);
  EXPECT_EQ(s.memory_stat.entries.size(), 59u);
  ASSERT_TRUE(s.memory_events.has_value());
  EXPECT_EQ(s.memory_events->oom_kill, k - 1);
  EXPECT_EQ(s.memory_events->max, k * 2);
  EXPECT_EQ(s.memory_events->oom_group_kill, 0u);
  EXPECT_EQ(s.pids_current, e.pids.size());
  EXPECT_EQ(s.pids_max, Limit::Unlimited());
  ASSERT_TRUE(s.io.has_value());
  ASSERT_EQ(s.io->devices.size(), 2u);
  EXPECT_EQ(s.io->Totals().wbytes, k * 314773504);
  EXPECT_EQ(s.io->Totals().rbytes, k * 1459200 + k * 4096);
  EXPECT_EQ(s.io->Totals().rios, k * 192 + k);
  ASSERT_TRUE(s.cpu_pressure && s.cpu_pressure->some && s.cpu_pressure->full);
  EXPECT_EQ(s.cpu_pressure->some->total, k * 7654321);
  EXPECT_EQ(s.cpu_pressure->full->total, k * 6543210);
  EXPECT_EQ(s.memory_pressure->some->total, k * 12345);
  EXPECT_EQ(s.io_pressure->full->total, k * 43210);
  EXPECT_EQ(s.irq_pressure.has_value(), e.irq);
  if (e.irq) {
    EXPECT_FALSE(s.irq_pressure->some.has_value());
    EXPECT_EQ(s.irq_pressure->full->total, k * 321);
  }
  EXPECT_EQ(s.populated, true);
  EXPECT_FALSE(s.v1.cpu_shares.has_value());
  EXPECT_THAT(*reader->ReadPids(), ::testing::ElementsAreArray(e.pids));
}

INSTANTIATE_TEST_SUITE_P(Trees, CgroupReaderV2Fixtures, ::testing::Range(0, 4));

TEST(CgroupReaderFixtures, PodmanConmonScopeHasOnlyProcsAndEvents) {
  const std::string root = FixtureTree("podman");
  auto reader = CgroupReader::Open(MakeLayoutForTesting(CgroupMode::kV2, root),
                                   "machine.slice/libpod-conmon-" + Cid() + ".scope");
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s = *reader->Read();  // every stat file missing: not an error
  EXPECT_FALSE(s.cpu_usage_usec.has_value());
  EXPECT_FALSE(s.memory_current.has_value());
  EXPECT_EQ(s.populated, true);
  EXPECT_THAT(*reader->ReadPids(), ElementsAre(6999));
}

// ---- Temp trees ----

class CgroupReaderTempTest : public ::testing::Test {
 protected:
  void WriteV2(const std::string& rel) {
    tree_.Write(rel + "/cgroup.procs", "42\n");
    tree_.Write(rel + "/cpu.stat", "usage_usec 100\nuser_usec 60\nsystem_usec 40\n");
    tree_.Write(rel + "/memory.current", "4096\n");
    tree_.Write(rel + "/memory.max", "max\n");
  }
  CgroupLayout V2() const { return MakeLayoutForTesting(CgroupMode::kV2, tree_.root()); }
  // Hybrid cgroup "c" in the unified, memory and pids hierarchies, one per-tick file in each.
  void WriteHybridUnifiedMemoryPids() {
    tree_.Write("unified/c/cgroup.procs", "");
    tree_.Write("unified/c/cpu.stat", "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
    tree_.Write("memory/c/cgroup.procs", "");
    tree_.Write("memory/c/memory.usage_in_bytes", "4096\n");
    tree_.Write("pids/c/cgroup.procs", "");
    tree_.Write("pids/c/pids.current", "3\n");
  }
  // A reader of that cgroup that reads every file every time and re-probes missing ones often.
  Result<CgroupReader> OpenHybridRereadingEveryTime() {
    return CgroupReader::Open(
        MakeLayoutForTesting(CgroupMode::kHybrid, tree_.root()), "c",
        CgroupReaderOptions{
            .absent_reprobe_every = 2, .slow_file_every = 1, .idle_full_read_every = 1});
  }

  TempTree tree_;
};

TEST_F(CgroupReaderTempTest, RemovedBetweenTicksIsNotFound) {
  WriteV2("pod/c1");
  // Re-open mode: on a plain filesystem a kept fd still reads an unlinked file, whereas on
  // cgroupfs it fails with ENODEV; the integration test checks removal in both modes.
  auto reader = CgroupReader::Open(V2(), "/pod/c1/", CgroupReaderOptions{.keep_files_open = false});
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->relative_path(), "pod/c1");
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());
  EXPECT_EQ(s.cpu_usage_usec, 100u);
  EXPECT_EQ(s.memory_max, Limit::Unlimited());
  tree_.Remove("pod/c1");
  Status gone = reader->Read(&s);
  EXPECT_EQ(gone.code(), StatusCode::kNotFound) << gone.ToString();
  EXPECT_EQ(reader->ReadPids().error().code(), StatusCode::kNotFound);
}

TEST_F(CgroupReaderTempTest, OpenFailsWhenCgroupExistsNowhere) {
  tree_.MakeDir("other");
  auto r = CgroupReader::Open(V2(), "missing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
}

TEST_F(CgroupReaderTempTest, MalformedFileIsInvalidFormatWithPathAndLineButOthersStillRead) {
  WriteV2("c");
  tree_.Write("c/cpu.stat", "usage_usec 100\nuser_usec lots\n");
  auto reader = CgroupReader::Open(V2(), "c");
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s;
  Status st = reader->Read(&s);
  EXPECT_EQ(st.code(), StatusCode::kInvalidFormat);
  EXPECT_THAT(st.message(), HasSubstr(tree_.Path("c/cpu.stat")));
  EXPECT_THAT(st.message(), HasSubstr("line 2"));
  EXPECT_EQ(s.memory_current, 4096u);  // the other files were still read
  EXPECT_FALSE(s.cpu_usage_usec.has_value());
}

TEST_F(CgroupReaderTempTest, MissingControllerFilesAreAbsentFieldsAndReprobedLater) {
  tree_.Write("c/cgroup.procs", "");
  tree_.Write("c/memory.current", "1\n");
  auto reader = CgroupReader::Open(V2(), "c", CgroupReaderOptions{.absent_reprobe_every = 3});
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());  // read 1: cpu.stat missing -> skipped until read 4
  EXPECT_FALSE(s.cpu_usage_usec.has_value());
  EXPECT_FALSE(s.pids_current.has_value());
  tree_.Write("c/cpu.stat", "usage_usec 7\n");  // the cpu controller gets enabled
  ASSERT_TRUE(reader->Read(&s).ok());           // read 2
  EXPECT_FALSE(s.cpu_usage_usec.has_value());
  ASSERT_TRUE(reader->Read(&s).ok());  // read 3
  EXPECT_FALSE(s.cpu_usage_usec.has_value());
  ASSERT_TRUE(reader->Read(&s).ok());  // read 4: probed again
  EXPECT_EQ(s.cpu_usage_usec, 7u);
  EXPECT_TRUE(reader->ReadPids()->empty());
}

TEST_F(CgroupReaderTempTest, KeepFilesOpenSeesNewContentAndCountsFds) {
  WriteV2("c");
  const size_t kept_before = KeptFileFdsInUse();
  {
    auto reader = CgroupReader::Open(V2(), "c");  // keep_files_open is the default
    ASSERT_TRUE(reader.ok());
    CgroupSnapshot s;
    ASSERT_TRUE(reader->Read(&s).ok());
    // cpu.stat, memory.current and memory.max (a slow file keeps its fd while fds are plenty).
    EXPECT_EQ(reader->open_file_fds_for_testing(), 3u);
    EXPECT_EQ(KeptFileFdsInUse(), kept_before + 3);
    EXPECT_LE(KeptFileFdsInUse(), KeptFileFdsCap());
    tree_.Write("c/memory.current", "8192\n");  // same inode, new content
    ASSERT_TRUE(reader->Read(&s).ok());
    EXPECT_EQ(s.memory_current, 8192u);
    CgroupReader moved = std::move(*reader);  // moving keeps the count
    EXPECT_EQ(KeptFileFdsInUse(), kept_before + 3);
    ASSERT_TRUE(moved.Read(&s).ok());
  }
  EXPECT_EQ(KeptFileFdsInUse(), kept_before);  // released with the reader
  CgroupSnapshot s;
  auto reopen = CgroupReader::Open(V2(), "c", CgroupReaderOptions{.keep_files_open = false});
  ASSERT_TRUE(reopen.ok());
  ASSERT_TRUE(reopen->Read(&s).ok());
  EXPECT_EQ(s.memory_current, 8192u);
  EXPECT_EQ(reopen->open_file_fds_for_testing(), 0u);
  EXPECT_EQ(KeptFileFdsInUse(), kept_before);
}

TEST_F(CgroupReaderTempTest, ReusedSnapshotIsFullyRefreshed) {
  WriteV2("c");
  tree_.Write("c/memory.stat", "anon 1\nfile 2\n");
  tree_.Write("c/pids.current", "3\n");
  // Idle skip off: memory.stat changes here while CPU and memory usage stand still.
  auto reader = CgroupReader::Open(V2(), "c", CgroupReaderOptions{.idle_full_read_every = 1});
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());
  EXPECT_EQ(s.memory_stat.Get("file"), 2u);
  tree_.Write("c/memory.stat", "anon 10\nfile 20\n");
  ASSERT_TRUE(reader->Read(&s).ok());
  EXPECT_EQ(s.memory_stat.Get("anon"), 10u);
  EXPECT_EQ(s.memory_stat.Get("file"), 20u);
  EXPECT_EQ(s.memory_stat.entries.size(), 2u);
  tree_.Write("c/memory.stat", "garbage\n");  // a bad tick leaves no stale values behind
  EXPECT_EQ(reader->Read(&s).code(), StatusCode::kInvalidFormat);
  EXPECT_TRUE(s.memory_stat.empty());
  EXPECT_EQ(s.pids_current, 3u);
}

TEST_F(CgroupReaderTempTest, SlowFilesAreReReadEveryNReadsFastOnesEveryRead) {
  WriteV2("c");
  tree_.Write("c/pids.max", "100\n");
  auto reader = CgroupReader::Open(V2(), "c", CgroupReaderOptions{.slow_file_every = 4});
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());  // read 1 reads everything
  EXPECT_EQ(s.memory_max, Limit::Unlimited());
  EXPECT_EQ(s.pids_max, Limit::Of(100));
  tree_.Write("c/memory.max", "1048576\n");   // a limit changes...
  tree_.Write("c/memory.current", "8192\n");  // ...and usage too
  // The first re-read comes 1 + inode % 4 reads later (spread over the period), then every 4.
  int first_seen = 0;
  for (int read = 2; read <= 6 && !first_seen; ++read) {
    ASSERT_TRUE(reader->Read(&s).ok());
    EXPECT_EQ(s.memory_current, 8192u);  // fast file: every read
    EXPECT_EQ(s.pids_max, Limit::Of(100)) << "cached value re-applied on read " << read;
    if (s.memory_max == Limit::Of(1048576)) {
      first_seen = read;
    } else {
      EXPECT_EQ(s.memory_max, Limit::Unlimited());  // still the cached text
    }
  }
  ASSERT_GE(first_seen, 2);
  ASSERT_LE(first_seen, 5);
  tree_.Write("c/memory.max", "max\n");
  for (int i = 1; i < 4; ++i) {
    ASSERT_TRUE(reader->Read(&s).ok());
    EXPECT_EQ(s.memory_max, Limit::Of(1048576)) << i;
  }
  ASSERT_TRUE(reader->Read(&s).ok());  // 4 reads after the last re-read
  EXPECT_EQ(s.memory_max, Limit::Unlimited());

  // slow_file_every = 1 (and the idle skip off): every file every read.
  auto eager = CgroupReader::Open(
      V2(), "c", CgroupReaderOptions{.slow_file_every = 1, .idle_full_read_every = 1});
  ASSERT_TRUE(eager.ok());
  ASSERT_TRUE(eager->Read(&s).ok());
  tree_.Write("c/pids.max", "max\n");
  ASSERT_TRUE(eager->Read(&s).ok());
  EXPECT_EQ(s.pids_max, Limit::Unlimited());
}

TEST_F(CgroupReaderTempTest, DirectoryFdsAreCountedAndComeOffTheKeptFileCap) {
  tree_.Write("unified/c/cgroup.procs", "");
  tree_.Write("memory/c/cgroup.procs", "");
  tree_.Write("pids/c/cgroup.procs", "");
  CgroupLayout layout = MakeLayoutForTesting(CgroupMode::kHybrid, tree_.root());
  const size_t dirs_before = CgroupDirFdsInUse();
  const size_t cap_before = KeptFileFdsCap();
  {
    auto reader = CgroupReader::Open(layout, "c");
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(CgroupDirFdsInUse(), dirs_before + 3);  // unified, memory, pids
    EXPECT_EQ(KeptFileFdsCap(), cap_before - 3);
    CgroupReader moved = std::move(*reader);  // moving keeps the count
    EXPECT_EQ(CgroupDirFdsInUse(), dirs_before + 3);
    auto other = CgroupReader::Open(layout, "c");
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(CgroupDirFdsInUse(), dirs_before + 6);
    moved = std::move(*other);  // the overwritten reader's fds are released
    EXPECT_EQ(CgroupDirFdsInUse(), dirs_before + 3);
  }
  EXPECT_EQ(CgroupDirFdsInUse(), dirs_before);
  EXPECT_EQ(KeptFileFdsCap(), cap_before);
}

// A v2 container's files: 2 sentinels, 8 other per-tick files and 2 slow ones (limits).
void WriteV2ContainerFiles(const TempTree& tree, const std::string& c) {
  tree.Write(c + "/cgroup.procs", "");
  tree.Write(c + "/cpu.stat", "usage_usec 1\nuser_usec 1\nsystem_usec 0\n");
  tree.Write(c + "/memory.current", "4096\n");
  tree.Write(c + "/memory.peak", "4096\n");
  tree.Write(c + "/memory.stat", "anon 1\nfile 2\n");
  tree.Write(c + "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
  tree.Write(c + "/pids.current", "1\n");
  tree.Write(c + "/io.stat", "8:0 rbytes=1 wbytes=2 rios=1 wios=1 dbytes=0 dios=0\n");
  tree.Write(c + "/cpu.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  tree.Write(c + "/memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  tree.Write(c + "/io.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  tree.Write(c + "/memory.max", "max\n");  // slow files: last in line for fds
  tree.Write(c + "/pids.max", "max\n");
}

// In a death test's child, before KeptFileFdsCap first reads the limit.
void LowerSoftFdLimitTo(rlim_t limit) {
  rlimit rl{};
  ::getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = std::min(limit, rl.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &rl);
}

// When fds run short, every reader keeps its two sentinel files (read every tick) open and the
// other per-tick files (read only on full reads) and the slow files (limits) give way. Runs in a
// child process (a death test re-executes the binary) so it can lower RLIMIT_NOFILE before
// KeptFileFdsCap first reads it.
TEST(CgroupReaderFdBudgetTest, SentinelsKeepTheirFdsWhenTheCapRunsShort) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // 1,000 fds: the cap is 1,000 - 256 (reserve) - 80 (one dir each) = 664, and 80 readers
        // want ~10 per-tick files each, so filling in open order would starve the last ~14.
        LowerSoftFdLimitTo(1000);
        testing::TempTree tree;
        constexpr int kReaders = 80;
        std::vector<CgroupReader> readers;
        for (int i = 0; i < kReaders; ++i) {
          const std::string c = "c" + std::to_string(i);
          WriteV2ContainerFiles(tree, c);
        }
        const CgroupLayout layout = MakeLayoutForTesting(CgroupMode::kV2, tree.root());
        for (int i = 0; i < kReaders; ++i) {
          auto r = CgroupReader::Open(layout, "c" + std::to_string(i));
          if (!r.ok()) _exit(2);
          readers.push_back(std::move(r).value());
        }
        CgroupSnapshot s;
        for (CgroupReader& r : readers) {
          if (!r.Read(&s).ok()) _exit(3);
        }
        int starved = 0;
        for (const CgroupReader& r : readers) starved += r.open_file_fds_for_testing() < 2;
        const bool within_cap = KeptFileFdsInUse() <= KeptFileFdsCap();
        const bool cap_reached = KeptFileFdsInUse() + 2 * kReaders >= KeptFileFdsCap();
        std::fprintf(stderr, "starved=%d kept=%zu cap=%zu\n", starved, KeptFileFdsInUse(),
                     KeptFileFdsCap());
        _exit(starved == 0 && within_cap && cap_reached ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "starved=0");
}

// When every file of every reader fits under the cap, every file keeps its fd: the limit files
// too (a fixed reserve of 16 per-tick fds per reader, counting kept ones again, left them none).
// And when they do not all fit, the sentinels and then the per-tick files get fds first. Runs in
// a child process for the same reason as the test above.
TEST(CgroupReaderFdBudgetTest, EveryFileKeepsItsFdWhenTheyFitAndLimitFilesGiveWayWhenNot) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // 1,000 fds: cap = 1,000 - 256 (reserve) - one dir per reader. Each reader wants 12
        // files: 2 sentinels, 8 other per-tick files, 2 limits.
        LowerSoftFdLimitTo(1000);
        testing::TempTree tree;
        std::vector<CgroupReader> readers;
        // Adds readers until there are `total`, then reads them all `rounds` times.
        auto run = [&](int total, int rounds) {
          for (int i = static_cast<int>(readers.size()); i < total; ++i) {
            const std::string c = "c" + std::to_string(i);
            WriteV2ContainerFiles(tree, c);
            auto r = CgroupReader::Open(
                MakeLayoutForTesting(CgroupMode::kV2, tree.root()), c,
                CgroupReaderOptions{.slow_file_every = 2, .idle_full_read_every = 1});
            if (!r.ok()) _exit(2);
            readers.push_back(std::move(r).value());
          }
          CgroupSnapshot s;
          for (int round = 0; round < rounds; ++round) {
            for (CgroupReader& r : readers) {
              if (!r.Read(&s).ok()) _exit(3);
            }
          }
          std::vector<size_t> fds;
          for (const CgroupReader& r : readers) fds.push_back(r.open_file_fds_for_testing());
          return fds;
        };
        // 40 readers: 480 files under a cap of 704.
        std::vector<size_t> fits = run(40, 1);
        const bool all_kept =
            std::all_of(fits.begin(), fits.end(), [](size_t n) { return n == 12; });
        const size_t kept_fitting = KeptFileFdsInUse();
        // 20 more (60): 720 files under a cap of 684. After a few rounds every reader keeps its
        // 10 sentinel and per-tick files, the limit files have what is left, and the cap holds.
        std::vector<size_t> tight = run(60, 6);
        const bool per_tick_kept =
            std::all_of(tight.begin(), tight.end(), [](size_t n) { return n >= 10; });
        const bool within_cap = KeptFileFdsInUse() <= KeptFileFdsCap();
        const bool cap_used = KeptFileFdsInUse() + 4 >= KeptFileFdsCap();
        std::fprintf(stderr, "all_kept=%d kept=%zu per_tick_kept=%d kept=%zu cap=%zu\n", all_kept,
                     kept_fitting, per_tick_kept, KeptFileFdsInUse(), KeptFileFdsCap());
        _exit(all_kept && per_tick_kept && within_cap && cap_used ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "all_kept=1");
}

TEST_F(CgroupReaderTempTest, HybridReadsCpuacctOnlyWithoutAUnifiedCpuStat) {
  tree_.Write("unified/c/cgroup.procs", "");
  tree_.Write("unified/c/cpu.stat", "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
  tree_.Write("cpuacct/c/cgroup.procs", "");
  tree_.Write("cpuacct/c/cpuacct.usage", "9999000\n");
  tree_.Write("cpuacct/c/cpuacct.stat", "user 1\nsystem 1\n");
  tree_.Write("memory/c/cgroup.procs", "");
  tree_.Write("memory/c/memory.usage_in_bytes", "4096\n");
  CgroupLayout layout = MakeLayoutForTesting(CgroupMode::kHybrid, tree_.root());
  const size_t dirs_before = CgroupDirFdsInUse();
  auto reader = CgroupReader::Open(layout, "c", CgroupReaderOptions{.keep_files_open = true});
  ASSERT_TRUE(reader.ok());
  // unified and memory; the cpuacct directory is only opened if its files are ever needed.
  EXPECT_EQ(CgroupDirFdsInUse(), dirs_before + 2);
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());
  EXPECT_EQ(s.cpu_usage_usec, 5000u);  // exact, from the unified side
  EXPECT_EQ(s.cpu_user_usec, 3000u);
  EXPECT_FALSE(s.v1.cpuacct_usage_ns.has_value()) << "cpuacct.usage must not be read";
  // The unified directory's only file keeps its fd, so that directory is closed; memory's is the
  // primary one and stays.
  EXPECT_EQ(CgroupDirFdsInUse(), dirs_before + 1);
  // Without the unified file (or when it does not parse), cpuacct is the fallback: its directory
  // is opened then, and closed again once its files keep their fds.
  tree_.Write("unified/c/cpu.stat", "usage_usec garbage\n");
  EXPECT_EQ(reader->Read(&s).code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(s.v1.cpuacct_usage_ns, 9999000u);
  EXPECT_EQ(s.cpu_usage_usec, 9999u);
  EXPECT_EQ(CgroupDirFdsInUse(), dirs_before + 1);
  EXPECT_EQ(reader->open_file_fds_for_testing(), 4u);  // unified cpu.stat, cpuacct x2, memory
}

// A directory whose files all keep their own fds is closed (the fds count against the process's
// limit, and at 1,000 containers they are what keeps the limit files from keeping theirs), and
// opened again when a file there needs an openat: here a file that appears after the first read.
TEST_F(CgroupReaderTempTest, DirectoriesAreClosedWhileEveryFileKeepsItsFd) {
  WriteHybridUnifiedMemoryPids();
  tree_.Write("pids/c/pids.max", "100\n");
  auto reader = OpenHybridRereadingEveryTime();
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->open_dir_fds_for_testing(), 3u);  // unified, memory, pids
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());
  EXPECT_EQ(reader->open_dir_fds_for_testing(), 1u);  // memory, the primary: never closed
  EXPECT_EQ(s.pids_max, Limit::Of(100));
  EXPECT_FALSE(s.cpu_pressure.has_value());
  // A file that appears later is found by the next re-probe, through a re-opened directory.
  tree_.Write("unified/c/cpu.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=7\n");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reader->Read(&s).ok());
  ASSERT_TRUE(s.cpu_pressure.has_value());
  EXPECT_EQ(s.cpu_pressure->some->total, 7u);
  EXPECT_EQ(reader->open_dir_fds_for_testing(), 1u);  // and closed again
  EXPECT_EQ(reader->inode(), s.inode);
}

// A closed directory is opened again only if it is still the same directory: a cgroup re-created
// under the same path is another container, whose files must never be read as this one's.
TEST_F(CgroupReaderTempTest, ClosedDirectoryReplacedUnderTheSamePathIsNeverRead) {
  WriteHybridUnifiedMemoryPids();
  auto reader = OpenHybridRereadingEveryTime();
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());
  ASSERT_EQ(reader->open_dir_fds_for_testing(), 1u);  // pids' directory is closed
  // Keep the old directory's inode number from being reused while the new one is made.
  const int old_pids_dir = ::open(tree_.Path("pids/c").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(old_pids_dir, 0);
  tree_.Remove("pids/c");
  tree_.Write("pids/c/cgroup.procs", "");
  tree_.Write("pids/c/pids.current", "50\n");
  tree_.Write("pids/c/pids.max", "60\n");  // re-probed, but in another directory
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(reader->Read(&s).ok());
  ::close(old_pids_dir);
  EXPECT_FALSE(s.pids_max.has_value()) << "read from the re-created directory";
  EXPECT_EQ(s.pids_current, 3u);  // its kept fd still reads the old file (a plain filesystem)
  EXPECT_EQ(reader->open_dir_fds_for_testing(), 1u);
}

TEST_F(CgroupReaderTempTest, HybridNeverProbesControllerFilesOfTheUnifiedTree) {
  // A controller-less unified tree (hybrid) has cpu.stat and PSI only; memory.current there can
  // never appear, so it is neither read (were it present) nor re-probed.
  tree_.Write("unified/c/cgroup.procs", "");
  tree_.Write("unified/c/cpu.stat", "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
  tree_.Write("unified/c/cpu.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=7\n");
  tree_.Write("unified/c/memory.current", "1\n");  // impossible on a real hybrid host
  tree_.Write("memory/c/cgroup.procs", "");
  tree_.Write("memory/c/memory.usage_in_bytes", "4096\n");
  CgroupLayout layout = MakeLayoutForTesting(CgroupMode::kHybrid, tree_.root());
  auto reader = CgroupReader::Open(
      layout, "c",
      CgroupReaderOptions{
          .absent_reprobe_every = 5, .slow_file_every = 1, .idle_full_read_every = 1});
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s;
  ASSERT_TRUE(reader->Read(&s).ok());
  EXPECT_EQ(s.memory_current, 4096u) << "from v1, not the unified tree";
  EXPECT_EQ(s.cpu_pressure->some->total, 7u);
  // After the first read's probes, every read reads the same files: the v1 hierarchies' missing
  // files are re-probed every 5 reads (they could be created there), the unified ones never.
  std::vector<int> files_read;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(reader->Read(&s).ok());
    files_read.push_back(reader->last_read_stats().files_read);
  }
  // 3 present files, plus at each re-probe the missing v1 memory files (none of the other v1
  // hierarchies exist here); never the ~14 missing unified controller files.
  const int steady = *std::min_element(files_read.begin(), files_read.end());
  const int probing = *std::max_element(files_read.begin(), files_read.end());
  EXPECT_EQ(steady, 3);
  EXPECT_LT(probing - steady, 14);
}

TEST_F(CgroupReaderTempTest, RecreatedCgroupHasNewInode) {
  WriteV2("c");
  auto first = CgroupReader::Open(V2(), "c");
  ASSERT_TRUE(first.ok());
  tree_.Remove("c");
  WriteV2("c");
  auto second = CgroupReader::Open(V2(), "c");
  ASSERT_TRUE(second.ok());
  // `first` still holds the old directory open, so its inode number cannot have been reused.
  EXPECT_NE(first->inode(), second->inode());
  EXPECT_EQ(first->Read().error().code(), StatusCode::kNotFound);
  EXPECT_EQ(second->Read()->inode, second->inode());
}

TEST_F(CgroupReaderTempTest, TimestampsComeFromTheInjectedClock) {
  WriteV2("c");
  fgm::testing::FakeClock clock(1'700'000'123'000'000'000);
  auto reader = CgroupReader::Open(V2(), "c", {}, clock);
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s = *reader->Read();
  EXPECT_EQ(s.taken_at_ns, 1'700'000'123'000'000'000);
  EXPECT_EQ(s.read_latency_ns, 0);
}

TEST_F(CgroupReaderTempTest, V1MemswDerivesSwapAndBlkioPrefersRecursive) {
  const std::string rel = "docker/x";
  tree_.Write("memory/" + rel + "/cgroup.procs", "1\n");
  tree_.Write("memory/" + rel + "/memory.usage_in_bytes", "100\n");
  tree_.Write("memory/" + rel + "/memory.limit_in_bytes", "1000\n");
  tree_.Write("memory/" + rel + "/memory.memsw.usage_in_bytes", "150\n");
  tree_.Write("memory/" + rel + "/memory.memsw.limit_in_bytes", "1500\n");
  tree_.Write("blkio/" + rel + "/cgroup.procs", "1\n");
  tree_.Write("blkio/" + rel + "/blkio.throttle.io_service_bytes_recursive",
              "8:0 Read 10\n8:0 Write 20\nTotal 30\n");
  tree_.Write("blkio/" + rel + "/blkio.throttle.io_service_bytes", "8:0 Read 999\nTotal 999\n");
  tree_.Write("cpu/" + rel + "/cgroup.procs", "1\n");
  tree_.Write("cpu/" + rel + "/cpu.cfs_quota_us", "-1\n");
  tree_.Write("cpu/" + rel + "/cpu.cfs_period_us", "100000\n");
  auto reader = CgroupReader::Open(MakeLayoutForTesting(CgroupMode::kV1, tree_.root()), rel);
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s = *reader->Read();
  EXPECT_EQ(s.memory_swap_current, 50u);
  EXPECT_EQ(s.memory_swap_max, Limit::Of(500));
  ASSERT_TRUE(s.io.has_value());
  EXPECT_EQ(s.io->Totals().rbytes, 10u);  // recursive file, not the local one
  EXPECT_FALSE(s.io->devices[0].rios.has_value());
  ASSERT_TRUE(s.cpu_max.has_value());
  EXPECT_TRUE(s.cpu_max->quota_usec.unlimited());
  EXPECT_THAT(reader->primary_dir(), HasSubstr("/memory/docker/x"));

  // An old kernel without the _recursive files: the local ones are used.
  tree_.Remove("blkio/" + rel + "/blkio.throttle.io_service_bytes_recursive");
  auto old = CgroupReader::Open(MakeLayoutForTesting(CgroupMode::kV1, tree_.root()), rel);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->Read()->io->Totals().rbytes, 999u);
}

TEST_F(CgroupReaderTempTest, HybridContainerWithoutUnifiedDirUsesV1Only) {
  tree_.Write("memory/c/cgroup.procs", "1\n");
  tree_.Write("memory/c/memory.usage_in_bytes", "5\n");
  tree_.MakeDir("unified");
  auto reader = CgroupReader::Open(MakeLayoutForTesting(CgroupMode::kHybrid, tree_.root()), "c");
  ASSERT_TRUE(reader.ok());
  CgroupSnapshot s = *reader->Read();
  EXPECT_EQ(s.memory_current, 5u);
  EXPECT_FALSE(s.cpu_pressure.has_value());
}

}  // namespace
}  // namespace fgm::collector

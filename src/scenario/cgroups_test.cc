// SPDX-License-Identifier: Apache-2.0
// CgroupHost on fake trees in a temp dir: layout detection (v2, hybrid with a co-mounted
// cpu,cpuacct, none), limit knobs written where a hierarchy has them, pid union, OOM counters.
#include "scenario/cgroups.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "core/file.h"

namespace fgm::scenario {
namespace {

namespace fs = std::filesystem;

class FakeCgroupTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm-cgroups-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  void File(const std::string& rel, const std::string& text = "") {
    ASSERT_TRUE(MakeDirs(DirName(root_ + "/" + rel)).ok());
    ASSERT_TRUE(WriteFileAtomically(root_ + "/" + rel, text).ok());
  }
  std::string Read(const std::string& rel) {
    return ReadFileToString(root_ + "/" + rel).value_or("<missing>");
  }
  std::string root_;
};

TEST_F(FakeCgroupTree, DetectsHybridAndDedupesCoMountedControllers) {
  File("memory/cgroup.procs");
  File("cpu,cpuacct/cgroup.procs");
  fs::create_directory_symlink(root_ + "/cpu,cpuacct", root_ + "/cpu");
  fs::create_directory_symlink(root_ + "/cpu,cpuacct", root_ + "/cpuacct");
  File("unified/cgroup.procs");
  File("systemd/cgroup.procs");  // named hierarchies are not ours to touch
  auto host = CgroupHost::Detect(root_);
  ASSERT_TRUE(host.ok()) << host.error().ToString();
  EXPECT_FALSE(host->is_v2());
  EXPECT_EQ(host->roots(),
            (std::vector<std::string>{root_ + "/memory", root_ + "/cpu", root_ + "/unified"}));
}

TEST_F(FakeCgroupTree, DetectsV2AndNothing) {
  EXPECT_EQ(CgroupHost::Detect(root_).error().code(), StatusCode::kUnsupported);
  File("cgroup.controllers", "cpu memory pids io\n");
  auto host = CgroupHost::Detect(root_);
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->is_v2());
  EXPECT_EQ(host->roots(), std::vector<std::string>{root_});
}

TEST_F(FakeCgroupTree, WritesTheLimitsEachHierarchyHas) {
  File("memory/cgroup.procs");
  File("cpu/cgroup.procs");
  File("pids/cgroup.procs");
  const std::string rel = "fgm.slice/r.slice/p.slice/c-0.scope";
  for (const char* knob : {"memory/" /**/, "cpu/", "pids/"})
    File(std::string(knob) + rel + "/cgroup.procs");
  File("memory/" + rel + "/memory.limit_in_bytes");
  File("cpu/" + rel + "/cpu.cfs_quota_us");
  File("cpu/" + rel + "/cpu.cfs_period_us");
  File("pids/" + rel + "/pids.max");
  auto host = CgroupHost::Detect(root_);
  ASSERT_TRUE(host.ok());
  ASSERT_TRUE(
      host->Create(rel, {.cpu_millicores = 250, .memory_bytes = 64 << 20, .pids = 32}).ok());
  EXPECT_EQ(Read("memory/" + rel + "/memory.limit_in_bytes"), "67108864");
  EXPECT_EQ(Read("cpu/" + rel + "/cpu.cfs_quota_us"), "25000");
  EXPECT_EQ(Read("cpu/" + rel + "/cpu.cfs_period_us"), "100000");
  EXPECT_EQ(Read("pids/" + rel + "/pids.max"), "32");
  // No knob file in a hierarchy: nothing is created there (it lacks the controller).
  EXPECT_FALSE(fs::exists(root_ + "/memory/" + rel + "/cpu.max"));
  EXPECT_TRUE(host->Exists(rel));
  EXPECT_FALSE(host->Exists("fgm.slice/other"));
  EXPECT_EQ(host->ProcsFiles(rel).size(), 3u);
}

TEST_F(FakeCgroupTree, V2CpuMaxAndOomEvents) {
  File("cgroup.controllers", "cpu memory\n");
  File("a/cpu.max");
  File("a/memory.max");
  File("a/memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n");
  auto host = CgroupHost::Detect(root_);
  ASSERT_TRUE(host.ok());
  ASSERT_TRUE(host->Create("a", {.cpu_millicores = 50, .memory_bytes = 1 << 20}).ok());
  EXPECT_EQ(Read("a/cpu.max"), "5000 100000");
  EXPECT_EQ(Read("a/memory.max"), "1048576");
  EXPECT_EQ(host->OomKills("a"), 2u);
  EXPECT_EQ(host->OomKills("missing"), 0u);
}

TEST_F(FakeCgroupTree, V1OomControlAndPidUnion) {
  File("memory/cgroup.procs");
  File("cpu/cgroup.procs");
  File("memory/x/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
  File("memory/x/cgroup.procs", "12\n34\n");
  File("cpu/x/cgroup.procs", "34\n56");
  auto host = CgroupHost::Detect(root_);
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->OomKills("x"), 3u);
  EXPECT_EQ(host->Pids("x"), (std::vector<pid_t>{12, 34, 56}));
  EXPECT_TRUE(host->Pids("nothing").empty());
}

}  // namespace
}  // namespace fgm::scenario

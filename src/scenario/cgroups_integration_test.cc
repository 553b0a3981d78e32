// SPDX-License-Identifier: Apache-2.0
// CgroupHost and Launch on this machine's real cgroups (root only): a process started inside a
// limited cgroup is charged there, an allocation past the memory limit is OOM-killed and
// classified OOMKilled from the cgroup's own counter, and KillAndRemove leaves nothing behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario/cgroups.h"
#include "scenario/launcher.h"
#include "scenario/restart_policy.h"

namespace fgm::scenario {
namespace {

class RealCgroups : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    auto host = CgroupHost::Detect();
    if (!host.ok()) GTEST_SKIP() << host.error().ToString();
    host_ = std::make_unique<CgroupHost>(*host);
    parent_ = "fgm.slice/fgm-test-" + std::to_string(getpid()) + ".slice";
  }
  void TearDown() override {
    if (host_) {
      EXPECT_TRUE(host_->KillAndRemove(parent_).ok());
      host_->RemoveIfEmpty("fgm.slice");
      EXPECT_FALSE(host_->Exists(parent_));
    }
  }
  std::unique_ptr<CgroupHost> host_;
  std::string parent_;
};

TEST_F(RealCgroups, StartsInsideAndRemovesEverything) {
  const std::string rel = parent_ + "/p.slice/sleeper-0.scope";
  ASSERT_TRUE(
      host_->Create(rel, {.cpu_millicores = 100, .memory_bytes = 32 << 20, .pids = 8}).ok());
  LaunchSpec spec;
  spec.argv = {"/bin/sleep", "60"};
  spec.procs_files = host_->ProcsFiles(rel);
  auto pid = Launch(spec);
  ASSERT_TRUE(pid.ok()) << pid.error().ToString();
  EXPECT_EQ(host_->Pids(rel), std::vector<pid_t>{*pid});
  EXPECT_EQ(host_->OomKills(rel), 0u);
  // A zombie stays in the cgroup until reaped, so reap concurrently with the removal.
  std::thread reaper([&] { waitpid(*pid, nullptr, 0); });
  EXPECT_TRUE(host_->KillAndRemove(rel).ok());
  reaper.join();
  EXPECT_FALSE(host_->Exists(rel));
  EXPECT_NE(kill(*pid, 0), 0);
}

TEST_F(RealCgroups, OomKillIsClassifiedFromTheCgroupCounter) {
  const std::string rel = parent_ + "/p.slice/hog-0.scope";
  ASSERT_TRUE(host_->Create(rel, {.memory_bytes = 32 << 20}).ok());
  LaunchSpec spec;
  // Grows a shell variable without bound: the kernel's OOM killer ends it at the 32 MiB limit.
  spec.argv = {"/bin/sh", "-c", "x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done"};
  spec.procs_files = host_->ProcsFiles(rel);
  auto pid = Launch(spec);
  ASSERT_TRUE(pid.ok()) << pid.error().ToString();
  int status = 0;
  ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  ExitInfo info = ClassifyExit(status, host_->OomKills(rel));
  EXPECT_EQ(info.reason, "OOMKilled") << info.message;
  EXPECT_EQ(info.exit_code, 137);
  EXPECT_GE(host_->OomKills(rel), 1u);
}

}  // namespace
}  // namespace fgm::scenario

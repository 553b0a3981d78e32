// SPDX-License-Identifier: Apache-2.0
// Launch with real processes: the child joins the "cgroup" (any cgroup.procs-like file takes its
// pid), logs go to the file, an ignored SIGPIPE in the parent does not leak into the child, and a
// failure before exec is reported with the step that failed.
#include "scenario/launcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"
#include "core/strings.h"

namespace fgm::scenario {
namespace {

using ::testing::HasSubstr;

class LauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm-launcher-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(LauncherTest, JoinsCgroupsLogsAndResetsSignals) {
  LaunchSpec spec;
  // Dies by SIGPIPE if (and only if) the disposition was reset to the default.
  spec.argv = {"/bin/sh", "-c", "echo hello from $MARK; echo oops >&2; kill -PIPE $$"};
  spec.env = {{"MARK", "child"}, {"PATH", "/usr/bin:/bin"}};
  spec.procs_files = {dir_ + "/a.procs", dir_ + "/b.procs"};
  for (const auto& f : spec.procs_files) ASSERT_TRUE(WriteFileAtomically(f, "").ok());
  spec.log_path = dir_ + "/log";
  signal(SIGPIPE, SIG_IGN);
  auto pid = Launch(spec);
  signal(SIGPIPE, SIG_DFL);
  ASSERT_TRUE(pid.ok()) << pid.error().ToString();
  int status = 0;
  ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGPIPE);
  for (const auto& f : spec.procs_files) {
    EXPECT_EQ(*ReadFileToString(f), std::to_string(*pid)) << f;
  }
  EXPECT_EQ(*ReadFileToString(spec.log_path), "hello from child\noops\n");
}

TEST_F(LauncherTest, ReportsTheFailingStep) {
  LaunchSpec missing;
  missing.argv = {dir_ + "/no-such-binary"};
  auto r = Launch(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("exec"));

  LaunchSpec bad_cgroup;
  bad_cgroup.argv = {"/bin/true"};
  bad_cgroup.procs_files = {dir_ + "/no-such-dir/cgroup.procs"};
  r = Launch(bad_cgroup);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("join cgroup"));

  LaunchSpec bad_user;
  bad_user.argv = {"/bin/true"};
  bad_user.user = "no-such-user-fgm";
  r = Launch(bad_user);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
}

TEST_F(LauncherTest, DetachedDaemonIsNotOurChild) {
  LaunchSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo $$ > " + dir_ + "/pid; sleep 30"};
  auto pid = LaunchDetached(spec);
  ASSERT_TRUE(pid.ok()) << pid.error().ToString();
  // Not our child: waitpid refuses it.
  EXPECT_EQ(waitpid(*pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  // Its own session.
  EXPECT_EQ(getsid(*pid), *pid);
  EXPECT_EQ(kill(*pid, SIGKILL), 0);
}

TEST(BaseEnvironment, HasPathAndHome) {
  auto env = BaseEnvironment("");
  EXPECT_EQ(env.at("HOME"), "/root");
  EXPECT_THAT(env.at("PATH"), HasSubstr("/usr/bin"));
}

}  // namespace
}  // namespace fgm::scenario

// SPDX-License-Identifier: Apache-2.0
// state.json round trip, run ids, the state directory's run lookup and process liveness.
#include "scenario/run_state.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/file.h"
#include "scenario/spec.h"

namespace fgm::scenario {
namespace {

RunState Sample() {
  RunState s;
  s.run_id = "ab12cd34";
  s.scenario = "crash-loop";
  s.backend = "local";
  s.phase = "running";
  s.created_ms = 1764080000123;
  s.supervisor_pid = 42;
  s.shared_dir = "/tmp/fgm-run-ab12cd34-x";
  s.namespace_name = "fgm-run-ab12cd34";
  ContainerStatus c;
  c.pod = "flaky";
  c.name = "app";
  c.state = "backoff";
  c.restarts = 3;
  c.instance = 3;
  c.cgroup_path = "fgm.slice/fgm-run-ab12cd34.slice/flaky.slice/app-3.scope";
  c.container_id = "ab12cd34/flaky/app-3";
  c.last_exit_code = 141;
  c.last_signal = 13;
  c.last_reason = "Signal";
  c.last_message = "killed by SIGPIPE";
  c.next_start_ms = 1764080010123;
  s.containers.push_back(c);
  c.name = "db";
  c.last_exit_code.reset();
  c.last_signal.reset();
  s.containers.push_back(c);
  return s;
}

TEST(RunState, RoundTrips) {
  RunState s = Sample();
  auto parsed = ParseRunState(FormatRunState(s));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, s);
}

TEST(RunState, RejectsBadInput) {
  EXPECT_FALSE(ParseRunState("").ok());
  EXPECT_FALSE(ParseRunState("[]").ok());
  EXPECT_FALSE(ParseRunState(R"({"phase": "running"})").ok());  // no run id
  EXPECT_FALSE(ParseRunState(R"({"run_id": "a", "created_ms": "soon"})").ok());
  EXPECT_FALSE(ParseRunState(R"({"run_id": "a", "containers": [{"restarts": "3"}]})").ok());
  EXPECT_FALSE(ParseRunState(R"({"run_id": "a", "containers": {}})").ok());
}

TEST(NewRunId, EightCharactersAndADnsLabel) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRunId();
    ASSERT_EQ(id.size(), 8u);
    ASSERT_TRUE(IsDnsLabel(id)) << id;
    ASSERT_TRUE(id[0] >= 'a' && id[0] <= 'z') << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(StateDir, LatestAndResolve) {
  char tmpl[] = "/tmp/fgm-state-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  StateDir dir(tmpl);
  EXPECT_EQ(dir.LatestRun().error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(dir.ListRuns().empty());
  RunState s = Sample();
  ASSERT_TRUE(MakeDirs(dir.run_dir(s.run_id)).ok());
  ASSERT_TRUE(WriteRunState(dir, s).ok());
  ASSERT_TRUE(WriteFileAtomically(dir.latest_file(), s.run_id + "\n").ok());
  EXPECT_EQ(*dir.LatestRun(), s.run_id);
  EXPECT_EQ(*dir.ResolveRun(""), s.run_id);
  EXPECT_EQ(*dir.ResolveRun(s.run_id), s.run_id);
  EXPECT_FALSE(dir.ResolveRun("zz99zz99").ok());
  EXPECT_FALSE(dir.ResolveRun("../../etc").ok());
  EXPECT_EQ(dir.ListRuns(), std::vector<std::string>{s.run_id});
  EXPECT_EQ(*ReadRunState(dir, s.run_id), s);
  EXPECT_EQ(dir.log_file("r", "pod", "c"), std::string(tmpl) + "/runs/r/logs/pod_c.log");
  std::filesystem::remove_all(tmpl);
}

TEST(ProcessAlive, LiveZombieAndGone) {
  EXPECT_TRUE(ProcessAlive(getpid()));
  EXPECT_FALSE(ProcessAlive(0));
  pid_t child = fork();
  if (child == 0) _exit(0);
  // Until reaped the child is a zombie, which does not count as alive.
  for (int i = 0; i < 200 && ProcessAlive(child); ++i) usleep(5000);
  EXPECT_FALSE(ProcessAlive(child));
  waitpid(child, nullptr, 0);
  EXPECT_FALSE(ProcessAlive(child));
}

}  // namespace
}  // namespace fgm::scenario

// SPDX-License-Identifier: Apache-2.0
// Back-off arithmetic and wait-status classification, including statuses of real children.
#include "scenario/restart_policy.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fgm::scenario {
namespace {

TEST(RestartDelayMs, DoublesFromTenSecondsToFiveMinutes) {
  BackoffPolicy p;
  std::vector<int64_t> delays;
  for (int n = 1; n <= 8; ++n) delays.push_back(RestartDelayMs(p, n));
  EXPECT_EQ(delays, (std::vector<int64_t>{10'000, 20'000, 40'000, 80'000, 160'000, 300'000, 300'000,
                                          300'000}));
  EXPECT_EQ(RestartDelayMs(p, 1000), 300'000);  // no overflow far out
  BackoffPolicy fast{.initial_ms = 2'000};
  EXPECT_EQ(RestartDelayMs(fast, 3), 8'000);
}

TEST(NextConsecutiveFailures, ResetsAfterTenMinutesOfRunning) {
  BackoffPolicy p;
  EXPECT_EQ(NextConsecutiveFailures(p, 0, 1'000), 1);
  EXPECT_EQ(NextConsecutiveFailures(p, 3, 599'999), 4);
  EXPECT_EQ(NextConsecutiveFailures(p, 5, 600'000), 1);
}

TEST(ShouldRestart, Policies) {
  EXPECT_TRUE(ShouldRestart(RestartPolicy::kAlways, 0));
  EXPECT_TRUE(ShouldRestart(RestartPolicy::kAlways, 1));
  EXPECT_FALSE(ShouldRestart(RestartPolicy::kOnFailure, 0));
  EXPECT_TRUE(ShouldRestart(RestartPolicy::kOnFailure, 141));
  EXPECT_FALSE(ShouldRestart(RestartPolicy::kNever, 1));
}

// The wait status of a real child that ends as `body` makes it end.
template <typename Fn>
int StatusOf(Fn body) {
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(ClassifyExit, ExitCodesSignalsAndOom) {
  ExitInfo ok = ClassifyExit(StatusOf([] { _exit(0); }), 0);
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.reason, "Completed");
  EXPECT_FALSE(ok.signal.has_value());

  ExitInfo err = ClassifyExit(StatusOf([] { _exit(1); }), 0);
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_EQ(err.reason, "Error");

  ExitInfo pipe = ClassifyExit(StatusOf([] {
                                 signal(SIGPIPE, SIG_DFL);
                                 raise(SIGPIPE);
                               }),
                               0);
  EXPECT_EQ(pipe.exit_code, 141);
  EXPECT_EQ(pipe.signal, 13);
  EXPECT_EQ(pipe.reason, "Signal");
  EXPECT_NE(pipe.message.find("SIGPIPE"), std::string::npos) << pipe.message;

  int killed = StatusOf([] { raise(SIGKILL); });
  ExitInfo plain_kill = ClassifyExit(killed, 0);
  EXPECT_EQ(plain_kill.exit_code, 137);
  EXPECT_EQ(plain_kill.reason, "Signal");
  ExitInfo oom = ClassifyExit(killed, 1);
  EXPECT_EQ(oom.exit_code, 137);
  EXPECT_EQ(oom.signal, 9);
  EXPECT_EQ(oom.reason, "OOMKilled");
  // An OOM kill in the cgroup does not turn a SIGTERM into OOMKilled.
  EXPECT_EQ(ClassifyExit(StatusOf([] { raise(SIGTERM); }), 1).reason, "Signal");
}

}  // namespace
}  // namespace fgm::scenario

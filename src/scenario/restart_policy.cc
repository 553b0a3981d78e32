// SPDX-License-Identifier: Apache-2.0
// Backoff arithmetic and exit classification for the local supervisor.
#include "scenario/restart_policy.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <algorithm>

namespace fgm::scenario {

int64_t RestartDelayMs(const BackoffPolicy& policy, int consecutive_failures) {
  int64_t delay = policy.initial_ms;
  for (int i = 1; i < consecutive_failures && delay < policy.max_ms; ++i) delay *= 2;
  return std::min(delay, policy.max_ms);
}

int NextConsecutiveFailures(const BackoffPolicy& policy, int previous, int64_t ran_ms) {
  return ran_ms >= policy.reset_after_ms ? 1 : previous + 1;
}

bool ShouldRestart(RestartPolicy policy, int exit_code) {
  switch (policy) {
    case RestartPolicy::kAlways:
      return true;
    case RestartPolicy::kOnFailure:
      return exit_code != 0;
    case RestartPolicy::kNever:
      return false;
  }
  return false;
}

ExitInfo ClassifyExit(int wait_status, uint64_t oom_kills) {
  ExitInfo info;
  if (WIFEXITED(wait_status)) {
    info.exit_code = WEXITSTATUS(wait_status);
    info.reason = info.exit_code == 0 ? "Completed" : "Error";
    info.message = "exited with code " + std::to_string(info.exit_code);
    return info;
  }
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    info.signal = sig;
    info.exit_code = 128 + sig;
    const char* abbrev = sigabbrev_np(sig);
    std::string name = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
    if (sig == SIGKILL && oom_kills > 0) {
      info.reason = "OOMKilled";
      info.message = "killed by the OOM killer (memory limit reached)";
    } else {
      info.reason = "Signal";
      info.message = "killed by " + name;
    }
    return info;
  }
  info.exit_code = 255;  // stopped/continued statuses never reach here (no WUNTRACED)
  info.reason = "Error";
  info.message = "unexpected wait status " + std::to_string(wait_status);
  return info;
}

}  // namespace fgm::scenario

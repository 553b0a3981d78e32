// SPDX-License-Identifier: Apache-2.0
// The supervisor's decisions, kept pure so they are unit-tested without processes: the
// CrashLoopBackOff-like restart delay (kubelet's 10 s doubling to 5 min, reset after 10 min of
// running) and how a wait status becomes what kubelet would report (exit code, signal, reason).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scenario/spec.h"

namespace fgm::scenario {

struct BackoffPolicy {
  /// First restart delay; kubelet's initial CrashLoopBackOff is 10 s.
  int64_t initial_ms = 10'000;
  /// Cap; kubelet's MaxContainerBackOff is 300 s.
  int64_t max_ms = 300'000;
  /// A container that ran this long before exiting starts the backoff over (kubelet: 10 min).
  int64_t reset_after_ms = 600'000;
};

/// Delay before the restart that follows `consecutive_failures` quick exits (1 for the first):
/// initial * 2^(n-1), capped at max. REQUIRES: consecutive_failures >= 1.
int64_t RestartDelayMs(const BackoffPolicy& policy, int consecutive_failures);

/// The consecutive-failure count after an instance that ran `ran_ms` ended, given the count
/// before: a long run resets the streak to 1.
int NextConsecutiveFailures(const BackoffPolicy& policy, int previous, int64_t ran_ms);

/// Whether the pod's policy restarts a container that ended with `exit_code`.
bool ShouldRestart(RestartPolicy policy, int exit_code);

/// How a container ended, as kubelet reports it in lastState.terminated.
struct ExitInfo {
  /// The shell convention for signals (128 + signal), so SIGPIPE is 141 and SIGKILL 137.
  int exit_code = 0;
  std::optional<int> signal;
  /// "Completed" (exit 0), "Error" (non-zero exit), "OOMKilled" (SIGKILL with an OOM kill in
  /// the container's cgroup), "Signal" (any other signal).
  std::string reason;
  std::string message;
};

/// Classifies a waitpid() status. `oom_kills` is the number of OOM kills recorded in the
/// instance's own memory cgroup (memory.events or memory.oom_control), 0 if unknown.
ExitInfo ClassifyExit(int wait_status, uint64_t oom_kills);

}  // namespace fgm::scenario

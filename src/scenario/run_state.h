// SPDX-License-Identifier: Apache-2.0
// A run's state on disk. The state directory (default /var/lib/fgm/scenarios, or $FGM_STATE_DIR)
// holds, per run, runs/<id>/{state.json, run.json, logs/<pod>_<container>.log, supervisor.log},
// plus what the runs share: metadata/ (the monitor's --local-metadata-dir, with events/), data/
// (the dataset) and monitor.json (the monitor a scenario started). The supervisor rewrites
// state.json atomically on every change; `status`, `logs` and `stop` only read it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace fgm::scenario {

/// The state directory's layout (no I/O except where a method says so).
class StateDir {
 public:
  explicit StateDir(std::string root) : root_(std::move(root)) {}

  /// $FGM_STATE_DIR if set, else /var/lib/fgm/scenarios.
  static std::string DefaultRoot();

  const std::string& root() const { return root_; }
  std::string run_dir(std::string_view run) const { return root_ + "/runs/" + std::string(run); }
  std::string state_file(std::string_view run) const { return run_dir(run) + "/state.json"; }
  std::string run_file(std::string_view run) const { return run_dir(run) + "/run.json"; }
  std::string log_file(std::string_view run, std::string_view pod,
                       std::string_view container) const {
    return run_dir(run) + "/logs/" + std::string(pod) + "_" + std::string(container) + ".log";
  }
  std::string metadata_dir() const { return root_ + "/metadata"; }
  std::string dataset_dir() const { return root_ + "/data"; }
  std::string monitor_file() const { return root_ + "/monitor.json"; }
  std::string latest_file() const { return root_ + "/latest"; }

  /// Run ids, oldest first (by directory mtime). Empty when there are none.
  std::vector<std::string> ListRuns() const;
  /// The run named in `latest`; kNotFound when no run was ever started here.
  Result<std::string> LatestRun() const;
  /// `run` if non-empty (checked to exist), else LatestRun().
  Result<std::string> ResolveRun(std::string_view run) const;

 private:
  std::string root_;
};

/// A fresh 8-character run id ([a-z0-9], starting with a letter so it is a valid DNS label).
std::string NewRunId();

struct ContainerStatus {
  std::string pod;
  std::string name;
  /// "waiting" (not started yet), "running", "backoff" (CrashLoopBackOff), "exited" (not
  /// restarted by policy), "stopped" (by `stop` or the end of --duration), "failed" (could not
  /// start at all).
  std::string state = "waiting";
  int restarts = 0;
  int instance = 0;
  pid_t pid = 0;
  std::string cgroup_path;  // relative to the hierarchy roots
  std::string container_id;
  int64_t started_ms = 0;
  int64_t next_start_ms = 0;  // while in backoff
  std::optional<int> last_exit_code;
  std::optional<int> last_signal;
  std::string last_reason;
  std::string last_message;

  friend bool operator==(const ContainerStatus&, const ContainerStatus&) = default;
};

struct RunState {
  std::string run_id;
  std::string scenario;
  std::string backend;  // "local" or "kubernetes"
  /// "starting", "running", "stopping", "stopped" (by `stop`), "finished" (end of --duration),
  /// "failed".
  std::string phase = "starting";
  std::string message;
  int64_t created_ms = 0;
  int64_t ends_ms = 0;  // 0: runs until stopped
  pid_t supervisor_pid = 0;
  /// Directory the run's containers share ({{RUN_DIR}}: sockets, port files, the database).
  std::string shared_dir;
  std::string namespace_name;
  std::vector<ContainerStatus> containers;

  friend bool operator==(const RunState&, const RunState&) = default;
};

std::string FormatRunState(const RunState& state);
/// kInvalidFormat for malformed JSON or wrong field types.
Result<RunState> ParseRunState(std::string_view json_text);
Result<RunState> ReadRunState(const StateDir& dir, std::string_view run);
Status WriteRunState(const StateDir& dir, const RunState& state);

/// Whether `pid` is alive and not a zombie (reads /proc/<pid>/stat).
bool ProcessAlive(pid_t pid);

/// Whether the phase means someone (a supervisor) is still responsible for the run.
inline bool IsActivePhase(std::string_view phase) {
  return phase == "starting" || phase == "running" || phase == "stopping";
}

int64_t WallMs();

}  // namespace fgm::scenario

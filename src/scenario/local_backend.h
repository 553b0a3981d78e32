// SPDX-License-Identifier: Apache-2.0
// The local backend: runs a scenario on this host's real cgroups. `StartLocalRun` prepares the
// run, makes sure a monitor is recording (`fgm monitor` with the local cgroup pattern and
// metadata directory), starts the supervisor daemon and returns once every container runs.
// `Supervise` is that daemon: it starts each container in its own cgroup (a new one for every
// restart, like kubelet, so the monitor sees a new instance with a fresh counter base), keeps the
// restart policy with CrashLoopBackOff-like delays, and writes exit/restart events with exit
// codes, signals and OOM kills for the monitor to ingest. `StopLocalRun` ends it all and removes
// every process and cgroup the run made.
//
//   StateDir dir(StateDir::DefaultRoot());
//   FGM_ASSIGN_OR_RETURN(ScenarioSpec spec, LoadScenario(scenarios_dir, "memory-leak"));
//   FGM_ASSIGN_OR_RETURN(std::string run, StartLocalRun(dir, spec, options, stderr));
//   ...
//   FGM_RETURN_IF_ERROR(StopLocalRun(dir, run, stderr));
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/result.h"
#include "scenario/restart_policy.h"
#include "scenario/run_state.h"
#include "scenario/spec.h"

namespace fgm::scenario {

/// The monitor's --cgroup-pattern for local runs: one slice per run, one per pod, one scope per
/// container instance ("<container>-<instance>"); the container id is "<run>/<pod>/<scope name>".
inline constexpr std::string_view kLocalCgroupPattern =
    "fgm.slice/fgm-run-{run}.slice/{pod}.slice/{container}.scope";

/// "fgm.slice/fgm-run-<run>.slice"
std::string RunSliceCgroup(std::string_view run);
/// "fgm.slice/fgm-run-<run>.slice/<pod>.slice/<container>-<instance>.scope"
std::string InstanceCgroup(std::string_view run, std::string_view pod, std::string_view container,
                           int instance);
/// "<run>/<pod>/<container>-<instance>": what the monitor derives from the cgroup path.
std::string InstanceContainerId(std::string_view run, std::string_view pod,
                                std::string_view container, int instance);
/// "fgm-run-<run>"
std::string RunNamespace(std::string_view run);

struct LocalRunOptions {
  /// The fgm binary (started as the supervisor and, if needed, the monitor).
  std::string fgm_binary;
  std::string workload_binary;
  /// Stop the run by itself after this long; 0 = until `stop`.
  int64_t duration_ms = 0;
  BackoffPolicy backoff;
  /// Start `fgm monitor` for the state directory when none is running.
  bool start_monitor = true;
  std::string cgroup_root = "/sys/fs/cgroup";
  /// How long `run` waits for every container to start.
  int64_t start_timeout_ms = 60'000;
};

/// Starts a run and returns its id once all containers are running. Progress lines go to
/// `progress` (stderr in the CLI). kUnsupported when the host has no usable cgroups, kNotFound
/// for a missing binary, kInternal when the supervisor dies or a container cannot start.
Result<std::string> StartLocalRun(const StateDir& dir, const ScenarioSpec& spec,
                                  const LocalRunOptions& options, std::FILE* progress);

/// The supervisor (hidden `fgm scenario supervise RUN`): runs until SIGTERM/SIGINT or the end of
/// the run's duration, then stops the containers, removes the run's cgroups, metadata and
/// shared directory, and stops the monitor when no other run needs it.
Status Supervise(const StateDir& dir, const std::string& run_id);

/// Stops a run: SIGTERM to its supervisor (waiting for its cleanup), then removes anything left
/// (processes, cgroups, metadata files, the shared directory) even if the supervisor had died,
/// and stops the monitor when no other run is active. Idempotent.
Status StopLocalRun(const StateDir& dir, const std::string& run_id, std::FILE* progress);

/// Starts `fgm monitor` for this state directory unless one is already running (recorded in
/// monitor.json and alive). Returns its pid.
Result<pid_t> EnsureMonitor(const StateDir& dir, const std::string& fgm_binary,
                            std::FILE* progress);

/// Stops the monitor recorded in monitor.json (SIGTERM, so it writes its last segment) when no
/// run other than `except_run` is active. Waits up to 30 s for it to exit.
void StopMonitorIfIdle(const StateDir& dir, std::string_view except_run, std::FILE* progress);

/// Where fgm-workload is: $FGM_WORKLOAD_BIN, next to `fgm_binary`, the build tree's
/// src/scenario/workload/, or PATH. kNotFound otherwise.
Result<std::string> FindWorkloadBinary(const std::string& fgm_binary);

/// Where the scenarios are: $FGM_SCENARIOS_DIR, a `scenarios` directory beside an ancestor of
/// `fgm_binary` (the source tree when run from a build directory), or /usr/share/fgm/scenarios.
Result<std::string> FindScenariosDir(const std::string& fgm_binary);

}  // namespace fgm::scenario

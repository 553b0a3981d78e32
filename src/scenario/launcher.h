// SPDX-License-Identifier: Apache-2.0
// Starting processes for the local backend: a container's process inside its cgroups (the child
// writes its own pid to every hierarchy's cgroup.procs before exec, because a process moved in
// later keeps its memory charged to the old cgroup), and detached daemons (the supervisor, the
// monitor) that outlive the `fgm scenario run` that started them.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace fgm::scenario {

struct LaunchSpec {
  /// argv[0] is the executable's path.
  std::vector<std::string> argv;
  /// The complete environment (nothing is inherited).
  std::map<std::string, std::string> env;
  /// cgroup.procs files to join before exec (may be empty).
  std::vector<std::string> procs_files;
  /// stdout and stderr are appended here; stdin is /dev/null.
  std::string log_path;
  /// Run as this user (and its groups); empty = unchanged.
  std::string user;
  /// Working directory; empty = "/".
  std::string cwd;
  /// New session (setsid): a daemon must not get the terminal's Ctrl-C.
  bool new_session = false;
};

/// Forks and execs. Signal dispositions and the mask are reset in the child (a parent's ignored
/// SIGPIPE must not leak into a workload). Returns the child's pid once exec has succeeded;
/// a failure in the child before exec (unknown user, cgroup write refused, exec failed) comes
/// back as an error naming the step, and the child is reaped.
Result<pid_t> Launch(const LaunchSpec& spec);

/// Like Launch with new_session, but the daemon is re-parented to init (double fork), so the
/// caller never has to reap it. Returns the daemon's pid.
Result<pid_t> LaunchDetached(const LaunchSpec& spec);

/// Path of the running executable (/proc/self/exe).
std::string SelfExe();

/// A minimal environment for workloads: PATH, HOME (of `user`, else /root), LANG=C.UTF-8.
std::map<std::string, std::string> BaseEnvironment(const std::string& user);

}  // namespace fgm::scenario

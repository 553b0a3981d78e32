// SPDX-License-Identifier: Apache-2.0
// The local backend's cgroups on this host: detects the layout (pure v2, or v1 controllers plus
// the unified tree for PSI on a hybrid host), creates a container's cgroup in every hierarchy
// with its limits, lists and kills its processes, reads its OOM kill count and removes it.
// Paths are relative to each hierarchy root
// ("fgm.slice/fgm-run-ab12cd34.slice/web.slice/app-0.scope").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace fgm::scenario {

struct CgroupLimits {
  std::optional<int64_t> cpu_millicores;
  std::optional<uint64_t> memory_bytes;
  std::optional<int64_t> pids;
};

/// One machine's cgroup hierarchies. Immutable after Detect, so it may be shared; the methods do
/// I/O on the real (or test) tree.
class CgroupHost {
 public:
  /// Looks at `root` (normally /sys/fs/cgroup): cgroup.controllers there means pure v2;
  /// otherwise the v1 memory, cpu, cpuacct, pids and blkio hierarchies that exist (co-mounted
  /// ones such as cpu,cpuacct are used once) plus `unified` when it is a cgroup2 tree.
  /// kUnsupported when none is found.
  static Result<CgroupHost> Detect(const std::string& root = "/sys/fs/cgroup");

  bool is_v2() const { return v2_; }
  /// The hierarchy roots in use (absolute).
  const std::vector<std::string>& roots() const { return roots_; }

  /// Creates `rel` (and missing parents) in every hierarchy and sets the limits each one has
  /// (cpu.max or cpu.cfs_quota_us/cfs_period_us, memory.max or memory.limit_in_bytes, pids.max).
  /// On v2 the parents' cgroup.subtree_control get +cpu +memory +pids +io first.
  Status Create(const std::string& rel, const CgroupLimits& limits) const;

  /// `cgroup.procs` of `rel` in every hierarchy: a child writes its pid to each before exec.
  std::vector<std::string> ProcsFiles(const std::string& rel) const;

  /// Pids in `rel` (union over hierarchies; empty when the cgroup does not exist).
  std::vector<pid_t> Pids(const std::string& rel) const;

  /// OOM kills recorded for `rel`: memory.events "oom_kill" (v2) or memory.oom_control
  /// "oom_kill" (v1). 0 when the file or key is missing (old kernels).
  uint64_t OomKills(const std::string& rel) const;

  /// Whether `rel` exists in any hierarchy.
  bool Exists(const std::string& rel) const;

  /// Sends `sig` to every process in `rel`; returns how many were signalled.
  int Signal(const std::string& rel, int sig) const;

  /// SIGKILLs everything in `rel` and its descendants, waits (up to ~2 s) for them to leave,
  /// then removes the directories bottom-up in every hierarchy. kIo if one cannot be removed.
  Status KillAndRemove(const std::string& rel) const;

  /// Removes `rel` if it is empty (no processes, no children); other states are not errors, so
  /// a shared parent such as fgm.slice stays while another run uses it.
  void RemoveIfEmpty(const std::string& rel) const;

 private:
  bool v2_ = false;
  std::vector<std::string> roots_;
};

}  // namespace fgm::scenario

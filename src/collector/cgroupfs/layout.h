// SPDX-License-Identifier: Apache-2.0
// CgroupLayout: which cgroup hierarchies a host has and where they are mounted. Hosts come in three
// shapes (see Documentation/admin-guide/cgroup-v2.rst and systemd's "cgroup hierarchy" notes):
//   v2      one unified hierarchy at /sys/fs/cgroup (statfs magic CGROUP2_SUPER_MAGIC)
//   v1      one tmpfs at /sys/fs/cgroup with a cgroup (v1) mount per controller
//   hybrid  v1 controllers plus an (often controller-less) cgroup2 at /sys/fs/cgroup/unified, which
//           still gives per-cgroup PSI and cpu.stat
// Everything is relative to a host root ("" or "/host" when the monitor runs in a container).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace fgm::collector {

enum class CgroupMode { kV2, kV1, kHybrid };

std::string_view CgroupModeName(CgroupMode mode);  // "v2", "v1", "hybrid"

struct CgroupLayout {
  CgroupMode mode = CgroupMode::kV2;
  /// Mount point of the cgroup2 hierarchy ("" when there is none), host root included.
  std::string unified_root;
  /// v1 controller name ("cpu", "cpuacct", "memory", "blkio", "pids", "cpuset") -> mount point,
  /// host root included. Co-mounted controllers ("cpu,cpuacct") map to the same path.
  std::map<std::string, std::string> v1_roots;

  /// The hierarchy that discovery walks: the unified root on v2, the v1 memory hierarchy otherwise
  /// (every container runtime creates a memory cgroup per container).
  std::string DiscoveryRoot() const;
  /// Mount point for a v1 controller, or "" if not mounted.
  std::string V1Root(std::string_view controller) const;
};

/// Detects the layout under `host_root` + "/sys/fs/cgroup" with statfs(2). kNotFound when no cgroup
/// filesystem is mounted there; kUnsupported for shapes we do not understand.
Result<CgroupLayout> DetectCgroupLayout(std::string_view host_root);

}  // namespace fgm::collector

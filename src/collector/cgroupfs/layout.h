// SPDX-License-Identifier: Apache-2.0
// CgroupLayout: which cgroup hierarchies a host has and where they are mounted. Hosts come in three
// shapes (see Documentation/admin-guide/cgroup-v2.rst and systemd's "cgroup hierarchy" notes):
//   v2      one unified hierarchy at /sys/fs/cgroup (statfs magic CGROUP2_SUPER_MAGIC)
//   v1      one tmpfs at /sys/fs/cgroup with a cgroup (v1) mount per controller
//   hybrid  v1 controllers plus an (often controller-less) cgroup2 at /sys/fs/cgroup/unified, which
//           still gives per-cgroup PSI and cpu.stat
// Everything is relative to a host root ("" or "/host" when the monitor runs in a container).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

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

/// The v1 controllers the per-cgroup reader knows how to read, in a fixed order.
inline constexpr std::string_view kReadV1Controllers[] = {"cpu", "cpuacct", "memory", "blkio",
                                                          "pids"};

/// Builds a layout over a plain directory tree, for tests and captured fixtures (statfs would say
/// ext4/tmpfs there, so detection cannot be used):
///   kV2     unified_root = root
///   kV1     v1_roots[c] = root/c for cpu, cpuacct, cpuset, memory, blkio, pids
///   kHybrid both of the above, with unified_root = root/unified
/// Co-mounted shapes ("cpu,cpuacct") are built by editing v1_roots afterwards.
CgroupLayout MakeLayoutForTesting(CgroupMode mode, std::string_view root);

/// One cgroup mount from /proc/self/mountinfo.
struct CgroupMount {
  std::string mount_point;               ///< with octal escapes (\040) decoded
  bool is_v2 = false;                    ///< fstype "cgroup2"
  std::vector<std::string> controllers;  ///< v1 only: from the super options ("cpu", "cpuacct")
};

/// Pure parser for /proc/<pid>/mountinfo (proc(5)); returns only cgroup and cgroup2 mounts.
/// kInvalidFormat (with the line number) for a cgroup line without the " - " separator.
Result<std::vector<CgroupMount>> ParseCgroupMounts(std::string_view mountinfo);

/// Test seam for DetectCgroupLayout: `fs_magic(path)` returns statfs(2)'s f_type (kNotFound when
/// the path does not exist) and `read_mountinfo()` returns the text of /proc/self/mountinfo.
struct LayoutProbe {
  std::function<Result<int64_t>(const std::string& path)> fs_magic;
  std::function<Result<std::string>()> read_mountinfo;
};
Result<CgroupLayout> DetectCgroupLayoutWithProbe(std::string_view host_root,
                                                 const LayoutProbe& probe);

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// Discoverer: finds every container cgroup on the host each tick and reports what appeared and
// what went since the previous tick. It walks the discovery hierarchy (CgroupLayout::
// DiscoveryRoot(): the unified tree on v2, the v1 memory tree otherwise), reading only
// directories that can hold containers (k8s::CgroupPathParser::MayContainContainers) and never
// the inside of a container, except to follow a kind node's nested kubelet tree.
//
//   FGM_ASSIGN_OR_RETURN(auto layout, DetectCgroupLayout(host_root));
//   FGM_ASSIGN_OR_RETURN(auto discoverer, Discoverer::Create(layout, {}, RealClock()));
//   every tick:
//     FGM_ASSIGN_OR_RETURN(DiscoveryDelta delta, discoverer.Scan());
//     for (const DiscoveredContainer& c : delta.added) StartSampling(c);
//     for (const DiscoveredContainer& c : delta.removed) StopSampling(c);
//
// Cost per full walk: one getdents64 per directory that may hold containers (the root, the slices,
// kubepods QoS and pod directories; typically #pods + ~10) plus, for plain Docker/Podman
// containers, three fstatat probes for a nested kubelet tree. Containers already known are
// recognised by the inode number that getdents64 returns (no stat); a new container costs one
// path parse and one fstatat. No caching by directory mtime: kernfs does not update a cgroup
// directory's mtime when child cgroups are created or removed (checked on Linux 6.18, v1 and v2),
// so an mtime cache would miss new containers. With inotify (the default, see
// DiscovererOptions::use_inotify) most scans list only directories where cgroups were created or
// removed, and the full walk runs every full_rescan_every scans as a safety net.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collector/cgroupfs/layout.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/result.h"
#include "k8s/cgroup_path.h"
#include "k8s/metadata.h"

namespace fgm::collector {

/// One container as discovery sees it.
struct DiscoveredContainer {
  /// Path of the container's cgroup relative to the discovery root, no leading '/'.
  std::string relative_path;
  k8s::ContainerIdentity identity;
  /// Inode of the container's directory in the discovery hierarchy. A cgroup removed and
  /// recreated under the same path gets a new inode and is a new container.
  uint64_t cgroup_inode = 0;
  /// Wall-clock time of the scan that first saw this cgroup.
  TimestampNs first_seen_ns = 0;
};

/// What changed between two scans. A recreated cgroup appears in both lists (old, then new).
struct DiscoveryDelta {
  std::vector<DiscoveredContainer> added;
  std::vector<DiscoveredContainer> removed;

  bool empty() const { return added.empty() && removed.empty(); }
};

/// Self-metrics of the last scan.
struct DiscoveryStats {
  uint64_t dirs_read = 0;          // directories listed with getdents64
  uint64_t entries_seen = 0;       // directory entries looked at
  uint64_t containers = 0;         // containers known after the scan
  uint64_t sandboxes_skipped = 0;  // pause/infra containers known and not reported
  uint64_t vanished = 0;           // directories that disappeared while being looked at (normal)
  uint64_t errors = 0;             // other failures (EACCES, EMFILE, ...); removals are deferred
  int64_t duration_ns = 0;         // steady-clock time the scan took
  bool full = false;               // walked the whole tree (else: only directories with events)
  uint64_t events = 0;             // inotify events read this scan
};

struct DiscovererOptions {
  /// Extra container shapes, e.g. the local scenario backend's (see k8s::CgroupPattern).
  std::vector<k8s::CgroupPattern> patterns;
  /// Optional, not owned, must outlive the Discoverer. When set, a new container whose metadata
  /// says it is a pod sandbox (pause/infra) is not reported, one whose metadata is still pending
  /// is asked about again on later scans (and withdrawn if it turns out to be a sandbox), and
  /// every container that goes away is Forget()-ed.
  k8s::MetadataProvider* metadata = nullptr;
  /// Containers tracked at most. Memory stays bounded even on a runaway tree; 16384 is ~30x the
  /// densest Kubernetes nodes (kubelet's max-pods is usually 110-250, a few containers each).
  size_t max_containers = 16384;
  /// Learn about new and removed cgroups from inotify instead of listing every directory every
  /// scan. mkdir and rmdir on cgroupfs go through the VFS (vfs_mkdir/vfs_rmdir), which raises
  /// IN_CREATE/IN_DELETE on the parent like on any filesystem; every mount of a hierarchy,
  /// including one made in a cgroup namespace (kind, a containerised kubelet), shares one
  /// superblock and so one set of inodes, so a watch sees mkdirs made through any of them
  /// (checked on Linux 6.18, v1 and v2, by the integration test). A scan then lists only the
  /// directories that had events (one non-blocking read() when nothing happened), where a full
  /// walk costs one openat + getdents64 + close per pod, ~16% of the monitor's CPU at 100 pods.
  /// Falls back to listing: every scan when inotify is unavailable, per directory when its watch
  /// cannot be added (fs.inotify.max_user_watches), and a full walk after a queue overflow.
  bool use_inotify = true;
  /// With inotify, a full walk every this many scans anyway: a safety net for anything the
  /// events could miss. cgroupfs reports every mkdir/rmdir (vfs_mkdir/vfs_rmdir notify), a queue
  /// overflow forces a full walk at once, and a removed container's reader notices on its own, so
  /// the walk only guards against the unforeseen: once a minute (60 scans at 1 Hz). It lists
  /// every pod directory (~30 control files each on v1 memory): at 1,000 pods, walking every 10
  /// scans was 9% of the monitor's CPU. A new container is still found on the first scan after
  /// its mkdir (discoverer_integration_test checks events alone find every change).
  int full_rescan_every = 60;
};

/// Walks one cgroup hierarchy. Not thread-safe: one collector thread calls Scan. Holds an open fd
/// on the root directory for its lifetime.
class Discoverer {
 public:
  /// Walks layout.DiscoveryRoot(). kInvalidArgument for a bad pattern or an empty root; the
  /// root's open error (kNotFound, kIo) if it cannot be opened.
  static Result<Discoverer> Create(const CgroupLayout& layout, DiscovererOptions options,
                                   const Clock& clock);
  /// Walks `root` (an absolute directory path, host root included).
  static Result<Discoverer> CreateForRoot(std::string root, DiscovererOptions options,
                                          const Clock& clock);

  Discoverer(Discoverer&&) = default;
  Discoverer& operator=(Discoverer&&) = delete;

  /// Walks the hierarchy and returns what changed since the previous Scan (everything is "added"
  /// on the first). Directories that vanish mid-walk are normal and silent. An error only when
  /// the root itself cannot be listed; other failures are counted in stats, logged once, and
  /// make this scan report no removals (a container we failed to see is not a container gone).
  Result<DiscoveryDelta> Scan();

  /// The containers known after the last Scan, sorted by relative path.
  void ForEachContainer(const std::function<void(const DiscoveredContainer&)>& fn) const;
  /// The container at `relative_path`, or nullptr.
  const DiscoveredContainer* Find(const std::string& relative_path) const;
  size_t container_count() const { return containers_.size() - sandbox_count_; }

  const DiscoveryStats& last_stats() const { return stats_; }
  const std::string& root() const { return root_; }

  /// Called after each directory is listed and before its entries are handled, with the
  /// directory's relative path; lets tests remove directories in the middle of a walk.
  void set_after_list_hook_for_testing(std::function<void(const std::string&)> hook) {
    after_list_hook_ = std::move(hook);
  }

 private:
  struct Tracked {
    DiscoveredContainer container;
    uint64_t dirent_ino = 0;  // as getdents64 reports it; compared every scan
    uint64_t seen_scan = 0;
    bool metadata_settled = true;
    bool sandbox = false;  // known and withheld
  };

  Discoverer(std::string root, ScopedFd root_fd, k8s::CgroupPathParser parser,
             DiscovererOptions options, const Clock& clock);

  /// Lists `dir_fd` (`depth` segments below the root; its relative path is in path_) and handles
  /// each subdirectory. Returns 0 or the errno of a failed listing.
  int WalkDir(int dir_fd, size_t depth);
  /// Adds an inotify watch on the directory path_ names, once (no-op without inotify).
  void WatchDir();
  /// Reads every pending inotify event into dirty_dirs_. False when a full walk is needed
  /// (queue overflow, read error).
  bool DrainEvents();
  /// Lists only dirty_dirs_ (and the directories that must be listed every scan); containers
  /// elsewhere are marked seen.
  void PartialWalk();
  void HandleSubdir(int parent_fd, const char* name, uint64_t dirent_ino, size_t depth);
  void OnNewContainer(int parent_fd, const char* name, uint64_t dirent_ino,
                      k8s::ContainerIdentity identity);
  void RecheckMetadata(Tracked& tracked);
  /// Follows a kind node's kubelet tree inside a Docker/Podman container's cgroup.
  void ProbeNestedKubelet(int parent_fd, const char* name, size_t depth);
  void CountError(std::string_view what, int err);

  std::string root_;
  ScopedFd root_fd_;
  k8s::CgroupPathParser parser_;
  DiscovererOptions options_;
  const Clock* clock_;

  std::map<std::string, Tracked> containers_;  // reported containers and withheld sandboxes
  size_t sandbox_count_ = 0;
  uint64_t scan_ = 0;
  TimestampNs scan_wall_ns_ = 0;
  std::string path_;  // relative path of the directory being handled, built in place
  std::vector<std::vector<char>> dirent_buffers_;  // one per depth, reused across scans
  DiscoveryDelta* delta_ = nullptr;
  DiscoveryStats stats_;
  std::function<void(const std::string&)> after_list_hook_;

  // inotify (DiscovererOptions::use_inotify). A directory is in watched_ once listed; one
  // whose watch could not be added is in unwatched_ and listed every scan.
  ScopedFd inotify_fd_;
  std::map<int, std::string> wd_to_dir_;
  std::map<std::string, int> watched_;
  std::set<std::string> unwatched_;
  std::set<std::string> dirty_dirs_;
  std::vector<char> event_buffer_;
  bool need_full_walk_ = true;
};

}  // namespace fgm::collector

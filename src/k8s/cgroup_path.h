// SPDX-License-Identifier: Apache-2.0
// Cgroup path -> ContainerIdentity, with no I/O. Recognises the shapes that kubelet (systemd and
// cgroupfs drivers, kind's kubelet.slice prefix, kind nodes nested in a Docker/Podman container),
// plain Docker, Podman and nerdctl create, plus configured patterns such as the local scenario
// backend's. Also tells the discovery walk which directories can hold containers at all.
//
//   auto id = k8s::ParseContainerCgroupPath(
//       "kubepods.slice/kubepods-burstable.slice/"
//       "kubepods-burstable-pod0c4f3b2e_5a1d_4c1e_9a7b_2f6d8e9a1b3c.slice/"
//       "cri-containerd-4f1c...e9.scope");
//   // id->runtime == kContainerd, id->qos_class == kBurstable,
//   // id->pod_uid == "0c4f3b2e-5a1d-4c1e-9a7b-2f6d8e9a1b3c"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "k8s/container_identity.h"

namespace fgm::k8s {

/// A configured container shape, for cgroups that no runtime convention describes (the local
/// scenario backend's, or a site's own).
///
/// `path` is '/'-separated segments relative to the hierarchy root, e.g.
/// "fgm.slice/fgm-run-{run}.slice/{container}.scope". A segment is literal text with at most one
/// `{capture}`; a capture matches one or more characters (never '/') between the segment's literal
/// prefix and suffix. Capture names are [a-z0-9_]+. Two names are special: `{pod_uid}` must be a
/// pod UID and fills ContainerIdentity::pod_uid; `{qos}` must parse with ParseQosClass and fills
/// qos_class. A directory matches when it has exactly as many segments as the pattern and every
/// segment matches. The container id is the captured values joined by '/', so the captures
/// together must identify a container (for instance the run id and the container name).
struct CgroupPattern {
  /// Short name for logs and ContainerIdentity::pattern_name, e.g. "fgm-local".
  std::string name;
  std::string path;
  ContainerRuntime runtime = ContainerRuntime::kLocal;
};

/// Parses cgroup paths into identities. Immutable after construction, so one instance may be
/// shared by threads.
class CgroupPathParser {
 public:
  /// Built-in shapes only.
  CgroupPathParser() = default;

  /// Built-in shapes plus `patterns`, which are tried first (so a site can claim a path that a
  /// built-in shape would also accept). kInvalidArgument for a malformed pattern (empty, empty
  /// segment, two captures in a segment, unterminated brace, bad capture name, no capture at all).
  static Result<CgroupPathParser> Create(std::vector<CgroupPattern> patterns);

  /// The identity of the container whose cgroup is `relative_path` (relative to the hierarchy
  /// root; leading and trailing '/' are ignored), or nullopt if the directory is not a container:
  /// pod-level and QoS slices, conmon scopes, init.scope, .mount/.service units, ids that are not
  /// 64 hex characters, container-looking leaves in a kubepods tree but outside a pod.
  /// Pause/sandbox containers cannot be told apart by path; metadata (metadata.h) says which they
  /// are.
  std::optional<ContainerIdentity> Parse(std::string_view relative_path) const;

  /// Whether the directory at `relative_path` (not itself a container) may have container cgroups
  /// somewhere below it, so that a discovery walk should read it: systemd slices, user@N.service
  /// (rootless Podman), the cgroupfs-driver names (kubepods, kubepods/burstable, .../pod<uid>,
  /// docker, libpod_parent, kubelet) and prefixes of configured patterns. False beyond
  /// kMaxWalkDepth segments.
  bool MayContainContainers(std::string_view relative_path) const;

  /// Child directory names that hold a nested kubelet's pods when they appear inside a container's
  /// cgroup (a kind node is a Docker or Podman container running kubelet with either driver).
  static const std::vector<std::string_view>& NestedKubeRootNames();

  /// Deepest directory (in path segments below the root) that a walk needs to read. The deepest
  /// real shape, a pod container in a kind node on a systemd host, has its container at depth 7
  /// (system.slice/docker-<id>.scope/kubelet.slice/kubelet-kubepods.slice/<qos slice>/<pod
  /// slice>/<container scope>); 12 leaves room for site prefixes without letting a pathological
  /// tree make the walk unbounded.
  static constexpr size_t kMaxWalkDepth = 12;

 private:
  struct Segment {
    std::string prefix;
    std::string capture;  // "" for a literal segment
    std::string suffix;
  };
  struct Pattern {
    std::string name;
    ContainerRuntime runtime = ContainerRuntime::kLocal;
    std::vector<Segment> segments;
  };

  std::vector<Pattern> patterns_;
};

/// CgroupPathParser().Parse(relative_path): the built-in shapes only.
std::optional<ContainerIdentity> ParseContainerCgroupPath(std::string_view relative_path);

}  // namespace fgm::k8s

// SPDX-License-Identifier: Apache-2.0
// ContainerIdentity: what a container's cgroup path alone says about it (runtime, container id, pod
// UID, QoS class). It is known the instant a cgroup appears, before any metadata file is read, and
// is the key that metadata providers (metadata.h) and the collector use for the container.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fgm::k8s {

/// The runtime that created a container cgroup, as far as its path tells.
enum class ContainerRuntime {
  kUnknown,     // a bare id under a cgroupfs-driver pod dir: containerd and dockershim look alike
  kContainerd,  // cri-containerd-<id>.scope, nerdctl-<id>.scope
  kCrio,        // crio-<id>.scope, crio-<id>
  kDocker,      // docker-<id>.scope, docker/<id>
  kPodman,      // libpod-<id>.scope, libpod_parent/libpod-<id>
  kLocal,       // matched by a configured CgroupPattern (e.g. the local scenario backend)
};

/// Kubernetes pod QoS class (https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/). kNone
/// for containers that are not in a Kubernetes pod.
enum class QosClass { kNone, kGuaranteed, kBurstable, kBestEffort };

/// "unknown", "containerd", "crio", "docker", "podman", "local".
std::string_view ContainerRuntimeName(ContainerRuntime runtime);
/// "", "guaranteed", "burstable", "besteffort" (the spelling kubelet uses in cgroup names).
std::string_view QosClassName(QosClass qos);
/// Inverse of QosClassName, case-insensitive, also accepting Kubernetes' "BestEffort" spelling.
/// nullopt for anything else (including "").
std::optional<QosClass> ParseQosClass(std::string_view text);

/// Identity of one container, derived from its cgroup path (see cgroup_path.h). A plain value.
struct ContainerIdentity {
  ContainerRuntime runtime = ContainerRuntime::kUnknown;
  /// The runtime's id: 64 lowercase hex characters for every runtime we parse, or, for a
  /// configured pattern, its captured values joined by '/'.
  std::string container_id;
  /// Pod UID in its canonical form: a dashed UUID (the systemd driver's underscores are turned back
  /// into dashes) or the 32-hex hash kubelet gives static pods. "" when not in a pod.
  std::string pod_uid;
  QosClass qos_class = QosClass::kNone;
  /// The cgroup path this identity was parsed from, relative to the hierarchy root, without a
  /// leading '/' (e.g. "kubepods.slice/kubepods-pod1234_....slice/cri-containerd-<id>.scope").
  std::string cgroup_path;
  /// For a container nested inside another container's cgroup (kind nodes are Docker or Podman
  /// containers running their own kubelet), the id of that outer container; "" otherwise.
  std::string outer_container_id;
  /// Name of the configured CgroupPattern that matched; "" for the built-in shapes.
  std::string pattern_name;
  /// (capture name, value) pairs of a configured pattern, in pattern order.
  std::vector<std::pair<std::string, std::string>> captures;

  bool in_pod() const { return !pod_uid.empty(); }

  friend bool operator==(const ContainerIdentity&, const ContainerIdentity&) = default;
};

/// True for exactly 64 lowercase hex characters: the id format of containerd, CRI-O, Docker and
/// Podman (a SHA-256 in hex).
bool IsRuntimeContainerId(std::string_view text);

/// True for a pod UID in canonical form: 8-4-4-4-12 hex with dashes (API-server pods) or 32 hex
/// characters (static pods, whose UID is a hash computed by the kubelet). Hex may be either case.
bool IsPodUid(std::string_view text);

}  // namespace fgm::k8s

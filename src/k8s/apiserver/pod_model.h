// SPDX-License-Identifier: Apache-2.0
// The slice of a Kubernetes Pod that FGM uses (names, labels, per-container ids, requests/limits,
// restart counts, last termination), parsed from the API server's JSON (PodList, watch events),
// and the pure diff that turns two versions of a pod into restart/exit/oom_kill events. No I/O
// here: apiserver_client.h does the HTTP and threading and calls these.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "k8s/external_events.h"

namespace fgm::k8s::apiserver {

/// A container's state.terminated or lastState.terminated (ContainerStateTerminated).
struct Termination {
  /// The runtime id of the instance that ended, without the "containerd://" scheme; may be "".
  std::string container_id;
  int64_t exit_code = 0;
  std::optional<int64_t> signal;
  std::string reason;   // "OOMKilled", "Error", "Completed", ...
  std::string message;  // truncated to kMaxMessageBytes
  int64_t finished_at_ms = 0;

  friend bool operator==(const Termination&, const Termination&) = default;
};

/// One entry of status.containerStatuses / initContainerStatuses, joined with the spec's resources.
struct ContainerInfo {
  std::string name;
  std::string image;
  /// Current instance's runtime id without the scheme; "" while the container is being created.
  std::string container_id;
  int64_t restart_count = 0;
  /// When the current instance started (state.running.startedAt), 0 if not running.
  int64_t started_at_ms = 0;
  std::optional<Termination> terminated;       // state.terminated: this instance has ended
  std::optional<Termination> last_terminated;  // lastState.terminated: the previous instance
  /// spec resources as Kubernetes quantity strings, e.g. {"cpu": "250m", "memory": "128Mi"}.
  std::map<std::string, std::string> requests;
  std::map<std::string, std::string> limits;
  bool init_container = false;

  friend bool operator==(const ContainerInfo&, const ContainerInfo&) = default;
};

struct PodInfo {
  std::string uid;
  std::string name;
  std::string namespace_name;
  std::string node_name;
  std::string resource_version;
  std::string qos_class;  // status.qosClass: "Guaranteed", "Burstable", "BestEffort" or ""
  std::map<std::string, std::string> labels;
  std::vector<ContainerInfo> containers;

  friend bool operator==(const PodInfo&, const PodInfo&) = default;
};

struct PodList {
  std::string resource_version;  // metadata.resourceVersion: where the watch continues
  std::string continue_token;    // metadata.continue: more pages follow when non-empty
  std::vector<PodInfo> pods;
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

/// One line of a watch stream: {"type": "...", "object": {...}}.
struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  PodInfo pod;  // for ADDED/MODIFIED/DELETED; BOOKMARK carries only resource_version
  /// For ERROR: the Status object's code (410 = Gone: our resourceVersion is too old) and message.
  int64_t error_code = 0;
  std::string error_message;
};

/// Why: termination messages can be up to 4 KiB (terminationMessagePath) and land in event rows;
/// the first 1 KiB says what happened, the rest would bloat every row group's string column.
inline constexpr size_t kMaxMessageBytes = 1024;
/// Why: a pod has a handful of containers; 64 covers sidecar-heavy pods (service meshes, log
/// shippers, init containers) while bounding what one malformed or hostile object can cost us.
inline constexpr size_t kMaxContainersPerPod = 64;
/// Why: Kubernetes caps labels only by the object size (1.5 MiB in etcd); 256 is far above any real
/// pod and keeps one pod's label map small.
inline constexpr size_t kMaxLabelsPerPod = 256;

/// Parses a Pod object. kInvalidFormat when it is not a JSON object with metadata.uid.
Result<PodInfo> ParsePod(std::string_view json);
/// Parses a PodList response body.
Result<PodList> ParsePodList(std::string_view json);
/// Parses one watch line. kInvalidFormat for anything else; unknown types are kUnsupported.
Result<WatchEvent> ParseWatchEvent(std::string_view line);

/// "2024-03-14T09:26:53Z" or with fractional seconds / numeric offset → ms since the epoch.
std::optional<int64_t> ParseRfc3339Ms(std::string_view text);

/// "containerd://<64hex>" → "<64hex>"; a value without a scheme is returned as it is.
std::string_view StripContainerIdScheme(std::string_view id);

/// Terminations already reported, oldest forgotten first once `capacity` is reached. Not
/// thread-safe (the client's lock guards it).
class SeenTerminations {
 public:
  explicit SeenTerminations(size_t capacity) : capacity_(capacity) {}
  /// True when `key` was not there yet (it is now).
  bool Insert(const std::string& key);
  size_t size() const { return order_.size(); }

 private:
  size_t capacity_;
  std::vector<std::string> order_;  // insertion order, a ring once full
  size_t next_ = 0;
  std::map<std::string, bool> keys_;
};

/// Events implied by going from `before` (nullptr: the pod is new to us) to `after`: for each
/// container instance that ended and is not in `seen`: "exit" (plus "oom_kill" when the reason is
/// OOMKilled) stamped with finishedAt; for each restart-count increase over `before`: "restart"
/// with the new instance's id, stamped with its startedAt (or `now_ms` when it has none yet).
/// Reported terminations are added to `seen`, so the same termination met again (a re-list, a
/// MODIFIED that changes something else) is reported once.
std::vector<ExternalEvent> DiffPodEvents(const PodInfo* before, const PodInfo& after,
                                         SeenTerminations* seen, int64_t now_ms);

}  // namespace fgm::k8s::apiserver

// SPDX-License-Identifier: Apache-2.0
// Lifecycle events that only something outside the cgroup tree knows: exit codes, signals and
// restarts come from the local scenario supervisor (event files in the local metadata directory)
// or from the Kubernetes API server (a pod's lastState.terminated). The monitor polls every source
// once per tick and writes what it gets as event rows, labelled like the container's metric rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fgm::k8s {

struct ExternalEvent {
  int64_t time_ms = 0;
  /// Which container: matched against the monitored containers by container_id first, then by
  /// cgroup_path. When neither matches (the instance is already gone, e.g. the container that
  /// exited before a restart), the labels below are used as they are.
  std::string container_id;
  std::string cgroup_path;
  std::string pod_uid;
  std::string pod_name;
  std::string namespace_name;
  std::string container_name;
  /// "exit" (the process ended), "restart" (a new instance started after one ended), "oom_kill".
  std::string type;
  std::optional<int64_t> exit_code;
  std::optional<int64_t> signal;
  /// Short machine-friendly reason: Error, OOMKilled, Completed, Signal, ...
  std::string reason;
  std::string message;

  friend bool operator==(const ExternalEvent&, const ExternalEvent&) = default;
};

/// A source of external events. Poll is called from the sampling thread once per tick and must
/// not block: a source that talks to a network does so on its own thread and queues.
class ExternalEventSource {
 public:
  virtual ~ExternalEventSource() = default;
  /// Events that arrived since the last call (possibly none).
  virtual std::vector<ExternalEvent> Poll() = 0;
  virtual std::string_view name() const = 0;
};

}  // namespace fgm::k8s

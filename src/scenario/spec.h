// SPDX-License-Identifier: Apache-2.0
// A scenario as data: scenarios/<name>/scenario.json (pods of containers running fgm-workload
// modes, with limits, a restart policy and labels), parsed into ScenarioSpec. Both backends start
// from it: the local backend runs it on this host's cgroups, the Kubernetes backend renders
// scenarios/<name>/deploy.yaml with the same names. Also the small template renderer for {{VARS}}.
//
//   FGM_ASSIGN_OR_RETURN(ScenarioSpec spec, LoadScenario("scenarios", "memory-leak"));
//   for (const PodSpec& pod : spec.pods) ... pod.containers[0].args  // {"leak", "--mib-per-s",
//   "8"}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "k8s/container_identity.h"

namespace fgm::scenario {

/// What happens when a container's main process ends, as in a Kubernetes pod spec.
enum class RestartPolicy { kAlways, kOnFailure, kNever };

std::string_view RestartPolicyName(RestartPolicy policy);  // "Always", "OnFailure", "Never"

struct ContainerSpec {
  std::string name;
  /// fgm-workload arguments: the mode first ({"leak", "--mib-per-s", "8"}). May contain
  /// {{RUN_DIR}} (a directory shared by the run's containers) and {{RUN_ID}}.
  std::vector<std::string> args;
  /// Limits (requests are equal to limits, as for a Guaranteed pod); unset = unlimited.
  std::optional<int64_t> cpu_millicores;
  std::optional<uint64_t> memory_bytes;
  std::optional<int64_t> pids;
  /// Local backend only: run as this user (e.g. "postgres"); empty = as the supervisor (root).
  std::string user;
  std::map<std::string, std::string> env;
};

struct PodSpec {
  std::string name;
  std::map<std::string, std::string> labels;
  RestartPolicy restart_policy = RestartPolicy::kAlways;
  std::vector<ContainerSpec> containers;
};

struct ScenarioSpec {
  std::string name;
  std::string description;
  /// What the captured data must show (documented, and checked by test/scenario/).
  std::string expected_signal;
  std::vector<PodSpec> pods;
};

/// Parses scenario.json. kInvalidFormat for malformed JSON, unknown keys (a typo must not be
/// silently ignored), missing names, names that are not DNS labels (they become cgroup and
/// Kubernetes names), duplicate pod or container names, bad quantities or an unknown policy.
Result<ScenarioSpec> ParseScenarioSpec(std::string_view json_text);

/// Reads `<scenarios_dir>/<name>/scenario.json`. kNotFound when there is no such scenario.
Result<ScenarioSpec> LoadScenario(const std::string& scenarios_dir, const std::string& name);

/// Names of the scenarios in `scenarios_dir` (subdirectories with a scenario.json), sorted.
Result<std::vector<std::string>> ListScenarioNames(const std::string& scenarios_dir);

/// Kubernetes CPU quantity to millicores: "250m" -> 250, "1" -> 1000, "0.5" -> 500.
/// kInvalidArgument for anything else, zero or negative.
Result<int64_t> ParseCpuQuantity(std::string_view text);

/// Kubernetes memory quantity to bytes: "128Mi", "1Gi", "64M", "1000". kInvalidArgument otherwise.
Result<uint64_t> ParseMemoryQuantity(std::string_view text);

/// The QoS class Kubernetes would give the pod (limits are also requests here): Guaranteed when
/// every container has CPU and memory limits, BestEffort when none has any, Burstable otherwise.
k8s::QosClass PodQosClass(const PodSpec& pod);

/// Whether `name` is an RFC 1123 DNS label (lowercase alphanumerics and '-', 1..63 chars, no
/// leading or trailing '-').
bool IsDnsLabel(std::string_view name);

/// Replaces every {{NAME}} in `text` with vars.at(NAME). kInvalidArgument for a placeholder that
/// `vars` does not define or an unterminated "{{", so a template never ships with a hole.
Result<std::string> RenderTemplate(std::string_view text,
                                   const std::map<std::string, std::string>& vars);

}  // namespace fgm::scenario

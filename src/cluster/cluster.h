// SPDX-License-Identifier: Apache-2.0
// `fgm cluster`: deploy the DaemonSet (deploy/), show its pods, port-forward to one node's viewer,
// copy every node's dataset into one local tree, and the in-pod probes the DaemonSet runs. All
// cluster access goes through kubectl (kubectl.h), so whatever kubeconfig, context and auth plugin
// the user has work unchanged. The parsing and formatting helpers are pure and tested on
// kubectl's real output shapes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/kubectl.h"
#include "core/result.h"

namespace fgm::cluster {

/// Names fixed by deploy/ (namespace.yaml, daemonset.yaml).
inline constexpr std::string_view kNamespace = "fgm";
inline constexpr std::string_view kDaemonSet = "fgm";
inline constexpr std::string_view kPodSelector = "app.kubernetes.io/name=fgm";
inline constexpr std::string_view kViewerContainer = "viewer";
inline constexpr int kViewerPort = 8050;
inline constexpr std::string_view kDataDir = "/data";

/// One FGM pod as `kubectl get pods -o json` describes it.
struct FgmPod {
  std::string name;
  std::string node;
  std::string phase;  // Pending, Running, Succeeded, Failed, Unknown
  int ready = 0;      // containers ready
  int total = 0;      // containers
  int64_t restarts = 0;
  std::string waiting_reason;  // e.g. ImagePullBackOff, CrashLoopBackOff ("" if none)
  bool viewer_ready = false;
};

struct DaemonSetStatus {
  int64_t desired = 0, current = 0, ready = 0, updated = 0, available = 0;
  std::vector<std::string> images;  // one per container, in order
};

/// Parses a PodList (kubectl get pods -o json), sorted by node then name.
Result<std::vector<FgmPod>> ParsePods(std::string_view json);
/// Parses a DaemonSet (kubectl get daemonset NAME -o json).
Result<DaemonSetStatus> ParseDaemonSet(std::string_view json);
/// The status report: a DaemonSet summary line and a table of pods.
std::string FormatStatus(const DaemonSetStatus& ds, const std::vector<FgmPod>& pods);

/// Replaces every `image: fgm` / `image: fgm:<tag>` / `image: fgm@<digest>` in rendered manifests
/// with `image`. Returns how many were replaced in *count.
std::string ReplaceImage(std::string_view yaml, std::string_view image, int* count);

/// The pod whose viewer to use: on `node` when given (nullptr if there is none), else the first
/// Running pod with a ready viewer, else the first Running one.
const FgmPod* PickPod(const std::vector<FgmPod>& pods, std::string_view node);

struct DeployOptions {
  std::string manifests_dir;  // a kustomization directory (deploy/)
  std::string image;          // "" keeps the manifests' image
  bool dry_run = false;       // render and print, apply nothing
};
/// kubectl kustomize DIR → image replaced → kubectl apply -f -. Returns kubectl's report (or the
/// rendered manifests for a dry run).
Result<std::string> Deploy(const Kubectl& kubectl, const DeployOptions& options);

/// DaemonSet summary and pods, formatted (FormatStatus).
Result<std::string> ClusterStatus(const Kubectl& kubectl);

struct ViewerOptions {
  std::string node;  // "" = any
  int local_port = kViewerPort;
  std::string state_dir;     // where viewer.json and viewer.log live
  int64_t wait_ms = 15'000;  // for kubectl to say "Forwarding from"
};
struct ViewerSession {
  int pid = 0;
  std::string pod, node, url;
};
/// Starts `kubectl port-forward` to the chosen pod's viewer in the background, waits until it
/// forwards, and records it in state_dir/viewer.json. kInvalidArgument if one is already running.
Result<ViewerSession> StartViewer(const Kubectl& kubectl, const ViewerOptions& options);
/// Stops the recorded port-forward (only if that pid is still a kubectl port-forward) and removes
/// the record. kNotFound when none is recorded.
Result<ViewerSession> StopViewer(const std::string& state_dir);

struct CollectOptions {
  std::string output_dir;
  std::string node;  // "" = every node
};
struct CollectedNode {
  std::string pod, node;
  uint64_t tar_bytes = 0;
  std::string error;  // "" when copied
};
/// Streams each Running pod's /data (tar via kubectl exec in the viewer container, journals and
/// the top-level session.json left out) into output_dir. Nodes do not collide: their files live
/// under identifier=<pod name> partitions. Fails only if no node could be copied.
Result<std::vector<CollectedNode>> Collect(const Kubectl& kubectl, const CollectOptions& options);

/// Liveness of the monitor: OK iff some regular file under `dir` was modified at most `max_age_ns`
/// before `now_ns` (the monitor journals every flush and writes a segment at least every minute).
Status ProbeDataDir(const std::string& dir, int64_t max_age_ns, int64_t now_ns);
/// Liveness of the viewer: OK iff GET `url` answers 200 within `timeout_ms`. kIo for a failed or
/// non-200 request; kNotFound / kUnsupported when libcurl cannot be loaded (libcurl.h).
Status ProbeUrl(const std::string& url, int64_t timeout_ms);

/// state dir default: $XDG_STATE_HOME/fgm, else $HOME/.local/state/fgm, else /tmp/fgm-<uid>.
std::string DefaultStateDir();

}  // namespace fgm::cluster

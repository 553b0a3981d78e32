// SPDX-License-Identifier: Apache-2.0
// Monitor: the `fgm monitor` daemon (and `fgm top`). Wires the collector's Sampler, driven by a
// TickScheduler on wall-clock boundaries, to a DatasetWriter, writes session.json, and shuts down
// within ~2 s of a stop request (SIGTERM) with everything buffered journaled and written.
//
//   MonitorOptions o;  o.output_dir = "/data";
//   FGM_ASSIGN_OR_RETURN(auto monitor, Monitor::Create(o));
//   FGM_RETURN_IF_ERROR(monitor->Run(&stop_flag));   // returns after stop_flag becomes true
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "k8s/external_events.h"
#include "k8s/metadata.h"

namespace fgm::monitor {

struct MonitorOptions {
  /// Dataset directory; empty means "print only" (fgm top).
  std::string output_dir;
  int64_t interval_ns = kNanosPerSecond;
  /// Where the host's / is mounted when running in a container ("" on the host).
  std::string host_root;
  std::string node_name;     // default: $NODE_NAME, else the host name
  std::string pod_name;      // default: $POD_NAME
  std::string cluster_name;  // default: $CLUSTER_NAME
  /// Journal flush interval: the most a SIGKILL can lose.
  int64_t flush_interval_ns = 2 * kNanosPerSecond;
  int64_t segment_interval_ns = 60 * kNanosPerSecond;
  int64_t retention_ns = 7LL * 24 * 3600 * kNanosPerSecond;
  uint64_t max_disk_bytes = 0;
  int zstd_level = 3;
  bool collect_pss = true;
  int64_t pss_budget_ns = 10 * kNanosPerMilli;
  bool process_rows = false;
  /// Extra discovery patterns, "NAME=PATH" (see k8s::CgroupPattern for PATH's syntax).
  std::vector<std::string> cgroup_patterns;
  /// Directory of per-container JSON metadata written by the local scenario backend. With an
  /// output dir, its events/ subdirectory is also read for lifecycle events
  /// (k8s::LocalEventSource).
  std::string local_metadata_dir;
  /// More lifecycle event sources, polled once per tick (e.g. the Kubernetes API server's):
  ///   options.event_sources.push_back(std::make_shared<MyApiServerEvents>(...));
  /// Their events become event rows labelled like the container's metric rows (see
  /// ExternalEventMapper). Used only with an output dir.
  std::vector<std::shared_ptr<k8s::ExternalEventSource>> event_sources;
  /// More metadata providers (e.g. the Kubernetes API server's), asked before the local
  /// metadata directory and the runtimes' files, from the sampling thread.
  std::vector<std::shared_ptr<k8s::MetadataProvider>> metadata_providers;
  /// Print the live table (fgm top / --print) every tick.
  bool print = false;
  /// Stop after this long (0: run until stopped).
  int64_t duration_ns = 0;
  std::string version;  // for session.json
  /// The full command line, for session.json.
  std::string command_line;
};

class Monitor {
 public:
  /// Detects the cgroup layout, sets up metadata providers and the sampler, and (with an output
  /// dir) opens the dataset, recovering journals a crash left behind. Errors say what to do, e.g.
  /// "no cgroup filesystem under /host/sys/fs/cgroup: pass --host-root".
  static Result<std::unique_ptr<Monitor>> Create(MonitorOptions options);
  ~Monitor();

  /// Samples until `stop` becomes true (or duration passes), then flushes and closes the dataset.
  Status Run(const std::atomic<bool>* stop);

  const std::string& run_id() const;

 private:
  struct Impl;
  explicit Monitor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// 8 random lowercase hex characters.
std::string NewRunId();

}  // namespace fgm::monitor

// SPDX-License-Identifier: Apache-2.0
// `fgm monitor` (capture to a dataset) and `fgm top` (live table, nothing written).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/fgm/commands.h"
#include "apps/fgm/version.h"
#include "cluster/in_cluster.h"
#include "core/log.h"
#include "core/strings.h"
#include "monitor/monitor.h"

namespace fgm::app {
namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop.store(true); }

void InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed stdout (fgm top | head) must not kill the daemon
}

struct MonitorArgs {
  monitor::MonitorOptions options;
  int64_t interval_ms = 1000;
  std::string flush = "2s";
  std::string segment = "60s";
  std::string retention = "7d";
  std::string max_disk = "0";
  std::string duration = "0";
  int64_t pss_budget_ms = 10;
  bool no_pss = false;
  std::string log_level = "info";
  /// Kubernetes API server (pod metadata and lifecycle events); off unless a --kube-* flag is set.
  cluster::KubeApiOptions kube;
};

void AddKubeApiFlags(CLI::App* cmd, MonitorArgs* a) {
  cmd->add_flag("--kube-in-cluster", a->kube.in_cluster,
                "Watch this node's pods on the API server with the pod's service account "
                "(restart/exit/OOM events)");
  cmd->add_option("--kube-api", a->kube.api_url,
                  "API server URL (https://...) instead of the in-cluster one");
  cmd->add_option("--kube-token-file", a->kube.token_file, "Bearer token file for --kube-api");
  cmd->add_option("--kube-ca-file", a->kube.ca_file,
                  "CA bundle that signs --kube-api's certificate");
}

void AddCommonFlags(CLI::App* cmd, MonitorArgs* a) {
  cmd->add_option("-i,--interval-ms", a->interval_ms, "Sampling interval (sub-second allowed)")
      ->check(CLI::Range(10, 3600 * 1000));
  cmd->add_option("--host-root", a->options.host_root,
                  "Where the host's / is mounted (when running in a container), e.g. /host");
  cmd->add_option("--node-name", a->options.node_name,
                  "Node name label (default: $NODE_NAME, else "
                  "the host name)");
  cmd->add_option("--cluster-name", a->options.cluster_name, "Cluster name label ($CLUSTER_NAME)");
  cmd->add_option("--cgroup-pattern", a->options.cgroup_patterns,
                  "Extra container cgroup shape NAME=PATH, e.g. "
                  "local=fgm.slice/fgm-run-{run}.slice/{container}.scope (repeatable)");
  cmd->add_option("--local-metadata-dir", a->options.local_metadata_dir,
                  "Directory of per-container metadata JSON and events/*.json lifecycle events "
                  "(exit codes, restarts) written by `fgm scenario`");
  cmd->add_flag("--no-pss", a->no_pss, "Do not read /proc/<pid>/smaps_rollup (no RSS/PSS)");
  cmd->add_option("--pss-budget-ms", a->pss_budget_ms, "Time per tick spent reading PSS");
  cmd->add_flag("--process-rows", a->options.process_rows, "Also write one row per process");
  cmd->add_option("--duration", a->duration, "Stop after this long (e.g. 60s); 0 = until stopped");
  cmd->add_option("--log-level", a->log_level, "debug, info, warning or error");
}

// Turns the flag strings into options; prints the error and returns false when one is bad.
bool Finish(const char* name, MonitorArgs* a) {
  auto fail = [&](const std::string& msg) {
    std::fprintf(stderr, "fgm %s: %s\n", name, msg.c_str());
    return false;
  };
  auto& o = a->options;
  o.interval_ns = a->interval_ms * kNanosPerMilli;
  auto flush = ParseDurationNs(a->flush), segment = ParseDurationNs(a->segment),
       retention = ParseDurationNs(a->retention), duration = ParseDurationNs(a->duration);
  auto max_disk = ParseByteSize(a->max_disk);
  if (!flush || *flush <= 0) return fail("bad --flush-interval '" + a->flush + "' (e.g. 2s)");
  if (!segment) return fail("bad --segment '" + a->segment + "' (e.g. 60s)");
  if (!retention) return fail("bad --retention '" + a->retention + "' (e.g. 7d, 0 = forever)");
  if (!duration) return fail("bad --duration '" + a->duration + "' (e.g. 60s)");
  if (!max_disk) return fail("bad --max-disk '" + a->max_disk + "' (e.g. 1GiB, 0 = no limit)");
  LogLevel level;
  if (!ParseLogLevel(a->log_level, &level)) return fail("bad --log-level '" + a->log_level + "'");
  SetMinLogLevel(level);
  o.flush_interval_ns = *flush;
  o.segment_interval_ns = *segment;
  o.retention_ns = *retention;
  o.duration_ns = *duration;
  o.max_disk_bytes = *max_disk;
  o.collect_pss = !a->no_pss;
  o.pss_budget_ns = a->pss_budget_ms * kNanosPerMilli;
  o.version = FGM_VERSION_STRING;
  return true;
}

int RunMonitor(const char* name, monitor::MonitorOptions options) {
  auto m = monitor::Monitor::Create(std::move(options));
  if (!m.ok()) {
    std::fprintf(stderr, "fgm %s: %s\n", name, m.error().ToString().c_str());
    return 1;
  }
  InstallStopHandlers();
  Status s = (*m)->Run(&g_stop);
  if (!s.ok()) {
    std::fprintf(stderr, "fgm %s: %s\n", name, s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void AddMonitorCommands(CLI::App& app, int* exit_code, const std::string& command_line) {
  auto* cmd = app.add_subcommand(
      "monitor",
      "Sample every container once per interval into a Hive-partitioned Parquet dataset");
  auto args = std::make_shared<MonitorArgs>();
  args->options.output_dir = "fgm-data";
  cmd->add_option("-o,--output-dir", args->options.output_dir, "Dataset directory");
  cmd->add_option("--pod-name", args->options.pod_name,
                  "Pod name, used as the partition "
                  "identifier ($POD_NAME)");
  cmd->add_option("--flush-interval", args->flush,
                  "How often samples reach the journal: the most a crash can lose");
  cmd->add_option("--segment", args->segment, "Segment length (must divide an hour)");
  cmd->add_option("--retention", args->retention, "Delete data older than this (0 = keep)");
  cmd->add_option("--max-disk", args->max_disk, "Keep the dataset under this size, e.g. 1GiB");
  cmd->add_option("--compression-level", args->options.zstd_level, "ZSTD level")
      ->check(CLI::Range(1, 22));
  cmd->add_flag("--print", args->options.print, "Also show the live table, like fgm top");
  AddCommonFlags(cmd, args.get());
  AddKubeApiFlags(cmd, args.get());
  cmd->callback([args, exit_code, command_line] {
    if (!Finish("monitor", args.get())) {
      *exit_code = 2;
      return;
    }
    args->options.command_line = command_line;
    std::shared_ptr<k8s::apiserver::ApiServerPodWatcher> watcher;
    if (args->kube.enabled()) {
      args->kube.node_name = args->options.node_name;
      auto started = cluster::StartPodWatcher(args->kube);
      if (!started.ok()) {
        std::fprintf(stderr, "fgm monitor: %s\n", started.error().ToString().c_str());
        *exit_code = 2;
        return;
      }
      watcher = *started;
      args->options.event_sources.push_back(watcher);
      args->options.metadata_providers.push_back(watcher);
    }
    *exit_code = RunMonitor("monitor", args->options);
    if (watcher) watcher->Stop();
  });

  auto* top =
      app.add_subcommand("top", "Live per-container table in the terminal (writes nothing)");
  auto top_args = std::make_shared<MonitorArgs>();
  AddCommonFlags(top, top_args.get());
  top->callback([top_args, exit_code] {
    if (!Finish("top", top_args.get())) {
      *exit_code = 2;
      return;
    }
    top_args->options.output_dir.clear();
    top_args->options.print = true;
    *exit_code = RunMonitor("top", top_args->options);
  });
}

}  // namespace fgm::app

// SPDX-License-Identifier: Apache-2.0
// `fgm cluster deploy|status|viewer start|viewer stop|collect|probe`: flags to fgm::cluster calls.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/fgm/commands.h"
#include "cluster/cluster.h"
#include "core/file.h"
#include "core/strings.h"

namespace fgm::app {
namespace {

struct ClusterArgs {
  std::string context;
  std::string kubectl = "kubectl";
  std::string image;
  std::string manifests;
  bool dry_run = false;
  std::string node;
  int port = cluster::kViewerPort;
  std::string state_dir;
  std::string output_dir;
  std::string data_dir;
  std::string max_age = "180s";
  std::string url;
  std::string timeout = "3s";
};

// deploy/ next to the working directory (a source checkout), else the copy the image installs
// beside the binary (<prefix>/bin/fgm → <prefix>/share/fgm/deploy).
std::string DefaultManifests() {
  if (::access("deploy/kustomization.yaml", R_OK) == 0) return "deploy";
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    std::string share = DirName(DirName(exe)) + "/share/fgm/deploy";
    if (::access((share + "/kustomization.yaml").c_str(), R_OK) == 0) return share;
  }
  return "deploy";
}

int Fail(const char* what, const Status& s) {
  std::fprintf(stderr, "fgm cluster %s: %s\n", what, s.ToString().c_str());
  return 1;
}

void AddKubectlFlags(CLI::App* cmd, ClusterArgs* a) {
  cmd->add_option("--context", a->context, "kubeconfig context (default: the current one)");
  cmd->add_option("--kubectl", a->kubectl, "kubectl binary to run");
}

}  // namespace

void AddClusterCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "cluster",
      "Run FGM on a Kubernetes cluster: deploy the DaemonSet, check it, reach a node's "
      "viewer, collect every node's data (uses kubectl)");
  cmd->require_subcommand(1);
  auto a = std::make_shared<ClusterArgs>();

  auto* deploy = cmd->add_subcommand("deploy", "Apply deploy/ (namespace, RBAC, DaemonSet)");
  AddKubectlFlags(deploy, a.get());
  deploy->add_option("--image", a->image, "Image for both containers, e.g. registry/fgm:0.1.0");
  deploy->add_option("--manifests", a->manifests, "Kustomization directory (default: deploy/)");
  deploy->add_flag("--dry-run", a->dry_run, "Print the manifests that would be applied");
  deploy->callback([a, exit_code] {
    cluster::DeployOptions o{a->manifests.empty() ? DefaultManifests() : a->manifests, a->image,
                             a->dry_run};
    auto out = cluster::Deploy(cluster::Kubectl(a->kubectl, a->context), o);
    if (!out.ok()) {
      *exit_code = Fail("deploy", out.error());
      return;
    }
    std::fputs(out->c_str(), stdout);
    if (!a->dry_run) std::puts("Next: fgm cluster status; fgm cluster viewer start");
  });

  auto* status = cmd->add_subcommand("status", "DaemonSet and per-node pod status");
  AddKubectlFlags(status, a.get());
  status->callback([a, exit_code] {
    auto out = cluster::ClusterStatus(cluster::Kubectl(a->kubectl, a->context));
    if (!out.ok()) {
      *exit_code = Fail("status", out.error());
      return;
    }
    std::fputs(out->c_str(), stdout);
  });

  auto* viewer =
      cmd->add_subcommand("viewer", "Reach a node's viewer through kubectl port-forward");
  viewer->require_subcommand(1);
  auto* start = viewer->add_subcommand("start", "Port-forward to a node's viewer (background)");
  AddKubectlFlags(start, a.get());
  start->add_option("--node", a->node, "Node whose viewer to open (default: any ready one)");
  start->add_option("--port", a->port, "Local port")->check(CLI::Range(1, 65535));
  start->add_option("--state-dir", a->state_dir, "Where the port-forward is recorded");
  start->callback([a, exit_code] {
    cluster::ViewerOptions o;
    o.node = a->node;
    o.local_port = a->port;
    o.state_dir = a->state_dir.empty() ? cluster::DefaultStateDir() : a->state_dir;
    auto s = cluster::StartViewer(cluster::Kubectl(a->kubectl, a->context), o);
    if (!s.ok()) {
      *exit_code = Fail("viewer start", s.error());
      return;
    }
    std::printf(
        "Viewer of node %s (pod %s): %s\n(kubectl port-forward pid %d; stop with `fgm "
        "cluster viewer stop`)\n",
        s->node.c_str(), s->pod.c_str(), s->url.c_str(), s->pid);
  });
  auto* stop = viewer->add_subcommand("stop", "Stop the port-forward started by viewer start");
  stop->add_option("--state-dir", a->state_dir, "Where the port-forward is recorded");
  stop->callback([a, exit_code] {
    auto s = cluster::StopViewer(a->state_dir.empty() ? cluster::DefaultStateDir() : a->state_dir);
    if (!s.ok()) {
      *exit_code = Fail("viewer stop", s.error());
      return;
    }
    if (s->pid > 0) {
      std::printf("Stopped the port-forward to %s (pid %d)\n", s->pod.c_str(), s->pid);
    } else {
      std::printf("The port-forward to %s had already exited\n", s->pod.c_str());
    }
  });

  auto* collect = cmd->add_subcommand(
      "collect", "Copy every node's dataset into one local directory (read it with fgm viewer)");
  AddKubectlFlags(collect, a.get());
  collect->add_option("-o,--output-dir", a->output_dir, "Local directory")->required();
  collect->add_option("--node", a->node, "Only this node");
  collect->callback([a, exit_code] {
    auto nodes =
        cluster::Collect(cluster::Kubectl(a->kubectl, a->context), {a->output_dir, a->node});
    if (!nodes.ok()) {
      *exit_code = Fail("collect", nodes.error());
      return;
    }
    for (const auto& n : *nodes) {
      if (n.error.empty()) {
        std::printf("%-24s %-24s %12llu bytes\n", n.node.c_str(), n.pod.c_str(),
                    static_cast<unsigned long long>(n.tar_bytes));
      } else {
        std::printf("%-24s %-24s %s\n", n.node.c_str(), n.pod.c_str(), n.error.c_str());
      }
    }
    std::printf("Dataset in %s: fgm viewer %s\n", a->output_dir.c_str(), a->output_dir.c_str());
  });

  auto* probe = cmd->add_subcommand(
      "probe",
      "Liveness check run inside the FGM pod: the monitor still writes (--data-dir) or "
      "the viewer answers (--url); exit 0 when healthy");
  probe->add_option("--data-dir", a->data_dir, "Dataset the monitor writes");
  probe->add_option("--max-age", a->max_age, "Newest file must be younger than this");
  probe->add_option("--url", a->url,
                    "URL that must answer 200, e.g. http://127.0.0.1:8050/api/health");
  probe->add_option("--timeout", a->timeout, "For --url");
  probe->callback([a, exit_code] {
    if (a->data_dir.empty() == a->url.empty()) {
      *exit_code = Fail("probe", InvalidArgumentError("give exactly one of --data-dir and --url"));
      return;
    }
    Status s;
    if (!a->data_dir.empty()) {
      auto max_age = ParseDurationNs(a->max_age);
      if (!max_age || *max_age <= 0) {
        *exit_code = Fail("probe", InvalidArgumentError("bad --max-age '" + a->max_age + "'"));
        return;
      }
      int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      s = cluster::ProbeDataDir(a->data_dir, *max_age, now_ns);
    } else {
      auto timeout = ParseDurationNs(a->timeout);
      if (!timeout || *timeout <= 0) {
        *exit_code = Fail("probe", InvalidArgumentError("bad --timeout '" + a->timeout + "'"));
        return;
      }
      s = cluster::ProbeUrl(a->url, *timeout / 1'000'000);
    }
    if (!s.ok()) *exit_code = Fail("probe", s);
  });
}

}  // namespace fgm::app

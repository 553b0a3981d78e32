// SPDX-License-Identifier: Apache-2.0
// --kube-* flags → ApiServerConfig → a started ApiServerPodWatcher (see in_cluster.h).
#include "cluster/in_cluster.h"

#include <stdlib.h>
#include <unistd.h>

namespace fgm::cluster {

Result<std::shared_ptr<k8s::apiserver::ApiServerPodWatcher>> StartPodWatcher(
    const KubeApiOptions& options) {
  std::string node = options.node_name;
  if (node.empty()) {
    if (const char* env = getenv("NODE_NAME")) node = env;
  }
  if (node.empty()) {
    return InvalidArgumentError(
        "the API server needs this node's name: pass --node-name or set NODE_NAME (the DaemonSet "
        "sets it from spec.nodeName)");
  }
  k8s::apiserver::ApiServerConfig config;
  if (options.in_cluster && !options.api_url.empty()) {
    return InvalidArgumentError("use either --kube-in-cluster or --kube-api, not both");
  }
  if (options.in_cluster) {
    FGM_ASSIGN_OR_RETURN(config, k8s::apiserver::InClusterConfig(node));
  } else {
    if (options.token_file.empty() || options.ca_file.empty()) {
      return InvalidArgumentError("--kube-api needs --kube-token-file and --kube-ca-file");
    }
    if (options.api_url.rfind("https://", 0) != 0) {
      return InvalidArgumentError("--kube-api must be an https:// URL (the token is a secret)");
    }
    for (const std::string* f : {&options.token_file, &options.ca_file}) {
      if (::access(f->c_str(), R_OK) != 0) {
        return InvalidArgumentError("cannot read " + *f);
      }
    }
    config.server_url = options.api_url;
    config.token_file = options.token_file;
    config.ca_file = options.ca_file;
    config.node_name = node;
  }
  auto watcher = std::make_shared<k8s::apiserver::ApiServerPodWatcher>(std::move(config));
  FGM_RETURN_IF_ERROR(watcher->Start());
  return watcher;
}

}  // namespace fgm::cluster

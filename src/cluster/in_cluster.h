// SPDX-License-Identifier: Apache-2.0
// The monitor's side of running in a cluster: turn `fgm monitor`'s --kube-* flags (or the pod's
// in-cluster service account) into a started API-server pod watcher, which the monitor uses as a
// lifecycle event source (and, once the monitor accepts one, as a metadata provider).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "k8s/apiserver/apiserver_client.h"

namespace fgm::cluster {

struct KubeApiOptions {
  /// Use the pod's service account and KUBERNETES_SERVICE_HOST/PORT (--kube-in-cluster).
  bool in_cluster = false;
  /// Or an explicit server (--kube-api), with --kube-token-file and --kube-ca-file.
  std::string api_url;
  std::string token_file;
  std::string ca_file;
  /// The node whose pods to watch; "" = $NODE_NAME.
  std::string node_name;

  bool enabled() const { return in_cluster || !api_url.empty(); }
};

/// Validates the options, builds the configuration and starts the watcher's thread.
/// kInvalidArgument for an incomplete flag set (e.g. --kube-api without --kube-ca-file, or no node
/// name), kNotFound / kIo from the in-cluster configuration, kNotFound / kUnsupported when libcurl
/// cannot be loaded (k8s/apiserver/libcurl.h). REQUIRES: options.enabled().
Result<std::shared_ptr<k8s::apiserver::ApiServerPodWatcher>> StartPodWatcher(
    const KubeApiOptions& options);

}  // namespace fgm::cluster

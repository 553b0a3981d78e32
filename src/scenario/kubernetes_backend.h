// SPDX-License-Identifier: Apache-2.0
// The Kubernetes backend: scenarios/<name>/deploy.yaml rendered with {{RUN_ID}}, {{NAMESPACE}}
// and {{IMAGE_TAG}} (one namespace per run), applied, followed and deleted with kubectl. Kubernetes
// cannot run on the development machine, so rendering is pure and tested offline; kubectl is
// only looked for when a command needs it.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace fgm::scenario {

/// Default image tag for the workload image built from scenarios/Dockerfile.
inline constexpr const char* kDefaultImageTag = "dev";

/// Renders `<scenarios_dir>/<name>/deploy.yaml` for a run. kNotFound without a deploy.yaml,
/// kInvalidArgument for a bad run id or image tag, or a placeholder the template does not know.
Result<std::string> RenderDeployManifest(const std::string& scenarios_dir, const std::string& name,
                                         const std::string& run_id, const std::string& image_tag);

/// kubectl on PATH, or kNotFound with a message saying how to get it.
Result<std::string> FindKubectl();

/// Runs kubectl with `args`, feeding `stdin_text` (if non-empty) on stdin; stdout and stderr are
/// the caller's. kInternal when kubectl exits non-zero.
Status RunKubectl(const std::vector<std::string>& args, const std::string& stdin_text = "");

}  // namespace fgm::scenario

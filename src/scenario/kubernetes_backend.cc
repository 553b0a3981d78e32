// SPDX-License-Identifier: Apache-2.0
// deploy.yaml rendering and the kubectl calls of the Kubernetes backend.
#include "scenario/kubernetes_backend.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "core/file.h"
#include "core/strings.h"
#include "scenario/local_backend.h"
#include "scenario/spec.h"

namespace fgm::scenario {
namespace {

// A manifest is a few kilobytes.
constexpr size_t kMaxManifestBytes = 1 << 20;

// Docker tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
bool IsImageTag(const std::string& tag) {
  constexpr size_t kMaxTag = 128;
  if (tag.empty() || tag.size() > kMaxTag || tag[0] == '.' || tag[0] == '-') return false;
  for (char c : tag) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<std::string> RenderDeployManifest(const std::string& scenarios_dir, const std::string& name,
                                         const std::string& run_id, const std::string& image_tag) {
  if (!IsDnsLabel(name)) return InvalidArgumentError("bad scenario name \"" + name + "\"");
  if (!IsDnsLabel(run_id)) return InvalidArgumentError("bad run id \"" + run_id + "\"");
  if (!IsImageTag(image_tag)) return InvalidArgumentError("bad image tag \"" + image_tag + "\"");
  std::string path = scenarios_dir + "/" + name + "/deploy.yaml";
  auto text = ReadFileToString(path, kMaxManifestBytes);
  if (!text.ok()) return NotFoundError("no " + path + ": " + text.error().message());
  auto rendered = RenderTemplate(
      *text, {{"RUN_ID", run_id}, {"NAMESPACE", RunNamespace(run_id)}, {"IMAGE_TAG", image_tag}});
  if (!rendered.ok()) return rendered.error().WithContext(path);
  return rendered;
}

Result<std::string> FindKubectl() {
  if (const char* path = std::getenv("PATH")) {
    for (auto d : Split(path, ':')) {
      std::string candidate = std::string(d) + "/kubectl";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return NotFoundError(
      "kubectl not found on PATH: the kubernetes backend needs kubectl and a cluster (see "
      "docs/scenarios.md: kind create cluster; kind load docker-image fgm-workload:dev)");
}

Status RunKubectl(const std::vector<std::string>& args, const std::string& stdin_text) {
  FGM_ASSIGN_OR_RETURN(std::string kubectl, FindKubectl());
  int in[2];
  if (::pipe(in) != 0) return ErrnoError("pipe", errno);
  std::vector<std::string> argv_strings = {kubectl};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork", errno);
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::close(in[0]);
    ::close(in[1]);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(in[0]);
  Status write_status = WriteAll(in[1], stdin_text);
  ::close(in[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return InternalError("kubectl " + (args.empty() ? std::string() : args[0]) + " failed");
  }
  return write_status;
}

}  // namespace fgm::scenario

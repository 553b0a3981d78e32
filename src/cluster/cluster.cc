// SPDX-License-Identifier: Apache-2.0
// `fgm cluster` operations (see cluster.h). JSON from kubectl is read with nlohmann::json without
// exceptions; child processes come from kubectl.h.
#include "cluster/cluster.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/file.h"
#include "core/strings.h"
#include "k8s/apiserver/libcurl.h"

namespace fgm::cluster {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// Why 200,000: a week of one node's data at 60 s segments is ~10,000 files per identifier; a
// probe that runs every 10 s must stay cheap even on a tree far larger than the monitor keeps.
constexpr size_t kMaxProbeEntries = 200'000;
// Why 50 ms: how often to look at kubectl port-forward's log while it connects (usually < 1 s).
constexpr int64_t kPollMs = 50;

Result<Json> ParseJson(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidFormatError("kubectl output is not JSON");
  return j;
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t Int(const Json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

const Json& Obj(const Json& j, const char* key) {
  static const Json kEmpty = Json::object();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

const Json& Arr(const Json& j, const char* key) {
  static const Json kEmpty = Json::array();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

std::vector<std::string> Ns() { return {"-n", std::string(kNamespace)}; }

std::vector<std::string> Cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Result<std::vector<FgmPod>> GetPods(const Kubectl& kubectl) {
  FGM_ASSIGN_OR_RETURN(std::string out,
                       kubectl.Run(Cat(Cat({"get", "pods"}, Ns()),
                                       {"-l", std::string(kPodSelector), "-o", "json"})));
  return ParsePods(out);
}

bool ProcessIsPortForward(int pid) {
  auto cmdline = ReadFileToString("/proc/" + std::to_string(pid) + "/cmdline", 1 << 16);
  return cmdline.ok() && cmdline->find("port-forward") != std::string::npos;
}

}  // namespace

Result<std::vector<FgmPod>> ParsePods(std::string_view json) {
  FGM_ASSIGN_OR_RETURN(Json j, ParseJson(json));
  std::vector<FgmPod> pods;
  for (const Json& item : Arr(j, "items")) {
    FgmPod p;
    p.name = Str(Obj(item, "metadata"), "name");
    p.node = Str(Obj(item, "spec"), "nodeName");
    const Json& status = Obj(item, "status");
    p.phase = Str(status, "phase");
    p.total = static_cast<int>(Arr(Obj(item, "spec"), "containers").size());
    for (const Json& cs : Arr(status, "containerStatuses")) {
      bool ready = cs.is_object() && cs.contains("ready") && cs["ready"].is_boolean() &&
                   cs["ready"].get<bool>();
      p.ready += ready ? 1 : 0;
      p.restarts += Int(cs, "restartCount");
      if (Str(cs, "name") == kViewerContainer) p.viewer_ready = ready;
      std::string waiting = Str(Obj(Obj(cs, "state"), "waiting"), "reason");
      if (!waiting.empty() && p.waiting_reason.empty()) p.waiting_reason = waiting;
    }
    pods.push_back(std::move(p));
  }
  std::sort(pods.begin(), pods.end(), [](const FgmPod& a, const FgmPod& b) {
    return std::tie(a.node, a.name) < std::tie(b.node, b.name);
  });
  return pods;
}

Result<DaemonSetStatus> ParseDaemonSet(std::string_view json) {
  FGM_ASSIGN_OR_RETURN(Json j, ParseJson(json));
  if (Str(j, "kind") != "DaemonSet") return InvalidFormatError("not a DaemonSet");
  DaemonSetStatus ds;
  const Json& s = Obj(j, "status");
  ds.desired = Int(s, "desiredNumberScheduled");
  ds.current = Int(s, "currentNumberScheduled");
  ds.ready = Int(s, "numberReady");
  ds.updated = Int(s, "updatedNumberScheduled");
  ds.available = Int(s, "numberAvailable");
  for (const Json& c : Arr(Obj(Obj(Obj(j, "spec"), "template"), "spec"), "containers")) {
    ds.images.push_back(Str(c, "name") + "=" + Str(c, "image"));
  }
  return ds;
}

std::string FormatStatus(const DaemonSetStatus& ds, const std::vector<FgmPod>& pods) {
  std::string out = "DaemonSet " + std::string(kNamespace) + "/" + std::string(kDaemonSet) + ": " +
                    std::to_string(ds.desired) + " desired, " + std::to_string(ds.ready) +
                    " ready, " + std::to_string(ds.updated) + " up to date, " +
                    std::to_string(ds.available) + " available\n";
  for (const std::string& image : ds.images) out += "  image " + image + "\n";
  size_t node_w = 4, pod_w = 3;
  for (const FgmPod& p : pods) {
    node_w = std::max(node_w, p.node.size());
    pod_w = std::max(pod_w, p.name.size());
  }
  auto row = [&](const std::string& node, const std::string& pod, const std::string& status,
                 const std::string& ready, const std::string& restarts) {
    char line[512];
    std::snprintf(line, sizeof(line), "%-*s  %-*s  %-18s  %-5s  %s\n", static_cast<int>(node_w),
                  node.c_str(), static_cast<int>(pod_w), pod.c_str(), status.c_str(), ready.c_str(),
                  restarts.c_str());
    return std::string(line);
  };
  out += row("NODE", "POD", "STATUS", "READY", "RESTARTS");
  for (const FgmPod& p : pods) {
    out += row(p.node.empty() ? "<none>" : p.node, p.name,
               p.waiting_reason.empty() ? p.phase : p.waiting_reason,
               std::to_string(p.ready) + "/" + std::to_string(p.total), std::to_string(p.restarts));
  }
  if (pods.empty()) out += "(no FGM pods: run `fgm cluster deploy`)\n";
  return out;
}

std::string ReplaceImage(std::string_view yaml, std::string_view image, int* count) {
  std::string out;
  *count = 0;
  ForEachLine(yaml, [&](std::string_view line) {
    size_t pos = line.find("image: ");
    if (pos != std::string_view::npos) {
      std::string_view prefix = TrimWhitespace(line.substr(0, pos));
      std::string_view value = TrimWhitespace(line.substr(pos + 7));
      if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
        value = value.substr(1, value.size() >= 2 ? value.size() - 2 : 0);
      }
      bool ours = value == "fgm" || StartsWith(value, "fgm:") || StartsWith(value, "fgm@");
      if ((prefix.empty() || prefix == "-") && ours) {
        out += std::string(line.substr(0, pos)) + "image: " + std::string(image) + "\n";
        ++*count;
        return;
      }
    }
    out += std::string(line) + "\n";
  });
  return out;
}

const FgmPod* PickPod(const std::vector<FgmPod>& pods, std::string_view node) {
  if (!node.empty()) {
    for (const FgmPod& p : pods) {
      if (p.node == node) return &p;
    }
    return nullptr;
  }
  for (const FgmPod& p : pods) {
    if (p.phase == "Running" && p.viewer_ready) return &p;
  }
  for (const FgmPod& p : pods) {
    if (p.phase == "Running") return &p;
  }
  return nullptr;
}

Result<std::string> Deploy(const Kubectl& kubectl, const DeployOptions& options) {
  FGM_ASSIGN_OR_RETURN(std::string rendered, kubectl.Run({"kustomize", options.manifests_dir}));
  if (!options.image.empty()) {
    int count = 0;
    rendered = ReplaceImage(rendered, options.image, &count);
    if (count == 0) {
      return InvalidFormatError("no `image: fgm` in the manifests of " + options.manifests_dir +
                                "; cannot set --image");
    }
  }
  if (options.dry_run) return rendered;
  return kubectl.Run({"apply", "-f", "-"}, rendered);
}

Result<std::string> ClusterStatus(const Kubectl& kubectl) {
  FGM_ASSIGN_OR_RETURN(
      std::string ds_json,
      kubectl.Run(Cat(Cat({"get", "daemonset", std::string(kDaemonSet)}, Ns()), {"-o", "json"})));
  FGM_ASSIGN_OR_RETURN(DaemonSetStatus ds, ParseDaemonSet(ds_json));
  FGM_ASSIGN_OR_RETURN(std::vector<FgmPod> pods, GetPods(kubectl));
  return FormatStatus(ds, pods);
}

Result<ViewerSession> StartViewer(const Kubectl& kubectl, const ViewerOptions& options) {
  FGM_RETURN_IF_ERROR(MakeDirs(options.state_dir));
  const std::string state = options.state_dir + "/viewer.json";
  const std::string log = options.state_dir + "/viewer.log";
  if (auto old = ReadFileToString(state, 1 << 16); old.ok()) {
    Json j = Json::parse(*old, nullptr, false);
    int pid = j.is_object() ? static_cast<int>(Int(j, "pid")) : 0;
    if (pid > 0 && ProcessIsPortForward(pid)) {
      return InvalidArgumentError("a viewer port-forward is already running at " + Str(j, "url") +
                                  " (pid " + std::to_string(pid) +
                                  "); stop it with `fgm cluster viewer stop`");
    }
  }
  FGM_ASSIGN_OR_RETURN(std::vector<FgmPod> pods, GetPods(kubectl));
  const FgmPod* pod = PickPod(pods, options.node);
  if (!pod) {
    return NotFoundError(options.node.empty() ? "no Running FGM pod (see `fgm cluster status`)"
                                              : "no FGM pod on node '" + options.node +
                                                    "' (see `fgm cluster status`)");
  }
  ::unlink(log.c_str());
  std::string ports = std::to_string(options.local_port) + ":" + std::to_string(kViewerPort);
  FGM_ASSIGN_OR_RETURN(
      pid_t pid, StartDetached(kubectl.Argv(Cat(Ns(), {"port-forward", "--address", "127.0.0.1",
                                                       "pod/" + pod->name, ports})),
                               log));
  ViewerSession session{pid, pod->name, pod->node,
                        "http://127.0.0.1:" + std::to_string(options.local_port) + "/"};
  // kubectl prints "Forwarding from 127.0.0.1:8050 -> 8050" once it listens; an error (pod not
  // found, port in use) makes it exit instead.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.wait_ms);
  while (true) {
    auto text = ReadFileToString(log, 1 << 20);
    if (text.ok() && text->find("Forwarding from") != std::string::npos) break;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return IoError("kubectl port-forward exited: " +
                     std::string(TrimWhitespace(text.ok() ? *text : "")));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, &status, 0);
      return IoError("kubectl port-forward did not start forwarding within " +
                     std::to_string(options.wait_ms) +
                     " ms: " + std::string(TrimWhitespace(text.ok() ? *text : "")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  Json j = {{"pid", session.pid},
            {"pod", session.pod},
            {"node", session.node},
            {"url", session.url},
            {"local_port", options.local_port}};
  FGM_RETURN_IF_ERROR(WriteFileAtomically(state, j.dump() + "\n"));
  return session;
}

Result<ViewerSession> StopViewer(const std::string& state_dir) {
  const std::string state = state_dir + "/viewer.json";
  auto text = ReadFileToString(state, 1 << 16);
  if (!text.ok()) return NotFoundError("no viewer port-forward recorded in " + state);
  Json j = Json::parse(*text, nullptr, false);
  ViewerSession s;
  s.pid = j.is_object() ? static_cast<int>(Int(j, "pid")) : 0;
  s.pod = Str(j, "pod");
  s.node = Str(j, "node");
  s.url = Str(j, "url");
  // The pid may have been reused since: only signal it if it is still a port-forward.
  if (s.pid > 0 && ProcessIsPortForward(s.pid)) {
    if (::kill(s.pid, SIGTERM) != 0 && errno != ESRCH) return ErrnoError("kill", errno);
  } else {
    s.pid = 0;  // it had already gone
  }
  ::unlink(state.c_str());
  return s;
}

Result<std::vector<CollectedNode>> Collect(const Kubectl& kubectl, const CollectOptions& options) {
  FGM_RETURN_IF_ERROR(MakeDirs(options.output_dir));
  FGM_ASSIGN_OR_RETURN(std::vector<FgmPod> pods, GetPods(kubectl));
  std::vector<CollectedNode> out;
  size_t copied = 0;
  for (const FgmPod& pod : pods) {
    if (!options.node.empty() && pod.node != options.node) continue;
    CollectedNode node{pod.name, pod.node, 0, ""};
    if (pod.phase != "Running") {
      node.error = "pod is " + pod.phase + ", skipped";
      out.push_back(node);
      continue;
    }
    // Journals hold rows not yet in a segment (the monitor replays them itself); the top-level
    // session.json describes one node's run and would be overwritten by the next node's.
    std::string tar_path = options.output_dir + "/.fgm-collect-" + pod.name + ".tar";
    Status s =
        kubectl.RunToFile(Cat(Ns(), {"exec", pod.name, "-c", std::string(kViewerContainer), "--",
                                     "tar", "-C", std::string(kDataDir), "--exclude=./.fgm/journal",
                                     "--exclude=./session.json", "-cf", "-", "."}),
                          tar_path);
    if (s.ok()) {
      std::error_code ec;
      node.tar_bytes = fs::file_size(tar_path, ec);
      auto r = RunCommand({"tar", "-xf", tar_path, "-C", options.output_dir});
      if (!r.ok()) {
        s = r.error();
      } else if (r->exit_code != 0) {
        s = IoError("tar -xf failed: " + r->err);
      }
    }
    ::unlink(tar_path.c_str());
    if (s.ok()) {
      ++copied;
    } else {
      node.error = s.ToString();
    }
    out.push_back(std::move(node));
  }
  if (copied == 0) {
    std::string why =
        out.empty() ? "no FGM pods" + (options.node.empty() ? std::string() : " on " + options.node)
                    : out.front().error;
    return IoError("nothing collected: " + why);
  }
  return out;
}

Status ProbeDataDir(const std::string& dir, int64_t max_age_ns, int64_t now_ns) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return IoError("cannot read " + dir + ": " + ec.message());
  int64_t newest_ns = 0;
  size_t entries = 0;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec || ++entries > kMaxProbeEntries) break;
    if (!it->is_regular_file(ec)) continue;
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0) continue;
    int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    newest_ns = std::max(newest_ns, mtime_ns);
  }
  if (newest_ns == 0) return NotFoundError("no files under " + dir + " yet");
  int64_t age_ns = now_ns - newest_ns;
  if (age_ns > max_age_ns) {
    return IoError("newest file under " + dir + " is " + std::to_string(age_ns / 1'000'000'000) +
                   " s old (limit " + std::to_string(max_age_ns / 1'000'000'000) +
                   " s): the monitor is not writing");
  }
  return OkStatus();
}

Status ProbeUrl(const std::string& url, int64_t timeout_ms) {
  FGM_ASSIGN_OR_RETURN(const k8s::apiserver::LibCurl* lib, k8s::apiserver::LoadLibCurl());
  CURL* curl = lib->easy_init();
  if (!curl) return InternalError("curl_easy_init failed");
  char errbuf[CURL_ERROR_SIZE] = {0};
  lib->easy_setopt(curl, CURLOPT_URL, url.c_str());
  lib->easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  lib->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  lib->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  // The unary + turns the capture-less lambda into the plain function pointer a C vararg needs.
  lib->easy_setopt(
      curl, CURLOPT_WRITEFUNCTION,
      +[](char*, size_t size, size_t n, void*) -> size_t { return size * n; });
  CURLcode rc = lib->easy_perform(curl);
  long code = 0;
  lib->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  lib->easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return IoError(url + ": " + (errbuf[0] ? std::string(errbuf) : lib->easy_strerror(rc)));
  }
  if (code != 200) return IoError(url + ": HTTP " + std::to_string(code));
  return OkStatus();
}

std::string DefaultStateDir() {
  if (const char* xdg = getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/fgm";
  if (const char* home = getenv("HOME"); home && *home) {
    return std::string(home) + "/.local/state/fgm";
  }
  return "/tmp/fgm-" + std::to_string(::getuid());
}

}  // namespace fgm::cluster

// SPDX-License-Identifier: Apache-2.0
// Runtime metadata files: parsers (annotation keys from containerd's internal/cri/annotations,
// CRI-O's pkg/annotations and server/container_create.go, kubelet's dockershim labels) and the
// cached, rate-limited file providers.
#include "k8s/runtime_metadata.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/log.h"

namespace fgm::k8s {
namespace {

using Json = nlohmann::json;

// containerd CRI plugin annotations on every container's OCI spec.
constexpr const char* kCriContainerType = "io.kubernetes.cri.container-type";
constexpr const char* kCriSandboxName = "io.kubernetes.cri.sandbox-name";
constexpr const char* kCriSandboxNamespace = "io.kubernetes.cri.sandbox-namespace";
constexpr const char* kCriSandboxUid = "io.kubernetes.cri.sandbox-uid";
constexpr const char* kCriSandboxId = "io.kubernetes.cri.sandbox-id";
constexpr const char* kCriContainerName = "io.kubernetes.cri.container-name";
constexpr const char* kCriImageName = "io.kubernetes.cri.image-name";

// Kubelet's CRI labels. CRI-O copies them into the OCI annotations; dockershim/cri-dockerd store
// them as Docker labels.
constexpr const char* kPodName = "io.kubernetes.pod.name";
constexpr const char* kPodNamespace = "io.kubernetes.pod.namespace";
constexpr const char* kPodUid = "io.kubernetes.pod.uid";
constexpr const char* kContainerName = "io.kubernetes.container.name";

// CRI-O's own annotations.
constexpr const char* kCrioContainerType = "io.kubernetes.cri-o.ContainerType";
constexpr const char* kCrioLabels = "io.kubernetes.cri-o.Labels";  // JSON object in a string
constexpr const char* kCrioSandboxId = "io.kubernetes.cri-o.SandboxID";
constexpr const char* kCrioKubeName = "io.kubernetes.cri-o.KubeName";  // sandbox: pod name
constexpr const char* kCrioNamespace = "io.kubernetes.cri-o.Namespace";
constexpr const char* kCrioImageName = "io.kubernetes.cri-o.ImageName";
constexpr const char* kCrioImage = "io.kubernetes.cri-o.Image";

// Docker labels set by dockershim / cri-dockerd.
constexpr const char* kDockerType = "io.kubernetes.docker.type";  // "podsandbox" | "container"
constexpr const char* kDockerSandboxId = "io.kubernetes.sandbox.id";

Result<Json> ParseJsonObject(std::string_view text) {
  // allow_exceptions=false: a parse error yields a "discarded" value instead of a throw.
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidFormatError("not valid JSON");
  if (!doc.is_object()) return InvalidFormatError("top-level JSON value is not an object");
  return doc;
}

// A string member of an object; "" when absent. kInvalidFormat when present with another type
// (null counts as absent: Go's encoding/json writes null for empty maps and strings never).
Result<std::string> StringField(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidFormatError(std::string(key) + " is not a string");
  return it->get<std::string>();
}

// A map<string,string> member; non-string values are skipped. kInvalidFormat if not an object.
Result<std::map<std::string, std::string>> StringMapField(const Json& obj, const char* key) {
  std::map<std::string, std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) return InvalidFormatError(std::string(key) + " is not an object");
  for (auto kv = it->begin(); kv != it->end(); ++kv) {
    if (kv.value().is_string()) out.emplace(kv.key(), kv.value().get<std::string>());
  }
  return out;
}

std::string FirstNonEmpty(std::initializer_list<std::string_view> values) {
  for (std::string_view v : values) {
    if (!v.empty()) return std::string(v);
  }
  return std::string();
}

std::string_view Get(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? std::string_view() : std::string_view(it->second);
}

std::string JoinPath(std::string_view a, std::string_view b) {
  std::string out(a);
  while (!out.empty() && out.back() == '/') out.pop_back();
  out += '/';
  out += b;
  return out;
}

// Whole-file read; kNotFound when the file or a directory on its path is missing (ENOTDIR too:
// a host root that has /run as a file must not produce a warning per container).
Result<std::string> ReadMetadataFile(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return ErrnoError("open " + path, err == ENOTDIR ? ENOENT : err);
  }
  ScopedFd owned(fd);
  std::string data;
  FGM_RETURN_IF_ERROR(ReadFdFully(owned.get(), &data, max_bytes).WithContext(path));
  return data;
}

}  // namespace

Result<ContainerMetadata> ParseContainerdBundleConfig(std::string_view json_text) {
  FGM_ASSIGN_OR_RETURN(Json doc, ParseJsonObject(json_text));
  FGM_ASSIGN_OR_RETURN(auto annotations, StringMapField(doc, "annotations"));
  ContainerMetadata md;
  md.pod_name = std::string(Get(annotations, kCriSandboxName));
  md.namespace_name = std::string(Get(annotations, kCriSandboxNamespace));
  md.pod_uid = std::string(Get(annotations, kCriSandboxUid));
  md.container_name = std::string(Get(annotations, kCriContainerName));
  md.image = std::string(Get(annotations, kCriImageName));
  md.is_sandbox = Get(annotations, kCriContainerType) == "sandbox";
  md.sandbox_id = std::string(Get(annotations, kCriSandboxId));
  // containerd keeps CRI labels in its own database, not in the bundle; pod labels need the API.
  return md;
}

Result<ContainerMetadata> ParseCrioContainerConfig(std::string_view json_text) {
  FGM_ASSIGN_OR_RETURN(Json doc, ParseJsonObject(json_text));
  FGM_ASSIGN_OR_RETURN(auto annotations, StringMapField(doc, "annotations"));
  ContainerMetadata md;
  std::string_view labels_text = Get(annotations, kCrioLabels);
  if (!labels_text.empty()) {
    Result<Json> labels_doc = ParseJsonObject(labels_text);
    if (!labels_doc.ok()) return labels_doc.error().WithContext(kCrioLabels);
    for (auto kv = labels_doc->begin(); kv != labels_doc->end(); ++kv) {
      if (kv.value().is_string()) md.labels.emplace(kv.key(), kv.value().get<std::string>());
    }
  }
  md.pod_name = FirstNonEmpty(
      {Get(annotations, kPodName), Get(md.labels, kPodName), Get(annotations, kCrioKubeName)});
  md.namespace_name = FirstNonEmpty({Get(annotations, kPodNamespace), Get(md.labels, kPodNamespace),
                                     Get(annotations, kCrioNamespace)});
  md.pod_uid = FirstNonEmpty({Get(annotations, kPodUid), Get(md.labels, kPodUid)});
  md.container_name =
      FirstNonEmpty({Get(annotations, kContainerName), Get(md.labels, kContainerName)});
  md.image = FirstNonEmpty({Get(annotations, kCrioImageName), Get(annotations, kCrioImage)});
  md.is_sandbox = Get(annotations, kCrioContainerType) == "sandbox";
  md.sandbox_id = std::string(Get(annotations, kCrioSandboxId));
  return md;
}

Result<ContainerMetadata> ParseDockerConfigV2(std::string_view json_text) {
  FGM_ASSIGN_OR_RETURN(Json doc, ParseJsonObject(json_text));
  ContainerMetadata md;
  FGM_ASSIGN_OR_RETURN(std::string name, StringField(doc, "Name"));
  auto config = doc.find("Config");
  if (config != doc.end() && !config->is_null()) {
    if (!config->is_object()) return InvalidFormatError("Config is not an object");
    FGM_ASSIGN_OR_RETURN(md.labels, StringMapField(*config, "Labels"));
    FGM_ASSIGN_OR_RETURN(md.image, StringField(*config, "Image"));
  }
  md.pod_name = std::string(Get(md.labels, kPodName));
  md.namespace_name = std::string(Get(md.labels, kPodNamespace));
  md.pod_uid = std::string(Get(md.labels, kPodUid));
  // Docker names start with '/' ("/k8s_web_todo-7f9c_default_<uid>_0" or "/happy_turing").
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  md.container_name = FirstNonEmpty({Get(md.labels, kContainerName), name});
  md.is_sandbox = Get(md.labels, kDockerType) == "podsandbox";
  md.sandbox_id = std::string(Get(md.labels, kDockerSandboxId));
  return md;
}

// ---- FileMetadataProvider ----

FileMetadataProvider::FileMetadataProvider(std::string host_root, const Clock& clock,
                                           FileProviderOptions options)
    : host_root_(std::move(host_root)), clock_(clock), options_(options) {
  // Two entries at least: a container and its sandbox are looked up together.
  options_.max_entries = std::max<size_t>(options_.max_entries, 2);
  options_.max_reads_per_second = std::max(options_.max_reads_per_second, 1.0);
  tokens_ = options_.max_reads_per_second;
  tokens_at_ns_ = clock_.MonotonicNs();
}

MetadataResult FileMetadataProvider::Lookup(const ContainerIdentity& identity) {
  if (!Handles(identity.runtime) || identity.container_id.empty()) {
    return MetadataResult{MetadataState::kNotFound, nullptr};
  }
  return LookupId(identity.container_id, identity.pod_uid, /*depth=*/0);
}

void FileMetadataProvider::Forget(const ContainerIdentity& identity) {
  auto it = entries_.find(identity.container_id);
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

MetadataResult FileMetadataProvider::LookupId(const std::string& container_id,
                                              const std::string& path_pod_uid, int depth) {
  const int64_t now_ns = clock_.MonotonicNs();
  auto it = entries_.find(container_id);
  if (it == entries_.end()) return Load(container_id, path_pod_uid, depth, now_ns);
  Entry& e = it->second;
  lru_.splice(lru_.begin(), lru_, e.lru);
  if (e.state == MetadataState::kFound) {
    if (!e.complete && now_ns - e.checked_ns >= options_.retry_interval_ns) {
      e.checked_ns = now_ns;
      auto updated = std::make_shared<ContainerMetadata>(*e.metadata);
      bool complete = MergeSandboxLabels(*updated, container_id, depth);
      // The sandbox lookup may have inserted (and evicted) entries: find ours again.
      auto again = entries_.find(container_id);
      if (again == entries_.end()) return MetadataResult{MetadataState::kFound, std::move(updated)};
      again->second.complete = complete;
      again->second.metadata = std::move(updated);
      return MetadataResult{MetadataState::kFound, again->second.metadata};
    }
    return MetadataResult{MetadataState::kFound, e.metadata};
  }
  if (now_ns - e.checked_ns < MissRetryInterval(e.misses)) {
    return MetadataResult{MetadataState::kNotFound, nullptr};
  }
  return Load(container_id, path_pod_uid, depth, now_ns);
}

int64_t FileMetadataProvider::MissRetryInterval(uint32_t misses) const {
  int64_t wait = options_.retry_interval_ns;  // doubled per miss after the first, then capped
  for (uint32_t i = 1; i < misses && wait < options_.max_retry_interval_ns; ++i) wait *= 2;
  return std::max(options_.retry_interval_ns, std::min(wait, options_.max_retry_interval_ns));
}

bool FileMetadataProvider::BaseDirExists(const std::string& path, std::string_view container_id,
                                         int64_t now_ns) {
  const size_t at = path.find(container_id);
  if (at == std::string::npos) return true;  // no per-container part: just try the file
  std::string base = path.substr(0, at);
  BaseDir& dir = base_dirs_[base];
  if (dir.checked_ns == 0 || now_ns - dir.checked_ns >= options_.retry_interval_ns) {
    struct stat st {};
    dir.exists = ::stat(base.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    dir.checked_ns = now_ns;
  }
  return dir.exists;
}

bool FileMetadataProvider::TakeReadToken(int64_t now_ns) {
  double elapsed_s = static_cast<double>(now_ns - tokens_at_ns_) / kNanosPerSecond;
  tokens_at_ns_ = now_ns;
  tokens_ = std::min(options_.max_reads_per_second,
                     tokens_ + std::max(0.0, elapsed_s) * options_.max_reads_per_second);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

MetadataResult FileMetadataProvider::Load(const std::string& container_id,
                                          const std::string& path_pod_uid, int depth,
                                          int64_t now_ns) {
  std::vector<std::string> candidates = CandidatePaths(container_id);
  std::erase_if(candidates, [&](const std::string& path) {
    return !BaseDirExists(path, container_id, now_ns);
  });
  if (!candidates.empty() && !TakeReadToken(now_ns)) {
    // An earlier miss stays a miss; a never-tried container is still pending.
    bool known_miss = entries_.count(container_id) > 0;
    return MetadataResult{known_miss ? MetadataState::kNotFound : MetadataState::kPending, nullptr};
  }
  Entry miss;
  miss.state = MetadataState::kNotFound;
  miss.checked_ns = now_ns;
  if (auto prev = entries_.find(container_id);
      prev != entries_.end() && prev->second.state == MetadataState::kNotFound) {
    miss.misses = prev->second.misses;
  }
  ++miss.misses;
  for (const std::string& path : candidates) {
    ++files_read_;
    Result<std::string> text = ReadMetadataFile(path, options_.max_file_bytes);
    if (!text.ok()) {
      // Absent: not this runtime's container (or not this namespace). Anything else is worth one
      // log line per file.
      if (text.error().code() != StatusCode::kNotFound) {
        FGM_LOG_ONCE(kWarning, "k8s.metadata.read:" + path, "cannot read %s: %s", path.c_str(),
                     text.error().ToString().c_str());
      }
      continue;
    }
    Result<ContainerMetadata> parsed = ParseFile(*text);
    if (!parsed.ok()) {
      FGM_LOG_ONCE(kWarning, "k8s.metadata.parse:" + path, "malformed %s: %s", path.c_str(),
                   parsed.error().ToString().c_str());
      Store(container_id, miss);
      return MetadataResult{MetadataState::kNotFound, nullptr};
    }
    auto md = std::make_shared<ContainerMetadata>(std::move(parsed).value());
    md->source = std::string(name());
    if (md->pod_uid.empty()) md->pod_uid = path_pod_uid;
    Entry hit;
    hit.state = MetadataState::kFound;
    hit.checked_ns = now_ns;
    hit.complete = MergeSandboxLabels(*md, container_id, depth);
    hit.metadata = std::move(md);
    Entry& stored = Store(container_id, std::move(hit));
    return MetadataResult{MetadataState::kFound, stored.metadata};
  }
  Store(container_id, miss);
  return MetadataResult{MetadataState::kNotFound, nullptr};
}

bool FileMetadataProvider::MergeSandboxLabels(ContainerMetadata& md,
                                              const std::string& container_id, int depth) {
  // Only CRI-O and Docker sandboxes carry the pod's labels; containerd's carry none, and merging
  // an empty map is harmless. depth stops a sandbox that names another sandbox from recursing.
  if (md.is_sandbox || md.sandbox_id.empty() || md.sandbox_id == container_id || depth > 0) {
    return true;
  }
  MetadataResult sandbox = LookupId(md.sandbox_id, md.pod_uid, depth + 1);
  if (sandbox.state != MetadataState::kFound) return false;
  for (const auto& [key, value] : sandbox.metadata->labels) md.labels.emplace(key, value);
  return true;
}

FileMetadataProvider::Entry& FileMetadataProvider::Store(const std::string& container_id,
                                                         Entry entry) {
  auto it = entries_.find(container_id);
  if (it != entries_.end()) {
    entry.lru = it->second.lru;
    lru_.splice(lru_.begin(), lru_, entry.lru);
    it->second = std::move(entry);
    return it->second;
  }
  while (entries_.size() >= options_.max_entries && !lru_.empty()) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(container_id);
  entry.lru = lru_.begin();
  return entries_.emplace(container_id, std::move(entry)).first->second;
}

// ---- Runtime providers ----

ContainerdMetadataProvider::ContainerdMetadataProvider(std::string host_root, const Clock& clock,
                                                       FileProviderOptions options,
                                                       std::vector<std::string> namespaces)
    : FileMetadataProvider(std::move(host_root), clock, options),
      namespaces_(std::move(namespaces)) {}

bool ContainerdMetadataProvider::Handles(ContainerRuntime runtime) const {
  return runtime == ContainerRuntime::kContainerd || runtime == ContainerRuntime::kUnknown;
}

std::vector<std::string> ContainerdMetadataProvider::CandidatePaths(
    std::string_view container_id) const {
  std::vector<std::string> out;
  // The v2 shim layout (containerd >= 1.2) first; v1's io.containerd.runtime.v1.linux is what
  // old nodes still run.
  for (const char* runtime_dir : {"run/containerd/io.containerd.runtime.v2.task",
                                  "run/containerd/io.containerd.runtime.v1.linux"}) {
    for (const std::string& ns : namespaces_) {
      out.push_back(JoinPath(host_root(), std::string(runtime_dir) + "/" + ns + "/" +
                                              std::string(container_id) + "/config.json"));
    }
  }
  return out;
}

CrioMetadataProvider::CrioMetadataProvider(std::string host_root, const Clock& clock,
                                           FileProviderOptions options)
    : FileMetadataProvider(std::move(host_root), clock, options) {}

bool CrioMetadataProvider::Handles(ContainerRuntime runtime) const {
  return runtime == ContainerRuntime::kCrio || runtime == ContainerRuntime::kPodman ||
         runtime == ContainerRuntime::kUnknown;
}

std::vector<std::string> CrioMetadataProvider::CandidatePaths(std::string_view container_id) const {
  // containers/storage keeps a run-time copy (tmpfs) and a persistent copy of userdata/.
  std::string rel = "containers/storage/overlay-containers/" + std::string(container_id) +
                    "/userdata/config.json";
  return {JoinPath(host_root(), "run/" + rel), JoinPath(host_root(), "var/lib/" + rel)};
}

DockerMetadataProvider::DockerMetadataProvider(std::string host_root, const Clock& clock,
                                               FileProviderOptions options)
    : FileMetadataProvider(std::move(host_root), clock, options) {}

bool DockerMetadataProvider::Handles(ContainerRuntime runtime) const {
  return runtime == ContainerRuntime::kDocker || runtime == ContainerRuntime::kUnknown;
}

std::vector<std::string> DockerMetadataProvider::CandidatePaths(
    std::string_view container_id) const {
  return {JoinPath(host_root(),
                   "var/lib/docker/containers/" + std::string(container_id) + "/config.v2.json")};
}

}  // namespace fgm::k8s

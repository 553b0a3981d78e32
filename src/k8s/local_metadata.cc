// SPDX-License-Identifier: Apache-2.0
// State-directory metadata provider: an mtime-gated index of small JSON files.
#include "k8s/local_metadata.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/file.h"
#include "core/log.h"
#include "core/strings.h"

namespace fgm::k8s {
namespace {

using Json = nlohmann::json;

std::string NormalizeCgroupPath(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

Status ReadString(const Json& obj, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return OkStatus();
  if (!it->is_string()) return InvalidFormatError(std::string(key) + " is not a string");
  *out = it->get<std::string>();
  return OkStatus();
}

// Reads an optional integer field; JSON null and absence both leave *out empty.
Status ReadOptionalInt(const Json& obj, const char* key, std::optional<int64_t>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return OkStatus();
  if (!it->is_number_integer()) return InvalidFormatError(std::string(key) + " is not an integer");
  *out = it->get<int64_t>();
  return OkStatus();
}

int64_t ToNs(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * kNanosPerSecond + ts.tv_nsec;
}

}  // namespace

Result<LocalContainerRecord> ParseLocalContainerRecord(std::string_view json_text) {
  Json doc = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidFormatError("not valid JSON");
  if (!doc.is_object()) return InvalidFormatError("top-level JSON value is not an object");
  LocalContainerRecord rec;
  ContainerMetadata& md = rec.metadata;
  std::string qos;
  FGM_RETURN_IF_ERROR(ReadString(doc, "cgroup_path", &rec.cgroup_path));
  FGM_RETURN_IF_ERROR(ReadString(doc, "container_id", &rec.container_id));
  FGM_RETURN_IF_ERROR(ReadString(doc, "pod_name", &md.pod_name));
  FGM_RETURN_IF_ERROR(ReadString(doc, "namespace", &md.namespace_name));
  FGM_RETURN_IF_ERROR(ReadString(doc, "container_name", &md.container_name));
  FGM_RETURN_IF_ERROR(ReadString(doc, "pod_uid", &md.pod_uid));
  FGM_RETURN_IF_ERROR(ReadString(doc, "image", &md.image));
  FGM_RETURN_IF_ERROR(ReadString(doc, "qos", &qos));
  rec.cgroup_path = NormalizeCgroupPath(rec.cgroup_path);
  if (rec.cgroup_path.empty() && rec.container_id.empty()) {
    return InvalidFormatError("needs cgroup_path or container_id");
  }
  if (!qos.empty()) {
    md.qos_class = ParseQosClass(qos);
    if (!md.qos_class) return InvalidFormatError("unknown qos '" + qos + "'");
  }
  if (auto it = doc.find("labels"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidFormatError("labels is not an object");
    for (auto kv = it->begin(); kv != it->end(); ++kv) {
      if (!kv.value().is_string())
        return InvalidFormatError("label " + kv.key() + " is not a string");
      md.labels.emplace(kv.key(), kv.value().get<std::string>());
    }
  }
  if (auto it = doc.find("is_sandbox"); it != doc.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidFormatError("is_sandbox is not a boolean");
    md.is_sandbox = it->get<bool>();
  }
  md.source = "local";
  return rec;
}

std::string FormatLocalContainerRecord(const LocalContainerRecord& record) {
  const ContainerMetadata& md = record.metadata;
  Json doc = Json::object();
  doc["cgroup_path"] = record.cgroup_path;
  doc["container_id"] = record.container_id;
  doc["pod_name"] = md.pod_name;
  doc["namespace"] = md.namespace_name;
  doc["container_name"] = md.container_name;
  doc["pod_uid"] = md.pod_uid;
  doc["image"] = md.image;
  if (md.qos_class) doc["qos"] = std::string(QosClassName(*md.qos_class));
  doc["labels"] = md.labels;
  doc["is_sandbox"] = md.is_sandbox;
  return doc.dump();
}

Result<ExternalEvent> ParseLocalEventRecord(std::string_view json_text) {
  Json doc = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidFormatError("not valid JSON");
  if (!doc.is_object()) return InvalidFormatError("top-level JSON value is not an object");
  ExternalEvent ev;
  std::optional<int64_t> time_ms;
  FGM_RETURN_IF_ERROR(ReadOptionalInt(doc, "time_ms", &time_ms));
  if (!time_ms || *time_ms <= 0) return InvalidFormatError("needs a positive integer time_ms");
  ev.time_ms = *time_ms;
  FGM_RETURN_IF_ERROR(ReadString(doc, "cgroup_path", &ev.cgroup_path));
  FGM_RETURN_IF_ERROR(ReadString(doc, "container_id", &ev.container_id));
  FGM_RETURN_IF_ERROR(ReadString(doc, "pod_uid", &ev.pod_uid));
  FGM_RETURN_IF_ERROR(ReadString(doc, "pod_name", &ev.pod_name));
  FGM_RETURN_IF_ERROR(ReadString(doc, "namespace", &ev.namespace_name));
  FGM_RETURN_IF_ERROR(ReadString(doc, "container_name", &ev.container_name));
  FGM_RETURN_IF_ERROR(ReadString(doc, "type", &ev.type));
  FGM_RETURN_IF_ERROR(ReadString(doc, "reason", &ev.reason));
  FGM_RETURN_IF_ERROR(ReadString(doc, "message", &ev.message));
  FGM_RETURN_IF_ERROR(ReadOptionalInt(doc, "exit_code", &ev.exit_code));
  FGM_RETURN_IF_ERROR(ReadOptionalInt(doc, "signal", &ev.signal));
  ev.cgroup_path = NormalizeCgroupPath(ev.cgroup_path);
  if (ev.cgroup_path.empty() && ev.container_id.empty()) {
    return InvalidFormatError("needs cgroup_path or container_id");
  }
  if (ev.type != "exit" && ev.type != "restart" && ev.type != "oom_kill") {
    return InvalidFormatError("unknown type '" + ev.type +
                              "' (expected exit, restart or oom_kill)");
  }
  return ev;
}

std::string FormatLocalEventRecord(const ExternalEvent& event) {
  Json doc = Json::object();
  doc["time_ms"] = event.time_ms;
  doc["cgroup_path"] = event.cgroup_path;
  doc["container_id"] = event.container_id;
  doc["type"] = event.type;
  doc["exit_code"] = event.exit_code ? Json(*event.exit_code) : Json(nullptr);
  doc["signal"] = event.signal ? Json(*event.signal) : Json(nullptr);
  doc["reason"] = event.reason;
  doc["message"] = event.message;
  doc["pod_uid"] = event.pod_uid;
  doc["pod_name"] = event.pod_name;
  doc["namespace"] = event.namespace_name;
  doc["container_name"] = event.container_name;
  return doc.dump();
}

std::string LocalEventsDir(const std::string& local_metadata_dir) {
  return local_metadata_dir + "/events";
}

LocalMetadataProvider::LocalMetadataProvider(std::string state_dir, const Clock& clock,
                                             LocalMetadataOptions options)
    : state_dir_(std::move(state_dir)), clock_(clock), options_(options) {}

MetadataResult LocalMetadataProvider::Lookup(const ContainerIdentity& identity) {
  MaybeRescan();
  std::shared_ptr<const LocalContainerRecord> rec;
  if (auto it = by_path_.find(NormalizeCgroupPath(identity.cgroup_path)); it != by_path_.end()) {
    rec = it->second;
  } else if (auto id = by_id_.find(identity.container_id); id != by_id_.end()) {
    rec = id->second;
  }
  if (!rec) return MetadataResult{MetadataState::kNotFound, nullptr};
  // Aliasing constructor: shares ownership of the record without copying its metadata.
  return MetadataResult{MetadataState::kFound,
                        std::shared_ptr<const ContainerMetadata>(rec, &rec->metadata)};
}

void LocalMetadataProvider::MaybeRescan() {
  const int64_t now_ns = clock_.MonotonicNs();
  if (scanned_once_ && now_ns - last_check_ns_ < options_.recheck_interval_ns) return;
  last_check_ns_ = now_ns;
  struct stat st {};
  if (::stat(state_dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    files_.clear();
    by_path_.clear();
    by_id_.clear();
    dir_mtime_ns_ = -1;
    scanned_once_ = true;
    return;
  }
  const int64_t mtime_ns = ToNs(st.st_mtim);
  if (scanned_once_ && mtime_ns == dir_mtime_ns_ &&
      now_ns - last_full_scan_ns_ < options_.full_rescan_interval_ns) {
    return;
  }
  dir_mtime_ns_ = mtime_ns;
  last_full_scan_ns_ = now_ns;
  scanned_once_ = true;
  Rescan();
}

void LocalMetadataProvider::Rescan() {
  ++rescans_;
  DIR* dir = ::opendir(state_dir_.c_str());
  if (dir == nullptr) {
    FGM_LOG_ONCE(kWarning, "k8s.local.opendir:" + state_dir_, "cannot list %s: %s",
                 state_dir_.c_str(), ErrnoError("opendir", errno).ToString().c_str());
    return;
  }
  std::set<std::string> present;
  while (struct dirent* ent = ::readdir(dir)) {
    std::string_view name = ent->d_name;
    if (name.empty() || name.front() == '.' || !EndsWith(name, ".json")) continue;
    struct stat st {};
    if (::fstatat(::dirfd(dir), ent->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
    std::string key(name);
    auto it = files_.find(key);
    if (it == files_.end() && files_.size() >= options_.max_files) {
      FGM_LOG_ONCE(kWarning, "k8s.local.max_files:" + state_dir_,
                   "%s holds more than %zu state files; ignoring the rest", state_dir_.c_str(),
                   options_.max_files);
      continue;
    }
    present.insert(key);
    FileState fresh{static_cast<uint64_t>(st.st_ino), static_cast<int64_t>(st.st_size),
                    ToNs(st.st_mtim), nullptr};
    if (it != files_.end() && it->second.inode == fresh.inode && it->second.size == fresh.size &&
        it->second.mtime_ns == fresh.mtime_ns) {
      continue;  // unchanged since it was parsed
    }
    std::string path = state_dir_ + "/" + key;
    Result<std::string> text = ReadFileToString(path, options_.max_file_bytes);
    if (!text.ok()) {
      if (text.error().code() != StatusCode::kNotFound) {
        FGM_LOG_ONCE(kWarning, "k8s.local.read:" + path, "cannot read %s: %s", path.c_str(),
                     text.error().ToString().c_str());
      }
      present.erase(key);
      continue;
    }
    Result<LocalContainerRecord> rec = ParseLocalContainerRecord(*text);
    if (rec.ok()) {
      fresh.record = std::make_shared<const LocalContainerRecord>(std::move(rec).value());
    } else {
      FGM_LOG_ONCE(kWarning, "k8s.local.parse:" + path, "malformed %s: %s", path.c_str(),
                   rec.error().ToString().c_str());
    }
    files_[key] = std::move(fresh);
  }
  ::closedir(dir);
  for (auto it = files_.begin(); it != files_.end();) {
    it = present.count(it->first) ? std::next(it) : files_.erase(it);
  }
  by_path_.clear();
  by_id_.clear();
  for (const auto& [file, state] : files_) {
    if (!state.record) continue;
    if (!state.record->cgroup_path.empty()) by_path_[state.record->cgroup_path] = state.record;
    if (!state.record->container_id.empty()) by_id_[state.record->container_id] = state.record;
  }
}

LocalEventSource::LocalEventSource(std::string events_dir, LocalEventSourceOptions options)
    : dir_(std::move(events_dir)), options_(options) {}

std::vector<ExternalEvent> LocalEventSource::Poll() {
  std::vector<ExternalEvent> out;
  DIR* dir = ::opendir(dir_.c_str());
  if (dir == nullptr) {
    if (errno != ENOENT && errno != ENOTDIR) {
      FGM_LOG_ONCE(kWarning, "k8s.local.events.opendir:" + dir_, "cannot list %s: %s", dir_.c_str(),
                   ErrnoError("opendir", errno).ToString().c_str());
    }
    return out;
  }
  std::vector<std::string> names;
  std::set<std::string> listed;
  while (struct dirent* ent = ::readdir(dir)) {
    std::string_view name = ent->d_name;
    // A writer's temporary file starts with '.' or does not end in ".json" (atomic rename).
    if (name.empty() || name.front() == '.' || !EndsWith(name, ".json")) continue;
    listed.emplace(name);
    if (delivered_.count(std::string(name)) || done_.count(std::string(name))) continue;
    names.emplace_back(name);
  }
  ::closedir(dir);
  // Forget acknowledged names whose file is finally gone, so a new file may reuse the name.
  for (auto it = done_.begin(); it != done_.end();) {
    it = listed.count(*it) ? std::next(it) : done_.erase(it);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::pair<ExternalEvent, std::string>> read;
  for (const std::string& name : names) {
    if (read.size() >= options_.max_events_per_poll) break;
    std::string path = dir_ + "/" + name;
    Result<std::string> text = ReadFileToString(path, options_.max_file_bytes);
    if (!text.ok()) {
      if (text.error().code() != StatusCode::kNotFound) {
        FGM_LOG_ONCE(kWarning, "k8s.local.events.read:" + dir_, "cannot read %s: %s", path.c_str(),
                     text.error().ToString().c_str());
      }
      continue;
    }
    Result<ExternalEvent> ev = ParseLocalEventRecord(*text);
    if (!ev.ok()) {
      ++malformed_;
      FGM_LOG_ONCE(kWarning, "k8s.local.events.parse:" + dir_,
                   "malformed event file %s: %s (renamed to .bad; later ones are not logged)",
                   path.c_str(), ev.error().ToString().c_str());
      // Moved aside so it is neither read again every tick nor lost to inspection.
      if (::rename(path.c_str(), (path + ".bad").c_str()) != 0) done_.insert(name);
      continue;
    }
    read.emplace_back(std::move(ev).value(), name);
  }
  std::stable_sort(read.begin(), read.end(),
                   [](const auto& a, const auto& b) { return a.first.time_ms < b.first.time_ms; });
  out.reserve(read.size());
  for (auto& [ev, name] : read) {
    delivered_.insert(name);
    out.push_back(std::move(ev));
  }
  return out;
}

void LocalEventSource::Acknowledge() {
  for (const std::string& name : delivered_) {
    std::string path = dir_ + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      FGM_LOG_ONCE(kWarning, "k8s.local.events.unlink:" + dir_, "cannot delete %s: %s",
                   path.c_str(), ErrnoError("unlink", errno).ToString().c_str());
      done_.insert(name);
    }
  }
  delivered_.clear();
}

}  // namespace fgm::k8s

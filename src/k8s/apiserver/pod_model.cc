// SPDX-License-Identifier: Apache-2.0
// Pod JSON parsing and the pod-diff event logic (see pod_model.h). nlohmann::json is used without
// exceptions: parse(..., allow_exceptions=false) and type checks before every access.
#include "k8s/apiserver/pod_model.h"

#include <time.h>

#include <nlohmann/json.hpp>

#include "core/strings.h"

namespace fgm::k8s::apiserver {
namespace {

using Json = nlohmann::json;

const Json* Member(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string GetString(const Json& obj, const char* key) {
  const Json* v = Member(obj, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<int64_t> GetInt(const Json& obj, const char* key) {
  const Json* v = Member(obj, key);
  if (!v || !v->is_number_integer()) return std::nullopt;
  return v->get<int64_t>();
}

const Json& GetObject(const Json& obj, const char* key) {
  static const Json kEmpty = Json::object();
  const Json* v = Member(obj, key);
  return v && v->is_object() ? *v : kEmpty;
}

std::map<std::string, std::string> StringMap(const Json& obj, size_t cap) {
  std::map<std::string, std::string> out;
  if (!obj.is_object()) return out;
  for (auto it = obj.begin(); it != obj.end() && out.size() < cap; ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

std::optional<Termination> ParseTermination(const Json& state) {
  const Json* t = Member(state, "terminated");
  if (!t || !t->is_object()) return std::nullopt;
  Termination out;
  out.container_id = std::string(StripContainerIdScheme(GetString(*t, "containerID")));
  out.exit_code = GetInt(*t, "exitCode").value_or(0);
  out.signal = GetInt(*t, "signal");
  // Why: the kubelet reports a signal death as exit code 128+n (the shell convention runtimes
  // follow: SIGKILL → 137) and rarely fills `signal`; recover n so rows say which signal.
  if (!out.signal && out.exit_code > 128 && out.exit_code <= 128 + 64) {
    out.signal = out.exit_code - 128;
  }
  out.reason = GetString(*t, "reason");
  out.message = GetString(*t, "message");
  if (out.message.size() > kMaxMessageBytes) out.message.resize(kMaxMessageBytes);
  out.finished_at_ms = ParseRfc3339Ms(GetString(*t, "finishedAt")).value_or(0);
  return out;
}

// Fills requests/limits of containers from spec.containers / spec.initContainers (by name).
void JoinResources(const Json& spec_list, std::vector<ContainerInfo>* containers) {
  if (!spec_list.is_array()) return;
  for (const Json& c : spec_list) {
    std::string name = GetString(c, "name");
    for (ContainerInfo& info : *containers) {
      if (info.name != name) continue;
      const Json& resources = GetObject(c, "resources");
      info.requests = StringMap(GetObject(resources, "requests"), kMaxLabelsPerPod);
      info.limits = StringMap(GetObject(resources, "limits"), kMaxLabelsPerPod);
      if (info.image.empty()) info.image = GetString(c, "image");
    }
  }
}

void ParseStatuses(const Json& list, bool init, std::vector<ContainerInfo>* out) {
  if (!list.is_array()) return;
  for (const Json& s : list) {
    if (out->size() >= kMaxContainersPerPod) return;
    ContainerInfo c;
    c.name = GetString(s, "name");
    c.image = GetString(s, "image");
    c.container_id = std::string(StripContainerIdScheme(GetString(s, "containerID")));
    c.restart_count = GetInt(s, "restartCount").value_or(0);
    const Json& state = GetObject(s, "state");
    c.started_at_ms =
        ParseRfc3339Ms(GetString(GetObject(state, "running"), "startedAt")).value_or(0);
    c.terminated = ParseTermination(state);
    c.last_terminated = ParseTermination(GetObject(s, "lastState"));
    c.init_container = init;
    out->push_back(std::move(c));
  }
}

Result<PodInfo> PodFromJson(const Json& pod) {
  if (!pod.is_object()) return InvalidFormatError("pod is not a JSON object");
  const Json& meta = GetObject(pod, "metadata");
  PodInfo out;
  out.uid = GetString(meta, "uid");
  if (out.uid.empty()) return InvalidFormatError("pod without metadata.uid");
  out.name = GetString(meta, "name");
  out.namespace_name = GetString(meta, "namespace");
  out.resource_version = GetString(meta, "resourceVersion");
  out.labels = StringMap(GetObject(meta, "labels"), kMaxLabelsPerPod);
  const Json& spec = GetObject(pod, "spec");
  out.node_name = GetString(spec, "nodeName");
  const Json& status = GetObject(pod, "status");
  out.qos_class = GetString(status, "qosClass");
  if (const Json* s = Member(status, "initContainerStatuses"))
    ParseStatuses(*s, true, &out.containers);
  if (const Json* s = Member(status, "containerStatuses"))
    ParseStatuses(*s, false, &out.containers);
  if (const Json* s = Member(spec, "initContainers")) JoinResources(*s, &out.containers);
  if (const Json* s = Member(spec, "containers")) JoinResources(*s, &out.containers);
  return out;
}

Result<Json> ParseJson(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidFormatError("not valid JSON");
  return j;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil: no timegm(), no TZ environment dependence.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

ExternalEvent BaseEvent(const PodInfo& pod, const ContainerInfo& c) {
  ExternalEvent e;
  e.pod_uid = pod.uid;
  e.pod_name = pod.name;
  e.namespace_name = pod.namespace_name;
  e.container_name = c.name;
  return e;
}

void AddTermination(const PodInfo& pod, const ContainerInfo& c, const Termination& t,
                    SeenTerminations* seen, std::vector<ExternalEvent>* out) {
  std::string key =
      pod.uid + "/" + c.name + "/" + t.container_id + "/" + std::to_string(t.finished_at_ms);
  if (!seen->Insert(key)) return;
  ExternalEvent e = BaseEvent(pod, c);
  e.time_ms = t.finished_at_ms;
  e.container_id = t.container_id;
  e.type = "exit";
  e.exit_code = t.exit_code;
  e.signal = t.signal;
  e.reason = t.reason;
  e.message = t.message;
  out->push_back(e);
  if (t.reason == "OOMKilled") {
    e.type = "oom_kill";
    out->push_back(std::move(e));
  }
}

}  // namespace

bool SeenTerminations::Insert(const std::string& key) {
  if (keys_.count(key)) return false;
  if (capacity_ == 0) return true;
  if (order_.size() < capacity_) {
    order_.push_back(key);
  } else {
    keys_.erase(order_[next_]);
    order_[next_] = key;
    next_ = (next_ + 1) % capacity_;
  }
  keys_[key] = true;
  return true;
}

std::string_view StripContainerIdScheme(std::string_view id) {
  size_t pos = id.find("://");
  return pos == std::string_view::npos ? id : id.substr(pos + 3);
}

std::optional<int64_t> ParseRfc3339Ms(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't') ||
      t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) { return ParseUint64(t.substr(pos, len)); };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
       s = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *s > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t frac_ms = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      if (digits < 3) frac_ms = frac_ms * 10 + (t[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (size_t i = digits; i < 3; ++i) frac_ms *= 10;
  }
  int64_t offset_s = 0;
  std::string_view zone = t.substr(pos);
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    auto oh = ParseUint64(zone.substr(1, 2)), om = ParseUint64(zone.substr(4, 2));
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_s = static_cast<int64_t>(*oh * 3600 + *om * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  int64_t days = DaysFromCivil(static_cast<int64_t>(*y), static_cast<unsigned>(*mo),
                               static_cast<unsigned>(*d));
  int64_t secs = days * 86400 + static_cast<int64_t>(*h * 3600 + *mi * 60 + *s) - offset_s;
  return secs * 1000 + frac_ms;
}

Result<PodInfo> ParsePod(std::string_view json) {
  FGM_ASSIGN_OR_RETURN(Json j, ParseJson(json));
  return PodFromJson(j);
}

Result<PodList> ParsePodList(std::string_view json) {
  FGM_ASSIGN_OR_RETURN(Json j, ParseJson(json));
  if (GetString(j, "kind") != "PodList") {
    return InvalidFormatError("expected kind PodList, got '" + GetString(j, "kind") + "'");
  }
  PodList out;
  const Json& meta = GetObject(j, "metadata");
  out.resource_version = GetString(meta, "resourceVersion");
  out.continue_token = GetString(meta, "continue");
  const Json* items = Member(j, "items");
  if (items && items->is_array()) {
    for (const Json& item : *items) {
      Result<PodInfo> pod = PodFromJson(item);
      if (pod.ok()) out.pods.push_back(std::move(*pod));
    }
  }
  return out;
}

Result<WatchEvent> ParseWatchEvent(std::string_view line) {
  FGM_ASSIGN_OR_RETURN(Json j, ParseJson(line));
  std::string type = GetString(j, "type");
  const Json& object = GetObject(j, "object");
  WatchEvent out;
  if (type == "ERROR") {
    // The object is a metav1.Status: {"kind":"Status","code":410,"reason":"Expired",...}.
    out.type = WatchEventType::kError;
    out.error_code = GetInt(object, "code").value_or(0);
    out.error_message = GetString(object, "message");
    return out;
  }
  if (type == "BOOKMARK") {
    // A bookmark's object is a Pod with only metadata.resourceVersion set (no uid).
    out.type = WatchEventType::kBookmark;
    out.pod.resource_version = GetString(GetObject(object, "metadata"), "resourceVersion");
    if (out.pod.resource_version.empty())
      return InvalidFormatError("BOOKMARK without resourceVersion");
    return out;
  }
  if (type == "ADDED") {
    out.type = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    out.type = WatchEventType::kModified;
  } else if (type == "DELETED") {
    out.type = WatchEventType::kDeleted;
  } else if (type.empty()) {
    return InvalidFormatError("watch line without a type");
  } else {
    return UnsupportedError("watch event type '" + type + "'");
  }
  FGM_ASSIGN_OR_RETURN(out.pod, PodFromJson(object));
  return out;
}

std::vector<ExternalEvent> DiffPodEvents(const PodInfo* before, const PodInfo& after,
                                         SeenTerminations* seen, int64_t now_ms) {
  std::vector<ExternalEvent> out;
  for (const ContainerInfo& c : after.containers) {
    const ContainerInfo* prev = nullptr;
    if (before) {
      for (const ContainerInfo& b : before->containers) {
        if (b.name == c.name && b.init_container == c.init_container) prev = &b;
      }
    }
    // The previous instance's end first: it happened before the restart that follows it.
    if (c.last_terminated) AddTermination(after, c, *c.last_terminated, seen, &out);
    if (prev && c.restart_count > prev->restart_count) {
      ExternalEvent e = BaseEvent(after, c);
      e.type = "restart";
      e.container_id = c.container_id;
      e.time_ms = c.started_at_ms > 0 ? c.started_at_ms : now_ms;
      out.push_back(std::move(e));
    }
    if (c.terminated) AddTermination(after, c, *c.terminated, seen, &out);
  }
  return out;
}

}  // namespace fgm::k8s::apiserver

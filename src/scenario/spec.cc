// SPDX-License-Identifier: Apache-2.0
// scenario.json parsing (strict: unknown keys are errors), Kubernetes quantities, QoS and the
// {{VAR}} renderer.
#include "scenario/spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/file.h"
#include "core/strings.h"

namespace fgm::scenario {
namespace {

using nlohmann::json;

// scenario.json is a few kilobytes; 1 MiB only stops a wrong path from being slurped.
constexpr size_t kMaxSpecBytes = 1 << 20;

Status CheckKeys(const json& obj, std::string_view where, std::initializer_list<const char*> keys) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) ==
        keys.end()) {
      return InvalidFormatError(std::string(where) + ": unknown key \"" + key + "\"");
    }
  }
  return OkStatus();
}

Result<std::string> GetString(const json& obj, const char* key, std::string_view where,
                              bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) return InvalidFormatError(std::string(where) + ": missing \"" + key + "\"");
    return std::string();
  }
  if (!it->is_string()) {
    return InvalidFormatError(std::string(where) + ": \"" + key + "\" must be a string");
  }
  return it->get<std::string>();
}

Result<std::map<std::string, std::string>> GetStringMap(const json& obj, const char* key,
                                                        std::string_view where) {
  std::map<std::string, std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  if (!it->is_object()) {
    return InvalidFormatError(std::string(where) + ": \"" + key + "\" must be an object");
  }
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return InvalidFormatError(std::string(where) + ": " + key + "." + k + " must be a string");
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<ContainerSpec> ParseContainer(const json& c, const std::string& where) {
  if (!c.is_object()) return InvalidFormatError(where + ": must be an object");
  FGM_RETURN_IF_ERROR(
      CheckKeys(c, where, {"name", "args", "cpu", "memory", "pids", "user", "env"}));
  ContainerSpec spec;
  FGM_ASSIGN_OR_RETURN(spec.name, GetString(c, "name", where, true));
  if (!IsDnsLabel(spec.name)) {
    return InvalidFormatError(where + ": name \"" + spec.name + "\" is not a DNS label");
  }
  const std::string at = where + " (" + spec.name + ")";
  auto args = c.find("args");
  if (args == c.end() || !args->is_array() || args->empty()) {
    return InvalidFormatError(at +
                              ": \"args\" must be a non-empty array (the workload mode first)");
  }
  for (const auto& a : *args) {
    if (!a.is_string()) return InvalidFormatError(at + ": every arg must be a string");
    spec.args.push_back(a.get<std::string>());
  }
  FGM_ASSIGN_OR_RETURN(std::string cpu, GetString(c, "cpu", at, false));
  if (!cpu.empty()) {
    auto m = ParseCpuQuantity(cpu);
    if (!m.ok()) return InvalidFormatError(at + ": cpu: " + m.error().message());
    spec.cpu_millicores = *m;
  }
  FGM_ASSIGN_OR_RETURN(std::string memory, GetString(c, "memory", at, false));
  if (!memory.empty()) {
    auto b = ParseMemoryQuantity(memory);
    if (!b.ok()) return InvalidFormatError(at + ": memory: " + b.error().message());
    spec.memory_bytes = *b;
  }
  if (auto p = c.find("pids"); p != c.end()) {
    if (!p->is_number_integer() || p->get<int64_t>() <= 0) {
      return InvalidFormatError(at + ": \"pids\" must be a positive integer");
    }
    spec.pids = p->get<int64_t>();
  }
  FGM_ASSIGN_OR_RETURN(spec.user, GetString(c, "user", at, false));
  FGM_ASSIGN_OR_RETURN(spec.env, GetStringMap(c, "env", at));
  return spec;
}

Result<RestartPolicy> ParseRestartPolicy(std::string_view text) {
  if (text.empty() || text == "Always") return RestartPolicy::kAlways;
  if (text == "OnFailure") return RestartPolicy::kOnFailure;
  if (text == "Never") return RestartPolicy::kNever;
  return InvalidFormatError("restart_policy must be Always, OnFailure or Never, not \"" +
                            std::string(text) + "\"");
}

}  // namespace

std::string_view RestartPolicyName(RestartPolicy policy) {
  switch (policy) {
    case RestartPolicy::kAlways:
      return "Always";
    case RestartPolicy::kOnFailure:
      return "OnFailure";
    case RestartPolicy::kNever:
      return "Never";
  }
  return "Always";
}

bool IsDnsLabel(std::string_view name) {
  // RFC 1123 label: what Kubernetes accepts for container names and namespaces.
  constexpr size_t kMaxDnsLabel = 63;
  if (name.empty() || name.size() > kMaxDnsLabel || name.front() == '-' || name.back() == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

Result<ScenarioSpec> ParseScenarioSpec(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidFormatError("scenario.json: malformed JSON");
  if (!doc.is_object()) return InvalidFormatError("scenario.json: must be an object");
  FGM_RETURN_IF_ERROR(CheckKeys(doc, "scenario.json",
                                {"name", "description", "expected_signal", "pods", "$comment"}));
  ScenarioSpec spec;
  FGM_ASSIGN_OR_RETURN(spec.name, GetString(doc, "name", "scenario.json", true));
  if (!IsDnsLabel(spec.name)) {
    return InvalidFormatError("scenario name \"" + spec.name + "\" is not a DNS label");
  }
  FGM_ASSIGN_OR_RETURN(spec.description, GetString(doc, "description", spec.name, false));
  FGM_ASSIGN_OR_RETURN(spec.expected_signal, GetString(doc, "expected_signal", spec.name, false));
  auto pods = doc.find("pods");
  if (pods == doc.end() || !pods->is_array() || pods->empty()) {
    return InvalidFormatError(spec.name + ": \"pods\" must be a non-empty array");
  }
  std::set<std::string> pod_names;
  for (size_t i = 0; i < pods->size(); ++i) {
    const json& p = (*pods)[i];
    std::string where = spec.name + ": pods[" + std::to_string(i) + "]";
    if (!p.is_object()) return InvalidFormatError(where + ": must be an object");
    FGM_RETURN_IF_ERROR(CheckKeys(p, where, {"name", "labels", "restart_policy", "containers"}));
    PodSpec pod;
    FGM_ASSIGN_OR_RETURN(pod.name, GetString(p, "name", where, true));
    if (!IsDnsLabel(pod.name)) {
      return InvalidFormatError(where + ": name \"" + pod.name + "\" is not a DNS label");
    }
    if (!pod_names.insert(pod.name).second) {
      return InvalidFormatError(where + ": duplicate pod name \"" + pod.name + "\"");
    }
    FGM_ASSIGN_OR_RETURN(pod.labels, GetStringMap(p, "labels", where));
    FGM_ASSIGN_OR_RETURN(std::string policy, GetString(p, "restart_policy", where, false));
    auto parsed_policy = ParseRestartPolicy(policy);
    if (!parsed_policy.ok()) return parsed_policy.error().WithContext(where);
    pod.restart_policy = *parsed_policy;
    auto containers = p.find("containers");
    if (containers == p.end() || !containers->is_array() || containers->empty()) {
      return InvalidFormatError(where + ": \"containers\" must be a non-empty array");
    }
    std::set<std::string> names;
    for (size_t j = 0; j < containers->size(); ++j) {
      FGM_ASSIGN_OR_RETURN(
          ContainerSpec c,
          ParseContainer((*containers)[j], where + ".containers[" + std::to_string(j) + "]"));
      if (!names.insert(c.name).second) {
        return InvalidFormatError(where + ": duplicate container name \"" + c.name + "\"");
      }
      pod.containers.push_back(std::move(c));
    }
    spec.pods.push_back(std::move(pod));
  }
  return spec;
}

Result<ScenarioSpec> LoadScenario(const std::string& scenarios_dir, const std::string& name) {
  if (!IsDnsLabel(name)) return InvalidArgumentError("bad scenario name \"" + name + "\"");
  std::string path = scenarios_dir + "/" + name + "/scenario.json";
  auto text = ReadFileToString(path, kMaxSpecBytes);
  if (!text.ok()) {
    return NotFoundError("no scenario \"" + name + "\" in " + scenarios_dir + " (" +
                         text.error().message() + "); `fgm scenario list` shows them");
  }
  auto spec = ParseScenarioSpec(*text);
  if (!spec.ok()) return spec.error().WithContext(path);
  if (spec->name != name) {
    return InvalidFormatError(path + ": name \"" + spec->name + "\" differs from its directory");
  }
  return spec;
}

Result<std::vector<std::string>> ListScenarioNames(const std::string& scenarios_dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(scenarios_dir, ec)) {
    if (std::filesystem::exists(e.path() / "scenario.json")) {
      names.push_back(e.path().filename().string());
    }
  }
  if (ec) return ErrnoError("list " + scenarios_dir, ec.value());
  std::sort(names.begin(), names.end());
  return names;
}

Result<int64_t> ParseCpuQuantity(std::string_view text) {
  std::optional<double> cores;
  if (EndsWith(text, "m")) {
    auto m = ParseUint64(text.substr(0, text.size() - 1));
    if (m) cores = static_cast<double>(*m) / 1000.0;
  } else {
    cores = ParseDouble(text);
  }
  if (!cores || !(*cores > 0) || !std::isfinite(*cores)) {
    return InvalidArgumentError("bad CPU quantity \"" + std::string(text) + "\" (e.g. 250m, 1)");
  }
  int64_t millicores = std::llround(*cores * 1000.0);
  if (millicores <= 0) {
    return InvalidArgumentError("CPU quantity \"" + std::string(text) + "\" is below 1m");
  }
  return millicores;
}

Result<uint64_t> ParseMemoryQuantity(std::string_view text) {
  struct Suffix {
    std::string_view text;
    uint64_t factor;
  };
  // Kubernetes' binary and decimal suffixes (only the ones a scenario plausibly uses).
  constexpr Suffix kSuffixes[] = {{"Ki", 1ull << 10}, {"Mi", 1ull << 20}, {"Gi", 1ull << 30},
                                  {"k", 1000},        {"M", 1000000},     {"G", 1000000000}};
  uint64_t factor = 1;
  std::string_view digits = text;
  for (const auto& s : kSuffixes) {
    if (EndsWith(text, s.text)) {
      factor = s.factor;
      digits = text.substr(0, text.size() - s.text.size());
      break;
    }
  }
  auto n = ParseUint64(digits);
  if (!n || *n == 0 || *n > UINT64_MAX / factor) {
    return InvalidArgumentError("bad memory quantity \"" + std::string(text) +
                                "\" (e.g. 128Mi, 1Gi)");
  }
  return *n * factor;
}

k8s::QosClass PodQosClass(const PodSpec& pod) {
  bool all = true, any = false;
  for (const auto& c : pod.containers) {
    bool both = c.cpu_millicores.has_value() && c.memory_bytes.has_value();
    all = all && both;
    any = any || c.cpu_millicores.has_value() || c.memory_bytes.has_value();
  }
  if (all) return k8s::QosClass::kGuaranteed;
  return any ? k8s::QosClass::kBurstable : k8s::QosClass::kBestEffort;
}

Result<std::string> RenderTemplate(std::string_view text,
                                   const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      return out;
    }
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return InvalidArgumentError("unterminated {{ in template");
    std::string name(TrimWhitespace(text.substr(open + 2, close - open - 2)));
    auto it = vars.find(name);
    if (it == vars.end()) {
      return InvalidArgumentError("template uses {{" + name + "}}, which is not defined");
    }
    out.append(text.substr(pos, open - pos));
    out.append(it->second);
    pos = close + 2;
  }
}

}  // namespace fgm::scenario

// SPDX-License-Identifier: Apache-2.0
// state.json (de)serialisation and the state directory's layout.
#include "scenario/run_state.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "core/file.h"
#include "core/strings.h"
#include "scenario/spec.h"

namespace fgm::scenario {
namespace {

using nlohmann::json;

// state.json holds a few dozen containers at most; 4 MiB is far beyond any real one.
constexpr size_t kMaxStateBytes = 4 << 20;

}  // namespace

std::string StateDir::DefaultRoot() {
  const char* env = std::getenv("FGM_STATE_DIR");
  return env && *env ? env : "/var/lib/fgm/scenarios";
}

std::vector<std::string> StateDir::ListRuns() const {
  namespace fs = std::filesystem;
  std::vector<std::pair<fs::file_time_type, std::string>> runs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_ + "/runs", ec)) {
    if (!e.is_directory(ec)) continue;
    runs.emplace_back(e.last_write_time(ec), e.path().filename().string());
  }
  std::sort(runs.begin(), runs.end());
  std::vector<std::string> out;
  for (auto& r : runs) out.push_back(r.second);
  return out;
}

Result<std::string> StateDir::LatestRun() const {
  auto text = ReadFileToString(latest_file(), 64);
  if (!text.ok() || TrimWhitespace(*text).empty()) {
    return NotFoundError("no scenario run in " + root_ + " (start one with `fgm scenario run`)");
  }
  return std::string(TrimWhitespace(*text));
}

Result<std::string> StateDir::ResolveRun(std::string_view run) const {
  if (run.empty()) return LatestRun();
  struct stat st {};
  if (!IsDnsLabel(run) || ::stat(state_file(run).c_str(), &st) != 0) {
    return NotFoundError("no run \"" + std::string(run) + "\" in " + root_);
  }
  return std::string(run);
}

std::string NewRunId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device() ^
                      static_cast<uint64_t>(WallMs()));
  std::string id;
  // 8 characters, as the issue asks: 26 * 36^7 ids, so collisions in one state dir are not a
  // practical concern (and the run directory is created exclusively anyway).
  id += kAlphabet[rng() % 26];
  for (int i = 1; i < 8; ++i) id += kAlphabet[rng() % 36];
  return id;
}

std::string FormatRunState(const RunState& s) {
  json doc = {{"run_id", s.run_id},         {"scenario", s.scenario},
              {"backend", s.backend},       {"phase", s.phase},
              {"message", s.message},       {"created_ms", s.created_ms},
              {"ends_ms", s.ends_ms},       {"supervisor_pid", s.supervisor_pid},
              {"shared_dir", s.shared_dir}, {"namespace", s.namespace_name},
              {"containers", json::array()}};
  for (const auto& c : s.containers) {
    doc["containers"].push_back(
        {{"pod", c.pod},
         {"name", c.name},
         {"state", c.state},
         {"restarts", c.restarts},
         {"instance", c.instance},
         {"pid", c.pid},
         {"cgroup_path", c.cgroup_path},
         {"container_id", c.container_id},
         {"started_ms", c.started_ms},
         {"next_start_ms", c.next_start_ms},
         {"last_exit_code", c.last_exit_code ? json(*c.last_exit_code) : json()},
         {"last_signal", c.last_signal ? json(*c.last_signal) : json()},
         {"last_reason", c.last_reason},
         {"last_message", c.last_message}});
  }
  return doc.dump(2) + "\n";
}

Result<RunState> ParseRunState(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return InvalidFormatError("state.json: malformed JSON");
  RunState s;
  // Typed reads without exceptions: a wrong type is an error, a missing key keeps the default.
  bool ok = true;
  auto str = [&](const json& o, const char* k, std::string* out) {
    if (auto it = o.find(k); it != o.end()) {
      if (it->is_string())
        *out = it->get<std::string>();
      else
        ok = false;
    }
  };
  auto num = [&](const json& o, const char* k, auto* out) {
    if (auto it = o.find(k); it != o.end()) {
      if (it->is_number_integer())
        *out = it->get<std::decay_t<decltype(*out)>>();
      else
        ok = false;
    }
  };
  auto opt = [&](const json& o, const char* k, std::optional<int>* out) {
    if (auto it = o.find(k); it != o.end() && !it->is_null()) {
      if (it->is_number_integer())
        *out = it->get<int>();
      else
        ok = false;
    }
  };
  str(doc, "run_id", &s.run_id);
  str(doc, "scenario", &s.scenario);
  str(doc, "backend", &s.backend);
  str(doc, "phase", &s.phase);
  str(doc, "message", &s.message);
  num(doc, "created_ms", &s.created_ms);
  num(doc, "ends_ms", &s.ends_ms);
  num(doc, "supervisor_pid", &s.supervisor_pid);
  str(doc, "shared_dir", &s.shared_dir);
  str(doc, "namespace", &s.namespace_name);
  if (auto it = doc.find("containers"); it != doc.end()) {
    if (!it->is_array()) return InvalidFormatError("state.json: containers must be an array");
    for (const auto& c : *it) {
      if (!c.is_object()) return InvalidFormatError("state.json: a container is not an object");
      ContainerStatus cs;
      str(c, "pod", &cs.pod);
      str(c, "name", &cs.name);
      str(c, "state", &cs.state);
      num(c, "restarts", &cs.restarts);
      num(c, "instance", &cs.instance);
      num(c, "pid", &cs.pid);
      str(c, "cgroup_path", &cs.cgroup_path);
      str(c, "container_id", &cs.container_id);
      num(c, "started_ms", &cs.started_ms);
      num(c, "next_start_ms", &cs.next_start_ms);
      opt(c, "last_exit_code", &cs.last_exit_code);
      opt(c, "last_signal", &cs.last_signal);
      str(c, "last_reason", &cs.last_reason);
      str(c, "last_message", &cs.last_message);
      s.containers.push_back(std::move(cs));
    }
  }
  if (!ok) return InvalidFormatError("state.json: a field has the wrong type");
  if (s.run_id.empty()) return InvalidFormatError("state.json: no run_id");
  return s;
}

Result<RunState> ReadRunState(const StateDir& dir, std::string_view run) {
  std::string path = dir.state_file(run);
  auto text = ReadFileToString(path, kMaxStateBytes);
  if (!text.ok()) return text.error();
  auto state = ParseRunState(*text);
  if (!state.ok()) return state.error().WithContext(path);
  return state;
}

Status WriteRunState(const StateDir& dir, const RunState& state) {
  return WriteFileAtomically(dir.state_file(state.run_id), FormatRunState(state));
}

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  auto stat = ReadFileToString("/proc/" + std::to_string(pid) + "/stat", 4096);
  if (!stat.ok()) return false;
  // The state letter follows the last ')' (the command name may contain anything).
  auto close = stat->rfind(')');
  if (close == std::string::npos || close + 2 >= stat->size()) return false;
  char state = (*stat)[close + 2];
  return state != 'Z' && state != 'X';
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace fgm::scenario

// SPDX-License-Identifier: Apache-2.0
// The local backend: run start, the supervisor loop and stop (see local_backend.h).
#include "scenario/local_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/file.h"
#include "core/strings.h"
#include "k8s/external_events.h"
#include "k8s/local_metadata.h"
#include "scenario/cgroups.h"
#include "scenario/launcher.h"

namespace fgm::scenario {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// run.json and monitor.json are tiny.
constexpr size_t kMaxSmallFileBytes = 1 << 20;
// How long the supervisor gives containers between SIGTERM and SIGKILL on stop (kubelet's
// default grace period is 30 s; scenarios' workloads exit at once, and `stop` should be quick).
constexpr int64_t kStopGraceMs = 5'000;
// How long `stop` waits for the supervisor's own cleanup before doing it itself: the grace
// period plus the monitor's final flush (StopMonitorIfIdle waits up to kMonitorStopMs).
constexpr int64_t kMonitorStopMs = 30'000;
constexpr int64_t kSupervisorStopMs = kStopGraceMs + kMonitorStopMs + 5'000;
// Polling step while waiting for another process (state file, exit): short enough to feel
// instant on a terminal, long enough to cost nothing.
constexpr int64_t kPollMs = 50;

void Progress(std::FILE* out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void Progress(std::FILE* out, const char* format, ...) {
  if (out == nullptr) return;
  va_list args;
  va_start(args, format);
  std::vfprintf(out, format, args);
  va_end(args);
  std::fputc('\n', out);
  std::fflush(out);
}

// Supervisor log lines carry a timestamp (supervisor.log is read by people after the fact).
void SupervisorLog(const char* format, ...) __attribute__((format(printf, 1, 2)));
void SupervisorLog(const char* format, ...) {
  char line[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s %s\n", stamp, line);
  std::fflush(stderr);
}

void SleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Waits until `pid` (not our child) has exited; false on timeout.
bool WaitForExit(pid_t pid, int64_t timeout_ms) {
  for (int64_t waited = 0; waited < timeout_ms; waited += kPollMs) {
    if (!ProcessAlive(pid)) return true;
    SleepMs(kPollMs);
  }
  return !ProcessAlive(pid);
}

// An exclusive flock on a file in the state directory, released on destruction: serialises
// monitor start/stop between concurrent `run`s and supervisors.
class StateLock {
 public:
  explicit StateLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~StateLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

std::string MetadataFileName(std::string_view run, std::string_view pod, std::string_view container,
                             int instance) {
  return std::string(run) + "_" + std::string(pod) + "_" + std::string(container) + "-" +
         std::to_string(instance) + ".json";
}

// The run's options as the supervisor reads them back.
struct RunFile {
  std::string workload_binary;
  std::string fgm_binary;
  std::string cgroup_root;
  int64_t duration_ms = 0;
  BackoffPolicy backoff;
};

std::string FormatRunFile(const RunFile& r) {
  return json{{"workload_binary", r.workload_binary},
              {"fgm_binary", r.fgm_binary},
              {"cgroup_root", r.cgroup_root},
              {"duration_ms", r.duration_ms},
              {"backoff",
               {{"initial_ms", r.backoff.initial_ms},
                {"max_ms", r.backoff.max_ms},
                {"reset_after_ms", r.backoff.reset_after_ms}}}}
             .dump(2) +
         "\n";
}

Result<RunFile> ReadRunFile(const std::string& path) {
  FGM_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, kMaxSmallFileBytes));
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidFormatError(path + ": malformed");
  RunFile r;
  auto s = [&](const char* k) {
    auto it = doc.find(k);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto n = [](const json& o, const char* k, int64_t fallback) {
    auto it = o.find(k);
    return it != o.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
  };
  r.workload_binary = s("workload_binary");
  r.fgm_binary = s("fgm_binary");
  r.cgroup_root = s("cgroup_root");
  r.duration_ms = n(doc, "duration_ms", 0);
  if (auto b = doc.find("backoff"); b != doc.end() && b->is_object()) {
    r.backoff.initial_ms = n(*b, "initial_ms", r.backoff.initial_ms);
    r.backoff.max_ms = n(*b, "max_ms", r.backoff.max_ms);
    r.backoff.reset_after_ms = n(*b, "reset_after_ms", r.backoff.reset_after_ms);
  }
  if (r.workload_binary.empty() || r.cgroup_root.empty()) {
    return InvalidFormatError(path + ": missing workload_binary or cgroup_root");
  }
  return r;
}

// Removes what a run leaves outside its processes: cgroups (every hierarchy), metadata files
// and the shared directory. Safe to call twice and after a crash.
Status CleanupRunResources(const StateDir& dir, const RunState& state, const CgroupHost& host) {
  Status status = host.KillAndRemove(RunSliceCgroup(state.run_id));
  host.RemoveIfEmpty("fgm.slice");  // only when no other run uses it
  std::error_code ec;
  const std::string prefix = state.run_id + "_";
  for (const auto& e : fs::directory_iterator(dir.metadata_dir(), ec)) {
    if (StartsWith(e.path().filename().string(), prefix)) fs::remove(e.path(), ec);
  }
  // The shared directory is always one we made under the temp dir (see StartLocalRun); refuse
  // anything else rather than delete a path a corrupted state file names.
  if (StartsWith(BaseName(state.shared_dir), "fgm-run-" + state.run_id + "-")) {
    fs::remove_all(state.shared_dir, ec);
  }
  return status;
}

class Supervisor {
 public:
  Supervisor(const StateDir& dir, RunState state, ScenarioSpec spec, RunFile run, CgroupHost host)
      : dir_(dir),
        state_(std::move(state)),
        spec_(std::move(spec)),
        run_(std::move(run)),
        host_(std::move(host)) {
    for (const auto& pod : spec_.pods) {
      for (const auto& c : pod.containers) slots_.push_back({&pod, &c});
    }
  }

  Status Run() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    state_.supervisor_pid = ::getpid();
    if (run_.duration_ms > 0) state_.ends_ms = WallMs() + run_.duration_ms;
    for (size_t i = 0; i < slots_.size(); ++i) StartInstance(i, /*restart=*/false);
    state_.phase = "running";
    Save();
    std::string end_phase = "stopped";
    for (;;) {
      Reap();
      int64_t now = WallMs();
      for (size_t i = 0; i < slots_.size(); ++i) {
        auto& c = state_.containers[i];
        if (c.state == "backoff" && c.next_start_ms <= now) StartInstance(i, /*restart=*/true);
      }
      if (state_.ends_ms > 0 && now >= state_.ends_ms) {
        end_phase = "finished";
        break;
      }
      if (dirty_) Save();
      // Sleep until a child exits, a signal asks us to stop, or the next deadline.
      int64_t wake = now + 1000;
      for (const auto& c : state_.containers) {
        if (c.state == "backoff") wake = std::min(wake, c.next_start_ms);
      }
      if (state_.ends_ms > 0) wake = std::min(wake, state_.ends_ms);
      int64_t wait_ms = std::max<int64_t>(wake - WallMs(), 1);
      timespec ts{static_cast<time_t>(wait_ms / 1000),
                  static_cast<long>((wait_ms % 1000) * 1000000)};
      int sig = sigtimedwait(&set, nullptr, &ts);
      if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
        SupervisorLog("signal %d: stopping the run", sig);
        break;
      }
    }
    Shutdown(end_phase);
    return OkStatus();
  }

 private:
  struct Slot {
    const PodSpec* pod;
    const ContainerSpec* spec;
    int consecutive_failures = 0;
  };

  void Save() {
    Status s = WriteRunState(dir_, state_);
    if (!s.ok()) SupervisorLog("cannot write state: %s", s.ToString().c_str());
    dirty_ = false;
  }

  void WriteEvent(const ContainerStatus& c, const std::string& type,
                  std::optional<int64_t> exit_code, std::optional<int64_t> signal,
                  const std::string& reason, const std::string& message) {
    k8s::ExternalEvent e;
    e.time_ms = WallMs();
    e.container_id = c.container_id;
    e.cgroup_path = c.cgroup_path;
    e.pod_name = c.pod;
    e.namespace_name = state_.namespace_name;
    e.container_name = c.name;
    e.type = type;
    e.exit_code = exit_code;
    e.signal = signal;
    e.reason = reason;
    e.message = message;
    std::string name = state_.run_id + "-" + c.pod + "-" + c.name + "-" +
                       std::to_string(c.instance) + "-" + type + "-" + std::to_string(e.time_ms) +
                       ".json";
    Status s = WriteFileAtomically(k8s::LocalEventsDir(dir_.metadata_dir()) + "/" + name,
                                   k8s::FormatLocalEventRecord(e));
    if (!s.ok()) SupervisorLog("cannot write event: %s", s.ToString().c_str());
  }

  void StartInstance(size_t i, bool restart) {
    const Slot& slot = slots_[i];
    auto& c = state_.containers[i];
    if (restart) {
      // The previous instance's cgroup goes when the next one starts (kubelet also keeps the
      // last exited container until then), so the monitor can read its final counters.
      host_.KillAndRemove(c.cgroup_path).IgnoreError();
      ++c.instance;
      ++c.restarts;
    }
    c.cgroup_path = InstanceCgroup(state_.run_id, c.pod, c.name, c.instance);
    c.container_id = InstanceContainerId(state_.run_id, c.pod, c.name, c.instance);
    c.pid = 0;
    dirty_ = true;
    auto fail = [&](const Status& s) {
      // Treated like a crash at start (kubelet: CreateContainerError): back off and retry.
      SupervisorLog("%s/%s: cannot start: %s", c.pod.c_str(), c.name.c_str(), s.ToString().c_str());
      c.last_message = s.ToString();
      c.last_reason = "StartError";
      c.last_exit_code = 128;
      c.last_signal.reset();
      slots_[i].consecutive_failures++;
      c.state = "backoff";
      c.next_start_ms = WallMs() + RestartDelayMs(run_.backoff, slots_[i].consecutive_failures);
    };
    // Metadata first: the monitor must find the labels the moment it sees the cgroup.
    k8s::LocalContainerRecord record;
    record.cgroup_path = c.cgroup_path;
    record.container_id = c.container_id;
    record.metadata.pod_name = c.pod;
    record.metadata.namespace_name = state_.namespace_name;
    record.metadata.container_name = c.name;
    record.metadata.qos_class = PodQosClass(*slot.pod);
    record.metadata.labels = slot.pod->labels;
    record.metadata.labels["fgm.io/scenario"] = state_.scenario;
    record.metadata.labels["fgm.io/run"] = state_.run_id;
    record.metadata.image = "fgm-workload";
    Status s = WriteFileAtomically(
        dir_.metadata_dir() + "/" + MetadataFileName(state_.run_id, c.pod, c.name, c.instance),
        k8s::FormatLocalContainerRecord(record));
    if (!s.ok()) return fail(s);
    s = host_.Create(c.cgroup_path, CgroupLimits{slot.spec->cpu_millicores, slot.spec->memory_bytes,
                                                 slot.spec->pids});
    if (!s.ok()) return fail(s);
    LaunchSpec launch;
    launch.argv.push_back(run_.workload_binary);
    std::map<std::string, std::string> vars = {{"RUN_DIR", state_.shared_dir},
                                               {"RUN_ID", state_.run_id}};
    for (const auto& a : slot.spec->args) {
      auto rendered = RenderTemplate(a, vars);
      if (!rendered.ok()) return fail(rendered.error());
      launch.argv.push_back(*rendered);
    }
    launch.env = BaseEnvironment(slot.spec->user);
    for (const auto& [k, v] : slot.spec->env) launch.env[k] = v;
    launch.env["FGM_RUN_ID"] = state_.run_id;
    launch.env["POD_NAME"] = c.pod;
    launch.env["CONTAINER_NAME"] = c.name;
    launch.procs_files = host_.ProcsFiles(c.cgroup_path);
    launch.log_path = dir_.log_file(state_.run_id, c.pod, c.name);
    launch.user = slot.spec->user;
    launch.cwd = state_.shared_dir;
    auto pid = Launch(launch);
    if (!pid.ok()) return fail(pid.error());
    c.pid = *pid;
    c.state = "running";
    c.started_ms = WallMs();
    c.next_start_ms = 0;
    SupervisorLog("%s/%s: started instance %d (pid %d) in %s", c.pod.c_str(), c.name.c_str(),
                  c.instance, c.pid, c.cgroup_path.c_str());
    if (restart) {
      WriteEvent(c, "restart", std::nullopt, std::nullopt, "Restarted",
                 "restart " + std::to_string(c.restarts) + " (instance " +
                     std::to_string(c.instance) + ")");
    }
  }

  void Reap() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      for (size_t i = 0; i < slots_.size(); ++i) {
        if (state_.containers[i].pid == pid && state_.containers[i].state == "running") {
          HandleExit(i, status);
        }
      }
    }
  }

  void HandleExit(size_t i, int wait_status) {
    auto& c = state_.containers[i];
    ExitInfo info = ClassifyExit(wait_status, host_.OomKills(c.cgroup_path));
    // The main process is gone: like kubelet, end whatever else ran in the container.
    host_.Signal(c.cgroup_path, SIGKILL);
    int64_t now = WallMs();
    c.pid = 0;
    c.last_exit_code = info.exit_code;
    c.last_signal = info.signal;
    c.last_reason = info.reason;
    c.last_message = info.message;
    WriteEvent(c, "exit", info.exit_code,
               info.signal ? std::optional<int64_t>(*info.signal) : std::nullopt, info.reason,
               info.message);
    Slot& slot = slots_[i];
    if (ShouldRestart(slot.pod->restart_policy, info.exit_code)) {
      slot.consecutive_failures =
          NextConsecutiveFailures(run_.backoff, slot.consecutive_failures, now - c.started_ms);
      int64_t delay = RestartDelayMs(run_.backoff, slot.consecutive_failures);
      c.state = "backoff";
      c.next_start_ms = now + delay;
      SupervisorLog("%s/%s: %s (exit %d, %s); restarting in %lld ms", c.pod.c_str(), c.name.c_str(),
                    info.message.c_str(), info.exit_code, info.reason.c_str(),
                    static_cast<long long>(delay));
    } else {
      c.state = "exited";
      SupervisorLog("%s/%s: %s (exit %d); not restarted (policy %s)", c.pod.c_str(), c.name.c_str(),
                    info.message.c_str(), info.exit_code,
                    std::string(RestartPolicyName(slot.pod->restart_policy)).c_str());
    }
    dirty_ = true;
  }

  void Shutdown(const std::string& end_phase) {
    state_.phase = "stopping";
    Save();
    for (const auto& c : state_.containers) {
      if (c.state == "running") host_.Signal(c.cgroup_path, SIGTERM);
    }
    // Give them the grace period, reaping as they go.
    for (int64_t waited = 0; waited < kStopGraceMs; waited += kPollMs) {
      while (::waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      bool any = false;
      for (const auto& c : state_.containers) any = any || !host_.Pids(c.cgroup_path).empty();
      if (!any) break;
      SleepMs(kPollMs);
    }
    Status s = CleanupRunResources(dir_, state_, host_);
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (!s.ok()) SupervisorLog("cleanup: %s", s.ToString().c_str());
    for (auto& c : state_.containers) {
      if (c.state == "running" || c.state == "backoff" || c.state == "waiting") c.state = "stopped";
      c.pid = 0;
    }
    state_.phase = end_phase;
    state_.message = s.ok() ? "" : s.ToString();
    Save();
    SupervisorLog("run %s %s", state_.run_id.c_str(), end_phase.c_str());
    StopMonitorIfIdle(dir_, state_.run_id, stderr);
  }

  const StateDir& dir_;
  RunState state_;
  ScenarioSpec spec_;
  RunFile run_;
  CgroupHost host_;
  std::vector<Slot> slots_;
  bool dirty_ = true;
};

bool IsExecutable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string RunSliceCgroup(std::string_view run) {
  return "fgm.slice/fgm-run-" + std::string(run) + ".slice";
}

std::string InstanceCgroup(std::string_view run, std::string_view pod, std::string_view container,
                           int instance) {
  return RunSliceCgroup(run) + "/" + std::string(pod) + ".slice/" + std::string(container) + "-" +
         std::to_string(instance) + ".scope";
}

std::string InstanceContainerId(std::string_view run, std::string_view pod,
                                std::string_view container, int instance) {
  return std::string(run) + "/" + std::string(pod) + "/" + std::string(container) + "-" +
         std::to_string(instance);
}

std::string RunNamespace(std::string_view run) { return "fgm-run-" + std::string(run); }

Result<pid_t> EnsureMonitor(const StateDir& dir, const std::string& fgm_binary,
                            std::FILE* progress) {
  StateLock lock(dir.root() + "/monitor.lock");
  auto text = ReadFileToString(dir.monitor_file(), kMaxSmallFileBytes);
  if (text.ok()) {
    json doc = json::parse(*text, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("pid") &&
        doc["pid"].is_number_integer()) {
      pid_t pid = doc["pid"].get<pid_t>();
      if (ProcessAlive(pid)) {
        Progress(progress, "scenario: monitor already running (pid %d), dataset %s", pid,
                 dir.dataset_dir().c_str());
        return pid;
      }
    }
  }
  FGM_RETURN_IF_ERROR(MakeDirs(dir.dataset_dir()));
  LaunchSpec spec;
  spec.argv = {fgm_binary,
               "monitor",
               "-o",
               dir.dataset_dir(),
               "--cgroup-pattern",
               "fgm-local=" + std::string(kLocalCgroupPattern),
               "--local-metadata-dir",
               dir.metadata_dir(),
               "--log-level",
               "warning"};
  spec.env = BaseEnvironment("");
  spec.log_path = dir.root() + "/monitor.log";
  FGM_ASSIGN_OR_RETURN(pid_t pid, LaunchDetached(spec));
  FGM_RETURN_IF_ERROR(WriteFileAtomically(
      dir.monitor_file(),
      json{{"pid", pid}, {"started_ms", WallMs()}, {"dataset", dir.dataset_dir()}}.dump() + "\n"));
  Progress(progress, "scenario: started fgm monitor (pid %d) -> %s", pid,
           dir.dataset_dir().c_str());
  return pid;
}

void StopMonitorIfIdle(const StateDir& dir, std::string_view except_run, std::FILE* progress) {
  StateLock lock(dir.root() + "/monitor.lock");
  for (const auto& run : dir.ListRuns()) {
    if (run == except_run) continue;
    auto state = ReadRunState(dir, run);
    if (state.ok() && state->backend == "local" && IsActivePhase(state->phase) &&
        ProcessAlive(state->supervisor_pid)) {
      return;  // another run still records
    }
  }
  auto text = ReadFileToString(dir.monitor_file(), kMaxSmallFileBytes);
  if (!text.ok()) return;
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("pid") ||
      !doc["pid"].is_number_integer()) {
    return;
  }
  pid_t pid = doc["pid"].get<pid_t>();
  if (ProcessAlive(pid)) {
    Progress(progress, "scenario: stopping fgm monitor (pid %d)", pid);
    ::kill(pid, SIGTERM);
    if (!WaitForExit(pid, kMonitorStopMs)) ::kill(pid, SIGKILL);
  }
  ::unlink(dir.monitor_file().c_str());
}

Result<std::string> StartLocalRun(const StateDir& dir, const ScenarioSpec& spec,
                                  const LocalRunOptions& options, std::FILE* progress) {
  FGM_ASSIGN_OR_RETURN(CgroupHost host, CgroupHost::Detect(options.cgroup_root));
  if (!IsExecutable(options.workload_binary)) {
    return NotFoundError("workload binary not found: " + options.workload_binary);
  }
  FGM_RETURN_IF_ERROR(MakeDirs(dir.root() + "/runs"));
  FGM_RETURN_IF_ERROR(MakeDirs(k8s::LocalEventsDir(dir.metadata_dir())));
  std::string run;
  for (int attempt = 0;; ++attempt) {
    run = NewRunId();
    if (::mkdir(dir.run_dir(run).c_str(), 0755) == 0) break;
    if (errno != EEXIST || attempt > 10) return ErrnoError("mkdir " + dir.run_dir(run), errno);
  }
  FGM_RETURN_IF_ERROR(MakeDirs(dir.run_dir(run) + "/logs"));
  // The shared directory lives under the temp dir, world-writable with the sticky bit, because
  // containers run as other users (PostgreSQL as postgres) and the state directory may not be
  // traversable for them.
  std::string tmpl = "/tmp/fgm-run-" + run + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return ErrnoError("mkdtemp " + tmpl, errno);
  ::chmod(tmpl.c_str(), 01777);

  RunFile rf{options.workload_binary, options.fgm_binary, options.cgroup_root, options.duration_ms,
             options.backoff};
  FGM_RETURN_IF_ERROR(WriteFileAtomically(dir.run_file(run), FormatRunFile(rf)));
  // The spec is copied so the run is what was started even if scenarios/ changes meanwhile.
  json pods = json::array();
  for (const auto& p : spec.pods) {
    json containers = json::array();
    for (const auto& c : p.containers) {
      json cj = {{"name", c.name}, {"args", c.args}, {"env", c.env}};
      if (c.cpu_millicores) cj["cpu"] = std::to_string(*c.cpu_millicores) + "m";
      if (c.memory_bytes) cj["memory"] = std::to_string(*c.memory_bytes);
      if (c.pids) cj["pids"] = *c.pids;
      if (!c.user.empty()) cj["user"] = c.user;
      containers.push_back(cj);
    }
    pods.push_back({{"name", p.name},
                    {"labels", p.labels},
                    {"restart_policy", std::string(RestartPolicyName(p.restart_policy))},
                    {"containers", containers}});
  }
  json spec_doc = {{"name", spec.name},
                   {"description", spec.description},
                   {"expected_signal", spec.expected_signal},
                   {"pods", pods}};
  FGM_RETURN_IF_ERROR(
      WriteFileAtomically(dir.run_dir(run) + "/scenario.json", spec_doc.dump(2) + "\n"));

  RunState state;
  state.run_id = run;
  state.scenario = spec.name;
  state.backend = "local";
  state.created_ms = WallMs();
  state.shared_dir = tmpl;
  state.namespace_name = RunNamespace(run);
  for (const auto& p : spec.pods) {
    for (const auto& c : p.containers) {
      ContainerStatus cs;
      cs.pod = p.name;
      cs.name = c.name;
      state.containers.push_back(cs);
    }
  }
  FGM_RETURN_IF_ERROR(WriteRunState(dir, state));
  FGM_RETURN_IF_ERROR(WriteFileAtomically(dir.latest_file(), run + "\n"));
  Progress(progress, "scenario: run %s of %s (namespace %s, %zu container(s), %s cgroups)",
           run.c_str(), spec.name.c_str(), state.namespace_name.c_str(), state.containers.size(),
           host.is_v2() ? "v2" : "v1+unified");

  if (options.start_monitor) {
    auto monitor = EnsureMonitor(dir, options.fgm_binary, progress);
    if (!monitor.ok()) return monitor.error().WithContext("starting fgm monitor");
  }
  LaunchSpec sup;
  sup.argv = {options.fgm_binary, "scenario", "supervise", run, "--state-dir", dir.root()};
  sup.env = BaseEnvironment("");
  sup.log_path = dir.run_dir(run) + "/supervisor.log";
  FGM_ASSIGN_OR_RETURN(pid_t supervisor, LaunchDetached(sup));
  Progress(progress, "scenario: supervisor pid %d (log %s)", supervisor, sup.log_path.c_str());

  // Wait until the supervisor has started every container (or given up on one).
  std::map<std::string, std::string> shown;
  for (int64_t waited = 0;; waited += kPollMs) {
    auto st = ReadRunState(dir, run);
    if (st.ok()) {
      for (const auto& c : st->containers) {
        std::string key = c.pod + "/" + c.name;
        if (c.state != "waiting" && shown[key] != c.state) {
          shown[key] = c.state;
          Progress(progress, "scenario:   %-24s %s%s", key.c_str(), c.state.c_str(),
                   c.state == "running" ? (" (pid " + std::to_string(c.pid) + ")").c_str()
                                        : (": " + c.last_message).c_str());
        }
      }
      if (st->phase != "starting") {
        if (st->phase != "running") {
          return InternalError("run " + run + " ended while starting (" + st->phase + ")");
        }
        return run;
      }
    }
    if (!ProcessAlive(supervisor) && waited > 1000) {
      return InternalError("the supervisor exited while starting; see " + sup.log_path);
    }
    if (waited > options.start_timeout_ms) {
      return InternalError("containers did not start within the timeout; see " + sup.log_path);
    }
    SleepMs(kPollMs);
  }
}

Status Supervise(const StateDir& dir, const std::string& run_id) {
  FGM_ASSIGN_OR_RETURN(RunState state, ReadRunState(dir, run_id));
  FGM_ASSIGN_OR_RETURN(RunFile rf, ReadRunFile(dir.run_file(run_id)));
  FGM_ASSIGN_OR_RETURN(
      std::string spec_text,
      ReadFileToString(dir.run_dir(run_id) + "/scenario.json", kMaxSmallFileBytes));
  FGM_ASSIGN_OR_RETURN(ScenarioSpec spec, ParseScenarioSpec(spec_text));
  FGM_ASSIGN_OR_RETURN(CgroupHost host, CgroupHost::Detect(rf.cgroup_root));
  SupervisorLog("supervising run %s (%s), pid %d", run_id.c_str(), spec.name.c_str(), ::getpid());
  Supervisor supervisor(dir, std::move(state), std::move(spec), std::move(rf), std::move(host));
  return supervisor.Run();
}

Status StopLocalRun(const StateDir& dir, const std::string& run_id, std::FILE* progress) {
  FGM_ASSIGN_OR_RETURN(RunState state, ReadRunState(dir, run_id));
  if (ProcessAlive(state.supervisor_pid)) {
    Progress(progress, "scenario: stopping run %s (supervisor pid %d)", run_id.c_str(),
             state.supervisor_pid);
    ::kill(state.supervisor_pid, SIGTERM);
    if (!WaitForExit(state.supervisor_pid, kSupervisorStopMs)) {
      Progress(progress, "scenario: supervisor did not exit; killing it");
      ::kill(state.supervisor_pid, SIGKILL);
      WaitForExit(state.supervisor_pid, 2000);
    }
    auto after = ReadRunState(dir, run_id);
    if (after.ok()) state = *after;
  }
  // Whatever the supervisor could not do (it may have crashed): remove it here.
  std::string cgroup_root = "/sys/fs/cgroup";
  if (auto rf = ReadRunFile(dir.run_file(run_id)); rf.ok()) cgroup_root = rf->cgroup_root;
  FGM_ASSIGN_OR_RETURN(CgroupHost host, CgroupHost::Detect(cgroup_root));
  Status cleanup = CleanupRunResources(dir, state, host);
  if (IsActivePhase(state.phase)) {
    state.phase = "stopped";
    for (auto& c : state.containers) {
      if (c.state != "exited") c.state = "stopped";
      c.pid = 0;
    }
    FGM_RETURN_IF_ERROR(WriteRunState(dir, state));
  }
  StopMonitorIfIdle(dir, run_id, progress);
  FGM_RETURN_IF_ERROR(cleanup);
  if (host.Exists(RunSliceCgroup(run_id))) {
    return IoError("cgroup " + RunSliceCgroup(run_id) + " is still there after stop");
  }
  Progress(progress, "scenario: run %s stopped; data stays in %s", run_id.c_str(),
           dir.dataset_dir().c_str());
  return OkStatus();
}

Result<std::string> FindWorkloadBinary(const std::string& fgm_binary) {
  if (const char* env = std::getenv("FGM_WORKLOAD_BIN"); env && *env) {
    if (IsExecutable(env)) return std::string(env);
    return NotFoundError(std::string("$FGM_WORKLOAD_BIN is not executable: ") + env);
  }
  std::string dir = DirName(fgm_binary);
  for (const std::string& candidate :
       {dir + "/fgm-workload", dir + "/../../scenario/workload/fgm-workload"}) {
    if (IsExecutable(candidate)) {
      std::error_code ec;
      auto canonical = fs::canonical(candidate, ec);
      return ec ? candidate : canonical.string();
    }
  }
  if (const char* path = std::getenv("PATH")) {
    for (auto d : Split(path, ':')) {
      std::string candidate = std::string(d) + "/fgm-workload";
      if (IsExecutable(candidate)) return candidate;
    }
  }
  return NotFoundError("fgm-workload not found (next to " + fgm_binary +
                       ", in the build tree or on PATH); build it: cmake --build BUILD --target "
                       "fgm-workload, or set FGM_WORKLOAD_BIN");
}

Result<std::string> FindScenariosDir(const std::string& fgm_binary) {
  if (const char* env = std::getenv("FGM_SCENARIOS_DIR"); env && *env) return std::string(env);
  std::error_code ec;
  for (fs::path p = fs::path(fgm_binary).parent_path(); !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "scenarios" / "memory-leak" / "scenario.json", ec)) {
      return (p / "scenarios").string();
    }
    if (p == p.root_path()) break;
  }
  if (fs::exists("/usr/share/fgm/scenarios", ec)) return std::string("/usr/share/fgm/scenarios");
  return NotFoundError("no scenarios directory found; set FGM_SCENARIOS_DIR or --scenarios-dir");
}

}  // namespace fgm::scenario

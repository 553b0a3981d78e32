// SPDX-License-Identifier: Apache-2.0
// `fgm scenario list | run NAME [--backend local|kubernetes] [--duration D] | status [RUN] |
//  logs [RUN] [-c CONTAINER] [-f] | stop [RUN] | export [RUN] [-o NAME] | render NAME`, plus the
// hidden `supervise RUN` the local backend starts. Wiring only; fgm::scenario does the work.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "apps/fgm/commands.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/strings.h"
#include "scenario/kubernetes_backend.h"
#include "scenario/launcher.h"
#include "scenario/local_backend.h"
#include "scenario/run_state.h"
#include "scenario/spec.h"

namespace fgm::app {
namespace {

using scenario::RunState;
using scenario::StateDir;

struct ScenarioArgs {
  std::string state_dir = StateDir::DefaultRoot();
  std::string scenarios_dir;  // empty: found next to the binary
  std::string name;
  std::string run;
  std::string backend = "local";
  std::string duration = "0";
  std::string backoff_initial = "10s";
  std::string image_tag = scenario::kDefaultImageTag;
  std::string container;
  std::string output;
  bool follow = false;
  bool no_monitor = false;
  bool no_html = false;
};

int Fail(const char* what, const Status& status) {
  std::fprintf(stderr, "fgm scenario %s: %s\n", what, status.ToString().c_str());
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

Result<std::string> ScenariosDir(const ScenarioArgs& a) {
  if (!a.scenarios_dir.empty()) return a.scenarios_dir;
  return scenario::FindScenariosDir(scenario::SelfExe());
}

int List(const ScenarioArgs& a) {
  auto dir = ScenariosDir(a);
  if (!dir.ok()) return Fail("list", dir.error());
  auto names = scenario::ListScenarioNames(*dir);
  if (!names.ok()) return Fail("list", names.error());
  for (const auto& name : *names) {
    auto spec = scenario::LoadScenario(*dir, name);
    if (!spec.ok()) {
      std::printf("%-16s (invalid: %s)\n", name.c_str(), spec.error().message().c_str());
      continue;
    }
    std::printf("%-16s %s\n%-16s expect: %s\n", name.c_str(), spec->description.c_str(), "",
                spec->expected_signal.c_str());
  }
  return 0;
}

int RunKubernetes(const ScenarioArgs& a, const std::string& scenarios_dir,
                  const scenario::ScenarioSpec& spec) {
  StateDir dir(a.state_dir);
  std::string run = scenario::NewRunId();
  auto manifest = scenario::RenderDeployManifest(scenarios_dir, spec.name, run, a.image_tag);
  if (!manifest.ok()) return Fail("run", manifest.error());
  if (auto kubectl = scenario::FindKubectl(); !kubectl.ok()) return Fail("run", kubectl.error());
  std::fprintf(stderr, "scenario: kubectl apply (namespace %s)\n",
               scenario::RunNamespace(run).c_str());
  if (Status s = scenario::RunKubectl({"apply", "-f", "-"}, *manifest); !s.ok()) {
    return Fail("run", s);
  }
  RunState state;
  state.run_id = run;
  state.scenario = spec.name;
  state.backend = "kubernetes";
  state.phase = "running";
  state.created_ms = scenario::WallMs();
  state.namespace_name = scenario::RunNamespace(run);
  Status s = MakeDirs(dir.run_dir(run));
  if (s.ok()) s = scenario::WriteRunState(dir, state);
  if (s.ok()) s = WriteFileAtomically(dir.latest_file(), run + "\n");
  if (!s.ok()) return Fail("run", s);
  std::printf("%s\n", run.c_str());
  return 0;
}

int Run(const ScenarioArgs& a) {
  auto scenarios_dir = ScenariosDir(a);
  if (!scenarios_dir.ok()) return Fail("run", scenarios_dir.error());
  auto spec = scenario::LoadScenario(*scenarios_dir, a.name);
  if (!spec.ok()) return Fail("run", spec.error());
  if (a.backend == "kubernetes") return RunKubernetes(a, *scenarios_dir, *spec);
  if (a.backend != "local") {
    return Fail("run", InvalidArgumentError("--backend must be local or kubernetes"));
  }
  auto duration = ParseDurationNs(a.duration);
  auto backoff = ParseDurationNs(a.backoff_initial);
  if (!duration || *duration < 0) {
    return Fail("run", InvalidArgumentError("bad --duration '" + a.duration + "' (e.g. 90s)"));
  }
  if (!backoff || *backoff <= 0) {
    return Fail("run", InvalidArgumentError("bad --backoff-initial '" + a.backoff_initial + "'"));
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "fgm scenario run: the local backend creates cgroups and needs root\n");
    return 1;
  }
  scenario::LocalRunOptions o;
  o.fgm_binary = scenario::SelfExe();
  auto workload = scenario::FindWorkloadBinary(o.fgm_binary);
  if (!workload.ok()) return Fail("run", workload.error());
  o.workload_binary = *workload;
  o.duration_ms = *duration / kNanosPerMilli;
  o.backoff.initial_ms = *backoff / kNanosPerMilli;
  o.start_monitor = !a.no_monitor;
  auto run = scenario::StartLocalRun(StateDir(a.state_dir), *spec, o, stderr);
  if (!run.ok()) return Fail("run", run.error());
  std::fprintf(stderr, "scenario: %s is running; fgm scenario status %s | logs %s -f | stop %s\n",
               run->c_str(), run->c_str(), run->c_str(), run->c_str());
  std::printf("%s\n", run->c_str());  // stdout: the run id alone, for scripts
  return 0;
}

std::string Age(int64_t since_ms) {
  if (since_ms <= 0) return "-";
  int64_t s = (scenario::WallMs() - since_ms) / 1000;
  char buf[32];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(s / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh", static_cast<long long>(s / 3600));
  }
  return buf;
}

int ShowStatus(const ScenarioArgs& a) {
  StateDir dir(a.state_dir);
  auto run = dir.ResolveRun(a.run);
  if (!run.ok()) return Fail("status", run.error());
  auto st = scenario::ReadRunState(dir, *run);
  if (!st.ok()) return Fail("status", st.error());
  if (st->backend == "kubernetes") {
    std::printf("run %s: %s on kubernetes, namespace %s\n", st->run_id.c_str(),
                st->scenario.c_str(), st->namespace_name.c_str());
    Status s = scenario::RunKubectl({"get", "pods", "-n", st->namespace_name, "-o", "wide"});
    return s.ok() ? 0 : Fail("status", s);
  }
  // A run whose supervisor died without cleaning up is reported as such.
  std::string phase = st->phase;
  if (scenario::IsActivePhase(phase) && !scenario::ProcessAlive(st->supervisor_pid)) {
    phase += " (supervisor gone: run `fgm scenario stop " + st->run_id + "`)";
  }
  std::printf("run %s: %s, %s, namespace %s, started %s ago%s\n", st->run_id.c_str(),
              st->scenario.c_str(), phase.c_str(), st->namespace_name.c_str(),
              Age(st->created_ms).c_str(), st->message.empty() ? "" : (": " + st->message).c_str());
  std::printf("%-12s %-12s %-9s %8s %-6s %-34s %s\n", "POD", "CONTAINER", "STATE", "RESTARTS",
              "AGE", "LAST EXIT", "CGROUP");
  for (const auto& c : st->containers) {
    std::string last = "-";
    if (c.last_exit_code) {
      last = std::to_string(*c.last_exit_code) + " " + c.last_reason;
      if (c.last_signal) last += " (signal " + std::to_string(*c.last_signal) + ")";
    }
    std::string state = c.state;
    if (c.state == "backoff") {
      state = "backoff";
      last += ", restart in " +
              std::to_string(std::max<int64_t>(0, (c.next_start_ms - scenario::WallMs()) / 1000)) +
              "s";
    }
    std::printf("%-12s %-12s %-9s %8d %-6s %-34s %s\n", c.pod.c_str(), c.name.c_str(),
                state.c_str(), c.restarts, Age(c.state == "running" ? c.started_ms : 0).c_str(),
                last.c_str(), c.cgroup_path.c_str());
  }
  return 0;
}

// Streams log files: everything so far, then (with follow) what is appended until the run ends
// or the user interrupts.
int Logs(const ScenarioArgs& a) {
  StateDir dir(a.state_dir);
  auto run = dir.ResolveRun(a.run);
  if (!run.ok()) return Fail("logs", run.error());
  auto st = scenario::ReadRunState(dir, *run);
  if (!st.ok()) return Fail("logs", st.error());
  if (st->backend == "kubernetes") {
    std::vector<std::string> args = {"logs",
                                     "-n",
                                     st->namespace_name,
                                     "--prefix",
                                     "--all-containers",
                                     "-l",
                                     "fgm.io/run=" + st->run_id};
    if (!a.container.empty())
      args = {"logs", "-n",       st->namespace_name, "--prefix", "-l", "fgm.io/run=" + st->run_id,
              "-c",   a.container};
    if (a.follow) args.push_back("-f");
    Status s = scenario::RunKubectl(args);
    return s.ok() ? 0 : Fail("logs", s);
  }
  struct Source {
    std::string label, path;
    off_t offset = 0;
    std::string partial;
  };
  std::vector<Source> sources;
  for (const auto& c : st->containers) {
    if (!a.container.empty() && a.container != c.name && a.container != c.pod + "/" + c.name) {
      continue;
    }
    sources.push_back({c.pod + "/" + c.name, dir.log_file(*run, c.pod, c.name)});
  }
  if (sources.empty()) {
    return Fail("logs", NotFoundError("no container \"" + a.container + "\" in run " + *run));
  }
  const bool prefix = sources.size() > 1;
  auto drain = [&] {
    for (auto& s : sources) {
      // Only what was appended since the last read (logs of long runs grow).
      auto fd = OpenReadOnly(s.path);
      if (!fd.ok()) continue;
      std::string chunk = s.partial;
      char buf[64 << 10];
      ssize_t n;
      while ((n = ::pread(fd->get(), buf, sizeof buf, s.offset)) > 0) {
        chunk.append(buf, static_cast<size_t>(n));
        s.offset += n;
      }
      if (chunk.size() == s.partial.size()) continue;
      size_t end = chunk.rfind('\n');
      s.partial = end == std::string::npos ? chunk : chunk.substr(end + 1);
      if (end == std::string::npos) continue;
      ForEachLine(std::string_view(chunk).substr(0, end + 1), [&](std::string_view line) {
        if (prefix) std::printf("[%s] ", s.label.c_str());
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
      });
    }
    std::fflush(stdout);
  };
  drain();
  if (!a.follow) return 0;
  signal(SIGPIPE, SIG_DFL);  // `logs -f | head` ends quietly
  for (;;) {
    // 200 ms: a log line shows up about as fast as `kubectl logs -f` shows it.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    drain();
    auto now = scenario::ReadRunState(dir, *run);
    if (!now.ok() || !scenario::IsActivePhase(now->phase)) {
      drain();
      return 0;
    }
  }
}

int Stop(const ScenarioArgs& a) {
  StateDir dir(a.state_dir);
  auto run = dir.ResolveRun(a.run);
  if (!run.ok()) return Fail("stop", run.error());
  auto st = scenario::ReadRunState(dir, *run);
  if (!st.ok()) return Fail("stop", st.error());
  if (st->backend == "kubernetes") {
    Status s = scenario::RunKubectl({"delete", "namespace", st->namespace_name, "--wait=false"});
    if (!s.ok()) return Fail("stop", s);
    st->phase = "stopped";
    s = scenario::WriteRunState(dir, *st);
    return s.ok() ? 0 : Fail("stop", s);
  }
  Status s = scenario::StopLocalRun(dir, *run, stderr);
  return s.ok() ? 0 : Fail("stop", s);
}

int Export(const ScenarioArgs& a, CLI::App* root) {
  StateDir dir(a.state_dir);
  auto run = dir.ResolveRun(a.run);
  if (!run.ok()) return Fail("export", run.error());
  bool have_export = false;
  for (const CLI::App* sub : root->get_subcommands([](CLI::App*) { return true; })) {
    have_export = have_export || sub->get_name() == "export";
  }
  if (!have_export) {
    std::fprintf(stderr,
                 "fgm scenario export: this fgm has no `fgm export` yet; the data is plain Parquet "
                 "in %s (namespace fgm-run-%s)\n",
                 dir.dataset_dir().c_str(), run->c_str());
    return 1;
  }
  std::string output = a.output.empty() ? "fgm-run-" + *run : a.output;
  std::vector<std::string> argv = {
      scenario::SelfExe(), "export", dir.dataset_dir(), "--run", *run, "-o", output};
  std::vector<char*> cargv;
  for (auto& s : argv) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  std::fflush(nullptr);
  ::execv(cargv[0], cargv.data());
  return Fail("export", ErrnoError("exec " + argv[0], errno));
}

int Render(const ScenarioArgs& a) {
  auto scenarios_dir = ScenariosDir(a);
  if (!scenarios_dir.ok()) return Fail("render", scenarios_dir.error());
  std::string run = a.run.empty() ? scenario::NewRunId() : a.run;
  auto manifest = scenario::RenderDeployManifest(*scenarios_dir, a.name, run, a.image_tag);
  if (!manifest.ok()) return Fail("render", manifest.error());
  std::fwrite(manifest->data(), 1, manifest->size(), stdout);
  return 0;
}

}  // namespace

void AddScenarioCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "scenario",
      "Reproducible workloads (memory leak, OOM loop, crash loop, SIGPIPE, todo-app "
      "with PostgreSQL, CPU throttling, periodic spikes) on this host or Kubernetes");
  cmd->require_subcommand(1);
  auto a = std::make_shared<ScenarioArgs>();
  auto common = [&](CLI::App* sub) {
    sub->add_option("--state-dir", a->state_dir,
                    "Runs, logs, metadata and the dataset ($FGM_STATE_DIR, default "
                    "/var/lib/fgm/scenarios)");
    sub->add_option("--scenarios-dir", a->scenarios_dir,
                    "Scenario definitions ($FGM_SCENARIOS_DIR; default: found next to fgm)");
  };
  auto* list = cmd->add_subcommand("list", "Scenarios and the signal each one shows");
  common(list);
  list->callback([a, exit_code] { *exit_code = List(*a); });

  auto* run = cmd->add_subcommand("run", "Start a scenario; returns once its containers run");
  common(run);
  run->add_option("NAME", a->name, "Scenario name (fgm scenario list)")->required();
  run->add_option("--backend", a->backend, "local (cgroups on this host) or kubernetes")
      ->check(CLI::IsMember({"local", "kubernetes"}));
  run->add_option("--duration", a->duration, "Stop by itself after this long (e.g. 5m; 0 = never)");
  run->add_option("--backoff-initial", a->backoff_initial,
                  "First restart delay, doubling to 300s (kubelet: 10s)");
  run->add_option("--image-tag", a->image_tag, "Workload image tag (kubernetes backend)");
  run->add_flag("--no-monitor", a->no_monitor, "Do not start fgm monitor for the run");
  run->callback([a, exit_code] { *exit_code = Run(*a); });

  auto* status = cmd->add_subcommand("status", "Containers of a run: state, restarts, last exit");
  common(status);
  status->add_option("RUN", a->run, "Run id (default: the latest)");
  status->callback([a, exit_code] { *exit_code = ShowStatus(*a); });

  auto* logs = cmd->add_subcommand("logs", "A run's container logs");
  common(logs);
  logs->add_option("RUN", a->run, "Run id (default: the latest)");
  logs->add_option("-c,--container", a->container, "Only this container (NAME or POD/NAME)");
  logs->add_flag("-f,--follow", a->follow, "Keep streaming until the run ends");
  logs->callback([a, exit_code] { *exit_code = Logs(*a); });

  auto* stop = cmd->add_subcommand("stop", "Stop a run: every process and cgroup it made goes");
  common(stop);
  stop->add_option("RUN", a->run, "Run id (default: the latest)");
  stop->callback([a, exit_code] { *exit_code = Stop(*a); });

  auto* exp = cmd->add_subcommand("export", "fgm export of a run's data: NAME.parquet + NAME.html");
  common(exp);
  exp->add_option("RUN", a->run, "Run id (default: the latest)");
  exp->add_option("-o,--output", a->output, "Output name (default fgm-run-RUN)");
  exp->add_flag("--no-html", a->no_html, "Write NAME.parquet only");
  CLI::App* root = &app;
  exp->callback([a, exit_code, root] { *exit_code = Export(*a, root); });

  auto* render = cmd->add_subcommand("render", "Print a scenario's Kubernetes manifest");
  common(render);
  render->add_option("NAME", a->name, "Scenario name")->required();
  render->add_option("--run-id", a->run, "Run id to render with (default: a new one)");
  render->add_option("--image-tag", a->image_tag, "Workload image tag");
  render->callback([a, exit_code] { *exit_code = Render(*a); });

  // The local backend's supervisor daemon; started by `run`, not by people.
  auto* supervise = cmd->add_subcommand("supervise", "");
  supervise->group("");
  common(supervise);
  supervise->add_option("RUN", a->run)->required();
  supervise->callback([a, exit_code] {
    Status s = scenario::Supervise(StateDir(a->state_dir), a->run);
    *exit_code = s.ok() ? 0 : Fail("supervise", s);
  });
}

}  // namespace fgm::app

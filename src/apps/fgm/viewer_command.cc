// SPDX-License-Identifier: Apache-2.0
// `fgm viewer DIR|FILES...`: serves the UI and the JSON API over a dataset, live while the monitor
// writes it. Wiring only: the engine (src/engine) answers, the server (src/server) transports.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "apps/fgm/commands.h"
#include "apps/fgm/version.h"
#include "engine/engine.h"
#include "server/viewer_server.h"

extern char** environ;

namespace fgm::app {
namespace {

std::atomic<bool> g_viewer_stop{false};
void OnViewerStop(int) { g_viewer_stop.store(true); }

struct ViewerArgs {
  std::vector<std::string> paths;
  std::string bind = "127.0.0.1";
  int port = 0;
  bool no_browser = false;
  std::vector<std::string> dashboards;
};

// Best effort: a headless host has no xdg-open, and that is fine (the URL is printed).
void OpenBrowser(const std::string& url) {
  pid_t pid = 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>("xdg-open"), const_cast<char*>(url.c_str()), nullptr};
  if (posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv, environ) == 0) {
    // Reap it in the background so it never lingers as a zombie.
    std::thread([pid] { waitpid(pid, nullptr, 0); }).detach();
  }
  posix_spawn_file_actions_destroy(&actions);
}

int RunViewer(const ViewerArgs& a) {
  struct sigaction sa {};
  sa.sa_handler = OnViewerStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a browser closing a connection mid-response

  engine::Engine engine({.roots = a.paths, .version = FGM_VERSION_STRING});
  bool has_data = false;
  {
    std::lock_guard<std::mutex> lock(engine.mutex());
    engine.Refresh();
    has_data = !engine.index().files().empty();
  }
  server::ViewerServer server(&engine,
                              {.bind = a.bind, .port = a.port, .dashboard_dirs = a.dashboards});
  auto port = server.Start();
  if (!port.ok()) {
    std::fprintf(stderr, "fgm viewer: %s\n", port.error().ToString().c_str());
    return 1;
  }
  std::printf("fgm viewer: serving at %s\n", server.url().c_str());
  if (!has_data) std::printf("fgm viewer: no data files yet; waiting for them to appear\n");
  std::fflush(stdout);
  if (!a.no_browser) OpenBrowser(server.url());

  // Requests refresh the index on demand; this loop only reports when data first shows up.
  // Why 200 ms: prompt exit on SIGTERM without busy-waiting.
  constexpr auto kPoll = std::chrono::milliseconds(200);
  auto last_check = std::chrono::steady_clock::now();
  while (!g_viewer_stop.load()) {
    std::this_thread::sleep_for(kPoll);
    if (has_data || std::chrono::steady_clock::now() - last_check < std::chrono::seconds(2)) {
      continue;
    }
    last_check = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(engine.mutex());
    engine.Refresh();
    if (!engine.index().files().empty()) {
      has_data = true;
      std::printf("fgm viewer: data found (%zu files)\n", engine.index().files().size());
      std::fflush(stdout);
    }
  }
  server.Stop();
  std::printf("fgm viewer: stopped\n");
  return 0;
}

}  // namespace

void AddViewerCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ViewerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "viewer", "Serve the web UI and JSON API over a dataset (live while the monitor writes)");
  cmd->add_option("paths", args->paths, "Dataset directory (fgm monitor --out) or Parquet files")
      ->required();
  cmd->add_option("--bind", args->bind,
                  "Address to listen on (default 127.0.0.1; other hosts only when you say so)");
  cmd->add_option("--port", args->port, "Port (0 = pick a free one)")->check(CLI::Range(0, 65535));
  cmd->add_flag("--no-browser", args->no_browser, "Do not run xdg-open on the URL");
  cmd->add_option(
      "--dashboards", args->dashboards,
      "Directory of dashboard JSON files (NAME.json or NAME/dashboard.json); repeatable");
  cmd->callback([args, exit_code] { *exit_code = RunViewer(*args); });
}

}  // namespace fgm::app

// SPDX-License-Identifier: Apache-2.0
// `fgm generate-bench-data --scenario realistic|stress --duration 24h [--containers N] -o DIR`
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "apps/fgm/commands.h"
#include "core/file.h"
#include "core/strings.h"
#include "synth/bench_data.h"

namespace fgm::app {

void AddGenerateBenchDataCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "generate-bench-data",
      "Write a synthetic but realistic dataset (idle, busy, periodic, leaking, throttled and "
      "crash-looping containers with restarts and churn) through the monitor's own store");
  struct Args {
    std::string scenario = "realistic";
    std::string duration = "1h";
    int containers = 0;
    std::string output = "bench-data";
    uint64_t seed = 42;
    std::string start;
    std::string summary_json;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--scenario", args->scenario, "realistic (20 containers) or stress (200)")
      ->check(CLI::IsMember({"realistic", "stress"}));
  cmd->add_option("--duration", args->duration, "How much time to generate: 1h, 6h, 24h, 7d ...");
  cmd->add_option("--containers", args->containers, "Number of containers (default per scenario)");
  cmd->add_option("-o,--output-dir", args->output, "Dataset directory to write");
  cmd->add_option("--seed", args->seed, "Random seed (same seed, same data)");
  cmd->add_option("--start", args->start,
                  "First tick as Unix seconds (default: now minus the duration)");
  cmd->add_option("--summary-json", args->summary_json,
                  "Also write counts and per-container aggregates computed while generating");
  cmd->callback([args, exit_code] {
    auto duration = ParseDurationNs(args->duration);
    if (!duration) {
      std::fprintf(stderr, "fgm generate-bench-data: bad --duration '%s' (use e.g. 1h, 24h, 7d)\n",
                   args->duration.c_str());
      *exit_code = 2;
      return;
    }
    synth::BenchDataOptions o;
    o.output_dir = args->output;
    o.scenario = args->scenario;
    o.duration_ns = *duration;
    o.containers = args->containers;
    o.seed = args->seed;
    if (!args->start.empty()) {
      auto start = ParseInt64(args->start);
      if (!start) {
        std::fprintf(stderr, "fgm generate-bench-data: bad --start '%s' (Unix seconds)\n",
                     args->start.c_str());
        *exit_code = 2;
        return;
      }
      o.start_ns = *start * kNanosPerSecond;
    }
    bool tty = isatty(STDERR_FILENO);
    int last_pct = -1;
    o.progress = [&](double f) {
      int pct = static_cast<int>(f * 100);
      if (pct == last_pct) return;
      last_pct = pct;
      if (tty) {
        int bars = pct / 4;
        std::fprintf(stderr, "\r[%.*s%*s] %3d%%", bars, "#########################", 25 - bars, "",
                     pct);
      } else if (pct % 10 == 0) {
        std::fprintf(stderr, "generate-bench-data: %d%%\n", pct);
      }
    };
    auto summary = synth::GenerateBenchData(o);
    if (tty) std::fputc('\n', stderr);
    if (!summary.ok()) {
      std::fprintf(stderr, "fgm generate-bench-data: %s\n", summary.error().ToString().c_str());
      *exit_code = 1;
      return;
    }
    if (!args->summary_json.empty()) {
      Status w = WriteFileAtomically(args->summary_json, synth::SummaryJson(*summary));
      if (!w.ok()) {
        std::fprintf(stderr, "fgm generate-bench-data: %s\n", w.ToString().c_str());
        *exit_code = 1;
        return;
      }
    }
    std::printf(
        "wrote %s: %d containers, %llu rows (%llu container rows, %llu events), %d files, "
        "%.1f MiB, %.3f bytes per numeric value\n",
        args->output.c_str(), summary->containers, (unsigned long long)summary->rows,
        (unsigned long long)summary->container_rows, (unsigned long long)summary->events,
        summary->files, summary->bytes_on_disk / 1048576.0,
        summary->numeric_values ? double(summary->bytes_on_disk) / summary->numeric_values : 0.0);
    *exit_code = 0;
  });
}

}  // namespace fgm::app

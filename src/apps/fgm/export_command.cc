// SPDX-License-Identifier: Apache-2.0
// `fgm export DATASET [--from --to | --range] [--containers|--namespace|--labels|--metrics]
//  [--run RUN_ID] -o NAME`: writes NAME.parquet and a self-contained NAME.html (fgm::export).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/fgm/commands.h"
#include "apps/fgm/version.h"
#include "core/strings.h"
#include "export/export.h"

namespace fgm::app {

void AddExportCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "export",
      "Write NAME.parquet and NAME.html: one self-contained page (viewer + WebAssembly engine + "
      "data) that opens offline from file://, studies included");
  struct Args {
    std::vector<std::string> inputs;
    std::string from, to, range;
    std::string containers, namespaces, labels, metrics;
    std::string run_id;
    std::string output;
    std::string max_size;
    bool no_html = false;
    bool no_parquet = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("DATASET", args->inputs, "Dataset directories or Parquet files")->required();
  cmd->add_option("--from", args->from, "Start (inclusive): ms since the epoch or ISO-8601 UTC");
  cmd->add_option("--to", args->to, "End (exclusive): ms since the epoch or ISO-8601 UTC");
  cmd->add_option("--range", args->range,
                  "Last span of data (5m, 1h, 24h, 7d, all); ignored with --from/--to");
  cmd->add_option("--containers", args->containers, "Comma-separated container ids");
  cmd->add_option("--namespace", args->namespaces, "Comma-separated namespaces");
  cmd->add_option("--labels", args->labels, "Pod labels that must all match: k:v,k2:v2");
  cmd->add_option("--metrics", args->metrics,
                  "Comma-separated metric columns (see `fgm schema`), or 'all' (default: the "
                  "common set in docs/export.md)");
  cmd->add_option("--run", args->run_id, "Scenario run id: namespace fgm-run-RUN_ID");
  cmd->add_option("-o,--output", args->output, "Output name: writes NAME.parquet and NAME.html")
      ->required();
  cmd->add_option("--max-size", args->max_size,
                  "Refuse exports estimated larger than this (default 200MiB)");
  cmd->add_flag("--no-html", args->no_html, "Write NAME.parquet only");
  cmd->add_flag("--no-parquet", args->no_parquet, "Write NAME.html only");
  cmd->callback([args, exit_code] {
    auto fail = [&](const std::string& message, int code) {
      std::fprintf(stderr, "fgm export: %s\n", message.c_str());
      *exit_code = code;
    };
    exporter::ExportOptions o;
    o.inputs = args->inputs;
    o.range = args->range;
    o.run_id = args->run_id;
    o.output = args->output;
    o.write_html = !args->no_html;
    o.write_parquet = !args->no_parquet;
    o.version = FGM_VERSION_STRING;
    for (auto [text, out] : {std::pair{&args->from, &o.from_ms}, std::pair{&args->to, &o.to_ms}}) {
      if (text->empty()) continue;
      auto ms = exporter::ParseTimeMs(*text);
      if (!ms.ok()) return fail(ms.error().message(), 2);
      *out = *ms;
    }
    auto split = [](const std::string& s) {
      std::vector<std::string> out;
      for (std::string_view part : Split(s, ',')) {
        part = TrimWhitespace(part);
        if (!part.empty()) out.emplace_back(part);
      }
      return out;
    };
    o.containers = split(args->containers);
    o.namespaces = split(args->namespaces);
    o.metrics = split(args->metrics);
    for (const std::string& kv : split(args->labels)) {
      size_t colon = kv.find(':');
      if (colon == std::string::npos || colon == 0) {
        return fail("bad --labels entry '" + kv + "' (use key:value)", 2);
      }
      o.labels.emplace_back(kv.substr(0, colon), kv.substr(colon + 1));
    }
    if (!args->max_size.empty()) {
      auto bytes = ParseByteSize(args->max_size);
      if (!bytes) return fail("bad --max-size '" + args->max_size + "' (e.g. 50MiB)", 2);
      o.max_output_bytes = *bytes;
    }
    bool tty = isatty(STDERR_FILENO);
    std::string last;
    exporter::ProgressFn progress = [&](std::string_view stage, double f) {
      int pct = static_cast<int>(f * 100);
      std::string key = std::string(stage) + std::to_string(tty ? pct : pct / 10);
      if (key == last) return;
      last = key;
      std::fprintf(stderr, tty ? "\rexport: %-5.*s %3d%%" : "export: %.*s %d%%\n",
                   static_cast<int>(stage.size()), stage.data(), pct);
    };
    auto summary = exporter::ExportDataset(o, progress);
    if (tty) std::fputc('\n', stderr);
    if (!summary.ok()) {
      return fail(summary.error().ToString(),
                  summary.error().code() == StatusCode::kInvalidArgument ? 2 : 1);
    }
    std::fprintf(stderr, "export: %llu rows, %d containers, %llu events, %zu columns\n",
                 static_cast<unsigned long long>(summary->rows), summary->containers,
                 static_cast<unsigned long long>(summary->event_rows), summary->columns.size());
    if (!summary->parquet_path.empty()) {
      std::printf("%s (%llu bytes)\n", summary->parquet_path.c_str(),
                  static_cast<unsigned long long>(summary->parquet_bytes));
    }
    if (!summary->html_path.empty()) {
      std::printf("%s (%llu bytes)\n", summary->html_path.c_str(),
                  static_cast<unsigned long long>(summary->html_bytes));
    }
  });
}

}  // namespace fgm::app

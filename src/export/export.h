// SPDX-License-Identifier: Apache-2.0
// ExportDataset: cuts a time range / set of containers / set of metrics out of an FGM dataset and
// writes NAME.parquet (our schema, ZSTD, for DuckDB/pandas) and NAME.html (the viewer UI + the
// engine compiled to WebAssembly + the same rows as an UNCOMPRESSED Parquet file, gzip'ed and
// base64'ed into the page: it opens from file:// with no network). Used by `fgm export` and by the
// viewer's /api/export.
//
//   ExportOptions options;
//   options.inputs = {"/var/lib/fgm"};
//   options.range = "30m";
//   options.namespaces = {"fgm-run-ab12cd34"};
//   options.output = "/tmp/incident";       // -> /tmp/incident.parquet + /tmp/incident.html
//   FGM_ASSIGN_OR_RETURN(ExportSummary s, ExportDataset(options, nullptr));
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace fgm::exporter {

/// What the HTML page is made of. The UI bundle comes from src/webui, the engine from the WASM
/// build (wasm/); tests may substitute their own.
struct HtmlAssets {
  std::string index_html;  // the viewer's index.html (references app.js / app.css)
  std::string app_js;      // the UI bundle
  std::string app_css;
  std::string engine_js;    // the engine's emscripten loader (defines createFgmEngine)
  std::string engine_wasm;  // the engine's WebAssembly binary
};

struct ExportOptions {
  /// Dataset directories (scanned recursively for *.parquet, compacted files honoured) or single
  /// Parquet files.
  std::vector<std::string> inputs;
  /// Absolute range in UTC ms: [from_ms, to_ms). Either may be absent.
  std::optional<int64_t> from_ms;
  std::optional<int64_t> to_ms;
  /// "5m", "1h", "24h", "7d", "all", ... : the last span of data, ending at the newest sample
  /// (as the viewer's `range`). Ignored when from_ms or to_ms is set. Empty = "all".
  std::string range;
  /// Exact container ids (column container_id); empty = all.
  std::vector<std::string> containers;
  /// Exact namespaces; empty = all.
  std::vector<std::string> namespaces;
  /// Pod labels that must all match (key, value).
  std::vector<std::pair<std::string, std::string>> labels;
  /// Metric columns to keep (catalogue names). Empty = the default set (DefaultMetrics());
  /// {"all"} = every metric column. Identity, time and event columns are always kept.
  std::vector<std::string> metrics;
  /// Scenario run id: selects namespace fgm-run-<run_id> (added to `namespaces`).
  std::string run_id;
  /// Output path without extension: writes <output>.parquet and <output>.html.
  std::string output;
  bool write_parquet = true;
  bool write_html = true;
  /// Refuse before writing anything when the estimated HTML (or Parquet) is larger. 200 MiB: a page
  /// this size still opens in Chromium/Firefox (the base64 text, the decoded bytes and the WASM
  /// heap all hold the data, ~4x in memory), and it is ~8x the 24 h x 20 containers budget.
  uint64_t max_output_bytes = uint64_t{200} << 20;
  /// Page assets; nullptr = the built-in ones (BuiltinHtmlAssets()).
  const HtmlAssets* assets = nullptr;
  /// Reported by the page's /api/instance; `fgm export` passes its own version so the page answers
  /// like `fgm viewer` of the same build.
  std::string version = "dev";
};

struct ExportSummary {
  std::string parquet_path;  // "" when not written
  std::string html_path;     // "" when not written
  int64_t from_ms = 0;       // the range actually exported [from_ms, to_ms)
  int64_t to_ms = 0;
  uint64_t rows = 0;
  uint64_t event_rows = 0;
  int containers = 0;
  std::vector<std::string> columns;  // output columns, in file order
  uint64_t estimated_bytes = 0;      // the footer-based estimate the size check used
  uint64_t parquet_bytes = 0;
  uint64_t html_bytes = 0;
  uint64_t html_data_bytes = 0;  // the embedded Parquet before gzip
  uint64_t html_data_gz_bytes = 0;
  int input_files = 0;
};

/// Progress: a stage name ("scan", "read", "html") and how far it is (0..1). Called from the
/// exporting thread, at most a few hundred times.
using ProgressFn = std::function<void(std::string_view stage, double fraction)>;

/// Runs the export. Outputs are written to temporary names and renamed at the end, so a failed
/// export leaves no partial NAME.parquet/NAME.html. Errors: kInvalidArgument (no inputs, bad range,
/// unknown metric, empty output), kNotFound (no data files, or nothing matched the filters),
/// kResourceExhausted (estimated output over max_output_bytes; the message says how to narrow the
/// request), kCorrupt/kIo from reading or writing.
Result<ExportSummary> ExportDataset(const ExportOptions& options, const ProgressFn& progress);

/// The metric columns exported by default: what the viewer's common charts and the studies use.
/// Chosen so that 24 h x 20 containers stays under 25 MB of HTML (docs/export.md).
const std::vector<std::string>& DefaultMetrics();

/// Parses "30s", "5m", "1h", "24h", "7d" to milliseconds; "all" and "" give nullopt (no limit).
/// kInvalidArgument for anything else.
Result<std::optional<int64_t>> ParseRangeMs(std::string_view range);

/// Parses a --from/--to value: integer milliseconds since the epoch, or an ISO-8601 UTC time
/// "2026-11-25T13:45:00Z" (seconds optional, fractional seconds allowed). kInvalidArgument
/// otherwise.
Result<int64_t> ParseTimeMs(std::string_view text);

}  // namespace fgm::exporter

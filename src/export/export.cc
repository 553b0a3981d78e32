// SPDX-License-Identifier: Apache-2.0
// ExportDataset (see export.h): scan the dataset's footers, estimate and check the output size,
// then stream the matching row groups through a row filter into two Parquet writers — ZSTD for
// NAME.parquet, UNCOMPRESSED into a gzip sink for the page — and finally assemble NAME.html.
#include "export/export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "core/file.h"
#include "core/strings.h"
#include "export/gzip_sink.h"
#include "export/html.h"
#include "export/row_filter.h"
#include "parquet/reader/file_reader.h"
#include "parquet/writer/file_writer.h"
#include "store/catalog.h"
#include "store/layout.h"

namespace fgm::exporter {

namespace fs = std::filesystem;
using parquet::ColumnBatch;
using parquet::FileReader;
using store::ColumnKind;

namespace {

// Row groups of the exported files: the same 128 Ki rows / 16 Ki-row pages as the store's hourly
// files, so time-range reads of the export prune as well as reads of the dataset do.
constexpr int64_t kRowGroupRows = int64_t{128} << 10;
constexpr int64_t kPageRows = int64_t{16} << 10;
// NAME.parquet is written once and shared: ZSTD 9 is ~15% smaller than the store's level 3 and
// still writes a 24 h x 20 containers export in seconds.
constexpr int kParquetZstdLevel = 9;
// The page's data is gzip'ed at zlib's best level for the same reason.
constexpr int kGzipLevel = 9;
// Estimated page bytes per footer-reported ZSTD byte of the selected chunks: gzip of the
// uncompressed pages is ~1.2x ZSTD, base64 is 4/3 of that (measured on generated datasets, see
// docs/export.md). Only used for the up-front refusal; the real size is checked while writing.
constexpr double kHtmlBytesPerZstdByte = 1.2 * 4.0 / 3.0;

struct InputFile {
  std::string path;
  std::unique_ptr<FileReader> reader;
  int time_col = -1;
  int64_t min_ms = 0;
  int64_t max_ms = 0;
  std::vector<std::pair<int64_t, int64_t>> rg_time;  // per row group [min, max]
  std::string identifier;                            // fgm.identifier, "" if absent
};

bool IsMetricKind(ColumnKind kind) {
  return kind == ColumnKind::kCounter || kind == ColumnKind::kGauge ||
         kind == ColumnKind::kDerived || kind == ColumnKind::kInfo;
}

Result<std::vector<std::string>> ListParquetFiles(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    fs::file_status st = fs::status(input, ec);
    if (ec || !fs::exists(st)) return NotFoundError("no such file or directory: " + input);
    if (fs::is_regular_file(st)) {
      files.push_back(input);
      continue;
    }
    fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied, ec);
    if (ec) return IoError("cannot list " + input + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return IoError("cannot list " + input + ": " + ec.message());
      // Hidden directories (.fgm: journals and sessions) hold no data files.
      if (it->is_directory() && StartsWith(it->path().filename().string(), ".")) {
        it.disable_recursion_pending();
        continue;
      }
      // Temporary files end in ".tmp", never ".parquet" (store/layout.h).
      if (it->is_regular_file() && EndsWith(it->path().filename().string(), ".parquet")) {
        files.push_back(it->path().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

// Opens every file, drops the ones a compacted file says it replaces, reads time statistics.
Result<std::vector<InputFile>> OpenInputs(const std::vector<std::string>& paths,
                                          const ProgressFn& progress) {
  std::vector<InputFile> opened;
  std::set<std::string> replaced;
  for (size_t i = 0; i < paths.size(); ++i) {
    InputFile f;
    f.path = paths[i];
    auto reader = FileReader::OpenFile(f.path);
    if (!reader.ok()) return reader.error().WithContext(f.path);
    f.reader = std::move(*reader);
    f.time_col = f.reader->schema().FindColumn("time");
    if (f.time_col < 0) return UnsupportedError(f.path + ": not an FGM data file (no time column)");
    for (const parquet::KeyValue& kv : f.reader->metadata().key_value_metadata) {
      if (kv.key == store::kKvIdentifier && kv.value) f.identifier = *kv.value;
      if (kv.key != store::kKvReplaces || !kv.value) continue;
      auto names = nlohmann::json::parse(*kv.value, nullptr, false);
      if (!names.is_array()) continue;
      for (const auto& n : names) {
        if (n.is_string()) replaced.insert(DirName(f.path) + "/" + n.get<std::string>());
      }
    }
    bool first = true;
    for (int rg = 0; rg < f.reader->num_row_groups(); ++rg) {
      FGM_ASSIGN_OR_RETURN(parquet::ColumnStatistics stats,
                           f.reader->ChunkStatistics(rg, f.time_col));
      // Without statistics the row group's range is unknown: keep it for every query.
      int64_t lo = stats.has_min_max() ? stats.min->i : INT64_MIN;
      int64_t hi = stats.has_min_max() ? stats.max->i : INT64_MAX;
      f.rg_time.emplace_back(lo, hi);
      if (f.reader->row_group_num_rows(rg) == 0) continue;
      f.min_ms = first ? lo : std::min(f.min_ms, lo);
      f.max_ms = first ? hi : std::max(f.max_ms, hi);
      first = false;
    }
    if (!first) opened.push_back(std::move(f));
    if (progress) progress("scan", static_cast<double>(i + 1) / paths.size());
  }
  std::erase_if(opened, [&](const InputFile& f) { return replaced.count(f.path) > 0; });
  std::sort(opened.begin(), opened.end(), [](const InputFile& a, const InputFile& b) {
    return a.min_ms != b.min_ms ? a.min_ms < b.min_ms : a.path < b.path;
  });
  return opened;
}

Result<std::vector<int>> ChooseColumns(const ExportOptions& options) {
  std::set<std::string> wanted;
  bool all = false;
  const std::vector<std::string>& metrics =
      options.metrics.empty() ? DefaultMetrics() : options.metrics;
  for (const std::string& m : metrics) {
    if (m == "all") {
      all = true;
      continue;
    }
    const store::ColumnDef* def = store::FindColumn(m);
    if (def == nullptr || !IsMetricKind(def->kind)) {
      return InvalidArgumentError(
          "unknown metric '" + m +
          "' (see `fgm schema` for the metric columns, or use --metrics all)");
    }
    wanted.insert(m);
  }
  std::vector<int> cols;
  for (int i = 0; i < store::kNumColumns; ++i) {
    const store::ColumnDef& c = store::kCatalog[i];
    if (!IsMetricKind(c.kind) || all || wanted.count(std::string(c.name))) cols.push_back(i);
  }
  return cols;
}

std::string HumanBytes(uint64_t bytes) {
  char buf[32];
  if (bytes >= (uint64_t{1} << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
  }
  return buf;
}

std::string TooLargeMessage(uint64_t estimate, uint64_t limit, int64_t from_ms, int64_t to_ms) {
  return "export too large: about " + HumanBytes(estimate) + " for " +
         std::to_string((to_ms - from_ms) / 60000) + " min of data, over the " + HumanBytes(limit) +
         " limit. Narrow it with --range (e.g. --range 1h) or --from/--to, with --containers / "
         "--namespace / --run, or with --metrics (e.g. --metrics "
         "cpu_usage_millicores,memory_usage_bytes); --max-size raises the limit";
}

parquet::WriterOptions OutputWriterOptions(parquet::CompressionCodec codec, int level) {
  parquet::WriterOptions w;
  w.codec = codec;
  w.compression_level = level;
  w.max_row_group_rows = kRowGroupRows;
  w.max_page_rows = kPageRows;
  w.created_by = "fgm export";
  // As in the store: no reader we target needs the legacy min/max or encoding stats.
  w.write_legacy_min_max = false;
  w.write_encoding_stats = false;
  return w;
}

// Removes a temporary output on every exit path that did not rename it.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  const std::string& path() const { return path_; }
  Status CommitTo(const std::string& final_path) {
    std::error_code ec;
    fs::rename(path_, final_path, ec);
    if (ec) return IoError("cannot rename " + path_ + " to " + final_path + ": " + ec.message());
    path_.clear();
    return OkStatus();
  }

 private:
  std::string path_;
};

// One input row group that overlaps the range.
struct Work {
  const InputFile* file;
  int rg;
};

// Rows [begin, end) of work[work] that belong to one container instance.
struct Segment {
  size_t work;
  int64_t begin;
  int64_t end;
};

// The segments of each container instance, by a key that sorts as the store sorts rows
// (container_id, cgroup inode, cgroup_path; store/row.h), each instance's segments in input
// order (files oldest first, so time order).
using InstanceSegments = std::map<std::string, std::vector<Segment>>;

// The container_id part of an InstanceSegments key.
std::string_view ContainerOfInstance(std::string_view key) { return key.substr(0, key.find('\0')); }

// Reads the identity columns of every row group in `work` and splits each into runs of one
// instance. The store writes an instance's rows of one file contiguously, so there are a few
// runs per row group; a file that interleaves instances still exports correctly, only with more,
// smaller segments.
Result<InstanceSegments> FindInstanceSegments(const std::vector<Work>& work,
                                              const ProgressFn& progress) {
  InstanceSegments out;
  ColumnBatch ids, inodes, paths;
  parquet::ColumnReadBuffers buffers;
  for (size_t wi = 0; wi < work.size(); ++wi) {
    const FileReader& reader = *work[wi].file->reader;
    const int rg = work[wi].rg;
    const size_t n = static_cast<size_t>(reader.row_group_num_rows(rg));
    auto read = [&](std::string_view name, parquet::PhysicalType type,
                    ColumnBatch* b) -> Result<std::vector<int64_t>> {
      int col = reader.schema().FindColumn(name);
      std::vector<int64_t> dense(n, -1);  // value index of each row, -1 for null
      if (col < 0) return dense;
      if (reader.schema().columns[col].type != type) {
        return UnsupportedError(work[wi].file->path + ": column " + std::string(name) +
                                " has an unexpected type");
      }
      FGM_RETURN_IF_ERROR(
          reader.ReadColumnChunk(rg, col, b, &buffers)
              .WithContext(work[wi].file->path + " row group " + std::to_string(rg)));
      int64_t next = 0;
      for (size_t r = 0; r < n && r < b->num_rows; ++r) dense[r] = b->IsNull(r) ? -1 : next++;
      return dense;
    };
    FGM_ASSIGN_OR_RETURN(std::vector<int64_t> id_at,
                         read("container_id", parquet::PhysicalType::kByteArray, &ids));
    FGM_ASSIGN_OR_RETURN(std::vector<int64_t> inode_at,
                         read("cgroup_inode", parquet::PhysicalType::kInt64, &inodes));
    FGM_ASSIGN_OR_RETURN(std::vector<int64_t> path_at,
                         read("cgroup_path", parquet::PhysicalType::kByteArray, &paths));
    auto id = [&](size_t r) {
      return id_at[r] < 0 ? std::string_view() : ids.bytes[static_cast<size_t>(id_at[r])];
    };
    auto path = [&](size_t r) {
      return path_at[r] < 0 ? std::string_view() : paths.bytes[static_cast<size_t>(path_at[r])];
    };
    auto inode = [&](size_t r) -> std::optional<int64_t> {
      if (inode_at[r] < 0) return std::nullopt;
      return inodes.int64s[static_cast<size_t>(inode_at[r])];
    };
    size_t begin = 0;
    for (size_t r = 1; r <= n; ++r) {
      if (r < n && id(r) == id(begin) && inode(r) == inode(begin) && path(r) == path(begin)) {
        continue;
      }
      // Key: fixed-width inode so keys sort numerically; rows without an inode (the monitor's
      // own rows) sort first within their id, as in the store.
      char inode_text[24] = "";
      if (auto i = inode(begin))
        std::snprintf(inode_text, sizeof inode_text, "%020lld", static_cast<long long>(*i));
      std::string key;
      key.append(id(begin)).push_back('\0');
      key.append(inode_text).push_back('\0');
      key.append(path(begin));
      out[key].push_back(
          {.work = wi, .begin = static_cast<int64_t>(begin), .end = static_cast<int64_t>(r)});
      begin = r;
    }
    if (progress) progress("order", static_cast<double>(wi + 1) / work.size());
  }
  return out;
}

}  // namespace

const std::vector<std::string>& DefaultMetrics() {
  // Measured on 24 h x 20 containers (docs/benchmarks.md, "Export"): every metric makes a 48 MB
  // page, over the 25 MB budget. Left out by default, in order of the bytes they cost:
  //  - raw CPU time counters (cpu_usage/user/system_usec, cpu_throttled_usec), I/O byte counters
  //    and PSI stall-time counters: each has a derived per-second twin that is kept, and counters
  //    are the least compressible columns (14 MB of the 31 MB);
  //  - cpu_user_millicores / cpu_system_millicores (5 MB): the usage split, secondary to usage;
  //  - PSI avg10 gauges (the kernel's smoothing of the per-second values that are kept);
  //  - bookkeeping (read_latency_us, memory_pss_age_ms) and the monitor's own rows.
  // `--metrics all` (or any list) exports everything asked for.
  static const std::vector<std::string> kDefault = {"cpu_nr_periods",
                                                    "cpu_nr_throttled",
                                                    "cpu_quota_usec",
                                                    "cpu_period_usec",
                                                    "cpu_usage_millicores",
                                                    "cpu_limit_millicores",
                                                    "cpu_throttled_ratio",
                                                    "cpu_throttled_usec_per_sec",
                                                    "memory_usage_bytes",
                                                    "memory_working_set_bytes",
                                                    "memory_peak_bytes",
                                                    "memory_limit_bytes",
                                                    "memory_high_bytes",
                                                    "memory_low_bytes",
                                                    "memory_min_bytes",
                                                    "memory_swap_usage_bytes",
                                                    "memory_swap_limit_bytes",
                                                    "memory_anon_bytes",
                                                    "memory_file_bytes",
                                                    "memory_kernel_bytes",
                                                    "memory_kernel_stack_bytes",
                                                    "memory_pagetables_bytes",
                                                    "memory_sock_bytes",
                                                    "memory_shmem_bytes",
                                                    "memory_file_mapped_bytes",
                                                    "memory_file_dirty_bytes",
                                                    "memory_file_writeback_bytes",
                                                    "memory_active_anon_bytes",
                                                    "memory_inactive_anon_bytes",
                                                    "memory_active_file_bytes",
                                                    "memory_inactive_file_bytes",
                                                    "memory_unevictable_bytes",
                                                    "memory_slab_reclaimable_bytes",
                                                    "memory_slab_unreclaimable_bytes",
                                                    "memory_pgfault",
                                                    "memory_pgmajfault",
                                                    "memory_workingset_refault",
                                                    "memory_events_low",
                                                    "memory_events_high",
                                                    "memory_events_max",
                                                    "memory_events_oom",
                                                    "memory_events_oom_kill",
                                                    "memory_usage_ratio",
                                                    "memory_working_set_ratio",
                                                    "memory_rss_bytes",
                                                    "memory_pss_bytes",
                                                    "memory_pss_anon_bytes",
                                                    "memory_pss_file_bytes",
                                                    "memory_pss_shmem_bytes",
                                                    "pids_current",
                                                    "pids_limit",
                                                    "processes",
                                                    "io_read_ops",
                                                    "io_write_ops",
                                                    "io_read_bytes_per_sec",
                                                    "io_write_bytes_per_sec",
                                                    "cpu_pressure_some_usec_per_sec",
                                                    "memory_pressure_some_usec_per_sec",
                                                    "memory_pressure_full_usec_per_sec",
                                                    "io_pressure_some_usec_per_sec",
                                                    "io_pressure_full_usec_per_sec",
                                                    "process_cpu_millicores",
                                                    "process_rss_bytes",
                                                    "process_pss_bytes"};
  return kDefault;
}

Result<std::optional<int64_t>> ParseRangeMs(std::string_view range) {
  if (range.empty() || range == "all") return std::optional<int64_t>();
  std::optional<int64_t> ns = ParseDurationNs(range);
  if (!ns || *ns <= 0) {
    return InvalidArgumentError("bad range '" + std::string(range) +
                                "': use e.g. 30m, 1h, 24h, 7d or all");
  }
  return std::optional<int64_t>(*ns / 1000000);
}

Result<int64_t> ParseTimeMs(std::string_view text) {
  if (auto ms = ParseInt64(text)) return *ms;
  auto bad = [&] {
    return InvalidArgumentError("bad time '" + std::string(text) +
                                "': use milliseconds since the epoch or 2026-11-25T13:45:00Z");
  };
  // YYYY-MM-DDTHH:MM[:SS[.fff]]Z
  if (text.size() < 17 || text.back() != 'Z' || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':') {
    return bad();
  }
  auto num = [&](size_t pos, size_t len) { return ParseInt64(text.substr(pos, len)); };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2);
  if (!y || !mo || !d || !h || !mi || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59) {
    return bad();
  }
  double seconds = 0;
  std::string_view rest = text.substr(16, text.size() - 17);
  if (!rest.empty()) {
    if (rest[0] != ':') return bad();
    auto s = ParseDouble(rest.substr(1));
    if (!s || *s < 0 || *s >= 61) return bad();
    seconds = *s;
  }
  // Days from civil (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
  int64_t yy = *y - (*mo <= 2 ? 1 : 0);
  int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int64_t yoe = yy - era * 400;
  int64_t mp = (*mo + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + *d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return ((days * 24 + *h) * 60 + *mi) * 60000 + static_cast<int64_t>(std::llround(seconds * 1000));
}

Result<ExportSummary> ExportDataset(const ExportOptions& options, const ProgressFn& progress) {
  if (options.inputs.empty()) return InvalidArgumentError("no dataset given");
  if (options.output.empty()) return InvalidArgumentError("no output name given (-o NAME)");
  if (!options.write_parquet && !options.write_html) {
    return InvalidArgumentError("nothing to write (neither parquet nor html)");
  }
  FGM_ASSIGN_OR_RETURN(std::vector<int> columns, ChooseColumns(options));
  FGM_ASSIGN_OR_RETURN(std::optional<int64_t> range_ms, ParseRangeMs(options.range));
  HtmlAssets builtin;
  const HtmlAssets* assets = options.assets;
  if (options.write_html && assets == nullptr) {
    FGM_ASSIGN_OR_RETURN(builtin, BuiltinHtmlAssets());
    assets = &builtin;
  }

  FGM_ASSIGN_OR_RETURN(std::vector<std::string> paths, ListParquetFiles(options.inputs));
  if (paths.empty()) return NotFoundError("no Parquet data files under the given dataset");
  FGM_ASSIGN_OR_RETURN(std::vector<InputFile> files, OpenInputs(paths, progress));
  if (files.empty()) return NotFoundError("the dataset has no rows");

  // Resolve the range: [from, to).
  int64_t newest = INT64_MIN, oldest = INT64_MAX;
  std::string identifier;  // of the newest file, as the viewer reports it
  for (const InputFile& f : files) {
    if (f.max_ms >= newest && !f.identifier.empty()) identifier = f.identifier;
    newest = std::max(newest, f.max_ms);
    oldest = std::min(oldest, f.min_ms);
  }
  int64_t from_ms = oldest, to_ms = newest == INT64_MAX ? newest : newest + 1;
  if (options.from_ms || options.to_ms) {
    if (options.from_ms) from_ms = *options.from_ms;
    if (options.to_ms) to_ms = *options.to_ms;
  } else if (range_ms) {
    from_ms = to_ms - *range_ms;
  }
  if (from_ms >= to_ms) return InvalidArgumentError("empty time range (--from must be < --to)");

  RowFilterSpec filter_spec;
  filter_spec.from_ms = from_ms;
  filter_spec.to_ms = to_ms;
  filter_spec.containers = options.containers;
  filter_spec.namespaces = options.namespaces;
  if (!options.run_id.empty()) filter_spec.namespaces.push_back("fgm-run-" + options.run_id);
  filter_spec.labels = options.labels;
  RowFilter filter(std::move(filter_spec));

  // Which row groups to read, which columns are entirely null there (dropped), and the estimate.
  std::vector<Work> work;
  std::vector<bool> has_values(store::kNumColumns, false);
  double estimate = 0;
  uint64_t total_rows = 0;
  for (InputFile& f : files) {
    for (int rg = 0; rg < f.reader->num_row_groups(); ++rg) {
      auto [lo, hi] = f.rg_time[rg];
      int64_t n = f.reader->row_group_num_rows(rg);
      if (n == 0 || hi < from_ms || lo >= to_ms) continue;
      work.push_back({&f, rg});
      total_rows += n;
      double fraction = 1;
      if (lo != INT64_MIN && hi != INT64_MAX && hi > lo) {
        double overlap = static_cast<double>(std::min(hi + 1, to_ms) - std::max(lo, from_ms));
        fraction = std::clamp(overlap / static_cast<double>(hi + 1 - lo), 0.0, 1.0);
      }
      for (int c : columns) {
        int in = f.reader->schema().FindColumn(store::kCatalog[c].name);
        if (in < 0) continue;
        const parquet::ColumnMetaData& meta = f.reader->ChunkMetaData(rg, in);
        auto stats = f.reader->ChunkStatistics(rg, in);
        bool all_null = stats.ok() && stats->null_count && *stats->null_count >= n;
        if (!all_null) {
          has_values[c] = true;
          estimate += fraction * static_cast<double>(meta.total_compressed_size);
        }
      }
    }
  }
  if (work.empty()) return NotFoundError("no rows in the requested time range");
  // Keep time, kind and the identity columns even when null (the engine and DuckDB queries name
  // them); drop metric and event columns that hold no value anywhere in the range.
  std::vector<int> out_cols;
  for (int c : columns) {
    ColumnKind kind = store::kCatalog[c].kind;
    if (kind == ColumnKind::kTime || kind == ColumnKind::kLabel || has_values[c]) {
      out_cols.push_back(c);
    }
  }
  uint64_t estimated_html = static_cast<uint64_t>(estimate * kHtmlBytesPerZstdByte);
  uint64_t estimated = options.write_html ? estimated_html : static_cast<uint64_t>(estimate);
  if (estimated > options.max_output_bytes) {
    return ResourceExhaustedError(
        TooLargeMessage(estimated, options.max_output_bytes, from_ms, to_ms));
  }

  parquet::Schema full = store::DatasetSchema();
  parquet::Schema schema;
  ExportSummary summary;
  for (int c : out_cols) {
    schema.columns.push_back(full.columns[c]);
    summary.columns.emplace_back(store::kCatalog[c].name);
  }
  summary.from_ms = from_ms;
  summary.to_ms = to_ms;
  summary.estimated_bytes = estimated;
  summary.input_files = static_cast<int>(files.size());

  // Writers.
  std::string parquet_final = options.output + ".parquet";
  std::string html_final = options.output + ".html";
  std::string dir = DirName(options.output);
  FGM_RETURN_IF_ERROR(MakeDirs(dir));
  TempFile parquet_tmp(parquet_final + ".tmp");
  std::unique_ptr<parquet::FileWriter> parquet_writer;
  if (options.write_parquet) {
    FGM_ASSIGN_OR_RETURN(parquet_writer, parquet::FileWriter::Open(
                                             parquet_tmp.path(), schema,
                                             OutputWriterOptions(parquet::CompressionCodec::kZstd,
                                                                 kParquetZstdLevel)));
  }
  std::string html_gz;
  GzipStringSink* gz_sink = nullptr;
  std::unique_ptr<parquet::FileWriter> html_writer;
  if (options.write_html) {
    FGM_ASSIGN_OR_RETURN(std::unique_ptr<GzipStringSink> sink,
                         GzipStringSink::Create(&html_gz, kGzipLevel));
    gz_sink = sink.get();
    // The WASM engine has no zstd/snappy (no emscripten ports here): pages are stored
    // UNCOMPRESSED with the analyzed encodings (dictionary, delta, byte-stream-split), and the
    // whole file is gzip'ed, which the browser undoes natively.
    FGM_ASSIGN_OR_RETURN(html_writer,
                         parquet::FileWriter::Open(
                             std::move(sink), schema,
                             OutputWriterOptions(parquet::CompressionCodec::kUncompressed, 0)));
  }

  // Row order: one container instance after the other, each instance's rows in time order, and a
  // row group boundary after each container. The store's
  // hourly files are sorted by instance within the hour (store/row.h), so a straight copy would
  // give every exported row group a slice of every container; with one container per row group the
  // viewer's index reads container_id and the labels from the row-group statistics without decoding
  // a page, and a chart of one container reads only its row groups (docs/export.md). Pass 1 reads
  // the three identity columns of each row group to find its instance runs; pass 2 copies the runs
  // of one instance from every hour (ReadColumnRanges decodes only the pages under a run), so
  // memory stays at one run's columns plus the writers' row group.
  FGM_ASSIGN_OR_RETURN(InstanceSegments instances, FindInstanceSegments(work, progress));

  std::unordered_set<std::string> containers_seen;
  std::vector<ColumnBatch> in_batches(out_cols.size());
  std::vector<ColumnBatch> out_batches(out_cols.size());
  parquet::ColumnReadBuffers buffers;
  std::vector<uint32_t> selected;
  uint64_t rows_done = 0;
  const int kind_col = store::Col("kind");
  const int container_col = store::Col("container_id");
  std::vector<std::vector<int>> in_index_of_work(work.size());
  for (size_t wi = 0; wi < work.size(); ++wi) {
    const FileReader& reader = *work[wi].file->reader;
    std::vector<int>& in_index = in_index_of_work[wi];
    in_index.assign(out_cols.size(), -1);
    for (size_t i = 0; i < out_cols.size(); ++i) {
      const parquet::ColumnSpec& want = full.columns[out_cols[i]];
      int in = reader.schema().FindColumn(want.name);
      if (in >= 0 && reader.schema().columns[in].type != want.type) {
        return UnsupportedError(work[wi].file->path + ": column " + want.name +
                                " has an unexpected type");
      }
      in_index[i] = in;
    }
  }
  // The container of the rows buffered in the writers' current row group (none: nothing buffered).
  std::optional<std::string> group_container;
  for (const auto& [instance, segments] : instances) {
    // Cut the row group where another container's rows begin, however small the group: a row
    // group shared by containers (churn leaves many that lived minutes) makes the viewer's index
    // decode whole label pages to read one value per instance, which cost more than the rest of
    // opening the 24 h page; a row group per container costs ~5 KB of footer (+2% on 24 h x 20,
    // docs/benchmarks.md). Instances of one container (restarts) share its row groups: the
    // labels stay constant, only the inode varies.
    if (group_container && *group_container != ContainerOfInstance(instance)) {
      if (parquet_writer) FGM_RETURN_IF_ERROR(parquet_writer->FlushRowGroup());
      if (html_writer) FGM_RETURN_IF_ERROR(html_writer->FlushRowGroup());
      group_container.reset();
    }
    bool wrote = false;
    for (const Segment& seg : segments) {
      const Work& w = work[seg.work];
      const FileReader& reader = *w.file->reader;
      const std::vector<int>& in_index = in_index_of_work[seg.work];
      int64_t n = seg.end - seg.begin;
      parquet::RowRanges ranges{{seg.begin, n}};
      // Read the columns the filter needs, then the rest only if some row is selected.
      auto read = [&](size_t i) -> Status {
        ColumnBatch& b = in_batches[i];
        if (in_index[i] < 0) {
          b.Clear();
          b.type = full.columns[out_cols[i]].type;
          for (int64_t r = 0; r < n; ++r) b.AppendNull();
          return OkStatus();
        }
        return reader.ReadColumnRanges(w.rg, in_index[i], ranges, &b, &buffers)
            .WithContext(w.file->path + " row group " + std::to_string(w.rg));
      };
      std::vector<bool> loaded(out_cols.size(), false);
      RowFilterInputs fin;
      for (size_t i = 0; i < out_cols.size(); ++i) {
        const ColumnBatch** slot = filter.SlotFor(out_cols[i], &fin);
        if (slot == nullptr) continue;
        FGM_RETURN_IF_ERROR(read(i));
        loaded[i] = true;
        *slot = &in_batches[i];
      }
      FGM_RETURN_IF_ERROR(filter.Select(fin, static_cast<size_t>(n), &selected));
      rows_done += static_cast<uint64_t>(n);
      if (progress) progress("read", static_cast<double>(rows_done) / total_rows);
      if (selected.empty()) continue;
      for (size_t i = 0; i < out_cols.size(); ++i) {
        if (!loaded[i]) FGM_RETURN_IF_ERROR(read(i));
        out_batches[i].Clear();
        out_batches[i].type = in_batches[i].type;
        AppendSelectedRows(in_batches[i], selected, &out_batches[i]);
      }
      // Counts for the summary.
      for (size_t i = 0; i < out_cols.size(); ++i) {
        const ColumnBatch& b = out_batches[i];
        if (out_cols[i] == kind_col) {
          for (size_t v = 0; v < b.bytes.size(); ++v) summary.event_rows += b.bytes[v] == "event";
        } else if (out_cols[i] == container_col) {
          for (size_t v = 0; v < b.bytes.size(); ++v) containers_seen.emplace(b.bytes[v]);
        }
      }
      if (parquet_writer) FGM_RETURN_IF_ERROR(parquet_writer->WriteBatch(out_batches));
      if (html_writer) {
        FGM_RETURN_IF_ERROR(html_writer->WriteBatch(out_batches));
        // The estimate is only an estimate: never write a page over the limit (4/3: base64).
        if (gz_sink->compressed_bytes() / 3 * 4 > options.max_output_bytes) {
          return ResourceExhaustedError(TooLargeMessage(gz_sink->compressed_bytes() / 3 * 4,
                                                        options.max_output_bytes, from_ms, to_ms));
        }
      }
      summary.rows += selected.size();
      wrote = true;
    }
    if (wrote) group_container = std::string(ContainerOfInstance(instance));
  }
  if (summary.rows == 0) {
    return NotFoundError("no rows match the filters in the requested range");
  }
  summary.containers = static_cast<int>(containers_seen.size());

  auto add_kv = [&](parquet::FileWriter* writer) {
    writer->AddKeyValue(std::string(store::kKvSchemaVersion), "1");
    writer->AddKeyValue(std::string(store::kKvMinTimeMs), std::to_string(from_ms));
    writer->AddKeyValue(std::string(store::kKvMaxTimeMs), std::to_string(to_ms - 1));
    if (!identifier.empty()) writer->AddKeyValue(std::string(store::kKvIdentifier), identifier);
    writer->AddKeyValue("fgm.export", "1");
  };
  if (parquet_writer) {
    add_kv(parquet_writer.get());
    FGM_RETURN_IF_ERROR(parquet_writer->Close(/*sync=*/true));
  }
  if (html_writer) {
    add_kv(html_writer.get());
    FGM_RETURN_IF_ERROR(html_writer->Close());
    summary.html_data_bytes = static_cast<uint64_t>(gz_sink->Tell());
    summary.html_data_gz_bytes = html_gz.size();
    if (progress) progress("html", 0);
    PageInfo info;
    info.title = BaseName(options.output);
    info.version = options.version;
    info.from_ms = from_ms;
    info.to_ms = to_ms;
    std::string html = AssembleHtml(*assets, html_gz, info);
    html_gz.clear();
    html_gz.shrink_to_fit();
    if (html.size() > options.max_output_bytes) {
      return ResourceExhaustedError(
          TooLargeMessage(html.size(), options.max_output_bytes, from_ms, to_ms));
    }
    FGM_RETURN_IF_ERROR(WriteFileAtomically(html_final, html));
    summary.html_bytes = html.size();
    summary.html_path = html_final;
    if (progress) progress("html", 1);
  }
  if (parquet_writer) {
    FGM_RETURN_IF_ERROR(parquet_tmp.CommitTo(parquet_final));
    std::error_code ec;
    summary.parquet_bytes = fs::file_size(parquet_final, ec);
    summary.parquet_path = parquet_final;
  }
  return summary;
}

}  // namespace fgm::exporter

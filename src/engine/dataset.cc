// SPDX-License-Identifier: Apache-2.0
#include "engine/dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/log.h"
#include "core/strings.h"
#include "engine/metrics.h"

namespace fgm::engine {
namespace {

using parquet::ColumnBatch;
using parquet::FileReader;
using parquet::RowRanges;

// The footer keys the store writes (store/layout.h; repeated here so the engine, which also goes
// to WASM, does not link the store).
constexpr std::string_view kKvReplaces = "fgm.replaces";
constexpr std::string_view kKvIdentifier = "fgm.identifier";

std::optional<std::string> KeyValue(const FileReader& reader, std::string_view key) {
  for (const auto& kv : reader.metadata().key_value_metadata) {
    if (kv.key == key) return kv.value;
  }
  return std::nullopt;
}

// Parses a JSON array of strings (what the store writes for fgm.replaces). Escapes other than \"
// and \\ never occur in our file names; a malformed list yields what parsed so far.
std::vector<std::string> ParseStringArray(std::string_view s) {
  std::vector<std::string> out;
  size_t i = s.find('[');
  if (i == std::string_view::npos) return out;
  while (true) {
    i = s.find('"', i);
    if (i == std::string_view::npos) break;
    std::string item;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      item += s[i++];
    }
    if (i >= s.size()) break;
    out.push_back(std::move(item));
    ++i;
  }
  return out;
}

// True when the chunk may hold a non-null value (no statistics: assume it does).
bool ChunkHasValues(const FileReader& reader, int rg, int column) {
  if (column < 0) return false;
  auto stats = reader.ChunkStatistics(rg, column);
  if (!stats.ok() || !stats->null_count) return true;
  return *stats->null_count < reader.row_group_num_rows(rg);
}

// Dense value index of each row of a batch (-1 for null rows).
std::vector<int64_t> DenseIndex(const ColumnBatch& b) {
  std::vector<int64_t> idx(b.num_rows);
  int64_t next = 0;
  for (size_t r = 0; r < b.num_rows; ++r) idx[r] = b.IsNull(r) ? -1 : next++;
  return idx;
}

std::string StringAtRow(const ColumnBatch& b, const std::vector<int64_t>& idx, size_t row) {
  if (row >= idx.size() || idx[row] < 0) return "";
  return std::string(b.bytes[static_cast<size_t>(idx[row])]);
}

}  // namespace

std::map<std::string, std::string> ParseLabelsJson(std::string_view json) {
  std::map<std::string, std::string> out;
  size_t i = json.find('{');
  if (i == std::string_view::npos) return out;
  auto read_string = [&](std::string* s) -> bool {
    i = json.find('"', i);
    if (i == std::string_view::npos) return false;
    ++i;
    while (i < json.size() && json[i] != '"') {
      if (json[i] == '\\' && i + 1 < json.size()) {
        ++i;
        char c = json[i];
        *s += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        *s += json[i];
      }
      ++i;
    }
    if (i >= json.size()) return false;
    ++i;
    return true;
  };
  while (true) {
    std::string key, value;
    if (!read_string(&key)) break;
    i = json.find(':', i);
    if (i == std::string_view::npos) break;
    if (!read_string(&value)) break;
    out[std::move(key)] = std::move(value);
  }
  return out;
}

std::vector<std::string> ListDataFiles(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::file_status st = fs::status(root, ec);
  if (ec) return out;
  if (fs::is_regular_file(st)) {
    out.push_back(root);
    return out;
  }
  if (!fs::is_directory(st)) return out;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      // .fgm holds journals and sessions, read separately; editors' dot files are not data.
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (EndsWith(name, ".parquet") && it->is_regular_file(ec)) out.push_back(p.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::shared_ptr<const IndexedFile>> IndexFile(FileSource source, uint64_t id,
                                                     const KnownInstances* known) {
  auto file = std::make_shared<IndexedFile>();
  file->path = source.path;
  file->live = source.live;
  file->id = id;
  std::unique_ptr<FileReader> reader;
  if (!source.bytes.empty()) {
    file->size = source.bytes.size();
    FGM_ASSIGN_OR_RETURN(reader, FileReader::Open(parquet::MakeOwnedMemorySource(
                                     std::move(source.bytes), source.path)));
  } else {
    FGM_ASSIGN_OR_RETURN(reader, FileReader::OpenFile(source.path));
    file->size = reader->file_size();
  }
  const parquet::Schema& schema = reader->schema();
  int time_col = schema.FindColumn("time");
  if (time_col < 0) return UnsupportedError(source.path + ": no `time` column: not an FGM file");

  if (auto v = KeyValue(*reader, kKvReplaces)) file->replaces = ParseStringArray(*v);
  if (auto v = KeyValue(*reader, kKvIdentifier)) file->identifier = *v;

  file->min_time_ms = INT64_MAX;
  file->max_time_ms = INT64_MIN;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    std::pair<int64_t, int64_t> range{INT64_MIN, INT64_MAX};  // unknown: matches everything
    auto stats = reader->ChunkStatistics(rg, time_col);
    if (stats.ok() && stats->has_min_max()) range = {stats->min->i, stats->max->i};
    file->row_group_times.push_back(range);
    if (reader->row_group_num_rows(rg) > 0) {
      file->min_time_ms = std::min(file->min_time_ms, range.first);
      file->max_time_ms = std::max(file->max_time_ms, range.second);
    }
  }

  for (const MetricInfo& m : AllMetrics()) {
    int col = schema.FindColumn(m.name);
    for (int rg = 0; col >= 0 && rg < reader->num_row_groups(); ++rg) {
      if (ChunkHasValues(*reader, rg, col)) {
        file->metrics_with_values.emplace_back(m.name);
        break;
      }
    }
  }

  int inode_col = schema.FindColumn("cgroup_inode");
  int event_col = schema.FindColumn("event_type");
  int device_col = schema.FindColumn("device");
  int pid_col = schema.FindColumn("process_pid");
  // Label columns read at each run's first row: container_id first (the id), then the rest.
  static constexpr std::string_view kLabelCols[] = {
      "container_id", "cgroup_path", "container_name", "pod_name",     "pod_uid",   "namespace",
      "qos_class",    "runtime",     "node_name",      "cluster_name", "pod_labels"};
  std::map<std::string, int> container_by_id;
  // Instances of this file so far, by (cgroup inode, id): a test or an old kernel may show one
  // inode under two ids.
  std::map<std::pair<int64_t, std::string>, int> container_of_instance;
  ColumnBatch inodes, labels, times;
  // Kept across files (Refresh indexes them one after another): fresh buffers per file cost a
  // page fault per 4 KiB of every page decoded, most of reading the id column at run edges.
  thread_local parquet::ColumnReadBuffers buffers;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    if (ChunkHasValues(*reader, rg, event_col)) file->has_events = true;
    if (ChunkHasValues(*reader, rg, device_col) || ChunkHasValues(*reader, rg, pid_col)) {
      file->has_sub_rows = true;
    }
    if (inode_col < 0 || !ChunkHasValues(*reader, rg, inode_col)) continue;
    std::vector<RowRun> runs;
    // One instance fills the row group (exports write one container per row group): its run and
    // its first/last time come from the statistics, without a page read.
    std::optional<std::pair<int64_t, int64_t>> run_times;
    {
      const int64_t n = reader->row_group_num_rows(rg);
      auto inode_stats = reader->ChunkStatistics(rg, inode_col);
      auto time_stats = reader->ChunkStatistics(rg, time_col);
      if (inode_stats.ok() && inode_stats->has_min_max() && inode_stats->null_count &&
          *inode_stats->null_count == 0 && inode_stats->min->i == inode_stats->max->i &&
          time_stats.ok() && time_stats->has_min_max() && time_stats->null_count &&
          *time_stats->null_count == 0) {
        runs.push_back({.row_group = rg, .begin = 0, .end = n, .inode = inode_stats->min->i});
        run_times = {time_stats->min->i, time_stats->max->i};
      }
    }
    if (!run_times) FGM_RETURN_IF_ERROR(reader->ReadColumnChunk(rg, inode_col, &inodes, &buffers));
    // Runs of equal non-null inode.
    size_t vi = 0;
    for (size_t r = 0; !run_times && r < inodes.num_rows; ++r) {
      if (inodes.IsNull(r)) continue;
      int64_t inode = inodes.int64s[vi++];
      if (!runs.empty() && runs.back().end == static_cast<int64_t>(r) &&
          runs.back().inode == inode) {
        runs.back().end = static_cast<int64_t>(r) + 1;
      } else {
        runs.push_back({.row_group = rg,
                        .begin = static_cast<int64_t>(r),
                        .end = static_cast<int64_t>(r) + 1,
                        .inode = inode});
      }
    }
    if (runs.empty()) continue;
    // Reads byte-array column kLabelCols[c] at `rows` (ascending, unique): one value per row, ""
    // for a null or a missing column.
    auto read_column_at = [&](size_t c, const std::vector<int64_t>& rows,
                              std::vector<std::string>* values) -> Status {
      values->assign(rows.size(), std::string());
      int col = schema.FindColumn(kLabelCols[c]);
      if (rows.empty() || col < 0 ||
          schema.columns[col].type != parquet::PhysicalType::kByteArray) {
        return OkStatus();
      }
      // One value for the whole row group (a constant such as node_name, or a row group of
      // one container): the statistics say it without decoding a page.
      auto stats = reader->ChunkStatistics(rg, col);
      if (stats.ok() && stats->has_min_max() && stats->min_is_exact && stats->max_is_exact &&
          stats->null_count && *stats->null_count == 0 && stats->min->bytes == stats->max->bytes) {
        values->assign(rows.size(), stats->min->bytes);
        return OkStatus();
      }
      RowRanges label_ranges;
      for (int64_t r : rows) label_ranges.push_back({r, 1});
      label_ranges = parquet::NormalizeRowRanges(std::move(label_ranges));
      FGM_RETURN_IF_ERROR(reader->ReadColumnRanges(rg, col, label_ranges, &labels, &buffers));
      std::vector<int64_t> idx = DenseIndex(labels);
      for (size_t pos = 0; pos < rows.size(); ++pos) (*values)[pos] = StringAtRow(labels, idx, pos);
      return OkStatus();
    };
    // The instance id at `rows` (ascending, unique): container_id, else cgroup_path, else "".
    auto read_ids_at = [&](const std::vector<int64_t>& rows,
                           std::vector<std::string>* ids) -> Status {
      FGM_RETURN_IF_ERROR(read_column_at(0, rows, ids));
      std::vector<int64_t> no_id;
      for (size_t i = 0; i < rows.size(); ++i) {
        if ((*ids)[i].empty()) no_id.push_back(rows[i]);
      }
      if (no_id.empty()) return OkStatus();
      std::vector<std::string> paths;
      FGM_RETURN_IF_ERROR(read_column_at(1, no_id, &paths));
      for (size_t i = 0, n = 0; i < rows.size(); ++i) {
        if ((*ids)[i].empty()) (*ids)[i] = std::move(paths[n++]);
      }
      return OkStatus();
    };
    // A run of one inode may still hold two instances: cgroup v1 reuses inode numbers, so a
    // container created after another was removed can show its inode, and the file's order
    // (container_id, inode, cgroup_path, time; store/row.h) puts the two next to each other. A
    // run is split wherever the id changes. Sorted by id first, a run's rows all share one id
    // exactly when its first and last rows do, so only those are read, and a whole run only when
    // they differ (the rare reuse).
    std::vector<std::string> ids;  // per run, at its first row
    {
      std::vector<int64_t> edges;
      for (const RowRun& run : runs) {
        edges.push_back(run.begin);
        edges.push_back(run.end - 1);
      }
      std::sort(edges.begin(), edges.end());
      edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
      std::vector<std::string> edge_ids;
      FGM_RETURN_IF_ERROR(read_ids_at(edges, &edge_ids));
      auto edge_id = [&](int64_t row) -> const std::string& {
        return edge_ids[static_cast<size_t>(std::lower_bound(edges.begin(), edges.end(), row) -
                                            edges.begin())];
      };
      std::vector<RowRun> split;
      for (const RowRun& run : runs) {
        if (edge_id(run.begin) == edge_id(run.end - 1)) {
          split.push_back(run);
          ids.push_back(edge_id(run.begin));
          continue;
        }
        std::vector<int64_t> every_row;
        for (int64_t r = run.begin; r < run.end; ++r) every_row.push_back(r);
        std::vector<std::string> row_ids;
        FGM_RETURN_IF_ERROR(read_ids_at(every_row, &row_ids));
        for (size_t i = 0; i < row_ids.size(); ++i) {
          int64_t r = run.begin + static_cast<int64_t>(i);
          if (i > 0 && row_ids[i] == ids.back()) {
            split.back().end = r + 1;
            continue;
          }
          split.push_back({.row_group = rg, .begin = r, .end = r + 1, .inode = run.inode});
          ids.push_back(std::move(row_ids[i]));
        }
      }
      // Split runs end and start at rows the statistics do not describe.
      if (split.size() != runs.size()) run_times.reset();
      runs = std::move(split);
      for (size_t k = 0; k < runs.size(); ++k) {
        if (ids[k].empty()) ids[k] = "inode-" + std::to_string(runs[k].inode);
      }
    }
    // Rows to read: each run's first (labels, first time) and last (last time) row.
    std::vector<int64_t> rows;
    for (const RowRun& run : runs) {
      rows.push_back(run.begin);
      rows.push_back(run.end - 1);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    RowRanges ranges;
    for (int64_t r : rows) ranges.push_back({r, 1});
    ranges = parquet::NormalizeRowRanges(std::move(ranges));
    auto pos_of = [&](int64_t row) {
      return static_cast<size_t>(std::lower_bound(rows.begin(), rows.end(), row) - rows.begin());
    };
    std::vector<int64_t> time_idx;
    if (!run_times) {
      FGM_RETURN_IF_ERROR(reader->ReadColumnRanges(rg, time_col, ranges, &times, &buffers));
      time_idx = DenseIndex(times);
    }
    auto time_at = [&](int64_t row) -> int64_t {
      if (run_times) return row == 0 ? run_times->first : run_times->second;
      int64_t i = time_idx[pos_of(row)];
      return i < 0 ? 0 : times.int64s[static_cast<size_t>(i)];
    };
    // Reads label column `c` at the first rows of runs `which` into *values (one per run).
    auto read_labels = [&](size_t c, const std::vector<size_t>& which,
                           std::vector<std::string>* values) -> Status {
      std::vector<int64_t> first_rows;  // ascending (runs are in row order), unique
      for (size_t k : which) first_rows.push_back(runs[k].begin);
      return read_column_at(c, first_rows, values);
    };
    // Which instance each run is: its id (read above), then the other labels only for runs whose
    // (inode, id) this file has not shown yet, in an earlier row group (a file whose row groups
    // each hold a slice of every container, as the store's hourly sections and their exports do,
    // repeats them from row group to row group) or in an earlier file. Kernels since 5.5 give
    // kernfs nodes 64-bit ids that are not reused, so across files an inode names one instance
    // (one seen with two ids is not trusted: see AddKnown); within a file the id is checked, as
    // cgroup v1, tests and old kernels may show one inode under two ids.
    std::vector<size_t> new_runs;  // runs whose labels are read from this row group
    for (size_t k = 0; k < runs.size(); ++k) {
      if (container_of_instance.count({runs[k].inode, ids[k]})) continue;
      auto it = known != nullptr ? known->find(runs[k].inode) : KnownInstances::const_iterator();
      if (known != nullptr && it != known->end() && it->second.id == ids[k]) continue;
      new_runs.push_back(k);
    }
    std::vector<std::vector<std::string>> label_values(std::size(kLabelCols));
    for (size_t c = 2; c < std::size(kLabelCols); ++c) {
      FGM_RETURN_IF_ERROR(read_labels(c, new_runs, &label_values[c]));
    }
    size_t next_new = 0;  // position in new_runs
    for (size_t k = 0; k < runs.size(); ++k) {
      RowRun run = runs[k];
      run.first_ms = time_at(run.begin);
      run.last_ms = time_at(run.end - 1);
      // A run read for its labels (one instance may have two runs in a row group: the first
      // one's labels serve both).
      bool read_here = next_new < new_runs.size() && new_runs[next_new] == k;
      size_t n = read_here ? next_new++ : 0;
      auto seen = container_of_instance.find({run.inode, ids[k]});
      if (seen != container_of_instance.end()) {
        run.container = seen->second;
        file->runs.push_back(run);
        continue;
      }
      ContainerLabels l;
      if (read_here) {
        auto label = [&](size_t c) -> std::string {
          return label_values[c].empty() ? std::string() : label_values[c][n];
        };
        l.id = ids[k];
        l.container_name = label(2);
        l.pod_name = label(3);
        l.pod_uid = label(4);
        l.namespace_name = label(5);
        l.qos_class = label(6);
        l.runtime = label(7);
        l.node_name = label(8);
        l.cluster_name = label(9);
        l.pod_labels_json = label(10);
      } else {
        l = known->at(run.inode);
      }
      auto [it, inserted] =
          container_by_id.emplace(l.id, static_cast<int>(file->containers.size()));
      if (inserted) file->containers.push_back(std::move(l));
      run.container = it->second;
      container_of_instance.emplace(std::make_pair(run.inode, ids[k]), run.container);
      file->runs.push_back(run);
    }
  }
  file->reader = std::move(reader);
  return std::shared_ptr<const IndexedFile>(std::move(file));
}

namespace {
void AddKnown(const IndexedFile& file, KnownInstances* known, std::set<int64_t>* ambiguous) {
  for (const RowRun& run : file.runs) {
    if (ambiguous->count(run.inode)) continue;
    const ContainerLabels& l = file.containers[static_cast<size_t>(run.container)];
    auto [it, inserted] = known->try_emplace(run.inode, l);
    if (!inserted && it->second.id != l.id) {
      known->erase(it);
      ambiguous->insert(run.inode);
    }
  }
}
}  // namespace

bool DatasetIndex::Refresh() {
  std::map<std::string, std::shared_ptr<const IndexedFile>> next;
  KnownInstances known;
  std::set<int64_t> ambiguous;
  for (const auto& [path, file] : by_path_) AddKnown(*file, &known, &ambiguous);
  for (const std::string& root : roots_) {
    for (const std::string& path : ListDataFiles(root)) {
      if (next.count(path)) continue;
      struct stat st;
      if (::stat(path.c_str(), &st) != 0) continue;  // removed since listing: normal
      int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
      auto old = by_path_.find(path);
      if (old != by_path_.end() && old->second->size == static_cast<uint64_t>(st.st_size) &&
          old->second->mtime_ns == mtime_ns) {
        next.emplace(path, old->second);
        continue;
      }
      auto indexed = IndexFile({.path = path}, next_id_++, &known);
      if (indexed.ok()) AddKnown(**indexed, &known, &ambiguous);
      if (!indexed.ok()) {
        if (indexed.error().code() != StatusCode::kNotFound) {
          FGM_LOG_ONCE(kWarning, "viewer-index:" + path, "viewer: skipping %s: %s", path.c_str(),
                       indexed.error().ToString().c_str());
        }
        continue;
      }
      auto copy = std::make_shared<IndexedFile>(**indexed);
      copy->mtime_ns = mtime_ns;
      copy->size = static_cast<uint64_t>(st.st_size);
      next.emplace(path, std::move(copy));
    }
  }
  by_path_ = std::move(next);
  uint64_t before = generation_;
  Rebuild();
  return generation_ != before;
}

void DatasetIndex::SetLiveSources(std::vector<FileSource> sources) {
  live_.clear();
  for (FileSource& s : sources) {
    s.live = true;
    auto indexed = IndexFile(std::move(s), next_id_++);
    if (indexed.ok()) live_.push_back(*indexed);
  }
  Rebuild();
}

Status DatasetIndex::AddMemorySource(FileSource source) {
  FGM_ASSIGN_OR_RETURN(std::shared_ptr<const IndexedFile> indexed,
                       IndexFile(std::move(source), next_id_++));
  memory_.push_back(std::move(indexed));
  Rebuild();
  return OkStatus();
}

void DatasetIndex::Rebuild() {
  std::set<std::string> replaced;
  for (const auto& [path, file] : by_path_) {
    std::string dir = path.substr(0, path.rfind('/') + 1);
    for (const std::string& name : file->replaces) replaced.insert(dir + name);
  }
  std::vector<std::shared_ptr<const IndexedFile>> visible;
  for (const auto& [path, file] : by_path_) {
    if (!replaced.count(path)) visible.push_back(file);
  }
  for (const auto& f : memory_) {
    if (!f->live) visible.push_back(f);
  }
  std::stable_sort(visible.begin(), visible.end(),
                   [](const auto& a, const auto& b) { return a->min_time_ms < b->min_time_ms; });
  for (const auto& f : live_) visible.push_back(f);
  for (const auto& f : memory_) {
    if (f->live) visible.push_back(f);
  }

  bool changed = visible.size() != visible_.size();
  for (size_t i = 0; !changed && i < visible.size(); ++i)
    changed = visible[i]->id != visible_[i]->id;
  if (changed) ++generation_;
  visible_ = std::move(visible);

  containers_.clear();
  std::set<std::string> metrics;
  min_ms_.reset();
  max_ms_.reset();
  identifier_.clear();
  int64_t newest = INT64_MIN;
  for (const auto& file : visible_) {
    for (const auto& m : file->metrics_with_values) metrics.insert(m);
    if (file->min_time_ms <= file->max_time_ms) {
      min_ms_ = std::min(min_ms_.value_or(INT64_MAX), file->min_time_ms);
      max_ms_ = std::max(max_ms_.value_or(INT64_MIN), file->max_time_ms);
      if (file->max_time_ms >= newest && !file->identifier.empty()) {
        newest = file->max_time_ms;
        identifier_ = file->identifier;
      }
    }
    for (const RowRun& run : file->runs) {
      const ContainerLabels& l = file->containers[static_cast<size_t>(run.container)];
      auto [it, inserted] = containers_.try_emplace(l.id);
      ContainerInfo& info = it->second;
      if (inserted) {
        info.labels = l;
        info.pod_labels = ParseLabelsJson(l.pod_labels_json);
        info.first_seen_ms = run.first_ms;
        info.last_seen_ms = run.last_ms;
      } else {
        info.first_seen_ms = std::min(info.first_seen_ms, run.first_ms);
        if (run.last_ms > info.last_seen_ms) {
          info.last_seen_ms = run.last_ms;
          info.labels = l;  // the newest labels win (a pod relabelled later)
          info.pod_labels = ParseLabelsJson(l.pod_labels_json);
        }
      }
    }
  }
  metrics_.clear();
  for (const MetricInfo& m : AllMetrics()) {
    if (metrics.count(std::string(m.name))) metrics_.emplace_back(m.name);
  }
}

}  // namespace fgm::engine

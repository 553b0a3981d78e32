// SPDX-License-Identifier: Apache-2.0
// Dataset index for the viewer: which Parquet files exist, their time ranges, which containers
// (with labels and first/last sample) and which metrics (columns with non-null values) they hold.
// Built from footers, statistics and a sparse read of label columns at container-run boundaries,
// never a full scan; refreshed incrementally (only new or changed files are opened) and honouring
// the `fgm.replaces` list of hourly compactions so no row is counted twice.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "parquet/reader/file_reader.h"

namespace fgm::engine {

/// Labels of a container instance, read once per run of rows in a file.
struct ContainerLabels {
  std::string id;  // container_id, or cgroup_path when the runtime gave no id
  std::string container_name, pod_name, pod_uid, namespace_name, qos_class, runtime, node_name,
      cluster_name, pod_labels_json;
};

/// A run of consecutive rows of one row group that belong to one container instance (files are
/// sorted by container, instance, then time; see store/row.h). Rows without a cgroup inode
/// (the monitor's own rows) form no run.
struct RowRun {
  int row_group = 0;
  int64_t begin = 0;  // first row, within the row group
  int64_t end = 0;    // one past the last row
  int64_t inode = 0;
  int container = 0;  // index into IndexedFile::containers
  int64_t first_ms = 0, last_ms = 0;
};

/// What the index knows about one data file. Immutable once built (shared with queries running
/// while the index refreshes).
struct IndexedFile {
  std::string path;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool live = false;  // in-progress data (journal): never cached
  uint64_t id = 0;    // unique per (path, size, mtime) version: the cache key of its chunks
  std::shared_ptr<const parquet::FileReader> reader;
  int64_t min_time_ms = 0, max_time_ms = 0;                  // no rows: min > max
  std::vector<std::pair<int64_t, int64_t>> row_group_times;  // per row group [min, max]
  std::vector<std::string> replaces;                         // base names, same directory
  std::string identifier;                                    // fgm.identifier
  std::vector<ContainerLabels> containers;
  std::vector<RowRun> runs;
  std::vector<std::string> metrics_with_values;  // catalogue metric names
  bool has_events = false;
  bool has_sub_rows = false;  // device or process rows present
};

/// A file, or an in-memory Parquet image (the live journal tail), to add to the index.
struct FileSource {
  std::string path;
  std::string bytes;  // empty: read `path` from disk
  bool live = false;
};

/// Labels of instances already indexed, by cgroup inode: a file whose runs are all known
/// instances needs no label column read (hourly files repeat the same instances).
using KnownInstances = std::map<int64_t, ContainerLabels>;

/// Indexes one file (an in-memory image's bytes are moved into the reader, not copied).
/// kCorrupt/kIo from the reader; a file that is not one of ours (no `time` column) is
/// kUnsupported. `known` may be null.
Result<std::shared_ptr<const IndexedFile>> IndexFile(FileSource source, uint64_t id,
                                                     const KnownInstances* known = nullptr);

/// Every *.parquet file under `root` (recursively; hidden directories such as .fgm skipped), or
/// `root` itself when it is a file. Missing roots give an empty list.
std::vector<std::string> ListDataFiles(const std::string& root);

/// The aggregated view over every current file: a container table merged across files.
struct ContainerInfo {
  ContainerLabels labels;
  std::map<std::string, std::string> pod_labels;  // parsed from pod_labels_json
  int64_t first_seen_ms = 0, last_seen_ms = 0;
};

/// The set of files a query sees. Thread-compatible; Engine serializes access.
class DatasetIndex {
 public:
  /// `roots`: directories and/or files. The monitor's journal is added by the caller through
  /// SetLiveSources (native only); files held in memory through AddMemorySource.
  explicit DatasetIndex(std::vector<std::string> roots) : roots_(std::move(roots)) {}

  /// Re-lists the roots: opens new or changed files, forgets removed ones, recomputes which files
  /// are replaced by compactions. Files that fail to open are skipped (logged once each).
  /// Returns true when the set of visible files changed.
  bool Refresh();
  /// Replaces the in-progress (live) part: every source is indexed as live (never cached).
  void SetLiveSources(std::vector<FileSource> sources);
  /// Adds a finished file held in memory (`source.bytes`, moved in; `source.path` names it in
  /// errors and must differ from the roots' files) as a regular, cacheable file that stays across
  /// Refresh, e.g. the Parquet file embedded in an exported page, which the WebAssembly engine
  /// receives as bytes and has no filesystem for. `source.live` is honoured. Errors are
  /// IndexFile's; on error the index is unchanged.
  Status AddMemorySource(FileSource source);

  /// Files to query (replaced ones excluded), oldest first.
  const std::vector<std::shared_ptr<const IndexedFile>>& files() const { return visible_; }
  const std::map<std::string, ContainerInfo>& containers() const { return containers_; }
  /// Catalogue metric names with values anywhere.
  const std::vector<std::string>& metrics() const { return metrics_; }
  std::optional<int64_t> min_time_ms() const { return min_ms_; }
  std::optional<int64_t> max_time_ms() const { return max_ms_; }
  /// fgm.identifier of the newest file ("" if none).
  const std::string& identifier() const { return identifier_; }
  bool has_live() const { return !live_.empty(); }
  /// Bumped whenever the visible file set changes.
  uint64_t generation() const { return generation_; }

 private:
  void Rebuild();

  std::vector<std::string> roots_;
  std::map<std::string, std::shared_ptr<const IndexedFile>> by_path_;
  std::vector<std::shared_ptr<const IndexedFile>> live_;
  std::vector<std::shared_ptr<const IndexedFile>> memory_;  // AddMemorySource, oldest first
  std::vector<std::shared_ptr<const IndexedFile>> visible_;
  std::map<std::string, ContainerInfo> containers_;
  std::vector<std::string> metrics_;
  std::optional<int64_t> min_ms_, max_ms_;
  std::string identifier_;
  uint64_t next_id_ = 1;
  uint64_t generation_ = 0;
};

/// Parses a flat JSON object of strings ({"app":"web"}); malformed input gives what parsed so far.
std::map<std::string, std::string> ParseLabelsJson(std::string_view json);

}  // namespace fgm::engine

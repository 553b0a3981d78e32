// SPDX-License-Identifier: Apache-2.0
// Metadata for containers that no runtime describes: the local scenario backend (or any tool)
// writes one small JSON file per container into a state directory, and this provider serves it.
// File format (every field optional except one of cgroup_path / container_id):
//   {"cgroup_path": "fgm.slice/fgm-run-r1.slice/web.scope",  // relative to the hierarchy root
//    "container_id": "r1/web", "pod_name": "todo", "namespace": "fgm-run-r1",
//    "container_name": "web", "pod_uid": "", "qos": "burstable", "image": "",
//    "labels": {"app": "todo"}, "is_sandbox": false}
// Write files atomically (write a temporary file, then rename), as WriteFileAtomically does.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "k8s/external_events.h"
#include "k8s/metadata.h"

namespace fgm::k8s {

/// One state-directory file, parsed. Exposed for tests and for the backend that writes them.
struct LocalContainerRecord {
  std::string cgroup_path;  // normalised: no leading or trailing '/'
  std::string container_id;
  ContainerMetadata metadata;
};

/// Parses one state file. kInvalidFormat for malformed JSON, wrong field types, an unknown "qos",
/// or neither cgroup_path nor container_id.
Result<LocalContainerRecord> ParseLocalContainerRecord(std::string_view json_text);

/// The inverse of ParseLocalContainerRecord (for writers and tests).
std::string FormatLocalContainerRecord(const LocalContainerRecord& record);

/// Lifecycle event files: `<local-metadata-dir>/events/*.json`, one event per file, written
/// atomically (temporary name not ending in ".json", then rename) by the local scenario
/// supervisor:
///   {"time_ms": 1764080000123, "cgroup_path": "...", "container_id": "...",
///    "type": "exit"|"restart"|"oom_kill", "exit_code": 1, "signal": 9|null,
///    "reason": "Error"|"OOMKilled"|"Completed"|"Signal", "message": "...",
///    "pod_uid": "", "pod_name": "", "namespace": "", "container_name": ""}   // last four optional
/// kInvalidFormat for malformed JSON, a wrong field type, a missing or non-positive time_ms, an
/// unknown type, or neither cgroup_path nor container_id. cgroup_path is normalised (no leading or
/// trailing '/'); null and absent optional fields are the same.
Result<ExternalEvent> ParseLocalEventRecord(std::string_view json_text);

/// The inverse of ParseLocalEventRecord (for the supervisor and tests); absent exit code / signal
/// are written as null.
std::string FormatLocalEventRecord(const ExternalEvent& event);

/// The events subdirectory of a local metadata directory.
std::string LocalEventsDir(const std::string& local_metadata_dir);

struct LocalMetadataOptions {
  /// How often the state directory's mtime is checked. Every rename into the directory changes
  /// it, so a new container's file is seen within this long; 1 s matches the sampling tick.
  int64_t recheck_interval_ns = 1 * kNanosPerSecond;
  /// Full rescan period even when the mtime looks unchanged: a directory mtime has coarse-clock
  /// granularity, so two renames a few ms apart can share one value, and a writer may not rename.
  int64_t full_rescan_interval_ns = 10 * kNanosPerSecond;
  /// Files indexed at most; a scenario runs tens of containers, so 4096 only stops a runaway dir.
  size_t max_files = 4096;
  /// Largest state file; records are a few hundred bytes.
  size_t max_file_bytes = 64u << 10;
};

/// Serves records from `state_dir` (host root already applied), matching a container by its
/// cgroup path first, then by container id. Re-reads only files whose (inode, size, mtime)
/// changed. A missing directory is not an error: nothing is found until it appears. A malformed
/// file is logged once and ignored until it changes. Not thread-safe; `clock` must outlive this.
class LocalMetadataProvider final : public MetadataProvider {
 public:
  LocalMetadataProvider(std::string state_dir, const Clock& clock,
                        LocalMetadataOptions options = {});

  MetadataResult Lookup(const ContainerIdentity& identity) override;
  /// Nothing to drop: the index mirrors the directory, which the writer cleans up.
  void Forget(const ContainerIdentity&) override {}
  std::string_view name() const override { return "local"; }

  size_t indexed_files() const { return files_.size(); }
  uint64_t rescans() const { return rescans_; }

 private:
  struct FileState {
    uint64_t inode = 0;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    /// Null when the file was malformed.
    std::shared_ptr<const LocalContainerRecord> record;
  };

  void MaybeRescan();
  void Rescan();

  std::string state_dir_;
  const Clock& clock_;
  LocalMetadataOptions options_;
  std::map<std::string, FileState> files_;  // by file name
  std::unordered_map<std::string, std::shared_ptr<const LocalContainerRecord>> by_path_;
  std::unordered_map<std::string, std::shared_ptr<const LocalContainerRecord>> by_id_;
  bool scanned_once_ = false;
  int64_t last_check_ns_ = 0;
  int64_t last_full_scan_ns_ = 0;
  int64_t dir_mtime_ns_ = -1;
  uint64_t rescans_ = 0;
};

struct LocalEventSourceOptions {
  /// Events delivered per Poll at most: a supervisor writes a handful per restart, so 256 only
  /// bounds one tick's work if a backlog piled up while the monitor was down (the rest come on
  /// the following ticks).
  size_t max_events_per_poll = 256;
  /// Largest event file; records are a few hundred bytes.
  size_t max_file_bytes = 64u << 10;
};

/// Reads the local supervisor's event files (`<dir>/*.json`, see ParseLocalEventRecord).
///
/// Delivery is at-least-once: Poll() returns each file's event once per process (remembered by
/// file name), and Acknowledge() deletes the files of every event returned so far. The monitor
/// acknowledges only after the event rows reached the fdatasync'ed journal, so a crash between
/// Poll() and the journal loses nothing (the files are read again on the next start); a crash
/// between the journal write and the unlink can repeat an event once, which readers can collapse
/// by (container, time, type). Malformed files are logged once and renamed to "<name>.bad" (never
/// read again, kept for inspection). A missing directory is not an error. Not thread-safe.
class LocalEventSource final : public ExternalEventSource {
 public:
  explicit LocalEventSource(std::string events_dir, LocalEventSourceOptions options = {});

  /// New events, sorted by (time_ms, file name). Never blocks on anything but the local disk.
  std::vector<ExternalEvent> Poll() override;
  std::string_view name() const override { return "local-events"; }

  /// Deletes the files of every event Poll() has returned so far. Call once they are durable.
  void Acknowledge();

  /// Events returned but not yet acknowledged.
  size_t unacknowledged() const { return delivered_.size(); }
  uint64_t malformed_files() const { return malformed_; }

 private:
  std::string dir_;
  LocalEventSourceOptions options_;
  /// Returned by Poll(), waiting for Acknowledge().
  std::set<std::string> delivered_;
  /// Acknowledged but the unlink failed (not ENOENT): never returned again while they exist.
  std::set<std::string> done_;
  uint64_t malformed_ = 0;
};

}  // namespace fgm::k8s

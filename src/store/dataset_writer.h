// SPDX-License-Identifier: Apache-2.0
// DatasetWriter: turns a stream of rows into a crash-safe, compact Hive-partitioned Parquet
// dataset.
//
//   rows --Append--> memory --every flush interval (2 s)--> journal (fdatasync)
//        --every segment interval (60 s, aligned)--> segment file seg-*.parquet (tmp + fsync +
//          rename), journal deleted; event rows (kind 'event') go to events-seg-*.parquet
//        --after each hour (+ delay)--> one metrics-<hour>.parquet (and events-<hour>.parquet)
//          per partition, segments deleted
//        --retention--> oldest files deleted by age and by disk budget
//
// Guarantees: no file under a final name is ever partial (tmp + rename); a SIGKILL loses at most
// the rows since the last journal flush, and the next Open() turns leftover journals into segments;
// compaction never duplicates rows (the hourly file lists the files it replaces, and Open() and
// readers honour that list); a write error (full disk) is logged once, counted, and retried while
// sampling goes on, with memory bounded by max_pending_rows.
//
// Threading: Append/Poll/Close from one thread (the sampler's). Segment writing, compaction and
// retention run on an internal worker thread so they never delay a tick.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/result.h"
#include "store/journal.h"
#include "store/row.h"

namespace fgm::store {

struct DatasetOptions {
  std::string root;
  /// Partition value: pod name, else node name, else host name.
  std::string identifier;
  /// 8-character run id (names journals and segments).
  std::string run_id;
  /// How often rows reach the journal: the most a SIGKILL can lose.
  int64_t flush_interval_ns = 2 * kNanosPerSecond;
  /// How often the journal is fdatasynced: the most a power loss or kernel crash can lose. Not
  /// every flush: each fdatasync makes the filesystem commit and the disk flush its cache, which
  /// every other workload on that disk feels, and it was ~40% of an idle monitor's CPU.
  int64_t journal_sync_interval_ns = 10 * kNanosPerSecond;
  /// Segment length; must divide one hour so segments never straddle an hour (or a day).
  int64_t segment_interval_ns = 60 * kNanosPerSecond;
  /// A segment is also cut when it holds this many rows: the row buffer is most of the daemon's
  /// memory with many containers (~500 bytes a container row, and a second buffer fills while the
  /// worker writes the first). 16,384 rows (~8 MiB) is 164 s of 100 containers and 16 s of 1,000.
  /// Not smaller: the hourly compaction holds a window of every segment of the hour at once, so
  /// its peak grows with the number of segments (~82 MiB for the 220 of an hour of 1,000
  /// containers; 8,192-row segments would double it).
  size_t segment_max_rows = 16384;
  /// ... or when its buffer holds this many bytes (RowBuffer::memory_bytes), checked before every
  /// row, so wide rows (process or device rows) cannot grow it past the bound either. 12 MiB is
  /// above what 16,384 container rows take (~8 MiB), so with container rows the row count cuts
  /// first.
  size_t segment_max_bytes = 12 << 20;
  /// Hours are compacted this long after they end (late journal recoveries still land first).
  int64_t compaction_delay_ns = 2 * 60 * kNanosPerSecond;
  bool compaction = true;
  /// Delete data whose newest row is older than this (0: keep forever).
  int64_t retention_ns = 0;
  /// Keep data files + journals under this many bytes by deleting the oldest (0: no budget).
  uint64_t max_disk_bytes = 0;
  int zstd_level = 3;
  /// While writes fail (full disk), at most this many rows wait in memory; older ones are dropped
  /// from memory (their journal, if it was written, still recovers them on the next start).
  size_t max_pending_rows = 4 * 32768;
  /// How often the worker retries a failed write and re-checks compaction/retention.
  int64_t maintenance_interval_ns = 10 * kNanosPerSecond;
  Clock* clock = nullptr;  // nullptr: the real clock
};

struct DatasetStats {
  uint64_t rows_appended = 0;
  uint64_t rows_journaled = 0;
  uint64_t journal_syncs = 0;  ///< fdatasyncs of a journal
  uint64_t segments_written = 0;
  uint64_t rows_written = 0;
  uint64_t hours_compacted = 0;
  uint64_t files_deleted_by_retention = 0;
  uint64_t journals_recovered = 0;
  uint64_t rows_recovered = 0;
  uint64_t write_errors = 0;
  uint64_t rows_dropped = 0;
};

class DatasetWriter {
 public:
  /// Creates the directories, recovers leftover journals into segments, finishes interrupted
  /// compactions, removes stale temporary files, and starts the worker.
  static Result<std::unique_ptr<DatasetWriter>> Open(DatasetOptions options);
  ~DatasetWriter();

  /// Buffers a row (never blocks on I/O).
  void Append(const Row& row);
  /// Writes the journal and hands full segments to the worker when due. Call once per tick.
  void Poll();
  /// Appends every buffered row not yet journaled to the journal now and fdatasyncs, instead of
  /// at the next flush interval. OK means every row appended so far is durable: in a segment
  /// file, or in an fdatasync'ed journal that the next Open() recovers. For rows that must not be
  /// lost once acknowledged to their producer (external lifecycle events, whose source files are
  /// deleted after this). Errors: kIo (full disk).
  Status SyncJournal();
  /// Journals everything buffered (durable from then on), waits up to `deadline_ns` for pending
  /// segments, abandons a write still in progress after that (its journal becomes the segment on
  /// the next Open()), and stops the worker. Returns an error only if rows reached neither a
  /// segment nor the journal (e.g. the disk was full).
  Status Close(int64_t deadline_ns = 2 * kNanosPerSecond);

  /// Compacts every hour that has more than one file (including the current one when
  /// `include_open_hours`) and applies retention, synchronously on the caller's thread. For tests
  /// and `generate-bench-data`. REQUIRES: no concurrent Append/Poll.
  Status CompactAndRetainNow(bool include_open_hours);

  DatasetStats stats() const;
  /// Heap bytes of the rows being gathered for the next segment (sampler thread only).
  size_t buffered_bytes() const { return current_->memory_bytes(); }
  const DatasetOptions& options() const { return options_; }

 private:
  struct PendingSegment {
    uint64_t seq = 0;
    std::string identifier;
    std::string run_id;
    std::shared_ptr<RowBuffer> rows;
    std::string journal_path;  // deleted once the segment is written ("" if none)
  };

  explicit DatasetWriter(DatasetOptions options);
  Status Recover();
  /// Writes the rows not yet journaled; with `sync`, also fdatasyncs the journal.
  Status FlushJournal(bool sync = false);
  /// Writes the rows not yet journaled, creating the journal first if needed.
  Status AppendToJournal();
  void HandOffSegment();
  void WorkerLoop();
  Status WriteSegment(const PendingSegment& segment);
  Status CompactPartition(const std::string& dir, bool include_open_hours);
  Status ApplyRetention();
  Status Maintenance(bool include_open_hours);

  DatasetOptions options_;
  Clock* clock_;

  // Sampler-thread state.
  std::shared_ptr<RowBuffer> current_;
  size_t journaled_rows_ = 0;
  std::optional<JournalWriter> journal_;
  uint64_t seq_ = 0;
  TimestampNs segment_deadline_ns_ = 0;
  TimestampNs next_flush_ns_ = 0;
  TimestampNs next_sync_ns_ = 0;

  // Serializes compaction and retention between the worker and CompactAndRetainNow().
  std::mutex maintenance_mutex_;

  // Shared with the worker.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PendingSegment> queue_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};  // Close() ran out of time: abandon writes in progress
  bool busy_ = false;
  Status last_error_;
  DatasetStats stats_;
  std::thread worker_;
};

/// Base names of files a compacted file says it replaces (empty if none or unreadable).
std::vector<std::string> ReplacedFiles(const std::string& parquet_path);

}  // namespace fgm::store

// SPDX-License-Identifier: Apache-2.0
// Engine: the viewer's query engine over a DatasetIndex. Series queries (metric x containers x
// [from, to)) read only the time, metric and (when present) device/process-key columns of the row
// groups whose time statistics overlap the range, turn counters into per-second rates with reset
// handling, sum device/process rows per container, and downsample to per-bucket min/max/avg with
// explicit gaps. Decoded column chunks live in a byte-bounded LRU cache keyed by the file's
// version id (path + size + mtime), so a replaced or removed file can never be served stale; the
// live (journal) part is never cached. Whole API answers are kept one level up, in the
// ResponseCache that HandleApiRequest (api.h) consults, per index generation. A query is planned
// under the engine's lock (PlanSeries: which rows of which cached chunks) and then computed per
// series, which large answers split across the engine's WorkerPool.
//
//   Engine engine({.roots = {"/data/fgm"}});
//   engine.Refresh();
//   SeriesQuery q{.metric = "cpu_usage_millicores", .from_ms = t0, .to_ms = t1};
//   Result<SeriesResult> r = engine.QuerySeries(q);
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "engine/dataset.h"
#include "engine/metrics.h"
#include "engine/worker_pool.h"

namespace fgm::engine {

struct EngineOptions {
  std::vector<std::string> roots;
  /// Reported by /api/instance.
  std::string version = "dev";
  /// Bound on decoded column chunks kept in memory. 256 MiB holds one metric of a 24 h, 200
  /// container dataset (17 M rows x 8 bytes, plus its time column at 8 bytes) with room to spare,
  /// and stays far below the 4 GiB WASM address space.
  size_t cache_bytes = size_t{256} << 20;
  /// The monitor's sampling interval (1 s by default); gaps are "no sample for > 2 intervals".
  int64_t sample_interval_ms = 1000;
  /// Bound on whole API answers kept by HandleApiRequest (ResponseCache); 0 disables it. 64 MiB
  /// holds five of the largest answers we know (one metric x 333 containers x 1 h at 2,000
  /// points, 12.7 MB) or hundreds of typical ones, next to the 256 MiB of decoded chunks.
  size_t response_cache_bytes = size_t{64} << 20;
  /// Threads computing one large answer, the caller's included (WorkerPool); 1 = sequential.
  /// Two halve the largest answers (333 series x 1 h: 2.4 M numbers to format) on the 2-core
  /// nodes the monitor runs on, where the viewer must not take every core from the workloads.
  int query_threads = 2;
  /// Answers reading fewer rows than this stay on the calling thread: waking a worker costs
  /// tens of microseconds, as much as computing ~10,000 rows. Tests set 0 to always split.
  int64_t min_rows_to_split = 50'000;
};

struct SeriesQuery {
  std::string metric;
  std::vector<std::string> containers;  // ids; must be non-empty (the API resolves filters)
  int64_t from_ms = 0;                  // inclusive
  int64_t to_ms = 0;                    // exclusive
  int max_points = 2000;
};

struct Series {
  std::string container;                // id
  const ContainerInfo* info = nullptr;  // valid until the next Refresh
  std::vector<int64_t> t;               // bucket starts
  std::vector<double> avg, min, max;    // NaN = gap entry
};

struct SeriesResult {
  const MetricInfo* metric = nullptr;
  int64_t from_ms = 0, to_ms = 0, step_ms = 0;
  std::vector<Series> series;
};

/// What a series query reads, resolved by Engine::PlanSeries: per series, the runs of rows it
/// reads inside decoded column chunks, which the plan keeps alive. Computing a series (Compute)
/// reads only the plan, so distinct series may be computed on different threads at once. Valid
/// until the engine's next Refresh (series point at its ContainerInfo).
class SeriesPlan {
 public:
  /// Metric, range, bucket width, and one Series per container (container and info set, no
  /// buckets), in the query's order.
  const SeriesResult& shape() const { return shape_; }
  size_t size() const { return shape_.series.size(); }
  /// Rows read by all series (the work to do).
  int64_t rows() const { return rows_; }
  /// An upper bound on the bucket entries of all series, to size buffers: a series has at most
  /// one entry per bucket between its first and last row in the range (gap entries included), and
  /// at most one per row read.
  int64_t max_entries() const { return max_entries_; }
  /// Rates, buckets and gap entries of series i into out (t/avg/min/max cleared first, their
  /// capacity kept; container and info copied from shape()). Thread-safe for distinct `out`s.
  void Compute(size_t i, Series* out) const;

 private:
  friend class Engine;
  // A run of rows of one container instance inside cached chunks.
  struct Run {
    const int64_t* t;
    const double* v;
    const int64_t* keys;  // device/process key per row (0 = container row), or null
    int64_t begin, end;
    int64_t inode;
    int64_t first_ms, last_ms;
  };

  SeriesResult shape_;
  std::vector<std::vector<Run>> runs_;               // per series, ordered by first_ms
  std::vector<int64_t> series_rows_;                 // per series
  std::vector<std::shared_ptr<const void>> chunks_;  // keeps the runs' chunks alive
  int64_t read_from_ms_ = 0, read_to_ms_ = 0;        // rows read: [read_from, read_to)
  int64_t interval_ms_ = 1000;
  bool counter_ = false;
  int64_t rows_ = 0;
  int64_t max_entries_ = 0;
};

struct Event {
  int64_t time_ms = 0;
  std::string container;
  const ContainerInfo* info = nullptr;  // null for a container that never had metric rows
  std::string container_name, pod_name, namespace_name;  // from the event row when info is null
  std::string type, reason, message;
  std::optional<int64_t> exit_code, signal;
};

/// Counters for tests and the benchmark.
struct EngineStats {
  uint64_t row_groups_read = 0;  // row groups whose columns were decoded (cache misses)
  uint64_t row_groups_pruned = 0;
  uint64_t chunks_decoded = 0;
  uint64_t cache_hits = 0;
  uint64_t cache_bytes = 0;
  uint64_t response_hits = 0;      // API answers served from the ResponseCache
  uint64_t response_misses = 0;    // cacheable answers computed
  uint64_t response_bytes = 0;     // bytes of answers held
  uint64_t series_on_workers = 0;  // series computed on a WorkerPool thread other than the caller's
};

/// Whole API answers by canonical request, bounded by bytes (least recently used dropped first).
/// Every entry belongs to one index generation (DatasetIndex::generation(), bumped by any change
/// of the visible files: a new or rewritten file, a journal re-read, a retention removal); asking
/// with another generation drops them all, so an answer is never served for data it was not
/// computed from. Not thread-safe (lives under Engine::mutex()).
class ResponseCache {
 public:
  explicit ResponseCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  /// The body stored for `key` under `generation`, or null.
  std::shared_ptr<const std::string> Find(const std::string& key, uint64_t generation);
  /// Stores `body`; bodies larger than a quarter of the budget are not kept (one would evict
  /// nearly everything else).
  void Insert(const std::string& key, uint64_t generation, std::shared_ptr<const std::string> body);
  void Clear();

  bool enabled() const { return max_bytes_ > 0; }
  size_t bytes() const { return bytes_; }
  size_t size() const { return map_.size(); }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> body;
  };
  // Drops everything when `generation` differs from the entries'.
  void Adopt(uint64_t generation);

  size_t max_bytes_;
  size_t bytes_ = 0;
  uint64_t generation_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> map_;
};

/// Not thread-safe: callers serialize (the server holds mutex() around each request).
class Engine {
 public:
  explicit Engine(EngineOptions options);

  /// Re-lists the dataset (see DatasetIndex::Refresh). Returns true when the file set changed.
  bool Refresh();
  void SetLiveSources(std::vector<FileSource> sources) {
    index_.SetLiveSources(std::move(sources));
  }
  /// See DatasetIndex::AddMemorySource.
  Status AddMemorySource(FileSource source) { return index_.AddMemorySource(std::move(source)); }

  const DatasetIndex& index() const { return index_; }
  /// Whole answers of HandleApiRequest (options().response_cache_bytes).
  ResponseCache& response_cache() { return responses_; }
  const EngineOptions& options() const { return options_; }
  std::mutex& mutex() { return mutex_; }

  /// kInvalidArgument for an unknown metric or an empty/inverted range; kNotFound for an unknown
  /// container id. Large answers are computed on workers().
  Result<SeriesResult> QuerySeries(const SeriesQuery& query);
  /// The first half of QuerySeries: validates the query, prunes files and row groups, decodes (or
  /// finds cached) the chunks to read. Same errors as QuerySeries.
  Result<SeriesPlan> PlanSeries(const SeriesQuery& query);
  /// Threads to compute `plan` on: 1 for a plan under options().min_rows_to_split rows, else
  /// workers().slots().
  int SlotsFor(const SeriesPlan& plan) const;
  /// Threads shared by the requests (one at a time: hold mutex()).
  WorkerPool& workers() { return workers_; }
  /// Counted by callers that compute series on workers().
  void CountSeriesOnWorkers(uint64_t n) { stats_.series_on_workers += n; }
  /// Events in [from, to) of the given containers (empty = all), oldest first.
  Result<std::vector<Event>> QueryEvents(const std::vector<std::string>& containers,
                                         int64_t from_ms, int64_t to_ms);

  EngineStats stats() const;
  void ResetStatsForTesting() { stats_ = {}; }
  /// Counted by HandleApiRequest.
  void CountResponse(bool hit) { ++(hit ? stats_.response_hits : stats_.response_misses); }

 private:
  // Decoded values of one column of one row group: `values` (NaN = null) for metrics, `ints` for
  // time, `keys` (0 = container row) for the device/process key.
  struct Chunk {
    std::vector<double> values;
    std::vector<int64_t> ints;
    size_t bytes() const { return values.capacity() * 8 + ints.capacity() * 8 + 64; }
  };
  enum class ChunkKind { kTime, kValues, kSubKey };
  Result<std::shared_ptr<const Chunk>> GetChunk(const IndexedFile& file, int row_group, int column,
                                                ChunkKind kind);

  struct CacheKey {
    uint64_t file_id;
    int row_group;
    int column;
    bool operator==(const CacheKey&) const = default;
  };
  struct CacheKeyHash {
    size_t operator()(const CacheKey& k) const {
      return std::hash<uint64_t>()(k.file_id * 1000003 + static_cast<uint64_t>(k.row_group) * 4099 +
                                   static_cast<uint64_t>(k.column));
    }
  };
  struct CacheEntry {
    CacheKey key;
    std::shared_ptr<const Chunk> chunk;
  };

  EngineOptions options_;
  DatasetIndex index_;
  std::mutex mutex_;
  std::list<CacheEntry> lru_;  // most recent first
  std::unordered_map<CacheKey, std::list<CacheEntry>::iterator, CacheKeyHash> cache_;
  size_t cache_bytes_ = 0;
  ResponseCache responses_;
  EngineStats stats_;
  WorkerPool workers_;
};

/// Bucket width for a range: a multiple of the sampling interval giving at most max_points buckets.
int64_t BucketWidthMs(int64_t from_ms, int64_t to_ms, int max_points, int64_t interval_ms);

}  // namespace fgm::engine

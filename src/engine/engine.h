// SPDX-License-Identifier: Apache-2.0
// Engine: the viewer's query engine over a DatasetIndex. Series queries (metric x containers x
// [from, to)) read only the time, metric and (when present) device/process-key columns of the row
// groups whose time statistics overlap the range, turn counters into per-second rates with reset
// handling, sum device/process rows per container, and downsample to per-bucket min/max/avg with
// explicit gaps. Decoded column chunks live in a byte-bounded LRU cache keyed by the file's
// version id (path + size + mtime), so a replaced or removed file can never be served stale; the
// live (journal) part is never cached. Whole API answers are kept one level up, in the
// ResponseCache that HandleApiRequest (api.h) consults, per index generation.
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
  uint64_t response_hits = 0;    // API answers served from the ResponseCache
  uint64_t response_misses = 0;  // cacheable answers computed
  uint64_t response_bytes = 0;   // bytes of answers held
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
  /// container id.
  Result<SeriesResult> QuerySeries(const SeriesQuery& query);
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
};

/// Bucket width for a range: a multiple of the sampling interval giving at most max_points buckets.
int64_t BucketWidthMs(int64_t from_ms, int64_t to_ms, int max_points, int64_t interval_ms);

}  // namespace fgm::engine

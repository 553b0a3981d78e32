// SPDX-License-Identifier: Apache-2.0
#include "engine/engine.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>

namespace fgm::engine {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Cache key column for the device/process sub-key (not a schema column).
constexpr int kSubKeyColumn = -2;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Per-bucket min/max/avg of a time-ordered stream of samples, written into a Series, with one
// null entry for each gap (no sample for more than 2 sampling intervals across empty buckets).
class Bucketer {
 public:
  Bucketer(Series* out, int64_t from_ms, int64_t to_ms, int64_t step_ms, int64_t interval_ms)
      : out_(out),
        from_(from_ms),
        to_(to_ms),
        step_(step_ms),
        interval_(interval_ms),
        t0_(FloorDiv(from_ms, step_ms) * step_ms) {}

  void Add(int64_t t, double v) {
    if (t < from_ || t >= to_) return;
    // Samples arrive in time order: a division only when leaving the current bucket.
    if (t >= bucket_end_ || t < bucket_start_) {
      Flush();
      if (bucket_ != INT64_MIN && t >= bucket_end_ && t - bucket_end_ < step_) {
        // The next bucket, the usual move: no 64-bit division (tens of cycles, once per bucket).
        ++bucket_;
        bucket_start_ = bucket_end_;
      } else {
        bucket_ = (t - t0_) / step_;
        bucket_start_ = t0_ + bucket_ * step_;
      }
      bucket_end_ = bucket_start_ + step_;
    }
    if (count_ == 0) {
      mn_ = mx_ = sum_ = v;
      first_t_ = t;
    } else {
      mn_ = std::min(mn_, v);
      mx_ = std::max(mx_, v);
      sum_ += v;
    }
    last_t_ = t;
    ++count_;
  }
  void Finish() { Flush(); }

 private:
  void Flush() {
    if (count_ == 0) return;
    if (prev_bucket_ != INT64_MIN && first_t_ - prev_last_t_ > 2 * interval_ &&
        bucket_ > prev_bucket_ + 1) {
      Push(t0_ + (prev_bucket_ + 1) * step_, kNaN, kNaN, kNaN);
    }
    Push(t0_ + bucket_ * step_, sum_ / static_cast<double>(count_), mn_, mx_);
    prev_bucket_ = bucket_;
    prev_last_t_ = last_t_;
    count_ = 0;
  }
  void Push(int64_t t, double avg, double mn, double mx) {
    out_->t.push_back(t);
    out_->avg.push_back(avg);
    out_->min.push_back(mn);
    out_->max.push_back(mx);
  }

  Series* out_;
  int64_t from_, to_, step_, interval_, t0_;
  int64_t bucket_ = INT64_MIN, prev_bucket_ = INT64_MIN, prev_last_t_ = 0;
  int64_t bucket_start_ = 0, bucket_end_ = INT64_MIN;
  double mn_ = 0, mx_ = 0, sum_ = 0;
  int64_t count_ = 0, first_t_ = 0, last_t_ = 0;
};

// Turns rows (in time order per instance, pieces in order of first time) into samples: rows of the
// same instance and tick are combined (the container row's value wins over device/process rows,
// which are summed), a tick already passed is a duplicate (a segment and the live journal holding
// the same rows) and dropped; counters become per-second rates between consecutive samples of the
// same instance, with no rate across a new inode or a decrease (reset).
class SampleStream {
 public:
  SampleStream(Bucketer* out, bool counter) : out_(out), counter_(counter) {}

  void Add(int64_t t, int64_t inode, double v, bool sub) {
    if (has_pending_) {
      if (t == pending_t_ && inode == pending_inode_) {
        if (pending_sub_ && sub) {
          pending_v_ += v;
        } else if (pending_sub_ && !sub) {
          pending_v_ = v;
          pending_sub_ = false;
        }
        return;
      }
      if (t <= pending_t_) return;  // already covered by an earlier file
      Commit();
    }
    has_pending_ = true;
    pending_t_ = t;
    pending_inode_ = inode;
    pending_v_ = v;
    pending_sub_ = sub;
  }
  void Finish() {
    if (has_pending_) Commit();
    has_pending_ = false;
  }

 private:
  void Commit() {
    if (!counter_) {
      out_->Add(pending_t_, pending_v_);
      return;
    }
    if (has_prev_ && prev_inode_ == pending_inode_ && pending_v_ >= prev_v_ &&
        pending_t_ > prev_t_) {
      out_->Add(pending_t_,
                (pending_v_ - prev_v_) * 1000.0 / static_cast<double>(pending_t_ - prev_t_));
    }
    has_prev_ = true;
    prev_t_ = pending_t_;
    prev_v_ = pending_v_;
    prev_inode_ = pending_inode_;
  }

  Bucketer* out_;
  bool counter_;
  bool has_pending_ = false, pending_sub_ = false, has_prev_ = false;
  int64_t pending_t_ = 0, pending_inode_ = 0, prev_t_ = 0, prev_inode_ = 0;
  double pending_v_ = 0, prev_v_ = 0;
};

}  // namespace

int64_t BucketWidthMs(int64_t from_ms, int64_t to_ms, int max_points, int64_t interval_ms) {
  if (max_points < 1) max_points = 1;
  int64_t span = std::max<int64_t>(to_ms - from_ms, interval_ms);
  int64_t intervals = (span + interval_ms - 1) / interval_ms;
  int64_t per_bucket = (intervals + max_points - 1) / max_points;
  int64_t step = std::max<int64_t>(1, per_bucket) * interval_ms;
  // The first bucket is aligned down to a multiple of the width; widen until the aligned range
  // still fits in max_points buckets.
  while ((to_ms - FloorDiv(from_ms, step) * step + step - 1) / step > max_points)
    step += interval_ms;
  return step;
}

void ResponseCache::Adopt(uint64_t generation) {
  if (generation == generation_) return;
  Clear();
  generation_ = generation;
}

void ResponseCache::Clear() {
  lru_.clear();
  map_.clear();
  bytes_ = 0;
}

std::shared_ptr<const std::string> ResponseCache::Find(const std::string& key,
                                                       uint64_t generation) {
  Adopt(generation);
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

void ResponseCache::Insert(const std::string& key, uint64_t generation,
                           std::shared_ptr<const std::string> body) {
  Adopt(generation);
  // Key and body both count; an answer over a quarter of the budget would push out nearly all
  // others for one request, so it is not kept.
  size_t cost = body->size() + key.size();
  if (cost > max_bytes_ / 4) return;
  auto it = map_.find(key);
  if (it != map_.end()) {
    bytes_ -= it->second->body->size() + key.size();
    lru_.erase(it->second);
    map_.erase(it);
  }
  lru_.push_front({key, std::move(body)});
  map_.emplace(key, lru_.begin());
  bytes_ += cost;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= last.body->size() + last.key.size();
    map_.erase(last.key);
    lru_.pop_back();
  }
}

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      index_(options_.roots),
      responses_(options_.response_cache_bytes),
      workers_(options_.query_threads) {}

bool Engine::Refresh() {
  bool changed = index_.Refresh();
  if (changed) {
    // Drop chunks of files that are gone: their ids never come back, so they could only waste the
    // budget until evicted.
    std::unordered_map<uint64_t, bool> live_ids;
    for (const auto& f : index_.files()) live_ids[f->id] = true;
    for (auto it = lru_.begin(); it != lru_.end();) {
      if (!live_ids.count(it->key.file_id)) {
        cache_bytes_ -= it->chunk->bytes();
        cache_.erase(it->key);
        it = lru_.erase(it);
      } else {
        ++it;
      }
    }
  }
  return changed;
}

EngineStats Engine::stats() const {
  EngineStats s = stats_;
  s.cache_bytes = cache_bytes_;
  s.response_bytes = responses_.bytes();
  return s;
}

Result<std::shared_ptr<const Engine::Chunk>> Engine::GetChunk(const IndexedFile& file,
                                                              int row_group, int column,
                                                              ChunkKind kind) {
  CacheKey key{file.id, row_group, column};
  if (!file.live) {
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      ++stats_.cache_hits;
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->chunk;
    }
  }
  ++stats_.chunks_decoded;
  if (kind == ChunkKind::kTime) ++stats_.row_groups_read;
  auto chunk = std::make_shared<Chunk>();
  const parquet::FileReader& reader = *file.reader;
  parquet::ColumnBatch batch;
  thread_local parquet::ColumnReadBuffers buffers;
  auto each_row = [](const parquet::ColumnBatch& b, auto&& fn) {
    size_t vi = 0;
    for (size_t r = 0; r < b.num_rows; ++r) {
      if (b.IsNull(r)) {
        fn(r, false, vi);
      } else {
        fn(r, true, vi++);
      }
    }
  };
  if (kind == ChunkKind::kSubKey) {
    size_t rows = static_cast<size_t>(reader.row_group_num_rows(row_group));
    chunk->ints.assign(rows, 0);
    int pid_col = reader.schema().FindColumn("process_pid");
    int dev_col = reader.schema().FindColumn("device");
    if (pid_col >= 0) {
      FGM_RETURN_IF_ERROR(reader.ReadColumnChunk(row_group, pid_col, &batch, &buffers));
      each_row(batch, [&](size_t r, bool present, size_t vi) {
        if (present) chunk->ints[r] = batch.int64s[vi] + 1;
      });
    }
    if (dev_col >= 0) {
      FGM_RETURN_IF_ERROR(reader.ReadColumnChunk(row_group, dev_col, &batch, &buffers));
      each_row(batch, [&](size_t r, bool present, size_t vi) {
        if (present) {
          chunk->ints[r] = static_cast<int64_t>(std::hash<std::string_view>()(batch.bytes[vi]) |
                                                (uint64_t{1} << 62));
        }
      });
    }
  } else {
    FGM_RETURN_IF_ERROR(reader.ReadColumnChunk(row_group, column, &batch, &buffers));
    if (kind == ChunkKind::kTime) {
      if (batch.type != parquet::PhysicalType::kInt64) {
        return UnsupportedError(file.path + ": `time` is not INT64");
      }
      if (batch.validity.empty()) {
        chunk->ints = std::move(batch.int64s);
      } else {
        chunk->ints.assign(batch.num_rows, INT64_MIN);
        each_row(batch, [&](size_t r, bool present, size_t vi) {
          if (present) chunk->ints[r] = batch.int64s[vi];
        });
      }
    } else {
      chunk->values.assign(batch.num_rows, kNaN);
      if (batch.type == parquet::PhysicalType::kInt64) {
        each_row(batch, [&](size_t r, bool present, size_t vi) {
          if (present) chunk->values[r] = static_cast<double>(batch.int64s[vi]);
        });
      } else if (batch.type == parquet::PhysicalType::kDouble) {
        each_row(batch, [&](size_t r, bool present, size_t vi) {
          if (present) chunk->values[r] = batch.doubles[vi];
        });
      } else if (batch.type == parquet::PhysicalType::kInt32) {
        each_row(batch, [&](size_t r, bool present, size_t vi) {
          if (present) chunk->values[r] = batch.int32s[vi];
        });
      } else {
        return UnsupportedError(file.path + ": column " + std::to_string(column) +
                                " is not numeric");
      }
    }
  }
  std::shared_ptr<const Chunk> result = std::move(chunk);
  if (!file.live) {
    lru_.push_front({key, result});
    cache_[key] = lru_.begin();
    cache_bytes_ += result->bytes();
    while (cache_bytes_ > options_.cache_bytes && lru_.size() > 1) {
      cache_bytes_ -= lru_.back().chunk->bytes();
      cache_.erase(lru_.back().key);
      lru_.pop_back();
    }
  }
  return result;
}

Result<SeriesPlan> Engine::PlanSeries(const SeriesQuery& query) {
  const MetricInfo* metric = FindMetric(query.metric);
  if (!metric) {
    return InvalidArgumentError("unknown metric '" + query.metric +
                                "': send one of the names listed by /api/metrics");
  }
  if (query.to_ms <= query.from_ms) {
    return InvalidArgumentError("empty time range: send from < to (UTC milliseconds)");
  }
  const int64_t interval = options_.sample_interval_ms;
  SeriesPlan plan;
  SeriesResult& result = plan.shape_;
  result.metric = metric;
  result.from_ms = query.from_ms;
  result.to_ms = query.to_ms;
  result.step_ms = BucketWidthMs(query.from_ms, query.to_ms, query.max_points, interval);

  std::unordered_map<std::string, int> wanted;
  for (const std::string& id : query.containers) {
    auto it = index_.containers().find(id);
    if (it == index_.containers().end()) {
      return NotFoundError("unknown container '" + id + "': send ids listed by /api/containers");
    }
    if (wanted.emplace(id, static_cast<int>(result.series.size())).second) {
      Series s;
      s.container = id;
      s.info = &it->second;
      result.series.push_back(std::move(s));
    }
  }

  // Counters need the sample before `from` to give a rate at the first tick of the range.
  const int64_t read_from = metric->counter ? query.from_ms - 2 * interval : query.from_ms;
  const int64_t read_to = query.to_ms;  // exclusive
  // Runs to read, per series, as views into cached chunks (kept alive by the plan): no copy of
  // the samples is made before the single streaming pass of SeriesPlan::Compute.
  std::vector<std::vector<SeriesPlan::Run>>& pieces = plan.runs_;
  pieces.resize(result.series.size());
  std::vector<int> selected;
  for (const auto& file_ptr : index_.files()) {
    const IndexedFile& file = *file_ptr;
    if (file.max_time_ms < read_from || file.min_time_ms >= read_to) {
      stats_.row_groups_pruned += file.row_group_times.size();
      continue;
    }
    if (std::find(file.metrics_with_values.begin(), file.metrics_with_values.end(), metric->name) ==
        file.metrics_with_values.end()) {
      continue;
    }
    const parquet::FileReader& reader = *file.reader;
    int time_col = reader.schema().FindColumn("time");
    int value_col = reader.schema().FindColumn(metric->name);
    selected.assign(file.containers.size(), -1);
    bool any = false;
    for (size_t c = 0; c < file.containers.size(); ++c) {
      auto it = wanted.find(file.containers[c].id);
      if (it != wanted.end()) {
        selected[c] = it->second;
        any = true;
      }
    }
    if (!any) continue;
    size_t run_index = 0;
    for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
      auto [rg_min, rg_max] = file.row_group_times[static_cast<size_t>(rg)];
      size_t runs_begin = run_index;
      while (run_index < file.runs.size() && file.runs[run_index].row_group == rg) ++run_index;
      if (rg_max < read_from || rg_min >= read_to) {
        ++stats_.row_groups_pruned;
        continue;
      }
      // Page index: rows whose pages may hold times in range. Whole row groups inside the range
      // skip the lookup.
      parquet::RowRanges ranges;
      bool partial = rg_min < read_from || rg_max >= read_to;
      if (partial) {
        auto r = reader.RowRangesMatchingInt64Range(rg, time_col, read_from, read_to - 1);
        if (r.ok()) {
          ranges = std::move(*r);
          if (ranges.empty()) {
            ++stats_.row_groups_pruned;
            continue;
          }
        } else {
          partial = false;
        }
      }
      auto run_wanted = [&](const RowRun& run) {
        if (selected[static_cast<size_t>(run.container)] < 0) return false;
        if (run.last_ms < read_from || run.first_ms >= read_to) return false;
        if (!partial) return true;
        for (const auto& range : ranges) {
          if (range.first < run.end && run.begin < range.end()) return true;
        }
        return false;
      };
      bool needed = false;
      for (size_t k = runs_begin; k < run_index && !needed; ++k) needed = run_wanted(file.runs[k]);
      if (!needed) {
        ++stats_.row_groups_pruned;
        continue;
      }
      FGM_ASSIGN_OR_RETURN(auto times, GetChunk(file, rg, time_col, ChunkKind::kTime));
      FGM_ASSIGN_OR_RETURN(auto values, GetChunk(file, rg, value_col, ChunkKind::kValues));
      std::shared_ptr<const Chunk> keys;
      if (file.has_sub_rows) {
        FGM_ASSIGN_OR_RETURN(keys, GetChunk(file, rg, kSubKeyColumn, ChunkKind::kSubKey));
      }
      for (size_t k = runs_begin; k < run_index; ++k) {
        const RowRun& run = file.runs[k];
        if (!run_wanted(run)) continue;
        pieces[static_cast<size_t>(selected[static_cast<size_t>(run.container)])].push_back(
            {times->ints.data(), values->values.data(), keys ? keys->ints.data() : nullptr,
             run.begin, run.end, run.inode, run.first_ms, run.last_ms});
      }
      plan.chunks_.push_back(std::move(times));
      plan.chunks_.push_back(std::move(values));
      if (keys) plan.chunks_.push_back(std::move(keys));
    }
  }

  plan.series_rows_.assign(pieces.size(), 0);
  const int64_t t0 = FloorDiv(query.from_ms, result.step_ms) * result.step_ms;
  for (size_t s = 0; s < pieces.size(); ++s) {
    std::vector<SeriesPlan::Run>& p = pieces[s];
    std::stable_sort(p.begin(), p.end(), [](const SeriesPlan::Run& a, const SeriesPlan::Run& b) {
      return a.first_ms < b.first_ms;
    });
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (const SeriesPlan::Run& run : p) {
      plan.series_rows_[s] += run.end - run.begin;
      first = std::min(first, std::max(run.first_ms, query.from_ms));
      last = std::max(last, std::min(run.last_ms, query.to_ms - 1));
    }
    plan.rows_ += plan.series_rows_[s];
    if (first <= last) {
      int64_t buckets =
          FloorDiv(last - t0, result.step_ms) - FloorDiv(first - t0, result.step_ms) + 1;
      plan.max_entries_ += std::min(plan.series_rows_[s], buckets);
    }
  }
  plan.read_from_ms_ = read_from;
  plan.read_to_ms_ = read_to;
  plan.interval_ms_ = interval;
  plan.counter_ = metric->counter;
  return plan;
}

void SeriesPlan::Compute(size_t i, Series* out) const {
  const Series& shell = shape_.series[i];
  out->container = shell.container;
  out->info = shell.info;
  out->t.clear();
  out->avg.clear();
  out->min.clear();
  out->max.clear();
  Bucketer bucketer(out, shape_.from_ms, shape_.to_ms, shape_.step_ms, interval_ms_);
  SampleStream stream(&bucketer, counter_);
  for (const Run& run : runs_[i]) {
    // Locals, so the row loop keeps them in registers across the bucketer's calls.
    const int64_t* times = run.t;
    const double* values = run.v;
    const int64_t* keys = run.keys;
    const int64_t inode = run.inode, from = read_from_ms_, to = read_to_ms_;
    for (int64_t r = run.begin; r < run.end; ++r) {
      double v = values[r];
      int64_t t = times[r];
      if (std::isnan(v) || t < from || t >= to) continue;
      stream.Add(t, inode, v, keys && keys[r] != 0);
    }
  }
  stream.Finish();
  bucketer.Finish();
}

int Engine::SlotsFor(const SeriesPlan& plan) const {
  return plan.rows() < options_.min_rows_to_split ? 1 : workers_.slots();
}

Result<SeriesResult> Engine::QuerySeries(const SeriesQuery& query) {
  FGM_ASSIGN_OR_RETURN(SeriesPlan plan, PlanSeries(query));
  SeriesResult result = plan.shape();
  const size_t n = plan.size();
  if (SlotsFor(plan) <= 1) {
    for (size_t i = 0; i < n; ++i) plan.Compute(i, &result.series[i]);
    return result;
  }
  // Series are independent: each slot takes the next one until none is left.
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> on_workers{0};
  workers_.Run([&](int slot) {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      plan.Compute(i, &result.series[i]);
      if (slot != 0) on_workers.fetch_add(1, std::memory_order_relaxed);
    }
  });
  stats_.series_on_workers += on_workers.load();
  return result;
}

Result<std::vector<Event>> Engine::QueryEvents(const std::vector<std::string>& containers,
                                               int64_t from_ms, int64_t to_ms) {
  std::unordered_map<std::string, bool> wanted;
  for (const auto& c : containers) wanted[c] = true;
  std::vector<Event> events;
  parquet::ColumnBatch types, codes, signals, reasons, messages;
  thread_local parquet::ColumnReadBuffers buffers;
  for (const auto& file_ptr : index_.files()) {
    const IndexedFile& file = *file_ptr;
    if (!file.has_events || file.max_time_ms < from_ms || file.min_time_ms >= to_ms) continue;
    const parquet::FileReader& reader = *file.reader;
    const parquet::Schema& schema = reader.schema();
    int time_col = schema.FindColumn("time");
    int type_col = schema.FindColumn("event_type");
    int code_col = schema.FindColumn("event_exit_code");
    int signal_col = schema.FindColumn("event_signal");
    int reason_col = schema.FindColumn("event_reason");
    int message_col = schema.FindColumn("event_message");
    for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
      auto [rg_min, rg_max] = file.row_group_times[static_cast<size_t>(rg)];
      if (rg_max < from_ms || rg_min >= to_ms) continue;
      auto stats = reader.ChunkStatistics(rg, type_col);
      if (stats.ok() && stats->null_count && *stats->null_count >= reader.row_group_num_rows(rg)) {
        continue;
      }
      FGM_RETURN_IF_ERROR(reader.ReadColumnChunk(rg, type_col, &types, &buffers));
      FGM_ASSIGN_OR_RETURN(auto times, GetChunk(file, rg, time_col, ChunkKind::kTime));
      auto read_opt = [&](int col, parquet::ColumnBatch* b) -> Status {
        b->Clear();
        b->num_rows = 0;
        if (col < 0) return OkStatus();
        return reader.ReadColumnChunk(rg, col, b, &buffers);
      };
      FGM_RETURN_IF_ERROR(read_opt(code_col, &codes));
      FGM_RETURN_IF_ERROR(read_opt(signal_col, &signals));
      FGM_RETURN_IF_ERROR(read_opt(reason_col, &reasons));
      FGM_RETURN_IF_ERROR(read_opt(message_col, &messages));
      // Label columns of this row group, read only if an event has no container instance.
      static constexpr std::string_view kEventLabels[] = {
          "container_id", "cgroup_path", "container_name", "pod_name", "namespace"};
      parquet::ColumnBatch label_batches[std::size(kEventLabels)];
      std::vector<int64_t> label_index[std::size(kEventLabels)];
      bool labels_read = false;
      auto read_labels = [&]() -> Status {
        for (size_t c = 0; c < std::size(kEventLabels); ++c) {
          int col = schema.FindColumn(kEventLabels[c]);
          if (col < 0 || schema.columns[col].type != parquet::PhysicalType::kByteArray) continue;
          FGM_RETURN_IF_ERROR(reader.ReadColumnChunk(rg, col, &label_batches[c], &buffers));
          label_index[c].assign(label_batches[c].num_rows, -1);
          int64_t next = 0;
          for (size_t row = 0; row < label_batches[c].num_rows; ++row) {
            if (!label_batches[c].IsNull(row)) label_index[c][row] = next++;
          }
        }
        return OkStatus();
      };
      auto LabelAt = [&](size_t c, size_t row) -> std::string {
        if (row >= label_index[c].size() || label_index[c][row] < 0) return "";
        return std::string(label_batches[c].bytes[static_cast<size_t>(label_index[c][row])]);
      };
      // Dense indexes, advanced row by row.
      size_t ti = 0, ci = 0, si = 0, ri = 0, mi = 0;
      auto run_it = std::lower_bound(file.runs.begin(), file.runs.end(), rg,
                                     [](const RowRun& r, int g) { return r.row_group < g; });
      for (size_t r = 0; r < types.num_rows; ++r) {
        bool has_type = !types.IsNull(r);
        bool has_code = r < codes.num_rows && !codes.IsNull(r);
        bool has_signal = r < signals.num_rows && !signals.IsNull(r);
        bool has_reason = r < reasons.num_rows && !reasons.IsNull(r);
        bool has_message = r < messages.num_rows && !messages.IsNull(r);
        size_t t_i = ti, c_i = ci, s_i = si, r_i = ri, m_i = mi;
        ti += has_type;
        ci += has_code;
        si += has_signal;
        ri += has_reason;
        mi += has_message;
        if (!has_type) continue;
        int64_t t = times->ints[r];
        if (t < from_ms || t >= to_ms) continue;
        while (run_it != file.runs.end() && run_it->row_group == rg &&
               run_it->end <= static_cast<int64_t>(r)) {
          ++run_it;
        }
        bool in_run = run_it != file.runs.end() && run_it->row_group == rg &&
                      run_it->begin <= static_cast<int64_t>(r);
        Event e;
        e.time_ms = t;
        if (in_run) {
          e.container = file.containers[static_cast<size_t>(run_it->container)].id;
        } else {
          // An event of a container whose cgroup was already gone (an exit reported by the
          // runtime or the API server): no inode, so its own label columns say who it was.
          if (!labels_read) {
            FGM_RETURN_IF_ERROR(read_labels());
            labels_read = true;
          }
          e.container = LabelAt(0, r);
          if (e.container.empty()) e.container = LabelAt(1, r);
          if (e.container.empty()) continue;  // nobody to attach it to
          e.container_name = LabelAt(2, r);
          e.pod_name = LabelAt(3, r);
          e.namespace_name = LabelAt(4, r);
        }
        if (!wanted.empty() && !wanted.count(e.container)) continue;
        auto info = index_.containers().find(e.container);
        e.info = info == index_.containers().end() ? nullptr : &info->second;
        e.type = std::string(types.bytes[t_i]);
        if (has_code) e.exit_code = codes.int64s[c_i];
        if (has_signal) e.signal = signals.int64s[s_i];
        if (has_reason) e.reason = std::string(reasons.bytes[r_i]);
        if (has_message) e.message = std::string(messages.bytes[m_i]);
        events.push_back(std::move(e));
      }
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.time_ms < b.time_ms; });
  // The same event seen in a segment and in the live journal.
  events.erase(std::unique(events.begin(), events.end(),
                           [](const Event& a, const Event& b) {
                             return a.time_ms == b.time_ms && a.container == b.container &&
                                    a.type == b.type;
                           }),
               events.end());
  return events;
}

}  // namespace fgm::engine

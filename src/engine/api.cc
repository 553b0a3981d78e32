// SPDX-License-Identifier: Apache-2.0
#include "engine/api.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "core/strings.h"
#include "engine/json_writer.h"
#include "engine/studies/studies.h"

namespace fgm::engine {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kDefaultMaxPoints = 2000;
// Upper bound on buckets per series: 20000 is 5x a 4K screen's width, far past what a chart can
// show, and bounds a response (x series) to a few MB.
constexpr int kMaxMaxPoints = 20000;
// Studies run at full resolution up to this many samples (~55 h at 1 Hz); longer ranges are
// bucketed to fit. Bounds the FFT and PELT work of one request.
constexpr int kStudyMaxPoints = 200000;

struct HttpError {
  int status;
  std::string message;
};

ApiResponse Error(int status, std::string_view message) { return {status, ErrorJson(message)}; }

std::string_view Param(const QueryParams& p, std::string_view name) {
  auto it = p.find(name);
  return it == p.end() ? std::string_view() : std::string_view(it->second);
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  for (std::string_view part : Split(s, ',')) {
    part = TrimWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct TimeRange {
  int64_t from_ms = 0, to_ms = 0;
};

// from/to, or range ending at the newest sample. Empty dataset: [0, 0).
Result<TimeRange> ResolveRange(const Engine& engine, const QueryParams& p) {
  const DatasetIndex& index = engine.index();
  int64_t newest_end = index.max_time_ms() ? *index.max_time_ms() + 1 : 0;
  int64_t oldest = index.min_time_ms().value_or(0);
  std::string_view from = Param(p, "from"), to = Param(p, "to");
  if (!from.empty() || !to.empty()) {
    TimeRange r{oldest, newest_end};
    if (!from.empty()) {
      auto v = ParseInt64(from);
      if (!v) return InvalidArgumentError("from: send UTC milliseconds since the epoch");
      r.from_ms = *v;
    }
    if (!to.empty()) {
      auto v = ParseInt64(to);
      if (!v) return InvalidArgumentError("to: send UTC milliseconds since the epoch");
      r.to_ms = *v;
    }
    if (r.to_ms < r.from_ms) return InvalidArgumentError("from must not be after to");
    return r;
  }
  std::string_view range = Param(p, "range");
  if (range.empty()) range = "1h";
  static constexpr std::pair<std::string_view, int64_t> kRanges[] = {
      {"5m", 5 * 60000},   {"15m", 15 * 60000},   {"1h", 3600000},
      {"6h", 6 * 3600000}, {"24h", 24 * 3600000}, {"7d", 7 * 24 * int64_t{3600000}}};
  if (range == "all") return TimeRange{oldest, newest_end};
  for (const auto& [name, span] : kRanges) {
    if (range == name) return TimeRange{newest_end - span, newest_end};
  }
  return InvalidArgumentError("range: send one of 5m, 15m, 1h, 6h, 24h, 7d, all");
}

bool MatchesAny(std::string_view value, const std::vector<std::string>& alternatives) {
  if (alternatives.empty()) return true;
  for (const auto& a : alternatives) {
    if (a == value) return true;
  }
  return false;
}

// Containers matching namespace/qos_class/search/labels and seen in [from, to), most recent first.
Result<std::vector<const ContainerInfo*>> FilterContainers(const Engine& engine,
                                                           const QueryParams& p,
                                                           const TimeRange& range) {
  std::vector<std::string> namespaces = SplitList(Param(p, "namespace"));
  std::vector<std::string> qos = SplitList(Param(p, "qos_class"));
  std::string search = Lower(Param(p, "search"));
  std::vector<std::pair<std::string, std::string>> labels;
  for (const std::string& kv : SplitList(Param(p, "labels"))) {
    size_t colon = kv.find(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgumentError("labels: send key:value pairs separated by commas, e.g. app:web");
    }
    labels.emplace_back(kv.substr(0, colon), kv.substr(colon + 1));
  }
  std::vector<const ContainerInfo*> out;
  for (const auto& [id, c] : engine.index().containers()) {
    if (c.last_seen_ms < range.from_ms || c.first_seen_ms >= range.to_ms) continue;
    if (!MatchesAny(c.labels.namespace_name, namespaces)) continue;
    if (!MatchesAny(c.labels.qos_class, qos)) continue;
    if (!search.empty()) {
      bool hit = false;
      for (const std::string* s :
           {&c.labels.container_name, &c.labels.pod_name, &c.labels.namespace_name, &c.labels.id}) {
        if (Lower(*s).find(search) != std::string::npos) hit = true;
      }
      if (!hit) continue;
    }
    bool labels_ok = true;
    for (const auto& [k, v] : labels) {
      auto it = c.pod_labels.find(k);
      if (it == c.pod_labels.end() || it->second != v) labels_ok = false;
    }
    if (!labels_ok) continue;
    out.push_back(&c);
  }
  std::stable_sort(out.begin(), out.end(), [](const ContainerInfo* a, const ContainerInfo* b) {
    return a->last_seen_ms > b->last_seen_ms;
  });
  return out;
}

// Explicit `containers`, or every container matching the filters.
Result<std::vector<std::string>> SelectContainers(const Engine& engine, const QueryParams& p,
                                                  const TimeRange& range) {
  std::vector<std::string> ids = SplitList(Param(p, "containers"));
  if (!ids.empty()) {
    for (const auto& id : ids) {
      if (!engine.index().containers().count(id)) {
        return NotFoundError("unknown container '" + id + "': send ids listed by /api/containers");
      }
    }
    return ids;
  }
  FGM_ASSIGN_OR_RETURN(auto list, FilterContainers(engine, p, range));
  for (const ContainerInfo* c : list) ids.push_back(c->labels.id);
  return ids;
}

ApiResponse FromStatus(const Status& s) {
  int code = s.code() == StatusCode::kInvalidArgument ? 400
             : s.code() == StatusCode::kNotFound      ? 404
                                                      : 500;
  return Error(code, s.message());
}

void WriteContainerRef(JsonWriter& w, const ContainerInfo* info) {
  w.Key("container_name");
  w.String(info ? info->labels.container_name : "");
  w.Key("pod_name");
  w.String(info ? info->labels.pod_name : "");
  w.Key("namespace");
  w.String(info ? info->labels.namespace_name : "");
}

ApiResponse Health(Engine& engine) {
  JsonWriter w;
  w.BeginObject();
  w.Key("status");
  w.String("ok");
  w.Key("files");
  w.Int(static_cast<int64_t>(engine.index().files().size()));
  w.Key("newest_ms");
  w.OptionalInt(engine.index().max_time_ms());
  w.EndObject();
  return {200, w.Take()};
}

ApiResponse Instance(Engine& engine) {
  const DatasetIndex& index = engine.index();
  std::string node, cluster;
  int64_t newest = INT64_MIN;
  for (const auto& [id, c] : index.containers()) {
    if (c.last_seen_ms > newest) {
      newest = c.last_seen_ms;
      node = c.labels.node_name;
      cluster = c.labels.cluster_name;
    }
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("node_name");
  w.StringOrNull(node);
  w.Key("cluster_name");
  w.StringOrNull(cluster);
  w.Key("pod_name");
  w.Null();  // the monitor's own pod is not recorded in the data files
  w.Key("identifier");
  w.StringOrNull(index.identifier().empty() ? node : index.identifier());
  w.Key("version");
  w.String(engine.options().version);
  w.Key("live");
  w.Bool(index.has_live());
  w.EndObject();
  return {200, w.Take()};
}

ApiResponse Metrics(Engine& engine) {
  JsonWriter w;
  w.BeginObject();
  w.Key("metrics");
  w.BeginArray();
  for (const std::string& name : engine.index().metrics()) {
    const MetricInfo* m = FindMetric(name);
    if (!m) continue;
    w.BeginObject();
    w.Key("name");
    w.String(m->name);
    w.Key("unit");
    w.String(m->unit);
    w.Key("kind");
    w.String(m->kind);
    w.Key("row_kind");
    w.String(m->row_kind);
    w.Key("description");
    w.String(m->description);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {200, w.Take()};
}

ApiResponse Filters(Engine& engine) {
  std::set<std::string> namespaces, qos;
  std::map<std::string, std::set<std::string>> label_keys;
  for (const auto& [id, c] : engine.index().containers()) {
    if (!c.labels.namespace_name.empty()) namespaces.insert(c.labels.namespace_name);
    if (!c.labels.qos_class.empty()) qos.insert(c.labels.qos_class);
    for (const auto& [k, v] : c.pod_labels) label_keys[k].insert(v);
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("namespaces");
  w.BeginArray();
  for (const auto& n : namespaces) w.String(n);
  w.EndArray();
  w.Key("qos_classes");
  w.BeginArray();
  for (const auto& q : qos) w.String(q);
  w.EndArray();
  w.Key("label_keys");
  w.BeginObject();
  for (const auto& [k, values] : label_keys) {
    w.Key(k);
    w.BeginArray();
    for (const auto& v : values) w.String(v);
    w.EndArray();
  }
  w.EndObject();
  w.Key("from_ms");
  w.OptionalInt(engine.index().min_time_ms());
  w.Key("to_ms");
  w.OptionalInt(engine.index().max_time_ms());
  w.EndObject();
  return {200, w.Take()};
}

ApiResponse Containers(Engine& engine, const QueryParams& p) {
  auto range = ResolveRange(engine, p);
  if (!range.ok()) return FromStatus(range.error());
  auto list = FilterContainers(engine, p, *range);
  if (!list.ok()) return FromStatus(list.error());
  JsonWriter w;
  w.BeginObject();
  w.Key("containers");
  w.BeginArray();
  for (const ContainerInfo* c : *list) {
    const ContainerLabels& l = c->labels;
    w.BeginObject();
    w.Key("id");
    w.String(l.id);
    w.Key("short_id");
    w.String(std::string_view(l.id).substr(0, 12));
    w.Key("container_name");
    w.String(l.container_name);
    w.Key("pod_name");
    w.String(l.pod_name);
    w.Key("pod_uid");
    w.String(l.pod_uid);
    w.Key("namespace");
    w.String(l.namespace_name);
    w.Key("qos_class");
    w.String(l.qos_class);
    w.Key("runtime");
    w.String(l.runtime);
    w.Key("node_name");
    w.String(l.node_name);
    w.Key("labels");
    w.BeginObject();
    for (const auto& [k, v] : c->pod_labels) {
      w.Key(k);
      w.String(v);
    }
    w.EndObject();
    w.Key("first_seen_ms");
    w.Int(c->first_seen_ms);
    w.Key("last_seen_ms");
    w.Int(c->last_seen_ms);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {200, w.Take()};
}

Result<int> ParseMaxPoints(const QueryParams& p, int default_value) {
  std::string_view s = Param(p, "max_points");
  if (s.empty()) return default_value;
  auto v = ParseInt64(s);
  if (!v || *v < 1 || *v > kMaxMaxPoints) {
    return InvalidArgumentError("max_points: send an integer from 1 to " +
                                std::to_string(kMaxMaxPoints));
  }
  return static_cast<int>(*v);
}

// Resolves metric, containers and range into a SeriesQuery.
Result<SeriesQuery> BuildSeriesQuery(Engine& engine, const QueryParams& p, int max_points) {
  SeriesQuery q;
  q.metric = std::string(Param(p, "metric"));
  if (q.metric.empty()) return InvalidArgumentError("metric: send metric=<name> from /api/metrics");
  if (!FindMetric(q.metric)) {
    return InvalidArgumentError("unknown metric '" + q.metric +
                                "': send one of the names listed by /api/metrics");
  }
  FGM_ASSIGN_OR_RETURN(TimeRange range, ResolveRange(engine, p));
  q.from_ms = range.from_ms;
  q.to_ms = range.to_ms;
  q.max_points = max_points;
  FGM_ASSIGN_OR_RETURN(q.containers, SelectContainers(engine, p, range));
  return q;
}

// Computes and writes the series of `plan` in order, as elements of the array `w` is in. A large
// answer is split between the engine's worker threads, which each compute and format whole
// series: the calling thread takes series from the front and writes them straight into `w`, the
// others take them from the back into buffers of their own, appended in order at the end. Taking
// one series at a time from both ends balances the threads whatever the load on each core, and
// only the back part is copied once. The bytes are those of the one-thread loop. `reserve_bytes`:
// an upper bound on the series' JSON.
void WriteAllSeries(Engine& engine, const SeriesPlan& plan, size_t reserve_bytes, JsonWriter& w) {
  const size_t n = plan.size();
  const int slots = engine.SlotsFor(plan);
  if (slots <= 1) {
    Series s;  // one scratch series: its vectors keep their capacity from series to series
    for (size_t i = 0; i < n; ++i) {
      plan.Compute(i, &s);
      WriteSeriesJson(w, s);
    }
    return;
  }
  struct Fragment {
    int slot = 0;
    size_t begin = 0, end = 0;  // in side[slot]
  };
  std::vector<Fragment> fragments(n);
  // side[0] is unused: slot 0 writes w. The others write into their slot's kept buffer (see
  // WorkerPool::buffer), reserved on their own thread (so in its malloc arena, apart from the
  // answers the caller allocates and frees) for all the series, as a slot may get them all: it
  // never regrows by copying, and pages never written are never touched.
  WorkerPool& workers = engine.workers();
  std::vector<JsonWriter> side(static_cast<size_t>(slots));
  for (int k = 1; k < slots; ++k) {
    side[static_cast<size_t>(k)] = JsonWriter(std::move(workers.buffer(k)));
  }
  // Series [front, back) are not taken yet: front in the high half, back in the low half, so one
  // compare-and-swap takes a series from either end (no thread ever sleeps on a lock here). A
  // plan has one series per container, far below 2^32.
  std::atomic<uint64_t> untaken{n};
  auto take = [&](bool from_front, size_t* i) {
    uint64_t cur = untaken.load(std::memory_order_relaxed);
    while (true) {
      uint64_t front = cur >> 32, back = cur & 0xffffffff;
      if (front == back) return false;
      uint64_t next = from_front ? cur + (uint64_t{1} << 32) : cur - 1;
      if (untaken.compare_exchange_weak(cur, next, std::memory_order_relaxed)) {
        *i = static_cast<size_t>(from_front ? front : back - 1);
        return true;
      }
    }
  };
  std::atomic<uint64_t> on_workers{0};
  workers.Run([&](int slot) {
    Series s;
    JsonWriter& own = side[static_cast<size_t>(slot)];
    if (slot != 0) own.Reserve(reserve_bytes);
    size_t i;
    while (take(slot == 0, &i)) {
      plan.Compute(i, &s);
      if (slot == 0) {
        WriteSeriesJson(w, s);
        continue;
      }
      own.BeginFragment();
      size_t begin = own.size();
      WriteSeriesJson(own, s);
      fragments[i] = {slot, begin, own.size()};
      on_workers.fetch_add(1, std::memory_order_relaxed);
    }
  });
  for (size_t i = static_cast<size_t>(untaken.load() >> 32); i < n; ++i) {
    const Fragment& f = fragments[i];
    w.Raw(
        std::string_view(side[static_cast<size_t>(f.slot)].str()).substr(f.begin, f.end - f.begin));
  }
  for (int k = 1; k < slots; ++k) workers.buffer(k) = side[static_cast<size_t>(k)].Take();
  engine.CountSeriesOnWorkers(on_workers.load());
}

ApiResponse Timeseries(Engine& engine, const QueryParams& p) {
  auto max_points = ParseMaxPoints(p, kDefaultMaxPoints);
  if (!max_points.ok()) return FromStatus(max_points.error());
  auto q = BuildSeriesQuery(engine, p, *max_points);
  if (!q.ok()) return FromStatus(q.error());
  const MetricInfo* metric = FindMetric(q->metric);
  SeriesPlan empty;
  Result<SeriesPlan> plan = std::move(empty);
  int64_t from_ms = q->from_ms, to_ms = q->to_ms, step_ms = engine.options().sample_interval_ms;
  if (q->to_ms > q->from_ms && !q->containers.empty()) {
    plan = engine.PlanSeries(*q);
    if (!plan.ok()) return FromStatus(plan.error());
    step_ms = plan->shape().step_ms;
  }
  JsonWriter w;
  // Bytes per bucket entry: a 13-digit time and three values of 7 significant digits with
  // commas are ~45; 48 is rarely exceeded (a regrowth then copies once), and reserved pages that
  // are never written are never touched.
  constexpr size_t kBytesPerBucket = 48;
  // Keys, names and labels of one series.
  constexpr size_t kBytesPerSeries = 512;
  const size_t series_bytes =
      plan->size() * kBytesPerSeries + static_cast<size_t>(plan->max_entries()) * kBytesPerBucket;
  w.Reserve(256 + series_bytes);
  w.BeginObject();
  w.Key("metric");
  w.String(metric->name);
  w.Key("unit");
  w.String(metric->unit);
  w.Key("from_ms");
  w.Int(from_ms);
  w.Key("to_ms");
  w.Int(to_ms);
  w.Key("step_ms");
  w.Int(step_ms);
  w.Key("series");
  w.BeginArray();
  WriteAllSeries(engine, *plan, series_bytes, w);
  w.EndArray();
  w.EndObject();
  return {200, w.Take()};
}

ApiResponse Events(Engine& engine, const QueryParams& p) {
  auto range = ResolveRange(engine, p);
  if (!range.ok()) return FromStatus(range.error());
  std::vector<std::string> ids;
  bool filtered = !Param(p, "containers").empty() || !Param(p, "namespace").empty() ||
                  !Param(p, "qos_class").empty() || !Param(p, "search").empty() ||
                  !Param(p, "labels").empty();
  if (filtered) {
    auto sel = SelectContainers(engine, p, {INT64_MIN, INT64_MAX});
    if (!sel.ok()) return FromStatus(sel.error());
    ids = std::move(*sel);
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("events");
  w.BeginArray();
  if (!filtered || !ids.empty()) {
    auto events = engine.QueryEvents(ids, range->from_ms, range->to_ms);
    if (!events.ok()) return FromStatus(events.error());
    for (const Event& e : *events) {
      w.BeginObject();
      w.Key("time_ms");
      w.Int(e.time_ms);
      w.Key("container");
      w.String(e.container);
      if (e.info) {
        WriteContainerRef(w, e.info);
      } else {
        w.Key("container_name");
        w.String(e.container_name);
        w.Key("pod_name");
        w.String(e.pod_name);
        w.Key("namespace");
        w.String(e.namespace_name);
      }
      w.Key("type");
      w.String(e.type);
      w.Key("exit_code");
      w.OptionalInt(e.exit_code);
      w.Key("signal");
      w.OptionalInt(e.signal);
      w.Key("reason");
      w.StringOrNull(e.reason);
      w.Key("message");
      w.StringOrNull(e.message);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return {200, w.Take()};
}

// ---- Studies -------------------------------------------------------------------------------

struct StudyParam {
  std::string_view name, default_value, description;
};
struct StudyDef {
  std::string_view id, name, description;
  std::vector<StudyParam> params;
};

const std::vector<StudyDef>& StudyDefs() {
  static const std::vector<StudyDef>* defs = new std::vector<StudyDef>{
      {"periodicity",
       "Periodicity",
       "Repeating patterns: FFT autocorrelation of the detrended series (counters as rates), "
       "gap-aware; top periods with a confidence and the windows where they hold.",
       {{"min_period_s", "2", "shortest period reported (s)"},
        {"max_period_s", "3600", "longest period (s); also capped at a third of the range"},
        {"max_periods", "3", "how many periods to report"},
        {"min_confidence", "0.3", "periods below this normalised autocorrelation are dropped"},
        {"window_s", "0", ">0: also test windows of this length to say when the period holds"}}},
      {"changepoint",
       "Change points",
       "Level shifts found by PELT on the series; each with the means before and after.",
       {{"penalty", "0",
         "cost of adding a change point; 0 = automatic (BIC-like on robust "
         "variance)"},
        {"min_segment_s", "10", "shortest segment between two change points (s)"},
        {"max_changepoints", "20", "most change points reported"}}},
      {"trend",
       "Trend",
       "Least-squares slope with a Mann-Kendall test; for memory metrics, when the line reaches "
       "the container's memory limit.",
       {{"limit", "",
         "value the projection is compared with; default: the memory limit for "
         "memory byte metrics"}}},
      {"correlation",
       "Correlation",
       "Series most correlated with metric x first container, over other containers and common "
       "metrics, with a lag search.",
       {{"top_k", "10", "how many correlated series to return"},
        {"max_lag_s", "30", "lags searched in [-max_lag_s, +max_lag_s] (s)"},
        {"candidate_metrics", "",
         "comma-separated metrics to search; default: CPU, working set, throttling, I/O, "
         "memory pressure"}}},
  };
  return *defs;
}

ApiResponse StudiesList() {
  JsonWriter w;
  w.BeginObject();
  w.Key("studies");
  w.BeginArray();
  for (const StudyDef& d : StudyDefs()) {
    w.BeginObject();
    w.Key("id");
    w.String(d.id);
    w.Key("name");
    w.String(d.name);
    w.Key("description");
    w.String(d.description);
    w.Key("parameters");
    w.BeginArray();
    for (const StudyParam& sp : d.params) {
      w.BeginObject();
      w.Key("name");
      w.String(sp.name);
      w.Key("default");
      w.String(sp.default_value);
      w.Key("description");
      w.String(sp.description);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {200, w.Take()};
}

Result<double> NumParam(const QueryParams& p, std::string_view name, double default_value) {
  std::string_view s = Param(p, name);
  if (s.empty()) return default_value;
  auto v = ParseDouble(s);
  if (!v || !std::isfinite(*v)) {
    return InvalidArgumentError(std::string(name) + ": send a number");
  }
  return *v;
}

// Longest span a study's integer seconds parameter may name: a year, far beyond any capture the
// engine holds in memory, and small enough that seconds-to-ms products cannot overflow.
constexpr int64_t kMaxStudySeconds = 366LL * 24 * 3600;

// An integer parameter within [lo, hi]: checked before any cast, since converting an out-of-range
// double to an integer is undefined behaviour.
Result<int64_t> IntParam(const QueryParams& p, std::string_view name, int64_t default_value,
                         int64_t lo, int64_t hi) {
  FGM_ASSIGN_OR_RETURN(double v, NumParam(p, name, static_cast<double>(default_value)));
  if (v < static_cast<double>(lo) || v > static_cast<double>(hi) || v != std::floor(v)) {
    return InvalidArgumentError(std::string(name) + ": send an integer from " + std::to_string(lo) +
                                " to " + std::to_string(hi));
  }
  return static_cast<int64_t>(v);
}

// A dense, evenly spaced copy of a series (NaN where no bucket).
struct DenseSeries {
  int64_t start_ms = 0, step_ms = 1000;
  std::vector<double> values;
  studies::SeriesView view() const { return {start_ms, step_ms, values}; }
};

DenseSeries Densify(const SeriesResult& r, const Series& s) {
  DenseSeries d;
  d.step_ms = r.step_ms > 0 ? r.step_ms : 1000;
  int64_t t0 = r.from_ms - ((r.from_ms % d.step_ms) + d.step_ms) % d.step_ms;
  d.start_ms = t0;
  size_t n = static_cast<size_t>((r.to_ms - t0 + d.step_ms - 1) / d.step_ms);
  d.values.assign(n, kNaN);
  for (size_t i = 0; i < s.t.size(); ++i) {
    int64_t k = (s.t[i] - t0) / d.step_ms;
    if (k >= 0 && static_cast<size_t>(k) < n) d.values[static_cast<size_t>(k)] = s.avg[i];
  }
  return d;
}

void WriteWindows(JsonWriter& w, const std::vector<studies::StudyWindow>& windows) {
  w.Key("windows");
  w.BeginArray();
  for (const auto& win : windows) {
    w.BeginObject();
    w.Key("start_ms");
    w.Int(win.start_ms);
    w.Key("end_ms");
    w.Int(win.end_ms);
    w.Key("label");
    w.String(win.label);
    w.Key("metrics");
    w.BeginObject();
    for (const auto& [k, v] : win.metrics) {
      w.Key(k);
      w.Double(v);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
}

std::string Fmt(const char* format, double a, double b = 0) {
  char buf[128];
  std::snprintf(buf, sizeof buf, format, a, b);
  return buf;
}

// Runs one study on one series; writes the result object's study-specific fields.
Status RunStudy(Engine& engine, std::string_view id, const QueryParams& p, const SeriesQuery& q,
                const SeriesResult& r, const Series& s, JsonWriter& w) {
  DenseSeries d = Densify(r, s);
  w.BeginObject();
  w.Key("container");
  w.String(s.container);
  w.Key("container_name");
  w.String(s.info ? s.info->labels.container_name : "");
  if (id == "periodicity") {
    studies::PeriodicityOptions o;
    FGM_ASSIGN_OR_RETURN(o.min_period_s, NumParam(p, "min_period_s", o.min_period_s));
    FGM_ASSIGN_OR_RETURN(o.max_period_s, NumParam(p, "max_period_s", o.max_period_s));
    FGM_ASSIGN_OR_RETURN(int64_t mp, IntParam(p, "max_periods", o.max_periods, 1, 100));
    FGM_ASSIGN_OR_RETURN(o.min_confidence, NumParam(p, "min_confidence", o.min_confidence));
    FGM_ASSIGN_OR_RETURN(int64_t ws, IntParam(p, "window_s", 0, 0, kMaxStudySeconds));
    o.max_periods = static_cast<int>(mp);
    o.window_s = ws;
    FGM_ASSIGN_OR_RETURN(auto res, studies::DetectPeriodicity(d.view(), o));
    w.Key("summary");
    w.String(res.periods.empty() ? "no period found"
                                 : Fmt("period %.0f s (confidence %.2f)", res.periods[0].period_s,
                                       res.periods[0].confidence));
    WriteWindows(w, res.windows);
    w.Key("periods");
    w.BeginArray();
    for (const auto& per : res.periods) {
      w.BeginObject();
      w.Key("period_s");
      w.Double(per.period_s);
      w.Key("confidence");
      w.Double(per.confidence);
      w.EndObject();
    }
    w.EndArray();
  } else if (id == "changepoint") {
    studies::ChangePointOptions o;
    FGM_ASSIGN_OR_RETURN(o.penalty, NumParam(p, "penalty", o.penalty));
    FGM_ASSIGN_OR_RETURN(o.min_segment_s,
                         IntParam(p, "min_segment_s", o.min_segment_s, 1, kMaxStudySeconds));
    FGM_ASSIGN_OR_RETURN(int64_t mc, IntParam(p, "max_changepoints", o.max_changepoints, 1, 10000));
    o.max_changepoints = static_cast<int>(mc);
    FGM_ASSIGN_OR_RETURN(auto res, studies::DetectChangePoints(d.view(), o));
    w.Key("summary");
    w.String(std::to_string(res.changepoints.size()) + " change point" +
             (res.changepoints.size() == 1 ? "" : "s"));
    WriteWindows(w, res.segments);
    w.Key("changepoints");
    w.BeginArray();
    for (const auto& c : res.changepoints) {
      w.BeginObject();
      w.Key("time_ms");
      w.Int(c.time_ms);
      w.Key("before");
      w.Double(c.before);
      w.Key("after");
      w.Double(c.after);
      w.EndObject();
    }
    w.EndArray();
  } else if (id == "trend") {
    studies::TrendOptions o;
    std::string_view limit = Param(p, "limit");
    if (!limit.empty()) {
      FGM_ASSIGN_OR_RETURN(double v, NumParam(p, "limit", 0));
      o.limit = v;
    } else if (r.metric->name.starts_with("memory_") && r.metric->unit == "bytes") {
      SeriesQuery lq = q;
      lq.metric = "memory_limit_bytes";
      lq.containers = {s.container};
      auto lr = engine.QuerySeries(lq);
      if (lr.ok() && !lr->series.empty()) {
        for (size_t i = lr->series[0].avg.size(); i-- > 0;) {
          if (std::isfinite(lr->series[0].avg[i])) {
            o.limit = lr->series[0].avg[i];
            break;
          }
        }
      }
    }
    FGM_ASSIGN_OR_RETURN(auto res, studies::DetectTrend(d.view(), o));
    w.Key("summary");
    w.String(Fmt("slope %.4g/s (Mann-Kendall p %.3g)", res.slope_per_s, res.p_value));
    WriteWindows(w, {});
    w.Key("trend");
    w.BeginObject();
    w.Key("slope_per_s");
    w.Double(res.slope_per_s);
    w.Key("mann_kendall_z");
    w.Double(res.mann_kendall_z);
    w.Key("p_value");
    w.Double(res.p_value);
    w.Key("line");
    w.BeginObject();
    w.Key("t0_ms");
    w.Int(res.t0_ms);
    w.Key("v0");
    w.Double(res.v0);
    w.Key("t1_ms");
    w.Int(res.t1_ms);
    w.Key("v1");
    w.Double(res.v1);
    w.EndObject();
    w.Key("limit");
    if (o.limit) {
      w.Double(*o.limit);
    } else {
      w.Null();
    }
    w.Key("breach_ms");
    w.OptionalInt(res.breach_ms);
    w.EndObject();
  }
  w.EndObject();
  return OkStatus();
}

Status RunCorrelation(Engine& engine, const QueryParams& p, const SeriesQuery& q,
                      const SeriesResult& r, JsonWriter& w) {
  studies::CorrelationOptions o;
  FGM_ASSIGN_OR_RETURN(int64_t k, IntParam(p, "top_k", o.top_k, 1, 1000));
  FGM_ASSIGN_OR_RETURN(o.max_lag_s, IntParam(p, "max_lag_s", o.max_lag_s, 0, kMaxStudySeconds));
  o.top_k = static_cast<int>(k);
  const Series& target = r.series[0];
  DenseSeries target_dense = Densify(r, target);
  std::vector<std::string> metrics = SplitList(Param(p, "candidate_metrics"));
  if (metrics.empty()) {
    metrics = {"cpu_usage_millicores",   "memory_working_set_bytes",
               "cpu_throttled_ratio",    "io_read_bytes_per_sec",
               "io_write_bytes_per_sec", "memory_pressure_some_usec_per_sec"};
  }
  // Candidates: the other selected containers (all matching ones when only one was given).
  std::vector<std::string> others(q.containers.begin() + 1, q.containers.end());
  if (others.empty()) {
    for (const auto& [id, c] : engine.index().containers()) {
      if (id != target.container && c.last_seen_ms >= q.from_ms && c.first_seen_ms < q.to_ms) {
        others.push_back(id);
      }
    }
  }
  others.push_back(target.container);  // the target's own other metrics
  struct Candidate {
    std::string container, metric;
    const ContainerInfo* info;
    DenseSeries dense;
  };
  std::vector<Candidate> candidates;
  const auto& available = engine.index().metrics();
  for (const std::string& m : metrics) {
    if (!FindMetric(m))
      return InvalidArgumentError("candidate_metrics: unknown metric '" + m + "'");
    if (std::find(available.begin(), available.end(), m) == available.end()) continue;
    SeriesQuery cq = q;
    cq.metric = m;
    cq.containers = others;
    FGM_ASSIGN_OR_RETURN(SeriesResult cr, engine.QuerySeries(cq));
    for (const Series& s : cr.series) {
      if (s.container == target.container && m == q.metric) continue;
      if (s.t.empty()) continue;
      candidates.push_back({s.container, m, s.info, Densify(cr, s)});
    }
  }
  std::vector<studies::SeriesView> views;
  for (const auto& c : candidates) views.push_back(c.dense.view());
  FGM_ASSIGN_OR_RETURN(auto found, studies::FindCorrelations(target_dense.view(), views, o));
  w.BeginObject();
  w.Key("container");
  w.String(target.container);
  w.Key("container_name");
  w.String(target.info ? target.info->labels.container_name : "");
  w.Key("summary");
  w.String(found.empty() ? "no correlated series" : Fmt("best r %.2f", found[0].r));
  WriteWindows(w, {});
  w.Key("correlations");
  w.BeginArray();
  for (const auto& c : found) {
    const Candidate& cand = candidates[c.candidate_index];
    w.BeginObject();
    w.Key("container");
    w.String(cand.container);
    w.Key("container_name");
    w.String(cand.info ? cand.info->labels.container_name : "");
    w.Key("metric");
    w.String(cand.metric);
    w.Key("r");
    w.Double(c.r);
    w.Key("lag_s");
    w.Int(c.lag_s);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return OkStatus();
}

ApiResponse Study(Engine& engine, std::string_view id, const QueryParams& p) {
  bool known = false;
  for (const StudyDef& d : StudyDefs()) known |= d.id == id;
  if (!known) {
    return Error(404, "unknown study '" + std::string(id) +
                          "': send periodicity, changepoint, trend or correlation");
  }
  auto q = BuildSeriesQuery(engine, p, kStudyMaxPoints);
  if (!q.ok()) return FromStatus(q.error());
  if (q->containers.empty() || q->to_ms <= q->from_ms) {
    return Error(400, "no container has data in the range: send containers= and a range with data");
  }
  if (id == "correlation") q->containers.erase(q->containers.begin() + 1, q->containers.end());
  std::vector<std::string> all = SplitList(Param(p, "containers"));
  auto r = engine.QuerySeries(*q);
  if (!r.ok()) return FromStatus(r.error());
  JsonWriter w;
  w.BeginObject();
  w.Key("study");
  w.String(id);
  w.Key("metric");
  w.String(q->metric);
  w.Key("results");
  w.BeginArray();
  Status s;
  if (id == "correlation") {
    SeriesQuery cq = *q;
    if (all.size() > 1) cq.containers = all;
    s = RunCorrelation(engine, p, cq, *r, w);
  } else {
    for (const Series& series : r->series) {
      s = RunStudy(engine, id, p, *q, *r, series, w);
      if (!s.ok()) break;
    }
  }
  if (!s.ok()) return FromStatus(s);
  w.EndArray();
  w.EndObject();
  return {200, w.Take()};
}

}  // namespace

std::string ErrorJson(std::string_view message) {
  JsonWriter w;
  w.BeginObject();
  w.Key("error");
  w.String(message);
  w.EndObject();
  return w.Take();
}

namespace {

// Answers that depend on (request, visible files) only and cost real work: cached whole. Health,
// instance, metrics, filters and the study list are a few hundred bytes from the index.
bool Cacheable(std::string_view path) {
  return path == "/api/timeseries" || path == "/api/events" || path == "/api/containers" ||
         path.starts_with("/api/study/");
}

// Path, every parameter (sorted by name: QueryParams is an ordered map) length-prefixed so no
// value can fake a separator, and the window a relative `range` resolved to. The generation is
// checked by the cache itself.
std::string CanonicalRequest(const Engine& engine, std::string_view path,
                             const QueryParams& params) {
  std::string key(path);
  for (const auto& [name, value] : params) {
    key += '\n';
    key += std::to_string(name.size());
    key += ':';
    key += name;
    key += std::to_string(value.size());
    key += ':';
    key += value;
  }
  auto range = ResolveRange(engine, params);
  if (range.ok()) {
    key += "\nwindow:" + std::to_string(range->from_ms) + "," + std::to_string(range->to_ms);
  }
  return key;
}

ApiResponse Route(Engine& engine, std::string_view path, const QueryParams& params) {
  if (path == "/api/health") return Health(engine);
  if (path == "/api/instance") return Instance(engine);
  if (path == "/api/metrics") return Metrics(engine);
  if (path == "/api/filters") return Filters(engine);
  if (path == "/api/containers") return Containers(engine, params);
  if (path == "/api/timeseries") return Timeseries(engine, params);
  if (path == "/api/events") return Events(engine, params);
  if (path == "/api/studies") return StudiesList();
  constexpr std::string_view kStudyPrefix = "/api/study/";
  if (path.starts_with(kStudyPrefix))
    return Study(engine, path.substr(kStudyPrefix.size()), params);
  return Error(404, "unknown API path '" + std::string(path) +
                        "': see docs/api.md (/api/health, /api/metrics, /api/containers, "
                        "/api/timeseries, /api/events, /api/studies, /api/study/<id>)");
}

}  // namespace

ApiResponse HandleApiRequest(Engine& engine, std::string_view path, const QueryParams& params) {
  ResponseCache& cache = engine.response_cache();
  if (!cache.enabled() || !Cacheable(path)) return Route(engine, path, params);
  std::string key = CanonicalRequest(engine, path, params);
  uint64_t generation = engine.index().generation();
  if (auto body = cache.Find(key, generation)) {
    engine.CountResponse(true);
    return {200, *body};
  }
  engine.CountResponse(false);
  ApiResponse r = Route(engine, path, params);
  // Errors are cheap to recompute and not worth the space.
  if (r.status == 200) cache.Insert(key, generation, std::make_shared<const std::string>(r.body));
  return r;
}

void WriteSeriesJson(JsonWriter& w, const Series& s) {
  w.BeginObject();
  w.Key("container");
  w.String(s.container);
  WriteContainerRef(w, s.info);
  w.Key("t");
  w.IntArray(s.t);
  w.Key("avg");
  w.DoubleArray(s.avg);
  w.Key("min");
  w.DoubleArray(s.min);
  w.Key("max");
  w.DoubleArray(s.max);
  w.EndObject();
}

}  // namespace fgm::engine

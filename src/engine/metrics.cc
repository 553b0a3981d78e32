// SPDX-License-Identifier: Apache-2.0
#include "engine/metrics.h"

#include <algorithm>
#include <string>
#include <vector>

#include "store/catalog.h"

namespace fgm::engine {
namespace {

// Listing order: the metrics people open first. A metric whose name starts with one of these
// prefixes gets that prefix's rank; the rest follow by name.
constexpr std::string_view kRankPrefixes[] = {
    "cpu_usage_millicores",
    "memory_working_set_bytes",
    "memory_usage_bytes",
    "cpu_throttled",
    "cpu_",
    "memory_pss",
    "memory_",
    "cpu_pressure",
    "memory_pressure",
    "io_pressure",
    "io_",
    "pids_",
    "processes",
    "process_",
};

int RankOf(std::string_view name) {
  // Pressure prefixes must win over the generic "cpu_"/"memory_" ones.
  for (std::string_view p : {"cpu_pressure", "memory_pressure", "io_pressure"}) {
    if (name.starts_with(p)) {
      for (int i = 0; i < static_cast<int>(std::size(kRankPrefixes)); ++i) {
        if (kRankPrefixes[i] == p) return i;
      }
    }
  }
  for (int i = 0; i < static_cast<int>(std::size(kRankPrefixes)); ++i) {
    if (name.starts_with(kRankPrefixes[i])) return i;
  }
  return static_cast<int>(std::size(kRankPrefixes));
}

std::string_view RateUnit(std::string_view unit) {
  if (unit == "us") return "us/s";
  if (unit == "bytes") return "bytes/s";
  return "count/s";
}

std::vector<MetricInfo> BuildMetrics() {
  std::vector<MetricInfo> out;
  for (const store::ColumnDef& c : store::kCatalog) {
    bool plottable = c.kind == store::ColumnKind::kCounter || c.kind == store::ColumnKind::kGauge ||
                     c.kind == store::ColumnKind::kDerived;
    if (!plottable || c.name.starts_with("monitor_")) continue;
    MetricInfo m;
    m.name = c.name;
    m.counter = c.kind == store::ColumnKind::kCounter;
    m.unit = m.counter ? RateUnit(c.unit) : c.unit;
    m.kind = m.counter ? "counter" : c.kind == store::ColumnKind::kGauge ? "gauge" : "derived";
    m.row_kind = c.name.starts_with("process_") ? "process" : "container";
    m.description = c.description;
    m.type = c.type;
    m.rank = RankOf(c.name);
    out.push_back(m);
  }
  std::stable_sort(out.begin(), out.end(), [](const MetricInfo& a, const MetricInfo& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.name < b.name;
  });
  return out;
}

const std::vector<MetricInfo>& Metrics() {
  static const std::vector<MetricInfo>* metrics = new std::vector<MetricInfo>(BuildMetrics());
  return *metrics;
}

}  // namespace

std::span<const MetricInfo> AllMetrics() { return Metrics(); }

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& m : Metrics()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace fgm::engine

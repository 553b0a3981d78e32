// SPDX-License-Identifier: Apache-2.0
// The viewer's view of the metric catalogue (src/store/catalog.h, header-only constexpr table, so
// the engine needs no link dependency on the store): which columns are plottable, their unit as
// served (counters become per-second rates), their kind, and the order the UI lists them in.
#pragma once

#include <span>
#include <string_view>

#include "parquet/types.h"

namespace fgm::engine {

struct MetricInfo {
  std::string_view name;
  std::string_view unit;      // as served: a counter's rate unit ("us/s", "bytes/s", "count/s")
  std::string_view kind;      // "counter", "gauge" or "derived"
  std::string_view row_kind;  // "container" or "process" (rows that carry it)
  std::string_view description;
  parquet::PhysicalType type = parquet::PhysicalType::kInt64;
  bool counter = false;
  int rank =
      0;  // listing order: common metrics first (CPU, memory, throttling, PSS, pressure, I/O)
};

/// Every plottable catalogue column (counters, gauges, derived; not labels, events, bookkeeping or
/// the monitor's own columns), in listing order.
std::span<const MetricInfo> AllMetrics();
/// The metric called `name`, or nullptr.
const MetricInfo* FindMetric(std::string_view name);

}  // namespace fgm::engine

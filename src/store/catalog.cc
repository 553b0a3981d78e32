// SPDX-License-Identifier: Apache-2.0
#include "store/catalog.h"

#include <string>

namespace fgm::store {
namespace {
using parquet::PhysicalType;
}  // namespace

std::string_view ColumnKindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kTime:
      return "time";
    case ColumnKind::kLabel:
      return "label";
    case ColumnKind::kCounter:
      return "counter";
    case ColumnKind::kGauge:
      return "gauge";
    case ColumnKind::kDerived:
      return "derived";
    case ColumnKind::kEvent:
      return "event";
    case ColumnKind::kInfo:
      return "info";
  }
  return "?";
}

std::span<const ColumnDef> Columns() { return kCatalog; }

double StorageQuantum(const ColumnDef& c) {
  if (c.type != PhysicalType::kDouble) return 0;
  if (c.unit == "millicores") return 1.0 / 64;
  if (c.unit == "ratio") return 1.0 / 65536;
  if (c.unit == "us/s" || c.unit == "bytes/s") return 1;
  if (c.unit == "%") return 1.0 / 256;
  return 0;
}

const ColumnDef* FindColumn(std::string_view name) {
  for (const ColumnDef& c : kCatalog) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

parquet::Schema DatasetSchema() {
  parquet::Schema schema;
  for (const ColumnDef& c : kCatalog) {
    parquet::ColumnSpec spec;
    spec.name = std::string(c.name);
    spec.type = c.type;
    spec.repetition = parquet::Repetition::kOptional;
    if (c.kind == ColumnKind::kTime) {
      spec.repetition = parquet::Repetition::kRequired;
      spec.logical_type = parquet::LogicalType::Timestamp(parquet::TimeUnit::kMillis, true);
    } else if (c.type == PhysicalType::kByteArray) {
      spec.logical_type = parquet::LogicalType::String();
    }
    schema.columns.push_back(std::move(spec));
  }
  return schema;
}

std::string RenderSchemaMarkdown() {
  std::string out =
      "# Dataset schema\n\n"
      "Generated from the catalogue in `src/store/catalog.h` by `fgm schema --markdown`; do not "
      "edit by hand.\n\n"
      "Every Parquet file in an FGM dataset has these columns, in this order. Rows come in kinds "
      "(column `kind`): `container` rows carry per-container metrics, `device` rows per-device "
      "I/O, "
      "`process` rows per-process CPU and memory (with `--process-rows`), `event` rows lifecycle "
      "events, and `monitor` rows FGM's own overhead. Columns that do not apply to a row are "
      "null.\n\n"
      "Kinds: *counter* = cumulative since the cgroup was created (take deltas; a drop means a "
      "restart); *gauge* = level at the tick; *derived* = computed by the collector from two "
      "consecutive ticks of the same cgroup (no value on a container's first tick, none across a "
      "counter reset); *label* = identity; *info* = bookkeeping.\n\n"
      "Storage precision: DOUBLE columns are rounded to a binary step chosen from their unit "
      "(millicores 1/64, ratio 2^-16, us/s and bytes/s 1, % 1/256), far below their measurement "
      "noise; it makes them several times cheaper to store. Counters and gauges are exact.\n\n"
      "| column | type | kind | unit | cgroup v2 source | cgroup v1 source | meaning |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const ColumnDef& c : kCatalog) {
    std::string type = c.kind == ColumnKind::kTime          ? "TIMESTAMP(ms, UTC)"
                       : c.type == PhysicalType::kByteArray ? "STRING"
                       : c.type == PhysicalType::kDouble    ? "DOUBLE"
                                                            : "INT64";
    out += "| `" + std::string(c.name) + "` | " + type + " | " +
           std::string(ColumnKindName(c.kind)) + " | " + std::string(c.unit) + " | " +
           std::string(c.v2_source) + " | " + std::string(c.v1_source) + " | " +
           std::string(c.description) + " |\n";
  }
  return out;
}

}  // namespace fgm::store

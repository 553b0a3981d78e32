// SPDX-License-Identifier: Apache-2.0
// Row selection for exports: which rows of a decoded row group fall in the time range and match
// the container / namespace / pod-label filters, and copying those rows into output batches.
// Pure functions over ColumnBatch values, so they are tested without files.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/status.h"
#include "parquet/column_batch.h"

namespace fgm::exporter {

struct RowFilterSpec {
  int64_t from_ms = INT64_MIN;                              // inclusive
  int64_t to_ms = INT64_MAX;                                // exclusive
  std::vector<std::string> containers;                      // exact container_id; empty = any
  std::vector<std::string> namespaces;                      // exact namespace; empty = any
  std::vector<std::pair<std::string, std::string>> labels;  // all must match pod_labels
};

/// The decoded columns a RowFilter looks at (null = the filter does not need it).
struct RowFilterInputs {
  const parquet::ColumnBatch* time = nullptr;
  const parquet::ColumnBatch* container_id = nullptr;
  const parquet::ColumnBatch* namespace_ = nullptr;
  const parquet::ColumnBatch* pod_labels = nullptr;
};

/// Not thread-safe (caches the label match of each distinct pod_labels string).
class RowFilter {
 public:
  explicit RowFilter(RowFilterSpec spec);

  /// Where the batch of catalogue column `catalog_column` goes in *inputs if the filter needs it,
  /// else nullptr.
  const parquet::ColumnBatch** SlotFor(int catalog_column, RowFilterInputs* inputs) const;

  /// Indexes of the selected rows among `num_rows`, ascending. Rows without a container (monitor
  /// rows) are kept only when no container, namespace or label filter is set. kInvalidArgument if
  /// a needed input is missing or has the wrong size.
  Status Select(const RowFilterInputs& inputs, size_t num_rows, std::vector<uint32_t>* selected);

 private:
  bool LabelsMatch(std::string_view pod_labels_json);

  RowFilterSpec spec_;
  std::unordered_set<std::string> containers_;
  std::unordered_set<std::string> namespaces_;
  std::unordered_map<std::string, bool> label_cache_;
};

/// Appends rows `rows` (ascending indexes into `in`) of `in` to *out. REQUIRES: out->type ==
/// in.type.
void AppendSelectedRows(const parquet::ColumnBatch& in, std::span<const uint32_t> rows,
                        parquet::ColumnBatch* out);

}  // namespace fgm::exporter

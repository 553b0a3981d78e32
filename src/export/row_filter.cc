// SPDX-License-Identifier: Apache-2.0
// RowFilter and AppendSelectedRows (see row_filter.h).
#include "export/row_filter.h"

#include <nlohmann/json.hpp>

#include "store/catalog.h"

namespace fgm::exporter {

using parquet::ColumnBatch;
using parquet::PhysicalType;

namespace {

// Value index of every row (rows that are null get the index of the next value); identity when
// the batch has no validity.
void ValueIndexes(const ColumnBatch& b, std::vector<uint32_t>* out) {
  out->resize(b.num_rows);
  uint32_t v = 0;
  for (size_t r = 0; r < b.num_rows; ++r) {
    (*out)[r] = v;
    if (!b.IsNull(r)) ++v;
  }
}

// The string of row r of a BYTE_ARRAY batch, or nullptr-like empty optional when null.
class StringColumn {
 public:
  explicit StringColumn(const ColumnBatch* b) : b_(b) {
    if (b_ != nullptr && !b_->validity.empty()) ValueIndexes(*b_, &index_);
  }
  bool IsNull(size_t r) const { return b_->IsNull(r); }
  std::string_view At(size_t r) const { return b_->bytes[index_.empty() ? r : index_[r]]; }

 private:
  const ColumnBatch* b_;
  std::vector<uint32_t> index_;
};

}  // namespace

RowFilter::RowFilter(RowFilterSpec spec) : spec_(std::move(spec)) {
  containers_.insert(spec_.containers.begin(), spec_.containers.end());
  namespaces_.insert(spec_.namespaces.begin(), spec_.namespaces.end());
}

const ColumnBatch** RowFilter::SlotFor(int catalog_column, RowFilterInputs* inputs) const {
  if (catalog_column == store::Col("time")) return &inputs->time;
  if (catalog_column == store::Col("container_id") && !containers_.empty()) {
    return &inputs->container_id;
  }
  if (catalog_column == store::Col("namespace") && !namespaces_.empty()) {
    return &inputs->namespace_;
  }
  if (catalog_column == store::Col("pod_labels") && !spec_.labels.empty()) {
    return &inputs->pod_labels;
  }
  return nullptr;
}

bool RowFilter::LabelsMatch(std::string_view json_text) {
  auto it = label_cache_.find(std::string(json_text));
  if (it != label_cache_.end()) return it->second;
  bool match = false;
  auto labels = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (labels.is_object()) {
    match = true;
    for (const auto& [key, value] : spec_.labels) {
      auto found = labels.find(key);
      if (found == labels.end() || !found->is_string() || found->get<std::string>() != value) {
        match = false;
        break;
      }
    }
  }
  label_cache_.emplace(std::string(json_text), match);
  return match;
}

Status RowFilter::Select(const RowFilterInputs& in, size_t num_rows,
                         std::vector<uint32_t>* selected) {
  selected->clear();
  auto check = [&](const ColumnBatch* b, bool needed, const char* name) -> Status {
    if (!needed) return OkStatus();
    if (b == nullptr || b->num_rows != num_rows) {
      return InvalidArgumentError(std::string("row filter input missing or mis-sized: ") + name);
    }
    return OkStatus();
  };
  FGM_RETURN_IF_ERROR(check(in.time, true, "time"));
  FGM_RETURN_IF_ERROR(check(in.container_id, !containers_.empty(), "container_id"));
  FGM_RETURN_IF_ERROR(check(in.namespace_, !namespaces_.empty(), "namespace"));
  FGM_RETURN_IF_ERROR(check(in.pod_labels, !spec_.labels.empty(), "pod_labels"));
  if (in.time->type != PhysicalType::kInt64 || !in.time->validity.empty()) {
    return InvalidArgumentError("time column must be a required INT64");
  }
  StringColumn ids(containers_.empty() ? nullptr : in.container_id);
  StringColumn ns(namespaces_.empty() ? nullptr : in.namespace_);
  StringColumn labels(spec_.labels.empty() ? nullptr : in.pod_labels);
  for (size_t r = 0; r < num_rows; ++r) {
    int64_t t = in.time->int64s[r];
    if (t < spec_.from_ms || t >= spec_.to_ms) continue;
    if (!containers_.empty() && (ids.IsNull(r) || !containers_.count(std::string(ids.At(r))))) {
      continue;
    }
    if (!namespaces_.empty() && (ns.IsNull(r) || !namespaces_.count(std::string(ns.At(r))))) {
      continue;
    }
    if (!spec_.labels.empty() && (labels.IsNull(r) || !LabelsMatch(labels.At(r)))) continue;
    selected->push_back(static_cast<uint32_t>(r));
  }
  return OkStatus();
}

void AppendSelectedRows(const ColumnBatch& in, std::span<const uint32_t> rows, ColumnBatch* out) {
  std::vector<uint32_t> index;
  if (!in.validity.empty()) ValueIndexes(in, &index);
  for (uint32_t r : rows) {
    if (in.IsNull(r)) {
      out->AppendNull();
      continue;
    }
    size_t v = index.empty() ? r : index[r];
    switch (in.type) {
      case PhysicalType::kBoolean:
        out->AppendBool(in.bools[v] != 0);
        break;
      case PhysicalType::kInt32:
        out->AppendInt32(in.int32s[v]);
        break;
      case PhysicalType::kInt64:
        out->AppendInt64(in.int64s[v]);
        break;
      case PhysicalType::kFloat:
        out->AppendFloat(in.floats[v]);
        break;
      case PhysicalType::kDouble:
        out->AppendDouble(in.doubles[v]);
        break;
      default:
        out->AppendBytes(in.bytes[v]);
        break;
    }
  }
}

}  // namespace fgm::exporter

// SPDX-License-Identifier: Apache-2.0
#include "store/row.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "core/check.h"

namespace fgm::store {
namespace {

using parquet::PhysicalType;

constexpr int kTimeCol = Col("time");
constexpr int kKindCol = Col("kind");
constexpr int kContainerIdCol = Col("container_id");
constexpr int kInodeCol = Col("cgroup_inode");
constexpr int kPathCol = Col("cgroup_path");
constexpr int kDeviceCol = Col("device");
constexpr int kPidCol = Col("process_pid");

}  // namespace

Row::Row() : ints_(kNumColumns), doubles_(kNumColumns), strings_(kNumColumns) {}

void Row::SetInt(int column, int64_t value) {
  FGM_DCHECK(kCatalog[column].type == PhysicalType::kInt64) << kCatalog[column].name;
  ints_[column] = value;
  present_[column] = true;
}

const std::vector<double>& ColumnQuanta() {
  static const std::vector<double> quanta = [] {
    std::vector<double> q;
    for (const ColumnDef& c : kCatalog) q.push_back(StorageQuantum(c));
    return q;
  }();
  return quanta;
}

void Row::SetDouble(int column, double value) {
  FGM_DCHECK(kCatalog[column].type == PhysicalType::kDouble) << kCatalog[column].name;
  double q = ColumnQuanta()[column];
  // std::nearbyint keeps NaN/inf as they are; exact powers of two make the division exact.
  doubles_[column] = q > 0 ? std::nearbyint(value / q) * q : value;
  present_[column] = true;
}

void Row::SetString(int column, std::string_view value) {
  FGM_DCHECK(kCatalog[column].type == PhysicalType::kByteArray) << kCatalog[column].name;
  strings_[column].assign(value.data(), value.size());
  present_[column] = true;
}

void Row::SetTime(TimestampNs time_ns) {
  // Floor division so times before 1970 still land on the right millisecond.
  int64_t ms = time_ns / kNanosPerMilli;
  if (time_ns < 0 && time_ns % kNanosPerMilli != 0) --ms;
  SetInt(kTimeCol, ms);
}

RowBuffer::RowBuffer() : columns_(kNumColumns) {}

uint32_t RowBuffer::Intern(std::string_view s) {
  auto it = string_ids_.find(s);
  if (it != string_ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  string_ids_.emplace(strings_.back(), id);
  // The string twice (vector and map key) plus the map node and bucket.
  strings_bytes_ += 2 * strings_.back().capacity() + 64;
  return id;
}

void RowBuffer::Append(const Row& row) {
  FGM_CHECK(row.has(kTimeCol)) << "a row without time";
  const size_t word = num_rows_ >> 6;
  const uint64_t bit = uint64_t{1} << (num_rows_ & 63);
  for (int c = 0; c < kNumColumns; ++c) {
    Column& col = columns_[c];
    if (bit == 1) {  // a new 64-row word
      col.present.push_back(0);
      col.rank.push_back(col.count);
    }
    if (!row.has(c)) continue;
    col.present[word] |= bit;
    ++col.count;
    switch (kCatalog[c].type) {
      case PhysicalType::kDouble:
        col.doubles.push_back(row.GetDouble(c));
        break;
      case PhysicalType::kByteArray:
        col.ids.push_back(Intern(row.GetString(c)));
        break;
      default:
        col.ints.push_back(row.GetInt(c));
        break;
    }
  }
  int64_t t = row.GetInt(kTimeCol);
  if (num_rows_ == 0) {
    min_time_ms_ = max_time_ms_ = t;
  } else {
    min_time_ms_ = std::min(min_time_ms_, t);
    max_time_ms_ = std::max(max_time_ms_, t);
  }
  ++num_rows_;
}

size_t RowBuffer::memory_bytes() const {
  size_t total = 0;
  for (const Column& c : columns_) {
    total += c.present.capacity() * 8 + c.rank.capacity() * 4 + c.ints.capacity() * 8 +
             c.ids.capacity() * 4 + c.doubles.capacity() * 8;
  }
  return total + strings_bytes_;
}

void RowBuffer::Clear() {
  for (Column& c : columns_) c = Column();
  strings_.clear();
  string_ids_.clear();
  strings_bytes_ = 0;
  num_rows_ = 0;
}

std::string_view RowBuffer::StringAt(int column, size_t i) const {
  const Column& c = columns_[column];
  if (!c.Has(i)) return {};
  return strings_[c.ids[c.Index(i)]];
}

void RowBuffer::GetRow(size_t i, Row* row) const {
  row->Clear();
  for (int c = 0; c < kNumColumns; ++c) {
    const Column& col = columns_[c];
    if (!col.Has(i)) continue;
    const size_t v = col.Index(i);
    switch (kCatalog[c].type) {
      case PhysicalType::kDouble:
        row->SetDouble(c, col.doubles[v]);
        break;
      case PhysicalType::kByteArray:
        row->SetString(c, strings_[col.ids[v]]);
        break;
      default:
        row->SetInt(c, col.ints[v]);
        break;
    }
  }
}

void RowBuffer::SortedOrder(std::vector<uint32_t>* order, std::vector<Group>* groups) const {
  order->resize(num_rows_);
  std::iota(order->begin(), order->end(), 0u);
  // Compare strings by content (ids are in first-seen order, not sorted). Null sorts first.
  auto str = [&](int col, uint32_t r) -> std::pair<bool, std::string_view> {
    const Column& c = columns_[col];
    if (!c.Has(r)) return {false, ""};
    return {true, std::string_view(strings_[c.ids[c.Index(r)]])};
  };
  auto num = [&](int col, uint32_t r) -> std::pair<bool, int64_t> {
    const Column& c = columns_[col];
    if (!c.Has(r)) return {false, 0};
    return {true, c.ints[c.Index(r)]};
  };
  auto container_key = [&](uint32_t r) {
    return std::make_tuple(str(kContainerIdCol, r), num(kInodeCol, r), str(kPathCol, r));
  };
  std::stable_sort(order->begin(), order->end(), [&](uint32_t a, uint32_t b) {
    auto ka = container_key(a), kb = container_key(b);
    if (ka != kb) return ka < kb;
    auto ra = std::make_tuple(columns_[kTimeCol].ints[a], str(kKindCol, a), str(kDeviceCol, a),
                              num(kPidCol, a));
    auto rb = std::make_tuple(columns_[kTimeCol].ints[b], str(kKindCol, b), str(kDeviceCol, b),
                              num(kPidCol, b));
    return ra < rb;
  });
  groups->clear();
  for (size_t i = 0; i < order->size(); ++i) {
    if (i == 0 || container_key((*order)[i]) != container_key((*order)[i - 1])) {
      groups->push_back({i, i});
    }
    groups->back().end = i + 1;
  }
}

std::vector<parquet::ColumnBatch> RowBuffer::Batches(const std::vector<uint32_t>& order,
                                                     size_t begin, size_t end) const {
  std::vector<parquet::ColumnBatch> out(kNumColumns);
  for (int c = 0; c < kNumColumns; ++c) {
    parquet::ColumnBatch& b = out[c];
    const Column& col = columns_[c];
    b.type = kCatalog[c].type;
    bool all_present = true;  // trivially when the column has no null at all
    for (size_t k = begin; k < end && all_present && col.count != num_rows_; ++k) {
      all_present = col.Has(order[k]);
    }
    if (!all_present) b.validity.reserve(end - begin);
    for (size_t k = begin; k < end; ++k) {
      uint32_t r = order[k];
      const bool has = col.Has(r);
      if (!all_present) b.validity.push_back(has ? 1 : 0);
      if (!has) continue;
      const size_t v = col.Index(r);
      switch (b.type) {
        case PhysicalType::kDouble:
          b.doubles.push_back(col.doubles[v]);
          break;
        case PhysicalType::kByteArray:
          b.bytes.Append(strings_[col.ids[v]]);
          break;
        default:
          b.int64s.push_back(col.ints[v]);
          break;
      }
    }
    b.num_rows = end - begin;
  }
  return out;
}

}  // namespace fgm::store

// SPDX-License-Identifier: Apache-2.0
// Row and RowBuffer: dataset rows on their way to Parquet. A Row has one slot per catalogue column
// (null until set); a RowBuffer accumulates rows column by column (strings interned, so a label
// repeated every second costs 4 bytes a row) and hands them out sorted by container then time, the
// order that makes delta encoding and dictionary runs effective (anchors.md 6.4: ~2x smaller).
#pragma once

#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "parquet/column_batch.h"
#include "store/catalog.h"

namespace fgm::store {

/// One row. Cheap to reuse: Clear() keeps string capacity. Not thread-safe.
class Row {
 public:
  Row();

  /// Setters take catalogue indexes (use Col("name") for compile-time checked constants).
  /// REQUIRES: the column's physical type matches (FGM_DCHECK).
  void SetInt(int column, int64_t value);
  /// Rounds to the column's StorageQuantum.
  void SetDouble(int column, double value);
  void SetString(int column, std::string_view value);
  /// Sets `time` from nanoseconds (stored as milliseconds).
  void SetTime(TimestampNs time_ns);
  /// Sets the column when `value` has one; leaves it null otherwise.
  template <typename Opt>
  void SetIntIfPresent(int column, const Opt& value) {
    if (value) SetInt(column, static_cast<int64_t>(*value));
  }

  bool has(int column) const { return present_[column]; }
  int64_t GetInt(int column) const { return ints_[column]; }
  double GetDouble(int column) const { return doubles_[column]; }
  const std::string& GetString(int column) const { return strings_[column]; }
  void ClearColumn(int column) { present_[column] = false; }
  void Clear() { present_.reset(); }

 private:
  std::bitset<kNumColumns> present_;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<std::string> strings_;
};

/// Quantum of each column (0 = exact), indexed like the catalogue.
const std::vector<double>& ColumnQuanta();

/// Accumulates rows column-wise. Not thread-safe.
class RowBuffer {
 public:
  RowBuffer();

  void Append(const Row& row);
  size_t size() const { return num_rows_; }
  bool empty() const { return num_rows_ == 0; }
  /// Approximate heap bytes held (for memory bounds): vector capacities plus interned strings.
  /// O(columns), so cheap enough to check on every Append.
  size_t memory_bytes() const;
  void Clear();

  /// A run of rows (in sorted order) that belong to one container instance.
  struct Group {
    size_t begin = 0;
    size_t end = 0;
  };

  /// Row order sorted by (container_id, cgroup_inode, cgroup_path, time, kind, device,
  /// process_pid), with the runs of equal (container_id, cgroup_inode, cgroup_path) as groups.
  /// Monitor rows (no container) form their own group first.
  void SortedOrder(std::vector<uint32_t>* order, std::vector<Group>* groups) const;

  /// Column batches (one per catalogue column, schema order) for rows order[begin..end).
  std::vector<parquet::ColumnBatch> Batches(const std::vector<uint32_t>& order, size_t begin,
                                            size_t end) const;

  /// Smallest and largest `time` (ms) in the buffer. REQUIRES: !empty().
  int64_t min_time_ms() const { return min_time_ms_; }
  int64_t max_time_ms() const { return max_time_ms_; }

  /// The `time` value (ms) of row i (every row has one, so value i is row i's).
  int64_t TimeMs(size_t i) const { return columns_[0].ints[i]; }
  /// Whether column `column` of row i is set, and its value by physical type (REQUIRES: set).
  /// For encoders that visit values in place instead of copying rows out (GetRow).
  bool Has(int column, size_t i) const { return columns_[column].Has(i); }
  int64_t IntAt(int column, size_t i) const {
    const Column& c = columns_[column];
    return c.ints[c.Index(i)];
  }
  double DoubleAt(int column, size_t i) const {
    const Column& c = columns_[column];
    return c.doubles[c.Index(i)];
  }
  /// The string in column `column` of row i, or "" when null.
  std::string_view StringAt(int column, size_t i) const;
  /// Copies row i into *row.
  void GetRow(size_t i, Row* row) const;

 private:
  // Only present values are stored: a container row leaves ~40 of the ~115 columns null
  // (process, event, monitor, device and other-version columns), and at 1,000 containers the
  // segment buffer is most of the daemon's memory. Row r's value is at index
  // rank[r / 64] + popcount(present bits of its word below r).
  //
  // Values live in fixed-size blocks rather than in vectors that double: a doubling vector holds
  // up to 2x its values (1.5x on average) plus, while it grows, the old copy, and the freed
  // halves fragment the heap. Blocks of 1024 values waste at most one partial block per column.
  template <typename T>
  class Blocks {
   public:
    void push_back(T v) {
      if ((size_ & kMask) == 0) blocks_.push_back(std::make_unique_for_overwrite<T[]>(kBlock));
      blocks_.back()[size_ & kMask] = v;
      ++size_;
    }
    const T& operator[](size_t i) const { return blocks_[i >> kShift][i & kMask]; }
    size_t size() const { return size_; }
    size_t capacity() const { return blocks_.size() * kBlock; }

   private:
    // 1024 values (4-8 KiB): per-column slack stays under ~1 MiB for the ~115 columns, and the
    // blocks are small enough to be reused from the heap's free lists by the next buffer.
    static constexpr size_t kShift = 10;
    static constexpr size_t kBlock = size_t{1} << kShift;
    static constexpr size_t kMask = kBlock - 1;
    std::vector<std::unique_ptr<T[]>> blocks_;
    size_t size_ = 0;
  };
  struct Column {
    std::vector<uint64_t> present;  // one bit a row
    std::vector<uint32_t> rank;     // present rows before each 64-row word
    Blocks<int64_t> ints;           // INT64 values
    Blocks<uint32_t> ids;           // BYTE_ARRAY values: interned string ids
    Blocks<double> doubles;         // DOUBLE values
    uint32_t count = 0;             // present rows

    bool Has(size_t r) const { return (present[r >> 6] >> (r & 63)) & 1; }
    size_t Index(size_t r) const {
      uint64_t below = present[r >> 6] & ((uint64_t{1} << (r & 63)) - 1);
      return rank[r >> 6] + static_cast<size_t>(__builtin_popcountll(below));
    }
  };
  uint32_t Intern(std::string_view s);

  std::vector<Column> columns_;
  std::vector<std::string> strings_;
  // Transparent hash/equality: Intern() looks labels up by string_view, so the hot path (a dozen
  // label cells per row, every tick) builds no temporary std::string.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> string_ids_;
  size_t strings_bytes_ = 0;  // heap bytes of the interned strings (see Intern)
  size_t num_rows_ = 0;
  int64_t min_time_ms_ = 0;
  int64_t max_time_ms_ = 0;
};

}  // namespace fgm::store

// SPDX-License-Identifier: Apache-2.0
// RowRanges: sets of row numbers inside one row group, kept as sorted, disjoint, non-adjacent
// half-open intervals. Page-index pruning produces them (one range per run of matching pages), a
// query intersects the ranges of several predicate columns, and the reader fetches only the pages
// that cover the result.
#pragma once

#include <cstdint>
#include <vector>

namespace fgm::parquet {

/// Rows [first, first + count) of a row group.
struct RowRange {
  int64_t first = 0;
  int64_t count = 0;

  int64_t end() const { return first + count; }
  friend bool operator==(const RowRange&, const RowRange&) = default;
};

/// Sorted by `first`, disjoint, non-adjacent, no empty ranges (the "normal form" every function
/// below returns and, except Normalize, expects).
using RowRanges = std::vector<RowRange>;

/// Sorts, drops empty ranges and merges overlapping or touching ones.
RowRanges NormalizeRowRanges(RowRanges ranges);
/// True when `ranges` is already in normal form.
bool IsNormalRowRanges(const RowRanges& ranges);
RowRanges IntersectRowRanges(const RowRanges& a, const RowRanges& b);
RowRanges UnionRowRanges(const RowRanges& a, const RowRanges& b);
/// Total number of rows covered.
int64_t CountRows(const RowRanges& ranges);

}  // namespace fgm::parquet

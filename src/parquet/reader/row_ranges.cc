// SPDX-License-Identifier: Apache-2.0
// Set operations on RowRanges (see row_ranges.h).
#include "parquet/reader/row_ranges.h"

#include <algorithm>

namespace fgm::parquet {

RowRanges NormalizeRowRanges(RowRanges ranges) {
  std::erase_if(ranges, [](const RowRange& r) { return r.count <= 0; });
  std::sort(ranges.begin(), ranges.end(),
            [](const RowRange& a, const RowRange& b) { return a.first < b.first; });
  RowRanges out;
  out.reserve(ranges.size());
  for (const RowRange& r : ranges) {
    if (!out.empty() && r.first <= out.back().end()) {
      int64_t end = std::max(out.back().end(), r.end());
      out.back().count = end - out.back().first;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

bool IsNormalRowRanges(const RowRanges& ranges) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].count <= 0) return false;
    if (i > 0 && ranges[i].first <= ranges[i - 1].end()) return false;
  }
  return true;
}

RowRanges IntersectRowRanges(const RowRanges& a, const RowRanges& b) {
  RowRanges out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    int64_t first = std::max(a[i].first, b[j].first);
    int64_t end = std::min(a[i].end(), b[j].end());
    if (first < end) out.push_back({first, end - first});
    // Advance whichever range ends first; the other may still overlap the next one.
    if (a[i].end() < b[j].end()) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

RowRanges UnionRowRanges(const RowRanges& a, const RowRanges& b) {
  RowRanges all;
  all.reserve(a.size() + b.size());
  all.insert(all.end(), a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  return NormalizeRowRanges(std::move(all));
}

int64_t CountRows(const RowRanges& ranges) {
  int64_t n = 0;
  for (const RowRange& r : ranges) n += r.count;
  return n;
}

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// Dictionary building for RLE_DICTIONARY: distinct values in first-seen order plus one index per value.
// The writer asks `bytes()` after each batch and falls back to a non-dictionary encoding when the
// dictionary page would exceed its limit (DuckDB and Arrow both use ~1 MiB).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parquet/encoding/byte_arrays.h"

namespace fgm::parquet {

/// T is int32_t, int64_t, float, double or std::string_view (BYTE_ARRAY). Floats are keyed by their
/// bit pattern so -0.0/0.0 and NaNs stay distinct and round-trip exactly. Not thread-safe.
template <typename T>
class DictionaryBuilder {
 public:
  /// Returns the index of `value`, inserting it if new.
  uint32_t Insert(const T& value);
  size_t size() const;
  /// PLAIN-encoded size of the dictionary page so far.
  size_t bytes() const;
  /// Appends the PLAIN-encoded dictionary to *out.
  void WriteDictionaryPage(std::string* out) const;
  void Clear();

 private:
  struct Impl;
  // For string_view keys the builder owns copies of the bytes (values_), so callers may free theirs.
  std::vector<std::conditional_t<std::is_same_v<T, std::string_view>, std::string, T>> values_;
  std::unordered_map<std::conditional_t<std::is_same_v<T, std::string_view>, std::string_view,
                                        std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>>,
                     uint32_t>
      index_;
  size_t bytes_ = 0;
};

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// Dictionary building for RLE_DICTIONARY: distinct values in first-seen order plus one index per
// value. The writer asks `bytes()` after each batch and falls back to a non-dictionary encoding
// when the dictionary page would exceed its limit (DuckDB and Arrow both use ~1 MiB).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
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
  static constexpr bool kIsString = std::is_same_v<T, std::string_view>;
  /// Numeric values are stored and compared as their bit patterns.
  using Bits = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;

  uint64_t HashOf(const T& value) const;
  bool Matches(uint32_t index, const T& value, uint64_t hash) const;
  void Grow();

  /// Open-addressing table (linear probing, power-of-two size) of entry index + 1; 0 marks a free
  /// slot. Kept at most half full.
  std::vector<uint32_t> slots_;
  /// Numeric entries in first-seen order (unused for strings).
  std::vector<Bits> numbers_;
  /// String entries in first-seen order, owned copies (unused for numbers), and their hashes so
  /// that growing the table and rejecting mismatches need no rehashing or byte compares.
  ByteArrays strings_;
  std::vector<uint64_t> string_hashes_;
  size_t bytes_ = 0;
};

}  // namespace fgm::parquet

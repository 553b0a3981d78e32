// SPDX-License-Identifier: Apache-2.0
// Min/max/null-count accumulation for column chunks and pages, with the sort order the format
// prescribes for each physical/logical type (signed or unsigned integers, IEEE floats without NaN,
// unsigned-byte lexicographic strings), encoded as PLAIN bytes for the footer and the page index.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace fgm::parquet {

/// Whether a column's values compare as unsigned (INTEGER(n, false) / UINT_n converted types).
bool UsesUnsignedOrder(const ColumnSpec& spec);

/// Accumulates min/max of one value type. T is uint8_t (BOOLEAN), int32_t, int64_t, float, double
/// or std::string_view (BYTE_ARRAY; the accumulator keeps its own copies). Not thread-safe.
template <typename T>
class MinMax {
 public:
  explicit MinMax(bool unsigned_order = false) : unsigned_order_(unsigned_order) {}

  void Update(const T& v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) return;  // NaN is not ordered; the format says stats must not contain it
    }
    if (!has_value_) {
      Assign(&min_, v);
      Assign(&max_, v);
      has_value_ = true;
      return;
    }
    if (Less(v, Get(min_))) Assign(&min_, v);
    if (Less(Get(max_), v)) Assign(&max_, v);
  }
  void Merge(const MinMax& other) {
    if (!other.has_value_) return;
    Update(other.Get(other.min_));
    Update(other.Get(other.max_));
  }
  bool has_value() const { return has_value_; }
  void Reset() { has_value_ = false; }

  /// PLAIN encodings of min and max. For floats, a zero min is written as -0.0 and a zero max as
  /// +0.0, as the format asks, so readers that compare bit patterns stay correct.
  std::string EncodedMin() const { return Encode(Get(min_), /*is_min=*/true); }
  std::string EncodedMax() const { return Encode(Get(max_), /*is_min=*/false); }

 private:
  using Storage = std::conditional_t<std::is_same_v<T, std::string_view>, std::string, T>;

  static void Assign(Storage* dst, const T& v) { *dst = Storage(v); }
  static T Get(const Storage& s) { return T(s); }

  bool Less(const T& a, const T& b) const {
    if constexpr (std::is_same_v<T, int32_t>) {
      return unsigned_order_ ? static_cast<uint32_t>(a) < static_cast<uint32_t>(b) : a < b;
    } else if constexpr (std::is_same_v<T, int64_t>) {
      return unsigned_order_ ? static_cast<uint64_t>(a) < static_cast<uint64_t>(b) : a < b;
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      // Unsigned-byte lexicographic order, as the format defines for BYTE_ARRAY.
      size_t n = std::min(a.size(), b.size());
      int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
      return c < 0 || (c == 0 && a.size() < b.size());
    } else {
      return a < b;
    }
  }

  static std::string Encode(const T& v, bool is_min) {
    if constexpr (std::is_same_v<T, std::string_view>) {
      return std::string(v);
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      return std::string(1, static_cast<char>(v ? 1 : 0));
    } else {
      T out = v;
      if constexpr (std::is_floating_point_v<T>) {
        if (out == 0) out = is_min ? -T(0) : T(0);
      }
      std::string bytes(sizeof(T), '\0');
      std::memcpy(bytes.data(), &out, sizeof(T));
      return bytes;
    }
  }

  bool unsigned_order_;
  bool has_value_ = false;
  Storage min_{};
  Storage max_{};
};

/// Longest BYTE_ARRAY min/max copied into statistics. Longer values are left out of the statistics
/// (rather than truncated) so that every reader's pruning stays exact; label strings are far
/// shorter.
constexpr size_t kMaxStatisticsValueBytes = 256;

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// ColumnBatch: the in-memory values of one column for a run of rows — what the writer takes and the
// reader returns. Non-null values are stored densely in the vector that matches the physical type;
// `validity` has one byte per row (1 = value present) and is empty when every row has a value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "parquet/encoding/byte_arrays.h"
#include "parquet/types.h"

namespace fgm::parquet {

struct ColumnBatch {
  PhysicalType type = PhysicalType::kInt64;
  size_t num_rows = 0;
  std::vector<uint8_t> validity;  // empty => all present

  std::vector<uint8_t> bools;   // BOOLEAN (0/1)
  std::vector<int32_t> int32s;  // INT32
  std::vector<int64_t> int64s;  // INT64
  std::vector<float> floats;    // FLOAT
  std::vector<double> doubles;  // DOUBLE
  ByteArrays bytes;             // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96 (12 raw bytes)

  bool IsNull(size_t row) const { return !validity.empty() && validity[row] == 0; }
  /// Number of non-null values (== size of the typed vector).
  size_t num_values() const;

  // Builders for tests and simple callers.
  void AppendInt64(int64_t v) { int64s.push_back(v); MarkPresent(); }
  void AppendInt32(int32_t v) { int32s.push_back(v); MarkPresent(); }
  void AppendDouble(double v) { doubles.push_back(v); MarkPresent(); }
  void AppendFloat(float v) { floats.push_back(v); MarkPresent(); }
  void AppendBool(bool v) { bools.push_back(v ? 1 : 0); MarkPresent(); }
  void AppendBytes(std::string_view v) { bytes.Append(v); MarkPresent(); }
  /// Appends a null; switches the batch to explicit validity if needed.
  void AppendNull() {
    if (validity.empty()) validity.assign(num_rows, 1);
    validity.push_back(0);
    ++num_rows;
  }
  void Clear() { *this = ColumnBatch{.type = type}; }

 private:
  void MarkPresent() {
    if (!validity.empty()) validity.push_back(1);
    ++num_rows;
  }
};

inline size_t ColumnBatch::num_values() const {
  switch (type) {
    case PhysicalType::kBoolean: return bools.size();
    case PhysicalType::kInt32: return int32s.size();
    case PhysicalType::kInt64: return int64s.size();
    case PhysicalType::kFloat: return floats.size();
    case PhysicalType::kDouble: return doubles.size();
    default: return bytes.size();
  }
}

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// ByteArrays: an owning, append-only column of variable-length byte strings (BYTE_ARRAY values),
// stored as one contiguous buffer plus n+1 offsets. Decoders fill it; writers read views from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fgm::parquet {

class ByteArrays {
 public:
  ByteArrays() { offsets_.push_back(0); }

  size_t size() const { return offsets_.size() - 1; }
  bool empty() const { return size() == 0; }
  std::string_view operator[](size_t i) const {
    return std::string_view(bytes_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  void Append(std::string_view value) {
    bytes_.append(value.data(), value.size());
    offsets_.push_back(bytes_.size());
  }
  void Reserve(size_t values, size_t bytes) {
    offsets_.reserve(values + 1);
    bytes_.reserve(bytes);
  }
  void Clear() {
    bytes_.clear();
    offsets_.assign(1, 0);
  }
  /// Total payload bytes.
  size_t total_bytes() const { return bytes_.size(); }

 private:
  std::string bytes_;
  std::vector<uint64_t> offsets_;
};

}  // namespace fgm::parquet

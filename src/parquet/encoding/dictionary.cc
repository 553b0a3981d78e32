// SPDX-License-Identifier: Apache-2.0
// DictionaryBuilder: an insertion-ordered hash set mapping values to dictionary indices, with an
// open-addressing table sized to stay half empty. Numbers are keyed by bit pattern; strings are
// copied into one owned buffer so callers' buffers may be freed after Insert().
#include "parquet/encoding/dictionary.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>

#include "core/check.h"
#include "parquet/encoding/plain.h"

namespace fgm::parquet {
namespace {

// The first table; small dictionaries (a handful of labels) stay in one cache line or two.
constexpr size_t kInitialSlots = 16;

// MurmurHash3's 64-bit finalizer: spreads every input bit over the low bits used as the slot.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

template <typename Bits, typename T>
inline Bits BitsOf(const T& value) {
  Bits bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

}  // namespace

template <typename T>
uint64_t DictionaryBuilder<T>::HashOf(const T& value) const {
  if constexpr (kIsString) {
    return std::hash<std::string_view>{}(value);
  } else {
    return Mix(BitsOf<Bits>(value));
  }
}

template <typename T>
bool DictionaryBuilder<T>::Matches(uint32_t index, const T& value, uint64_t hash) const {
  if constexpr (kIsString) {
    return string_hashes_[index] == hash && strings_[index] == value;
  } else {
    return numbers_[index] == BitsOf<Bits>(value);
  }
}

template <typename T>
void DictionaryBuilder<T>::Grow() {
  const size_t new_size = std::max(kInitialSlots, 2 * slots_.size());
  slots_.assign(new_size, 0);
  const size_t mask = new_size - 1;
  const size_t n = size();
  for (size_t index = 0; index < n; ++index) {
    uint64_t hash;
    if constexpr (kIsString) {
      hash = string_hashes_[index];
    } else {
      hash = Mix(numbers_[index]);
    }
    size_t slot = static_cast<size_t>(hash) & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = static_cast<uint32_t>(index + 1);
  }
}

template <typename T>
uint32_t DictionaryBuilder<T>::Insert(const T& value) {
  if (2 * (size() + 1) > slots_.size()) Grow();
  const uint64_t hash = HashOf(value);
  const size_t mask = slots_.size() - 1;
  size_t slot = static_cast<size_t>(hash) & mask;
  while (slots_[slot] != 0) {
    const uint32_t index = slots_[slot] - 1;
    if (Matches(index, value, hash)) return index;
    slot = (slot + 1) & mask;
  }
  const size_t index = size();
  // Indices are uint32 and slots store index + 1.
  FGM_CHECK(index < std::numeric_limits<uint32_t>::max() - 1) << "dictionary too large";
  slots_[slot] = static_cast<uint32_t>(index + 1);
  if constexpr (kIsString) {
    FGM_CHECK(value.size() <= std::numeric_limits<uint32_t>::max()) << "BYTE_ARRAY too long";
    strings_.Append(value);
    string_hashes_.push_back(hash);
    bytes_ += 4 + value.size();
  } else {
    numbers_.push_back(BitsOf<Bits>(value));
    bytes_ += sizeof(T);
  }
  return static_cast<uint32_t>(index);
}

template <typename T>
size_t DictionaryBuilder<T>::size() const {
  if constexpr (kIsString) {
    return strings_.size();
  } else {
    return numbers_.size();
  }
}

template <typename T>
size_t DictionaryBuilder<T>::bytes() const {
  return bytes_;
}

template <typename T>
void DictionaryBuilder<T>::WriteDictionaryPage(std::string* out) const {
  if constexpr (kIsString) {
    PlainEncodeByteArrays(strings_, out);
  } else {
    // PLAIN of a number is its little-endian bit pattern, which is what numbers_ holds.
    out->append(reinterpret_cast<const char*>(numbers_.data()), numbers_.size() * sizeof(Bits));
  }
}

template <typename T>
void DictionaryBuilder<T>::Clear() {
  std::fill(slots_.begin(), slots_.end(), 0u);
  numbers_.clear();
  strings_.Clear();
  string_hashes_.clear();
  bytes_ = 0;
}

template class DictionaryBuilder<int32_t>;
template class DictionaryBuilder<int64_t>;
template class DictionaryBuilder<float>;
template class DictionaryBuilder<double>;
template class DictionaryBuilder<std::string_view>;

}  // namespace fgm::parquet

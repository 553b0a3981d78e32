// SPDX-License-Identifier: Apache-2.0
// RLE / bit-packed hybrid encoder and decoder (Encodings.md "Run Length Encoding / Bit-Packing
// Hybrid"). The encoder follows the run-choice rules Arrow and parquet-mr use (RLE for >= 8 repeats
// aligned to a group of 8, bit-packed groups otherwise), so its output matches theirs byte for
// byte.
#include "parquet/encoding/rle_bp.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/check.h"
#include "core/result.h"
#include "parquet/encoding/bit_packing_internal.h"

namespace fgm::parquet {
namespace {

using internal::kUnpackSlackBytes;

// Widest value the hybrid encoding carries (dictionary indices; the spec caps the width byte at
// 32).
constexpr int kMaxRleBitWidth = 32;

// A bit-packed run header is reserved as one byte before its groups are known, so a run holds at
// most 63 groups ((63 << 1) | 1 still fits in 7 bits). Costs one byte per 504 values.
constexpr int kMaxGroupsPerLiteralRun = 63;

// The spec bounds run lengths to 2^31 - 1 so that readers can hold them in a signed 32-bit int.
constexpr uint64_t kMaxRunLength = (uint64_t{1} << 31) - 1;

constexpr auto kUnpack32 = internal::MakeUnpack32Table<uint32_t, kMaxRleBitWidth>();

// Packs 8 values of `bit_width` bits LSB-first into exactly bit_width bytes at `out` (8 values of
// at most 32 bits fill at most four 64-bit words).
void PackGroupOf8(const uint32_t* values, int bit_width, uint8_t* out) {
  uint64_t words[4] = {};
  const unsigned width = static_cast<unsigned>(bit_width);
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned bit = i * width;
    const unsigned offset = bit % 64;
    const uint64_t v = values[i];
    words[bit / 64] |= v << offset;
    if (offset + width > 64) words[bit / 64 + 1] |= v >> (64 - offset);
  }
  std::memcpy(out, words, width);
}

}  // namespace

int BitWidth(uint64_t max_value) { return 64 - std::countl_zero(max_value); }

RleBpEncoder::RleBpEncoder(int bit_width) : bit_width_(bit_width) {
  FGM_CHECK(bit_width >= 0 && bit_width <= kMaxRleBitWidth) << "bit width " << bit_width;
}

size_t RleBpEncoder::values_buffered() const { return values_put_; }

void RleBpEncoder::Put(uint32_t value) {
  // A wider value would silently corrupt its neighbours in a bit-packed group.
  FGM_CHECK((uint64_t{value} >> bit_width_) == 0)
      << value << " needs more than " << bit_width_ << " bits";
  ++values_put_;
  if (value == current_value_ && repeat_count_ > 0) {
    ++repeat_count_;
    // Past 8 repeats the values are only counted: they will become one RLE run.
    if (repeat_count_ > 8) {
      if (repeat_count_ == kMaxRunLength) FlushRepeatedRun();
      return;
    }
  } else {
    if (repeat_count_ >= 8) FlushRepeatedRun();
    repeat_count_ = 1;
    current_value_ = value;
  }
  group_[num_in_group_++] = value;
  if (num_in_group_ == 8) FlushGroup();
}

void RleBpEncoder::PutMany(const uint32_t* values, size_t count) {
  size_t i = 0;
  while (i < count) {
    // Inside a long run (already RLE-bound) the remaining equal values are counted in bulk.
    if (repeat_count_ >= 8 && values[i] == current_value_) {
      const size_t limit =
          i + static_cast<size_t>(std::min<uint64_t>(count - i, kMaxRunLength - repeat_count_));
      size_t j = i;
      while (j < limit && values[j] == current_value_) ++j;
      repeat_count_ += j - i;
      values_put_ += j - i;
      i = j;
      if (repeat_count_ == kMaxRunLength) FlushRepeatedRun();
      continue;
    }
    // At a group boundary outside any run, 8 values that are not all equal can only become a
    // literal group (a run needs 8 equal values from a boundary), so pack them straight away.
    if (num_in_group_ == 0 && repeat_count_ == 0 && count - i >= 8) {
      const uint32_t* g = values + i;
      const bool all_equal = ((g[0] ^ g[1]) | (g[0] ^ g[2]) | (g[0] ^ g[3]) | (g[0] ^ g[4]) |
                              (g[0] ^ g[5]) | (g[0] ^ g[6]) | (g[0] ^ g[7])) == 0;
      if (!all_equal) {
        const uint64_t any = g[0] | g[1] | g[2] | g[3] | g[4] | g[5] | g[6] | g[7];
        FGM_CHECK((any >> bit_width_) == 0) << "value needs more than " << bit_width_ << " bits";
        AppendLiteralGroup(g);
        current_value_ = g[7];
        values_put_ += 8;
        i += 8;
        continue;
      }
    }
    Put(values[i++]);
  }
}

void RleBpEncoder::AppendLiteralGroup(const uint32_t* values) {
  if (literal_groups_ == 0) {
    literal_header_pos_ = out_.size();
    out_.push_back('\0');  // header byte, patched by FinishLiteralRun()
  }
  uint8_t packed[8 * sizeof(uint32_t)];  // 8 values of at most 32 bits
  PackGroupOf8(values, bit_width_, packed);
  out_.append(reinterpret_cast<const char*>(packed), static_cast<size_t>(bit_width_));
  ++literal_groups_;
  if (literal_groups_ == kMaxGroupsPerLiteralRun) FinishLiteralRun();
}

void RleBpEncoder::FlushGroup() {
  if (repeat_count_ >= 8) {
    // The whole group is the start of a repeated run: drop it from the literal path.
    num_in_group_ = 0;
    if (literal_groups_ > 0) FinishLiteralRun();
    return;
  }
  AppendLiteralGroup(group_);
  num_in_group_ = 0;
  // Repeats never span a group boundary that went out as literals: the next group starts afresh.
  repeat_count_ = 0;
}

void RleBpEncoder::FinishLiteralRun() {
  out_[literal_header_pos_] = static_cast<char>((literal_groups_ << 1) | 1);
  literal_groups_ = 0;
}

void RleBpEncoder::FlushRepeatedRun() {
  FGM_DCHECK(literal_groups_ == 0);
  internal::PutUleb128(repeat_count_ << 1, &out_);
  const int value_bytes = (bit_width_ + 7) / 8;
  for (int i = 0; i < value_bytes; ++i) {
    out_.push_back(static_cast<char>((current_value_ >> (8 * i)) & 0xff));
  }
  repeat_count_ = 0;
  num_in_group_ = 0;
}

void RleBpEncoder::FinishTo(std::string* out) {
  if (repeat_count_ > 0 && literal_groups_ == 0 &&
      (num_in_group_ == 0 || repeat_count_ == static_cast<uint64_t>(num_in_group_))) {
    // Everything pending is one run of equal values (possibly shorter than 8): one RLE run.
    FlushRepeatedRun();
  } else if (num_in_group_ > 0 || literal_groups_ > 0) {
    // Pad the last group with zeros; readers stop at the value count they were given.
    if (num_in_group_ > 0) {
      std::fill(group_ + num_in_group_, group_ + 8, 0u);
      num_in_group_ = 8;
      repeat_count_ = 0;
      FlushGroup();
    }
    if (literal_groups_ > 0) FinishLiteralRun();
  }
  out->append(out_);
  out_.clear();
  values_put_ = 0;
  repeat_count_ = 0;
  num_in_group_ = 0;
  literal_groups_ = 0;
  current_value_ = 0;
}

RleBpDecoder::RleBpDecoder(const uint8_t* data, size_t size, int bit_width)
    : data_(data), end_(data + size), bit_width_(bit_width) {}

Status RleBpDecoder::NextRun() {
  if (data_ == end_) return CorruptError("rle: stream ends early");
  uint64_t header;
  if (!internal::ReadUleb128(&data_, end_, &header) || header > UINT32_MAX) {
    return CorruptError("rle: bad run header");
  }
  const uint64_t width = static_cast<uint64_t>(bit_width_);
  if (header & 1) {
    const uint64_t groups = header >> 1;
    const uint64_t bytes = groups * width;
    const uint64_t available = static_cast<uint64_t>(end_ - data_);
    packed_ = data_;
    packed_index_ = 0;
    if (bytes <= available) {
      packed_remaining_ = groups * 8;
      data_ += bytes;
    } else {
      // Some writers end the stream inside the last group; keep the values that are whole and let
      // a request for more fail as "stream ends early".
      packed_remaining_ = available * 8 / width;
      data_ = end_;
    }
  } else {
    const int value_bytes = (bit_width_ + 7) / 8;
    if (end_ - data_ < value_bytes) return CorruptError("rle: truncated run value");
    uint64_t value = 0;
    for (int i = 0; i < value_bytes; ++i) value |= uint64_t{data_[i]} << (8 * i);
    data_ += value_bytes;
    if ((value >> bit_width_) != 0) return CorruptError("rle: run value wider than bit width");
    rle_value_ = static_cast<uint32_t>(value);
    rle_remaining_ = header >> 1;
  }
  // A zero-length run is skipped by the caller's loop; every header consumed at least one byte, so
  // a stream of them ends when the buffer does.
  return OkStatus();
}

// One value from the current bit-packed run by its index, loading only bytes inside the buffer.
uint32_t RleBpDecoder::PackedValueAt(uint64_t index) const {
  const uint64_t bit = index * static_cast<uint64_t>(bit_width_);
  const uint8_t* p = packed_ + bit / 8;
  uint64_t word = 0;
  const size_t n = std::min<size_t>(8, static_cast<size_t>(end_ - p));
  std::memcpy(&word, p, n);
  word >>= bit % 8;
  return static_cast<uint32_t>(word & ((uint64_t{1} << bit_width_) - 1));
}

Status RleBpDecoder::GetBatch(uint32_t* out, size_t count) {
  if (bit_width_ < 0 || bit_width_ > kMaxRleBitWidth) {
    return CorruptError("rle: bit width out of range");
  }
  const auto unpack = kUnpack32[static_cast<size_t>(bit_width_)];
  while (count > 0) {
    if (rle_remaining_ > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(rle_remaining_, count));
      std::fill_n(out, n, rle_value_);
      out += n;
      count -= n;
      rle_remaining_ -= n;
      continue;
    }
    if (packed_remaining_ > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(packed_remaining_, count));
      packed_remaining_ -= n;
      count -= n;
      // Head: single values until the run index is 32-aligned, so chunks start on a byte.
      while (n > 0 && (packed_index_ % 32) != 0) {
        *out++ = PackedValueAt(packed_index_++);
        --n;
      }
      const size_t chunk_bytes = 4 * static_cast<size_t>(bit_width_);
      while (n >= 32) {
        const uint8_t* src = packed_ + packed_index_ / 8 * static_cast<size_t>(bit_width_);
        if (static_cast<size_t>(end_ - src) >= chunk_bytes + kUnpackSlackBytes) {
          unpack(src, out);
        } else {
          uint8_t padded[4 * kMaxRleBitWidth + kUnpackSlackBytes] = {};
          std::memcpy(padded, src, chunk_bytes);
          unpack(padded, out);
        }
        out += 32;
        packed_index_ += 32;
        n -= 32;
      }
      while (n > 0) {
        *out++ = PackedValueAt(packed_index_++);
        --n;
      }
      continue;
    }
    FGM_RETURN_IF_ERROR(NextRun());
  }
  return OkStatus();
}

}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// The RLE / bit-packed hybrid encoding (Parquet Encodings.md "Run Length Encoding / Bit-Packing
// Hybrid"), used for definition levels, booleans (bit width 1) and dictionary indices. The bytes
// produced and consumed here carry no length prefix: callers add the 4-byte length where the format
// wants one (v1 data-page levels) and the 1-byte bit width for dictionary indices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace fgm::parquet {

/// Encoder. Chooses RLE runs for repeats of >= 8 values and bit-packed groups of 8 otherwise.
/// Not thread-safe. REQUIRES: 0 <= bit_width <= 32 and every value < 2^bit_width.
class RleBpEncoder {
 public:
  explicit RleBpEncoder(int bit_width);
  void Put(uint32_t value);
  void PutMany(const uint32_t* values, size_t count);
  /// Appends the encoded stream to *out and resets the encoder for reuse.
  void FinishTo(std::string* out);
  size_t values_buffered() const;

 private:
  void FlushGroup();
  void AppendLiteralGroup(const uint32_t* values);
  void FinishLiteralRun();
  void FlushRepeatedRun();

  int bit_width_;
  std::string out_;         // runs completed so far
  uint32_t group_[8] = {};  // the group of 8 values being filled
  int num_in_group_ = 0;
  uint32_t current_value_ = 0;
  uint64_t repeat_count_ = 0;      // trailing equal values, counted from a group boundary
  uint64_t literal_groups_ = 0;    // groups in the open bit-packed run
  size_t literal_header_pos_ = 0;  // offset in out_ of that run's reserved header byte
  size_t values_put_ = 0;
};

/// Decoder over a borrowed buffer that must outlive it. Every malformed input (run past the end,
/// value wider than bit_width, zero-length runs that would loop forever, header varint overflow)
/// returns kCorrupt; it never reads out of bounds.
class RleBpDecoder {
 public:
  RleBpDecoder(const uint8_t* data, size_t size, int bit_width);
  /// Decodes exactly `count` values into out[0..count). kCorrupt if the stream ends early.
  Status GetBatch(uint32_t* out, size_t count);

 private:
  Status NextRun();
  uint32_t PackedValueAt(uint64_t index) const;

  const uint8_t* data_;
  const uint8_t* end_;
  int bit_width_;
  // Current run state.
  uint32_t rle_value_ = 0;
  uint64_t rle_remaining_ = 0;
  const uint8_t* packed_ = nullptr;  // start of the current bit-packed run
  uint64_t packed_remaining_ = 0;    // values left in it
  uint64_t packed_index_ = 0;        // values already consumed from it
};

/// Bits needed to represent `max_value` (0 for 0).
int BitWidth(uint64_t max_value);

}  // namespace fgm::parquet

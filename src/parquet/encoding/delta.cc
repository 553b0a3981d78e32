// SPDX-License-Identifier: Apache-2.0
// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (Encodings.md "Delta Encoding",
// "Delta-length byte array", "Delta Strings"). The hot loops work 32 values at a time through
// width-specialized unpackers (bit_packing_internal.h); all delta arithmetic is unsigned so that
// wraparound is defined and INT64_MIN..INT64_MAX round-trip.
#include "parquet/encoding/delta.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/check.h"
#include "core/result.h"
#include "parquet/encoding/bit_packing_internal.h"

namespace fgm::parquet {
namespace {

using internal::kUnpackSlackBytes;

// What we write: the block layout parquet-mr and Arrow use, so every reader has seen it.
constexpr uint64_t kEncodeBlockSize = 128;
constexpr uint64_t kEncodeMiniblocks = 4;
constexpr uint64_t kEncodeMiniblockSize = kEncodeBlockSize / kEncodeMiniblocks;  // 32

// What we read: any block whose miniblocks hold a multiple of 8 values (the spec asks for multiples
// of 128 and 32, but its own examples use 8, and whole bytes per miniblock are all we rely on). The
// block size cap keeps size arithmetic far from overflow; real writers use 128..4096.
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 31;
constexpr uint64_t kMiniblockMultiple = 8;

// Deltas never need more bits than a 64-bit value.
constexpr int kMaxDeltaBitWidth = 64;

// Every DBP stream starts with 4 varints of at most 10 bytes each.
constexpr size_t kMaxHeaderBytes = 40;

template <typename T>
constexpr auto kDeltaUnpack32 = internal::MakeDeltaUnpack32Table<T>();
template <typename U>
constexpr auto kPack32 = internal::MakePack32Table<U, 8 * sizeof(U)>();

// Bounds-checked cursor over the input.
struct Cursor {
  const uint8_t* p;
  const uint8_t* end;
  size_t remaining() const { return static_cast<size_t>(end - p); }
};

template <typename T>
Status DecodeDbp(std::string_view data, size_t max_values, std::vector<T>* out, size_t* consumed) {
  static_assert(std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>);
  const auto* begin = reinterpret_cast<const uint8_t*>(data.data());
  Cursor c{begin, begin + data.size()};
  uint64_t block_size, miniblocks, total, first_zz = 0;
  if (!internal::ReadUleb128(&c.p, c.end, &block_size) ||
      !internal::ReadUleb128(&c.p, c.end, &miniblocks) ||
      !internal::ReadUleb128(&c.p, c.end, &total)) {
    return CorruptError("delta: truncated header");
  }
  if (block_size == 0 || block_size > kMaxBlockSize || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % kMiniblockMultiple != 0) {
    return CorruptError("delta: bad block layout");
  }
  if (total > max_values) return CorruptError("delta: more values than the page holds");
  // An empty stream still carries a first value; tolerate writers that leave it out.
  if (!internal::ReadUleb128(&c.p, c.end, &first_zz) && total > 0) {
    return CorruptError("delta: truncated header");
  }
  const uint64_t per_miniblock = block_size / miniblocks;
  const size_t original_size = out->size();
  auto fail = [&](const char* message) {
    out->resize(original_size);
    return CorruptError(message);
  };
  if (total > 0) {
    // Every block costs at least its min delta byte and width bytes, which bounds the values the
    // data can hold; reserve no more than that even when the header and max_values are loose.
    const uint64_t max_blocks = c.remaining() / (1 + miniblocks) + 1;
    const uint64_t reachable = max_blocks > UINT64_MAX / block_size - 1
                                   ? total
                                   : std::min(total, 1 + max_blocks * block_size);
    out->reserve(original_size + static_cast<size_t>(reachable));
    out->push_back(static_cast<T>(internal::ZigZagDecode(first_zz)));
  }
  uint64_t last = static_cast<uint64_t>(internal::ZigZagDecode(first_zz));
  uint64_t remaining = total > 0 ? total - 1 : 0;
  const auto& unpackers = kDeltaUnpack32<T>;
  while (remaining > 0) {
    uint64_t min_delta_zz;
    if (!internal::ReadUleb128(&c.p, c.end, &min_delta_zz)) {
      return fail("delta: truncated block header");
    }
    const uint64_t min_delta = static_cast<uint64_t>(internal::ZigZagDecode(min_delta_zz));
    if (c.remaining() < miniblocks) return fail("delta: truncated miniblock widths");
    const uint8_t* widths = c.p;
    c.p += miniblocks;
    const uint64_t block_values = std::min(remaining, block_size);
    const size_t block_start = out->size();
    out->resize(block_start + block_values);
    T* dst = out->data() + block_start;
    for (uint64_t m = 0; m < miniblocks && remaining > 0; ++m) {
      const int width = widths[m];
      if (width > kMaxDeltaBitWidth) return fail("delta: bit width above 64");
      const uint64_t n = std::min(remaining, per_miniblock);
      const uint64_t needed_bytes = (n * static_cast<uint64_t>(width) + 7) / 8;
      if (needed_bytes > c.remaining()) return fail("delta: truncated miniblock");
      const auto unpack = unpackers[static_cast<size_t>(width)];
      const size_t chunk_bytes = 4 * static_cast<size_t>(width);
      const uint8_t* src = c.p;
      uint64_t done = 0;
      for (; done + 32 <= n; done += 32) {
        if (static_cast<size_t>(c.end - src) >= chunk_bytes + kUnpackSlackBytes) {
          unpack(src, min_delta, &last, dst);
        } else {
          uint8_t padded[4 * kMaxDeltaBitWidth + kUnpackSlackBytes] = {};
          std::memcpy(padded, src, chunk_bytes);
          unpack(padded, min_delta, &last, dst);
        }
        src += chunk_bytes;
        dst += 32;
      }
      if (done < n) {
        // The tail of a short miniblock: unpack a zero-padded copy of what is there.
        const size_t tail = static_cast<size_t>(n - done);
        uint8_t padded[4 * kMaxDeltaBitWidth + kUnpackSlackBytes] = {};
        std::memcpy(padded, src, std::min(chunk_bytes, static_cast<size_t>(c.end - src)));
        T scratch[32];
        uint64_t scratch_last = last;
        unpack(padded, min_delta, &scratch_last, scratch);
        std::memcpy(dst, scratch, tail * sizeof(T));
        // Only the low bits of `last` matter for T = int32_t, so re-widening the value is exact.
        last = static_cast<uint64_t>(static_cast<int64_t>(scratch[tail - 1]));
        dst += tail;
      }
      // A full miniblock always occupies per_miniblock * width bits; the last one of the stream may
      // stop early (its padding is optional in practice), so skip only what is present.
      const uint64_t full_bytes = per_miniblock * static_cast<uint64_t>(width) / 8;
      c.p += static_cast<size_t>(std::min<uint64_t>(full_bytes, c.remaining()));
      remaining -= n;
    }
  }
  if (consumed != nullptr) *consumed = static_cast<size_t>(c.p - begin);
  return OkStatus();
}

template <typename T>
void EncodeDbp(std::span<const T> values, std::string* out) {
  using U = std::make_unsigned_t<T>;
  constexpr int kBits = 8 * sizeof(T);
  uint8_t header[kMaxHeaderBytes];
  uint8_t* h = header;
  h = internal::WriteUleb128(kEncodeBlockSize, h);
  h = internal::WriteUleb128(kEncodeMiniblocks, h);
  h = internal::WriteUleb128(values.size(), h);
  h = internal::WriteUleb128(internal::ZigZagEncode(values.empty() ? 0 : values[0]), h);
  out->append(reinterpret_cast<const char*>(header), static_cast<size_t>(h - header));
  if (values.size() <= 1) return;
  // Worst case per block: min delta varint, width bytes, 4 miniblocks at full width.
  constexpr size_t kMaxBlockBytes = 10 + kEncodeMiniblocks + kEncodeBlockSize * sizeof(T);
  out->reserve(out->size() + values.size() / 4);
  const auto& packers = kPack32<U>;
  const T* v = values.data();
  const size_t n = values.size();
  for (size_t start = 1; start < n; start += kEncodeBlockSize) {
    const size_t count = std::min<size_t>(kEncodeBlockSize, n - start);
    U deltas[kEncodeBlockSize];
    // Deltas in the unsigned domain; the frame of reference is their signed minimum.
    T min_delta = std::numeric_limits<T>::max();
    for (size_t i = 0; i < count; ++i) {
      deltas[i] = static_cast<U>(static_cast<U>(v[start + i]) - static_cast<U>(v[start + i - 1]));
      min_delta = std::min(min_delta, static_cast<T>(deltas[i]));
    }
    for (size_t i = 0; i < count; ++i) deltas[i] -= static_cast<U>(min_delta);
    // Padding values are zero, as the spec recommends.
    std::fill(deltas + count, deltas + kEncodeBlockSize, U{0});
    uint8_t block[kMaxBlockBytes];
    uint8_t* p = internal::WriteUleb128(internal::ZigZagEncode(min_delta), block);
    uint8_t* widths = p;
    p += kEncodeMiniblocks;
    for (size_t m = 0; m < kEncodeMiniblocks; ++m) {
      if (m * kEncodeMiniblockSize >= count) {
        widths[m] = 0;  // unneeded miniblock of the last block: width byte only, no body
        continue;
      }
      U bits = 0;
      for (size_t i = 0; i < kEncodeMiniblockSize; ++i)
        bits |= deltas[m * kEncodeMiniblockSize + i];
      const int width = kBits - std::countl_zero(bits);
      widths[m] = static_cast<uint8_t>(width);
      packers[static_cast<size_t>(width)](deltas + m * kEncodeMiniblockSize, p);
      p += 4 * width;
    }
    out->append(reinterpret_cast<const char*>(block), static_cast<size_t>(p - block));
  }
}

// Lengths of a ByteArrays as the int32 values DLBA stores.
std::vector<int32_t> Lengths(const ByteArrays& values) {
  std::vector<int32_t> lengths(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t len = values[i].size();
    FGM_CHECK(len <= static_cast<size_t>(std::numeric_limits<int32_t>::max()))
        << "BYTE_ARRAY value longer than 2 GiB";
    lengths[i] = static_cast<int32_t>(len);
  }
  return lengths;
}

// Decodes `count` values' lengths (a DBP stream) followed by their concatenated bytes.
Status DecodeLengthsAndBytes(std::string_view data, size_t max_values,
                             std::vector<int32_t>* lengths, std::string_view* bytes,
                             size_t* total_bytes) {
  size_t used = 0;
  FGM_RETURN_IF_ERROR(DecodeDbp<int32_t>(data, max_values, lengths, &used));
  uint64_t total = 0;
  for (const int32_t len : *lengths) {
    if (len < 0) return CorruptError("delta: negative byte array length");
    total += static_cast<uint64_t>(len);
  }
  if (total > data.size() - used) return CorruptError("delta: byte arrays past end of data");
  *bytes = data.substr(used, static_cast<size_t>(total));
  *total_bytes = used + static_cast<size_t>(total);
  return OkStatus();
}

}  // namespace

template <typename T>
void DeltaBinaryPackedEncode(std::span<const T> values, std::string* out) {
  EncodeDbp<T>(values, out);
}

template <typename T>
Status DeltaBinaryPackedDecode(std::string_view data, size_t max_values, std::vector<T>* out,
                               size_t* consumed) {
  return DecodeDbp<T>(data, max_values, out, consumed);
}

template void DeltaBinaryPackedEncode<int32_t>(std::span<const int32_t>, std::string*);
template void DeltaBinaryPackedEncode<int64_t>(std::span<const int64_t>, std::string*);
template Status DeltaBinaryPackedDecode<int32_t>(std::string_view, size_t, std::vector<int32_t>*,
                                                 size_t*);
template Status DeltaBinaryPackedDecode<int64_t>(std::string_view, size_t, std::vector<int64_t>*,
                                                 size_t*);

void DeltaLengthByteArrayEncode(const ByteArrays& values, std::string* out) {
  const std::vector<int32_t> lengths = Lengths(values);
  EncodeDbp<int32_t>(lengths, out);
  out->reserve(out->size() + values.total_bytes());
  for (size_t i = 0; i < values.size(); ++i) out->append(values[i]);
}

Status DeltaLengthByteArrayDecode(std::string_view data, size_t max_values, ByteArrays* out,
                                  size_t* consumed) {
  std::vector<int32_t> lengths;
  std::string_view bytes;
  size_t used = 0;
  FGM_RETURN_IF_ERROR(DecodeLengthsAndBytes(data, max_values, &lengths, &bytes, &used));
  out->Reserve(out->size() + lengths.size(), out->total_bytes() + bytes.size());
  size_t pos = 0;
  for (const int32_t len : lengths) {
    out->Append(bytes.substr(pos, static_cast<size_t>(len)));
    pos += static_cast<size_t>(len);
  }
  if (consumed != nullptr) *consumed = used;
  return OkStatus();
}

void DeltaByteArrayEncode(const ByteArrays& values, std::string* out) {
  std::vector<int32_t> prefixes(values.size());
  ByteArrays suffixes;
  std::string_view previous;
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string_view v = values[i];
    const size_t limit = std::min(v.size(), previous.size());
    size_t prefix = 0;
    while (prefix < limit && v[prefix] == previous[prefix]) ++prefix;
    FGM_CHECK(prefix <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
    prefixes[i] = static_cast<int32_t>(prefix);
    suffixes.Append(v.substr(prefix));
    previous = v;
  }
  EncodeDbp<int32_t>(prefixes, out);
  DeltaLengthByteArrayEncode(suffixes, out);
}

Status DeltaByteArrayDecode(std::string_view data, size_t max_values, ByteArrays* out,
                            size_t* consumed) {
  std::vector<int32_t> prefixes;
  size_t prefix_bytes = 0;
  FGM_RETURN_IF_ERROR(DecodeDbp<int32_t>(data, max_values, &prefixes, &prefix_bytes));
  std::vector<int32_t> suffix_lengths;
  std::string_view suffix_bytes;
  size_t suffix_used = 0;
  FGM_RETURN_IF_ERROR(DecodeLengthsAndBytes(data.substr(prefix_bytes), max_values, &suffix_lengths,
                                            &suffix_bytes, &suffix_used));
  if (suffix_lengths.size() != prefixes.size()) {
    return CorruptError("delta: prefix and suffix counts differ");
  }
  // Prefixes copy bytes that are not in the input, so a small page could expand without bound;
  // check the decoded total against the cap before allocating anything.
  uint64_t total = 0;
  uint64_t previous_length = 0;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    if (prefixes[i] < 0 || static_cast<uint64_t>(prefixes[i]) > previous_length) {
      return CorruptError("delta: prefix longer than the previous value");
    }
    previous_length = static_cast<uint64_t>(prefixes[i]) + static_cast<uint64_t>(suffix_lengths[i]);
    total += previous_length;
    if (total > kMaxDeltaByteArrayDecodedBytes) {
      return CorruptError("delta: decoded byte arrays exceed the size cap");
    }
  }
  out->Reserve(out->size() + prefixes.size(), out->total_bytes() + static_cast<size_t>(total));
  std::string current;
  size_t pos = 0;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    const size_t suffix_len = static_cast<size_t>(suffix_lengths[i]);
    current.resize(static_cast<size_t>(prefixes[i]));
    current.append(suffix_bytes.substr(pos, suffix_len));
    pos += suffix_len;
    out->Append(current);
  }
  if (consumed != nullptr) *consumed = prefix_bytes + suffix_used;
  return OkStatus();
}

}  // namespace fgm::parquet

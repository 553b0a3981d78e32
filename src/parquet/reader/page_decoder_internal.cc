// SPDX-License-Identifier: Apache-2.0
// Page decoding for FileReader: levels, decompression and every value encoding, decoding straight
// into the output batch's vectors (no per-value virtual calls, no intermediate copies for PLAIN,
// DELTA_BINARY_PACKED and BYTE_STREAM_SPLIT).
#include "parquet/reader/page_decoder_internal.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "parquet/compression.h"
#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle_bp.h"

namespace fgm::parquet {

ColumnReadBuffers::ColumnReadBuffers() : impl_(std::make_unique<Impl>()) {}
ColumnReadBuffers::~ColumnReadBuffers() = default;
ColumnReadBuffers::ColumnReadBuffers(ColumnReadBuffers&&) noexcept = default;
ColumnReadBuffers& ColumnReadBuffers::operator=(ColumnReadBuffers&&) noexcept = default;

namespace internal {
namespace {

uint32_t LoadLe32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Bytes one decoded value occupies in a ColumnBatch, for the decoded-size budget. Byte arrays count
// their 8-byte offset here and their payload separately.
size_t ValueWidth(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return 1;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    default:
      return 8;
  }
}

bool IsKnownCodec(CompressionCodec codec) {
  auto v = static_cast<int32_t>(codec);
  return v >= static_cast<int32_t>(CompressionCodec::kUncompressed) &&
         v <= static_cast<int32_t>(CompressionCodec::kLz4Raw);
}

std::string EncodingText(Encoding e) {
  std::string_view name = EncodingName(e);
  if (name == "UNKNOWN") return "unknown encoding " + std::to_string(static_cast<int32_t>(e));
  return std::string(name);
}

template <typename T>
std::vector<T>& Values(ColumnBatch* b) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    return b->bools;
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return b->int32s;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return b->int64s;
  } else if constexpr (std::is_same_v<T, float>) {
    return b->floats;
  } else {
    return b->doubles;
  }
}

template <typename T>
const std::vector<T>& DictValues(const DictionaryValues& d) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    return d.bools;
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return d.int32s;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return d.int64s;
  } else if constexpr (std::is_same_v<T, float>) {
    return d.floats;
  } else {
    return d.doubles;
  }
}

template <typename T>
std::vector<T>& MutableDictValues(DictionaryValues* d) {
  return const_cast<std::vector<T>&>(DictValues<T>(*d));
}

// Calls fn.template operator()<T>() with T the C++ type of a fixed-width physical type, or returns
// false for byte-array types.
template <typename Fn>
bool VisitFixedWidth(PhysicalType type, Fn&& fn) {
  switch (type) {
    case PhysicalType::kBoolean:
      fn.template operator()<uint8_t>();
      return true;
    case PhysicalType::kInt32:
      fn.template operator()<int32_t>();
      return true;
    case PhysicalType::kInt64:
      fn.template operator()<int64_t>();
      return true;
    case PhysicalType::kFloat:
      fn.template operator()<float>();
      return true;
    case PhysicalType::kDouble:
      fn.template operator()<double>();
      return true;
    default:
      return false;
  }
}

}  // namespace

void ResetBatch(PhysicalType type, ColumnBatch* batch) {
  batch->type = type;
  batch->num_rows = 0;
  batch->validity.clear();
  batch->bools.clear();
  batch->int32s.clear();
  batch->int64s.clear();
  batch->floats.clear();
  batch->doubles.clear();
  batch->bytes.Clear();
}

void FinishBatch(ColumnBatch* batch) {
  if (std::find(batch->validity.begin(), batch->validity.end(), 0) == batch->validity.end()) {
    batch->validity.clear();
  }
}

void AppendRows(const ColumnBatch& src, size_t first_row, size_t count, ColumnBatch* dst) {
  size_t value_begin = first_row;
  size_t value_count = count;
  if (!src.validity.empty()) {
    const uint8_t* v = src.validity.data();
    value_begin = static_cast<size_t>(std::count(v, v + first_row, 1));
    value_count = static_cast<size_t>(std::count(v + first_row, v + first_row + count, 1));
    dst->validity.insert(dst->validity.end(), v + first_row, v + first_row + count);
  }
  dst->num_rows += count;
  bool fixed = VisitFixedWidth(src.type, [&]<typename T>() {
    const std::vector<T>& from = Values<T>(const_cast<ColumnBatch*>(&src));
    std::vector<T>& to = Values<T>(dst);
    to.insert(to.end(), from.begin() + static_cast<ptrdiff_t>(value_begin),
              from.begin() + static_cast<ptrdiff_t>(value_begin + value_count));
  });
  if (!fixed) {
    for (size_t i = value_begin; i < value_begin + value_count; ++i)
      dst->bytes.Append(src.bytes[i]);
  }
}

ChunkDecoder::ChunkDecoder(const ColumnSpec& column, CompressionCodec codec,
                           const ReaderOptions& options, ColumnReadBuffers::Impl* buffers,
                           std::string context)
    : column_(column),
      codec_(codec),
      options_(options),
      buffers_(buffers),
      context_(std::move(context)),
      optional_(column.repetition == Repetition::kOptional) {
  if (column.type == PhysicalType::kInt96) fixed_width_ = 12;
  if (column.type == PhysicalType::kFixedLenByteArray) fixed_width_ = column.type_length;
  buffers_->dictionary.size = 0;
}

Status ChunkDecoder::Corrupt(uint64_t file_offset, const std::string& what) const {
  return CorruptError(context_ + ": page at offset " + std::to_string(file_offset) + ": " + what);
}

Status ChunkDecoder::Unsupported(uint64_t file_offset, const std::string& what) const {
  return UnsupportedError(context_ + ": page at offset " + std::to_string(file_offset) + ": " +
                          what);
}

Status ChunkDecoder::Charge(size_t bytes, uint64_t file_offset) {
  if (bytes > options_.max_decoded_bytes - std::min(charged_bytes_, options_.max_decoded_bytes)) {
    return ResourceExhaustedError(context_ + ": page at offset " + std::to_string(file_offset) +
                                  ": decoded values would exceed the reader's limit of " +
                                  std::to_string(options_.max_decoded_bytes) +
                                  " bytes (ReaderOptions::max_decoded_bytes)");
  }
  charged_bytes_ += bytes;
  return OkStatus();
}

Result<RawPage> ChunkDecoder::ParsePage(std::string_view data, uint64_t file_offset) const {
  RawPage page;
  size_t header_size = 0;
  auto header = DeserializePageHeader(data, &header_size);
  if (!header.ok()) {
    return Status(header.error().code(), context_ + ": page header at offset " +
                                             std::to_string(file_offset) + ": " +
                                             header.error().message());
  }
  page.header = std::move(header).value();
  const PageHeader& h = page.header;
  if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0) {
    return Corrupt(file_offset, "negative page size (compressed " +
                                    std::to_string(h.compressed_page_size) + ", uncompressed " +
                                    std::to_string(h.uncompressed_page_size) + ")");
  }
  if (header_size > data.size() ||
      static_cast<size_t>(h.compressed_page_size) > data.size() - header_size) {
    return Corrupt(file_offset,
                   "compressed page size " + std::to_string(h.compressed_page_size) +
                       " runs past the end of the column chunk (" +
                       std::to_string(data.size() - std::min(header_size, data.size())) +
                       " bytes left)");
  }
  if (static_cast<size_t>(h.uncompressed_page_size) > options_.max_page_bytes) {
    return Corrupt(file_offset, "uncompressed page size " +
                                    std::to_string(h.uncompressed_page_size) +
                                    " exceeds the reader's cap of " +
                                    std::to_string(options_.max_page_bytes) + " bytes");
  }
  page.payload = data.substr(header_size, static_cast<size_t>(h.compressed_page_size));
  page.total_size = header_size + static_cast<size_t>(h.compressed_page_size);
  return page;
}

Result<int64_t> ChunkDecoder::DataPageRows(const RawPage& page, uint64_t file_offset) const {
  const PageHeader& h = page.header;
  if (h.type == PageType::kDataPage) {
    if (!h.data_page_header) return Corrupt(file_offset, "DATA_PAGE without data_page_header");
    if (h.data_page_header->num_values < 0) {
      return Corrupt(file_offset,
                     "negative num_values " + std::to_string(h.data_page_header->num_values));
    }
    return h.data_page_header->num_values;
  }
  if (h.type == PageType::kDataPageV2) {
    if (!h.data_page_header_v2) {
      return Corrupt(file_offset, "DATA_PAGE_V2 without data_page_header_v2");
    }
    const DataPageHeaderV2& v2 = *h.data_page_header_v2;
    if (v2.num_values < 0 || v2.num_rows < 0 || v2.num_nulls < 0) {
      return Corrupt(file_offset, "negative count in DATA_PAGE_V2 header");
    }
    if (v2.num_rows != v2.num_values) {
      return Corrupt(file_offset, "DATA_PAGE_V2 of a flat column has num_rows " +
                                      std::to_string(v2.num_rows) + " != num_values " +
                                      std::to_string(v2.num_values));
    }
    return v2.num_values;
  }
  return Corrupt(file_offset, "not a data page");
}

Result<std::string_view> ChunkDecoder::Decompress(std::string_view compressed,
                                                  size_t uncompressed_size, uint64_t file_offset) {
  if (codec_ == CompressionCodec::kUncompressed) return compressed;
  if (!IsKnownCodec(codec_)) {
    return Unsupported(file_offset,
                       "unknown compression codec " + std::to_string(static_cast<int32_t>(codec_)));
  }
  Status s = parquet::Decompress(codec_, compressed, uncompressed_size, &buffers_->decompressed);
  if (!s.ok()) {
    return Status(s.code(), context_ + ": page at offset " + std::to_string(file_offset) + ": " +
                                std::string(CodecName(codec_)) + ": " + s.message());
  }
  if (buffers_->decompressed.size() != uncompressed_size) {
    return Corrupt(file_offset, "decompressed to " + std::to_string(buffers_->decompressed.size()) +
                                    " bytes, header says " + std::to_string(uncompressed_size));
  }
  return std::string_view(buffers_->decompressed);
}

Status ChunkDecoder::DecodeDictionaryPage(const RawPage& page, uint64_t file_offset) {
  const PageHeader& h = page.header;
  if (has_dictionary_) return Corrupt(file_offset, "second dictionary page in a column chunk");
  if (!h.dictionary_page_header) {
    return Corrupt(file_offset, "DICTIONARY_PAGE without dictionary_page_header");
  }
  const DictionaryPageHeader& dh = *h.dictionary_page_header;
  if (dh.num_values < 0) {
    return Corrupt(file_offset, "negative dictionary size " + std::to_string(dh.num_values));
  }
  if (dh.encoding != Encoding::kPlain && dh.encoding != Encoding::kPlainDictionary) {
    return Unsupported(file_offset, "dictionary page encoding " + EncodingText(dh.encoding));
  }
  FGM_ASSIGN_OR_RETURN(
      std::string_view data,
      Decompress(page.payload, static_cast<size_t>(h.uncompressed_page_size), file_offset));
  auto n = static_cast<size_t>(dh.num_values);
  DictionaryValues& dict = buffers_->dictionary;
  Status status;
  bool fixed = VisitFixedWidth(column_.type, [&]<typename T>() {
    if (std::is_same_v<T, uint8_t>) {
      status = Unsupported(file_offset, "dictionary page for a BOOLEAN column");
      return;
    }
    if (n > data.size() / sizeof(T)) {
      status =
          Corrupt(file_offset, "dictionary of " + std::to_string(n) + " values needs more than " +
                                   std::to_string(data.size()) + " bytes");
      return;
    }
    std::vector<T>& values = MutableDictValues<T>(&dict);
    values.resize(n);
    if constexpr (!std::is_same_v<T, uint8_t>) status = PlainDecode<T>(data, n, values.data());
  });
  if (!fixed) {
    dict.bytes.Clear();
    if (column_.type == PhysicalType::kByteArray) {
      // Each PLAIN byte array takes at least its 4-byte length: a count beyond that is a lie, and
      // checking first keeps the decoder from reserving for it.
      if (n > data.size() / 4) {
        return Corrupt(file_offset, "dictionary of " + std::to_string(n) +
                                        " byte arrays cannot fit in " +
                                        std::to_string(data.size()) + " bytes");
      }
      status = PlainDecodeByteArrays(data, n, &dict.bytes);
    } else {
      if (fixed_width_ <= 0 || n > data.size() / static_cast<size_t>(fixed_width_)) {
        return Corrupt(file_offset, "dictionary of " + std::to_string(n) + " values of " +
                                        std::to_string(fixed_width_) + " bytes cannot fit in " +
                                        std::to_string(data.size()) + " bytes");
      }
      status = PlainDecodeFixedLen(data, n, fixed_width_, &dict.bytes);
    }
    if (status.ok() && dict.bytes.size() != n) {
      status = Corrupt(file_offset, "dictionary decoded to " + std::to_string(dict.bytes.size()) +
                                        " values, header says " + std::to_string(n));
    }
  }
  if (!status.ok()) {
    if (status.message().starts_with(context_)) return status;
    return Status(status.code(), context_ + ": dictionary page at offset " +
                                     std::to_string(file_offset) + ": " + status.message());
  }
  dict.size = n;
  has_dictionary_ = true;
  return OkStatus();
}

Status ChunkDecoder::DecodeLevels(std::string_view data, size_t count, ColumnBatch* out,
                                  size_t* non_null, uint64_t file_offset) {
  std::vector<uint32_t>& levels = buffers_->levels;
  levels.resize(count);
  RleBpDecoder decoder(reinterpret_cast<const uint8_t*>(data.data()), data.size(), 1);
  Status s = decoder.GetBatch(levels.data(), count);
  if (!s.ok()) return Corrupt(file_offset, "definition levels: " + s.message());
  size_t old = out->validity.size();
  out->validity.resize(old + count);
  uint8_t* validity = out->validity.data() + old;
  size_t present = 0;
  uint32_t bad = 0;
  for (size_t i = 0; i < count; ++i) {
    uint32_t level = levels[i];
    bad |= level & ~1u;
    validity[i] = static_cast<uint8_t>(level & 1u);
    present += level & 1u;
  }
  if (bad != 0) return Corrupt(file_offset, "definition level above the column's maximum of 1");
  *non_null = present;
  return OkStatus();
}

Status ChunkDecoder::DecodeDictionaryIndices(std::string_view data, size_t count,
                                             uint64_t file_offset) {
  std::vector<uint32_t>& indices = buffers_->indices;
  if (count == 0) {
    indices.clear();
    return OkStatus();
  }
  if (!has_dictionary_)
    return Corrupt(file_offset, "dictionary-encoded page but no dictionary page");
  if (data.empty()) return Corrupt(file_offset, "dictionary indices: missing bit width byte");
  int bit_width = static_cast<uint8_t>(data[0]);
  if (bit_width > 32) {
    return Corrupt(file_offset,
                   "dictionary index bit width " + std::to_string(bit_width) + " > 32");
  }
  indices.resize(count);
  RleBpDecoder decoder(reinterpret_cast<const uint8_t*>(data.data()) + 1, data.size() - 1,
                       bit_width);
  Status s = decoder.GetBatch(indices.data(), count);
  if (!s.ok()) return Corrupt(file_offset, "dictionary indices: " + s.message());
  // One max pass (vectorizes) instead of a branch per value in the gather loop.
  uint32_t max_index = *std::max_element(indices.begin(), indices.end());
  if (max_index >= buffers_->dictionary.size) {
    return Corrupt(file_offset, "dictionary index " + std::to_string(max_index) +
                                    " out of range (dictionary has " +
                                    std::to_string(buffers_->dictionary.size) + " values)");
  }
  return OkStatus();
}

Status ChunkDecoder::DecodeDeltaByteArray(std::string_view data, size_t count, ColumnBatch* out,
                                          uint64_t file_offset) {
  // Decoded here rather than by DeltaByteArrayDecode so the output size is known and budgeted
  // before it is built: each value may repeat all of the previous one, so a few kilobytes of prefix
  // lengths can describe gigabytes of strings.
  std::vector<int32_t>& prefixes = buffers_->prefix_lengths;
  prefixes.clear();
  size_t consumed = 0;
  Status s = DeltaBinaryPackedDecode<int32_t>(data, count, &prefixes, &consumed);
  if (!s.ok()) return Corrupt(file_offset, "DELTA_BYTE_ARRAY prefix lengths: " + s.message());
  if (prefixes.size() != count || consumed > data.size()) {
    return Corrupt(file_offset, "DELTA_BYTE_ARRAY has " + std::to_string(prefixes.size()) +
                                    " prefix lengths, expected " + std::to_string(count));
  }
  ByteArrays& suffixes = buffers_->suffixes;
  suffixes.Clear();
  s = DeltaLengthByteArrayDecode(data.substr(consumed), count, &suffixes);
  if (!s.ok()) return Corrupt(file_offset, "DELTA_BYTE_ARRAY suffixes: " + s.message());
  if (suffixes.size() != count) {
    return Corrupt(file_offset, "DELTA_BYTE_ARRAY has " + std::to_string(suffixes.size()) +
                                    " suffixes, expected " + std::to_string(count));
  }
  uint64_t total = 0;
  uint64_t previous = 0;
  for (size_t i = 0; i < count; ++i) {
    int32_t prefix = prefixes[i];
    if (prefix < 0 || static_cast<uint64_t>(prefix) > previous) {
      return Corrupt(file_offset, "DELTA_BYTE_ARRAY prefix length " + std::to_string(prefix) +
                                      " longer than the previous value (" +
                                      std::to_string(previous) + " bytes)");
    }
    previous = static_cast<uint64_t>(prefix) + suffixes[i].size();
    if (fixed_width_ > 0 && previous != static_cast<uint64_t>(fixed_width_)) {
      return Corrupt(file_offset, "DELTA_BYTE_ARRAY value of " + std::to_string(previous) +
                                      " bytes in a FIXED_LEN_BYTE_ARRAY(" +
                                      std::to_string(fixed_width_) + ") column");
    }
    total += previous;
    if (total > options_.max_decoded_bytes) break;  // Charge() below reports it
  }
  FGM_RETURN_IF_ERROR(Charge(total, file_offset));
  std::string& last = buffers_->last_value;
  last.clear();
  out->bytes.Reserve(out->bytes.size() + count, out->bytes.total_bytes() + total);
  for (size_t i = 0; i < count; ++i) {
    last.resize(static_cast<size_t>(prefixes[i]));
    last.append(suffixes[i]);
    out->bytes.Append(last);
  }
  return OkStatus();
}

Status ChunkDecoder::DecodeValues(Encoding encoding, std::string_view data, size_t count,
                                  ColumnBatch* out, uint64_t file_offset) {
  Status status;
  auto unsupported = [&] {
    return Unsupported(file_offset, EncodingText(encoding) + " for a " +
                                        std::string(PhysicalTypeName(column_.type)) + " column");
  };
  const bool dictionary =
      encoding == Encoding::kRleDictionary || encoding == Encoding::kPlainDictionary;
  if (dictionary) FGM_RETURN_IF_ERROR(DecodeDictionaryIndices(data, count, file_offset));

  bool fixed = VisitFixedWidth(column_.type, [&]<typename T>() {
    std::vector<T>& values = Values<T>(out);
    const size_t old = values.size();
    if (dictionary) {
      if constexpr (std::is_same_v<T, uint8_t>) {
        status = unsupported();
      } else {
        values.resize(old + count);
        const T* dict = DictValues<T>(buffers_->dictionary).data();
        const uint32_t* idx = buffers_->indices.data();
        T* dst = values.data() + old;
        for (size_t i = 0; i < count; ++i) dst[i] = dict[idx[i]];
      }
      return;
    }
    switch (encoding) {
      case Encoding::kPlain:
        if constexpr (std::is_same_v<T, uint8_t>) {
          if (count > data.size() * 8) {
            status =
                Corrupt(file_offset, std::to_string(count) + " PLAIN booleans need more than " +
                                         std::to_string(data.size()) + " bytes");
            return;
          }
          values.resize(old + count);
          status = PlainDecodeBooleans(data, count, values.data() + old);
        } else {
          if (count > data.size() / sizeof(T)) {
            status = Corrupt(file_offset, std::to_string(count) + " PLAIN values need " +
                                              std::to_string(count * sizeof(T)) +
                                              " bytes, page has " + std::to_string(data.size()));
            return;
          }
          values.resize(old + count);
          status = PlainDecode<T>(data, count, values.data() + old);
        }
        return;
      case Encoding::kRle:
        if constexpr (std::is_same_v<T, uint8_t>) {
          // RLE booleans carry a 4-byte length prefix like v1 levels (Encodings.md).
          if (data.size() < 4) {
            status = Corrupt(file_offset, "RLE booleans: missing 4-byte length");
            return;
          }
          uint32_t length = LoadLe32(data.data());
          if (length > data.size() - 4) {
            status = Corrupt(file_offset, "RLE booleans: length " + std::to_string(length) +
                                              " runs past the page");
            return;
          }
          std::vector<uint32_t>& tmp = buffers_->indices;
          tmp.resize(count);
          RleBpDecoder decoder(reinterpret_cast<const uint8_t*>(data.data()) + 4, length, 1);
          status = decoder.GetBatch(tmp.data(), count);
          if (!status.ok()) {
            status = Corrupt(file_offset, "RLE booleans: " + status.message());
            return;
          }
          values.resize(old + count);
          for (size_t i = 0; i < count; ++i) values[old + i] = static_cast<uint8_t>(tmp[i] & 1u);
        } else {
          status = unsupported();
        }
        return;
      case Encoding::kDeltaBinaryPacked:
        if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
          status = DeltaBinaryPackedDecode<T>(data, count, &values);
          if (status.ok() && values.size() != old + count) {
            status = Corrupt(file_offset, "DELTA_BINARY_PACKED stream holds " +
                                              std::to_string(values.size() - old) +
                                              " values, page says " + std::to_string(count));
          }
        } else {
          status = unsupported();
        }
        return;
      case Encoding::kByteStreamSplit:
        if constexpr (std::is_same_v<T, uint8_t>) {
          status = unsupported();
        } else {
          if (count > data.size() / sizeof(T)) {
            status = Corrupt(file_offset, std::to_string(count) +
                                              " BYTE_STREAM_SPLIT values need more than " +
                                              std::to_string(data.size()) + " bytes");
            return;
          }
          values.resize(old + count);
          status = ByteStreamSplitDecode<T>(data, count, values.data() + old);
        }
        return;
      default:
        status = unsupported();
        return;
    }
  });
  if (!fixed) {
    ByteArrays& bytes = out->bytes;
    const size_t old = bytes.size();
    const bool is_byte_array = column_.type == PhysicalType::kByteArray;
    if (dictionary) {
      const ByteArrays& dict = buffers_->dictionary.bytes;
      const uint32_t* idx = buffers_->indices.data();
      uint64_t total = 0;
      for (size_t i = 0; i < count; ++i) total += dict[idx[i]].size();
      FGM_RETURN_IF_ERROR(Charge(total, file_offset));
      bytes.Reserve(old + count, bytes.total_bytes() + total);
      for (size_t i = 0; i < count; ++i) bytes.Append(dict[idx[i]]);
    } else if (encoding == Encoding::kPlain) {
      FGM_RETURN_IF_ERROR(Charge(data.size(), file_offset));
      if (is_byte_array) {
        if (count > data.size() / 4) {
          return Corrupt(file_offset, std::to_string(count) + " PLAIN byte arrays cannot fit in " +
                                          std::to_string(data.size()) + " bytes");
        }
        status = PlainDecodeByteArrays(data, count, &bytes);
      } else {
        if (fixed_width_ <= 0 || count > data.size() / static_cast<size_t>(fixed_width_)) {
          return Corrupt(file_offset, std::to_string(count) + " values of " +
                                          std::to_string(fixed_width_) + " bytes need more than " +
                                          std::to_string(data.size()) + " bytes");
        }
        status = PlainDecodeFixedLen(data, count, fixed_width_, &bytes);
      }
    } else if (encoding == Encoding::kDeltaLengthByteArray && is_byte_array) {
      FGM_RETURN_IF_ERROR(Charge(data.size(), file_offset));
      status = DeltaLengthByteArrayDecode(data, count, &bytes);
    } else if (encoding == Encoding::kDeltaByteArray && column_.type != PhysicalType::kInt96) {
      return DecodeDeltaByteArray(data, count, out, file_offset);
    } else {
      return unsupported();
    }
    if (status.ok() && bytes.size() != old + count) {
      status = Corrupt(file_offset, EncodingText(encoding) + " decoded " +
                                        std::to_string(bytes.size() - old) + " values, page says " +
                                        std::to_string(count));
    }
  }
  if (!status.ok() && !status.message().starts_with(context_)) {
    return Status(status.code(), context_ + ": page at offset " + std::to_string(file_offset) +
                                     ": " + EncodingText(encoding) + ": " + status.message());
  }
  return status;
}

Status ChunkDecoder::DecodeDataPage(const RawPage& page, uint64_t file_offset, ColumnBatch* out) {
  const PageHeader& h = page.header;
  FGM_ASSIGN_OR_RETURN(int64_t rows, DataPageRows(page, file_offset));
  auto count = static_cast<size_t>(rows);
  // Budget before anything is allocated: values plus one validity byte per row.
  FGM_RETURN_IF_ERROR(
      Charge(count * (ValueWidth(column_.type) + (optional_ ? 1 : 0)), file_offset));

  std::string_view levels;  // definition levels (RLE, no length prefix)
  std::string_view values;
  Encoding encoding;
  if (h.type == PageType::kDataPage) {
    const DataPageHeader& dp = *h.data_page_header;
    encoding = dp.encoding;
    FGM_ASSIGN_OR_RETURN(
        std::string_view data,
        Decompress(page.payload, static_cast<size_t>(h.uncompressed_page_size), file_offset));
    if (optional_) {
      if (dp.definition_level_encoding == Encoding::kBitPacked) {
        return Unsupported(file_offset, "BIT_PACKED definition levels (deprecated)");
      }
      if (dp.definition_level_encoding != Encoding::kRle) {
        return Unsupported(
            file_offset, "definition level encoding " + EncodingText(dp.definition_level_encoding));
      }
      if (data.size() < 4) return Corrupt(file_offset, "definition levels: missing 4-byte length");
      uint32_t length = LoadLe32(data.data());
      if (length > data.size() - 4) {
        return Corrupt(file_offset, "definition levels length " + std::to_string(length) +
                                        " runs past the page (" + std::to_string(data.size() - 4) +
                                        " bytes left)");
      }
      levels = data.substr(4, length);
      values = data.substr(4 + length);
    } else {
      values = data;
    }
  } else {
    const DataPageHeaderV2& v2 = *h.data_page_header_v2;
    encoding = v2.encoding;
    if (v2.definition_levels_byte_length < 0 || v2.repetition_levels_byte_length < 0) {
      return Corrupt(file_offset, "negative level byte length in DATA_PAGE_V2 header");
    }
    auto rep_len = static_cast<size_t>(v2.repetition_levels_byte_length);
    auto def_len = static_cast<size_t>(v2.definition_levels_byte_length);
    if (rep_len + def_len > page.payload.size() ||
        rep_len + def_len > static_cast<size_t>(h.uncompressed_page_size)) {
      return Corrupt(file_offset, "level byte lengths (" + std::to_string(rep_len) + " + " +
                                      std::to_string(def_len) + ") exceed the page size");
    }
    // v2 levels are never compressed; only the values section is (when is_compressed).
    levels = page.payload.substr(rep_len, def_len);
    std::string_view compressed = page.payload.substr(rep_len + def_len);
    size_t values_size = static_cast<size_t>(h.uncompressed_page_size) - rep_len - def_len;
    if (v2.is_compressed) {
      FGM_ASSIGN_OR_RETURN(values, Decompress(compressed, values_size, file_offset));
    } else {
      values = compressed;
    }
  }

  size_t non_null = count;
  if (optional_) {
    FGM_RETURN_IF_ERROR(DecodeLevels(levels, count, out, &non_null, file_offset));
  }
  FGM_RETURN_IF_ERROR(DecodeValues(encoding, values, non_null, out, file_offset));
  out->num_rows += count;
  return OkStatus();
}

}  // namespace internal
}  // namespace fgm::parquet

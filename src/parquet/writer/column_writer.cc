// SPDX-License-Identifier: Apache-2.0
#include "parquet/writer/column_writer.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/check.h"
#include "parquet/compression.h"
#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/dictionary.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle_bp.h"
#include "parquet/writer/statistics.h"

namespace fgm::parquet {
namespace {

// The page's raw (non-null) values, in the representation each encoder takes.
template <typename T>
struct PageValues {
  std::vector<T> values;
  void Push(T v) { values.push_back(v); }
  void Clear() { values.clear(); }
  size_t size() const { return values.size(); }
  size_t bytes() const { return values.size() * sizeof(T); }
  T operator[](size_t i) const { return values[i]; }
};
template <>
struct PageValues<std::string_view> {
  ByteArrays values;
  void Push(std::string_view v) { values.Append(v); }
  void Clear() { values.Clear(); }
  size_t size() const { return values.size(); }
  // 4 bytes per value approximates the length prefix every byte-array encoding stores.
  size_t bytes() const { return values.total_bytes() + 4 * values.size(); }
  std::string_view operator[](size_t i) const { return values[i]; }
};

template <typename T>
const auto& DenseValues(const ColumnBatch& b) {
  if constexpr (std::is_same_v<T, uint8_t>)
    return b.bools;
  else if constexpr (std::is_same_v<T, int32_t>)
    return b.int32s;
  else if constexpr (std::is_same_v<T, int64_t>)
    return b.int64s;
  else if constexpr (std::is_same_v<T, float>)
    return b.floats;
  else if constexpr (std::is_same_v<T, double>)
    return b.doubles;
  else
    return b.bytes;
}

Encoding DefaultFallbackEncoding(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return Encoding::kRle;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return Encoding::kDeltaBinaryPacked;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return Encoding::kByteStreamSplit;
    case PhysicalType::kByteArray:
      return Encoding::kDeltaLengthByteArray;
    default:
      return Encoding::kPlain;
  }
}

// Values per page sample used to choose an encoding: large enough to show a column's character
// (8 miniblocks' worth of deltas, many dictionary repeats), small enough that trying every
// candidate costs a few percent of writing the chunk.
constexpr size_t kAnalyzeSampleValues = 8192;

bool IsDictionary(Encoding e) {
  return e == Encoding::kRleDictionary || e == Encoding::kPlainDictionary;
}

void AppendLe32(uint32_t v, std::string* out) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

template <typename T>
class TypedColumnWriter final : public ColumnChunkWriter {
 public:
  // Booleans never use a dictionary (the format forbids it); int32_t only gives the member a type.
  using Dictionary = std::conditional_t<std::is_same_v<T, uint8_t>, DictionaryBuilder<int32_t>,
                                        DictionaryBuilder<T>>;

  TypedColumnWriter(const ColumnSpec& spec, const ResolvedColumnOptions& options)
      : spec_(spec),
        options_(options),
        optional_(spec.repetition == Repetition::kOptional),
        page_stats_(UsesUnsignedOrder(spec)),
        chunk_stats_(UsesUnsignedOrder(spec)) {}

  Status Append(const ColumnBatch& batch, size_t row_begin, size_t row_end,
                size_t value_begin) override {
    const auto& dense = DenseValues<T>(batch);
    size_t vi = value_begin;
    for (size_t row = row_begin; row < row_end; ++row) {
      bool present = !batch.IsNull(row);
      if (optional_) def_levels_.push_back(present ? 1 : 0);
      if (present) {
        T v = dense[vi++];
        page_values_.Push(v);
        if (options_.write_statistics) page_stats_.Update(v);
      } else {
        ++page_nulls_;
      }
      ++page_rows_;
      if (page_values_.bytes() >= options_.target_page_bytes ||
          (options_.max_page_rows > 0 && page_rows_ >= options_.max_page_rows)) {
        FGM_RETURN_IF_ERROR(FlushPage());
      }
    }
    return OkStatus();
  }

  size_t buffered_bytes() const override {
    return data_pages_.size() + page_values_.bytes() + (dictionary_ ? dictionary_->bytes() : 0);
  }

  Result<FinishedChunk> Finish() override {
    if (page_rows_ > 0 || num_pages_ == 0) FGM_RETURN_IF_ERROR(FlushPage());
    FinishedChunk out;
    ColumnMetaData& meta = out.meta;
    meta.type = spec_.type;
    meta.path_in_schema = {spec_.name};
    meta.codec = options_.codec;
    meta.num_values = total_rows_;

    int64_t data_start = 0;
    if (dictionary_) {
      std::string dict_plain;
      dictionary_->WriteDictionaryPage(&dict_plain);
      PageHeader header;
      header.type = PageType::kDictionaryPage;
      DictionaryPageHeader dict_header;
      dict_header.num_values = static_cast<int32_t>(dictionary_->size());
      dict_header.encoding = Encoding::kPlain;
      header.dictionary_page_header = dict_header;
      FGM_RETURN_IF_ERROR(AppendCompressedPage(&header, {}, dict_plain, &out.bytes));
      meta.dictionary_page_offset = 0;
      data_start = static_cast<int64_t>(out.bytes.size());
      total_uncompressed_ += static_cast<int64_t>(out.bytes.size()) - header.compressed_page_size +
                             header.uncompressed_page_size;
      encoding_stats_.push_back(
          {.page_type = PageType::kDictionaryPage, .encoding = Encoding::kPlain, .count = 1});
      AddEncoding(Encoding::kPlain);
    }
    meta.data_page_offset = data_start;
    out.bytes += data_pages_;
    for (PageLocation& loc : page_locations_) loc.offset += data_start;
    out.offset_index.page_locations = std::move(page_locations_);

    meta.total_compressed_size = static_cast<int64_t>(out.bytes.size());
    meta.total_uncompressed_size = total_uncompressed_;
    meta.encodings = encodings_;
    for (auto& [enc, count] : data_page_encoding_counts_) {
      encoding_stats_.push_back({.page_type = options_.page_version == DataPageVersion::kV2
                                                  ? PageType::kDataPageV2
                                                  : PageType::kDataPage,
                                 .encoding = enc,
                                 .count = count});
    }
    if (options_.write_encoding_stats) meta.encoding_stats = std::move(encoding_stats_);

    if (options_.write_statistics) {
      Statistics stats;
      stats.null_count = total_nulls_;
      if (chunk_stats_.has_value()) {
        std::string min = chunk_stats_.EncodedMin(), max = chunk_stats_.EncodedMax();
        if (min.size() <= kMaxStatisticsValueBytes && max.size() <= kMaxStatisticsValueBytes) {
          stats.min_value = std::move(min);
          stats.max_value = std::move(max);
          stats.is_min_value_exact = true;
          stats.is_max_value_exact = true;
          // The legacy fields are only meaningful for signed sort orders; old readers use them.
          if (options_.write_legacy_min_max && !UsesUnsignedOrder(spec_) &&
              spec_.type != PhysicalType::kByteArray) {
            stats.min = stats.min_value;
            stats.max = stats.max_value;
          }
        }
      }
      meta.statistics = std::move(stats);
    }
    const bool page_index = options_.write_page_index && num_pages_ > 1;
    if (!page_index) out.offset_index.page_locations.clear();
    if (page_index && options_.write_statistics && !column_index_invalid_) {
      column_index_.boundary_order = ComputeBoundaryOrder();
      out.column_index = std::move(column_index_);
    }
    Reset();
    return out;
  }

 private:
  // Decides the chunk's encoding from the first page (DuckDB's analyze step, with one more step):
  // each candidate encoding of the type is applied to a sample of the page and compressed with the
  // chunk's codec, and the smallest result wins. Measuring after compression matters: e.g. integer
  // gauges that rarely change compress better as PLAIN+ZSTD than as DELTA_BINARY_PACKED, while
  // counters are the opposite; decimal-rounded doubles prefer PLAIN, noisy ones BYTE_STREAM_SPLIT.
  void ChooseEncoding() {
    if (options_.forced_encoding) {
      Encoding e = *options_.forced_encoding;
      if (IsDictionary(e)) {
        dictionary_.emplace();
        encoding_ = Encoding::kRleDictionary;
      } else {
        encoding_ = e;
      }
      return;
    }
    encoding_ = DefaultFallbackEncoding(spec_.type);
    const size_t n = page_values_.size();
    if (n == 0) return;
    if (!options_.analyze_encodings) {
      if constexpr (std::is_same_v<T, std::string_view>) {
        dictionary_.emplace();  // labels: a handful of distinct values
        encoding_ = Encoding::kRleDictionary;
      }
      return;
    }
    PageValues<T> sample_storage;
    const PageValues<T>* sample = &page_values_;
    if (n > kAnalyzeSampleValues) {
      for (size_t i = 0; i < kAnalyzeSampleValues; ++i) sample_storage.Push(page_values_[i]);
      sample = &sample_storage;
    }
    size_t best_size = SIZE_MAX;
    for (Encoding candidate : CandidateEncodings()) {
      scratch_.clear();
      if (!EncodeValuesAs(candidate, *sample, nullptr, &scratch_).ok()) continue;
      size_t size = CompressedSize(scratch_);
      if (size < best_size) {
        best_size = size;
        encoding_ = candidate;
      }
    }
    if constexpr (!std::is_same_v<T, uint8_t>) {
      // Dictionary candidate: its page plus the RLE indices. Skipped early for high cardinality.
      Dictionary probe;
      const size_t k = sample->size();
      for (size_t i = 0; i < k; ++i) {
        probe.Insert((*sample)[i]);
        if (probe.size() > k / 2 + 1) return;
      }
      scratch_.clear();
      if (!EncodeValuesAs(Encoding::kRleDictionary, *sample, &probe, &scratch_).ok()) return;
      size_t size = CompressedSize(scratch_);
      std::string dict_page;
      probe.WriteDictionaryPage(&dict_page);
      size += CompressedSize(dict_page);
      if (size < best_size) {
        dictionary_.emplace(std::move(probe));
        encoding_ = Encoding::kRleDictionary;
      }
    }
  }

  std::vector<Encoding> CandidateEncodings() const {
    if constexpr (std::is_same_v<T, uint8_t>) {
      return {Encoding::kRle, Encoding::kPlain};
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      return {Encoding::kDeltaLengthByteArray, Encoding::kPlain};
    } else if constexpr (std::is_floating_point_v<T>) {
      return {Encoding::kByteStreamSplit, Encoding::kPlain};
    } else {
      return {Encoding::kDeltaBinaryPacked, Encoding::kPlain};
    }
  }

  size_t CompressedSize(const std::string& encoded) {
    if (options_.codec == CompressionCodec::kUncompressed) return encoded.size();
    if (!Compress(options_.codec, encoded, options_.compression_level, &analyze_compressed_).ok()) {
      return SIZE_MAX;
    }
    return analyze_compressed_.size();
  }

  Status EncodeValues(std::string* out) {
    return EncodeValuesAs(encoding_, page_values_, dictionary_ ? &*dictionary_ : nullptr, out);
  }

  // Encodes `values` with `encoding` (a dictionary encoding uses and extends `dict`).
  Status EncodeValuesAs(Encoding encoding, const PageValues<T>& values, Dictionary* dict,
                        std::string* out) {
    const auto& v = values.values;
    if (encoding == Encoding::kRleDictionary) {
      indices_.clear();
      indices_.reserve(values.size());
      if constexpr (!std::is_same_v<T, uint8_t>) {
        for (size_t i = 0; i < values.size(); ++i) indices_.push_back(dict->Insert(values[i]));
      }
      int width = BitWidth(dict->size() > 0 ? dict->size() - 1 : 0);
      out->push_back(static_cast<char>(width));
      RleBpEncoder enc(width);
      enc.PutMany(indices_.data(), indices_.size());
      enc.FinishTo(out);
      return OkStatus();
    }
    switch (encoding) {
      case Encoding::kPlain:
        if constexpr (std::is_same_v<T, uint8_t>) {
          PlainEncodeBooleans(std::span<const uint8_t>(v), out);
        } else if constexpr (std::is_same_v<T, std::string_view>) {
          PlainEncodeByteArrays(v, out);
        } else {
          PlainEncode<T>(std::span<const T>(v), out);
        }
        return OkStatus();
      case Encoding::kRle:
        if constexpr (std::is_same_v<T, uint8_t>) {
          // Boolean RLE data carries a 4-byte length prefix (Encodings.md, RLE).
          std::string rle;
          RleBpEncoder enc(1);
          for (uint8_t b : v) enc.Put(b);
          enc.FinishTo(&rle);
          AppendLe32(static_cast<uint32_t>(rle.size()), out);
          *out += rle;
          return OkStatus();
        }
        break;
      case Encoding::kDeltaBinaryPacked:
        if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
          DeltaBinaryPackedEncode<T>(std::span<const T>(v), out);
          return OkStatus();
        }
        break;
      case Encoding::kByteStreamSplit:
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, uint8_t>) {
          ByteStreamSplitEncode<T>(std::span<const T>(v), out);
          return OkStatus();
        }
        break;
      case Encoding::kDeltaLengthByteArray:
        if constexpr (std::is_same_v<T, std::string_view>) {
          DeltaLengthByteArrayEncode(v, out);
          return OkStatus();
        }
        break;
      case Encoding::kDeltaByteArray:
        if constexpr (std::is_same_v<T, std::string_view>) {
          DeltaByteArrayEncode(v, out);
          return OkStatus();
        }
        break;
      default:
        break;
    }
    return InvalidArgumentError(std::string("encoding ") + std::string(EncodingName(encoding)) +
                                " is not valid for column '" + spec_.name + "' of type " +
                                std::string(PhysicalTypeName(spec_.type)));
  }

  Status FlushPage() {
    if (num_pages_ == 0 && !encoding_chosen_) {
      ChooseEncoding();
      encoding_chosen_ = true;
    }
    std::string levels;
    if (optional_) {
      RleBpEncoder enc(1);
      for (uint8_t l : def_levels_) enc.Put(l);
      enc.FinishTo(&levels);
    }
    values_buf_.clear();
    Encoding page_encoding = encoding_;
    FGM_RETURN_IF_ERROR(EncodeValues(&values_buf_));

    PageHeader header;
    int64_t page_offset = static_cast<int64_t>(data_pages_.size());
    if (options_.page_version == DataPageVersion::kV1) {
      std::string body;
      if (optional_) {
        AppendLe32(static_cast<uint32_t>(levels.size()), &body);
        body += levels;
      }
      body += values_buf_;
      header.type = PageType::kDataPage;
      DataPageHeader dp;
      dp.num_values = static_cast<int32_t>(page_rows_);
      dp.encoding = page_encoding;
      dp.definition_level_encoding = Encoding::kRle;
      dp.repetition_level_encoding = Encoding::kRle;
      header.data_page_header = dp;
      FGM_RETURN_IF_ERROR(AppendCompressedPage(&header, {}, body, &data_pages_));
    } else {
      header.type = PageType::kDataPageV2;
      DataPageHeaderV2 dp;
      dp.num_values = static_cast<int32_t>(page_rows_);
      dp.num_nulls = static_cast<int32_t>(page_nulls_);
      dp.num_rows = static_cast<int32_t>(page_rows_);
      dp.encoding = page_encoding;
      dp.definition_levels_byte_length = static_cast<int32_t>(levels.size());
      dp.repetition_levels_byte_length = 0;
      dp.is_compressed = options_.codec != CompressionCodec::kUncompressed;
      header.data_page_header_v2 = dp;
      FGM_RETURN_IF_ERROR(AppendCompressedPage(&header, levels, values_buf_, &data_pages_));
    }
    int64_t page_size = static_cast<int64_t>(data_pages_.size()) - page_offset;
    total_uncompressed_ += page_size - header.compressed_page_size + header.uncompressed_page_size;
    page_locations_.push_back({.offset = page_offset,
                               .compressed_page_size = static_cast<int32_t>(page_size),
                               .first_row_index = total_rows_});
    ++data_page_encoding_counts_[page_encoding];
    AddEncoding(page_encoding);
    if (optional_ || page_encoding == Encoding::kRleDictionary) AddEncoding(Encoding::kRle);

    if (options_.write_statistics) {
      bool all_null = page_nulls_ == page_rows_;
      // A page whose non-null values are all NaN has no min/max: the format says such a chunk
      // must have no column index (parquet.thrift, ColumnIndex.min_values).
      if (!all_null && !page_stats_.has_value()) column_index_invalid_ = true;
      column_index_.null_pages.push_back(all_null);
      std::string min = all_null ? std::string() : page_stats_.EncodedMin();
      std::string max = all_null ? std::string() : page_stats_.EncodedMax();
      if (min.size() > kMaxStatisticsValueBytes || max.size() > kMaxStatisticsValueBytes) {
        column_index_invalid_ = true;  // a page index must have a bound for every non-null page
      }
      column_index_.min_values.push_back(std::move(min));
      column_index_.max_values.push_back(std::move(max));
      column_index_.null_counts.push_back(page_nulls_);
      chunk_stats_.Merge(page_stats_);
      page_stats_.Reset();
      // Keep typed bounds for the boundary-order computation.
      if (!all_null) bounds_.push_back(column_index_.min_values.size() - 1);
    }
    total_rows_ += page_rows_;
    total_nulls_ += page_nulls_;
    page_rows_ = 0;
    page_nulls_ = 0;
    def_levels_.clear();
    page_values_.Clear();
    ++num_pages_;

    // After this page, stop growing an oversized dictionary: later pages use the fallback encoding.
    if (encoding_ == Encoding::kRleDictionary &&
        dictionary_->bytes() > options_.max_dictionary_bytes) {
      encoding_ = DefaultFallbackEncoding(spec_.type);
      if (options_.forced_encoding && !IsDictionary(*options_.forced_encoding)) {
        encoding_ = *options_.forced_encoding;
      }
    }
    return OkStatus();
  }

  // Compresses `values` (and prepends the uncompressed v2 `levels`) and appends header + body.
  Status AppendCompressedPage(PageHeader* header, std::string_view levels, std::string_view values,
                              std::string* out) {
    std::string_view payload = values;
    if (options_.codec != CompressionCodec::kUncompressed) {
      FGM_RETURN_IF_ERROR(
          Compress(options_.codec, values, options_.compression_level, &compressed_));
      payload = compressed_;
    }
    size_t uncompressed = levels.size() + values.size();
    size_t compressed = levels.size() + payload.size();
    if (uncompressed > static_cast<size_t>(INT32_MAX) ||
        compressed > static_cast<size_t>(INT32_MAX)) {
      return InvalidArgumentError("page of column '" + spec_.name + "' exceeds 2 GiB");
    }
    header->uncompressed_page_size = static_cast<int32_t>(uncompressed);
    header->compressed_page_size = static_cast<int32_t>(compressed);
    SerializePageHeader(*header, out);
    out->append(levels.data(), levels.size());
    out->append(payload.data(), payload.size());
    return OkStatus();
  }

  void AddEncoding(Encoding e) {
    if (std::find(encodings_.begin(), encodings_.end(), e) == encodings_.end()) {
      encodings_.push_back(e);
    }
  }

  // ASCENDING when page mins and maxes never decrease (e.g. a time column), DESCENDING when they
  // never increase, else UNORDERED (PageIndex.md). Bytes are compared in the column's sort order.
  BoundaryOrder ComputeBoundaryOrder() const {
    if constexpr (std::is_same_v<T, uint8_t>) {
      return BoundaryOrder::kUnordered;
    } else {
      bool asc = true, desc = true;
      const auto& mins = column_index_.min_values;
      const auto& maxs = column_index_.max_values;
      for (size_t k = 1; k < bounds_.size(); ++k) {
        size_t a = bounds_[k - 1], b = bounds_[k];
        int cmin = Compare(mins[a], mins[b]);
        int cmax = Compare(maxs[a], maxs[b]);
        if (cmin > 0 || cmax > 0) asc = false;
        if (cmin < 0 || cmax < 0) desc = false;
      }
      if (asc) return BoundaryOrder::kAscending;
      if (desc) return BoundaryOrder::kDescending;
      return BoundaryOrder::kUnordered;
    }
  }

  int Compare(const std::string& a, const std::string& b) const {
    if constexpr (std::is_same_v<T, std::string_view>) {
      return a < b ? -1 : (b < a ? 1 : 0);  // std::string compares as unsigned char
    } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, uint8_t>) {
      T x, y;
      std::memcpy(&x, a.data(), sizeof(T));
      std::memcpy(&y, b.data(), sizeof(T));
      if constexpr (std::is_integral_v<T>) {
        if (UsesUnsignedOrder(spec_)) {
          auto ux = static_cast<std::make_unsigned_t<T>>(x);
          auto uy = static_cast<std::make_unsigned_t<T>>(y);
          return ux < uy ? -1 : (uy < ux ? 1 : 0);
        }
      }
      return x < y ? -1 : (y < x ? 1 : 0);
    } else {
      return 0;
    }
  }

  void Reset() {
    dictionary_.reset();
    encoding_chosen_ = false;
    data_pages_.clear();
    page_locations_.clear();
    column_index_ = ColumnIndex{};
    column_index_invalid_ = false;
    bounds_.clear();
    encodings_.clear();
    encoding_stats_.clear();
    data_page_encoding_counts_.clear();
    chunk_stats_.Reset();
    page_stats_.Reset();
    total_rows_ = total_nulls_ = total_uncompressed_ = 0;
    num_pages_ = 0;
  }

  const ColumnSpec spec_;
  const ResolvedColumnOptions options_;
  const bool optional_;

  // Current page.
  PageValues<T> page_values_;
  std::vector<uint8_t> def_levels_;
  int64_t page_rows_ = 0;
  int64_t page_nulls_ = 0;
  MinMax<T> page_stats_;

  // Current chunk.
  bool encoding_chosen_ = false;
  Encoding encoding_ = Encoding::kPlain;
  std::optional<Dictionary> dictionary_;
  std::string data_pages_;
  std::vector<PageLocation> page_locations_;
  ColumnIndex column_index_;
  bool column_index_invalid_ = false;
  std::vector<size_t> bounds_;  // indexes of non-null pages in column_index_
  std::vector<Encoding> encodings_;
  std::vector<PageEncodingStats> encoding_stats_;
  struct EncodingCounts {
    std::vector<std::pair<Encoding, int32_t>> items;
    int32_t& operator[](Encoding e) {
      for (auto& [k, v] : items)
        if (k == e) return v;
      items.push_back({e, 0});
      return items.back().second;
    }
    auto begin() { return items.begin(); }
    auto end() { return items.end(); }
    void clear() { items.clear(); }
  } data_page_encoding_counts_;
  MinMax<T> chunk_stats_;
  int64_t total_rows_ = 0;
  int64_t total_nulls_ = 0;
  int64_t total_uncompressed_ = 0;
  int64_t num_pages_ = 0;

  // Scratch buffers reused across pages.
  std::string values_buf_;
  std::string compressed_;
  std::string scratch_;
  std::string analyze_compressed_;
  std::vector<uint32_t> indices_;
};

}  // namespace

std::unique_ptr<ColumnChunkWriter> ColumnChunkWriter::Make(const ColumnSpec& spec,
                                                           const ResolvedColumnOptions& options) {
  switch (spec.type) {
    case PhysicalType::kBoolean:
      return std::make_unique<TypedColumnWriter<uint8_t>>(spec, options);
    case PhysicalType::kInt32:
      return std::make_unique<TypedColumnWriter<int32_t>>(spec, options);
    case PhysicalType::kInt64:
      return std::make_unique<TypedColumnWriter<int64_t>>(spec, options);
    case PhysicalType::kFloat:
      return std::make_unique<TypedColumnWriter<float>>(spec, options);
    case PhysicalType::kDouble:
      return std::make_unique<TypedColumnWriter<double>>(spec, options);
    case PhysicalType::kByteArray:
      return std::make_unique<TypedColumnWriter<std::string_view>>(spec, options);
    default:
      return nullptr;
  }
}

bool UsesUnsignedOrder(const ColumnSpec& spec) {
  if (spec.logical_type.kind == LogicalType::Kind::kInteger) return !spec.logical_type.is_signed;
  if (spec.converted_type) {
    switch (*spec.converted_type) {
      case ConvertedType::kUint8:
      case ConvertedType::kUint16:
      case ConvertedType::kUint32:
      case ConvertedType::kUint64:
        return true;
      default:
        return false;
    }
  }
  return false;
}

}  // namespace fgm::parquet

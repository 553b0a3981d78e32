// SPDX-License-Identifier: Apache-2.0
// TESTONLY. Builds small Parquet files page by page with full control over the layout (page
// boundaries, data page version, encoding, codec, page index) from the format and encoding parts
// alone, so reader tests do not depend on our writer and can also produce files no writer would
// (legacy PLAIN_DICTIONARY, DELTA_BYTE_ARRAY, lying headers via the `mutate_*` hooks).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.h"
#include "parquet/column_batch.h"
#include "parquet/compression.h"
#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle_bp.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace fgm::parquet::testing {

/// One column chunk: one data page per batch in `pages` (all of the column's type).
struct TestChunk {
  std::vector<ColumnBatch> pages;
  /// kPlainDictionary writes the legacy form: dictionary page encoding PLAIN_DICTIONARY and data
  /// pages PLAIN_DICTIONARY; kRleDictionary the modern one (dictionary page PLAIN).
  Encoding encoding = Encoding::kPlain;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  bool v2 = false;
  /// Called on each page header before it is serialized (page index 0 = dictionary page if any).
  std::function<void(PageHeader*)> mutate_page_header;
};

struct TestFile {
  Schema schema;
  std::vector<std::vector<TestChunk>> row_groups;  // [row group][column]
  bool page_index = true;
  bool statistics = true;
  std::vector<KeyValue> key_value_metadata;
  /// Called on the footer before it is serialized.
  std::function<void(FileMetaData*)> mutate_footer;
};

namespace internal_builder {

inline std::string ValueKey(const ColumnBatch& b, size_t i) {
  switch (b.type) {
    case PhysicalType::kBoolean:
      return std::string(1, static_cast<char>(b.bools[i]));
    case PhysicalType::kInt32:
      return std::string(reinterpret_cast<const char*>(&b.int32s[i]), 4);
    case PhysicalType::kInt64:
      return std::string(reinterpret_cast<const char*>(&b.int64s[i]), 8);
    case PhysicalType::kFloat:
      return std::string(reinterpret_cast<const char*>(&b.floats[i]), 4);
    case PhysicalType::kDouble:
      return std::string(reinterpret_cast<const char*>(&b.doubles[i]), 8);
    default:
      return std::string(b.bytes[i]);
  }
}

// PLAIN encoding of values given by their ValueKey (fixed-width keys are already little-endian).
inline std::string PlainOfKeys(PhysicalType type, const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) {
    if (type == PhysicalType::kByteArray) {
      uint32_t len = static_cast<uint32_t>(k.size());
      out.append(reinterpret_cast<const char*>(&len), 4);
    }
    out += k;
  }
  return out;
}

inline std::string EncodeValues(const ColumnBatch& b, Encoding encoding) {
  std::string out;
  const size_t n = b.num_values();
  switch (encoding) {
    case Encoding::kPlain:
      switch (b.type) {
        case PhysicalType::kBoolean:
          PlainEncodeBooleans(b.bools, &out);
          break;
        case PhysicalType::kInt32:
          PlainEncode<int32_t>(b.int32s, &out);
          break;
        case PhysicalType::kInt64:
          PlainEncode<int64_t>(b.int64s, &out);
          break;
        case PhysicalType::kFloat:
          PlainEncode<float>(b.floats, &out);
          break;
        case PhysicalType::kDouble:
          PlainEncode<double>(b.doubles, &out);
          break;
        case PhysicalType::kByteArray:
          PlainEncodeByteArrays(b.bytes, &out);
          break;
        default:
          for (size_t i = 0; i < n; ++i) out += b.bytes[i];
      }
      return out;
    case Encoding::kRle: {
      FGM_CHECK(b.type == PhysicalType::kBoolean);
      RleBpEncoder enc(1);
      for (uint8_t v : b.bools) enc.Put(v);
      std::string rle;
      enc.FinishTo(&rle);
      uint32_t len = static_cast<uint32_t>(rle.size());
      out.append(reinterpret_cast<const char*>(&len), 4);
      return out + rle;
    }
    case Encoding::kDeltaBinaryPacked:
      if (b.type == PhysicalType::kInt32) {
        DeltaBinaryPackedEncode<int32_t>(b.int32s, &out);
      } else {
        DeltaBinaryPackedEncode<int64_t>(b.int64s, &out);
      }
      return out;
    case Encoding::kDeltaLengthByteArray:
      DeltaLengthByteArrayEncode(b.bytes, &out);
      return out;
    case Encoding::kDeltaByteArray:
      DeltaByteArrayEncode(b.bytes, &out);
      return out;
    case Encoding::kByteStreamSplit:
      switch (b.type) {
        case PhysicalType::kInt32:
          ByteStreamSplitEncode<int32_t>(b.int32s, &out);
          break;
        case PhysicalType::kInt64:
          ByteStreamSplitEncode<int64_t>(b.int64s, &out);
          break;
        case PhysicalType::kFloat:
          ByteStreamSplitEncode<float>(b.floats, &out);
          break;
        default:
          ByteStreamSplitEncode<double>(b.doubles, &out);
          break;
      }
      return out;
    default:
      FGM_CHECK(false) << "builder cannot encode " << EncodingName(encoding);
  }
  return out;
}

// Min/max over the non-null values of `pages` in the type's natural signed/bytewise order; nullopt
// for BOOLEAN/INT96 or no values. Returns PLAIN-encoded bounds.
inline std::optional<std::pair<std::string, std::string>> MinMax(
    std::span<const ColumnBatch> pages) {
  std::optional<std::pair<std::string, std::string>> out;
  auto less = [](const ColumnBatch& b, const std::string& x, const std::string& y) {
    switch (b.type) {
      case PhysicalType::kInt32: {
        int32_t a, c;
        std::memcpy(&a, x.data(), 4);
        std::memcpy(&c, y.data(), 4);
        return a < c;
      }
      case PhysicalType::kInt64: {
        int64_t a, c;
        std::memcpy(&a, x.data(), 8);
        std::memcpy(&c, y.data(), 8);
        return a < c;
      }
      case PhysicalType::kFloat: {
        float a, c;
        std::memcpy(&a, x.data(), 4);
        std::memcpy(&c, y.data(), 4);
        return a < c;
      }
      case PhysicalType::kDouble: {
        double a, c;
        std::memcpy(&a, x.data(), 8);
        std::memcpy(&c, y.data(), 8);
        return a < c;
      }
      default:
        return x < y;  // std::string compares as unsigned char
    }
  };
  for (const ColumnBatch& b : pages) {
    if (b.type == PhysicalType::kBoolean || b.type == PhysicalType::kInt96) return std::nullopt;
    for (size_t i = 0; i < b.num_values(); ++i) {
      std::string k = ValueKey(b, i);
      if (b.type == PhysicalType::kDouble && std::isnan(b.doubles[i])) continue;
      if (b.type == PhysicalType::kFloat && std::isnan(b.floats[i])) continue;
      if (!out) {
        out.emplace(k, k);
      } else {
        if (less(b, k, out->first)) out->first = k;
        if (less(b, out->second, k)) out->second = k;
      }
    }
  }
  return out;
}

inline std::string Compressed(CompressionCodec codec, std::string_view data) {
  if (codec == CompressionCodec::kUncompressed) return std::string(data);
  std::string out;
  int level = codec == CompressionCodec::kGzip ? 6 : 3;
  Status s = Compress(codec, data, level, &out);
  FGM_CHECK(s.ok()) << s.ToString();
  return out;
}

}  // namespace internal_builder

/// Builds the whole file in memory.
inline std::string BuildTestFile(const TestFile& spec) {
  using namespace internal_builder;
  std::string file = "PAR1";
  FileMetaData meta;
  meta.schema = ToSchemaElements(spec.schema);
  meta.created_by = "fgm test_file_builder";
  meta.key_value_metadata = spec.key_value_metadata;
  std::vector<ColumnIndex> column_indexes;
  std::vector<OffsetIndex> offset_indexes;

  for (const std::vector<TestChunk>& chunks : spec.row_groups) {
    FGM_CHECK(chunks.size() == spec.schema.columns.size());
    RowGroup rg;
    int64_t rows = 0;
    if (!chunks.empty()) {
      for (const ColumnBatch& p : chunks[0].pages) rows += static_cast<int64_t>(p.num_rows);
    }
    rg.num_rows = rows;
    for (size_t c = 0; c < chunks.size(); ++c) {
      const TestChunk& chunk = chunks[c];
      const ColumnSpec& col = spec.schema.columns[c];
      const bool optional = col.repetition == Repetition::kOptional;
      const bool dict = chunk.encoding == Encoding::kRleDictionary ||
                        chunk.encoding == Encoding::kPlainDictionary;
      ColumnMetaData md;
      md.type = col.type;
      md.path_in_schema = {col.name};
      md.codec = chunk.codec;
      int64_t chunk_start = static_cast<int64_t>(file.size());
      int64_t uncompressed_total = 0;
      int page_number = 0;
      auto emit = [&](PageHeader header, const std::string& body) {
        if (chunk.mutate_page_header) chunk.mutate_page_header(&header);
        std::string h;
        SerializePageHeader(header, &h);
        uncompressed_total += static_cast<int64_t>(h.size()) + header.uncompressed_page_size;
        file += h;
        file += body;
        ++page_number;
      };

      std::map<std::string, uint32_t> dict_index;
      std::vector<std::string> dict_keys;
      if (dict) {
        for (const ColumnBatch& p : chunk.pages) {
          for (size_t i = 0; i < p.num_values(); ++i) {
            std::string k = ValueKey(p, i);
            if (dict_index.emplace(k, static_cast<uint32_t>(dict_keys.size())).second) {
              dict_keys.push_back(k);
            }
          }
        }
        std::string plain = PlainOfKeys(col.type, dict_keys);
        std::string body = Compressed(chunk.codec, plain);
        PageHeader h;
        h.type = PageType::kDictionaryPage;
        h.uncompressed_page_size = static_cast<int32_t>(plain.size());
        h.compressed_page_size = static_cast<int32_t>(body.size());
        h.dictionary_page_header = DictionaryPageHeader{
            .num_values = static_cast<int32_t>(dict_keys.size()),
            .encoding = chunk.encoding == Encoding::kPlainDictionary ? Encoding::kPlainDictionary
                                                                     : Encoding::kPlain};
        md.dictionary_page_offset = static_cast<int64_t>(file.size());
        emit(h, body);
      }

      OffsetIndex oi;
      ColumnIndex ci;
      ci.boundary_order = BoundaryOrder::kUnordered;
      int64_t first_row = 0;
      md.data_page_offset = static_cast<int64_t>(file.size());
      for (const ColumnBatch& p : chunk.pages) {
        FGM_CHECK(p.type == col.type);
        std::string values;
        if (dict) {
          std::vector<uint32_t> idx;
          for (size_t i = 0; i < p.num_values(); ++i) idx.push_back(dict_index[ValueKey(p, i)]);
          int bw = BitWidth(dict_keys.size() > 0 ? dict_keys.size() - 1 : 0);
          values.push_back(static_cast<char>(bw));
          RleBpEncoder enc(bw);
          for (uint32_t v : idx) enc.Put(v);
          enc.FinishTo(&values);
        } else {
          values = EncodeValues(p, chunk.encoding);
        }
        std::string levels;
        if (optional) {
          RleBpEncoder enc(1);
          for (size_t r = 0; r < p.num_rows; ++r) enc.Put(p.IsNull(r) ? 0 : 1);
          enc.FinishTo(&levels);
        }
        PageHeader h;
        std::string body;
        const int32_t nulls = static_cast<int32_t>(p.num_rows - p.num_values());
        if (!chunk.v2) {
          std::string raw;
          if (optional) {
            uint32_t len = static_cast<uint32_t>(levels.size());
            raw.append(reinterpret_cast<const char*>(&len), 4);
            raw += levels;
          }
          raw += values;
          body = Compressed(chunk.codec, raw);
          h.type = PageType::kDataPage;
          h.uncompressed_page_size = static_cast<int32_t>(raw.size());
          h.data_page_header = DataPageHeader{.num_values = static_cast<int32_t>(p.num_rows),
                                              .encoding = chunk.encoding};
        } else {
          body = levels + Compressed(chunk.codec, values);
          h.type = PageType::kDataPageV2;
          h.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
          h.data_page_header_v2 =
              DataPageHeaderV2{.num_values = static_cast<int32_t>(p.num_rows),
                               .num_nulls = nulls,
                               .num_rows = static_cast<int32_t>(p.num_rows),
                               .encoding = chunk.encoding,
                               .definition_levels_byte_length = static_cast<int32_t>(levels.size()),
                               .is_compressed = chunk.codec != CompressionCodec::kUncompressed};
        }
        h.compressed_page_size = static_cast<int32_t>(body.size());
        const int64_t page_offset = static_cast<int64_t>(file.size());
        emit(h, body);
        oi.page_locations.push_back({.offset = page_offset,
                                     .compressed_page_size = static_cast<int32_t>(
                                         static_cast<int64_t>(file.size()) - page_offset),
                                     .first_row_index = first_row});
        first_row += static_cast<int64_t>(p.num_rows);
        auto mm = MinMax(std::span<const ColumnBatch>(&p, 1));
        ci.null_pages.push_back(!mm.has_value() && p.num_values() == 0);
        ci.min_values.push_back(mm ? mm->first : "");
        ci.max_values.push_back(mm ? mm->second : "");
        ci.null_counts.push_back(nulls);
      }
      md.encodings = {chunk.encoding};
      if (optional) md.encodings.push_back(Encoding::kRle);
      md.num_values = rows;
      md.total_compressed_size = static_cast<int64_t>(file.size()) - chunk_start;
      md.total_uncompressed_size = uncompressed_total;
      if (spec.statistics) {
        auto mm = MinMax(chunk.pages);
        Statistics st;
        int64_t nulls = 0;
        for (const ColumnBatch& p : chunk.pages) {
          nulls += static_cast<int64_t>(p.num_rows - p.num_values());
        }
        st.null_count = nulls;
        if (mm) {
          st.min_value = mm->first;
          st.max_value = mm->second;
        }
        md.statistics = st;
      }
      ColumnChunk cc;
      cc.file_offset = chunk_start;
      cc.meta_data = md;
      rg.columns.push_back(cc);
      column_indexes.push_back(ci);
      offset_indexes.push_back(oi);
    }
    rg.total_byte_size = 0;
    meta.num_rows += rows;
    meta.row_groups.push_back(rg);
  }

  if (spec.page_index) {
    size_t k = 0;
    for (RowGroup& rg : meta.row_groups) {
      for (ColumnChunk& cc : rg.columns) {
        std::string bytes;
        SerializeColumnIndex(column_indexes[k], &bytes);
        cc.column_index_offset = static_cast<int64_t>(file.size());
        cc.column_index_length = static_cast<int32_t>(bytes.size());
        file += bytes;
        bytes.clear();
        SerializeOffsetIndex(offset_indexes[k], &bytes);
        cc.offset_index_offset = static_cast<int64_t>(file.size());
        cc.offset_index_length = static_cast<int32_t>(bytes.size());
        file += bytes;
        ++k;
      }
    }
  }
  if (spec.mutate_footer) spec.mutate_footer(&meta);
  std::string footer;
  SerializeFileMetaData(meta, &footer);
  file += footer;
  uint32_t len = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&len), 4);
  file += "PAR1";
  return file;
}

}  // namespace fgm::parquet::testing

// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for page decoding below the Thrift layer: the input chooses a column type,
// encoding, levels, page version and codec, and supplies the raw dictionary and data page bodies,
// which ChunkDecoder decodes. Byte-level mutation of whole files rarely keeps a page header
// parseable; this target spends every run inside the value and level decoders instead.
// Invariant checks (FGM_CHECK) mirror reader_fuzz.cc.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/check.h"
#include "parquet/compression.h"
#include "parquet/reader/page_decoder_internal.h"

namespace fgm::parquet {
namespace {

// Small caps so that RLE bombs stay cheap (see reader_fuzz.cc for why the fuzzers lower them).
constexpr ReaderOptions kOptions{.max_page_bytes = size_t{4} << 20,
                                 .max_decoded_bytes = size_t{4} << 20};
// Values claimed by one page: beyond this the budget check alone would answer.
constexpr uint32_t kMaxValues = 1 << 16;

constexpr CompressionCodec kCodecs[] = {CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                                        CompressionCodec::kGzip, CompressionCodec::kZstd,
                                        CompressionCodec::kLz4Raw};

struct Input {
  std::string_view rest;
  uint8_t Byte() {
    if (rest.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest[0]);
    rest.remove_prefix(1);
    return b;
  }
  uint32_t U16() { return Byte() | (static_cast<uint32_t>(Byte()) << 8); }
  std::string_view Take(size_t n) {
    n = std::min(n, rest.size());
    std::string_view out = rest.substr(0, n);
    rest.remove_prefix(n);
    return out;
  }
};

// Compresses `raw` with `codec` so that the decoders, not the decompressor, see the fuzz bytes.
std::string Body(CompressionCodec codec, std::string_view raw) {
  if (codec == CompressionCodec::kUncompressed) return std::string(raw);
  std::string out;
  if (!Compress(codec, raw, /*level=*/1, &out).ok()) return "";
  return out;
}

void FuzzOne(std::string_view bytes) {
  Input in{bytes};
  ColumnSpec column;
  column.name = "c";
  column.type = static_cast<PhysicalType>(in.Byte() % 8);
  const uint8_t flags = in.Byte();
  column.repetition = (flags & 1) ? Repetition::kOptional : Repetition::kRequired;
  const bool v2 = (flags & 2) != 0;
  const bool with_dictionary = (flags & 4) != 0;
  const CompressionCodec codec = kCodecs[(flags >> 3) % 5];
  column.type_length = column.type == PhysicalType::kFixedLenByteArray ? 1 + in.Byte() % 16 : 0;
  const auto encoding = static_cast<Encoding>(in.Byte() % 10);
  const uint32_t num_values = in.U16() % (kMaxValues + 1);

  ColumnReadBuffers buffers;
  internal::ChunkDecoder decoder(column, codec, kOptions, buffers.impl(), "fuzz");
  if (with_dictionary) {
    const uint32_t dict_values = in.U16();
    const std::string raw(in.Take(in.U16()));
    internal::RawPage page;
    page.header.type = PageType::kDictionaryPage;
    page.header.uncompressed_page_size = static_cast<int32_t>(raw.size());
    page.header.dictionary_page_header =
        DictionaryPageHeader{.num_values = static_cast<int32_t>(dict_values)};
    const std::string body = Body(codec, raw);
    page.header.compressed_page_size = static_cast<int32_t>(body.size());
    page.payload = body;
    page.total_size = body.size();
    decoder.DecodeDictionaryPage(page, 0).IgnoreError();
  }

  const uint32_t def_len = v2 ? in.Byte() : 0;
  const std::string raw(in.rest);
  internal::RawPage page;
  std::string body;
  if (!v2) {
    page.header.type = PageType::kDataPage;
    page.header.data_page_header =
        DataPageHeader{.num_values = static_cast<int32_t>(num_values), .encoding = encoding};
    body = Body(codec, raw);
    page.header.uncompressed_page_size = static_cast<int32_t>(raw.size());
  } else {
    const size_t levels = std::min<size_t>(def_len, raw.size());
    page.header.type = PageType::kDataPageV2;
    page.header.data_page_header_v2 =
        DataPageHeaderV2{.num_values = static_cast<int32_t>(num_values),
                         .num_rows = static_cast<int32_t>(num_values),
                         .encoding = encoding,
                         .definition_levels_byte_length = static_cast<int32_t>(levels),
                         .is_compressed = codec != CompressionCodec::kUncompressed};
    body = raw.substr(0, levels) + Body(codec, std::string_view(raw).substr(levels));
    page.header.uncompressed_page_size = static_cast<int32_t>(raw.size());
  }
  page.header.compressed_page_size = static_cast<int32_t>(body.size());
  page.payload = body;
  page.total_size = body.size();

  ColumnBatch out;
  internal::ResetBatch(column.type, &out);
  if (!decoder.DecodeDataPage(page, 0, &out).ok()) return;
  internal::FinishBatch(&out);
  FGM_CHECK(out.num_rows == num_values) << out.num_rows << " rows, header says " << num_values;
  FGM_CHECK(out.validity.empty() || out.validity.size() == out.num_rows);
  size_t present = out.validity.empty() ? out.num_rows : 0;
  for (uint8_t v : out.validity) present += v;
  FGM_CHECK(out.num_values() == present) << out.num_values() << " values, " << present;
  if (column.type == PhysicalType::kBoolean) {
    for (uint8_t b : out.bools) FGM_CHECK(b <= 1);
  }
  if (column.type == PhysicalType::kFixedLenByteArray || column.type == PhysicalType::kInt96) {
    const size_t width = column.type == PhysicalType::kInt96 ? 12 : column.type_length;
    for (size_t i = 0; i < out.bytes.size(); ++i) FGM_CHECK(out.bytes[i].size() == width);
  }
}

}  // namespace
}  // namespace fgm::parquet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fgm::parquet::FuzzOne(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

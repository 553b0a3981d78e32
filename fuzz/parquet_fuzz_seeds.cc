// SPDX-License-Identifier: Apache-2.0
// Writes extra seed files for parquet_reader_fuzz into the directory given as argv[1]: small files
// with what the committed DuckDB seeds lack (page index, DATA_PAGE_V2, DELTA_BYTE_ARRAY, RLE
// booleans, INT96, FIXED_LEN_BYTE_ARRAY, required columns), so the fuzzer starts inside those code
// paths instead of having to discover Thrift structures byte by byte. scripts/fuzz.sh runs it.
#include <cstdio>
#include <string>
#include <vector>

#include "core/file.h"
#include "parquet/reader/test_file_builder.h"

namespace fgm::parquet {
namespace {

ColumnBatch Values(PhysicalType type, int first, int rows, bool nullable) {
  ColumnBatch b{.type = type};
  for (int i = first; i < first + rows; ++i) {
    if (nullable && i % 5 == 2) {
      b.AppendNull();
      continue;
    }
    switch (type) {
      case PhysicalType::kBoolean:
        b.AppendBool(i % 3 == 0);
        break;
      case PhysicalType::kInt32:
        b.AppendInt32(i * 7 - 100);
        break;
      case PhysicalType::kInt64:
        b.AppendInt64(int64_t{i} * 1000000);
        break;
      case PhysicalType::kFloat:
        b.AppendFloat(static_cast<float>(i) / 4);
        break;
      case PhysicalType::kDouble:
        b.AppendDouble(i * 0.5);
        break;
      case PhysicalType::kByteArray:
        b.AppendBytes("k" + std::to_string(i % 11));
        break;
      case PhysicalType::kFixedLenByteArray:
        b.AppendBytes(std::string(4, static_cast<char>('a' + i % 7)));
        break;
      case PhysicalType::kInt96:
        b.AppendBytes(std::string(12, static_cast<char>(i % 5)));
        break;
    }
  }
  return b;
}

// One file: `types` columns, all encoded with encodings[c], 2 row groups of 3 pages of 40 rows.
std::string Seed(bool v2, CompressionCodec codec, const std::vector<PhysicalType>& types,
                 const std::vector<Encoding>& encodings) {
  testing::TestFile spec;
  for (size_t c = 0; c < types.size(); ++c) {
    ColumnSpec col{.name = "c" + std::to_string(c),
                   .type = types[c],
                   .repetition = c % 2 ? Repetition::kOptional : Repetition::kRequired};
    if (types[c] == PhysicalType::kFixedLenByteArray) col.type_length = 4;
    if (types[c] == PhysicalType::kByteArray) col.logical_type = LogicalType::String();
    if (types[c] == PhysicalType::kInt64 && c == 0) {
      col.logical_type = LogicalType::Timestamp(TimeUnit::kMicros, true);
    }
    spec.schema.columns.push_back(col);
  }
  for (int rg = 0; rg < 2; ++rg) {
    std::vector<testing::TestChunk> chunks;
    for (size_t c = 0; c < types.size(); ++c) {
      testing::TestChunk chunk{.encoding = encodings[c], .codec = codec, .v2 = v2};
      for (int p = 0; p < 3; ++p) {
        chunk.pages.push_back(Values(types[c], rg * 120 + p * 40, 40, c % 2 == 1));
      }
      chunks.push_back(std::move(chunk));
    }
    spec.row_groups.push_back(std::move(chunks));
  }
  spec.key_value_metadata = {{"fgm.seed", "1"}};
  return testing::BuildTestFile(spec);
}

}  // namespace
}  // namespace fgm::parquet

int main(int argc, char** argv) {
  using namespace fgm::parquet;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  using P = PhysicalType;
  using E = Encoding;
  struct Spec {
    const char* name;
    std::vector<P> types;
    std::vector<E> encodings;
  };
  const std::vector<Spec> specs = {
      {"numbers_plain",
       {P::kInt64, P::kInt32, P::kDouble, P::kFloat},
       {E::kPlain, E::kPlain, E::kPlain, E::kPlain}},
      {"numbers_delta_bss",
       {P::kInt64, P::kInt32, P::kDouble, P::kFloat},
       {E::kDeltaBinaryPacked, E::kDeltaBinaryPacked, E::kByteStreamSplit, E::kByteStreamSplit}},
      {"dictionary",
       {P::kInt64, P::kByteArray, P::kDouble, P::kFixedLenByteArray},
       {E::kRleDictionary, E::kPlainDictionary, E::kRleDictionary, E::kRleDictionary}},
      {"bytes",
       {P::kByteArray, P::kByteArray, P::kFixedLenByteArray, P::kByteArray},
       {E::kDeltaLengthByteArray, E::kDeltaByteArray, E::kDeltaByteArray, E::kPlain}},
      {"misc",
       {P::kBoolean, P::kBoolean, P::kInt96, P::kFixedLenByteArray},
       {E::kRle, E::kPlain, E::kPlain, E::kPlain}},
  };
  int written = 0;
  for (const Spec& s : specs) {
    for (bool v2 : {false, true}) {
      for (CompressionCodec codec : {CompressionCodec::kUncompressed, CompressionCodec::kZstd}) {
        const std::string path = dir + "/seed_" + s.name + (v2 ? "_v2" : "_v1") +
                                 (codec == CompressionCodec::kZstd ? "_zstd" : "_raw") + ".parquet";
        fgm::Status st = fgm::WriteFileAtomically(path, Seed(v2, codec, s.types, s.encodings));
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.ToString().c_str());
          return 1;
        }
        ++written;
      }
    }
  }
  std::printf("wrote %d seeds to %s\n", written, dir.c_str());
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// Decode throughput of one projected column (the engine's hot path: "metric X over a time range"),
// in decoded bytes per second on one core. The project goal is >= 1 GB/s for an INT64 column.
// Files are built in memory with the test builder (1M rows in 8 pages of 128K values, ~1 MiB each
// as our writer, DuckDB and Arrow cut them) and read through the zero-copy memory source.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "parquet/reader/file_reader.h"
#include "parquet/reader/test_file_builder.h"

namespace fgm::parquet {
namespace {

constexpr int64_t kRows = 1 << 20;
constexpr int64_t kPageRows = 1 << 17;

// A monotonically increasing counter with irregular steps: what a cgroup usage_usec column holds.
std::string CounterFile(Encoding encoding, CompressionCodec codec, bool optional) {
  testing::TestFile spec;
  spec.page_index = true;
  spec.schema.columns = {
      ColumnSpec::Int64("v", optional ? Repetition::kOptional : Repetition::kRequired)};
  testing::TestChunk chunk{.encoding = encoding, .codec = codec};
  int64_t value = 1'000'000'000;
  uint64_t state = 88172645463325252ull;
  for (int64_t first = 0; first < kRows; first += kPageRows) {
    ColumnBatch page{.type = PhysicalType::kInt64};
    for (int64_t i = first; i < first + kPageRows; ++i) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      value += static_cast<int64_t>(state % 20000);
      if (optional && i % 100 == 7) {
        page.AppendNull();
      } else {
        page.AppendInt64(encoding == Encoding::kRleDictionary ? value % 1000 : value);
      }
    }
    chunk.pages.push_back(std::move(page));
  }
  spec.row_groups = {{chunk}};
  return testing::BuildTestFile(spec);
}

void BM_ReadInt64Chunk(benchmark::State& state, Encoding encoding, CompressionCodec codec,
                       bool optional) {
  const std::string file = CounterFile(encoding, codec, optional);
  auto reader = FileReader::Open(MakeMemorySource(file));
  if (!reader.ok()) {
    state.SkipWithError(reader.error().ToString().c_str());
    return;
  }
  ColumnReadBuffers buffers;
  ColumnBatch batch;
  for (auto _ : state) {
    Status s = (*reader)->ReadColumnChunk(0, 0, &batch, &buffers);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(batch.int64s.data());
  }
  state.SetBytesProcessed(state.iterations() * kRows * static_cast<int64_t>(sizeof(int64_t)));
  state.counters["file_MiB"] = static_cast<double>(file.size()) / (1 << 20);
}

void BM_ReadInt64Rows(benchmark::State& state) {
  // 10% of the rows through the offset index: measures page skipping, not decoding.
  const std::string file =
      CounterFile(Encoding::kDeltaBinaryPacked, CompressionCodec::kZstd, false);
  auto reader = FileReader::Open(MakeMemorySource(file));
  if (!reader.ok()) {
    state.SkipWithError(reader.error().ToString().c_str());
    return;
  }
  ColumnReadBuffers buffers;
  ColumnBatch batch;
  for (auto _ : state) {
    Status s = (*reader)->ReadColumnRows(0, 0, kRows / 2, kRows / 10, &batch, &buffers);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(batch.int64s.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows / 10);
}

BENCHMARK_CAPTURE(BM_ReadInt64Chunk, plain_uncompressed, Encoding::kPlain,
                  CompressionCodec::kUncompressed, false);
BENCHMARK_CAPTURE(BM_ReadInt64Chunk, plain_zstd, Encoding::kPlain, CompressionCodec::kZstd, false);
BENCHMARK_CAPTURE(BM_ReadInt64Chunk, delta_uncompressed, Encoding::kDeltaBinaryPacked,
                  CompressionCodec::kUncompressed, false);
BENCHMARK_CAPTURE(BM_ReadInt64Chunk, delta_zstd, Encoding::kDeltaBinaryPacked,
                  CompressionCodec::kZstd, false);
BENCHMARK_CAPTURE(BM_ReadInt64Chunk, delta_zstd_optional, Encoding::kDeltaBinaryPacked,
                  CompressionCodec::kZstd, true);
BENCHMARK_CAPTURE(BM_ReadInt64Chunk, dictionary_zstd, Encoding::kRleDictionary,
                  CompressionCodec::kZstd, false);
BENCHMARK_CAPTURE(BM_ReadInt64Chunk, bss_zstd, Encoding::kByteStreamSplit, CompressionCodec::kZstd,
                  false);
BENCHMARK(BM_ReadInt64Rows);

}  // namespace
}  // namespace fgm::parquet

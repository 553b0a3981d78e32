// SPDX-License-Identifier: Apache-2.0
// Google Benchmark suite for the encodings and codecs. Throughput is reported in bytes of decoded
// (in-memory) values per second, so encoders and decoders of one type compare directly:
//   encoding_benchmark --benchmark_filter=Dbp
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "parquet/compression.h"
#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/dictionary.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle_bp.h"

namespace fgm::parquet {
namespace {

// One million values: a realistic column chunk (1 Hz x ~12 days, or many containers x hours).
constexpr size_t kValues = 1 << 20;

// Shapes of INT64 data FGM writes: monotonic nanosecond timestamps with jitter, cumulative
// counters growing by noisy amounts, and full-range random (the worst case, 64-bit widths).
std::vector<int64_t> Int64Column(int shape) {
  std::mt19937_64 rng(42);
  std::vector<int64_t> v(kValues);
  int64_t x = 1'700'000'000'000'000'000;
  for (auto& e : v) {
    switch (shape) {
      case 0:
        e = (x += 1'000'000'000 + static_cast<int64_t>(rng() % 1'000'000));
        break;
      case 1:
        e = (x += static_cast<int64_t>(rng() % 100'000));
        break;
      default:
        e = static_cast<int64_t>(rng());
        break;
    }
  }
  return v;
}

const char* ShapeName(int shape) {
  return shape == 0 ? "timestamps" : shape == 1 ? "counter" : "random64";
}

void BM_DbpEncodeInt64(benchmark::State& state) {
  const auto values = Int64Column(static_cast<int>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    out.clear();
    DeltaBinaryPackedEncode<int64_t>(values, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 8));
  state.SetLabel(std::string(ShapeName(static_cast<int>(state.range(0)))) + " " +
                 std::to_string(out.size()) + " B encoded");
}
BENCHMARK(BM_DbpEncodeInt64)->DenseRange(0, 2);

void BM_DbpDecodeInt64(benchmark::State& state) {
  const auto values = Int64Column(static_cast<int>(state.range(0)));
  std::string encoded;
  DeltaBinaryPackedEncode<int64_t>(values, &encoded);
  std::vector<int64_t> out;
  out.reserve(kValues);
  for (auto _ : state) {
    out.clear();
    if (!DeltaBinaryPackedDecode<int64_t>(encoded, kValues, &out).ok()) state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 8));
  state.SetLabel(ShapeName(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_DbpDecodeInt64)->DenseRange(0, 2);

void BM_DbpDecodeInt32(benchmark::State& state) {
  std::mt19937 rng(1);
  std::vector<int32_t> values(kValues);
  int32_t x = 0;
  for (auto& v : values) v = (x += static_cast<int32_t>(rng() % 1000));
  std::string encoded;
  DeltaBinaryPackedEncode<int32_t>(values, &encoded);
  std::vector<int32_t> out;
  out.reserve(kValues);
  for (auto _ : state) {
    out.clear();
    if (!DeltaBinaryPackedDecode<int32_t>(encoded, kValues, &out).ok()) state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 4));
}
BENCHMARK(BM_DbpDecodeInt32);

// Dictionary indices: bit width from the argument, mostly literal with some runs, as a label column
// sorted by container then time would look (long runs) or a high-cardinality one (short runs).
std::vector<uint32_t> Indices(int bit_width, bool runs) {
  std::mt19937 rng(3);
  std::vector<uint32_t> v(kValues);
  const uint32_t mask = bit_width == 32 ? ~0u : (1u << bit_width) - 1;
  for (size_t i = 0; i < v.size();) {
    const uint32_t value = static_cast<uint32_t>(rng()) & mask;
    const size_t run = runs ? 1 + rng() % 200 : 1;
    for (size_t k = 0; k < run && i < v.size(); ++k) v[i++] = value;
  }
  return v;
}

void BM_RleDecode(benchmark::State& state) {
  const auto values = Indices(static_cast<int>(state.range(0)), state.range(1) != 0);
  RleBpEncoder encoder(static_cast<int>(state.range(0)));
  encoder.PutMany(values.data(), values.size());
  std::string encoded;
  encoder.FinishTo(&encoded);
  std::vector<uint32_t> out(kValues);
  for (auto _ : state) {
    RleBpDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(),
                         static_cast<int>(state.range(0)));
    if (!decoder.GetBatch(out.data(), out.size()).ok()) state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 4));
  state.SetLabel(state.range(1) ? "runs" : "literals");
}
BENCHMARK(BM_RleDecode)->ArgsProduct({{1, 4, 10, 17}, {0, 1}});

void BM_RleEncode(benchmark::State& state) {
  const auto values = Indices(static_cast<int>(state.range(0)), state.range(1) != 0);
  RleBpEncoder encoder(static_cast<int>(state.range(0)));
  std::string encoded;
  for (auto _ : state) {
    encoded.clear();
    encoder.PutMany(values.data(), values.size());
    encoder.FinishTo(&encoded);
    benchmark::DoNotOptimize(encoded.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 4));
  state.SetLabel(state.range(1) ? "runs" : "literals");
}
BENCHMARK(BM_RleEncode)->ArgsProduct({{1, 10}, {0, 1}});

std::vector<double> Gauges() {
  std::mt19937 rng(4);
  std::vector<double> v(kValues);
  double x = 0.5;
  for (auto& e : v) e = (x += std::sin(static_cast<double>(rng() % 1000)) * 0.01);
  return v;
}

void BM_BssEncodeDouble(benchmark::State& state) {
  const auto values = Gauges();
  std::string out;
  for (auto _ : state) {
    out.clear();
    ByteStreamSplitEncode<double>(values, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 8));
}
BENCHMARK(BM_BssEncodeDouble);

void BM_BssDecodeDouble(benchmark::State& state) {
  const auto values = Gauges();
  std::string encoded;
  ByteStreamSplitEncode<double>(values, &encoded);
  std::vector<double> out(kValues);
  for (auto _ : state) {
    if (!ByteStreamSplitDecode<double>(encoded, kValues, out.data()).ok())
      state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 8));
}
BENCHMARK(BM_BssDecodeDouble);

void BM_BssDecodeFloat(benchmark::State& state) {
  std::vector<float> values(kValues);
  for (size_t i = 0; i < kValues; ++i) values[i] = static_cast<float>(i) * 0.25f;
  std::string encoded;
  ByteStreamSplitEncode<float>(values, &encoded);
  std::vector<float> out(kValues);
  for (auto _ : state) {
    if (!ByteStreamSplitDecode<float>(encoded, kValues, out.data()).ok())
      state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 4));
}
BENCHMARK(BM_BssDecodeFloat);

void BM_DictionaryInsertInt64(benchmark::State& state) {
  std::mt19937_64 rng(5);
  std::vector<int64_t> values(kValues);
  for (auto& v : values) v = static_cast<int64_t>(rng() % static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    DictionaryBuilder<int64_t> dict;
    uint32_t sum = 0;
    for (int64_t v : values) sum += dict.Insert(v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kValues));
}
BENCHMARK(BM_DictionaryInsertInt64)->Arg(100)->Arg(100000);

void BM_DictionaryInsertString(benchmark::State& state) {
  std::vector<std::string> labels;
  for (int i = 0; i < 500; ++i)
    labels.push_back("kube-system/coredns-5d78c9869d-" + std::to_string(i));
  std::mt19937 rng(6);
  std::vector<std::string_view> values(kValues);
  for (auto& v : values) v = labels[rng() % labels.size()];
  for (auto _ : state) {
    DictionaryBuilder<std::string_view> dict;
    uint32_t sum = 0;
    for (std::string_view v : values) sum += dict.Insert(v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kValues));
}
BENCHMARK(BM_DictionaryInsertString);

void BM_PlainDecodeByteArrays(benchmark::State& state) {
  ByteArrays values;
  for (size_t i = 0; i < kValues / 8; ++i) values.Append("container-" + std::to_string(i % 1000));
  std::string encoded;
  PlainEncodeByteArrays(values, &encoded);
  for (auto _ : state) {
    ByteArrays out;
    if (!PlainDecodeByteArrays(encoded, values.size(), &out).ok()) state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.total_bytes());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * encoded.size()));
}
BENCHMARK(BM_PlainDecodeByteArrays);

// Codecs over a DBP-encoded counter page, the typical FGM page body (1 MiB of values).
std::string CounterPage() {
  auto values = Int64Column(1);
  values.resize(1 << 17);
  std::string page;
  PlainEncode<int64_t>(values, &page);
  return page;
}

void BM_Compress(benchmark::State& state) {
  const auto codec = static_cast<CompressionCodec>(state.range(0));
  const std::string page = CounterPage();
  std::string out;
  for (auto _ : state) {
    if (!Compress(codec, page, 3, &out).ok()) state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
  state.SetLabel(
      std::string(CodecName(codec)) + " ratio " +
      std::to_string(static_cast<double>(page.size()) / static_cast<double>(out.size())));
}
BENCHMARK(BM_Compress)->Arg(1)->Arg(2)->Arg(6)->Arg(7);

void BM_Decompress(benchmark::State& state) {
  const auto codec = static_cast<CompressionCodec>(state.range(0));
  const std::string page = CounterPage();
  std::string compressed;
  if (!Compress(codec, page, 3, &compressed).ok()) return;
  std::string out;
  for (auto _ : state) {
    if (!Decompress(codec, compressed, page.size(), &out).ok()) state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
  state.SetLabel(std::string(CodecName(codec)));
}
BENCHMARK(BM_Decompress)->Arg(1)->Arg(2)->Arg(6)->Arg(7);

}  // namespace
}  // namespace fgm::parquet

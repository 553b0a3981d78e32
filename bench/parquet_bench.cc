// SPDX-License-Identifier: Apache-2.0
// Whole-process Parquet benchmark on a metrics-like table: timestamp, container id, 40 numeric
// columns (counters, gauges, derived doubles), 1 row per container per second. Modes:
//   parquet_bench write OUT.parquet [--containers 20] [--hours 24] [--layout default|plain|dict]
//   parquet_bench plain OUT.parquet       same rows, PLAIN + UNCOMPRESSED (input for the DuckDB
//   baseline) parquet_bench read FILE.parquet COLUMN   decode one projected column from every row
//   group
// Prints one JSON object with timings, so bench/parquet_vs_duckdb.mjs can take medians.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "parquet/reader/file_reader.h"
#include "parquet/writer/file_writer.h"

namespace fgm::parquet {
namespace {

constexpr int kCounters = 16;  // cumulative, mostly increasing (cpu usec, io bytes, events)
constexpr int kGauges = 12;    // integer levels that wander (memory bytes, pids)
constexpr int kDoubles = 12;   // derived floating-point gauges (millicores, ratios)

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Schema MakeSchema() {
  Schema s;
  s.columns.push_back(ColumnSpec::Timestamp("time", TimeUnit::kMillis));
  s.columns.push_back(ColumnSpec::String("container_id"));
  for (int i = 0; i < kCounters; ++i)
    s.columns.push_back(ColumnSpec::Int64("counter_" + std::to_string(i)));
  for (int i = 0; i < kGauges; ++i)
    s.columns.push_back(ColumnSpec::Int64("gauge_" + std::to_string(i)));
  for (int i = 0; i < kDoubles; ++i)
    s.columns.push_back(ColumnSpec::Double("derived_" + std::to_string(i)));
  return s;
}

// Generates one container's rows for the whole period, in row groups of `rows_per_group`. Rows are
// sorted by container then time, as the store writes them.
struct Generator {
  int containers;
  int64_t seconds;
  std::mt19937_64 rng{42};

  template <typename Sink>
  void Run(Sink&& sink, int64_t rows_per_batch) {
    Schema schema = MakeSchema();
    const int64_t t0 = 1'764'000'000'000;  // ms
    for (int c = 0; c < containers; ++c) {
      char id[65];
      for (int k = 0; k < 64; ++k) id[k] = "0123456789abcdef"[(rng() >> 7) & 15];
      id[64] = 0;
      std::vector<int64_t> counters(kCounters, 0), gauges(kGauges);
      std::vector<double> rates(kCounters, 0);
      for (int i = 0; i < kCounters; ++i)
        rates[i] = (i % 4 == 3) ? 0.0 : std::exp((rng() % 2000) / 100.0);
      for (int i = 0; i < kGauges; ++i) gauges[i] = static_cast<int64_t>(rng() % (1ull << 30));
      for (int64_t start = 0; start < seconds; start += rows_per_batch) {
        int64_t n = std::min(rows_per_batch, seconds - start);
        std::vector<ColumnBatch> b(schema.columns.size());
        for (size_t k = 0; k < b.size(); ++k) b[k].type = schema.columns[k].type;
        for (int64_t s = start; s < start + n; ++s) {
          b[0].AppendInt64(t0 + s * 1000);
          b[1].AppendBytes(std::string_view(id, 64));
          size_t col = 2;
          for (int i = 0; i < kCounters; ++i) {
            std::normal_distribution<double> noise(rates[i], rates[i] * 0.2 + 1e-9);
            counters[i] += static_cast<int64_t>(std::max(0.0, noise(rng)));
            b[col++].AppendInt64(counters[i]);
          }
          for (int i = 0; i < kGauges; ++i) {
            if (rng() % 4 == 0) gauges[i] += static_cast<int64_t>(rng() % 8193) - 4096;
            b[col++].AppendInt64(gauges[i]);
          }
          for (int i = 0; i < kDoubles; ++i) {
            double v =
                (i % 3 == 0)
                    ? 0.0
                    : std::round(std::abs(std::normal_distribution<double>(250, 40)(rng)) * 1000) /
                          1000;
            b[col++].AppendDouble(v);
          }
        }
        sink(b);
      }
    }
  }
};

int Write(const std::string& path, int containers, int64_t hours, const std::string& layout) {
  WriterOptions options;
  options.max_row_group_rows = 122'880;  // DuckDB's default row group size, for a like-for-like run
  if (layout == "plain") {
    options.codec = CompressionCodec::kUncompressed;
    for (const auto& c : MakeSchema().columns)
      options.columns[c.name] = {.encoding = Encoding::kPlain};
  } else if (layout == "dict") {
    for (const auto& c : MakeSchema().columns) {
      if (c.type != PhysicalType::kBoolean)
        options.columns[c.name] = {.encoding = Encoding::kRleDictionary};
    }
  } else if (layout == "zstd1") {
    options.compression_level = 1;
  } else if (layout != "default") {
    std::fprintf(stderr, "unknown layout %s\n", layout.c_str());
    return 2;
  }
  // Generate first (not timed), then time only the writer.
  std::vector<std::vector<ColumnBatch>> batches;
  Generator{containers, hours * 3600}.Run(
      [&](std::vector<ColumnBatch>& b) { batches.push_back(std::move(b)); }, 3600);
  int64_t rows = 0;
  for (auto& b : batches) rows += static_cast<int64_t>(b[0].num_rows);
  double t = NowSeconds();
  auto writer = FileWriter::Open(path, MakeSchema(), options);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.error().ToString().c_str());
    return 1;
  }
  for (auto& b : batches) {
    Status s = (*writer)->WriteBatch(b);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
  }
  Status s = (*writer)->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  double secs = NowSeconds() - t;
  FILE* f = std::fopen(path.c_str(), "rb");
  std::fseek(f, 0, SEEK_END);
  long bytes = std::ftell(f);
  std::fclose(f);
  int64_t values = rows * static_cast<int64_t>(MakeSchema().columns.size());
  std::printf("{\"mode\":\"write\",\"layout\":\"%s\",\"rows\":%" PRId64
              ",\"seconds\":%.4f,"
              "\"rows_per_sec\":%.0f,\"bytes\":%ld,\"bytes_per_value\":%.4f}\n",
              layout.c_str(), rows, secs, rows / secs, bytes, static_cast<double>(bytes) / values);
  return 0;
}

int Read(const std::string& path, const std::string& column) {
  double t = NowSeconds();
  auto reader = FileReader::OpenFile(path);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.error().ToString().c_str());
    return 1;
  }
  int col = (*reader)->schema().FindColumn(column);
  if (col < 0) {
    std::fprintf(stderr, "no column %s\n", column.c_str());
    return 2;
  }
  int64_t values = 0, checksum = 0;
  ColumnBatch batch;
  ColumnReadBuffers buffers;
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    Status s = (*reader)->ReadColumnChunk(rg, col, &batch, &buffers);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    values += static_cast<int64_t>(batch.num_values());
    if (!batch.int64s.empty()) checksum += batch.int64s.back();
  }
  double secs = NowSeconds() - t;
  std::printf("{\"mode\":\"read\",\"column\":\"%s\",\"values\":%" PRId64
              ",\"seconds\":%.5f,"
              "\"decoded_mb_per_sec\":%.1f,\"checksum\":%" PRId64 "}\n",
              column.c_str(), values, secs, values * 8.0 / 1e6 / secs, checksum);
  return 0;
}

}  // namespace
}  // namespace fgm::parquet

int main(int argc, char** argv) {
  using namespace fgm::parquet;
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: parquet_bench write|plain OUT [--containers N] [--hours H] [--layout L]\n"
                 "       parquet_bench read FILE COLUMN\n");
    return 2;
  }
  std::string mode = argv[1], path = argv[2];
  if (mode == "read") return argc >= 4 ? Read(path, argv[3]) : 2;
  int containers = 20;
  int64_t hours = 24;
  std::string layout = mode == "plain" ? "plain" : "default";
  for (int i = 3; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--containers"))
      containers = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--hours"))
      hours = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--layout"))
      layout = argv[i + 1];
  }
  return Write(path, containers, hours, layout);
}

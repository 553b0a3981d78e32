// SPDX-License-Identifier: Apache-2.0
// Dataset size against the Rust reference's row layout, on the same samples. Reads an FGM dataset
// (e.g. from `fgm generate-bench-data`), re-writes every numeric sample of its container rows in
// the reference's tall layout (one row per metric per container per second: run_id, time,
// fetch_index, metric_name, metric_kind, value_int, value_float, l_* labels) with our writer at
// ZSTD-3, and prints bytes per numeric sample for both.
//   layout_bench DATASET_DIR OUT_TALL.parquet [--reference-encodings]
// Two baselines: FGM's own encoding analysis applied to the tall layout (the hardest), and the
// reference's writer settings (dictionary everywhere with fallback, see ReferenceWriterOptions).
// The tall rows are emitted in the reference's order: tick by tick, every container's metrics at
// second t before second t+1 (its accumulator flushes whole ticks).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "parquet/reader/file_reader.h"
#include "parquet/writer/file_writer.h"
#include "store/catalog.h"

namespace fgm {
namespace {

using parquet::ColumnBatch;
using parquet::ColumnSpec;
using parquet::PhysicalType;
using parquet::Repetition;

constexpr const char* kLabels[] = {"cluster_name", "container_id", "container_name", "device",
                                   "namespace",    "node_name",    "process_pid",    "pod_name",
                                   "pod_uid",      "qos_class"};

parquet::Schema TallSchema() {
  parquet::Schema s;
  s.columns.push_back(ColumnSpec::String("run_id"));
  s.columns.push_back(ColumnSpec::Timestamp("time", parquet::TimeUnit::kMillis, false));
  ColumnSpec fetch = ColumnSpec::Int64("fetch_index");
  fetch.logical_type = parquet::LogicalType::Integer(64, false);
  s.columns.push_back(fetch);
  s.columns.push_back(ColumnSpec::String("metric_name"));
  s.columns.push_back(ColumnSpec::String("metric_kind"));
  ColumnSpec vint = ColumnSpec::Int64("value_int", Repetition::kOptional);
  vint.logical_type = parquet::LogicalType::Integer(64, false);
  s.columns.push_back(vint);
  s.columns.push_back(ColumnSpec::Double("value_float", Repetition::kOptional));
  for (const char* l : kLabels) {
    s.columns.push_back(ColumnSpec::String(std::string("l_") + l, Repetition::kOptional));
  }
  return s;
}

// Writer settings of the reference (parquet-rs 54, WriterVersion 2.0): dictionary on for every
// column with a 1 MiB fallback, 1 Mi-row row groups, ZSTD-3. After the fallback parquet-rs uses
// DELTA_BINARY_PACKED / DELTA_LENGTH_BYTE_ARRAY / PLAIN; ours uses the same for integers and
// strings and BYTE_STREAM_SPLIT for doubles, which only helps the baseline.
parquet::WriterOptions ReferenceWriterOptions() {
  parquet::WriterOptions wo;
  wo.codec = parquet::CompressionCodec::kZstd;
  wo.compression_level = 3;
  wo.max_row_group_rows = 1 << 20;
  for (const ColumnSpec& c : TallSchema().columns) {
    wo.columns[c.name] = {.encoding = parquet::Encoding::kRleDictionary};
  }
  return wo;
}

int Run(const std::string& dir, const std::string& out_path, bool reference_encodings) {
  std::vector<std::string> files;
  uint64_t fgm_bytes = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") {
      files.push_back(e.path().string());
      fgm_bytes += e.file_size();
    }
  }
  std::sort(files.begin(), files.end());
  parquet::WriterOptions wo;
  wo.codec = parquet::CompressionCodec::kZstd;
  wo.compression_level = 3;
  wo.max_row_group_rows = 1 << 20;  // parquet-rs' default row group size
  if (reference_encodings) wo = ReferenceWriterOptions();
  auto writer = parquet::FileWriter::Open(out_path, TallSchema(), wo);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.error().ToString().c_str());
    return 1;
  }
  const parquet::Schema tall = TallSchema();
  std::vector<ColumnBatch> out(tall.columns.size());
  auto reset = [&] {
    for (size_t c = 0; c < out.size(); ++c) out[c] = ColumnBatch{.type = tall.columns[c].type};
  };
  reset();
  uint64_t samples = 0;
  int64_t t0 = -1;
  auto flush = [&]() -> bool {
    if (out[0].num_rows == 0) return true;
    Status s = (*writer)->WriteBatch(out);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return false;
    }
    reset();
    return true;
  };
  // The reference writes tick by tick: every metric of every container at second t, then t+1.
  // Rebuild that order an hour at a time (bounded memory) using the time column's statistics.
  struct Open {
    std::unique_ptr<parquet::FileReader> reader;
    int kind_col, time_col;
    std::vector<int> label_cols;
  };
  std::vector<Open> readers;
  int64_t min_t = INT64_MAX, max_t = INT64_MIN;
  for (const std::string& f : files) {
    auto reader = parquet::FileReader::OpenFile(f);
    if (!reader.ok()) {
      std::fprintf(stderr, "%s\n", reader.error().ToString().c_str());
      return 1;
    }
    Open o{std::move(*reader), 0, 0, {}};
    const parquet::Schema& schema = o.reader->schema();
    o.kind_col = schema.FindColumn("kind");
    o.time_col = schema.FindColumn("time");
    for (const char* l : kLabels) o.label_cols.push_back(schema.FindColumn(l));
    for (int rg = 0; rg < o.reader->num_row_groups(); ++rg) {
      auto st = o.reader->ChunkStatistics(rg, o.time_col);
      if (st.ok() && st->min && st->max) {
        min_t = std::min(min_t, st->min->i);
        max_t = std::max(max_t, st->max->i);
      }
    }
    readers.push_back(std::move(o));
  }
  parquet::ColumnReadBuffers buffers;
  constexpr int64_t kWindowMs = 3600 * 1000;
  struct Cell {
    int64_t time;
    size_t source;  // index into rows
  };
  for (int64_t w = min_t - (min_t % kWindowMs); w <= max_t; w += kWindowMs) {
    // All container rows of the window, as (time, reader, batches, row) handles.
    struct Rows {
      const Open* open;
      std::vector<ColumnBatch> batches;
      std::vector<std::vector<size_t>> value_index;  // [column][row] dense index or SIZE_MAX
    };
    std::vector<Rows> window;
    std::vector<std::pair<int64_t, std::pair<size_t, size_t>>> order;  // time -> (rows, row)
    for (const Open& o : readers) {
      const parquet::Schema& schema = o.reader->schema();
      std::vector<int> cols(schema.columns.size());
      for (size_t c = 0; c < cols.size(); ++c) cols[c] = static_cast<int>(c);
      for (int rg = 0; rg < o.reader->num_row_groups(); ++rg) {
        auto ranges = o.reader->RowRangesMatchingInt64Range(rg, o.time_col, w, w + kWindowMs - 1);
        if (!ranges.ok() || ranges->empty()) continue;
        Rows rows{&o, std::vector<ColumnBatch>(cols.size()), {}};
        for (size_t c = 0; c < cols.size(); ++c) {
          Status s = o.reader->ReadColumnRanges(rg, cols[c], *ranges, &rows.batches[c], &buffers);
          if (!s.ok()) {
            std::fprintf(stderr, "%s\n", s.ToString().c_str());
            return 1;
          }
        }
        rows.value_index.resize(cols.size());
        for (size_t c = 0; c < cols.size(); ++c) {
          size_t v = 0;
          for (size_t r = 0; r < rows.batches[c].num_rows; ++r) {
            rows.value_index[c].push_back(rows.batches[c].IsNull(r) ? SIZE_MAX : v++);
          }
        }
        for (size_t r = 0; r < rows.batches[0].num_rows; ++r) {
          size_t ki = rows.value_index[o.kind_col][r];
          if (ki == SIZE_MAX || rows.batches[o.kind_col].bytes[ki] != "container") continue;
          int64_t t = rows.batches[o.time_col].int64s[rows.value_index[o.time_col][r]];
          if (t < w || t >= w + kWindowMs) continue;
          order.push_back({t, {window.size(), r}});
        }
        window.push_back(std::move(rows));
      }
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [t, where] : order) {
      const Rows& rows = window[where.first];
      size_t r = where.second;
      const Open& o = *rows.open;
      const parquet::Schema& schema = o.reader->schema();
      if (t0 < 0) t0 = t;
      for (size_t c = 0; c < rows.batches.size(); ++c) {
        const store::ColumnDef* def = store::FindColumn(schema.columns[c].name);
        size_t at = rows.value_index[c][r];
        if (!def || at == SIZE_MAX || def->type == PhysicalType::kByteArray) continue;
        if (def->kind == store::ColumnKind::kTime || def->kind == store::ColumnKind::kLabel)
          continue;
        out[0].AppendBytes("bench-run-00000000-0000-4000-8000-000000000000");
        out[1].AppendInt64(t);
        out[2].AppendInt64((t - t0) / 1000);
        out[3].AppendBytes(def->name);
        out[4].AppendBytes(def->kind == store::ColumnKind::kCounter ? "counter" : "gauge");
        if (def->type == PhysicalType::kInt64) {
          out[5].AppendInt64(rows.batches[c].int64s[at]);
          out[6].AppendNull();
        } else {
          out[5].AppendNull();
          out[6].AppendDouble(rows.batches[c].doubles[at]);
        }
        for (size_t l = 0; l < o.label_cols.size(); ++l) {
          int lc = o.label_cols[l];
          ColumnBatch& dst = out[7 + l];
          size_t la = lc < 0 ? SIZE_MAX : rows.value_index[lc][r];
          if (la == SIZE_MAX) {
            dst.AppendNull();
          } else if (rows.batches[lc].type == PhysicalType::kInt64) {
            dst.AppendBytes(std::to_string(rows.batches[lc].int64s[la]));
          } else {
            dst.AppendBytes(rows.batches[lc].bytes[la]);
          }
        }
        ++samples;
      }
      if (out[0].num_rows >= 65536 && !flush()) return 1;
    }
  }
  if (!flush()) return 1;
  Status s = (*writer)->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  uint64_t tall_bytes = std::filesystem::file_size(out_path);
  std::printf("{\"baseline\":\"%s\",\"samples\":%" PRIu64 ",\"fgm_bytes\":%" PRIu64 ",\"tall_bytes\":%" PRIu64
              ",\"fgm_bytes_per_sample\":%.4f,\"tall_bytes_per_sample\":%.4f,\"ratio\":%.2f}\n",
              reference_encodings ? "tall, reference encodings" : "tall, FGM-analyzed encodings",
              samples, fgm_bytes, tall_bytes, double(fgm_bytes) / samples,
              double(tall_bytes) / samples, double(tall_bytes) / fgm_bytes);
  return 0;
}

}  // namespace
}  // namespace fgm

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 4 && std::string(argv[3]) == "--reference-encodings")) {
    std::fprintf(stderr, "usage: layout_bench DATASET_DIR OUT_TALL.parquet [--reference-encodings]\n");
    return 2;
  }
  return fgm::Run(argv[1], argv[2], argc == 4);
}

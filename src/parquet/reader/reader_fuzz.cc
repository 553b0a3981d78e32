// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the Parquet reader (built by fuzz/CMakeLists.txt with FGM_FUZZ=ON, run by
// scripts/fuzz.sh): opens the input as an in-memory file, reads every column chunk of every row
// group (whole, by row range, with statistics, page index and page pruning), then renders it with
// `fgm inspect` (text and JSON) and the conformance JSON dump. Besides crashes and sanitizer
// reports it checks invariants (FGM_CHECK aborts, which libFuzzer records as a finding): batch
// shapes match the metadata, a row-range read equals the same rows of the whole-chunk read, and
// the dump succeeds whenever every chunk read did.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/check.h"
#include "parquet/reader/file_reader.h"
#include "parquet/tools/dump.h"
#include "parquet/tools/inspect.h"

namespace fgm::parquet {
namespace {

// Per-call decode budget and page cap far below the defaults: RLE and dictionary encodings expand
// a few input bytes into millions of values, and libFuzzer's -rss_limit_mb (2048 in
// scripts/fuzz.sh) and -timeout must measure the reader's bugs, not legitimate expansion.
constexpr ReaderOptions kOptions{.max_page_bytes = size_t{16} << 20,
                                 .max_decoded_bytes = size_t{8} << 20};
// Across the whole input: a footer can list thousands of chunks that each decode to the budget.
constexpr size_t kMaxTotalRows = size_t{4} << 20;
// The dump prints every value as text (up to ~30 bytes each); keep it cheap.
constexpr size_t kMaxDumpValues = size_t{1} << 20;

// Value i (dense index) of a batch as bytes, for comparisons independent of the type.
std::string_view ValueBytes(const ColumnBatch& b, size_t i) {
  switch (b.type) {
    case PhysicalType::kBoolean:
      return {reinterpret_cast<const char*>(&b.bools[i]), 1};
    case PhysicalType::kInt32:
      return {reinterpret_cast<const char*>(&b.int32s[i]), 4};
    case PhysicalType::kInt64:
      return {reinterpret_cast<const char*>(&b.int64s[i]), 8};
    case PhysicalType::kFloat:
      return {reinterpret_cast<const char*>(&b.floats[i]), 4};
    case PhysicalType::kDouble:
      return {reinterpret_cast<const char*>(&b.doubles[i]), 8};
    default:
      return b.bytes[i];
  }
}

void CheckShape(const ColumnBatch& b, const ColumnSpec& column) {
  FGM_CHECK(b.type == column.type);
  FGM_CHECK(b.validity.empty() || b.validity.size() == b.num_rows);
  FGM_CHECK(b.validity.empty() || column.repetition == Repetition::kOptional);
  size_t present = b.validity.empty() ? b.num_rows : 0;
  for (uint8_t v : b.validity) present += v;
  FGM_CHECK(b.num_values() == present) << b.num_values() << " values, " << present << " present";
  if (column.type == PhysicalType::kFixedLenByteArray || column.type == PhysicalType::kInt96) {
    const size_t width = column.type == PhysicalType::kInt96 ? 12 : column.type_length;
    for (size_t i = 0; i < b.bytes.size(); ++i) FGM_CHECK(b.bytes[i].size() == width);
  }
}

// `part` must equal rows [first, first + part.num_rows) of `whole`.
void CheckSlice(const ColumnBatch& whole, size_t first, const ColumnBatch& part) {
  FGM_CHECK(first + part.num_rows <= whole.num_rows);
  size_t v_whole = 0;
  for (size_t r = 0; r < first; ++r) v_whole += whole.IsNull(r) ? 0 : 1;
  size_t v_part = 0;
  for (size_t r = 0; r < part.num_rows; ++r) {
    FGM_CHECK(whole.IsNull(first + r) == part.IsNull(r)) << "row " << first + r;
    if (part.IsNull(r)) continue;
    FGM_CHECK(ValueBytes(whole, v_whole) == ValueBytes(part, v_part)) << "row " << first + r;
    ++v_whole;
    ++v_part;
  }
}

void FuzzOne(std::string_view bytes) {
  auto opened = FileReader::Open(MakeMemorySource(bytes, "fuzz"), kOptions);
  if (!opened.ok()) return;
  const FileReader& reader = **opened;
  ColumnReadBuffers buffers;
  ColumnBatch whole, part;
  size_t total_rows = 0;
  bool all_read = true;
  for (int rg = 0; rg < reader.num_row_groups() && total_rows <= kMaxTotalRows; ++rg) {
    const int64_t rows = reader.row_group_num_rows(rg);
    for (int c = 0; c < reader.num_columns() && total_rows <= kMaxTotalRows; ++c) {
      const ColumnSpec& column = reader.schema().columns[static_cast<size_t>(c)];
      reader.ChunkStatistics(rg, c).status().IgnoreError();
      if (column.type == PhysicalType::kInt64 || column.type == PhysicalType::kInt32) {
        auto ranges = reader.RowRangesMatchingInt64Range(rg, c, -1000, 1000);
        if (ranges.ok()) {
          FGM_CHECK(IsNormalRowRanges(*ranges));
          FGM_CHECK(ranges->empty() || ranges->back().end() <= rows);
        }
      }
      if (!reader.ReadColumnChunk(rg, c, &whole, &buffers).ok()) {
        all_read = false;
        continue;
      }
      FGM_CHECK(whole.num_rows == static_cast<size_t>(rows)) << whole.num_rows << " vs " << rows;
      CheckShape(whole, column);
      total_rows += whole.num_rows;
      // A middle slice through the page index (when present) must match the whole read.
      const int64_t first = rows / 3;
      const int64_t count = std::min(rows / 3 + 1, rows - first);
      if (reader.ReadColumnRows(rg, c, first, count, &part, &buffers).ok()) {
        FGM_CHECK(part.num_rows == static_cast<size_t>(count));
        CheckShape(part, column);
        CheckSlice(whole, static_cast<size_t>(first), part);
      }
    }
  }
  for (bool json : {false, true}) {
    auto text = InspectParquet(reader, "fuzz.parquet", json);
    FGM_CHECK(text.ok()) << text.error().ToString();
  }
  // total_rows counts the values of every chunk read; stopping early leaves it above the cap.
  if (all_read && total_rows <= kMaxDumpValues) {
    auto dump = DumpParquetAsJson(reader);
    FGM_CHECK(dump.ok()) << "dump failed after every chunk read: " << dump.error().ToString();
  }
}

}  // namespace
}  // namespace fgm::parquet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fgm::parquet::FuzzOne(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// parquet_conformance_tool: the C++ half of the Parquet conformance checks in test/conformance/.
//   write-matrix OUTDIR  writes files with FGM's writer (types x encodings x codecs x page versions
//   x
//                        nullability, plus edge cases) and OUTDIR/manifest.json holding every value
//                        written, which the node scripts compare against DuckDB and hyparquet.
//   dump FILE            prints FGM's reader view of FILE as conformance JSON (exit 2 on error).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "core/file.h"
#include "core/result.h"
#include "core/status.h"
#include "parquet/column_batch.h"
#include "parquet/schema.h"
#include "parquet/tools/dump.h"
#include "parquet/types.h"
#include "parquet/writer/file_writer.h"

namespace fgm::parquet::conformance {
namespace {

using Json = nlohmann::ordered_json;

// One row's value of one column; monostate is null.
using Cell = std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string>;

// Fixed seed: every run writes byte-identical data, so a failure seen once can be reproduced by
// hand.
constexpr uint64_t kSeed = 0x46474D2D50415251;  // "FGM-PARQ"

// Small deterministic helpers over mt19937_64, whose output sequence the C++ standard fixes (the
// std:: distributions are implementation-defined, so they are avoided).
class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  uint64_t Next() { return gen_(); }
  /// Uniform-ish in [0, n); the modulo bias is irrelevant for test data.
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : gen_() % n; }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool Chance(double p) { return Unit() < p; }
  /// In [0, 1), from the top 53 bits.
  double Unit() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 gen_;
};

enum class Kind { kBool, kInt32, kInt64, kFloat, kDouble, kString, kBinary };

PhysicalType PhysicalOf(Kind k) {
  switch (k) {
    case Kind::kBool:
      return PhysicalType::kBoolean;
    case Kind::kInt32:
      return PhysicalType::kInt32;
    case Kind::kInt64:
      return PhysicalType::kInt64;
    case Kind::kFloat:
      return PhysicalType::kFloat;
    case Kind::kDouble:
      return PhysicalType::kDouble;
    case Kind::kString:
    case Kind::kBinary:
      return PhysicalType::kByteArray;
  }
  return PhysicalType::kInt64;
}

std::string_view ShortName(Kind k) {
  switch (k) {
    case Kind::kBool:
      return "bool";
    case Kind::kInt32:
      return "i32";
    case Kind::kInt64:
      return "i64";
    case Kind::kFloat:
      return "f32";
    case Kind::kDouble:
      return "f64";
    case Kind::kString:
      return "str";
    case Kind::kBinary:
      return "bin";
  }
  return "?";
}

struct ColumnPlan {
  ColumnSpec spec;
  /// Forced encoding / codec; unset members leave the writer's analyzed choice.
  ColumnWriteOptions write;
  /// Encoding that must appear among the chunk's encodings (empty: not asserted).
  std::string expect_encoding;
  std::vector<Cell> cells;  // one per row
};

struct FilePlan {
  std::string file;
  WriterOptions options;
  std::vector<ColumnPlan> columns;
  int64_t num_rows = 0;
  /// Rows per WriteBatch call; batches deliberately straddle row-group boundaries.
  int64_t batch_rows = 256;
  /// Row counts after which FlushRowGroup() is called (sorted; repeats test the no-op case).
  std::vector<int64_t> flush_after;
  /// Footer key-values added with AddKeyValue() (options.key_value_metadata holds the others).
  std::vector<std::pair<std::string, std::string>> added_key_values;
  /// Write one zero-row batch first: it must be a no-op.
  bool write_empty_batch = false;
  /// Reader -> {error substring, why}: a documented limitation of that independent reader. If it
  /// fails with that error the node side reports a note instead of a failure.
  std::map<std::string, std::pair<std::string, std::string>> known_reader_gaps;
};

// ---- values ------------------------------------------------------------------------------------

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

template <typename F>
Json FloatJson(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  // Widening a float to double is exact, and nlohmann prints doubles so they parse back exactly.
  return static_cast<double>(v);
}

Json CellJson(const Cell& cell, const ColumnSpec& spec) {
  return std::visit(
      [&](const auto& v) -> Json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, int32_t>) {
          return v;
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return std::to_string(v);  // JSON numbers lose precision beyond 2^53
        } else if constexpr (std::is_floating_point_v<T>) {
          return FloatJson(v);
        } else {
          if (spec.logical_type.kind == LogicalType::Kind::kString) return v;
          return Json{{"hex", Hex(v)}};
        }
      },
      cell);
}

void AppendCell(const Cell& cell, ColumnBatch* batch) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          batch->AppendNull();
        } else if constexpr (std::is_same_v<T, bool>) {
          batch->AppendBool(v);
        } else if constexpr (std::is_same_v<T, int32_t>) {
          batch->AppendInt32(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          batch->AppendInt64(v);
        } else if constexpr (std::is_same_v<T, float>) {
          batch->AppendFloat(v);
        } else if constexpr (std::is_same_v<T, double>) {
          batch->AppendDouble(v);
        } else {
          batch->AppendBytes(v);
        }
      },
      cell);
}

std::string LogicalTypeString(const LogicalType& t) {
  auto unit = [](TimeUnit u) {
    switch (u) {
      case TimeUnit::kMillis:
        return "MILLIS";
      case TimeUnit::kMicros:
        return "MICROS";
      case TimeUnit::kNanos:
        return "NANOS";
    }
    return "?";
  };
  auto b = [](bool v) { return v ? "true" : "false"; };
  switch (t.kind) {
    case LogicalType::Kind::kNone:
      return "";
    case LogicalType::Kind::kString:
      return "STRING";
    case LogicalType::Kind::kInteger:
      return "INTEGER(" + std::to_string(t.bit_width) + "," + b(t.is_signed) + ")";
    case LogicalType::Kind::kTimestamp:
      return std::string("TIMESTAMP(") + unit(t.unit) + "," + b(t.is_adjusted_to_utc) + ")";
    case LogicalType::Kind::kDate:
      return "DATE";
    case LogicalType::Kind::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    default:
      return "OTHER";
  }
}

// Value profiles. "Mixed" interleaves blocks of very different shapes (full-range random, slow
// ramps, constant runs, small values) so delta/RLE/bit-packing see many widths and run lengths;
// "Distinct" has no repeats (the analyzed choice is then a non-dictionary one); "Ramp" is a counter
// (distinct, small positive steps); "LowCard" draws from a 16-value set (with the awkward members:
// extremes, -0.0/0.0, NaN, "").
enum class Profile { kMixed, kDistinct, kRamp, kLowCard };

// Steps of the ramp profile: below 2^10, so DELTA_BINARY_PACKED needs ~10 bits per value where
// PLAIN needs 32 or 64 (and compresses random low bytes poorly).
constexpr int64_t kRampMaxStep = 1000;

// Rows per block of one shape in the mixed profile: several 32-value DBP miniblocks and several
// RLE runs per block, and several blocks per page at the page sizes used below.
constexpr int64_t kMixedBlockRows = 96;

template <typename T>
T MixedInt(Rng& rng, int64_t row, int* regime, T* state) {
  if (row % kMixedBlockRows == 0) {
    *regime = static_cast<int>(rng.Below(4));
    *state = static_cast<T>(rng.Next());
  }
  switch (*regime) {
    case 0:
      return static_cast<T>(rng.Next());  // full range: deltas overflow and must wrap
    case 1: {                             // slow ramp, like timestamps or counters
      *state = static_cast<T>(static_cast<std::make_unsigned_t<T>>(*state) + rng.Below(1000));
      return *state;
    }
    case 2:
      return *state;  // constant run
    default:
      return static_cast<T>(rng.Between(-100, 100));
  }
}

std::string RandomUtf8(Rng& rng, int64_t min_len, int64_t max_len) {
  // Pieces of 1 to 4 UTF-8 bytes, including a combining mark that attaches to what precedes it.
  static const char* const kPieces[] = {"a", "b", "z", "Q",  "0",  "9",  " ", "-",
                                        "_", "é", "ß", "中", "文", "ア", "😀", "\xcc\x81"};
  int64_t n = rng.Between(min_len, max_len);
  std::string s;
  for (int64_t i = 0; i < n; ++i) s += kPieces[rng.Below(std::size(kPieces))];
  return s;
}

std::string RandomBytes(Rng& rng, int64_t min_len, int64_t max_len) {
  int64_t n = rng.Between(min_len, max_len);
  std::string s;
  for (int64_t i = 0; i < n; ++i) s.push_back(static_cast<char>(rng.Below(256)));
  return s;
}

const std::vector<std::string>& LowCardStrings() {
  static const std::vector<std::string> kValues = {"",
                                                   "a",
                                                   "abc",
                                                   "héllo",
                                                   "日本語",
                                                   "😀",
                                                   "e\xcc\x81",
                                                   "zzzz",
                                                   "A",
                                                   "0",
                                                   " ",
                                                   "tab\tnew\nline",
                                                   "quote\"back\\slash",
                                                   "Ünïcödé",
                                                   "mixed 中文 text",
                                                   "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"};
  return kValues;
}

const std::vector<std::string>& LowCardBinaries() {
  static const std::vector<std::string> kValues = {
      std::string(),
      std::string(1, '\0'),
      std::string("\xff\xfe\xfd", 3),
      std::string("\x00\x01\x02\x03", 4),
      "plain ascii",
      std::string("\x80", 1),
      std::string("\xc3\x28", 2),  // invalid UTF-8 on purpose
      std::string(17, '\x7f'),
  };
  return kValues;
}

template <typename F>
std::vector<F> SpecialFloats() {
  using L = std::numeric_limits<F>;
  return {L::quiet_NaN(),   L::infinity(), -L::infinity(), F(-0.0),     F(0.0), L::denorm_min(),
          -L::denorm_min(), L::min(),      L::max(),       L::lowest(), F(1),   F(-1),
          F(0.1),           F(-2.5e-7)};
}

// Builds `n` cells of one kind and profile; each row is null with probability `null_fraction`.
std::vector<Cell> MakeCells(Kind kind, Profile profile, int64_t n, double null_fraction, Rng& rng) {
  std::vector<Cell> cells;
  cells.reserve(static_cast<size_t>(n));
  int regime = 0;
  int32_t state32 = 0;
  int64_t state64 = 0;
  // Low-cardinality numeric sets mix extremes into ordinary values.
  std::vector<int32_t> lc32 = {
      std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0, -1, 1, 42};
  std::vector<int64_t> lc64 = {std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max(),
                               0,
                               -1,
                               1,
                               1700000000000000};
  while (lc32.size() < 16) lc32.push_back(static_cast<int32_t>(rng.Next()));
  while (lc64.size() < 16) lc64.push_back(static_cast<int64_t>(rng.Next()));
  std::vector<float> lcf = SpecialFloats<float>();
  std::vector<double> lcd = SpecialFloats<double>();
  bool bool_run_value = false;
  for (int64_t row = 0; row < n; ++row) {
    Cell value;
    switch (kind) {
      case Kind::kBool:
        if (row % kMixedBlockRows == 0) {
          regime = static_cast<int>(rng.Below(3));
          bool_run_value = rng.Chance(0.5);
        }
        // Long runs (RLE runs) alternate with random bits (bit-packed groups).
        value = Cell(regime == 0 ? rng.Chance(0.5) : bool_run_value);
        break;
      case Kind::kInt32:
        if (profile == Profile::kLowCard) {
          value = Cell(lc32[rng.Below(lc32.size())]);
        } else if (profile == Profile::kDistinct) {
          value = Cell(static_cast<int32_t>(rng.Next()));
        } else if (profile == Profile::kRamp) {
          if (row == 0) state32 = static_cast<int32_t>(rng.Between(-1'000'000'000, 0));
          state32 += static_cast<int32_t>(rng.Between(1, kRampMaxStep));
          value = Cell(state32);
        } else {
          value = Cell(MixedInt<int32_t>(rng, row, &regime, &state32));
        }
        break;
      case Kind::kInt64:
        if (profile == Profile::kLowCard) {
          value = Cell(lc64[rng.Below(lc64.size())]);
        } else if (profile == Profile::kDistinct) {
          value = Cell(static_cast<int64_t>(rng.Next()));
        } else if (profile == Profile::kRamp) {
          if (row == 0) state64 = rng.Between(1'700'000'000'000'000, 1'800'000'000'000'000);
          state64 += rng.Between(1, kRampMaxStep);
          value = Cell(state64);
        } else {
          value = Cell(MixedInt<int64_t>(rng, row, &regime, &state64));
        }
        break;
      case Kind::kFloat:
        if (profile == Profile::kLowCard) {
          value = Cell(lcf[rng.Below(lcf.size())]);
        } else if (profile == Profile::kMixed && rng.Chance(0.02)) {
          value = Cell(lcf[rng.Below(lcf.size())]);
        } else {
          value = Cell(static_cast<float>((rng.Unit() - 0.5) * 2e6));
        }
        break;
      case Kind::kDouble:
        if (profile == Profile::kLowCard) {
          value = Cell(lcd[rng.Below(lcd.size())]);
        } else if (profile == Profile::kMixed && rng.Chance(0.02)) {
          value = Cell(lcd[rng.Below(lcd.size())]);
        } else {
          value = Cell((rng.Unit() - 0.5) * 2e6);
        }
        break;
      case Kind::kString:
        if (profile == Profile::kLowCard) {
          value = Cell(LowCardStrings()[rng.Below(LowCardStrings().size())]);
        } else if (profile == Profile::kDistinct) {
          value = Cell(RandomUtf8(rng, 8, 24));
        } else {
          value = Cell(RandomUtf8(rng, 0, 24));
        }
        break;
      case Kind::kBinary:
        if (profile == Profile::kLowCard) {
          value = Cell(LowCardBinaries()[rng.Below(LowCardBinaries().size())]);
        } else if (profile == Profile::kDistinct) {
          value = Cell(RandomBytes(rng, 8, 24));
        } else {
          value = Cell(RandomBytes(rng, 0, 20));
        }
        break;
    }
    // Nulls replace generated values (rather than skipping generation) so block shapes stay intact.
    bool is_null = null_fraction > 0 && rng.Chance(null_fraction);
    cells.push_back(is_null ? Cell() : std::move(value));
  }
  return cells;
}

ColumnSpec SpecFor(Kind kind, std::string name, Repetition r) {
  ColumnSpec spec{.name = std::move(name), .type = PhysicalOf(kind), .repetition = r};
  if (kind == Kind::kString) spec.logical_type = LogicalType::String();
  return spec;
}

// The encoding a forced dictionary falls back to when it outgrows max_dictionary_bytes.
std::string DictionaryFallbackOf(Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return "RLE";
    case Kind::kInt32:
    case Kind::kInt64:
      return "DELTA_BINARY_PACKED";
    case Kind::kFloat:
    case Kind::kDouble:
      return "BYTE_STREAM_SPLIT";
    case Kind::kString:
    case Kind::kBinary:
      return "DELTA_LENGTH_BYTE_ARRAY";
  }
  return "";
}

ColumnPlan Column(Kind kind, std::string name, Repetition r, std::optional<Encoding> encoding,
                  std::string expect_encoding, std::vector<Cell> cells) {
  ColumnPlan c{.spec = SpecFor(kind, std::move(name), r)};
  c.write.encoding = encoding;
  c.expect_encoding = std::move(expect_encoding);
  c.cells = std::move(cells);
  return c;
}

// ---- the matrix -------------------------------------------------------------------------------

// Null share of optional columns: enough for every page to mix nulls and values.
constexpr double kNullFraction = 0.2;

// Columns of one matrix file: every kind x every encoding the writer accepts for it x
// required/optional, plus the analyzed choice on distinct-heavy and low-cardinality data.
std::vector<ColumnPlan> MatrixColumns(int64_t rows, Rng& rng) {
  struct Variant {
    std::string tag;
    std::optional<Encoding> encoding;
    Profile profile;
    std::string expect;
  };
  std::vector<ColumnPlan> out;
  for (Kind kind : {Kind::kBool, Kind::kInt32, Kind::kInt64, Kind::kFloat, Kind::kDouble,
                    Kind::kString, Kind::kBinary}) {
    std::vector<Variant> variants = {{"plain", Encoding::kPlain, Profile::kMixed, "PLAIN"}};
    switch (kind) {
      case Kind::kBool:
        variants.push_back({"rle", Encoding::kRle, Profile::kMixed, "RLE"});
        break;
      case Kind::kInt32:
      case Kind::kInt64:
        variants.push_back({"dict", Encoding::kRleDictionary, Profile::kLowCard, "RLE_DICTIONARY"});
        variants.push_back(
            {"dbp", Encoding::kDeltaBinaryPacked, Profile::kMixed, "DELTA_BINARY_PACKED"});
        break;
      case Kind::kFloat:
      case Kind::kDouble:
        variants.push_back({"dict", Encoding::kRleDictionary, Profile::kLowCard, "RLE_DICTIONARY"});
        variants.push_back(
            {"bss", Encoding::kByteStreamSplit, Profile::kMixed, "BYTE_STREAM_SPLIT"});
        break;
      case Kind::kString:
      case Kind::kBinary:
        variants.push_back({"dict", Encoding::kRleDictionary, Profile::kLowCard, "RLE_DICTIONARY"});
        variants.push_back(
            {"dlba", Encoding::kDeltaLengthByteArray, Profile::kMixed, "DELTA_LENGTH_BYTE_ARRAY"});
        variants.push_back({"dba", Encoding::kDeltaByteArray, Profile::kMixed, "DELTA_BYTE_ARRAY"});
        break;
    }
    // The analyzed choice keeps the smallest compressed candidate, so only clear-cut cases are
    // asserted: a dictionary for 16 distinct values, DELTA_BINARY_PACKED for counters. Distinct
    // random data may legitimately end up PLAIN; its values are still checked.
    variants.push_back({"auto_distinct", std::nullopt, Profile::kDistinct, ""});
    if (kind == Kind::kInt32 || kind == Kind::kInt64) {
      variants.push_back({"auto_counter", std::nullopt, Profile::kRamp, "DELTA_BINARY_PACKED"});
    }
    if (kind != Kind::kBool) {
      variants.push_back({"auto_lowcard", std::nullopt, Profile::kLowCard, "RLE_DICTIONARY"});
    }
    for (const Variant& v : variants) {
      for (Repetition r : {Repetition::kRequired, Repetition::kOptional}) {
        bool opt = r == Repetition::kOptional;
        std::string name = std::string(ShortName(kind)) + "_" + v.tag + (opt ? "_opt" : "_req");
        out.push_back(Column(kind, name, r, v.encoding, v.expect,
                             MakeCells(kind, v.profile, rows, opt ? kNullFraction : 0, rng)));
      }
    }
  }
  return out;
}

std::vector<FilePlan> MatrixFiles(Rng& rng) {
  std::vector<FilePlan> files;
  for (CompressionCodec codec : {CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                                 CompressionCodec::kGzip, CompressionCodec::kZstd}) {
    for (DataPageVersion version : {DataPageVersion::kV1, DataPageVersion::kV2}) {
      FilePlan f;
      f.file = "matrix_" + std::string(CodecName(codec)) +
               (version == DataPageVersion::kV1 ? "_v1" : "_v2") + ".parquet";
      for (char& c : f.file) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      f.num_rows = 1500;
      f.batch_rows = 250;  // 600-row groups: batches straddle the boundaries
      f.options.codec = codec;
      f.options.data_page_version = version;
      f.options.max_row_group_rows = 600;
      // Small pages give several pages per chunk (and per dictionary), where readers often break.
      f.options.target_page_bytes = 1024;
      f.columns = MatrixColumns(f.num_rows, rng);
      files.push_back(std::move(f));
    }
  }
  return files;
}

// ---- edge-case files --------------------------------------------------------------------------

FilePlan ManyRowGroups(Rng& rng) {
  FilePlan f{.file = "many_row_groups.parquet"};
  f.num_rows = 4000;
  f.batch_rows = 128;
  f.options.codec = CompressionCodec::kSnappy;
  f.options.data_page_version = DataPageVersion::kV2;
  f.options.max_row_group_rows = 400;  // 10 row groups
  f.options.target_page_bytes = 256;   // ~10 pages per chunk
  std::vector<Cell> ts;
  int64_t t = 1'764'000'000'000'000;  // 2025-11 in microseconds
  for (int64_t i = 0; i < f.num_rows; ++i) {
    t += 1'000'000 + rng.Between(-2000, 2000);
    ts.emplace_back(t);
  }
  ColumnPlan time{.spec = ColumnSpec::Timestamp("time", TimeUnit::kMicros, true),
                  .expect_encoding = "DELTA_BINARY_PACKED",
                  .cells = std::move(ts)};
  f.columns.push_back(std::move(time));
  f.columns.push_back(Column(Kind::kInt64, "counter", Repetition::kOptional,
                             Encoding::kDeltaBinaryPacked, "DELTA_BINARY_PACKED",
                             MakeCells(Kind::kInt64, Profile::kMixed, f.num_rows, 0.1, rng)));
  f.columns.push_back(Column(Kind::kDouble, "gauge", Repetition::kOptional, std::nullopt, "",
                             MakeCells(Kind::kDouble, Profile::kMixed, f.num_rows, 0.1, rng)));
  // No expected encoding: with 256-byte pages the analysis sees too few values to promise one.
  f.columns.push_back(Column(Kind::kString, "label", Repetition::kOptional, std::nullopt, "",
                             MakeCells(Kind::kString, Profile::kLowCard, f.num_rows, 0.1, rng)));
  f.columns.push_back(Column(Kind::kBool, "flag", Repetition::kOptional, std::nullopt, "RLE",
                             MakeCells(Kind::kBool, Profile::kMixed, f.num_rows, 0.3, rng)));
  return f;
}

FilePlan UnevenRowGroups(Rng& rng) {
  FilePlan f{.file = "uneven_row_groups.parquet"};
  f.num_rows = 1000;
  f.batch_rows = 100;
  f.options.codec = CompressionCodec::kGzip;
  f.options.max_row_group_rows = 300;
  // Row groups of 1 and 1 row, a repeated flush (must be a no-op), then size- and flush-cut groups.
  f.flush_after = {1, 2, 2, 450};
  f.columns.push_back(Column(Kind::kInt32, "i", Repetition::kOptional, std::nullopt, "",
                             MakeCells(Kind::kInt32, Profile::kMixed, f.num_rows, 0.2, rng)));
  f.columns.push_back(Column(Kind::kString, "s", Repetition::kOptional, std::nullopt, "",
                             MakeCells(Kind::kString, Profile::kMixed, f.num_rows, 0.2, rng)));
  f.columns.push_back(Column(Kind::kFloat, "f", Repetition::kRequired, std::nullopt, "",
                             MakeCells(Kind::kFloat, Profile::kMixed, f.num_rows, 0, rng)));
  return f;
}

FilePlan EmptyFile() {
  FilePlan f{.file = "empty.parquet"};
  f.write_empty_batch = true;
  for (auto [kind, r] :
       std::vector<std::pair<Kind, Repetition>>{{Kind::kInt64, Repetition::kRequired},
                                                {Kind::kString, Repetition::kOptional},
                                                {Kind::kDouble, Repetition::kOptional},
                                                {Kind::kBool, Repetition::kRequired}}) {
    f.columns.push_back(Column(kind, std::string(ShortName(kind)), r, std::nullopt, "", {}));
  }
  return f;
}

FilePlan AllNull(Rng& rng) {
  FilePlan f{.file = "all_null.parquet"};
  f.num_rows = 300;
  f.batch_rows = 64;
  f.options.max_row_group_rows = 100;
  f.options.data_page_version = DataPageVersion::kV2;
  for (Kind kind : {Kind::kBool, Kind::kInt32, Kind::kInt64, Kind::kFloat, Kind::kDouble,
                    Kind::kString, Kind::kBinary}) {
    f.columns.push_back(Column(kind, std::string(ShortName(kind)) + "_all_null",
                               Repetition::kOptional, std::nullopt, "",
                               std::vector<Cell>(static_cast<size_t>(f.num_rows))));
  }
  // Values in the first and last row groups only: the middle chunk is all-null.
  std::vector<Cell> mid = MakeCells(Kind::kInt64, Profile::kMixed, f.num_rows, 0.1, rng);
  for (int64_t i = 100; i < 200; ++i) mid[static_cast<size_t>(i)] = std::monostate{};
  f.columns.push_back(Column(Kind::kInt64, "i64_null_middle_group", Repetition::kOptional,
                             std::nullopt, "", std::move(mid)));
  std::vector<Cell> smid = MakeCells(Kind::kString, Profile::kLowCard, f.num_rows, 0.1, rng);
  for (int64_t i = 100; i < 200; ++i) smid[static_cast<size_t>(i)] = std::monostate{};
  f.columns.push_back(Column(Kind::kString, "str_null_middle_group", Repetition::kOptional,
                             Encoding::kRleDictionary, "RLE_DICTIONARY", std::move(smid)));
  return f;
}

// Cycles `values` with a random shuffle per cycle, so extremes sit next to each other in every
// order.
template <typename T>
std::vector<Cell> Cycle(const std::vector<T>& values, int64_t rows, Rng& rng) {
  std::vector<Cell> cells;
  std::vector<T> order = values;
  while (static_cast<int64_t>(cells.size()) < rows) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
    for (const T& v : order) {
      if (static_cast<int64_t>(cells.size()) < rows) cells.emplace_back(v);
    }
  }
  return cells;
}

FilePlan Extremes(Rng& rng) {
  FilePlan f{.file = "extremes.parquet"};
  f.num_rows = 200;
  f.batch_rows = 200;
  f.options.target_page_bytes = 512;
  using L32 = std::numeric_limits<int32_t>;
  using L64 = std::numeric_limits<int64_t>;
  std::vector<int32_t> i32 = {L32::min(), L32::max(), 0, -1, 1, L32::min() + 1, L32::max() - 1};
  std::vector<int64_t> i64 = {L64::min(), L64::max(), 0, -1, 1, L64::min() + 1, L64::max() - 1};
  for (auto [tag, enc] :
       std::vector<std::pair<std::string, Encoding>>{{"plain", Encoding::kPlain},
                                                     {"dict", Encoding::kRleDictionary},
                                                     {"dbp", Encoding::kDeltaBinaryPacked}}) {
    std::string expect(EncodingName(enc));
    f.columns.push_back(Column(Kind::kInt32, "i32_" + tag, Repetition::kRequired, enc, expect,
                               Cycle(i32, 200, rng)));
    f.columns.push_back(Column(Kind::kInt64, "i64_" + tag, Repetition::kRequired, enc, expect,
                               Cycle(i64, 200, rng)));
  }
  // Alternating MIN/MAX: every delta overflows the type and must wrap around.
  std::vector<Cell> alt32, alt64;
  for (int64_t i = 0; i < f.num_rows; ++i) {
    alt32.emplace_back(i % 2 ? L32::max() : L32::min());
    alt64.emplace_back(i % 2 ? L64::max() : L64::min());
  }
  f.columns.push_back(Column(Kind::kInt32, "i32_dbp_alternating", Repetition::kRequired,
                             Encoding::kDeltaBinaryPacked, "DELTA_BINARY_PACKED",
                             std::move(alt32)));
  f.columns.push_back(Column(Kind::kInt64, "i64_dbp_alternating", Repetition::kRequired,
                             Encoding::kDeltaBinaryPacked, "DELTA_BINARY_PACKED",
                             std::move(alt64)));
  for (auto [tag, enc] :
       std::vector<std::pair<std::string, Encoding>>{{"plain", Encoding::kPlain},
                                                     {"dict", Encoding::kRleDictionary},
                                                     {"bss", Encoding::kByteStreamSplit}}) {
    std::string expect(EncodingName(enc));
    f.columns.push_back(Column(Kind::kFloat, "f32_" + tag, Repetition::kRequired, enc, expect,
                               Cycle(SpecialFloats<float>(), 200, rng)));
    f.columns.push_back(Column(Kind::kDouble, "f64_" + tag, Repetition::kRequired, enc, expect,
                               Cycle(SpecialFloats<double>(), 200, rng)));
  }
  // Statistics corner cases: NaN only (no min/max possible), signed zeros only (min must be
  // written as -0.0 and max as +0.0), and NaN with nulls.
  double nan = std::numeric_limits<double>::quiet_NaN();
  f.columns.push_back(Column(Kind::kDouble, "f64_nan_only", Repetition::kRequired, std::nullopt, "",
                             Cycle(std::vector<double>{nan}, 200, rng)));
  f.columns.push_back(Column(Kind::kFloat, "f32_zeros_only", Repetition::kRequired, std::nullopt,
                             "", Cycle(std::vector<float>{-0.0f, 0.0f}, 200, rng)));
  f.columns.push_back(Column(Kind::kDouble, "f64_negative_zero_only", Repetition::kRequired,
                             Encoding::kPlain, "PLAIN",
                             Cycle(std::vector<double>{-0.0}, 200, rng)));
  std::vector<Cell> nan_nulls = Cycle(std::vector<double>{nan, 5.0}, 200, rng);
  for (size_t i = 0; i < nan_nulls.size(); i += 3) nan_nulls[i] = std::monostate{};
  f.columns.push_back(Column(Kind::kDouble, "f64_nan_and_nulls", Repetition::kOptional,
                             std::nullopt, "", std::move(nan_nulls)));
  return f;
}

// BYTE_STREAM_SPLIT for integers (format 2.11) is kept apart from the matrix: DuckDB 1.5 cannot
// read it, and that must not hide the rest of the matrix from DuckDB.
FilePlan IntegerByteStreamSplit(Rng& rng) {
  FilePlan f{.file = "int_byte_stream_split.parquet"};
  f.num_rows = 1000;
  f.batch_rows = 250;
  f.options.max_row_group_rows = 600;
  f.options.target_page_bytes = 1024;
  f.known_reader_gaps["duckdb"] = {"BYTE_STREAM_SPLIT",
                                   "DuckDB 1.5 reads BYTE_STREAM_SPLIT only for FLOAT and DOUBLE"};
  for (Kind kind : {Kind::kInt32, Kind::kInt64}) {
    for (Repetition r : {Repetition::kRequired, Repetition::kOptional}) {
      bool opt = r == Repetition::kOptional;
      f.columns.push_back(
          Column(kind, std::string(ShortName(kind)) + (opt ? "_bss_opt" : "_bss_req"), r,
                 Encoding::kByteStreamSplit, "BYTE_STREAM_SPLIT",
                 MakeCells(kind, Profile::kMixed, f.num_rows, opt ? kNullFraction : 0, rng)));
    }
  }
  return f;
}

FilePlan Unicode(Rng& rng) {
  FilePlan f{.file = "unicode.parquet"};
  f.num_rows = 240;
  f.batch_rows = 80;
  f.options.codec = CompressionCodec::kZstd;
  f.options.target_page_bytes = 512;
  std::string long_cjk;
  while (long_cjk.size() < 300) long_cjk += "長い文字列";  // longer than statistics keep
  std::vector<std::string> values = {
      "",
      "ascii",
      "日本語テキスト",
      "中文字符",
      "한국어",
      "😀🎉👍🏽",
      "👨\u200d👩\u200d👧\u200d👦",     // ZWJ family sequence
      "e\xcc\x81",                  // e + combining acute
      "\xc3\xa9",                   // precomposed é (differs from the above byte-wise)
      "a\xcc\x80\xcc\x81\xcc\x82",  // stacked combining marks
      "مرحبا",                      // right-to-left
      "שלום",
      "\u200b",  // zero-width space
      "\xef\xbb\xbf"
      "bom",               // U+FEFF as content
      "\xef\xbf\xbf",      // U+FFFF
      "\xf4\x8f\xbf\xbf",  // U+10FFFF, the largest code point
      "tab\there\nnewline\r",
      "quote\" backslash\\ slash/",
      "\x01\x1f control",
      std::string("nul\0inside", 11),
      long_cjk,
  };
  for (auto [tag, enc] : std::vector<std::pair<std::string, std::optional<Encoding>>>{
           {"plain", Encoding::kPlain},
           {"dict", Encoding::kRleDictionary},
           {"dlba", Encoding::kDeltaLengthByteArray},
           {"dba", Encoding::kDeltaByteArray},
           {"auto", std::nullopt}}) {
    std::string expect = enc ? std::string(EncodingName(*enc)) : "";
    f.columns.push_back(Column(Kind::kString, "str_" + tag, Repetition::kRequired, enc, expect,
                               Cycle(values, f.num_rows, rng)));
    std::vector<Cell> opt = Cycle(values, f.num_rows, rng);
    for (size_t i = 0; i < opt.size(); i += 4) opt[i] = std::monostate{};
    f.columns.push_back(Column(Kind::kString, "str_" + tag + "_opt", Repetition::kOptional, enc,
                               expect, std::move(opt)));
  }
  // Short strings only (below the statistics length cap), so min/max must be present and exact.
  std::vector<std::string> short_values(values.begin(), values.end() - 1);
  f.columns.push_back(Column(Kind::kString, "str_short_plain", Repetition::kRequired,
                             Encoding::kPlain, "PLAIN", Cycle(short_values, f.num_rows, rng)));
  return f;
}

FilePlan LogicalTypes(Rng& rng) {
  FilePlan f{.file = "logical_types.parquet"};
  f.num_rows = 600;
  f.batch_rows = 200;
  f.options.max_row_group_rows = 300;
  f.options.data_page_version = DataPageVersion::kV2;
  auto add = [&](std::string name, PhysicalType type, LogicalType logical,
                 std::vector<Cell> cells) {
    ColumnPlan c{.spec = {.name = std::move(name),
                          .type = type,
                          .repetition = Repetition::kOptional,
                          .logical_type = logical}};
    for (size_t i = 0; i < cells.size(); i += 7) cells[i] = std::monostate{};
    c.cells = std::move(cells);
    f.columns.push_back(std::move(c));
  };
  auto ints32 = [&](int64_t lo, int64_t hi, std::vector<int32_t> must) {
    std::vector<Cell> cells;
    for (int64_t i = 0; i < f.num_rows; ++i) {
      cells.emplace_back(i < static_cast<int64_t>(must.size())
                             ? must[static_cast<size_t>(i)]
                             : static_cast<int32_t>(rng.Between(lo, hi)));
    }
    // Scatter the required values over both row groups.
    for (size_t i = cells.size(); i > 1; --i) std::swap(cells[i - 1], cells[rng.Below(i)]);
    return cells;
  };
  using L32 = std::numeric_limits<int32_t>;
  using L64 = std::numeric_limits<int64_t>;
  add("int8", PhysicalType::kInt32, LogicalType::Integer(8, true), ints32(-128, 127, {-128, 127}));
  add("uint8", PhysicalType::kInt32, LogicalType::Integer(8, false), ints32(0, 255, {0, 255}));
  add("int16", PhysicalType::kInt32, LogicalType::Integer(16, true),
      ints32(-32768, 32767, {-32768, 32767}));
  add("uint16", PhysicalType::kInt32, LogicalType::Integer(16, false),
      ints32(0, 65535, {0, 65535}));
  add("int32", PhysicalType::kInt32, LogicalType::Integer(32, true),
      ints32(L32::min(), L32::max(), {L32::min(), L32::max()}));
  // UINT32 values >= 2^31 are stored as negative int32; statistics must order them unsigned.
  add("uint32", PhysicalType::kInt32, LogicalType::Integer(32, false),
      ints32(L32::min(), L32::max(), {0, -1, L32::min(), L32::max()}));
  auto ints64 = [&](std::vector<int64_t> must) {
    std::vector<Cell> cells;
    for (int64_t i = 0; i < f.num_rows; ++i) {
      cells.emplace_back(i < static_cast<int64_t>(must.size()) ? must[static_cast<size_t>(i)]
                                                               : static_cast<int64_t>(rng.Next()));
    }
    for (size_t i = cells.size(); i > 1; --i) std::swap(cells[i - 1], cells[rng.Below(i)]);
    return cells;
  };
  add("int64", PhysicalType::kInt64, LogicalType::Integer(64, true),
      ints64({L64::min(), L64::max(), 0}));
  // UINT64 values >= 2^63 are stored as negative int64.
  add("uint64", PhysicalType::kInt64, LogicalType::Integer(64, false),
      ints64({0, -1, L64::min(), L64::max()}));
  // Timestamps between 1900 and 2200 (inside every unit's range, DuckDB's included), with
  // sub-second digits so truncation would show.
  constexpr int64_t kMinSeconds = -2'208'988'800;  // 1900-01-01
  constexpr int64_t kMaxSeconds = 7'258'118'400;   // 2200-01-01
  for (auto [unit, per_second, tag] : std::vector<std::tuple<TimeUnit, int64_t, std::string>>{
           {TimeUnit::kMillis, 1'000, "ms"},
           {TimeUnit::kMicros, 1'000'000, "us"},
           {TimeUnit::kNanos, 1'000'000'000, "ns"}}) {
    for (bool utc : {true, false}) {
      std::vector<Cell> cells = {int64_t{0}, int64_t{-1}, int64_t{1}};
      while (static_cast<int64_t>(cells.size()) < f.num_rows) {
        cells.emplace_back(rng.Between(kMinSeconds, kMaxSeconds) * per_second +
                           rng.Between(0, per_second - 1));
      }
      for (size_t i = cells.size(); i > 1; --i) std::swap(cells[i - 1], cells[rng.Below(i)]);
      add("ts_" + tag + (utc ? "_utc" : "_local"), PhysicalType::kInt64,
          LogicalType::Timestamp(unit, utc), std::move(cells));
    }
  }
  add("string", PhysicalType::kByteArray, LogicalType::String(),
      MakeCells(Kind::kString, Profile::kMixed, f.num_rows, 0, rng));
  return f;
}

// DATE and DECIMAL: types the reader must report; the writer may refuse them (then skipped).
FilePlan DateDecimal(Rng& rng) {
  FilePlan f{.file = "date_decimal.parquet"};
  f.num_rows = 300;
  f.batch_rows = 100;
  auto add = [&](std::string name, PhysicalType type, LogicalType logical,
                 std::vector<Cell> cells) {
    ColumnPlan c{.spec = {.name = std::move(name),
                          .type = type,
                          .repetition = Repetition::kOptional,
                          .logical_type = logical}};
    for (size_t i = 0; i < cells.size(); i += 5) cells[i] = std::monostate{};
    c.cells = std::move(cells);
    f.columns.push_back(std::move(c));
  };
  std::vector<Cell> dates, dec9, dec18;
  for (int64_t i = 0; i < f.num_rows; ++i) {
    dates.emplace_back(static_cast<int32_t>(rng.Between(-25567, 84006)));  // 1900..2200
    dec9.emplace_back(static_cast<int32_t>(rng.Between(-999'999'999, 999'999'999)));
    dec18.emplace_back(rng.Between(-999'999'999'999'999'999, 999'999'999'999'999'999));
  }
  add("date", PhysicalType::kInt32, LogicalType{.kind = LogicalType::Kind::kDate},
      std::move(dates));
  add("dec_9_2", PhysicalType::kInt32,
      LogicalType{.kind = LogicalType::Kind::kDecimal, .precision = 9, .scale = 2},
      std::move(dec9));
  add("dec_18_4", PhysicalType::kInt64,
      LogicalType{.kind = LogicalType::Kind::kDecimal, .precision = 18, .scale = 4},
      std::move(dec18));
  return f;
}

FilePlan KeyValueMetadata(Rng& rng) {
  FilePlan f{.file = "kv_metadata.parquet"};
  f.num_rows = 10;
  f.options.key_value_metadata = {
      {"fgm.schema_version", "3"}, {"unicode.κλειδί", "値 ✓ 😀"}, {"empty.value", ""}};
  f.added_key_values = {{"added.later", "yes"}, {"json", R"({"a":[1,2],"b":"x"})"}};
  f.columns.push_back(Column(Kind::kInt64, "x", Repetition::kRequired, std::nullopt, "",
                             MakeCells(Kind::kInt64, Profile::kMixed, f.num_rows, 0, rng)));
  return f;
}

FilePlan PerColumnCodec(Rng& rng) {
  FilePlan f{.file = "per_column_codec.parquet"};
  f.num_rows = 1000;
  f.options.codec = CompressionCodec::kZstd;
  f.options.data_page_version = DataPageVersion::kV2;
  f.options.target_page_bytes = 2048;
  int i = 0;
  for (auto [codec, level] : std::vector<std::pair<std::optional<CompressionCodec>, int>>{
           {CompressionCodec::kUncompressed, 0},
           {CompressionCodec::kSnappy, 0},
           {CompressionCodec::kGzip, 9},
           {CompressionCodec::kZstd, 19},
           {std::nullopt, 0}}) {
    Kind kind = (i % 2) ? Kind::kString : Kind::kInt64;
    // Appending (rather than "c" + to_string) sidesteps a g++ 12 -Wrestrict false positive.
    std::string name = "c";
    name += std::to_string(i++);
    ColumnPlan c = Column(kind, name, Repetition::kOptional, std::nullopt, "",
                          MakeCells(kind, Profile::kMixed, f.num_rows, 0.1, rng));
    c.write.codec = codec;
    if (level) c.write.compression_level = level;
    f.columns.push_back(std::move(c));
  }
  return f;
}

// A forced dictionary that outgrows max_dictionary_bytes: the chunk must fall back mid-way.
FilePlan DictionaryFallback(DataPageVersion version, Rng& rng) {
  FilePlan f{.file = version == DataPageVersion::kV1 ? "dict_fallback_v1.parquet"
                                                     : "dict_fallback_v2.parquet"};
  f.num_rows = 3000;
  f.batch_rows = 500;
  f.options.data_page_version = version;
  f.options.max_dictionary_bytes = 2048;  // a few hundred values, far below the distinct count
  f.options.target_page_bytes = 1024;
  for (Kind kind :
       {Kind::kInt32, Kind::kInt64, Kind::kFloat, Kind::kDouble, Kind::kString, Kind::kBinary}) {
    for (Repetition r : {Repetition::kRequired, Repetition::kOptional}) {
      bool opt = r == Repetition::kOptional;
      f.columns.push_back(
          Column(kind, std::string(ShortName(kind)) + (opt ? "_opt" : "_req"), r,
                 Encoding::kRleDictionary, DictionaryFallbackOf(kind),
                 MakeCells(kind, Profile::kDistinct, f.num_rows, opt ? kNullFraction : 0, rng)));
    }
  }
  return f;
}

// Pages of at most 7 rows: many pages per chunk, some entirely null, dictionary indices split
// across pages.
FilePlan TinyPages(DataPageVersion version, Rng& rng) {
  FilePlan f{.file = version == DataPageVersion::kV1 ? "tiny_pages_v1.parquet"
                                                     : "tiny_pages_v2.parquet"};
  f.num_rows = 500;
  f.batch_rows = 33;
  f.options.data_page_version = version;
  f.options.max_page_rows = 7;
  f.options.codec = CompressionCodec::kSnappy;
  for (Kind kind : {Kind::kBool, Kind::kInt32, Kind::kInt64, Kind::kDouble, Kind::kString}) {
    f.columns.push_back(Column(kind, std::string(ShortName(kind)) + "_auto", Repetition::kOptional,
                               std::nullopt, "",
                               MakeCells(kind, Profile::kLowCard, f.num_rows, 0.5, rng)));
    f.columns.push_back(Column(kind, std::string(ShortName(kind)) + "_plain", Repetition::kOptional,
                               Encoding::kPlain, "PLAIN",
                               MakeCells(kind, Profile::kMixed, f.num_rows, 0.5, rng)));
  }
  return f;
}

// ---- writing ------------------------------------------------------------------------------------

// The row-group sizes FilePlan must produce: cut at max_row_group_rows and at non-empty flushes.
std::vector<int64_t> ExpectedRowGroups(const FilePlan& f) {
  std::vector<int64_t> groups;
  int64_t in_group = 0;
  size_t next_flush = 0;
  for (int64_t row = 0; row <= f.num_rows; ++row) {
    while (next_flush < f.flush_after.size() && f.flush_after[next_flush] == row) {
      if (in_group > 0) groups.push_back(in_group);
      in_group = 0;
      ++next_flush;
    }
    if (row == f.num_rows) break;
    if (++in_group == f.options.max_row_group_rows) {
      groups.push_back(in_group);
      in_group = 0;
    }
  }
  if (in_group > 0) groups.push_back(in_group);
  return groups;
}

Status WriteFile(const FilePlan& f, const std::string& path) {
  Schema schema;
  for (const ColumnPlan& c : f.columns) schema.columns.push_back(c.spec);
  WriterOptions options = f.options;
  for (const ColumnPlan& c : f.columns) {
    if (c.write.encoding || c.write.codec || c.write.compression_level) {
      options.columns[c.spec.name] = c.write;
    }
  }
  FGM_ASSIGN_OR_RETURN(auto writer, FileWriter::Open(path, schema, options));
  for (const auto& [k, v] : f.added_key_values) writer->AddKeyValue(k, v);
  auto write_rows = [&](int64_t begin, int64_t end) -> Status {
    std::vector<ColumnBatch> batches;
    for (const ColumnPlan& c : f.columns) {
      ColumnBatch b{.type = c.spec.type};
      for (int64_t row = begin; row < end; ++row) AppendCell(c.cells[static_cast<size_t>(row)], &b);
      batches.push_back(std::move(b));
    }
    return writer->WriteBatch(batches);
  };
  if (f.write_empty_batch) FGM_RETURN_IF_ERROR(write_rows(0, 0));
  int64_t row = 0;
  size_t next_flush = 0;
  while (row < f.num_rows || next_flush < f.flush_after.size()) {
    while (next_flush < f.flush_after.size() && f.flush_after[next_flush] == row) {
      FGM_RETURN_IF_ERROR(writer->FlushRowGroup());
      ++next_flush;
    }
    if (row == f.num_rows) break;
    int64_t end = std::min(f.num_rows, row + f.batch_rows);
    if (next_flush < f.flush_after.size()) end = std::min(end, f.flush_after[next_flush]);
    FGM_RETURN_IF_ERROR(write_rows(row, end));
    row = end;
  }
  return writer->Close();
}

Json ManifestEntry(const FilePlan& f) {
  CompressionCodec file_codec = f.options.codec;
  Json entry = {{"file", f.file},
                {"num_rows", f.num_rows},
                {"row_group_rows", ExpectedRowGroups(f)},
                {"codec", std::string(CodecName(file_codec))},
                {"data_page_version", f.options.data_page_version == DataPageVersion::kV1 ? 1 : 2}};
  Json kv = Json::array();
  for (const KeyValue& k : f.options.key_value_metadata) {
    kv.push_back({{"key", k.key}, {"value", k.value ? Json(*k.value) : Json(nullptr)}});
  }
  for (const auto& [k, v] : f.added_key_values) kv.push_back({{"key", k}, {"value", v}});
  entry["key_value_metadata"] = std::move(kv);
  Json gaps = Json::object();
  for (const auto& [reader, gap] : f.known_reader_gaps) {
    gaps[reader] = {{"error", gap.first}, {"why", gap.second}};
  }
  entry["known_reader_gaps"] = std::move(gaps);
  Json columns = Json::array();
  for (const ColumnPlan& c : f.columns) {
    std::string logical = LogicalTypeString(c.spec.logical_type);
    Json values = Json::array();
    for (const Cell& cell : c.cells) values.push_back(CellJson(cell, c.spec));
    columns.push_back(
        {{"name", c.spec.name},
         {"physical_type", std::string(PhysicalTypeName(c.spec.type))},
         {"logical_type", logical.empty() ? Json(nullptr) : Json(logical)},
         {"repetition", c.spec.repetition == Repetition::kRequired ? "REQUIRED" : "OPTIONAL"},
         {"codec", std::string(CodecName(c.write.codec.value_or(file_codec)))},
         {"expect_encoding", c.expect_encoding.empty() ? Json(nullptr) : Json(c.expect_encoding)},
         {"values", std::move(values)}});
  }
  entry["columns"] = std::move(columns);
  return entry;
}

int WriteMatrix(const std::string& out_dir) {
  if (Status s = MakeDirs(out_dir); !s.ok()) {
    std::cerr << "write-matrix: " << s.ToString() << "\n";
    return 2;
  }
  Rng rng(kSeed);
  std::vector<FilePlan> plans = MatrixFiles(rng);
  plans.push_back(ManyRowGroups(rng));
  plans.push_back(UnevenRowGroups(rng));
  plans.push_back(EmptyFile());
  plans.push_back(AllNull(rng));
  plans.push_back(Extremes(rng));
  plans.push_back(IntegerByteStreamSplit(rng));
  plans.push_back(Unicode(rng));
  plans.push_back(LogicalTypes(rng));
  plans.push_back(DateDecimal(rng));
  plans.push_back(KeyValueMetadata(rng));
  plans.push_back(PerColumnCodec(rng));
  plans.push_back(DictionaryFallback(DataPageVersion::kV1, rng));
  plans.push_back(DictionaryFallback(DataPageVersion::kV2, rng));
  plans.push_back(TinyPages(DataPageVersion::kV1, rng));
  plans.push_back(TinyPages(DataPageVersion::kV2, rng));

  Json manifest = {{"files", Json::array()}, {"skipped", Json::array()}};
  int failures = 0;
  for (const FilePlan& f : plans) {
    std::string path = out_dir + "/" + f.file;
    Status s = WriteFile(f, path);
    if (s.code() == StatusCode::kUnsupported) {
      // A type the writer declares unsupported is a documented limit, not a conformance bug; the
      // node side reports every skip so it stays visible.
      manifest["skipped"].push_back({{"file", f.file}, {"reason", s.ToString()}});
      std::remove(path.c_str());
      continue;
    }
    if (!s.ok()) {
      std::cerr << "write-matrix: " << f.file << ": " << s.ToString() << "\n";
      ++failures;
      continue;
    }
    manifest["files"].push_back(ManifestEntry(f));
  }
  if (Status s = WriteFileAtomically(out_dir + "/manifest.json", manifest.dump()); !s.ok()) {
    std::cerr << "write-matrix: " << s.ToString() << "\n";
    return 2;
  }
  return failures == 0 ? 0 : 1;
}

int Dump(const std::string& path) {
  Result<std::string> json = DumpParquetFileAsJson(path);
  if (!json.ok()) {
    std::cerr << "dump: " << json.error().ToString() << "\n";
    return 2;
  }
  std::cout << *json << "\n";
  return std::cout.good() ? 0 : 2;
}

int Main(int argc, char** argv) {
  std::string_view usage =
      "usage: parquet_conformance_tool write-matrix OUTDIR\n"
      "       parquet_conformance_tool dump FILE\n";
  if (argc != 3) {
    std::cerr << usage;
    return 64;  // EX_USAGE
  }
  std::string_view command = argv[1];
  if (command == "write-matrix") return WriteMatrix(argv[2]);
  if (command == "dump") return Dump(argv[2]);
  std::cerr << usage;
  return 64;
}

}  // namespace
}  // namespace fgm::parquet::conformance

int main(int argc, char** argv) {
  try {
    return fgm::parquet::conformance::Main(argc, argv);
  } catch (const std::exception& e) {
    // nlohmann reports misuse (e.g. invalid UTF-8 handed to dump()) by throwing.
    std::cerr << "parquet_conformance_tool: " << e.what() << "\n";
    return 3;
  }
}

// SPDX-License-Identifier: Apache-2.0
// FGM conformance JSON writer (format documented in dump.h). Written by hand rather than through
// nlohmann::json: the number and string formatting must follow the contract exactly, and a DOM of
// millions of values would cost far more memory than the text.
#include "parquet/tools/dump.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "parquet/column_batch.h"
#include "parquet/reader/file_reader.h"

namespace fgm::parquet {
namespace {

std::string LogicalTypeText(const LogicalType& t) {
  using Kind = LogicalType::Kind;
  switch (t.kind) {
    case Kind::kNone:
      return "null";
    case Kind::kString:
      return "\"STRING\"";
    case Kind::kInteger:
      return "\"INTEGER(" + std::to_string(t.bit_width) + "," + (t.is_signed ? "true" : "false") +
             ")\"";
    case Kind::kTimestamp: {
      const char* unit = t.unit == TimeUnit::kMillis   ? "MILLIS"
                         : t.unit == TimeUnit::kMicros ? "MICROS"
                                                       : "NANOS";
      return std::string("\"TIMESTAMP(") + unit + "," + (t.is_adjusted_to_utc ? "true" : "false") +
             ")\"";
    }
    case Kind::kDate:
      return "\"DATE\"";
    case Kind::kDecimal:
      return "\"DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")\"";
    default:
      return "\"OTHER\"";
  }
}

void AppendDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "\"NaN\"";
  } else if (std::isinf(v)) {
    *out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    // Shortest round-trip form; "-0" for negative zero, exponents as "1e+300" (valid JSON).
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, r.ptr);
  }
}

void AppendEscapedCodeUnit(unsigned char c, std::string* out) {
  switch (c) {
    case '"':
      *out += "\\\"";
      return;
    case '\\':
      *out += "\\\\";
      return;
    case '\n':
      *out += "\\n";
      return;
    case '\r':
      *out += "\\r";
      return;
    case '\t':
      *out += "\\t";
      return;
    case '\b':
      *out += "\\b";
      return;
    case '\f':
      *out += "\\f";
      return;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        *out += buf;
      } else {
        out->push_back(static_cast<char>(c));
      }
  }
}

// Appends `s` as a JSON string, decoding UTF-8 with the WHATWG algorithm (Encoding Standard, "UTF-8
// decoder"): each maximal invalid subsequence becomes one U+FFFD, as TextDecoder does.
void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      AppendEscapedCodeUnit(b, out);
      ++i;
      continue;
    }
    int needed = 0;
    unsigned char lower = 0x80, upper = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      needed = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      needed = 2;
      if (b == 0xE0) lower = 0xA0;
      if (b == 0xED) upper = 0x9F;  // no UTF-16 surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      needed = 3;
      if (b == 0xF0) lower = 0x90;
      if (b == 0xF4) upper = 0x8F;  // nothing above U+10FFFF
    } else {
      *out += kReplacement;
      ++i;
      continue;
    }
    size_t j = i + 1;
    int seen = 0;
    while (seen < needed && j < s.size()) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c < lower || c > upper) break;
      lower = 0x80;
      upper = 0xBF;
      ++seen;
      ++j;
    }
    if (seen == needed) {
      out->append(s.substr(i, j - i));
    } else {
      *out += kReplacement;  // the offending byte (if any) is decoded afresh
    }
    i = j;
  }
  out->push_back('"');
}

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  *out += "{\"hex\":\"";
  for (unsigned char c : bytes) {
    out->push_back(kDigits[c >> 4]);
    out->push_back(kDigits[c & 15]);
  }
  *out += "\"}";
}

// Appends the values of one batch, comma-separated, each preceded by a comma unless *first.
void AppendValues(const ColumnSpec& column, const ColumnBatch& b, bool* first, std::string* out) {
  const bool as_string = column.type == PhysicalType::kByteArray &&
                         column.logical_type.kind == LogicalType::Kind::kString;
  size_t v = 0;
  for (size_t r = 0; r < b.num_rows; ++r) {
    if (!*first) out->push_back(',');
    *first = false;
    if (b.IsNull(r)) {
      *out += "null";
      continue;
    }
    switch (b.type) {
      case PhysicalType::kBoolean:
        *out += b.bools[v] ? "true" : "false";
        break;
      case PhysicalType::kInt32:
        *out += std::to_string(b.int32s[v]);
        break;
      case PhysicalType::kInt64:
        out->push_back('"');
        *out += std::to_string(b.int64s[v]);
        out->push_back('"');
        break;
      case PhysicalType::kFloat:
        AppendDouble(static_cast<double>(b.floats[v]), out);
        break;
      case PhysicalType::kDouble:
        AppendDouble(b.doubles[v], out);
        break;
      default:
        if (as_string) {
          AppendJsonString(b.bytes[v], out);
        } else {
          AppendHex(b.bytes[v], out);
        }
    }
    ++v;
  }
}

}  // namespace

Result<std::string> DumpParquetAsJson(const FileReader& reader) {
  std::string out = "{\"num_rows\":" + std::to_string(reader.num_rows()) +
                    ",\"num_row_groups\":" + std::to_string(reader.num_row_groups()) +
                    ",\"columns\":[";
  ColumnReadBuffers buffers;
  ColumnBatch batch;
  for (int c = 0; c < reader.num_columns(); ++c) {
    const ColumnSpec& column = reader.schema().columns[static_cast<size_t>(c)];
    if (c > 0) out += ",\n";
    out += "{\"name\":";
    AppendJsonString(column.name, &out);
    out += ",\"physical_type\":\"" + std::string(PhysicalTypeName(column.type)) + "\"";
    out += ",\"logical_type\":" + LogicalTypeText(column.logical_type);
    out += ",\"repetition\":";
    out += column.repetition == Repetition::kRequired ? "\"REQUIRED\"" : "\"OPTIONAL\"";
    out += ",\"values\":[";
    bool first = true;
    for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
      FGM_RETURN_IF_ERROR(reader.ReadColumnChunk(rg, c, &batch, &buffers));
      AppendValues(column, batch, &first, &out);
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

Result<std::string> DumpParquetFileAsJson(const std::string& path) {
  FGM_ASSIGN_OR_RETURN(std::unique_ptr<FileReader> reader, FileReader::OpenFile(path));
  auto json = DumpParquetAsJson(*reader);
  if (!json.ok()) return json.error().WithContext(path);
  return json;
}

}  // namespace fgm::parquet

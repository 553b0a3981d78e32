// SPDX-License-Identifier: Apache-2.0
// `fgm inspect` text and JSON rendering over FileReader's metadata (see inspect.h).
#include "parquet/tools/inspect.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "parquet/reader/file_reader.h"
#include "parquet/reader/statistics.h"

namespace fgm::parquet {
namespace {

using nlohmann::ordered_json;

std::string LogicalTypeName(const LogicalType& t) {
  using Kind = LogicalType::Kind;
  const char* unit = t.unit == TimeUnit::kMillis   ? "MILLIS"
                     : t.unit == TimeUnit::kMicros ? "MICROS"
                                                   : "NANOS";
  switch (t.kind) {
    case Kind::kNone:
      return "";
    case Kind::kString:
      return "STRING";
    case Kind::kInteger:
      return "INTEGER(" + std::to_string(t.bit_width) + "," + (t.is_signed ? "true" : "false") +
             ")";
    case Kind::kTimestamp:
      return std::string("TIMESTAMP(") + unit + "," + (t.is_adjusted_to_utc ? "true" : "false") +
             ")";
    case Kind::kTime:
      return std::string("TIME(") + unit + "," + (t.is_adjusted_to_utc ? "true" : "false") + ")";
    case Kind::kDate:
      return "DATE";
    case Kind::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case Kind::kEnum:
      return "ENUM";
    case Kind::kJson:
      return "JSON";
    case Kind::kUuid:
      return "UUID";
    case Kind::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::string RepetitionName(Repetition r) {
  switch (r) {
    case Repetition::kRequired:
      return "REQUIRED";
    case Repetition::kOptional:
      return "OPTIONAL";
    case Repetition::kRepeated:
      return "REPEATED";
  }
  return "UNKNOWN";
}

std::string EncodingText(Encoding e) {
  std::string_view n = EncodingName(e);
  return n == "UNKNOWN" ? "UNKNOWN(" + std::to_string(static_cast<int32_t>(e)) + ")"
                        : std::string(n);
}

std::string Bytes(int64_t n) {
  char buf[64];
  if (n >= (int64_t{1} << 20)) {
    std::snprintf(buf, sizeof(buf), "%lld (%.1f MiB)", static_cast<long long>(n),
                  static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof(buf), "%lld (%.1f KiB)", static_cast<long long>(n),
                  static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(n));
  }
  return buf;
}

// Everything about one column chunk that both renderings show.
struct ChunkInfo {
  std::optional<ColumnStatistics> stats;
  std::string stats_error;
  std::optional<size_t> num_pages;
  std::string page_index_error;
};

ChunkInfo Describe(const FileReader& reader, int rg, int c) {
  ChunkInfo info;
  const ColumnMetaData& md = reader.ChunkMetaData(rg, c);
  if (md.statistics.has_value()) {
    auto stats = reader.ChunkStatistics(rg, c);
    if (stats.ok()) {
      info.stats = std::move(stats).value();
    } else {
      info.stats_error = stats.error().ToString();
    }
  }
  const ColumnChunk& chunk =
      reader.metadata().row_groups[static_cast<size_t>(rg)].columns[static_cast<size_t>(c)];
  if (chunk.offset_index_offset.has_value()) {
    auto index = reader.PageIndex(rg, c);
    if (!index.ok()) {
      info.page_index_error = index.error().ToString();
    } else if ((*index)->offset_index.has_value()) {
      info.num_pages = (*index)->offset_index->page_locations.size();
    }
  }
  return info;
}

std::string Text(const FileReader& reader, const std::string& path) {
  const FileMetaData& meta = reader.metadata();
  const Schema& schema = reader.schema();
  std::string out;
  auto line = [&out](const std::string& s) {
    out += s;
    out.push_back('\n');
  };
  line("file: " + path);
  line("size: " + Bytes(static_cast<int64_t>(reader.file_size())) + ", footer " +
       Bytes(reader.footer_length()));
  line("created_by: " + meta.created_by.value_or("(not set)"));
  line("format version: " + std::to_string(meta.version));
  line("rows: " + std::to_string(reader.num_rows()) + " in " +
       std::to_string(reader.num_row_groups()) + " row group(s)");
  line("schema (" + std::to_string(schema.columns.size()) + " columns):");
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const ColumnSpec& col = schema.columns[c];
    std::string s =
        "  " + std::to_string(c) + " " + col.name + ": " + std::string(PhysicalTypeName(col.type));
    if (col.type == PhysicalType::kFixedLenByteArray)
      s += "(" + std::to_string(col.type_length) + ")";
    s += " " + RepetitionName(col.repetition);
    std::string logical = LogicalTypeName(col.logical_type);
    if (!logical.empty()) s += " " + logical;
    if (col.converted_type.has_value()) {
      s += " [converted " + std::string(ConvertedTypeName(*col.converted_type)) + "]";
    }
    line(s);
  }
  if (!meta.key_value_metadata.empty()) {
    line("key-value metadata:");
    for (const KeyValue& kv : meta.key_value_metadata) {
      std::string value = kv.value.value_or("(null)");
      // Long values (Arrow's base64 schema) would drown the output.
      if (value.size() > 200)
        value = value.substr(0, 200) + "... (" + std::to_string(value.size()) + " bytes)";
      line("  " + kv.key + " = " + value);
    }
  }
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    const RowGroup& group = meta.row_groups[static_cast<size_t>(rg)];
    int64_t compressed = 0;
    for (int c = 0; c < reader.num_columns(); ++c) {
      compressed += reader.ChunkMetaData(rg, c).total_compressed_size;
    }
    line("row group " + std::to_string(rg) + ": " + std::to_string(group.num_rows) + " rows, " +
         Bytes(group.total_byte_size) + " uncompressed, " + Bytes(compressed) + " compressed");
    for (int c = 0; c < reader.num_columns(); ++c) {
      const ColumnSpec& col = schema.columns[static_cast<size_t>(c)];
      const ColumnMetaData& md = reader.ChunkMetaData(rg, c);
      std::string encodings;
      for (Encoding e : md.encodings) {
        if (!encodings.empty()) encodings += ',';
        encodings += EncodingText(e);
      }
      char ratio[32] = "";
      if (md.total_compressed_size > 0) {
        std::snprintf(ratio, sizeof(ratio), " (%.2fx)",
                      static_cast<double>(md.total_uncompressed_size) /
                          static_cast<double>(md.total_compressed_size));
      }
      line("  column " + std::to_string(c) + " " + col.name + ": " +
           std::string(CodecName(md.codec)) + " [" + encodings + "] " +
           std::to_string(md.num_values) + " values, " + Bytes(md.total_compressed_size) +
           " compressed / " + Bytes(md.total_uncompressed_size) + " uncompressed" + ratio);
      std::string offsets = "    offsets: data " + std::to_string(md.data_page_offset);
      if (md.dictionary_page_offset.has_value()) {
        offsets += ", dictionary " + std::to_string(*md.dictionary_page_offset);
      }
      line(offsets);
      ChunkInfo info = Describe(reader, rg, c);
      if (!info.stats_error.empty()) {
        line("    statistics: (unreadable: " + info.stats_error + ")");
      } else if (info.stats.has_value()) {
        const ColumnStatistics& st = *info.stats;
        std::string s = "    statistics:";
        if (st.has_min_max()) {
          s += " min " + FormatStatValue(col, *st.min) + (st.min_is_exact ? "" : " (inexact)") +
               ", max " + FormatStatValue(col, *st.max) + (st.max_is_exact ? "" : " (inexact)");
        } else {
          s += " no usable min/max";
        }
        if (st.null_count.has_value()) s += ", nulls " + std::to_string(*st.null_count);
        if (st.distinct_count.has_value()) s += ", distinct " + std::to_string(*st.distinct_count);
        line(s);
      } else {
        line("    statistics: none");
      }
      const ColumnChunk& chunk = group.columns[static_cast<size_t>(c)];
      std::string pi = "    page index:";
      if (!chunk.column_index_offset.has_value() && !chunk.offset_index_offset.has_value()) {
        pi += " none";
      } else {
        if (chunk.column_index_offset.has_value()) {
          pi += " column index at " + std::to_string(*chunk.column_index_offset) + " (" +
                std::to_string(chunk.column_index_length.value_or(0)) + " bytes)";
        }
        if (chunk.offset_index_offset.has_value()) {
          pi += std::string(chunk.column_index_offset.has_value() ? "," : "") +
                " offset index at " + std::to_string(*chunk.offset_index_offset) + " (" +
                std::to_string(chunk.offset_index_length.value_or(0)) + " bytes)";
        }
        if (info.num_pages.has_value())
          pi += ", " + std::to_string(*info.num_pages) + " data pages";
        if (!info.page_index_error.empty()) pi += " (unreadable: " + info.page_index_error + ")";
      }
      line(pi);
      if (!md.encoding_stats.empty()) {
        std::string s = "    pages:";
        for (const PageEncodingStats& es : md.encoding_stats) {
          s += ' ';
          s += std::to_string(es.count);
          s += "x ";
          s += PageTypeName(es.page_type);
          s += '/';
          s += EncodingText(es.encoding);
        }
        line(s);
      }
    }
  }
  return out;
}

ordered_json Json(const FileReader& reader, const std::string& path) {
  const FileMetaData& meta = reader.metadata();
  const Schema& schema = reader.schema();
  ordered_json j;
  j["path"] = path;
  j["file_size"] = reader.file_size();
  j["footer_length"] = reader.footer_length();
  j["version"] = meta.version;
  j["created_by"] = meta.created_by ? ordered_json(*meta.created_by) : ordered_json(nullptr);
  j["num_rows"] = reader.num_rows();
  j["num_row_groups"] = reader.num_row_groups();
  ordered_json columns = ordered_json::array();
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const ColumnSpec& col = schema.columns[c];
    std::string logical = LogicalTypeName(col.logical_type);
    columns.push_back({
        {"index", c},
        {"name", col.name},
        {"physical_type", PhysicalTypeName(col.type)},
        {"repetition", RepetitionName(col.repetition)},
        {"logical_type", logical.empty() ? ordered_json(nullptr) : ordered_json(logical)},
        {"converted_type", col.converted_type ? ordered_json(ConvertedTypeName(*col.converted_type))
                                              : ordered_json(nullptr)},
        {"type_length", col.type_length},
        {"precision", col.logical_type.precision},
        {"scale", col.logical_type.scale},
    });
  }
  j["schema"] = columns;
  ordered_json kvs = ordered_json::array();
  for (const KeyValue& kv : meta.key_value_metadata) {
    kvs.push_back(
        {{"key", kv.key}, {"value", kv.value ? ordered_json(*kv.value) : ordered_json(nullptr)}});
  }
  j["key_value_metadata"] = kvs;
  ordered_json groups = ordered_json::array();
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    const RowGroup& group = meta.row_groups[static_cast<size_t>(rg)];
    ordered_json g;
    g["index"] = rg;
    g["num_rows"] = group.num_rows;
    g["total_byte_size"] = group.total_byte_size;
    int64_t compressed = 0;
    ordered_json chunks = ordered_json::array();
    for (int c = 0; c < reader.num_columns(); ++c) {
      const ColumnSpec& col = schema.columns[static_cast<size_t>(c)];
      const ColumnMetaData& md = reader.ChunkMetaData(rg, c);
      const ColumnChunk& chunk = group.columns[static_cast<size_t>(c)];
      compressed += md.total_compressed_size;
      ordered_json k;
      k["index"] = c;
      k["name"] = col.name;
      k["physical_type"] = PhysicalTypeName(md.type);
      k["codec"] = CodecName(md.codec);
      ordered_json encodings = ordered_json::array();
      for (Encoding e : md.encodings) encodings.push_back(EncodingText(e));
      k["encodings"] = encodings;
      k["num_values"] = md.num_values;
      k["total_compressed_size"] = md.total_compressed_size;
      k["total_uncompressed_size"] = md.total_uncompressed_size;
      k["data_page_offset"] = md.data_page_offset;
      k["dictionary_page_offset"] = md.dictionary_page_offset
                                        ? ordered_json(*md.dictionary_page_offset)
                                        : ordered_json(nullptr);
      ChunkInfo info = Describe(reader, rg, c);
      if (!info.stats_error.empty()) {
        k["statistics"] = {{"error", info.stats_error}};
      } else if (info.stats.has_value()) {
        const ColumnStatistics& st = *info.stats;
        auto opt = [](const std::optional<int64_t>& v) {
          return v ? ordered_json(*v) : ordered_json(nullptr);
        };
        k["statistics"] = {
            {"min", st.min ? ordered_json(FormatStatValue(col, *st.min)) : ordered_json(nullptr)},
            {"max", st.max ? ordered_json(FormatStatValue(col, *st.max)) : ordered_json(nullptr)},
            {"null_count", opt(st.null_count)},
            {"distinct_count", opt(st.distinct_count)},
        };
      } else {
        k["statistics"] = nullptr;
      }
      auto part = [](const std::optional<int64_t>& offset, const std::optional<int32_t>& length) {
        if (!offset) return ordered_json(nullptr);
        return ordered_json{{"offset", *offset}, {"length", length.value_or(0)}};
      };
      k["column_index"] = part(chunk.column_index_offset, chunk.column_index_length);
      k["offset_index"] = part(chunk.offset_index_offset, chunk.offset_index_length);
      k["num_pages"] = info.num_pages ? ordered_json(*info.num_pages) : ordered_json(nullptr);
      if (!info.page_index_error.empty()) k["page_index_error"] = info.page_index_error;
      ordered_json stats = ordered_json::array();
      for (const PageEncodingStats& es : md.encoding_stats) {
        stats.push_back({{"page_type", PageTypeName(es.page_type)},
                         {"encoding", EncodingText(es.encoding)},
                         {"count", es.count}});
      }
      k["encoding_stats"] = stats;
      chunks.push_back(std::move(k));
    }
    g["total_compressed_size"] = compressed;
    g["columns"] = std::move(chunks);
    groups.push_back(std::move(g));
  }
  j["row_groups"] = std::move(groups);
  return j;
}

}  // namespace

Result<std::string> InspectParquet(const FileReader& reader, const std::string& path, bool json) {
  if (!json) return Text(reader, path);
  // Names and metadata come from the file and need not be UTF-8; replace bad bytes instead of
  // letting nlohmann throw.
  return Json(reader, path).dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

Result<std::string> InspectParquetFile(const std::string& path, bool json) {
  FGM_ASSIGN_OR_RETURN(std::unique_ptr<FileReader> reader, FileReader::OpenFile(path));
  return InspectParquet(*reader, path, json);
}

}  // namespace fgm::parquet

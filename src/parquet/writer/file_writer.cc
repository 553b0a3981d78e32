// SPDX-License-Identifier: Apache-2.0
#include "parquet/writer/file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/check.h"
#include "core/file.h"
#include "parquet/compression.h"
#include "parquet/thrift/compact_protocol.h"
#include "parquet/writer/column_writer.h"

namespace fgm::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";

class FileSink final : public OutputSink {
 public:
  explicit FileSink(ScopedFd fd) : fd_(std::move(fd)) {}
  Status Write(std::string_view data) override {
    FGM_RETURN_IF_ERROR(WriteAll(fd_.get(), data));
    offset_ += static_cast<int64_t>(data.size());
    return OkStatus();
  }
  int64_t Tell() const override { return offset_; }
  Status Close(bool sync) override {
    if (!fd_.valid()) return OkStatus();
    if (sync && ::fsync(fd_.get()) != 0) return ErrnoError("fsync", errno);
    if (::close(fd_.release()) != 0) return ErrnoError("close", errno);
    return OkStatus();
  }

 private:
  ScopedFd fd_;
  int64_t offset_ = 0;
};

class StringSink final : public OutputSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  Status Write(std::string_view data) override {
    out_->append(data);
    return OkStatus();
  }
  int64_t Tell() const override { return static_cast<int64_t>(out_->size()); }
  Status Close(bool) override { return OkStatus(); }

 private:
  std::string* out_;
};

bool EncodingAllowed(PhysicalType type, Encoding e) {
  switch (e) {
    case Encoding::kPlain:
      return true;
    case Encoding::kRleDictionary:
    case Encoding::kPlainDictionary:
      return type != PhysicalType::kBoolean;
    case Encoding::kRle:
      return type == PhysicalType::kBoolean;
    case Encoding::kDeltaBinaryPacked:
      return type == PhysicalType::kInt32 || type == PhysicalType::kInt64;
    case Encoding::kByteStreamSplit:
      return type == PhysicalType::kFloat || type == PhysicalType::kDouble ||
             type == PhysicalType::kInt32 || type == PhysicalType::kInt64;
    case Encoding::kDeltaLengthByteArray:
    case Encoding::kDeltaByteArray:
      return type == PhysicalType::kByteArray;
    default:
      return false;
  }
}

// Compact-protocol bytes of one RowGroup as an element of FileMetaData.row_groups. metadata.h
// serializes only whole FileMetaData values, so this serializes an otherwise empty one with and
// without the row group and cuts the element out: everything before the list header is the same
// in both, the one-byte list header says 0 or 1 elements, and the struct's stop byte follows.
std::string SerializeRowGroup(RowGroup rg) {
  FileMetaData empty;
  std::string without;
  SerializeFileMetaData(empty, &without);
  empty.row_groups.push_back(std::move(rg));
  std::string with;
  SerializeFileMetaData(empty, &with);
  const size_t header = without.size() - 2;  // [.. list header (0 elements), stop]
  FGM_CHECK(with.size() > without.size() && with.compare(0, header, without, 0, header) == 0);
  FGM_CHECK(static_cast<uint8_t>(without[header]) == 0x0C &&
            static_cast<uint8_t>(with[header]) == 0x1C);  // struct list of 0 / 1 elements
  return with.substr(header + 1, with.size() - without.size());
}

// Offset of the row_groups list header in the serialization of `meta` (whose row_groups is
// empty): the fields before it (version, schema, num_rows) serialized alone end with that header
// and the stop byte.
size_t RowGroupListPosition(const FileMetaData& meta) {
  FileMetaData head;
  head.version = meta.version;
  head.schema = meta.schema;
  head.num_rows = meta.num_rows;
  std::string bytes;
  SerializeFileMetaData(head, &bytes);
  FGM_CHECK(bytes.size() >= 2 && static_cast<uint8_t>(bytes[bytes.size() - 2]) == 0x0C);
  return bytes.size() - 2;
}

class FileWriterImpl final : public FileWriter {
 public:
  FileWriterImpl(std::unique_ptr<OutputSink> sink, Schema schema, WriterOptions options)
      : sink_(std::move(sink)), schema_(std::move(schema)), options_(std::move(options)) {}

  Status Init() {
    FGM_RETURN_IF_ERROR(ValidateSchema(schema_));
    if (options_.max_row_group_rows <= 0) {
      return InvalidArgumentError("max_row_group_rows must be positive");
    }
    if (!CanCompress(options_.codec)) {
      return InvalidArgumentError("cannot write codec " + std::string(CodecName(options_.codec)));
    }
    for (const auto& [name, col] : options_.columns) {
      if (schema_.FindColumn(name) < 0) {
        return InvalidArgumentError("options name column '" + name +
                                    "' which is not in the schema");
      }
    }
    for (const ColumnSpec& spec : schema_.columns) {
      if (spec.type != PhysicalType::kBoolean && spec.type != PhysicalType::kInt32 &&
          spec.type != PhysicalType::kInt64 && spec.type != PhysicalType::kFloat &&
          spec.type != PhysicalType::kDouble && spec.type != PhysicalType::kByteArray) {
        return UnsupportedError("writing " + std::string(PhysicalTypeName(spec.type)) +
                                " columns is not supported (column '" + spec.name + "')");
      }
      ResolvedColumnOptions r;
      r.codec = options_.codec;
      r.compression_level = options_.compression_level;
      r.write_statistics = options_.write_statistics;
      r.write_page_index = options_.write_page_index;
      r.analyze_encodings = options_.analyze_encodings;
      r.write_legacy_min_max = options_.write_legacy_min_max;
      r.write_encoding_stats = options_.write_encoding_stats;
      r.page_version = options_.data_page_version;
      r.target_page_bytes = options_.target_page_bytes;
      r.max_page_rows = options_.max_page_rows;
      r.max_dictionary_bytes = options_.max_dictionary_bytes;
      if (auto it = options_.columns.find(spec.name); it != options_.columns.end()) {
        const ColumnWriteOptions& o = it->second;
        if (o.encoding && !EncodingAllowed(spec.type, *o.encoding)) {
          return InvalidArgumentError("encoding " + std::string(EncodingName(*o.encoding)) +
                                      " cannot be used for column '" + spec.name + "' of type " +
                                      std::string(PhysicalTypeName(spec.type)));
        }
        if (o.codec && !CanCompress(*o.codec)) {
          return InvalidArgumentError("cannot write codec " + std::string(CodecName(*o.codec)));
        }
        r.forced_encoding = o.encoding;
        if (o.codec) r.codec = *o.codec;
        if (o.compression_level) r.compression_level = *o.compression_level;
        r.write_statistics = r.write_statistics && o.write_statistics;
      }
      columns_.push_back(ColumnChunkWriter::Make(spec, r));
    }
    return Emit(kMagic);
  }

  Status WriteBatch(std::span<const ColumnBatch> batches) override {
    FGM_RETURN_IF_ERROR(CheckUsable());
    FGM_RETURN_IF_ERROR(ValidateBatches(batches));
    const size_t n = batches.empty() ? 0 : batches[0].num_rows;
    // Index of the next non-null value per column, to split batches at row-group boundaries.
    std::vector<size_t> value_pos(batches.size(), 0);
    size_t row = 0;
    while (row < n) {
      size_t room = static_cast<size_t>(options_.max_row_group_rows - rows_in_group_);
      size_t end = std::min(n, row + room);
      for (size_t c = 0; c < columns_.size(); ++c) {
        const ColumnBatch& b = batches[c];
        FGM_RETURN_IF_ERROR(Fail(columns_[c]->Append(b, row, end, value_pos[c])));
        if (b.validity.empty()) {
          value_pos[c] += end - row;
        } else {
          for (size_t r = row; r < end; ++r) value_pos[c] += b.validity[r] != 0;
        }
      }
      rows_in_group_ += static_cast<int64_t>(end - row);
      row = end;
      if (rows_in_group_ >= options_.max_row_group_rows ||
          buffered_bytes() >= options_.max_row_group_bytes) {
        FGM_RETURN_IF_ERROR(FlushRowGroup());
      }
    }
    return OkStatus();
  }

  Status FlushRowGroup() override {
    FGM_RETURN_IF_ERROR(CheckUsable());
    if (rows_in_group_ == 0) return OkStatus();
    RowGroup rg;
    rg.num_rows = rows_in_group_;
    rg.ordinal = static_cast<int16_t>(row_groups_.size());
    rg.sorting_columns = options_.sorting_columns;
    int64_t compressed_total = 0;
    std::vector<std::optional<ColumnIndex>> column_indexes;
    std::vector<OffsetIndex> offset_indexes;
    for (auto& column : columns_) {
      Result<FinishedChunk> finished = column->Finish();
      if (!finished.ok()) return Fail(finished.error());
      FinishedChunk& chunk = *finished;
      const int64_t base = sink_->Tell();
      FGM_RETURN_IF_ERROR(Emit(chunk.bytes));
      ColumnMetaData meta = std::move(chunk.meta);
      meta.data_page_offset += base;
      if (meta.dictionary_page_offset) *meta.dictionary_page_offset += base;
      for (PageLocation& loc : chunk.offset_index.page_locations) loc.offset += base;
      ColumnChunk cc;
      cc.file_offset = base;
      rg.total_byte_size += meta.total_uncompressed_size;
      compressed_total += meta.total_compressed_size;
      if (!rg.file_offset) rg.file_offset = base;
      cc.meta_data = std::move(meta);
      rg.columns.push_back(std::move(cc));
      column_indexes.push_back(std::move(chunk.column_index));
      offset_indexes.push_back(std::move(chunk.offset_index));
    }
    rg.total_compressed_size = compressed_total;
    rows_written_ += rows_in_group_;
    rows_in_group_ = 0;
    bool has_page_index = false;
    for (size_t c = 0; c < columns_.size(); ++c) {
      has_page_index = has_page_index || column_indexes[c].has_value() ||
                       !offset_indexes[c].page_locations.empty();
    }
    FinishedRowGroup finished;
    if (has_page_index) {
      // Its chunks' page-index offsets are known only once Close() writes the indexes.
      finished.meta = std::move(rg);
      finished.column_indexes = std::move(column_indexes);
      finished.offset_indexes = std::move(offset_indexes);
    } else {
      finished.serialized = SerializeRowGroup(std::move(rg));
    }
    row_groups_.push_back(std::move(finished));
    return OkStatus();
  }

  void AddKeyValue(std::string key, std::string value) override {
    options_.key_value_metadata.push_back({std::move(key), std::move(value)});
  }

  Status Close(bool sync) override {
    FGM_RETURN_IF_ERROR(CheckUsable());
    FGM_RETURN_IF_ERROR(FlushRowGroup());
    if (options_.write_page_index) {
      // All column indexes, then all offset indexes, after the data and before the footer, as
      // PageIndex.md recommends: readers fetch them in one or two contiguous reads.
      std::string buf;
      for (FinishedRowGroup& g : row_groups_) {
        if (!g.meta) continue;
        for (size_t c = 0; c < columns_.size(); ++c) {
          if (!g.column_indexes[c]) continue;
          buf.clear();
          SerializeColumnIndex(*g.column_indexes[c], &buf);
          g.meta->columns[c].column_index_offset = sink_->Tell();
          g.meta->columns[c].column_index_length = static_cast<int32_t>(buf.size());
          FGM_RETURN_IF_ERROR(Emit(buf));
        }
      }
      for (FinishedRowGroup& g : row_groups_) {
        if (!g.meta) continue;
        for (size_t c = 0; c < columns_.size(); ++c) {
          if (g.offset_indexes[c].page_locations.empty()) continue;  // one-page chunk
          buf.clear();
          SerializeOffsetIndex(g.offset_indexes[c], &buf);
          g.meta->columns[c].offset_index_offset = sink_->Tell();
          g.meta->columns[c].offset_index_length = static_cast<int32_t>(buf.size());
          FGM_RETURN_IF_ERROR(Emit(buf));
        }
      }
    }
    size_t row_group_bytes = 0;
    for (FinishedRowGroup& g : row_groups_) {
      if (g.meta) {
        g.serialized = SerializeRowGroup(std::move(*g.meta));
        g.meta.reset();
        g.column_indexes = {};
        g.offset_indexes = {};
      }
      row_group_bytes += g.serialized.size();
    }
    metadata_.version = 2;
    metadata_.schema = ToSchemaElements(schema_);
    metadata_.num_rows = rows_written_;
    metadata_.key_value_metadata = options_.key_value_metadata;
    metadata_.created_by = options_.created_by;
    metadata_.column_orders.assign(schema_.columns.size(), ColumnOrder{});
    // The footer is this FileMetaData with the row groups spliced in as the bytes they were
    // serialized to when they ended, emitted one by one (see SerializeRowGroup).
    std::string outer;
    SerializeFileMetaData(metadata_, &outer);
    const size_t list_pos = RowGroupListPosition(metadata_);
    FGM_CHECK(static_cast<uint8_t>(outer[list_pos]) == 0x0C);
    std::string list_header;
    thrift::CompactWriter(&list_header).ListHeader(thrift::CType::kStruct, row_groups_.size());
    const size_t footer_size = outer.size() - 1 + list_header.size() + row_group_bytes;
    FGM_CHECK(footer_size <= UINT32_MAX);
    FGM_RETURN_IF_ERROR(Emit(std::string_view(outer).substr(0, list_pos)));
    FGM_RETURN_IF_ERROR(Emit(list_header));
    for (FinishedRowGroup& g : row_groups_) {
      FGM_RETURN_IF_ERROR(Emit(g.serialized));
      g.serialized = std::string();
    }
    row_groups_.clear();
    FGM_RETURN_IF_ERROR(Emit(std::string_view(outer).substr(list_pos + 1)));
    uint32_t len = static_cast<uint32_t>(footer_size);
    char len_bytes[4];
    std::memcpy(len_bytes, &len, 4);
    FGM_RETURN_IF_ERROR(Emit(std::string_view(len_bytes, 4)));
    FGM_RETURN_IF_ERROR(Emit(kMagic));
    FGM_RETURN_IF_ERROR(Fail(sink_->Close(sync)));
    closed_ = true;
    return OkStatus();
  }

  int64_t rows_written() const override { return rows_written_ + rows_in_group_; }
  size_t buffered_bytes() const override {
    size_t total = 0;
    for (const auto& c : columns_) total += c->buffered_bytes();
    return total;
  }
  const Schema& schema() const override { return schema_; }
  const FileMetaData& metadata() const override { return metadata_; }

 private:
  Status ValidateBatches(std::span<const ColumnBatch> batches) const {
    if (batches.size() != schema_.columns.size()) {
      return InvalidArgumentError("expected " + std::to_string(schema_.columns.size()) +
                                  " column batches, got " + std::to_string(batches.size()));
    }
    for (size_t c = 0; c < batches.size(); ++c) {
      const ColumnBatch& b = batches[c];
      const ColumnSpec& spec = schema_.columns[c];
      auto fail = [&](const std::string& what) {
        return InvalidArgumentError("column '" + spec.name + "': " + what);
      };
      if (b.type != spec.type) {
        return fail("batch type " + std::string(PhysicalTypeName(b.type)) + " != schema type " +
                    std::string(PhysicalTypeName(spec.type)));
      }
      if (b.num_rows != batches[0].num_rows) return fail("row count differs from first column");
      size_t present = b.num_rows;
      if (!b.validity.empty()) {
        if (b.validity.size() != b.num_rows) return fail("validity size != num_rows");
        present = 0;
        for (uint8_t v : b.validity) present += v != 0;
        if (present != b.num_rows && spec.repetition == Repetition::kRequired) {
          return fail("null value in a required column");
        }
      }
      if (b.num_values() != present) {
        return fail(std::to_string(b.num_values()) + " values for " + std::to_string(present) +
                    " non-null rows");
      }
    }
    return OkStatus();
  }

  Status CheckUsable() const {
    if (closed_) return InvalidArgumentError("writer already closed");
    return failed_;
  }
  // Remembers the first error: after a failed write the file is unusable and later calls say so.
  Status Fail(Status s) {
    if (!s.ok() && failed_.ok()) failed_ = s;
    return s;
  }
  Status Emit(std::string_view bytes) { return Fail(sink_->Write(bytes)); }

  std::unique_ptr<OutputSink> sink_;
  Schema schema_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  int64_t rows_in_group_ = 0;
  int64_t rows_written_ = 0;
  // Row groups written so far. Their footer metadata is kept as compact-protocol bytes (~60 bytes
  // a column chunk) rather than as RowGroup structs (~800 bytes a chunk with their heap parts):
  // a monitor segment has one row group per container, and at 1,000 containers x ~115 columns
  // the structs were ~90 MiB, the largest part of the daemon's memory (docs/benchmarks.md).
  struct FinishedRowGroup {
    std::string serialized;
    // Only for a row group with page indexes, until Close() knows where they go.
    std::optional<RowGroup> meta;
    std::vector<std::optional<ColumnIndex>> column_indexes;
    std::vector<OffsetIndex> offset_indexes;
  };
  std::vector<FinishedRowGroup> row_groups_;
  FileMetaData metadata_;
  Status failed_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<OutputSink>> OpenFileSink(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create " + path, errno);
  return std::unique_ptr<OutputSink>(new FileSink(ScopedFd(fd)));
}

std::unique_ptr<OutputSink> MakeStringSink(std::string* out) {
  return std::make_unique<StringSink>(out);
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(std::unique_ptr<OutputSink> sink,
                                                     Schema schema, WriterOptions options) {
  auto writer =
      std::make_unique<FileWriterImpl>(std::move(sink), std::move(schema), std::move(options));
  FGM_RETURN_IF_ERROR(writer->Init());
  return std::unique_ptr<FileWriter>(std::move(writer));
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(const std::string& path, Schema schema,
                                                     WriterOptions options) {
  FGM_ASSIGN_OR_RETURN(auto sink, OpenFileSink(path));
  auto writer = Open(std::move(sink), std::move(schema), std::move(options));
  if (!writer.ok()) return writer.error().WithContext(path);
  return writer;
}

}  // namespace fgm::parquet

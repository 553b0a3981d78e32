// SPDX-License-Identifier: Apache-2.0
// FileReader: footer validation, statistics/page-index pruning and the page walk that feeds
// ChunkDecoder (see file_reader.h).
#include "parquet/reader/file_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "core/check.h"
#include "parquet/reader/page_decoder_internal.h"

namespace fgm::parquet {
namespace {

// Parquet files start and end with this magic; "PARE" at the end marks an encrypted footer.
constexpr std::string_view kMagic = "PAR1";
constexpr std::string_view kEncryptedMagic = "PARE";
// Leading magic + trailing (4-byte footer length + magic): the smallest possible file.
constexpr uint64_t kMinFileSize = 12;
constexpr uint64_t kTrailerSize = 8;

uint32_t LoadLe32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

std::string ColumnContext(int row_group, const ColumnSpec& column) {
  return "row group " + std::to_string(row_group) + " column '" + column.name + "'";
}

bool IsDataPage(PageType t) { return t == PageType::kDataPage || t == PageType::kDataPageV2; }

}  // namespace

FileReader::FileReader(std::unique_ptr<RandomAccessSource> source, ReaderOptions options)
    : source_(std::move(source)), options_(options) {}

FileReader::~FileReader() = default;

Result<std::unique_ptr<FileReader>> FileReader::Open(std::unique_ptr<RandomAccessSource> source,
                                                     ReaderOptions options) {
  if (source == nullptr) return InvalidArgumentError("FileReader::Open: null source");
  std::unique_ptr<FileReader> reader(new FileReader(std::move(source), options));
  Status s = reader->Init();
  if (!s.ok()) return s.WithContext(reader->source_->name());
  return reader;
}

Result<std::unique_ptr<FileReader>> FileReader::OpenFile(const std::string& path,
                                                         ReaderOptions options) {
  FGM_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessSource> source, OpenFileSource(path));
  return Open(std::move(source), options);
}

Status FileReader::Init() {
  file_size_ = source_->Size();
  if (file_size_ < kMinFileSize) {
    return CorruptError("file is " + std::to_string(file_size_) +
                        " bytes, smaller than the 12 bytes of an empty Parquet file");
  }
  std::string buf;
  FGM_RETURN_IF_ERROR(source_->ReadAt(0, kMagic.size(), &buf));
  if (buf != kMagic) return CorruptError("no PAR1 magic at the start of the file");
  FGM_RETURN_IF_ERROR(source_->ReadAt(file_size_ - kTrailerSize, kTrailerSize, &buf));
  std::string_view tail_magic(buf.data() + 4, 4);
  if (tail_magic == kEncryptedMagic) {
    return UnsupportedError("encrypted footer (PARE magic) is not supported");
  }
  if (tail_magic != kMagic) {
    return CorruptError("no PAR1 magic at the end of the file (truncated or not Parquet)");
  }
  footer_length_ = LoadLe32(buf.data());
  if (footer_length_ == 0) return CorruptError("footer length is zero");
  if (footer_length_ > file_size_ - kMinFileSize) {
    return CorruptError("footer length " + std::to_string(footer_length_) +
                        " is larger than the file allows (" +
                        std::to_string(file_size_ - kMinFileSize) + " bytes)");
  }
  const uint64_t footer_start = file_size_ - kTrailerSize - footer_length_;
  FGM_ASSIGN_OR_RETURN(std::string_view footer, source_->Read(footer_start, footer_length_, &buf));
  auto metadata = DeserializeFileMetaData(footer);
  if (!metadata.ok()) return metadata.error().WithContext("footer");
  metadata_ = std::move(metadata).value();
  auto schema = FromSchemaElements(metadata_.schema);
  if (!schema.ok()) return schema.error();  // its messages already start with "schema:"
  schema_ = std::move(schema).value();
  for (const ColumnSpec& c : schema_.columns) {
    if (c.type == PhysicalType::kFixedLenByteArray && c.type_length <= 0) {
      return CorruptError("schema: FIXED_LEN_BYTE_ARRAY column '" + c.name + "' has type_length " +
                          std::to_string(c.type_length));
    }
  }
  if (metadata_.num_rows < 0) {
    return CorruptError("footer: negative num_rows " + std::to_string(metadata_.num_rows));
  }
  FGM_RETURN_IF_ERROR(ValidateRowGroups());
  page_indexes_.resize(chunk_ranges_.size());
  return OkStatus();
}

Status FileReader::ValidateRowGroups() {
  const uint64_t data_end = file_size_ - kTrailerSize - footer_length_;
  const size_t num_columns = schema_.columns.size();
  int64_t total_rows = 0;
  chunk_ranges_.clear();
  chunk_ranges_.reserve(metadata_.row_groups.size() * num_columns);
  for (size_t r = 0; r < metadata_.row_groups.size(); ++r) {
    const RowGroup& rg = metadata_.row_groups[r];
    const std::string rg_name = "row group " + std::to_string(r);
    if (rg.num_rows < 0) {
      return CorruptError(rg_name + ": negative num_rows " + std::to_string(rg.num_rows));
    }
    if (rg.num_rows > std::numeric_limits<int64_t>::max() - total_rows) {
      return CorruptError(rg_name + ": row counts overflow int64");
    }
    total_rows += rg.num_rows;
    if (rg.columns.size() != num_columns) {
      return CorruptError(rg_name + " has " + std::to_string(rg.columns.size()) +
                          " column chunks, the schema has " + std::to_string(num_columns) +
                          " columns");
    }
    for (size_t c = 0; c < num_columns; ++c) {
      const ColumnSpec& spec = schema_.columns[c];
      const ColumnChunk& chunk = rg.columns[c];
      const std::string name = ColumnContext(static_cast<int>(r), spec);
      if (chunk.file_path.has_value()) {
        return UnsupportedError(name + ": column chunk stored in another file ('" +
                                *chunk.file_path + "')");
      }
      if (!chunk.meta_data.has_value()) return CorruptError(name + ": no ColumnMetaData");
      const ColumnMetaData& md = *chunk.meta_data;
      if (md.type != spec.type) {
        return CorruptError(name + ": chunk type " + std::string(PhysicalTypeName(md.type)) +
                            " differs from the schema's " +
                            std::string(PhysicalTypeName(spec.type)));
      }
      if (md.num_values != rg.num_rows) {
        return CorruptError(name + ": num_values " + std::to_string(md.num_values) +
                            " differs from the row group's num_rows " +
                            std::to_string(rg.num_rows));
      }
      int64_t start = md.data_page_offset;
      // Writers put the dictionary page first; some set dictionary_page_offset to 0 for "none"
      // (Arrow's reader has the same rule), so only an offset before the data pages counts.
      if (md.dictionary_page_offset.has_value() && *md.dictionary_page_offset > 0 &&
          *md.dictionary_page_offset < start) {
        start = *md.dictionary_page_offset;
      }
      const int64_t length = md.total_compressed_size;
      if (start < static_cast<int64_t>(kMagic.size()) || length < 0 ||
          static_cast<uint64_t>(start) > data_end ||
          static_cast<uint64_t>(length) > data_end - static_cast<uint64_t>(start)) {
        return CorruptError(name + ": column chunk bytes [" + std::to_string(start) + ", +" +
                            std::to_string(length) + ") are outside the file's data region [4, " +
                            std::to_string(data_end) + ")");
      }
      if (md.data_page_offset >= start + length && rg.num_rows > 0) {
        return CorruptError(name + ": data_page_offset " + std::to_string(md.data_page_offset) +
                            " is past the chunk's end");
      }
      chunk_ranges_.push_back({static_cast<uint64_t>(start), static_cast<uint64_t>(length)});
    }
  }
  if (total_rows != metadata_.num_rows) {
    return CorruptError("row groups hold " + std::to_string(total_rows) +
                        " rows but the footer's num_rows is " + std::to_string(metadata_.num_rows));
  }
  return OkStatus();
}

int64_t FileReader::row_group_num_rows(int row_group) const {
  FGM_CHECK(row_group >= 0 && row_group < num_row_groups()) << "row group " << row_group;
  return metadata_.row_groups[static_cast<size_t>(row_group)].num_rows;
}

Status FileReader::CheckIndexes(int row_group, int column) const {
  if (row_group < 0 || row_group >= num_row_groups()) {
    return InvalidArgumentError("row group " + std::to_string(row_group) +
                                " out of range (file has " + std::to_string(num_row_groups()) +
                                ")");
  }
  if (column < 0 || column >= num_columns()) {
    return InvalidArgumentError("column " + std::to_string(column) + " out of range (file has " +
                                std::to_string(num_columns()) + ")");
  }
  return OkStatus();
}

const ColumnMetaData& FileReader::ChunkMetaData(int row_group, int column) const {
  FGM_CHECK(CheckIndexes(row_group, column).ok()) << "rg " << row_group << " col " << column;
  return *metadata_.row_groups[static_cast<size_t>(row_group)]
              .columns[static_cast<size_t>(column)]
              .meta_data;
}

FileReader::ChunkRange FileReader::chunk_range(int row_group, int column) const {
  return chunk_ranges_[static_cast<size_t>(row_group) * schema_.columns.size() +
                       static_cast<size_t>(column)];
}

bool FileReader::TypeDefinedOrder(int column) const {
  if (metadata_.column_orders.size() != schema_.columns.size()) return true;
  return metadata_.column_orders[static_cast<size_t>(column)].type_defined_order;
}

Result<ColumnStatistics> FileReader::ChunkStatistics(int row_group, int column) const {
  FGM_RETURN_IF_ERROR(CheckIndexes(row_group, column));
  const ColumnMetaData& md = ChunkMetaData(row_group, column);
  const ColumnSpec& spec = schema_.columns[static_cast<size_t>(column)];
  if (!md.statistics.has_value()) return ColumnStatistics{};
  auto stats = DecodeStatistics(*md.statistics, spec, TypeDefinedOrder(column));
  if (!stats.ok()) return stats.error().WithContext(ColumnContext(row_group, spec));
  return stats;
}

Result<std::vector<int>> FileReader::RowGroupsMatchingRange(int column, const StatValue& lo,
                                                            const StatValue& hi) const {
  std::vector<int> out;
  for (int rg = 0; rg < num_row_groups(); ++rg) {
    FGM_ASSIGN_OR_RETURN(ColumnStatistics stats, ChunkStatistics(rg, column));
    if (RangeMayMatch(schema_.columns[static_cast<size_t>(column)], stats, lo, hi)) {
      out.push_back(rg);
    }
  }
  return out;
}

Result<std::vector<int>> FileReader::RowGroupsMatchingInt64Range(int column, int64_t lo,
                                                                 int64_t hi) const {
  if (column < 0 || column >= num_columns()) {
    return InvalidArgumentError("column " + std::to_string(column) + " out of range");
  }
  PhysicalType t = schema_.columns[static_cast<size_t>(column)].type;
  if (t != PhysicalType::kInt32 && t != PhysicalType::kInt64) {
    return InvalidArgumentError("column '" + schema_.columns[static_cast<size_t>(column)].name +
                                "' is not INT32/INT64");
  }
  return RowGroupsMatchingRange(column, StatValue::Int64(lo), StatValue::Int64(hi));
}

Result<std::unique_ptr<ColumnPageIndex>> FileReader::LoadPageIndex(int row_group,
                                                                   int column) const {
  const ColumnChunk& chunk =
      metadata_.row_groups[static_cast<size_t>(row_group)].columns[static_cast<size_t>(column)];
  const ColumnSpec& spec = schema_.columns[static_cast<size_t>(column)];
  const std::string name = ColumnContext(row_group, spec);
  const uint64_t data_end = file_size_ - kTrailerSize - footer_length_;
  auto index = std::make_unique<ColumnPageIndex>();
  std::string buf;
  // Reads [offset, offset + length) after checking it lies inside the data region.
  auto read_part = [&](std::optional<int64_t> offset, std::optional<int32_t> length,
                       const char* what) -> Result<std::string_view> {
    if (*offset < static_cast<int64_t>(kMagic.size()) || *length <= 0 ||
        static_cast<uint64_t>(*offset) > data_end ||
        static_cast<uint64_t>(*length) > data_end - static_cast<uint64_t>(*offset)) {
      return CorruptError(name + ": " + what + " bytes [" + std::to_string(*offset) + ", +" +
                          std::to_string(*length) + ") are outside the file's data region");
    }
    return source_->Read(static_cast<uint64_t>(*offset), static_cast<size_t>(*length), &buf);
  };

  const int64_t rows = metadata_.row_groups[static_cast<size_t>(row_group)].num_rows;
  const ChunkRange range = chunk_range(row_group, column);
  if (chunk.offset_index_offset.has_value() && chunk.offset_index_length.has_value()) {
    FGM_ASSIGN_OR_RETURN(
        std::string_view bytes,
        read_part(chunk.offset_index_offset, chunk.offset_index_length, "offset index"));
    auto parsed = DeserializeOffsetIndex(bytes);
    if (!parsed.ok()) return parsed.error().WithContext(name + ": offset index");
    const std::vector<PageLocation>& pages = parsed->page_locations;
    if (rows > 0 && pages.empty()) return CorruptError(name + ": offset index lists no pages");
    uint64_t min_offset = range.start;
    for (size_t i = 0; i < pages.size(); ++i) {
      const PageLocation& p = pages[i];
      const std::string page = name + ": offset index page " + std::to_string(i);
      if (p.offset < 0 || static_cast<uint64_t>(p.offset) < min_offset ||
          p.compressed_page_size <= 0 ||
          static_cast<uint64_t>(p.offset) + static_cast<uint64_t>(p.compressed_page_size) >
              range.start + range.length) {
        return CorruptError(page + ": bytes [" + std::to_string(p.offset) + ", +" +
                            std::to_string(p.compressed_page_size) +
                            ") are outside the column chunk or overlap the previous page");
      }
      min_offset = static_cast<uint64_t>(p.offset) + static_cast<uint64_t>(p.compressed_page_size);
      const int64_t previous_row = i == 0 ? -1 : pages[i - 1].first_row_index;
      if ((i == 0 && p.first_row_index != 0) || p.first_row_index <= previous_row ||
          p.first_row_index >= rows) {
        return CorruptError(page + ": first_row_index " + std::to_string(p.first_row_index) +
                            " is not increasing inside [0, " + std::to_string(rows) + ")");
      }
    }
    index->offset_index = std::move(parsed).value();
  }
  if (chunk.column_index_offset.has_value() && chunk.column_index_length.has_value()) {
    FGM_ASSIGN_OR_RETURN(
        std::string_view bytes,
        read_part(chunk.column_index_offset, chunk.column_index_length, "column index"));
    auto parsed = DeserializeColumnIndex(bytes);
    if (!parsed.ok()) return parsed.error().WithContext(name + ": column index");
    const ColumnIndex& ci = *parsed;
    const size_t n = ci.null_pages.size();
    bool consistent = ci.min_values.size() == n && ci.max_values.size() == n &&
                      (ci.null_counts.empty() || ci.null_counts.size() == n) &&
                      (!index->offset_index || index->offset_index->page_locations.size() == n);
    // A column index that does not line up with the pages is useless for pruning but harmless to
    // the data: drop it instead of failing reads (documented at ColumnPageIndex).
    if (consistent) index->column_index = std::move(parsed).value();
  }
  return index;
}

Result<const ColumnPageIndex*> FileReader::PageIndex(int row_group, int column) const {
  FGM_RETURN_IF_ERROR(CheckIndexes(row_group, column));
  const size_t slot =
      static_cast<size_t>(row_group) * schema_.columns.size() + static_cast<size_t>(column);
  {
    std::lock_guard<std::mutex> lock(page_index_mu_);
    if (page_indexes_[slot]) return page_indexes_[slot].get();
  }
  // Load without the lock (I/O); if two threads race, the first stored copy wins.
  FGM_ASSIGN_OR_RETURN(std::unique_ptr<ColumnPageIndex> loaded, LoadPageIndex(row_group, column));
  std::lock_guard<std::mutex> lock(page_index_mu_);
  if (!page_indexes_[slot]) page_indexes_[slot] = std::move(loaded);
  return page_indexes_[slot].get();
}

Result<RowRanges> FileReader::RowRangesMatchingRange(int row_group, int column, const StatValue& lo,
                                                     const StatValue& hi) const {
  FGM_RETURN_IF_ERROR(CheckIndexes(row_group, column));
  const ColumnSpec& spec = schema_.columns[static_cast<size_t>(column)];
  const int64_t rows = row_group_num_rows(row_group);
  if (rows == 0) return RowRanges{};
  FGM_ASSIGN_OR_RETURN(ColumnStatistics chunk_stats, ChunkStatistics(row_group, column));
  if (!RangeMayMatch(spec, chunk_stats, lo, hi)) return RowRanges{};
  const RowRanges all = {{0, rows}};
  if (!TypeDefinedOrder(column) || ColumnSortOrder(spec) == SortOrder::kUnknown) return all;
  FGM_ASSIGN_OR_RETURN(const ColumnPageIndex* index, PageIndex(row_group, column));
  if (!index->offset_index || !index->column_index) return all;
  const std::vector<PageLocation>& pages = index->offset_index->page_locations;
  const ColumnIndex& ci = *index->column_index;
  RowRanges out;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (ci.null_pages[i]) continue;  // only nulls: no value can be inside [lo, hi]
    ColumnStatistics page_stats;
    auto min = DecodeStatValue(spec, ci.min_values[i]);
    auto max = DecodeStatValue(spec, ci.max_values[i]);
    if (!min.ok())
      return min.error().WithContext(ColumnContext(row_group, spec) + ": column index");
    if (!max.ok())
      return max.error().WithContext(ColumnContext(row_group, spec) + ": column index");
    page_stats.min = std::move(min).value();
    page_stats.max = std::move(max).value();
    bool nan_bound =
        (spec.type == PhysicalType::kFloat || spec.type == PhysicalType::kDouble) &&
        (page_stats.min->d != page_stats.min->d || page_stats.max->d != page_stats.max->d);
    if (!nan_bound && !RangeMayMatch(spec, page_stats, lo, hi)) continue;
    const int64_t end = i + 1 < pages.size() ? pages[i + 1].first_row_index : rows;
    out.push_back({pages[i].first_row_index, end - pages[i].first_row_index});
  }
  return NormalizeRowRanges(std::move(out));
}

Result<RowRanges> FileReader::RowRangesMatchingInt64Range(int row_group, int column, int64_t lo,
                                                          int64_t hi) const {
  FGM_RETURN_IF_ERROR(CheckIndexes(row_group, column));
  PhysicalType t = schema_.columns[static_cast<size_t>(column)].type;
  if (t != PhysicalType::kInt32 && t != PhysicalType::kInt64) {
    return InvalidArgumentError("column '" + schema_.columns[static_cast<size_t>(column)].name +
                                "' is not INT32/INT64");
  }
  return RowRangesMatchingRange(row_group, column, StatValue::Int64(lo), StatValue::Int64(hi));
}

Status FileReader::ReadColumnChunk(int row_group, int column, ColumnBatch* out,
                                   ColumnReadBuffers* buffers) const {
  return ReadRangesImpl(row_group, column, nullptr, out, buffers);
}

Status FileReader::ReadColumnRows(int row_group, int column, int64_t first_row, int64_t num_rows,
                                  ColumnBatch* out, ColumnReadBuffers* buffers) const {
  FGM_RETURN_IF_ERROR(CheckIndexes(row_group, column));
  const int64_t rows = row_group_num_rows(row_group);
  if (first_row < 0 || num_rows < 0 || first_row > rows || num_rows > rows - first_row) {
    return InvalidArgumentError("rows [" + std::to_string(first_row) + ", +" +
                                std::to_string(num_rows) + ") are not inside row group " +
                                std::to_string(row_group) + " (" + std::to_string(rows) + " rows)");
  }
  RowRanges ranges;
  if (num_rows > 0) ranges.push_back({first_row, num_rows});
  return ReadRangesImpl(row_group, column, &ranges, out, buffers);
}

Status FileReader::ReadColumnRanges(int row_group, int column, const RowRanges& ranges,
                                    ColumnBatch* out, ColumnReadBuffers* buffers) const {
  FGM_RETURN_IF_ERROR(CheckIndexes(row_group, column));
  const int64_t rows = row_group_num_rows(row_group);
  if (!IsNormalRowRanges(ranges) ||
      (!ranges.empty() && (ranges.front().first < 0 || ranges.back().end() > rows))) {
    return InvalidArgumentError(
        "row ranges must be sorted, disjoint, non-empty and inside row group " +
        std::to_string(row_group) + " (" + std::to_string(rows) + " rows)");
  }
  return ReadRangesImpl(row_group, column, &ranges, out, buffers);
}

Status FileReader::ReadRowGroup(int row_group, std::span<const int> columns,
                                std::vector<ColumnBatch>* out, ColumnReadBuffers* buffers) const {
  out->resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    FGM_RETURN_IF_ERROR(ReadColumnChunk(row_group, columns[i], &(*out)[i], buffers));
  }
  return OkStatus();
}

Status FileReader::ReadRangesImpl(int row_group, int column, const RowRanges* ranges,
                                  ColumnBatch* out, ColumnReadBuffers* buffers) const {
  FGM_RETURN_IF_ERROR(CheckIndexes(row_group, column));
  std::optional<ColumnReadBuffers> local;  // only when the caller brings none
  if (buffers == nullptr) buffers = &local.emplace();
  ColumnReadBuffers::Impl* scratch = buffers->impl();
  const ColumnSpec& spec = schema_.columns[static_cast<size_t>(column)];
  const ColumnMetaData& md = ChunkMetaData(row_group, column);
  const int64_t rows = row_group_num_rows(row_group);
  const ChunkRange range = chunk_range(row_group, column);
  const std::string name = ColumnContext(row_group, spec);
  internal::ResetBatch(spec.type, out);
  if (ranges != nullptr && ranges->empty()) return OkStatus();
  internal::ChunkDecoder decoder(spec, md.codec, options_, scratch, name);
  ColumnBatch& page_batch = scratch->page;

  // Decodes one data page spanning rows [page_first, page_first + page_rows), keeping only the
  // wanted rows: straight into *out when the page is wholly wanted, else via page_batch.
  size_t range_index = 0;
  auto decode_wanted = [&](const internal::RawPage& page, uint64_t offset, int64_t page_first,
                           int64_t page_rows) -> Status {
    const int64_t page_end = page_first + page_rows;
    if (ranges == nullptr) return decoder.DecodeDataPage(page, offset, out);
    while (range_index < ranges->size() && (*ranges)[range_index].end() <= page_first) {
      ++range_index;
    }
    if (range_index == ranges->size() || (*ranges)[range_index].first >= page_end) {
      return OkStatus();  // no wanted row here: not even decompressed
    }
    const RowRange& r = (*ranges)[range_index];
    if (r.first <= page_first && r.end() >= page_end) {
      return decoder.DecodeDataPage(page, offset, out);
    }
    internal::ResetBatch(spec.type, &page_batch);
    FGM_RETURN_IF_ERROR(decoder.DecodeDataPage(page, offset, &page_batch));
    for (size_t i = range_index; i < ranges->size() && (*ranges)[i].first < page_end; ++i) {
      const int64_t first = std::max((*ranges)[i].first, page_first);
      const int64_t end = std::min((*ranges)[i].end(), page_end);
      internal::AppendRows(page_batch, static_cast<size_t>(first - page_first),
                           static_cast<size_t>(end - first), out);
    }
    return OkStatus();
  };

  const ColumnPageIndex* index = nullptr;
  if (ranges != nullptr) {
    FGM_ASSIGN_OR_RETURN(index, PageIndex(row_group, column));
    if (!index->offset_index) index = nullptr;
  }

  if (index == nullptr) {
    // Walk every page of the chunk in order.
    FGM_ASSIGN_OR_RETURN(std::string_view bytes,
                         source_->Read(range.start, range.length, &scratch->chunk));
    int64_t row = 0;
    size_t pos = 0;
    bool seen_data = false;
    while (pos < bytes.size()) {
      if (ranges != nullptr && row >= ranges->back().end()) break;  // past the last wanted row
      const uint64_t offset = range.start + pos;
      FGM_ASSIGN_OR_RETURN(internal::RawPage page, decoder.ParsePage(bytes.substr(pos), offset));
      const PageType type = page.header.type;
      if (type == PageType::kDictionaryPage) {
        if (seen_data) {
          return CorruptError(name + ": dictionary page at offset " + std::to_string(offset) +
                              " after data pages");
        }
        FGM_RETURN_IF_ERROR(decoder.DecodeDictionaryPage(page, offset));
      } else if (IsDataPage(type)) {
        FGM_ASSIGN_OR_RETURN(int64_t page_rows, decoder.DataPageRows(page, offset));
        if (page_rows > rows - row) {
          return CorruptError(name + ": data pages hold more than the chunk's " +
                              std::to_string(rows) + " values (page at offset " +
                              std::to_string(offset) + ")");
        }
        FGM_RETURN_IF_ERROR(decode_wanted(page, offset, row, page_rows));
        row += page_rows;
        seen_data = true;
      } else if (type != PageType::kIndexPage) {
        return UnsupportedError(name + ": page at offset " + std::to_string(offset) +
                                " has unknown page type " +
                                std::to_string(static_cast<int32_t>(type)));
      }
      pos += page.total_size;
    }
    if (ranges == nullptr && row != rows) {
      return CorruptError(name + ": data pages hold " + std::to_string(row) +
                          " values, the chunk metadata says " + std::to_string(rows));
    }
  } else {
    // Fetch only the dictionary region and the pages that cover the wanted rows.
    const std::vector<PageLocation>& pages = index->offset_index->page_locations;
    const uint64_t first_page = static_cast<uint64_t>(pages.front().offset);
    if (first_page > range.start) {
      FGM_ASSIGN_OR_RETURN(
          std::string_view dict_bytes,
          source_->Read(range.start, first_page - range.start, &scratch->dict_chunk));
      size_t pos = 0;
      while (pos < dict_bytes.size()) {
        const uint64_t offset = range.start + pos;
        FGM_ASSIGN_OR_RETURN(internal::RawPage page,
                             decoder.ParsePage(dict_bytes.substr(pos), offset));
        if (page.header.type == PageType::kDictionaryPage) {
          FGM_RETURN_IF_ERROR(decoder.DecodeDictionaryPage(page, offset));
        } else if (page.header.type != PageType::kIndexPage) {
          return CorruptError(name + ": " + std::string(PageTypeName(page.header.type)) +
                              " at offset " + std::to_string(offset) +
                              " lies before the offset index's first page");
        }
        pos += page.total_size;
      }
    }
    auto page_end_row = [&](size_t i) {
      return i + 1 < pages.size() ? pages[i + 1].first_row_index : rows;
    };
    size_t want = 0;  // index into *ranges while choosing pages
    size_t i = 0;
    while (i < pages.size()) {
      while (want < ranges->size() && (*ranges)[want].end() <= pages[i].first_row_index) ++want;
      if (want == ranges->size()) break;
      if ((*ranges)[want].first >= page_end_row(i)) {
        ++i;
        continue;
      }
      // Coalesce this page with following wanted pages that are contiguous in the file.
      size_t last = i;
      while (last + 1 < pages.size() &&
             pages[last + 1].offset == pages[last].offset + pages[last].compressed_page_size) {
        size_t next = last + 1;
        size_t w = want;
        while (w < ranges->size() && (*ranges)[w].end() <= pages[next].first_row_index) ++w;
        if (w == ranges->size() || (*ranges)[w].first >= page_end_row(next)) break;
        last = next;
      }
      const uint64_t run_start = static_cast<uint64_t>(pages[i].offset);
      const uint64_t run_end = static_cast<uint64_t>(pages[last].offset) +
                               static_cast<uint64_t>(pages[last].compressed_page_size);
      FGM_ASSIGN_OR_RETURN(std::string_view run,
                           source_->Read(run_start, run_end - run_start, &scratch->chunk));
      for (size_t p = i; p <= last; ++p) {
        const uint64_t offset = static_cast<uint64_t>(pages[p].offset);
        std::string_view bytes =
            run.substr(offset - run_start, static_cast<size_t>(pages[p].compressed_page_size));
        FGM_ASSIGN_OR_RETURN(internal::RawPage page, decoder.ParsePage(bytes, offset));
        if (!IsDataPage(page.header.type) || page.total_size != bytes.size()) {
          return CorruptError(name + ": offset index page at offset " + std::to_string(offset) +
                              " is not one data page of " + std::to_string(bytes.size()) +
                              " bytes");
        }
        FGM_ASSIGN_OR_RETURN(int64_t page_rows, decoder.DataPageRows(page, offset));
        const int64_t expected = page_end_row(p) - pages[p].first_row_index;
        if (page_rows != expected) {
          return CorruptError(name + ": page at offset " + std::to_string(offset) + " holds " +
                              std::to_string(page_rows) + " rows, the offset index says " +
                              std::to_string(expected));
        }
        FGM_RETURN_IF_ERROR(decode_wanted(page, offset, pages[p].first_row_index, page_rows));
      }
      i = last + 1;
    }
  }
  if (ranges != nullptr && static_cast<int64_t>(out->num_rows) != CountRows(*ranges)) {
    return CorruptError(name + ": data pages hold fewer rows than the chunk metadata says");
  }
  internal::FinishBatch(out);
  return OkStatus();
}

}  // namespace fgm::parquet

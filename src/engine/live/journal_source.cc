// SPDX-License-Identifier: Apache-2.0
#include "engine/live/journal_source.h"

#include <algorithm>
#include <filesystem>

#include "core/strings.h"
#include "parquet/writer/file_writer.h"
#include "store/catalog.h"
#include "store/journal.h"
#include "store/layout.h"

namespace fgm::engine {

Result<std::string> JournalToParquet(const std::string& journal_path) {
  FGM_ASSIGN_OR_RETURN(store::JournalContents contents, store::ReadJournal(journal_path));
  std::string bytes;
  if (contents.rows.empty()) return bytes;
  parquet::WriterOptions options;
  // Rebuilt on every refresh and read once: no compression or encoding trials.
  options.codec = parquet::CompressionCodec::kUncompressed;
  options.analyze_encodings = false;
  options.write_page_index = false;
  options.max_row_group_rows = int64_t{1} << 40;
  FGM_ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(parquet::MakeStringSink(&bytes),
                                                              store::DatasetSchema(), options));
  std::vector<uint32_t> order;
  std::vector<store::RowBuffer::Group> groups;
  contents.rows.SortedOrder(&order, &groups);
  for (const auto& g : groups) {
    std::vector<parquet::ColumnBatch> batches = contents.rows.Batches(order, g.begin, g.end);
    FGM_RETURN_IF_ERROR(writer->WriteBatch(batches));
    FGM_RETURN_IF_ERROR(writer->FlushRowGroup());
  }
  writer->AddKeyValue(std::string(store::kKvIdentifier), contents.identifier);
  FGM_RETURN_IF_ERROR(writer->Close());
  return bytes;
}

std::vector<FileSource> ReadLiveJournals(const std::vector<std::string>& roots) {
  namespace fs = std::filesystem;
  std::vector<FileSource> out;
  for (const std::string& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    std::vector<std::string> paths;
    for (fs::directory_iterator it(store::JournalDir(root), ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (EndsWith(name, ".wal")) paths.push_back(it->path().string());
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
      auto bytes = JournalToParquet(path);
      if (!bytes.ok() || bytes->empty()) continue;  // deleted meanwhile, or empty
      out.push_back({.path = path, .bytes = std::move(*bytes), .live = true});
    }
  }
  return out;
}

}  // namespace fgm::engine

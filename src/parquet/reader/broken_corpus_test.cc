// SPDX-License-Identifier: Apache-2.0
// Runs FileReader over every file of test/data/parquet/broken/ (see its README.md): each must fail
// with the status code and message fragment listed in expected.tsv, at the listed stage (open or
// read), through both the file and the memory source — and never crash, hang or over-allocate (the
// suite also runs under ASan+UBSan).
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/strings.h"
#include "parquet/reader/file_reader.h"

namespace fgm::parquet {
namespace {

const std::string kDir = std::string(FGM_SOURCE_DIR) + "/test/data/parquet/broken/";

struct Expectation {
  std::string code;
  std::string fragment;
  std::string stage;  // "open" or "read"
};

std::map<std::string, Expectation> LoadExpectations() {
  std::map<std::string, Expectation> out;
  auto text = ReadFileToString(kDir + "expected.tsv");
  EXPECT_TRUE(text.ok()) << text.error().ToString();
  if (!text.ok()) return out;
  ForEachLine(*text, [&](std::string_view line) {
    if (line.empty() || line[0] == '#') return;
    std::vector<std::string_view> f = Split(line, '\t');
    EXPECT_EQ(f.size(), 4u) << line;
    if (f.size() != 4) return;
    out[std::string(f[0])] = {std::string(f[1]), std::string(f[2]), std::string(f[3])};
  });
  return out;
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  DIR* dir = opendir(kDir.c_str());
  if (dir == nullptr) return files;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (EndsWith(name, ".parquet")) files.push_back(name);
  }
  closedir(dir);
  std::sort(files.begin(), files.end());
  return files;
}

// Reads everything a query could touch; returns the first error.
Status ReadEverything(const FileReader& reader) {
  ColumnReadBuffers buffers;
  ColumnBatch batch;
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    for (int c = 0; c < reader.num_columns(); ++c) {
      auto stats = reader.ChunkStatistics(rg, c);
      if (!stats.ok()) return stats.error();
      auto index = reader.PageIndex(rg, c);
      if (!index.ok()) return index.error();
      FGM_RETURN_IF_ERROR(reader.ReadColumnChunk(rg, c, &batch, &buffers));
      const int64_t rows = reader.row_group_num_rows(rg);
      FGM_RETURN_IF_ERROR(reader.ReadColumnRows(rg, c, rows / 3, rows / 3, &batch, &buffers));
      const PhysicalType type = reader.schema().columns[static_cast<size_t>(c)].type;
      if (type == PhysicalType::kInt64 || type == PhysicalType::kInt32) {
        auto ranges = reader.RowRangesMatchingInt64Range(rg, c, 0, 10);
        if (!ranges.ok()) return ranges.error();
      }
    }
  }
  return OkStatus();
}

void CheckStatus(const Status& s, const Expectation& want) {
  ASSERT_FALSE(s.ok()) << "expected " << want.code << " containing '" << want.fragment << "'";
  EXPECT_EQ(std::string(StatusCodeName(s.code())), want.code) << s.ToString();
  EXPECT_THAT(s.message(), ::testing::HasSubstr(want.fragment)) << s.ToString();
}

void CheckFile(std::unique_ptr<RandomAccessSource> source, const Expectation& want) {
  auto reader = FileReader::Open(std::move(source));
  if (want.stage == "open") {
    ASSERT_FALSE(reader.ok()) << "Open() succeeded; expected it to fail";
    CheckStatus(reader.error(), want);
    return;
  }
  ASSERT_TRUE(reader.ok()) << "Open() failed; expected a read error: " << reader.error().ToString();
  CheckStatus(ReadEverything(**reader), want);
}

TEST(BrokenCorpusTest, EveryFileFailsCleanlyWithTheDocumentedError) {
  const std::map<std::string, Expectation> expected = LoadExpectations();
  const std::vector<std::string> files = CorpusFiles();
  // The generator makes 50; a much smaller count means the directory is missing or half-built.
  ASSERT_GE(files.size(), 40u);
  std::set<std::string> seen;
  for (const std::string& name : files) {
    SCOPED_TRACE(name);
    auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << "no line in expected.tsv";
    seen.insert(name);
    auto file_source = OpenFileSource(kDir + name);
    ASSERT_TRUE(file_source.ok()) << file_source.error().ToString();
    CheckFile(std::move(file_source).value(), it->second);
    auto bytes = ReadFileToString(kDir + name);
    ASSERT_TRUE(bytes.ok());
    CheckFile(MakeMemorySource(*bytes, name), it->second);
  }
  for (const auto& [name, want] : expected) {
    EXPECT_TRUE(seen.count(name)) << name << " is listed in expected.tsv but missing";
  }
}

TEST(BrokenCorpusTest, ErrorsNameTheFile) {
  auto reader = FileReader::OpenFile(kDir + "bad_magic_tail.parquet");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error().message(), ::testing::HasSubstr("bad_magic_tail.parquet"));
}

}  // namespace
}  // namespace fgm::parquet

// SPDX-License-Identifier: Apache-2.0
// The dump and inspect tools over the broken corpus (test/data/parquet/broken/): dump must fail
// with the corpus' documented error for every file; inspect (footer only) must fail for files
// broken at open and describe the others without crashing.
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/file.h"
#include "core/strings.h"
#include "parquet/tools/dump.h"
#include "parquet/tools/inspect.h"

namespace fgm::parquet {
namespace {

const std::string kDir = std::string(FGM_SOURCE_DIR) + "/test/data/parquet/broken/";

TEST(BrokenCorpusToolsTest, DumpFailsAndInspectNeverCrashes) {
  auto tsv = ReadFileToString(kDir + "expected.tsv");
  ASSERT_TRUE(tsv.ok()) << tsv.error().ToString();
  int files = 0;
  ForEachLine(*tsv, [&](std::string_view line) {
    if (line.empty() || line[0] == '#') return;
    std::vector<std::string_view> f = Split(line, '\t');
    ASSERT_EQ(f.size(), 4u);
    const std::string path = kDir + std::string(f[0]);
    SCOPED_TRACE(path);
    ++files;
    auto dump = DumpParquetFileAsJson(path);
    ASSERT_FALSE(dump.ok());
    EXPECT_EQ(StatusCodeName(dump.error().code()), f[1]);
    EXPECT_THAT(dump.error().message(), ::testing::HasSubstr(std::string(f[2])));
    for (bool json : {false, true}) {
      auto inspect = InspectParquetFile(path, json);
      EXPECT_EQ(inspect.ok(), f[3] == "read") << (inspect.ok() ? "" : inspect.error().ToString());
    }
  });
  EXPECT_GE(files, 40);
}

}  // namespace
}  // namespace fgm::parquet

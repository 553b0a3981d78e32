// SPDX-License-Identifier: Apache-2.0
#include "core/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fgm {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm_file_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(FileTest, AtomicWriteThenRead) {
  std::string path = dir_ + "/a/b/c.txt";
  ASSERT_TRUE(MakeDirs(DirName(path)).ok());
  ASSERT_TRUE(WriteFileAtomically(path, "hello").ok());
  auto data = ReadFileToString(path);
  ASSERT_TRUE(data.ok()) << data.error().ToString();
  EXPECT_EQ(*data, "hello");
  ASSERT_TRUE(WriteFileAtomically(path, "bye").ok());
  EXPECT_EQ(*ReadFileToString(path), "bye");
  // No temporary files left behind.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(DirName(path))) (void)e, ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FileTest, MissingFileIsNotFoundWithPath) {
  auto data = ReadFileToString(dir_ + "/nope");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code(), StatusCode::kNotFound);
  EXPECT_NE(data.error().message().find("nope"), std::string::npos);
}

TEST_F(FileTest, ReadFdFullyReusesBufferAndRereads) {
  std::string path = dir_ + "/x";
  std::string big(100000, 'z');
  ASSERT_TRUE(WriteFileAtomically(path, big).ok());
  auto fd = OpenReadOnly(path);
  ASSERT_TRUE(fd.ok());
  std::string buf;
  ASSERT_TRUE(ReadFdFully(fd->get(), &buf).ok());
  EXPECT_EQ(buf, big);
  ASSERT_TRUE(ReadFdFully(fd->get(), &buf).ok());  // pread from 0 again
  EXPECT_EQ(buf.size(), big.size());
  EXPECT_EQ(ReadFdFully(fd->get(), &buf, 1000).code(), StatusCode::kResourceExhausted);
}

TEST_F(FileTest, ReadsKernelPseudoFiles) {
  auto data = ReadFileToString("/proc/self/status");
  ASSERT_TRUE(data.ok());
  EXPECT_NE(data->find("Name:"), std::string::npos);
}

TEST(PathTest, DirAndBase) {
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(DirName("/c"), "/");
  EXPECT_EQ(BaseName("a/b/c.parquet"), "c.parquet");
}

}  // namespace
}  // namespace fgm

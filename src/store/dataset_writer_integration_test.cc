// SPDX-License-Identifier: Apache-2.0
// DatasetWriter on a real, tiny tmpfs (needs root to mount): a full disk must not stop sampling or
// corrupt anything, must be logged once, and writing must resume when space returns.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>

#include "core/file.h"
#include "core/log.h"
#include "core/strings.h"
#include "core/testing/fake_clock.h"
#include "parquet/reader/file_reader.h"
#include "store/dataset_writer.h"
#include "store/layout.h"

namespace fgm::store {
namespace {

namespace fs = std::filesystem;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm_full_disk_XXXXXX";
    dir_ = mkdtemp(tmpl);
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=2m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }
  std::string dir_;
  bool mounted_ = false;
};

TEST_F(FullDiskTest, SamplingGoesOnErrorsAreLoggedOnceWritingResumes) {
  std::atomic<int> warnings{0};
  SetLogSinkForTesting([&](LogLevel level, const std::string& line) {
    if (level >= LogLevel::kWarning && line.find("No space left") != std::string::npos) ++warnings;
  });
  testing::FakeClock clock(1'795'600'800LL * kNanosPerSecond);
  DatasetOptions o;
  o.root = dir_ + "/data";
  o.identifier = "node";
  o.run_id = "fulldisk";
  o.clock = &clock;
  o.maintenance_interval_ns = 100 * kNanosPerMilli;  // retry quickly
  o.compaction = false;
  auto w = DatasetWriter::Open(o);
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  // Fill the disk.
  std::string filler = dir_ + "/filler";
  {
    std::string mb(1 << 20, 'x');
    int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT, 0644);
    while (::write(fd, mb.data(), mb.size()) > 0) {
    }
    ::close(fd);
  }
  auto tick = [&](int n) {
    for (int s = 0; s < n; ++s) {
      for (int c = 0; c < 20; ++c) {
        Row r;
        r.SetTime(clock.WallNs());
        r.SetString(Col("kind"), "container");
        r.SetString(Col("container_id"), "container-" + std::to_string(c));
        r.SetString(Col("pod_labels"), std::string(200, 'l'));  // make rows big enough to matter
        r.SetInt(Col("cpu_usage_usec"), s * 1000 + c);
        (*w)->Append(r);  // never blocks, never fails
      }
      (*w)->Poll();
      clock.AdvanceNs(kNanosPerSecond);
    }
  };
  tick(180);  // 3 segments' worth while the disk is full
  usleep(500 * 1000);
  DatasetStats full = (*w)->stats();
  EXPECT_GT(full.write_errors, 0u);
  EXPECT_EQ(full.rows_appended, 180u * 20);
  EXPECT_LE(warnings.load(), 3);  // journal create/append and segment: each distinct error once
  // Space returns; the backlog and new rows are written.
  ASSERT_EQ(::unlink(filler.c_str()), 0);
  tick(70);
  ASSERT_TRUE((*w)->Close(10 * kNanosPerSecond).ok());
  SetLogSinkForTesting(nullptr);
  DatasetStats end = (*w)->stats();
  EXPECT_EQ(end.rows_written + end.rows_dropped, 250u * 20);
  EXPECT_GT(end.rows_written, 0u);
  // Every file under a final name is complete, and nothing temporary is left.
  size_t rows = 0;
  for (auto& e : fs::recursive_directory_iterator(o.root)) {
    std::string p = e.path().string();
    EXPECT_FALSE(EndsWith(p, ".tmp")) << p;
    if (!EndsWith(p, ".parquet")) continue;
    auto reader = parquet::FileReader::OpenFile(p);
    ASSERT_TRUE(reader.ok()) << p << ": " << reader.error().ToString();
    rows += static_cast<size_t>((*reader)->num_rows());
  }
  EXPECT_EQ(rows, end.rows_written);
}

}  // namespace
}  // namespace fgm::store

// SPDX-License-Identifier: Apache-2.0
// Unit tests for whole-file reads (cgroup_file.h): buffer reuse and growth, EOF rules, and the
// "file vanishes" case for every typed parser (kNotFound, never kInvalidFormat).
#include "collector/cgroupfs/cgroup_file.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>

#include "collector/cgroupfs/cpu_stat.h"
#include "collector/cgroupfs/io_stat.h"
#include "collector/cgroupfs/memory_stat.h"
#include "collector/cgroupfs/pressure.h"
#include "collector/cgroupfs/single_value.h"
#include "collector/cgroupfs/temp_tree_for_testing.h"
#include "collector/procfs/pid_stat.h"
#include "collector/procfs/smaps_rollup.h"
#include "core/file.h"

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;
using testing::TempTree;

ScopedFd OpenDir(const std::string& path) {
  return ScopedFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

TEST(ReadFileAt, ReadsWholeFileAndReusesBuffer) {
  TempTree t;
  t.Write("a", "usage_usec 1\n");
  std::string big(100000, 'x');  // larger than the first 4 KiB read: forces growth
  t.Write("big", big);
  ScopedFd dir = OpenDir(t.root());
  std::string buf;
  ASSERT_TRUE(ReadFileAt(dir.get(), "a", &buf).ok());
  EXPECT_EQ(buf, "usage_usec 1\n");
  ASSERT_TRUE(ReadFileAt(dir.get(), "big", &buf).ok());
  EXPECT_EQ(buf, big);
  const size_t capacity = buf.capacity();
  ASSERT_TRUE(ReadFileAt(dir.get(), "a", &buf).ok());
  EXPECT_EQ(buf, "usage_usec 1\n");
  EXPECT_EQ(buf.capacity(), capacity);  // no reallocation for the small file
  ASSERT_TRUE(ReadFileAt(dir.get(), "big", &buf, EofRule::kReadUntilZero).ok());
  EXPECT_EQ(buf.size(), big.size());
}

TEST(ReadFileAt, EmptyFileReadsEmpty) {
  TempTree t;
  t.Write("empty", "");
  ScopedFd dir = OpenDir(t.root());
  std::string buf = "stale";
  ASSERT_TRUE(ReadFileAt(dir.get(), "empty", &buf).ok());
  EXPECT_TRUE(buf.empty());
}

TEST(ReadFileAt, MissingFileIsNotFoundAndNamed) {
  TempTree t;
  ScopedFd dir = OpenDir(t.root());
  std::string buf;
  Status s = ReadFileAt(dir.get(), "memory.current", &buf);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("memory.current"));
}

TEST(ReadFileAt, DirectoryRemovedUnderOpenFdIsNotFound) {
  TempTree t;
  t.Write("cg/cpu.stat", "usage_usec 1\n");
  ScopedFd dir = OpenDir(t.Path("cg"));
  t.Remove("cg");
  std::string buf;
  EXPECT_EQ(ReadFileAt(dir.get(), "cpu.stat", &buf).code(), StatusCode::kNotFound);
}

TEST(PreadWhole, KeptOpenFdRereadsFromStart) {
  TempTree t;
  t.Write("f", "populated 1\n");
  ScopedFd fd(::open(t.Path("f").c_str(), O_RDONLY | O_CLOEXEC));
  std::string buf;
  ASSERT_TRUE(PreadWhole(fd.get(), &buf).ok());
  ASSERT_TRUE(PreadWhole(fd.get(), &buf).ok());
  EXPECT_EQ(buf, "populated 1\n");
}

// Every typed parser, fed through ReadParsedAt: valid content parses; the same file deleted
// ("vanishing mid-read": the cgroup was removed) gives kNotFound, never kInvalidFormat.
struct ParserCase {
  const char* file;
  const char* content;
  std::function<Status(int dir_fd, const char* name, std::string* buf)> read;
};

template <typename T>
std::function<Status(int, const char*, std::string*)> Via(Result<T> (*parse)(std::string_view)) {
  return [parse](int dir_fd, const char* name, std::string* buf) {
    return ReadParsedAt(dir_fd, name, parse, buf).error();
  };
}

TEST(ReadParsedAt, EveryParserReportsVanishedFileAsNotFound) {
  const ParserCase cases[] = {
      {"cpu.stat", "usage_usec 1\n", Via(&ParseCpuStatV2)},
      {"cpu.stat.v1", "nr_periods 1\n", Via(&ParseCpuStatV1)},
      {"cpuacct.stat", "user 1\nsystem 2\n", Via(&ParseCpuacctStat)},
      {"cpu.max", "max 100000\n", Via(&ParseCpuMax)},
      {"memory.current", "5\n", Via(&ParseSingleU64)},
      {"cpu.cfs_quota_us", "-1\n", Via(&ParseSingleI64)},
      {"memory.max", "max\n", Via(&ParseMaxOrU64)},
      {"memory.limit_in_bytes", "9223372036854771712\n", Via(&ParseV1MemoryLimit)},
      {"cpu.cfs_quota_us.2", "-1\n", Via(&ParseV1CfsQuota)},
      {"memory.stat", "anon 1\n", Via(&ParseMemoryStat)},
      {"memory.events", "oom_kill 0\n", Via(&ParseMemoryEvents)},
      {"memory.oom_control", "under_oom 0\n", Via(&ParseMemoryOomControl)},
      {"io.stat", "8:0 rbytes=1\n", Via(&ParseIoStat)},
      {"blkio.throttle.io_serviced", "Total 0\n", Via(&ParseBlkioRwStat)},
      {"cpu.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", Via(&ParsePressure)},
      {"cgroup.events", "populated 1\n", Via(&ParseCgroupEvents)},
      {"cgroup.procs", "1\n", Via(&ParseCgroupProcs)},
      {"smaps_rollup", "Rss: 4 kB\n", Via(&ParseSmapsRollup)},
      {"stat", "1 (init) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 9 10 11\n",
       Via(&ParseProcPidStat)},
      {"status", "VmRSS:\t4 kB\n", Via(&ParseProcPidStatus)},
  };
  for (const ParserCase& c : cases) {
    TempTree t;
    t.Write(c.file, c.content);
    ScopedFd dir = OpenDir(t.root());
    std::string buf;
    EXPECT_TRUE(c.read(dir.get(), c.file, &buf).ok()) << c.file;
    t.Remove(c.file);
    Status gone = c.read(dir.get(), c.file, &buf);
    EXPECT_EQ(gone.code(), StatusCode::kNotFound) << c.file << ": " << gone.ToString();
  }
}

TEST(ReadParsedAt, ParseErrorNamesTheFile) {
  TempTree t;
  t.Write("memory.max", "lots\n");
  ScopedFd dir = OpenDir(t.root());
  std::string buf;
  auto r = ReadParsedAt(dir.get(), "memory.max", &ParseMaxOrU64, &buf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat);
  EXPECT_THAT(r.error().message(), HasSubstr("memory.max: line 1"));
}

}  // namespace
}  // namespace fgm::collector

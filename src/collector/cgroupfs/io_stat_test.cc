// SPDX-License-Identifier: Apache-2.0
// Unit tests for v2 io.stat and v1 blkio rwstat parsers on inline file contents.
#include "collector/cgroupfs/io_stat.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;

// The example from Documentation/admin-guide/cgroup-v2.rst.
constexpr std::string_view kDocIoStat =
    "8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n"
    "8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021\n";

TEST(ParseIoStat, DocumentationExample) {
  IoStat s = *ParseIoStat(kDocIoStat);
  ASSERT_EQ(s.devices.size(), 2u);
  EXPECT_EQ(s.devices[0].major, 8u);
  EXPECT_EQ(s.devices[0].minor, 16u);
  EXPECT_EQ(s.devices[0].wbytes, 314773504u);
  EXPECT_EQ(s.devices[1].dios, 3021u);
  IoTotals t = s.Totals();
  EXPECT_EQ(t.rbytes, 1459200u + 90430464u);
  EXPECT_EQ(t.wbytes, 314773504u + 299008000u);
  EXPECT_EQ(t.rios, 192u + 8950u);
  EXPECT_EQ(t.wios, 353u + 1252u);
  EXPECT_EQ(t.dbytes, 50331648u);
  EXPECT_EQ(t.dios, 3021u);
}

TEST(ParseIoStat, EmptyMeansNoIoYet) {
  IoStat s = *ParseIoStat("");
  EXPECT_TRUE(s.devices.empty());
  EXPECT_EQ(s.Totals(), IoTotals{});
}

TEST(ParseIoStat, UnknownKeysIncludingDecimalsAreIgnored) {
  IoStat s = *ParseIoStat(
      "259:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0 cost.vrate=100.00 cost.usage=5 "
      "use_delay=0 delay=0");  // no trailing newline
  ASSERT_EQ(s.devices.size(), 1u);
  EXPECT_EQ(s.devices[0].major, 259u);
  EXPECT_EQ(s.devices[0].wbytes, 20u);
}

TEST(ParseIoStat, MissingKeysStayAbsentAndCountAsZero) {
  IoStat s = *ParseIoStat("8:0 rbytes=5\n");
  EXPECT_FALSE(s.devices[0].wbytes.has_value());
  EXPECT_EQ(s.Totals().rbytes, 5u);
  EXPECT_EQ(s.Totals().wbytes, 0u);
}

TEST(ParseIoStat, NearU64Max) {
  IoStat s = *ParseIoStat("8:0 rbytes=18446744073709551615 wbytes=0\n");
  EXPECT_EQ(s.devices[0].rbytes, UINT64_MAX);
  EXPECT_FALSE(ParseIoStat("8:0 rbytes=18446744073709551616\n").ok());
}

TEST(ParseIoStat, Garbage) {
  for (std::string_view bad : {"sda rbytes=1\n", "8:0 rbytes\n", "8:0 rbytes=max\n", "8 rbytes=1\n",
                               "8:x rbytes=1\n", ":0 rbytes=1\n", "8:0 rbytes=-1\n"}) {
    auto r = ParseIoStat(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat) << bad;
  }
  EXPECT_THAT(ParseIoStat("8:0 rbytes=1\nnonsense\n").error().message(), HasSubstr("line 2"));
}

// Captured from this host (blkio.throttle.io_service_bytes_recursive, capture.sh).
constexpr std::string_view kBlkioBytes = R"(254:0 Read 17092608
254:0 Write 16777216
254:0 Sync 33869824
254:0 Async 0
254:0 Discard 0
254:0 Total 33869824
253:0 Read 0
253:0 Write 0
253:0 Sync 0
253:0 Async 0
253:0 Discard 0
253:0 Total 0
Total 33869824
)";

TEST(ParseBlkioRwStat, PerDeviceAndTotal) {
  BlkioRwStat s = *ParseBlkioRwStat(kBlkioBytes);
  ASSERT_EQ(s.devices.size(), 2u);
  EXPECT_EQ(s.devices[0].major, 254u);
  EXPECT_EQ(s.devices[0].read, 17092608u);
  EXPECT_EQ(s.devices[0].write, 16777216u);
  EXPECT_EQ(s.devices[0].sync, 33869824u);
  EXPECT_EQ(s.devices[0].async, 0u);
  EXPECT_EQ(s.devices[0].discard, 0u);
  EXPECT_EQ(s.devices[0].total, 33869824u);
  EXPECT_EQ(s.devices[1].minor, 0u);
  EXPECT_EQ(s.total, 33869824u);
}

TEST(ParseBlkioRwStat, OnlyTotalNoNewlineAndOldKernelWithoutDiscard) {
  BlkioRwStat empty = *ParseBlkioRwStat("Total 0");
  EXPECT_TRUE(empty.devices.empty());
  EXPECT_EQ(empty.total, 0u);
  BlkioRwStat old =
      *ParseBlkioRwStat("8:0 Read 1\n8:0 Write 2\n8:0 Sync 3\n8:0 Async 0\n8:0 Total 3\nTotal 3\n");
  EXPECT_FALSE(old.devices[0].discard.has_value());
  BlkioRwStat future = *ParseBlkioRwStat("8:0 Read 1\n8:0 Weird 9\nTotal 1\n");
  EXPECT_EQ(future.devices[0].read, 1u);
}

TEST(ParseBlkioRwStat, EmptyGarbageOverflow) {
  EXPECT_EQ(ParseBlkioRwStat("").error().code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(ParseBlkioRwStat("8:0 Read 1\n").error().code(),
            StatusCode::kInvalidFormat);  // no Total
  for (std::string_view bad : {"8:0 Read\n", "Total\n", "8:0 Read x\n", "Total max\n",
                               "foo Read 1\n", "8:0 Read 18446744073709551616\n"}) {
    EXPECT_FALSE(ParseBlkioRwStat(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseBlkioRwStat("8:0 Read 18446744073709551615\nTotal 0\n")->devices[0].read,
            UINT64_MAX);
}

TEST(BlkioToIoStat, CombinesBytesAndIos) {
  BlkioRwStat bytes = *ParseBlkioRwStat(kBlkioBytes);
  BlkioRwStat ios =
      *ParseBlkioRwStat("254:0 Read 25\n254:0 Write 20\n254:0 Discard 1\n8:0 Read 7\nTotal 45\n");
  IoStat s = BlkioToIoStat(bytes, ios);
  ASSERT_EQ(s.devices.size(), 3u);
  EXPECT_EQ(s.devices[0].rbytes, 17092608u);
  EXPECT_EQ(s.devices[0].wbytes, 16777216u);
  EXPECT_EQ(s.devices[0].rios, 25u);
  EXPECT_EQ(s.devices[0].wios, 20u);
  EXPECT_EQ(s.devices[0].dios, 1u);
  EXPECT_EQ(s.devices[2].major, 8u);  // only in io_serviced
  EXPECT_FALSE(s.devices[2].rbytes.has_value());
  EXPECT_EQ(s.Totals().rios, 32u);
}

}  // namespace
}  // namespace fgm::collector

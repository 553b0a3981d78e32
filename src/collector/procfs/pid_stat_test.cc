// SPDX-License-Identifier: Apache-2.0
// Unit tests for /proc/<pid>/stat and /proc/<pid>/status parsers and ProcDir (on a fake /proc in a
// temp dir and on the real /proc/self).
#include "collector/procfs/pid_stat.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "collector/cgroupfs/temp_tree_for_testing.h"

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;
using testing::TempTree;

// Captured on this host (`cat /proc/self/stat`).
constexpr std::string_view kStat =
    "6788 (cat) R 6778 6778 5035 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 62720 3133440 372 "
    "18446744073709551615 94846014889984 94846014909865 140725856181456 0 0 0 0 0 0 0 0 0 17 0 0 "
    "0 0 0 0 94846014925872 94846014927488 94846728986624 140725856189053 140725856189073 "
    "140725856189073 140725856190443 0\n";

TEST(ParseProcPidStat, RealLine) {
  ProcPidStat s = *ParseProcPidStat(kStat);
  EXPECT_EQ(s.pid, 6788);
  EXPECT_EQ(s.comm, "cat");
  EXPECT_EQ(s.state, 'R');
  EXPECT_EQ(s.ppid, 6778);
  EXPECT_EQ(s.minflt, 98u);
  EXPECT_EQ(s.utime, 0u);
  EXPECT_EQ(s.num_threads, 1);
  EXPECT_EQ(s.starttime, 62720u);
  EXPECT_EQ(s.vsize, 3133440u);
  EXPECT_EQ(s.rss, 372);
}

TEST(ParseProcPidStat, CommWithParenthesesAndSpacesSplitsOnLastParen) {
  // A process can call itself "a) R 1 (b" (prctl PR_SET_NAME): only the LAST ')' ends comm.
  ProcPidStat s = *ParseProcPidStat(
      "42 (a) R 1 (b) S 7 42 42 0 -1 0 5 0 6 0 123 45 0 0 20 0 3 0 999 4096 10");  // no newline
  EXPECT_EQ(s.comm, "a) R 1 (b");
  EXPECT_EQ(s.state, 'S');
  EXPECT_EQ(s.ppid, 7);
  EXPECT_EQ(s.majflt, 6u);
  EXPECT_EQ(s.utime, 123u);
  EXPECT_EQ(s.stime, 45u);
  EXPECT_EQ(s.num_threads, 3);
  EXPECT_EQ(s.starttime, 999u);
  EXPECT_EQ(s.rss, 10);
  EXPECT_EQ(ParseProcPidStat("1 () S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n")->comm, "");
}

TEST(ParseProcPidStat, HugeCounters) {
  ProcPidStat s = *ParseProcPidStat(
      "1 (x) S 0 1 1 0 -1 0 18446744073709551615 0 0 0 18446744073709551615 0 0 0 20 0 1 0 1 0 0");
  EXPECT_EQ(s.minflt, UINT64_MAX);
  EXPECT_EQ(s.utime, UINT64_MAX);
  EXPECT_FALSE(
      ParseProcPidStat("1 (x) S 0 1 1 0 -1 0 0 0 0 0 18446744073709551616 0 0 0 20 0 1 0 1 0 0")
          .ok());
}

TEST(ParseProcPidStat, EmptyAndGarbage) {
  EXPECT_EQ(ParseProcPidStat("").error().code(), StatusCode::kInvalidFormat);
  for (std::string_view bad :
       {"garbage", "12 (x R 1", "(x) R 1 2 3", "x (y) R 1 1 1 0", "1 (x) R 1 2 3\n",
        "1 (x) RR 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
        "1 (x) R a 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"}) {
    auto r = ParseProcPidStat(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat) << bad;
  }
}

constexpr std::string_view kStatus = R"(Name:	grep
Umask:	0022
State:	R (running)
Tgid:	6789
Pid:	6789
PPid:	6778
VmPeak:	    3776 kB
VmHWM:	    1888 kB
VmRSS:	    1888 kB
RssAnon:	     144 kB
RssFile:	    1744 kB
RssShmem:	       0 kB
VmSwap:	       0 kB
Threads:	1
Cpus_allowed_list:	0-1
)";

TEST(ParseProcPidStatus, MemoryLines) {
  ProcPidStatus s = *ParseProcPidStatus(kStatus);
  EXPECT_EQ(s.VmRSS, 1888u);
  EXPECT_EQ(s.VmHWM, 1888u);
  EXPECT_EQ(s.RssAnon, 144u);
  EXPECT_EQ(s.RssFile, 1744u);
  EXPECT_EQ(s.RssShmem, 0u);
  EXPECT_EQ(s.VmSwap, 0u);
  EXPECT_EQ(s.Threads, 1u);
}

TEST(ParseProcPidStatus, KernelThreadHasNoVmLines) {
  ProcPidStatus s = *ParseProcPidStatus("Name:\tkthreadd\nState:\tS (sleeping)\nThreads:\t1");
  EXPECT_FALSE(s.VmRSS.has_value());
  EXPECT_EQ(s.Threads, 1u);
}

TEST(ParseProcPidStatus, EmptyGarbageHuge) {
  EXPECT_FALSE(ParseProcPidStatus("").ok());
  EXPECT_FALSE(ParseProcPidStatus("\n\n").ok());
  EXPECT_FALSE(ParseProcPidStatus("VmRSS:\t12\n").ok());  // unit missing
  EXPECT_FALSE(ParseProcPidStatus("VmRSS:\tmany kB\n").ok());
  EXPECT_FALSE(ParseProcPidStatus("no colon here\n").ok());
  EXPECT_THAT(ParseProcPidStatus("Name:\tx\nThreads:\t1 2\n").error().message(),
              HasSubstr("line 2"));
  EXPECT_EQ(ParseProcPidStatus("VmRSS:\t18446744073709551615 kB\n")->VmRSS, UINT64_MAX);
  EXPECT_EQ(ParseProcPidStatus("Futurekey:\twhatever\nVmRSS:\t1 kB\n")->VmRSS, 1u);
}

TEST(ProcDir, ReadsUnderAHostRoot) {
  TempTree host;
  host.Write("proc/123/stat", "123 (fake) S 1 1 1 0 -1 0 0 0 0 0 7 8 0 0 20 0 2 0 55 100 3\n");
  host.Write("proc/123/status", "VmRSS:\t12 kB\n");
  auto proc = ProcDir::Open(host.root());
  ASSERT_TRUE(proc.ok());
  EXPECT_EQ(proc->proc_root(), host.root() + "/proc");
  std::string buf;
  ProcPidStat st = *proc->ReadStat(123, &buf);
  EXPECT_EQ(st.comm, "fake");
  EXPECT_EQ(st.utime, 7u);
  EXPECT_EQ(proc->ReadStatus(123, &buf)->VmRSS, 12u);
  auto gone = proc->ReadStat(124, &buf);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(gone.error().message(), HasSubstr(host.root()));
  host.Write("proc/125/stat", "nonsense\n");
  auto bad = proc->ReadStat(125, &buf);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message(), HasSubstr("/proc/125/stat"));
  EXPECT_EQ(ProcDir::Open(host.root() + "/nope").error().code(), StatusCode::kNotFound);
}

TEST(ProcDir, RealProcSelf) {
  auto proc = ProcDir::Open("");
  ASSERT_TRUE(proc.ok());
  std::string buf;
  ProcPidStat st = *proc->ReadStat(::getpid(), &buf);
  EXPECT_EQ(st.pid, ::getpid());
  EXPECT_GE(st.num_threads, 1);
  EXPECT_GT(st.rss, 0);
  EXPECT_GT(proc->ReadStatus(::getpid(), &buf)->VmRSS.value_or(0), 0u);
}

TEST(ParseProcPidStatm, FirstThreeFields) {
  ProcPidStatm m = *ParseProcPidStatm("5000 1200 300 10 0 900 0\n");
  EXPECT_EQ(m.size, 5000u);
  EXPECT_EQ(m.resident, 1200u);
  EXPECT_EQ(m.shared, 300u);
  EXPECT_TRUE(ParseProcPidStatm("5000 1200 300").ok());  // no trailing fields or newline
  EXPECT_FALSE(ParseProcPidStatm("5000 1200").ok());
  EXPECT_FALSE(ParseProcPidStatm("5000 x 1").ok());
  EXPECT_FALSE(ParseProcPidStatm("").ok());
  EXPECT_FALSE(ParseProcPidStatm("18446744073709551616 1 1").ok());  // 2^64
}

}  // namespace
}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// Unit tests for CgroupReader's idle-container skip (CgroupReaderOptions::idle_full_read_every):
// which files are read on busy and idle reads, the periodic and forced full reads, and that
// carried values never make a counter go backwards. Temp trees stand in for cgroupfs; the real
// kernel's behaviour is covered by the sampler and reader integration tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <string>

#include "collector/cgroupfs/cgroup_reader.h"
#include "collector/cgroupfs/temp_tree_for_testing.h"

namespace fgm::collector {
namespace {

using testing::TempTree;

// The periodic full read comes when (reads + inode) % every == 0: with every = INT_MAX it cannot
// fall within a test's few reads unless the temp file's inode is within a few of a multiple of
// 2^31 - 1.
constexpr int kNoPeriodicFullRead = std::numeric_limits<int>::max();

std::string CpuStat(uint64_t usage) {
  return "usage_usec " + std::to_string(usage) + "\nuser_usec " + std::to_string(usage / 2) +
         "\nsystem_usec " + std::to_string(usage - usage / 2) + "\n";
}

std::string Pressure(uint64_t some_total, uint64_t full_total) {
  return "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + std::to_string(some_total) +
         "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=" + std::to_string(full_total) + "\n";
}

class IdleSkipTest : public ::testing::Test {
 protected:
  // A v2 container with every per-tick file the reader knows on v2 (no limits: slow files do
  // not take part in the idle skip).
  void WriteV2(uint64_t cpu, uint64_t mem) {
    tree_.Write("c/cgroup.procs", "42\n");
    tree_.Write("c/cpu.stat", CpuStat(cpu));
    tree_.Write("c/memory.current", std::to_string(mem) + "\n");
    tree_.Write("c/memory.peak", std::to_string(mem) + "\n");
    tree_.Write("c/memory.stat", "anon 100\nfile 200\nfile_dirty 0\nfile_writeback 0\n");
    tree_.Write("c/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
    tree_.Write("c/pids.current", "1\n");
    tree_.Write("c/io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
    tree_.Write("c/cpu.pressure", Pressure(5, 0));
    tree_.Write("c/memory.pressure", Pressure(7, 3));
    tree_.Write("c/io.pressure", Pressure(11, 9));
  }
  // Per-tick files WriteV2 makes: cpu.stat, memory.current, memory.peak, memory.stat,
  // memory.events, pids.current, io.stat and three pressure files.
  static constexpr int kV2PerTickFiles = 10;

  CgroupLayout V2() const { return MakeLayoutForTesting(CgroupMode::kV2, tree_.root()); }

  Result<CgroupReader> Open(int every) {
    return CgroupReader::Open(V2(), "c", CgroupReaderOptions{.idle_full_read_every = every});
  }

  // Reads until the reader has settled (the first read is full, and so is the one after it
  // when the first saw PSI totals, i.e. a stall "in progress" relative to zero).
  void Settle(CgroupReader& r, CgroupSnapshot* s) {
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(r.Read(s).ok());
  }

  TempTree tree_;
};

TEST_F(IdleSkipTest, BusyContainerReadsEveryFileEveryTick) {
  WriteV2(1000, 4096);
  auto r = Open(4);
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);  // the first read also probes the files this tree lacks
  for (int tick = 1; tick <= 12; ++tick) {
    tree_.Write("c/cpu.stat", CpuStat(1000 + 500 * static_cast<uint64_t>(tick)));
    tree_.Write("c/pids.current", std::to_string(tick) + "\n");  // a non-sentinel file changes
    ASSERT_TRUE(r->Read(&s).ok());
    EXPECT_TRUE(r->last_read_stats().full) << tick;
    EXPECT_EQ(r->last_read_stats().files_read, kV2PerTickFiles) << tick;
    EXPECT_EQ(s.pids_current, static_cast<uint64_t>(tick)) << "read this tick, not carried";
  }
}

TEST_F(IdleSkipTest, IdleContainerReadsOnlySentinelsAndInFullEveryKReads) {
  WriteV2(1000, 4096);
  constexpr int kEvery = 4;
  auto r = Open(kEvery);
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);
  // A file that is not a sentinel changes while CPU and memory usage stand still: its old value
  // is carried until the next full read, which comes within kEvery reads.
  tree_.Write("c/pids.current", "7\n");
  int full = 0;
  int first_full = 0;
  for (int read = 1; read <= 3 * kEvery; ++read) {
    ASSERT_TRUE(r->Read(&s).ok());
    const CgroupReadStats& st = r->last_read_stats();
    if (st.full) {
      ++full;
      if (first_full == 0) first_full = read;
      EXPECT_EQ(st.files_read, kV2PerTickFiles) << read;
    } else {
      EXPECT_EQ(st.files_read, 2) << "cpu.stat and memory.current only, read " << read;
    }
    // Every read is a complete sample, carried or not.
    EXPECT_EQ(s.cpu_usage_usec, 1000u);
    EXPECT_EQ(s.memory_current, 4096u);
    EXPECT_EQ(s.memory_stat.Get("file"), 200u);
    ASSERT_TRUE(s.io.has_value());
    EXPECT_EQ(s.io->Totals().wbytes, 20u);
    ASSERT_TRUE(s.io_pressure.has_value() && s.io_pressure->full.has_value());
    EXPECT_EQ(s.io_pressure->full->total, 9u);
    EXPECT_EQ(s.pids_current, (first_full == 0 ? 1u : 7u)) << read;
  }
  EXPECT_EQ(full, 3) << "exactly one full read every " << kEvery << " reads";
  EXPECT_GE(first_full, 1);
  EXPECT_LE(first_full, kEvery);
}

TEST_F(IdleSkipTest, CpuOrMemoryChangeTriggersAFullReadOnThatTick) {
  WriteV2(1000, 4096);
  auto r = Open(kNoPeriodicFullRead);  // no periodic full read within this test
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);
  ASSERT_TRUE(r->Read(&s).ok());
  ASSERT_FALSE(r->last_read_stats().full);

  // Memory usage changes: the same read sees the new memory.stat.
  tree_.Write("c/memory.current", "8192\n");
  tree_.Write("c/memory.stat", "anon 4196\nfile 200\nfile_dirty 0\nfile_writeback 0\n");
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_TRUE(r->last_read_stats().full);
  EXPECT_EQ(s.memory_current, 8192u);
  EXPECT_EQ(s.memory_stat.Get("anon"), 4196u);
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_FALSE(r->last_read_stats().full) << "still again: idle again";

  // CPU usage advances: the same read sees the new memory.events and io.stat.
  tree_.Write("c/cpu.stat", CpuStat(1001));
  tree_.Write("c/memory.events", "low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
  tree_.Write("c/io.stat", "8:0 rbytes=4106 wbytes=20 rios=2 wios=2 dbytes=0 dios=0\n");
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_TRUE(r->last_read_stats().full);
  EXPECT_EQ(s.cpu_usage_usec, 1001u);
  ASSERT_TRUE(s.memory_events.has_value());
  EXPECT_EQ(s.memory_events->oom_kill, 1u);
  EXPECT_EQ(s.io->Totals().rbytes, 4106u);
}

TEST_F(IdleSkipTest, StallInProgressAndPendingWritebackForceFullReads) {
  WriteV2(1000, 4096);
  auto r = Open(kNoPeriodicFullRead);
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);

  // A task blocked on I/O: no CPU, no memory change, but the io stall total grows. The first
  // growth is seen at the next full read (here forced by a CPU blip), after which every read is
  // full until the totals stop moving.
  tree_.Write("c/cpu.stat", CpuStat(1002));
  tree_.Write("c/io.pressure", Pressure(1011, 1009));
  ASSERT_TRUE(r->Read(&s).ok());
  ASSERT_TRUE(r->last_read_stats().full);
  for (uint64_t i = 2; i <= 4; ++i) {
    tree_.Write("c/io.pressure", Pressure(1000 * i + 11, 1000 * i + 9));
    ASSERT_TRUE(r->Read(&s).ok());
    EXPECT_TRUE(r->last_read_stats().full) << "stall still in progress, read " << i;
    EXPECT_EQ(s.io_pressure->some->total, 1000 * i + 11);
  }
  ASSERT_TRUE(r->Read(&s).ok());  // totals did not move since the last read: stall over
  EXPECT_TRUE(r->last_read_stats().full);
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_FALSE(r->last_read_stats().full);

  // Dirty pages: the flusher writes them back without the container running, so reads stay
  // full while the last full read saw any.
  tree_.Write("c/memory.current", "8192\n");
  tree_.Write("c/memory.stat", "anon 100\nfile 4296\nfile_dirty 4096\nfile_writeback 0\n");
  ASSERT_TRUE(r->Read(&s).ok());
  ASSERT_TRUE(r->last_read_stats().full);
  tree_.Write("c/memory.stat", "anon 100\nfile 4296\nfile_dirty 0\nfile_writeback 4096\n");
  tree_.Write("c/io.stat", "8:0 rbytes=10 wbytes=4116 rios=1 wios=3 dbytes=0 dios=0\n");
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_TRUE(r->last_read_stats().full);
  EXPECT_EQ(s.io->Totals().wbytes, 4116u) << "writeback seen on the tick it happened";
  tree_.Write("c/memory.stat", "anon 100\nfile 4296\nfile_dirty 0\nfile_writeback 0\n");
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_TRUE(r->last_read_stats().full);
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_FALSE(r->last_read_stats().full) << "clean again: idle";
}

TEST_F(IdleSkipTest, CarriedValuesNeverMakeCountersGoBackwards) {
  WriteV2(1000, 4096);
  auto r = Open(3);
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  uint64_t cpu = 1000, rbytes = 10, oom = 0, psi = 11;
  uint64_t last_cpu = 0, last_rbytes = 0, last_oom = 0, last_psi = 0;
  int full = 0, idle = 0;
  for (int tick = 0; tick < 60; ++tick) {
    // A fixed, irregular pattern: the kernel counters move on some ticks, CPU on fewer, so
    // reads are a mix of full and idle, and counters move behind idle reads' backs.
    if (tick % 7 == 0) cpu += 3;
    if (tick % 2 == 0) rbytes += 4096;
    if (tick % 11 == 5) ++oom;
    if (tick % 5 == 1) psi += 100;
    tree_.Write("c/cpu.stat", CpuStat(cpu));
    tree_.Write("c/io.stat", "8:0 rbytes=" + std::to_string(rbytes) +
                                 " wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
    tree_.Write("c/memory.events",
                "low 0\nhigh 0\nmax 0\noom 0\noom_kill " + std::to_string(oom) + "\n");
    tree_.Write("c/io.pressure", Pressure(psi, psi - 2));
    ASSERT_TRUE(r->Read(&s).ok());
    (r->last_read_stats().full ? full : idle)++;
    const uint64_t now_rbytes = s.io->Totals().rbytes;
    const uint64_t now_oom = *s.memory_events->oom_kill;
    const uint64_t now_psi = s.io_pressure->some->total;
    EXPECT_GE(*s.cpu_usage_usec, last_cpu) << tick;
    EXPECT_GE(now_rbytes, last_rbytes) << tick;
    EXPECT_GE(now_oom, last_oom) << tick;
    EXPECT_GE(now_psi, last_psi) << tick;
    // Carried values are the kernel's own earlier values, never more than the truth.
    EXPECT_LE(now_rbytes, rbytes);
    EXPECT_LE(now_psi, psi);
    last_cpu = *s.cpu_usage_usec;
    last_rbytes = now_rbytes;
    last_oom = now_oom;
    last_psi = now_psi;
    if (r->last_read_stats().full) {
      EXPECT_EQ(now_rbytes, rbytes) << "a full read is exact";
      EXPECT_EQ(now_oom, oom);
    }
  }
  EXPECT_GT(full, 0);
  EXPECT_GT(idle, 0) << "the pattern must exercise idle reads";
}

TEST_F(IdleSkipTest, HybridSentinelsAreUnifiedCpuStatAndV1MemoryUsage) {
  const std::string rel = "kubepods/c";
  tree_.Write("unified/" + rel + "/cgroup.procs", "");
  tree_.Write("unified/" + rel + "/cpu.stat", CpuStat(5000));
  tree_.Write("unified/" + rel + "/cpu.pressure", Pressure(1, 0));
  tree_.Write("memory/" + rel + "/cgroup.procs", "");
  tree_.Write("memory/" + rel + "/memory.usage_in_bytes", "4096\n");
  tree_.Write("memory/" + rel + "/memory.max_usage_in_bytes", "8192\n");
  tree_.Write("memory/" + rel + "/memory.stat", "rss 4096\ncache 0\ndirty 0\nwriteback 0\n");
  tree_.Write("pids/" + rel + "/cgroup.procs", "");
  tree_.Write("pids/" + rel + "/pids.current", "0\n");
  CgroupLayout layout = MakeLayoutForTesting(CgroupMode::kHybrid, tree_.root());
  auto r = CgroupReader::Open(layout, rel,
                              CgroupReaderOptions{.idle_full_read_every = kNoPeriodicFullRead});
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_FALSE(r->last_read_stats().full);
  EXPECT_EQ(r->last_read_stats().files_read, 2);
  EXPECT_EQ(s.memory_peak, 8192u);
  EXPECT_EQ(s.memory_stat.Get("anon"), 4096u);
  tree_.Write("memory/" + rel + "/memory.usage_in_bytes", "4097\n");
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_TRUE(r->last_read_stats().full);
  EXPECT_EQ(r->last_read_stats().files_read, 6);

  // idle_full_read_every = 1: the skip is off.
  auto eager = CgroupReader::Open(layout, rel, CgroupReaderOptions{.idle_full_read_every = 1});
  ASSERT_TRUE(eager.ok());
  ASSERT_TRUE(eager->Read(&s).ok());  // the first read also probes the missing files
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(eager->Read(&s).ok());
    EXPECT_TRUE(eager->last_read_stats().full);
    EXPECT_EQ(eager->last_read_stats().files_read, 6);
  }
}

// The texts kept for carried values cost what the files hold, not a read buffer each: 1,000
// containers keep ~14,000 of them (docs/benchmarks.md, "Monitor memory"). Also after a file was
// once bigger than the 4 KiB first read, and with the slow files (limits) kept too.
TEST_F(IdleSkipTest, KeptTextsAreSizedToTheFiles) {
  WriteV2(1000, 4096);
  tree_.Write("c/memory.max", "max\n");
  tree_.Write("c/pids.max", "1000\n");
  // memory.stat of ~8 KiB: PreadWhole grows its buffer past the 4 KiB first read.
  std::string big_stat = "anon 100\nfile 200\nfile_dirty 0\nfile_writeback 0\n";
  for (int i = 0; big_stat.size() < 8192; ++i) {
    big_stat += "extra_counter_" + std::to_string(i) + " 123456789\n";
  }
  tree_.Write("c/memory.stat", big_stat);
  auto r = Open(kNoPeriodicFullRead);
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);
  // Files the reader keeps text for (per-tick ones and the two limits); each may carry the
  // string's inline buffer (15 bytes in libstdc++) or up to 64 bytes of slack (KeepText).
  constexpr size_t kPerFileOverhead = 64 + 16;
  constexpr size_t kKeptFiles = kV2PerTickFiles + 2;
  size_t small_files_bytes = 0;
  for (const char* name :
       {"cpu.stat", "memory.current", "memory.peak", "memory.events", "pids.current", "io.stat",
        "cpu.pressure", "memory.pressure", "io.pressure", "memory.max", "pids.max"}) {
    small_files_bytes += std::filesystem::file_size(tree_.Path(std::string("c/") + name));
  }
  const size_t bound_big = small_files_bytes + big_stat.size() + kKeptFiles * kPerFileOverhead;
  EXPECT_LE(r->kept_text_bytes_for_testing(), bound_big);
  EXPECT_GE(r->kept_text_bytes_for_testing(), small_files_bytes + big_stat.size());
  EXPECT_EQ(s.memory_stat.Get("extra_counter_0"), 123456789u);

  // memory.stat shrinks (and memory moves, so the read is full): its kept text shrinks with it.
  const std::string small_stat = "anon 100\nfile 200\nfile_dirty 0\nfile_writeback 0\n";
  tree_.Write("c/memory.stat", small_stat);
  tree_.Write("c/memory.current", "8192\n");
  ASSERT_TRUE(r->Read(&s).ok());
  ASSERT_TRUE(r->last_read_stats().full);
  EXPECT_FALSE(s.memory_stat.Get("extra_counter_0").has_value());
  const size_t bound_small = small_files_bytes + small_stat.size() + kKeptFiles * kPerFileOverhead;
  EXPECT_LE(r->kept_text_bytes_for_testing(), bound_small);

  // Idle reads carry the kept texts and do not grow them.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(r->Read(&s).ok());
    EXPECT_FALSE(r->last_read_stats().full);
    EXPECT_EQ(s.memory_current, 8192u);
    EXPECT_EQ(s.memory_stat.Get("anon"), 100u);
  }
  EXPECT_LE(r->kept_text_bytes_for_testing(), bound_small);
}

TEST_F(IdleSkipTest, IdleReadIntoItsOwnLastOutputParsesNothing) {
  WriteV2(1000, 4096);
  auto r = Open(kNoPeriodicFullRead);
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_FALSE(r->last_read_stats().full);
  EXPECT_TRUE(r->last_read_stats().values_kept);
  EXPECT_EQ(r->last_read_stats().files_read, 2);

  // Another snapshot (a sampler slot that held another container): the kept texts are parsed
  // into it, and it gets the same values.
  CgroupSnapshot other;
  other.memory_current = 1;
  ASSERT_TRUE(r->Read(&other).ok());
  EXPECT_FALSE(r->last_read_stats().full);
  EXPECT_FALSE(r->last_read_stats().values_kept);
  EXPECT_EQ(other.cpu_usage_usec, 1000u);
  EXPECT_EQ(other.memory_current, 4096u);
  EXPECT_EQ(other.memory_stat.Get("file"), 200u);
  ASSERT_TRUE(other.io.has_value());
  EXPECT_EQ(other.io->Totals().wbytes, 20u);
  ASSERT_TRUE(other.io_pressure.has_value() && other.io_pressure->full.has_value());
  EXPECT_EQ(other.io_pressure->full->total, 9u);
  EXPECT_NE(other.taken_at_ns, 0);

  // `s` no longer holds the last output (`other` does): parsed again, then kept.
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_FALSE(r->last_read_stats().values_kept);
  ASSERT_TRUE(r->Read(&s).ok());
  EXPECT_TRUE(r->last_read_stats().values_kept);
  EXPECT_EQ(s.memory_stat.Get("file"), 200u);
  EXPECT_EQ(s.io_pressure->full->total, 9u);

  // Another reader's output with the same values is not mistaken for this reader's.
  auto r2 = Open(kNoPeriodicFullRead);
  ASSERT_TRUE(r2.ok());
  CgroupSnapshot s2;
  Settle(*r2, &s2);
  ASSERT_TRUE(r->Read(&s2).ok());
  EXPECT_FALSE(r->last_read_stats().values_kept);
}

TEST_F(IdleSkipTest, KeptValuesStillPickUpAChangedLimitWithinItsPeriod) {
  WriteV2(1000, 4096);
  tree_.Write("c/memory.max", "1048576\n");
  constexpr int kSlowEvery = 3;
  auto r = CgroupReader::Open(V2(), "c",
                              CgroupReaderOptions{.slow_file_every = kSlowEvery,
                                                  .idle_full_read_every = kNoPeriodicFullRead});
  ASSERT_TRUE(r.ok());
  CgroupSnapshot s;
  Settle(*r, &s);
  ASSERT_TRUE(s.memory_max.has_value());
  EXPECT_EQ(s.memory_max->value, 1048576u);
  tree_.Write("c/memory.max", "max\n");
  int kept = 0;
  for (int read = 1; read <= kSlowEvery; ++read) {
    ASSERT_TRUE(r->Read(&s).ok());
    EXPECT_FALSE(r->last_read_stats().full);
    kept += r->last_read_stats().values_kept;
  }
  EXPECT_TRUE(s.memory_max->unlimited()) << "the limit is re-read within " << kSlowEvery;
  EXPECT_LT(kept, kSlowEvery) << "the read that re-read memory.max parsed";
  EXPECT_EQ(s.memory_stat.Get("file"), 200u);  // the rest is intact after that read
  // Of the next two reads at most one re-reads the limit (period 3): the other keeps values.
  kept = 0;
  for (int read = 1; read <= 2; ++read) {
    ASSERT_TRUE(r->Read(&s).ok());
    kept += r->last_read_stats().values_kept;
    EXPECT_TRUE(s.memory_max->unlimited());
  }
  EXPECT_GE(kept, 1);
}

}  // namespace
}  // namespace fgm::collector

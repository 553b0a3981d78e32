// SPDX-License-Identifier: Apache-2.0
// Unit tests for PssReader's budget and back-off policy, with reads that "cost" time on a
// FakeClock, plus one smoke test on the real /proc/self.
#include "collector/procfs/pss_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "core/testing/fake_clock.h"

namespace fgm::collector {
namespace {

using fgm::testing::FakeClock;

constexpr int64_t kMs = kNanosPerMilli;

// A fake smaps_rollup source: each PID has a read cost (advances the fake clock) and a Pss that
// counts the reads, so tests can tell a fresh value from a reused one.
class FakeProc {
 public:
  explicit FakeProc(FakeClock* clock) : clock_(clock) {}
  void Add(int32_t pid, int64_t cost_ns) { cost_[pid] = cost_ns; }
  void Kill(int32_t pid) { cost_.erase(pid); }
  void Fail(int32_t pid) { failing_[pid] = true; }
  int reads(int32_t pid) const {
    auto it = reads_.find(pid);
    return it == reads_.end() ? 0 : it->second;
  }
  PssReader::ReadFn Fn() {
    return [this](int32_t pid) -> Result<SmapsRollup> {
      auto it = cost_.find(pid);
      if (it == cost_.end()) return NotFoundError("no such process");
      clock_->AdvanceNs(it->second);
      if (failing_[pid]) return IoError("EACCES");
      SmapsRollup r;
      r.Pss = static_cast<uint64_t>(++reads_[pid]);
      r.Rss = 1000;
      return r;
    };
  }

 private:
  FakeClock* clock_;
  std::map<int32_t, int64_t> cost_;
  std::map<int32_t, int> reads_;
  std::map<int32_t, bool> failing_;
};

class PssReaderTest : public ::testing::Test {
 protected:
  PssReaderTest() : proc_(&clock_), reader_("/nonexistent-host-root", PssPolicy{}, clock_) {
    reader_.SetReadFnForTesting(proc_.Fn());
  }
  PssTickReport Tick(std::vector<int32_t> pids, int64_t budget = 10 * kMs) {
    clock_.AdvanceNs(kNanosPerSecond);
    return reader_.Read(pids, budget);
  }
  const PssSample* Find(const PssTickReport& r, int32_t pid) {
    for (const PssSample& s : r.samples) {
      if (s.pid == pid) return &s;
    }
    return nullptr;
  }

  FakeClock clock_;
  FakeProc proc_;
  PssReader reader_;
};

TEST_F(PssReaderTest, IntervalGrowsWithCostAndIsCapped) {
  EXPECT_EQ(reader_.IntervalTicksForCost(0), 1);
  EXPECT_EQ(reader_.IntervalTicksForCost(300'000), 1);
  EXPECT_EQ(reader_.IntervalTicksForCost(1 * kMs), 1);
  EXPECT_EQ(reader_.IntervalTicksForCost(1 * kMs + 1), 2);
  EXPECT_EQ(reader_.IntervalTicksForCost(20 * kMs), 20);
  EXPECT_EQ(reader_.IntervalTicksForCost(4500 * kMs), 60);  // a 200 GB process: once a minute
}

TEST_F(PssReaderTest, CheapProcessesAreReadEveryTick) {
  proc_.Add(1, 100'000);
  proc_.Add(2, 200'000);
  for (int tick = 1; tick <= 5; ++tick) {
    PssTickReport r = Tick({1, 2});
    EXPECT_EQ(r.read, 2u);
    EXPECT_EQ(r.used_ns, 300'000);
    ASSERT_EQ(r.samples.size(), 2u);
    EXPECT_TRUE(r.samples[0].fresh);
    EXPECT_EQ(r.samples[0].rollup.Pss, static_cast<uint64_t>(tick));
    EXPECT_EQ(r.samples[1].read_cost_ns, 200'000);
  }
}

TEST_F(PssReaderTest, UnchangedPidsKeepTheirValueAndNewOnesAreStillRead) {
  proc_.Add(1, 100'000);
  proc_.Add(2, 100'000);
  proc_.Add(3, 100'000);
  ASSERT_EQ(Tick({1, 2}).read, 2u);
  // 1 unchanged, 2 not, 3 new but flagged: 1 keeps its value (and timestamp), 2 and 3 are read.
  clock_.AdvanceNs(kNanosPerSecond);
  const std::vector<int32_t> pids = {1, 2, 3};
  const std::vector<uint8_t> unchanged = {1, 0, 1};
  PssTickReport r = reader_.Read(pids, 10 * kMs, unchanged);
  EXPECT_EQ(r.read, 2u);
  EXPECT_EQ(r.reused, 1u);
  EXPECT_EQ(proc_.reads(1), 1);
  EXPECT_EQ(proc_.reads(2), 2);
  EXPECT_EQ(proc_.reads(3), 1);
  const PssSample* one = Find(r, 1);
  ASSERT_NE(one, nullptr);
  EXPECT_FALSE(one->fresh);
  EXPECT_EQ(one->rollup.Pss, 1u);
  // Not flagged any more: read again at once (it was due all along).
  PssTickReport next = Tick({1, 2, 3});
  EXPECT_EQ(next.read, 3u);
  EXPECT_EQ(proc_.reads(1), 2);
}

// Rule 6: a process whose statm page counts stay the same is read once per
// unchanged_max_age_ticks; a change in them, or statm failing, means a read that very tick.
TEST_F(PssReaderTest, SteadyStatmKeepsTheValueForAtMostTheMaxAge) {
  std::map<int32_t, ProcPidStatm> statm = {{1, {.size = 900, .resident = 500, .shared = 100}},
                                           {2, {.size = 900, .resident = 500, .shared = 100}}};
  reader_.SetStatmFnForTesting([&statm](int32_t pid) -> Result<ProcPidStatm> {
    auto it = statm.find(pid);
    if (it == statm.end()) return NotFoundError("no statm");
    return it->second;
  });
  proc_.Add(1, 100'000);
  proc_.Add(2, 100'000);
  proc_.Add(3, 100'000);  // no statm: always read
  const TimestampNs first_read_at = clock_.WallNs() + kNanosPerSecond;
  for (int tick = 1; tick <= 10; ++tick) {
    PssTickReport r = Tick({1, 2, 3});
    const PssSample* one = Find(r, 1);
    ASSERT_NE(one, nullptr);
    EXPECT_EQ(one->fresh, tick == 1) << tick;
    EXPECT_EQ(one->taken_at_ns, first_read_at) << tick;
    EXPECT_EQ(r.statm_unchanged, tick == 1 ? 0u : 2u) << tick;
  }
  EXPECT_EQ(proc_.reads(1), 1);
  EXPECT_EQ(proc_.reads(3), 10);
  statm[2].shared = 101;              // pages faulted in
  PssTickReport r = Tick({1, 2, 3});  // tick 11: pid 1's value is 10 ticks old
  EXPECT_TRUE(Find(r, 1)->fresh);
  EXPECT_TRUE(Find(r, 2)->fresh);
  EXPECT_EQ(r.statm_unchanged, 0u);
  EXPECT_EQ(proc_.reads(1), 2);
  EXPECT_EQ(proc_.reads(2), 2);
  r = Tick({1, 2, 3});
  EXPECT_EQ(r.statm_unchanged, 2u);
}

TEST_F(PssReaderTest, RuleSixOffReadsEveryTick) {
  PssReader reader("/nonexistent-host-root", PssPolicy{.unchanged_max_age_ticks = 0}, clock_);
  reader.SetReadFnForTesting(proc_.Fn());
  int statm_reads = 0;
  reader.SetStatmFnForTesting([&statm_reads](int32_t) -> Result<ProcPidStatm> {
    ++statm_reads;
    return ProcPidStatm{.size = 1, .resident = 1, .shared = 1};
  });
  proc_.Add(1, 100'000);
  for (int tick = 1; tick <= 5; ++tick) {
    clock_.AdvanceNs(kNanosPerSecond);
    EXPECT_EQ(reader.Read(std::vector<int32_t>{1}, 10 * kMs).read, 1u);
  }
  EXPECT_EQ(statm_reads, 0);
}

TEST_F(PssReaderTest, ExpensiveProcessBacksOffAndReusesItsTimestampedValue) {
  proc_.Add(7, 5 * kMs);  // 5x the 1 ms target: read every 5th tick
  PssTickReport first = Tick({7});
  ASSERT_EQ(first.read, 1u);
  const TimestampNs taken = Find(first, 7)->taken_at_ns;
  for (int tick = 2; tick <= 5; ++tick) {
    PssTickReport r = Tick({7});
    EXPECT_EQ(r.read, 0u) << tick;
    EXPECT_EQ(r.reused, 1u);
    EXPECT_EQ(r.used_ns, 0);
    const PssSample* s = Find(r, 7);
    ASSERT_NE(s, nullptr);
    EXPECT_FALSE(s->fresh);
    EXPECT_EQ(s->taken_at_ns, taken);  // the age of the value is visible to the caller
    EXPECT_EQ(s->rollup.Pss, 1u);
  }
  PssTickReport sixth = Tick({7});
  EXPECT_EQ(sixth.read, 1u);
  EXPECT_TRUE(Find(sixth, 7)->fresh);
  EXPECT_EQ(proc_.reads(7), 2);
}

TEST_F(PssReaderTest, BudgetDefersReadsAndNobodyStarves) {
  std::vector<int32_t> pids;
  for (int32_t pid = 100; pid < 110; ++pid) {
    proc_.Add(pid, 3 * kMs);
    pids.push_back(pid);
  }
  // Never-read PIDs have no predicted cost: 0+3+3+3 = 9 ms <= 10 ms, then the 4th read overruns
  // by its own cost only, and the rest wait.
  PssTickReport t1 = Tick(pids);
  EXPECT_EQ(t1.read, 4u);
  EXPECT_EQ(t1.deferred, 6u);
  EXPECT_EQ(t1.used_ns, 12 * kMs);
  EXPECT_EQ(t1.samples.size(), 4u);
  PssTickReport t2 = Tick(pids);
  EXPECT_EQ(t2.read, 4u);  // the 6 unread ones go first
  PssTickReport t3 = Tick(pids);
  EXPECT_EQ(t3.samples.size(), 10u);
  for (int32_t pid : pids) EXPECT_GE(proc_.reads(pid), 1) << pid;
  // Steady state: each PID is due every 3 ticks (3 ms / 1 ms) and 3 fit per tick (9 ms), so over
  // many ticks every PID keeps being refreshed and the budget holds.
  for (int i = 0; i < 30; ++i) {
    PssTickReport r = Tick(pids);
    EXPECT_LE(r.used_ns, 10 * kMs + 3 * kMs);
    EXPECT_EQ(r.samples.size(), 10u);
  }
  for (int32_t pid : pids) EXPECT_GE(proc_.reads(pid), 6) << pid;
}

TEST_F(PssReaderTest, FirstReadOfATickAlwaysStartsEvenOverBudget) {
  proc_.Add(1, 50 * kMs);  // alone costs 5x the budget
  Tick({1});
  EXPECT_EQ(proc_.reads(1), 1);
  for (int i = 0; i < 49; ++i) Tick({1});  // back-off: 50 ticks
  EXPECT_EQ(proc_.reads(1), 1);
  PssTickReport r = Tick({1});
  EXPECT_EQ(r.read, 1u);
  EXPECT_EQ(r.used_ns, 50 * kMs);
  EXPECT_EQ(proc_.reads(1), 2);
}

TEST_F(PssReaderTest, VanishedAndDroppedPidsAreForgotten) {
  proc_.Add(1, 1000);
  proc_.Add(2, 1000);
  Tick({1, 2});
  EXPECT_EQ(reader_.tracked_pids(), 2u);
  proc_.Kill(2);
  PssTickReport r = Tick({1, 2});
  EXPECT_EQ(r.gone, 1u);
  EXPECT_EQ(r.samples.size(), 1u);
  EXPECT_EQ(reader_.tracked_pids(), 1u);
  Tick({});  // PID 1 left the container
  EXPECT_EQ(reader_.tracked_pids(), 0u);
}

TEST_F(PssReaderTest, NeverReadablePidBacksOffToo) {
  proc_.Add(9, 3 * kMs);
  proc_.Fail(9);
  PssTickReport r1 = Tick({9});
  EXPECT_EQ(r1.errors, 1u);
  EXPECT_TRUE(r1.samples.empty());
  EXPECT_EQ(Tick({9}).errors, 0u);  // backing off: not retried every tick
  EXPECT_EQ(Tick({9}).errors, 0u);
  EXPECT_EQ(Tick({9}).errors, 1u);  // retried after 3 ticks (3 ms / 1 ms)
}

TEST_F(PssReaderTest, DuplicatesIgnoredAndErrorsKeepOldValueWithBackOff) {
  proc_.Add(3, 2 * kMs);
  PssTickReport r1 = Tick({3, 3, 3});
  EXPECT_EQ(r1.read, 1u);
  EXPECT_EQ(r1.samples.size(), 1u);
  proc_.Fail(3);
  Tick({3});                     // not due (2 ms -> every 2 ticks)
  PssTickReport r3 = Tick({3});  // due, fails
  EXPECT_EQ(r3.errors, 1u);
  ASSERT_NE(Find(r3, 3), nullptr);
  EXPECT_EQ(Find(r3, 3)->rollup.Pss, 1u);  // old value kept
  PssTickReport r4 = Tick({3});            // failing read backs off too
  EXPECT_EQ(r4.errors, 0u);
  EXPECT_EQ(r4.reused, 1u);
}

TEST(PssReaderReal, ReadsOwnProcess) {
  PssReader reader("");
  const int32_t self = ::getpid();
  PssTickReport r = reader.Read(std::vector<int32_t>{self}, 100 * kMs);
  ASSERT_EQ(r.read, 1u) << "errors=" << r.errors << " gone=" << r.gone;
  ASSERT_EQ(r.samples.size(), 1u);
  EXPECT_GT(r.samples[0].rollup.Pss.value_or(0), 0u);
  EXPECT_GE(r.samples[0].rollup.Rss.value_or(0), r.samples[0].rollup.Pss.value_or(0));
  EXPECT_GT(r.samples[0].read_cost_ns, 0);
  // A kernel thread (kthreadd, PID 2) has an empty smaps_rollup: counted as gone, not an error.
  PssTickReport k = reader.Read(std::vector<int32_t>{2}, 100 * kMs);
  EXPECT_EQ(k.errors, 0u);
  EXPECT_EQ(k.samples.size(), 0u);
}

}  // namespace
}  // namespace fgm::collector

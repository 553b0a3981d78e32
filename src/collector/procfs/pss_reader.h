// SPDX-License-Identifier: Apache-2.0
// PssReader: PSS (and the rest of smaps_rollup) for a list of PIDs under a per-tick time budget.
// smaps_rollup walks the process's page tables under its mmap lock: ~2 ms for a 12 GB process,
// seconds for hundreds of GB (reference-fgm.md 9.5), and the target stalls while we hold the lock.
// So PSS is read at 1 Hz only for processes that are cheap to read; expensive ones are re-read less
// often, and every value says when it was taken.
//
// Policy (all constants in PssPolicy, defaults explained there):
//   1. After a read that cost C, the PID is due again after ceil(C / target_cost_per_tick_ns)
//      ticks (at least 1, at most max_interval_ticks). A process costing <= 1 ms is read every
//      tick; one costing 20 ms (about 1 GB of RSS) every 20 ticks: each process averages about
//      target_cost_per_tick_ns of read time per tick, whatever its size.
//   2. Due PIDs are read in order: never read first (no value is worse than an old one), then
//      stalest first, so a PID deferred by the budget moves to the front.
//   3. A read starts only if its predicted cost (the last read's cost; 0 when never read) fits in
//      what is left of the budget. Exception: the first read of a tick always starts, so big
//      processes are not starved forever; the tick's overrun is bounded by one read.
//   4. PIDs not due, or deferred, keep their last value with its timestamp. State of PIDs absent
//      from the list (exited, or left the container) is dropped. A failed read (other than the
//      process being gone) backs off like a successful one, so a failing PID costs little.
//   5. PIDs the caller flags as unchanged keep their last value too, due or not (the sampler
//      flags the processes of containers whose cgroup read was idle: no CPU used and no memory
//      charged or uncharged since the last read, so their page tables are as they were). A
//      flagged PID with no value yet is read as usual. What an unchanged process's PSS can still
//      miss: another process mapping or unmapping pages it shares; the value's age shows it, and
//      the container's next full read (within CgroupReaderOptions::idle_full_read_every) reads
//      it again.
//   6. A due PID read less than unchanged_max_age_ticks ago whose /proc/<pid>/statm resident and
//      shared page counts equal those read just before its last smaps_rollup keeps its value
//      too: same anon, file and shmem page counts, so almost surely the same page tables. statm
//      is per-mm counters (~2 us, no page-table walk, no mmap lock); smaps_rollup of even a small
//      process is tens of us. A steady process (a server whose memory has settled, a busy loop)
//      is then read once per unchanged_max_age_ticks instead of every tick; one that allocates,
//      frees or faults pages in is read as before. What it can miss is what rule 5 misses, for
//      at most unchanged_max_age_ticks.
// State is keyed by PID: a PID reused by a new process between two ticks inherits one back-off
// interval of the old one's state (rare: Linux hands out PIDs cyclically).
//
//   PssReader pss(host_root);
//   PssTickReport r = pss.Read(pids, /*budget_ns=*/10 * kNanosPerMilli);
//   for (const PssSample& s : r.samples) use(s.pid, s.rollup.Pss, s.taken_at_ns);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/procfs/pid_stat.h"
#include "collector/procfs/smaps_rollup.h"
#include "core/clock.h"
#include "core/result.h"

namespace fgm::collector {

struct PssPolicy {
  /// Average smaps_rollup time per process per tick that the back-off aims for. 1 ms: a
  /// container's typical process (< 50 MB RSS) reads in well under that, so it stays at 1 Hz,
  /// while 10 such big processes cost ~10 ms per tick, the budget the design allots to PSS
  /// (reference-fgm.md 9.5: "keep PSS cost < 10 ms per tick").
  int64_t target_cost_per_tick_ns = 1 * kNanosPerMilli;
  /// Longest back-off, in ticks. 60 (one minute at 1 Hz): lading reads smaps_rollup every 10 s
  /// for everything; a minute-old PSS for a multi-GB process is still useful, an hour-old one
  /// is not, and a read costing even 1 s then averages ~17 ms per tick.
  int64_t max_interval_ticks = 60;
  /// Rule 6's bound, in ticks. 10 (10 s at 1 Hz): the same bound as the cgroup reader's idle
  /// full reads (CgroupReaderOptions::idle_full_read_every). 0 turns rule 6 off.
  int64_t unchanged_max_age_ticks = 10;
};

/// One PID's latest smaps_rollup, fresh or reused.
struct PssSample {
  int32_t pid = 0;
  SmapsRollup rollup;           ///< kB, as the kernel prints (see smaps_rollup.h)
  TimestampNs taken_at_ns = 0;  ///< wall clock when `rollup` was read
  int64_t read_cost_ns = 0;     ///< how long that read took
  bool fresh = false;           ///< read during this Read() call
};

/// What one Read() did.
struct PssTickReport {
  std::vector<PssSample> samples;  ///< PIDs that have a value, in input order
  int64_t budget_ns = 0;
  int64_t used_ns = 0;         ///< time spent reading this tick (may exceed budget: rule 3)
  size_t read = 0;             ///< fresh reads
  size_t reused = 0;           ///< not due yet, or unchanged (rules 5, 6): last value reused
  size_t statm_unchanged = 0;  ///< of `reused`: due, but statm showed no change (rule 6)
  size_t deferred = 0;         ///< due but over budget (old value reused if any)
  size_t gone = 0;             ///< exited, or no address space (kernel thread, zombie)
  size_t errors = 0;           ///< other read/parse failures (old value reused if any)
};

/// Reads smaps_rollup for lists of PIDs tick after tick, remembering per-PID cost and values.
/// Not thread-safe. `clock` must outlive the reader.
class PssReader {
 public:
  using ReadFn = std::function<Result<SmapsRollup>(int32_t pid)>;
  using StatmFn = std::function<Result<ProcPidStatm>(int32_t pid)>;

  /// Reads <host_root>/proc/<pid>/smaps_rollup.
  explicit PssReader(std::string host_root, PssPolicy policy = {}, Clock& clock = RealClock());

  /// One tick. `pids` may contain duplicates (ignored) and PIDs that no longer exist.
  /// `unchanged`, when not empty, has one flag per entry of `pids` (rule 5).
  PssTickReport Read(std::span<const int32_t> pids, int64_t budget_ns,
                     std::span<const uint8_t> unchanged = {});

  /// Replaces the smaps_rollup read (tests make reads "cost" time on a FakeClock).
  void SetReadFnForTesting(ReadFn fn) { read_fn_ = std::move(fn); }
  /// Replaces the statm read (rule 6).
  void SetStatmFnForTesting(StatmFn fn) { statm_fn_ = std::move(fn); }

  /// Ticks a read of cost `cost_ns` waits before the next one (rule 1).
  int64_t IntervalTicksForCost(int64_t cost_ns) const;

  size_t tracked_pids() const { return state_.size(); }

 private:
  struct PidState {
    bool has_value = false;
    SmapsRollup rollup;
    TimestampNs taken_at_ns = 0;
    int64_t cost_ns = 0;
    int64_t read_tick = 0;  ///< tick of the last successful read
    int64_t next_due_tick = 0;
    int64_t seen_tick = 0;   ///< last tick whose PID list contained this PID
    bool unchanged = false;  ///< flagged unchanged this tick (rule 5)
    /// statm read just before the last successful smaps_rollup (rule 6); absent if it failed.
    std::optional<ProcPidStatm> statm;
  };

  Result<SmapsRollup> ReadFromProc(int32_t pid);
  Result<ProcPidStatm> ReadStatmFromProc(int32_t pid);

  std::string host_root_;
  PssPolicy policy_;
  Clock* clock_;
  ReadFn read_fn_;
  StatmFn statm_fn_;
  std::unordered_map<int32_t, PidState> state_;
  int64_t tick_ = 0;
  std::string buf_;
  Result<ProcDir> proc_dir_;
};

}  // namespace fgm::collector

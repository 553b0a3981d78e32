// SPDX-License-Identifier: Apache-2.0
// CgroupReader: everything about one cgroup at one tick, normalised to cgroup v2 terms, whatever
// the host's layout (v2, v1, or hybrid: v1 controllers plus a controller-less cgroup2 for PSI).
// It opens each file once with openat (from an O_DIRECTORY fd per hierarchy the cgroup lives in)
// and re-reads it with pread at offset 0 every tick (see CgroupReaderOptions::keep_files_open for
// the measurement behind that and the fd budget that bounds it). A hierarchy's directory fd is
// closed while every file there keeps its own fd, and re-opened (inode checked) when one needs it.
// Limits are re-read every 10 reads and an idle container's per-tick files only when its CPU or
// memory usage moved (CgroupReaderOptions::slow_file_every, idle_full_read_every). The sampler
// builds on it: one reader per container, Read() once per tick, deltas only while inode() holds.
//
//   FGM_ASSIGN_OR_RETURN(CgroupLayout layout, DetectCgroupLayout(host_root));
//   FGM_ASSIGN_OR_RETURN(CgroupReader reader, CgroupReader::Open(layout, "docker/<id>"));
//   CgroupSnapshot snap;
//   Status s = reader.Read(&snap);   // kNotFound: the container is gone; drop it silently
#pragma once

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/cgroupfs/cpu_stat.h"
#include "collector/cgroupfs/io_stat.h"
#include "collector/cgroupfs/layout.h"
#include "collector/cgroupfs/memory_stat.h"
#include "collector/cgroupfs/pressure.h"
#include "collector/cgroupfs/single_value.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/result.h"

namespace fgm::collector {

/// v1-only values with no v2 twin that feed the snapshot's v2-terms fields or say something the
/// v2 fields cannot (under_oom). Absent on v2 hosts. memory.memsw.max_usage_in_bytes and
/// memory.memsw.failcnt are not read: nothing stored uses them, and at 1,000 containers each
/// slow file costs an openat + close per container every 10 reads (~6 us).
struct CgroupV1Extras {
  std::optional<uint64_t> cpu_shares;         ///< cpu.shares (the snapshot's cpu_weight is derived)
  std::optional<uint64_t> cpuacct_usage_ns;   ///< cpuacct.usage, exact ns
  std::optional<uint64_t> memory_failcnt;     ///< memory.failcnt (also copied to events.max)
  std::optional<uint64_t> under_oom;          ///< memory.oom_control
  std::optional<uint64_t> oom_kill_disable;   ///< memory.oom_control
  std::optional<uint64_t> memsw_usage_bytes;  ///< memory.memsw.usage_in_bytes (memory + swap)
  std::optional<Limit> memsw_limit;           ///< memory.memsw.limit_in_bytes
};

/// Everything about one cgroup at one tick, in v2 terms. An absent field means the kernel did not
/// report it for this cgroup (controller not enabled or not mounted, older kernel); a Limit that is
/// present but unlimited means "max". Counters are raw and cumulative: rates are derived later, and
/// only while `inode` is unchanged.
struct CgroupSnapshot {
  /// Inode of the cgroup's directory in its primary hierarchy (the unified one on v2, v1 memory
  /// otherwise). A container restarted under the same path gets a new inode.
  uint64_t inode = 0;
  TimestampNs taken_at_ns = 0;  ///< wall clock when the read started
  int64_t read_latency_ns = 0;  ///< monotonic time the whole read took
  /// Process-unique id of the CgroupReader::Read that last set the values below (0: none, or it
  /// failed). An idle read that finds its own last id here leaves the values as they are instead
  /// of parsing the same texts again (see CgroupReaderOptions::idle_full_read_every).
  uint64_t read_id = 0;

  // CPU, microseconds. v2: cpu.stat. v1: cpuacct.usage (ns / 1000) and cpuacct.stat (USER_HZ
  // ticks * 1e6 / USER_HZ, 10 ms resolution); hybrid: the unified cpu.stat wins for usage/user/
  // system (exact), v1 cpu.stat gives the throttling counters (throttled_time ns / 1000).
  std::optional<uint64_t> cpu_usage_usec;
  std::optional<uint64_t> cpu_user_usec;
  std::optional<uint64_t> cpu_system_usec;
  std::optional<uint64_t> cpu_nr_periods;
  std::optional<uint64_t> cpu_nr_throttled;
  std::optional<uint64_t> cpu_throttled_usec;
  std::optional<uint64_t> cpu_nr_bursts;
  std::optional<uint64_t> cpu_burst_usec;
  /// v2 cpu.max; v1 cpu.cfs_quota_us (-1 -> unlimited) + cpu.cfs_period_us.
  std::optional<CpuMax> cpu_max;
  /// v2 cpu.weight; v1 CpuSharesToWeight(cpu.shares).
  std::optional<uint64_t> cpu_weight;

  // Memory, bytes. v1 sources: usage_in_bytes, max_usage_in_bytes, limit_in_bytes,
  // soft_limit_in_bytes (the OCI "reservation", which runtimes map to v2 memory.low).
  std::optional<uint64_t> memory_current;
  std::optional<uint64_t> memory_peak;  ///< v2 memory.peak (5.19+); v1 max_usage_in_bytes
  std::optional<Limit> memory_max;
  std::optional<Limit> memory_high;  ///< v2 only
  std::optional<Limit> memory_low;
  std::optional<Limit> memory_min;  ///< v2 only
  /// v2 memory.swap.current. v1: memsw.usage - usage (clamped at 0; two reads, so approximate).
  std::optional<uint64_t> memory_swap_current;
  /// v2 memory.swap.max. v1: memsw.limit - limit when both are set, unlimited when memsw is.
  std::optional<Limit> memory_swap_max;
  /// v2 memory.stat verbatim; v1 memory.stat mapped by V1MemoryStatToV2Names. Empty when absent.
  MemoryStat memory_stat;
  /// v2 memory.events (hierarchical). v1: oom_kill from memory.oom_control, max from failcnt
  /// (which, on Linux 6.18 with memsw limited too, stays 0 even when the limit is hit).
  std::optional<MemoryEvents> memory_events;

  std::optional<uint64_t> pids_current;
  std::optional<Limit> pids_max;

  /// v2 io.stat; v1 blkio.throttle.io_service_bytes_recursive + io_serviced_recursive (or the
  /// non-recursive files on kernels without them). Totals(): sum over devices.
  std::optional<IoStat> io;

  /// PSI from the v2 side (also on hybrid hosts, where the controller-less unified tree has it).
  std::optional<PressureStat> cpu_pressure;
  std::optional<PressureStat> memory_pressure;
  std::optional<PressureStat> io_pressure;
  std::optional<PressureStat> irq_pressure;

  /// v2 cgroup.events "populated": any process in this cgroup or below. Pure v2 hosts only.
  std::optional<bool> populated;

  CgroupV1Extras v1;
};

struct CgroupReaderOptions {
  /// Keep each file's fd open across ticks and pread at offset 0 (kernfs regenerates the text),
  /// instead of openat + pread + close every tick. Measured on the dev VM (Linux 6.18, 2 vCPUs,
  /// hybrid layout, 26 files per cgroup, Release build) by the integration test
  /// KeepOpenVersusReopenCost: per cgroup read, re-opening costs ~190 us on a quiet host and
  /// 360-560 us under build load; keeping fds open ~48 us and 90-150 us (openat + close of a
  /// kernfs file is 5-15 us here). At 100 containers that is 19-56 ms versus 5-15 ms of CPU per
  /// 1 Hz tick, a 4x difference, so it is the default.
  /// A kept fd of a removed cgroup fails with ENODEV (kernfs deactivates the node), so
  /// removal is still noticed on the next read.
  /// The price: one fd per file (21 per container on a hybrid host, plus the primary directory's:
  /// other directories are closed while all their files keep fds) and one seq_file page (4 KiB
  /// of kernel memory, charged to the monitor's memory cgroup) per open file, ~85 KiB per
  /// container. Kept fds are capped process-wide (see KeptFileFdsCap); past the cap, files are
  /// re-opened when read, so the monitor can never run out of fds because of this. A daemon
  /// watching many containers should raise its soft limit.
  bool keep_files_open = true;
  /// A file found missing (controller not enabled) is skipped on later ticks and probed again
  /// every this many reads, so a controller enabled later is picked up within a minute at 1 Hz
  /// while steady-state ticks pay no failed openat per missing file.
  int absent_reprobe_every = 60;
  /// Files that change only when someone changes the container (limits, weights: cpu.max,
  /// memory.max/high/low/min, memory.swap.max, pids.max and their v1 twins) or that only matter
  /// at a coarse grain (v1 fail counters) are re-read every this many reads and reuse their
  /// last value in between: 8 of the 24 files a hybrid host reads per container, each 2-4 us of
  /// kernfs work per tick (docs/benchmarks.md). 10 reads = 10 s at 1 Hz: a changed limit shows
  /// within 10 s, which is also Netdata's re-read period for such files. Peaks are read every
  /// tick: a spike between two ticks (an OOM kill) shows only there. Slow files keep their fds
  /// only while every reader's per-tick files fit under the fd cap too (tiers in the .cc);
  /// otherwise they are opened once per period. 1 = every file every tick.
  int slow_file_every = 10;
  /// Idle-container skip ("read what can have changed"). Every read first reads the sentinels:
  /// CPU usage (unified cpu.stat; v1 cpuacct.usage where that is missing) and memory usage
  /// (memory.current; v1 memory.usage_in_bytes on v1 and hybrid hosts). When both texts are
  /// byte-identical to the previous read, nothing ran in the cgroup and nothing was charged or
  /// uncharged, so the other per-tick files re-apply their last text instead of being read
  /// (2-10 us of kernfs formatting each). Every container still gets a sample every read; the
  /// carried values are the last ones the kernel reported, so counters never go backwards.
  /// A full read still happens:
  ///   - every this many reads, spread by inode (the safety net for everything below);
  ///   - on the read after a full read whose PSI stall totals advanced: a task can stall with
  ///     no CPU use and no memory change (blocked in D state on I/O or a refault, runnable but
  ///     starved of CPU), so while a stall is in progress the container is read in full;
  ///   - while the last full read saw dirty or writeback pages: the flusher writes them back
  ///     (v2 io.stat is charged to the owner cgroup) with no CPU use by the container and no
  ///     usage change.
  /// What can still be late by up to this many reads: a stall that starts with no CPU use in
  /// the same interval (a task enters D state right after a read and stays there), LRU aging by
  /// kswapd (active/inactive moves in memory.stat with usage unchanged), asynchronous memcg
  /// statistics flushes, and processes migrated in or out by another cgroup's writer
  /// (pids.current, cgroup.events). A carried counter then catches up at the next full read.
  /// 10 reads = 10 s at 1 Hz, the same bound as limits (slow_file_every) and Netdata's rescan.
  /// 1 = read every file every tick.
  int idle_full_read_every = 10;
};

/// What the last CgroupReader::Read() did, for tests and the monitor's self-metrics.
struct CgroupReadStats {
  int files_read = 0;  ///< kernfs files actually read (pread/openat), sentinels included
  bool full = false;   ///< false: an idle read (sentinels only, every other file carried)
  /// An idle read into a snapshot that already held this reader's last values: nothing parsed.
  bool values_kept = false;
};

/// Number of file fds all CgroupReaders of the process keep open right now, and the cap: the soft
/// RLIMIT_NOFILE minus the readers' open directory fds (which must always fit) minus a reserve of
/// max(256, limit / 16) for re-opened files, output files, /proc and sockets.
size_t KeptFileFdsInUse();
size_t KeptFileFdsCap();
/// Directory fds all CgroupReaders hold right now: at most one per hierarchy a cgroup lives in,
/// and with kept files only the primary one plus those where some file has no fd of its own.
size_t CgroupDirFdsInUse();

/// Reads one cgroup. Owns its directory fds (and file fds if keep_files_open); move-only. Not
/// thread-safe: one thread reads a given reader. It stays bound to the directories it opened (a
/// directory closed while unneeded is re-opened only if its inode is unchanged): if the cgroup is
/// removed and re-created under the same path, Read() returns kNotFound and the caller opens a
/// new reader (which will report a new inode).
class CgroupReader {
 public:
  /// Opens `relative_path` (no leading '/'; "" is the root cgroup) in the unified hierarchy and in
  /// every v1 hierarchy of `layout` the reader uses (cpu, cpuacct, memory, blkio, pids).
  /// Hierarchies where the directory does not exist are skipped. kNotFound if it exists in none.
  /// `clock` must outlive the reader.
  static Result<CgroupReader> Open(const CgroupLayout& layout, std::string_view relative_path,
                                   CgroupReaderOptions options = {}, Clock& clock = RealClock());

  CgroupReader(CgroupReader&&) noexcept = default;
  CgroupReader& operator=(CgroupReader&&) noexcept = default;

  /// Fills `*out` (cleared first; its buffers are reused). Errors:
  ///   kNotFound       the cgroup was removed (a file vanished with ENOENT/ENODEV and the
  ///                   directory is gone). Normal during container teardown; do not log.
  ///   kInvalidFormat  a file did not parse; the message has the full path and line number. The
  ///                   caller logs once per (path, code). `*out` still holds the values of
  ///                   every other file, for callers that prefer partial data to none.
  ///   kIo / kResourceExhausted  the kernel refused a read.
  /// A file missing because its controller is not enabled only leaves its fields absent.
  Status Read(CgroupSnapshot* out);
  Result<CgroupSnapshot> Read();

  /// PIDs in cgroup.procs of the primary hierarchy (this cgroup only, not descendants). May be
  /// empty. kNotFound if the cgroup is gone.
  Result<std::vector<int32_t>> ReadPids();

  uint64_t inode() const { return dir_inodes_[static_cast<size_t>(primary_)]; }
  const std::string& relative_path() const { return relative_path_; }
  /// Full path of the primary hierarchy's directory (for messages).
  std::string primary_dir() const { return DirOf(primary_); }

  const CgroupReadStats& last_read_stats() const { return last_read_stats_; }

  /// Number of file fds this reader holds open (0 unless keep_files_open); for fd-leak tests.
  size_t open_file_fds_for_testing() const;
  /// Number of directory fds this reader holds open; for tests.
  size_t open_dir_fds_for_testing() const { return owned_dir_fds_.size(); }
  /// Bytes of string capacity the kept texts hold (inline buffers included); for memory tests.
  size_t kept_text_bytes_for_testing() const;

  /// The hierarchies a file can live in.
  enum class Hierarchy : uint8_t { kUnified, kCpu, kCpuacct, kMemory, kBlkio, kPids, kCount };

 private:
  static constexpr size_t kNumHierarchies = static_cast<size_t>(Hierarchy::kCount);

  /// An fd kept open across ticks, counted against the process-wide cap while it lives.
  class KeptFd {
   public:
    KeptFd() = default;
    KeptFd(KeptFd&& other) noexcept : fd_(std::move(other.fd_)) {}
    KeptFd& operator=(KeptFd&& other) noexcept;
    ~KeptFd() { Reset(); }
    /// Takes `fd` while fewer than `cap` fds are kept process-wide; otherwise leaves `fd` with
    /// the caller.
    bool TryKeep(ScopedFd& fd, size_t cap);
    void Reset();
    bool valid() const { return fd_.valid(); }
    int get() const { return fd_.get(); }

   private:
    ScopedFd fd_;
  };

  // Ordered so the small members share one word (64 bytes instead of 80; 42 per container).
  struct FileState {
    /// The last text read, right-sized (capacity close to its length; the pread itself goes
    /// into one scratch buffer per thread). Slow files (limits) re-apply it until reads_ reaches
    /// next_read; per-tick files re-apply it on idle reads (idle_full_read_every).
    std::string cached;
    int64_t absent_until_read = 0;  ///< skip this file until reads_ reaches this (0 = read it)
    int64_t next_read = 0;
    int64_t read_at = 0;  ///< reads_ when `cached` was last read from the kernel
    KeptFd fd;            ///< keep_files_open only
    bool skip = false;    ///< never read with this layout
    bool cached_valid = false;
    /// A sentinel or per-tick file that wants an fd and has none (counted process-wide, so that
    /// lower tiers leave it room; see KeepCapFor in the .cc).
    bool starved = false;
  };

  CgroupReader() = default;

  int dir_fd(Hierarchy h) const { return dir_fds_[static_cast<size_t>(h)]; }
  /// Whether the cgroup has a directory in hierarchy h (open or not).
  bool InHierarchy(Hierarchy h) const { return !roots_[static_cast<size_t>(h)].empty(); }
  /// The directory fd of hierarchy h, re-opened if it was closed (or never opened: cpuacct, see
  /// Open). -1 when it cannot be: gone, or re-created under the same path (another inode). A
  /// directory that was never opened and turns out missing leaves the hierarchy for good.
  int AcquireDirFd(Hierarchy h);
  /// Closes the directory fds (not the primary's) that no file needs: each of its files keeps its
  /// own fd, is skipped, absent until a re-probe, or a fallback not read (`read_ok`).
  void ReleaseUnneededDirs(const std::bitset<64>& read_ok);
  /// Records whether file i wants an fd it does not have, in the process-wide starved counts.
  void SetStarved(size_t file_index, bool starved);
  /// Full path of this cgroup's directory in hierarchy h ("" root when it is not in h).
  std::string DirOf(Hierarchy h) const;
  std::string PathOf(Hierarchy h, const char* name) const;
  /// Reads one file into the thread's scratch buffer (cgroup_reader.cc). kNotFound: missing (the
  /// caller decides whether that means removed).
  Status ReadOne(size_t file_index, Hierarchy h, const char* name);
  /// Reads the CPU and memory sentinels (into their FileState::cached) and returns true when
  /// both are available and byte-identical to the previous read.
  bool SentinelsUnchanged();
  /// Reads file `i` into its cached text for the sentinel check: 1 unchanged, 0 changed,
  /// -1 not available (absent, failed; the main loop then handles it as usual).
  int ProbeSentinel(size_t i);
  /// Whether file i's kept text stands in for reading it this time: a sentinel read moments ago,
  /// a slow file within its period, or, on an idle read, any per-tick file.
  bool KeptTextServes(size_t i, bool idle) const;
  /// Whether an idle read would have to read or re-parse any file besides the sentinels: a slow
  /// file whose period is over, a missing file due for a probe, a text not kept.
  bool FilesDueOnIdleRead() const;
  /// After a full read: whether the next read must be full too (stall or writeback in progress).
  void UpdateForceFull(const CgroupSnapshot& snap);
  /// True when some hierarchy directory of this cgroup no longer exists.
  bool CgroupRemoved() const;

  CgroupReaderOptions options_;
  Clock* clock_ = nullptr;
  std::string relative_path_;
  /// Mount root of each hierarchy the cgroup is in (interned, shared by all readers), "" when
  /// absent; the directory is the root plus relative_path_ (DirOf).
  std::array<std::string_view, kNumHierarchies> roots_{};
  std::array<int, kNumHierarchies> dir_fds_{};  ///< -1 when not open; co-mounts share one fd
  /// Inode of each hierarchy's directory when it was first opened (0: not yet), checked whenever
  /// it is re-opened; the primary hierarchy's is the reader's inode().
  std::array<uint64_t, kNumHierarchies> dir_inodes_{};
  /// Adds what it counts to a process-wide total while it lives (directory fds for
  /// KeptFileFdsCap, live readers for the sentinels' fd reserve); moves with the reader.
  class ProcessWideCount {
   public:
    explicit ProcessWideCount(std::atomic<size_t>* total = nullptr) : total_(total) {}
    ProcessWideCount(ProcessWideCount&& other) noexcept
        : total_(other.total_), n_(std::exchange(other.n_, 0)) {}
    ProcessWideCount& operator=(ProcessWideCount&& other) noexcept;
    ~ProcessWideCount();
    void Add(size_t n);
    void Sub(size_t n);

   private:
    std::atomic<size_t>* total_;
    size_t n_ = 0;
  };

  std::vector<ScopedFd> owned_dir_fds_;
  ProcessWideCount dir_fd_count_;
  ProcessWideCount starved_sentinels_;  ///< this reader's sentinel files with FileState::starved
  ProcessWideCount starved_per_tick_;   ///< ... and its other per-tick files
  Hierarchy primary_ = Hierarchy::kUnified;
  int64_t reads_ = 0;
  std::vector<FileState> files_;
  bool force_full_next_ = true;  ///< the first read is always full
  /// Files whose text applied cleanly on the last read that applied texts (a fallback is skipped
  /// while its primary's bit is set). 64 >= the number of files (checked in the .cc).
  std::bitset<64> last_read_ok_;
  uint64_t last_read_id_ = 0;    ///< CgroupSnapshot::read_id of the last read's output
  uint64_t last_psi_total_ = 0;  ///< sum of every PSI total at the last full read
  CgroupReadStats last_read_stats_;
};

}  // namespace fgm::collector

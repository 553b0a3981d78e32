// SPDX-License-Identifier: Apache-2.0
// CgroupReader: the per-cgroup, per-tick read of every file the collector uses, over v2, v1 and
// hybrid layouts, merged into one CgroupSnapshot in v2 terms (see cgroup_reader.h).
#include "collector/cgroupfs/cgroup_reader.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bitset>
#include <cerrno>

#include "collector/cgroupfs/cgroup_file.h"
#include "core/intern.h"

namespace fgm::collector {
namespace {

// Distinct mount roots a process interns: a layout has at most ~7 and the daemon detects one;
// tests build one per fixture tree. Far above any real count, and still a bound.
constexpr size_t kMaxMountRoots = 4096;

using Hierarchy = CgroupReader::Hierarchy;

std::atomic<size_t> g_kept_fds{0};
std::atomic<size_t> g_dir_fds{0};
std::atomic<size_t> g_starved_sentinels{0};
std::atomic<size_t> g_starved_per_tick{0};
std::atomic<uint64_t> g_next_read_id{1};

// Every reader on a thread preads into this one buffer and keeps only the bytes it needs (see
// KeepText). A buffer per reader or per file would pin PreadWhole's 4 KiB minimum (or the largest
// read ever) for each of the ~14,000 files 1,000 containers keep: ~108 MB of a 152 MB heap.
// thread_local because a reader is used by one thread at a time but readers may be spread over
// threads; the text read is consumed before the next read on the same thread.
std::string& ReadScratch() {
  thread_local std::string scratch;
  return scratch;
}

// Past this the scratch buffer is released after a read instead of kept: only a cgroup.procs of
// ~100,000 processes gets there, and pinning up to kMaxCgroupFileBytes per thread for a rare
// giant file costs more than growing it again when one is read.
constexpr size_t kMaxRetainedScratchBytes = 1u << 20;

void ReleaseScratchIfHuge() {
  std::string& scratch = ReadScratch();
  if (scratch.capacity() > kMaxRetainedScratchBytes) std::string().swap(scratch);
}

// Bytes of unused capacity a kept text may carry and still be reused in place: counters grow by a
// digit now and then, and reusing a slightly larger allocation avoids a malloc/free per file per
// tick, while 64 bytes is small next to the texts themselves (one cache line).
constexpr size_t kKeptTextSlackBytes = 64;

// Stores `text` in `*kept` with a capacity close to its size (short texts stay in the string's
// inline buffer and cost no heap at all), so what a reader keeps is what the files hold.
void KeepText(std::string* kept, std::string_view text) {
  if (text.size() <= kept->capacity() && kept->capacity() - text.size() <= kKeptTextSlackBytes) {
    kept->assign(text);  // fits: no allocation
    return;
  }
  std::string exact(text);  // the constructor allocates exactly text.size()
  kept->swap(exact);
}

// Values gathered from v1 files that only make sense together; combined in Finish().
struct V1Pending {
  std::optional<Limit> cfs_quota;
  std::optional<uint64_t> cfs_period;
  std::optional<BlkioRwStat> bytes_recursive;
  std::optional<BlkioRwStat> ios_recursive;
  std::optional<BlkioRwStat> bytes;
  std::optional<BlkioRwStat> ios;
};

struct ApplyContext {
  CgroupSnapshot* out;
  MemoryStat* stat_buffer;  ///< last tick's memory.stat entries, reused to avoid allocations
  MemoryStat* v1_scratch;   ///< v1 memory.stat before renaming, reused likewise
  V1Pending pending;
};

using ApplyFn = Status (*)(std::string_view text, ApplyContext& ctx);

template <typename T>
void FillIfUnset(std::optional<T>& field, const std::optional<T>& value) {
  if (!field && value) field = value;
}
template <typename T>
void FillIfUnset(std::optional<T>& field, const T& value) {
  if (!field) field = value;
}

MemoryEvents& Events(CgroupSnapshot* out) {
  if (!out->memory_events) out->memory_events.emplace();
  return *out->memory_events;
}

// One file the reader knows. Files of the unified hierarchy come first so that, on hybrid hosts,
// the exact v2 values are in place before v1 files fill the gaps (FillIfUnset).
struct FileSpec {
  Hierarchy hierarchy;
  const char* name;
  ApplyFn apply;
  int fallback_for = -1;  ///< read only when the file at this index was not read this tick
  /// Limits, settings and failure counters: they change rarely (a limit only when someone
  /// updates the container), so they are read every CgroupReaderOptions::slow_file_every reads
  /// and their last text re-applied in between (parsing a few bytes costs nothing; the kernfs
  /// read is what costs, 2-4 us a file on this VM).
  bool slow = false;
};

constexpr int kNoFallback = -1;
constexpr bool kSlow = true;

// Applies a parsed single u64 into a snapshot field.
#define FGM_U64_INTO(field)                              \
  [](std::string_view t, ApplyContext& c) -> Status {    \
    FGM_ASSIGN_OR_RETURN(uint64_t v, ParseSingleU64(t)); \
    FillIfUnset(c.out->field, v);                        \
    return OkStatus();                                   \
  }
#define FGM_LIMIT_INTO(field, parser)                 \
  [](std::string_view t, ApplyContext& c) -> Status { \
    FGM_ASSIGN_OR_RETURN(Limit v, parser(t));         \
    FillIfUnset(c.out->field, v);                     \
    return OkStatus();                                \
  }
#define FGM_PRESSURE_INTO(field)                            \
  [](std::string_view t, ApplyContext& c) -> Status {       \
    FGM_ASSIGN_OR_RETURN(PressureStat v, ParsePressure(t)); \
    c.out->field = v;                                       \
    return OkStatus();                                      \
  }

// Indexes of the files that have fallbacks; CgroupReader::Open checks they still match kFiles.
// On hybrid hosts the unified cpu.stat gives exact usage/user/system, so v1 cpuacct.usage and
// cpuacct.stat are read only where it is missing or did not parse (pure v1 hosts).
constexpr int kUnifiedCpuStat = 0;
// cgroup.events "populated" is used only on pure v2 hosts (sampler.cc): on hybrid hosts a
// runtime may leave the controller-less unified cgroup empty, so it is not read there at all.
constexpr int kCgroupEvents = 20;
// The idle-skip sentinels (CgroupReaderOptions::idle_full_read_every): CPU usage and memory
// usage, each from the first of its files this layout has.
constexpr int kUnifiedMemoryCurrent = 3;
constexpr int kCpuacctUsage = 25;
constexpr int kV1MemoryUsage = 27;
constexpr int kIoServiceBytesRecursive = 33;
constexpr int kIoServicedRecursive = 34;

const FileSpec kFiles[] =
    {
        // ---- cgroup v2 (Documentation/admin-guide/cgroup-v2.rst) ----
        /* 0 */ {Hierarchy::kUnified, "cpu.stat",
                 [](std::string_view t, ApplyContext& c) -> Status {
                   FGM_ASSIGN_OR_RETURN(CpuStatV2 s, ParseCpuStatV2(t));
                   CgroupSnapshot* o = c.out;
                   FillIfUnset(o->cpu_usage_usec, s.usage_usec);
                   FillIfUnset(o->cpu_user_usec, s.user_usec);
                   FillIfUnset(o->cpu_system_usec, s.system_usec);
                   FillIfUnset(o->cpu_nr_periods, s.nr_periods);
                   FillIfUnset(o->cpu_nr_throttled, s.nr_throttled);
                   FillIfUnset(o->cpu_throttled_usec, s.throttled_usec);
                   FillIfUnset(o->cpu_nr_bursts, s.nr_bursts);
                   FillIfUnset(o->cpu_burst_usec, s.burst_usec);
                   return OkStatus();
                 }},
        /* 1 */
        {Hierarchy::kUnified, "cpu.max",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(CpuMax m, ParseCpuMax(t));
           c.out->cpu_max = m;
           return OkStatus();
         },
         kNoFallback, kSlow},
        /* 2 */ {Hierarchy::kUnified, "cpu.weight", FGM_U64_INTO(cpu_weight), kNoFallback, kSlow},
        /* 3 */ {Hierarchy::kUnified, "memory.current", FGM_U64_INTO(memory_current)},
        /* 4 */ {Hierarchy::kUnified, "memory.peak", FGM_U64_INTO(memory_peak)},
        /* 5 */
        {Hierarchy::kUnified, "memory.max", FGM_LIMIT_INTO(memory_max, ParseMaxOrU64), kNoFallback,
         kSlow},
        /* 6 */
        {Hierarchy::kUnified, "memory.high", FGM_LIMIT_INTO(memory_high, ParseMaxOrU64),
         kNoFallback, kSlow},
        /* 7 */
        {Hierarchy::kUnified, "memory.low", FGM_LIMIT_INTO(memory_low, ParseMaxOrU64), kNoFallback,
         kSlow},
        /* 8 */
        {Hierarchy::kUnified, "memory.min", FGM_LIMIT_INTO(memory_min, ParseMaxOrU64), kNoFallback,
         kSlow},
        /* 9 */ {Hierarchy::kUnified, "memory.swap.current", FGM_U64_INTO(memory_swap_current)},
        /* 10 */
        {Hierarchy::kUnified, "memory.swap.max", FGM_LIMIT_INTO(memory_swap_max, ParseMaxOrU64),
         kNoFallback, kSlow},
        /* 11 */
        {Hierarchy::kUnified, "memory.stat",
         [](std::string_view t, ApplyContext& c) -> Status {
           // Into last tick's entries: same keys in the same order, so no allocation.
           FGM_RETURN_IF_ERROR(ParseMemoryStatInto(t, c.stat_buffer));
           std::swap(c.out->memory_stat, *c.stat_buffer);
           return OkStatus();
         }},
        /* 12 */
        {Hierarchy::kUnified, "memory.events",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(MemoryEvents e, ParseMemoryEvents(t));
           c.out->memory_events = e;
           return OkStatus();
         }},
        /* 13 */ {Hierarchy::kUnified, "pids.current", FGM_U64_INTO(pids_current)},
        /* 14 */
        {Hierarchy::kUnified, "pids.max", FGM_LIMIT_INTO(pids_max, ParseMaxOrU64), kNoFallback,
         kSlow},
        /* 15 */
        {Hierarchy::kUnified, "io.stat",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(IoStat s, ParseIoStat(t));
           c.out->io = std::move(s);
           return OkStatus();
         }},
        /* 16 */ {Hierarchy::kUnified, "cpu.pressure", FGM_PRESSURE_INTO(cpu_pressure)},
        /* 17 */ {Hierarchy::kUnified, "memory.pressure", FGM_PRESSURE_INTO(memory_pressure)},
        /* 18 */ {Hierarchy::kUnified, "io.pressure", FGM_PRESSURE_INTO(io_pressure)},
        /* 19 */ {Hierarchy::kUnified, "irq.pressure", FGM_PRESSURE_INTO(irq_pressure)},
        /* 20 */
        {Hierarchy::kUnified, "cgroup.events",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(CgroupEvents e, ParseCgroupEvents(t));
           c.out->populated = e.populated;
           return OkStatus();
         }},

        // ---- cgroup v1 (Documentation/admin-guide/cgroup-v1/, scheduler/sched-bwc.rst) ----
        /* 21 */
        {Hierarchy::kCpu, "cpu.stat",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(CpuStatV1 s, ParseCpuStatV1(t));
           CgroupSnapshot* o = c.out;
           FillIfUnset(o->cpu_nr_periods, s.nr_periods);
           FillIfUnset(o->cpu_nr_throttled, s.nr_throttled);
           if (s.throttled_time) FillIfUnset(o->cpu_throttled_usec, *s.throttled_time / 1000);
           FillIfUnset(o->cpu_nr_bursts, s.nr_bursts);
           if (s.burst_time) FillIfUnset(o->cpu_burst_usec, *s.burst_time / 1000);
           return OkStatus();
         }},
        /* 22 */
        {Hierarchy::kCpu, "cpu.cfs_quota_us",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(Limit q, ParseV1CfsQuota(t));
           c.pending.cfs_quota = q;
           return OkStatus();
         },
         kNoFallback, kSlow},
        /* 23 */
        {Hierarchy::kCpu, "cpu.cfs_period_us",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(uint64_t p, ParseSingleU64(t));
           c.pending.cfs_period = p;
           return OkStatus();
         },
         kNoFallback, kSlow},
        /* 24 */
        {Hierarchy::kCpu, "cpu.shares",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(uint64_t s, ParseSingleU64(t));
           c.out->v1.cpu_shares = s;
           FillIfUnset(c.out->cpu_weight, CpuSharesToWeight(s));
           return OkStatus();
         },
         kNoFallback, kSlow},
        /* 25 */
        {Hierarchy::kCpuacct, "cpuacct.usage",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(uint64_t ns, ParseSingleU64(t));
           c.out->v1.cpuacct_usage_ns = ns;
           FillIfUnset(c.out->cpu_usage_usec, ns / 1000);
           return OkStatus();
         },
         kUnifiedCpuStat},
        /* 26 */
        {Hierarchy::kCpuacct, "cpuacct.stat",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(CpuacctStat s, ParseCpuacctStat(t));
           const int64_t hz = UserHz();
           if (s.user) FillIfUnset(c.out->cpu_user_usec, UserHzTicksToUsec(*s.user, hz));
           if (s.system) {
             FillIfUnset(c.out->cpu_system_usec, UserHzTicksToUsec(*s.system, hz));
           }
           return OkStatus();
         },
         kUnifiedCpuStat},
        /* 27 */ {Hierarchy::kMemory, "memory.usage_in_bytes", FGM_U64_INTO(memory_current)},
        /* 28 */
        {Hierarchy::kMemory, "memory.max_usage_in_bytes", FGM_U64_INTO(memory_peak)},
        /* 29 */
        {Hierarchy::kMemory, "memory.limit_in_bytes",
         FGM_LIMIT_INTO(memory_max, ParseV1MemoryLimit), kNoFallback, kSlow},
        /* 30 */
        {Hierarchy::kMemory, "memory.soft_limit_in_bytes",
         FGM_LIMIT_INTO(memory_low, ParseV1MemoryLimit), kNoFallback, kSlow},
        /* 31 */
        {Hierarchy::kMemory, "memory.stat",
         [](std::string_view t, ApplyContext& c) -> Status {
           if (!c.out->memory_stat.empty()) return OkStatus();  // hybrid: the v2 file won
           FGM_RETURN_IF_ERROR(ParseMemoryStatInto(t, c.v1_scratch));
           V1MemoryStatToV2NamesInto(*c.v1_scratch, c.stat_buffer);
           std::swap(c.out->memory_stat, *c.stat_buffer);
           return OkStatus();
         }},
        /* 32 */
        {Hierarchy::kMemory, "memory.oom_control",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(MemoryOomControl o, ParseMemoryOomControl(t));
           c.out->v1.under_oom = o.under_oom;
           c.out->v1.oom_kill_disable = o.oom_kill_disable;
           FillIfUnset(Events(c.out).oom_kill, o.oom_kill);
           return OkStatus();
         }},
        /* 33 */
        {Hierarchy::kBlkio, "blkio.throttle.io_service_bytes_recursive",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(BlkioRwStat s, ParseBlkioRwStat(t));
           c.pending.bytes_recursive = std::move(s);
           return OkStatus();
         }},
        /* 34 */
        {Hierarchy::kBlkio, "blkio.throttle.io_serviced_recursive",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(BlkioRwStat s, ParseBlkioRwStat(t));
           c.pending.ios_recursive = std::move(s);
           return OkStatus();
         }},
        // The _recursive files appeared in Linux 4.11; older kernels only have the local ones.
        /* 35 */
        {Hierarchy::kBlkio, "blkio.throttle.io_service_bytes",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(BlkioRwStat s, ParseBlkioRwStat(t));
           c.pending.bytes = std::move(s);
           return OkStatus();
         },
         kIoServiceBytesRecursive},
        /* 36 */
        {Hierarchy::kBlkio, "blkio.throttle.io_serviced",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(BlkioRwStat s, ParseBlkioRwStat(t));
           c.pending.ios = std::move(s);
           return OkStatus();
         },
         kIoServicedRecursive},
        /* 37 */ {Hierarchy::kPids, "pids.current", FGM_U64_INTO(pids_current)},
        /* 38 */
        {Hierarchy::kPids, "pids.max", FGM_LIMIT_INTO(pids_max, ParseMaxOrU64), kNoFallback, kSlow},
        /* 39 */
        {
            Hierarchy::kMemory, "memory.failcnt",
            [](std::string_view t, ApplyContext& c) -> Status {
              FGM_ASSIGN_OR_RETURN(uint64_t n, ParseSingleU64(t));
              c.out->v1.memory_failcnt = n;
              FillIfUnset(Events(c.out).max, n);
              return OkStatus();
            },
            kNoFallback, kSlow},
        // memory.memsw.* exist only with swap accounting (CONFIG_MEMCG_SWAP and swapaccount=1).
        /* 40 */
        {Hierarchy::kMemory, "memory.memsw.usage_in_bytes",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(uint64_t n, ParseSingleU64(t));
           c.out->v1.memsw_usage_bytes = n;
           return OkStatus();
         }},
        /* 41 */
        {Hierarchy::kMemory, "memory.memsw.limit_in_bytes",
         [](std::string_view t, ApplyContext& c) -> Status {
           FGM_ASSIGN_OR_RETURN(Limit l, ParseV1MemoryLimit(t));
           c.out->v1.memsw_limit = l;
           return OkStatus();
         },
         kNoFallback, kSlow},
};
#undef FGM_U64_INTO
#undef FGM_LIMIT_INTO
#undef FGM_PRESSURE_INTO

constexpr size_t kNumFiles = sizeof(kFiles) / sizeof(kFiles[0]);

// Combines v1 values that come from several files.
void Finish(ApplyContext& ctx) {
  CgroupSnapshot* out = ctx.out;
  V1Pending& p = ctx.pending;
  if (!out->cpu_max && p.cfs_quota && p.cfs_period && *p.cfs_period > 0) {
    out->cpu_max = CpuMax{.quota_usec = *p.cfs_quota, .period_usec = *p.cfs_period};
  }
  if (!out->io) {
    const std::optional<BlkioRwStat>& bytes = p.bytes_recursive ? p.bytes_recursive : p.bytes;
    const std::optional<BlkioRwStat>& ios = p.ios_recursive ? p.ios_recursive : p.ios;
    if (bytes || ios)
      out->io = BlkioToIoStat(bytes.value_or(BlkioRwStat{}), ios.value_or(BlkioRwStat{}));
  }
  const CgroupV1Extras& v1 = out->v1;
  if (!out->memory_swap_current && v1.memsw_usage_bytes && out->memory_current) {
    uint64_t mem = *out->memory_current;
    uint64_t memsw = *v1.memsw_usage_bytes;
    out->memory_swap_current = memsw > mem ? memsw - mem : 0;
  }
  if (!out->memory_swap_max && v1.memsw_limit) {
    if (v1.memsw_limit->unlimited()) {
      out->memory_swap_max = Limit::Unlimited();
    } else if (out->memory_max && !out->memory_max->unlimited()) {
      uint64_t memsw = *v1.memsw_limit->value;
      uint64_t mem = *out->memory_max->value;
      out->memory_swap_max = Limit::Of(memsw > mem ? memsw - mem : 0);
    }
  }
}

bool IsSentinel(size_t file_index) {
  return file_index == kUnifiedCpuStat || file_index == kCpuacctUsage ||
         file_index == kUnifiedMemoryCurrent || file_index == kV1MemoryUsage;
}

std::string TrimSlashes(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

const char* V1ControllerName(Hierarchy h) {
  switch (h) {
    case Hierarchy::kCpu:
      return "cpu";
    case Hierarchy::kCpuacct:
      return "cpuacct";
    case Hierarchy::kMemory:
      return "memory";
    case Hierarchy::kBlkio:
      return "blkio";
    case Hierarchy::kPids:
      return "pids";
    default:
      return "";
  }
}

}  // namespace

size_t KeptFileFdsInUse() { return g_kept_fds.load(std::memory_order_relaxed); }

size_t CgroupDirFdsInUse() { return g_dir_fds.load(std::memory_order_relaxed); }

size_t KeptFileFdsCap() {
  // The soft limit is read once (the monitor raises it to the hard limit before sampling).
  // Directory fds are not optional, so they come off the top; the reserve leaves room for every
  // transient fd (a re-opened file, a segment being written, compaction's inputs, /proc reads).
  // At 1,000 hybrid containers and a 20,000 limit: 20,000 - 1,250 - 3,000-5,000 dir fds: every
  // container's 12 per-tick files, and the limit files of some (see the fd tiers).
  static const size_t kLimit = [] {
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return size_t{1024};
    return static_cast<size_t>(rl.rlim_cur);
  }();
  const size_t reserve = std::max<size_t>(256, kLimit / 16);
  const size_t dirs = CgroupDirFdsInUse();
  return kLimit > reserve + dirs ? kLimit - reserve - dirs : 0;
}

namespace {

// Which files keep fds when they run short, in three tiers by how often a file is read:
// 1. the sentinels, read on every tick of every container;
// 2. the other per-tick files, read on full reads (every tick of a busy container, one in
//    idle_full_read_every of an idle one): only while every starved sentinel still has room;
// 3. slow files (limits), read once per slow_file_every: only while every starved sentinel and
//    per-tick file has room as well.
// "Starved": wants an fd and has none. A reader's two sentinels count as starved from Open()
// until they keep their fds, so readers opened before any read still get theirs first; other
// files count once a read found them without an fd. A kept fd of a lower tier is given back when
// its file is next read and a higher tier is starved, so the tiers settle within
// slow_file_every reads. At 1,000 hybrid containers and a 20,000 limit, filling the cap in
// discovery order left ~150 containers re-opening both sentinels every tick (21% of the sampling
// thread, docs/benchmarks.md). A fixed reserve per reader instead (2 sentinels, 16 per-tick
// files) counted kept fds twice and left every limit file and ~1,250 per-tick files without an
// fd: ~920 openat + close a tick, 20% of fgm's CPU. At 100 containers everything fits, and
// keeping the slow files open saves the openat + close of one of them per container per tick
// (~6 us each; the pread alone is ~1 us).

enum class FdTier { kSentinel, kPerTick, kSlow };

FdTier TierOf(size_t file_index) {
  if (IsSentinel(file_index)) return FdTier::kSentinel;
  return kFiles[file_index].slow ? FdTier::kSlow : FdTier::kPerTick;
}

size_t KeepCapFor(FdTier tier) {
  const size_t cap = KeptFileFdsCap();
  size_t reserve = 0;
  if (tier != FdTier::kSentinel) reserve += g_starved_sentinels.load(std::memory_order_relaxed);
  if (tier == FdTier::kSlow) reserve += g_starved_per_tick.load(std::memory_order_relaxed);
  return cap > reserve ? cap - reserve : 0;
}

}  // namespace

CgroupReader::ProcessWideCount& CgroupReader::ProcessWideCount::operator=(
    ProcessWideCount&& other) noexcept {
  if (this != &other) {
    if (total_ != nullptr) total_->fetch_sub(n_, std::memory_order_relaxed);
    total_ = other.total_;
    n_ = std::exchange(other.n_, 0);
  }
  return *this;
}

CgroupReader::ProcessWideCount::~ProcessWideCount() {
  if (total_ != nullptr) total_->fetch_sub(n_, std::memory_order_relaxed);
}

void CgroupReader::ProcessWideCount::Add(size_t n) {
  n_ += n;
  total_->fetch_add(n, std::memory_order_relaxed);
}

void CgroupReader::ProcessWideCount::Sub(size_t n) {
  FGM_CHECK(n <= n_);
  n_ -= n;
  total_->fetch_sub(n, std::memory_order_relaxed);
}

CgroupReader::KeptFd& CgroupReader::KeptFd::operator=(KeptFd&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = std::move(other.fd_);
  }
  return *this;
}

bool CgroupReader::KeptFd::TryKeep(ScopedFd& fd, size_t cap) {
  Reset();
  size_t in_use = g_kept_fds.load(std::memory_order_relaxed);
  do {
    if (in_use >= cap) return false;
  } while (!g_kept_fds.compare_exchange_weak(in_use, in_use + 1, std::memory_order_relaxed));
  fd_ = std::move(fd);
  return true;
}

void CgroupReader::KeptFd::Reset() {
  if (fd_.valid()) {
    fd_.Reset();
    g_kept_fds.fetch_sub(1, std::memory_order_relaxed);
  }
}

Result<CgroupReader> CgroupReader::Open(const CgroupLayout& layout, std::string_view relative_path,
                                        CgroupReaderOptions options, Clock& clock) {
  FGM_CHECK(std::string_view(kFiles[kIoServiceBytesRecursive].name) ==
            "blkio.throttle.io_service_bytes_recursive");
  FGM_CHECK(std::string_view(kFiles[kIoServicedRecursive].name) ==
            "blkio.throttle.io_serviced_recursive");
  FGM_CHECK(std::string_view(kFiles[kCgroupEvents].name) == "cgroup.events");
  FGM_CHECK(std::string_view(kFiles[kUnifiedMemoryCurrent].name) == "memory.current");
  FGM_CHECK(std::string_view(kFiles[kCpuacctUsage].name) == "cpuacct.usage");
  FGM_CHECK(std::string_view(kFiles[kV1MemoryUsage].name) == "memory.usage_in_bytes");
  FGM_CHECK(std::string_view(kFiles[kUnifiedCpuStat].name) == "cpu.stat" &&
            kFiles[kUnifiedCpuStat].hierarchy == Hierarchy::kUnified);
  static_assert(kNumFiles <= 64, "last_read_ok_ holds one bit per file");
  CgroupReader r;
  r.dir_fd_count_ = ProcessWideCount(&g_dir_fds);
  r.starved_sentinels_ = ProcessWideCount(&g_starved_sentinels);
  r.starved_per_tick_ = ProcessWideCount(&g_starved_per_tick);
  r.options_ = options;
  r.clock_ = &clock;
  r.relative_path_ = TrimSlashes(relative_path);
  r.dir_fds_.fill(-1);
  r.files_.resize(kNumFiles);
  if (layout.mode != CgroupMode::kV2) r.files_[kCgroupEvents].skip = true;
  if (layout.mode == CgroupMode::kHybrid) {
    // The unified tree of a hybrid host has no controllers (each is bound to its v1 hierarchy
    // and cannot be in both), so of its files only cpu.stat (core) and PSI exist, and the others
    // can never appear: do not re-probe them every absent_reprobe_every reads.
    for (size_t i = 0; i < kNumFiles; ++i) {
      const std::string_view name = kFiles[i].name;
      if (kFiles[i].hierarchy == Hierarchy::kUnified && name != "cpu.stat" &&
          !name.ends_with(".pressure")) {
        r.files_[i].skip = true;
      }
    }
  }

  std::array<std::string, kNumHierarchies> roots;
  if (layout.mode != CgroupMode::kV1) roots[0] = layout.unified_root;
  for (size_t h = 1; h < kNumHierarchies; ++h) {
    roots[h] = layout.V1Root(V1ControllerName(static_cast<Hierarchy>(h)));
  }
  // Mount roots are shared by every reader, so each holds views of one interned copy (plus its
  // relative path) instead of six full-path strings: ~1.4 KiB less per container.
  static auto* mount_roots = new StringInterner(kMaxMountRoots);
  for (size_t h = 0; h < kNumHierarchies; ++h) {
    if (roots[h].empty()) continue;
    const std::string_view root = mount_roots->Intern(roots[h]);
    if (root.empty()) return ResourceExhaustedError("too many cgroup mount roots: " + roots[h]);
    // Co-mounted v1 controllers ("cpu,cpuacct") share one directory and one fd.
    bool shared = false;
    for (size_t prev = 0; prev < h; ++prev) {
      if (r.dir_fds_[prev] >= 0 && r.roots_[prev] == root) {
        r.dir_fds_[h] = r.dir_fds_[prev];
        r.roots_[h] = root;
        shared = true;
        break;
      }
    }
    if (shared) continue;
    r.roots_[h] = root;
    if (static_cast<Hierarchy>(h) == Hierarchy::kCpuacct && r.dir_fds_[0] >= 0) {
      // Its files only stand in for the unified cpu.stat, which a cgroup in the unified tree
      // always has: AcquireDirFd opens the directory if that ever fails (one fd less per
      // container where cpu and cpuacct are separate mounts, as on this project's dev hosts).
      continue;
    }
    const std::string dir = r.DirOf(static_cast<Hierarchy>(h));
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      r.roots_[h] = {};
      if (errno == ENOENT || errno == ENOTDIR) continue;  // not in this hierarchy
      return ErrnoError("open " + dir, errno);
    }
    r.owned_dir_fds_.emplace_back(fd);
    r.dir_fd_count_.Add(1);
    r.dir_fds_[h] = fd;
    struct stat st {};
    if (::fstat(fd, &st) != 0) return ErrnoError("fstat " + dir, errno);
    r.dir_inodes_[h] = static_cast<uint64_t>(st.st_ino);
  }
  // Co-mounted hierarchies share their directory's inode too.
  for (size_t h = 0; h < kNumHierarchies; ++h) {
    for (size_t prev = 0; prev < h && r.dir_inodes_[h] == 0; ++prev) {
      if (!r.roots_[h].empty() && r.roots_[prev] == r.roots_[h]) {
        r.dir_inodes_[h] = r.dir_inodes_[prev];
      }
    }
  }

  // Primary hierarchy: the one discovery walks (layout.h), falling back to any that exists.
  std::array<Hierarchy, 3> preference = {Hierarchy::kMemory, Hierarchy::kUnified, Hierarchy::kPids};
  if (layout.mode == CgroupMode::kV2) preference[0] = Hierarchy::kUnified;
  bool found = false;
  for (Hierarchy h : preference) {
    if (r.dir_fd(h) >= 0) {
      r.primary_ = h;
      found = true;
      break;
    }
  }
  for (size_t h = 0; !found && h < kNumHierarchies; ++h) {
    if (r.dir_fds_[h] >= 0) {
      r.primary_ = static_cast<Hierarchy>(h);
      found = true;
    }
  }
  if (!found) {
    return NotFoundError("cgroup '" + r.relative_path_ + "' exists in no hierarchy of the " +
                         std::string(CgroupModeName(layout.mode)) + " layout");
  }
  // The sentinels this layout reads want fds before anything else (see the fd tiers).
  const auto usable = [&r](size_t i) {
    return r.InHierarchy(kFiles[i].hierarchy) && !r.files_[i].skip;
  };
  if (r.options_.keep_files_open) {
    if (usable(kUnifiedCpuStat)) {
      r.SetStarved(kUnifiedCpuStat, true);
    } else if (usable(kCpuacctUsage)) {
      r.SetStarved(kCpuacctUsage, true);
    }
    if (usable(kUnifiedMemoryCurrent)) {
      r.SetStarved(kUnifiedMemoryCurrent, true);
    } else if (usable(kV1MemoryUsage)) {
      r.SetStarved(kV1MemoryUsage, true);
    }
  }
  return r;
}

std::string CgroupReader::DirOf(Hierarchy h) const {
  std::string dir(roots_[static_cast<size_t>(h)]);
  if (!relative_path_.empty()) {
    dir += '/';
    dir += relative_path_;
  }
  return dir;
}

std::string CgroupReader::PathOf(Hierarchy h, const char* name) const {
  return DirOf(h) + "/" + name;
}

void CgroupReader::SetStarved(size_t file_index, bool starved) {
  FileState& state = files_[file_index];
  if (state.starved == starved) return;
  state.starved = starved;
  const FdTier tier = TierOf(file_index);
  if (tier == FdTier::kSlow) return;
  ProcessWideCount& count = tier == FdTier::kSentinel ? starved_sentinels_ : starved_per_tick_;
  if (starved) {
    count.Add(1);
  } else {
    count.Sub(1);
  }
}

Status CgroupReader::ReadOne(size_t file_index, Hierarchy h, const char* name) {
  FileState& state = files_[file_index];
  ++last_read_stats_.files_read;
  const FdTier tier = TierOf(file_index);
  if (state.fd.valid()) {
    Status s = PreadWhole(state.fd.get(), &ReadScratch());
    if (!s.ok()) {
      state.fd.Reset();  // ENODEV (removed) or an error: reopen next time
      SetStarved(file_index, false);
      return s.WithContext(name);
    }
    // Readers added since this file kept its fd may need the room for their sentinels (or, for
    // a slow file, their per-tick files): give it back. Each fd is looked at whenever its file
    // is read, so the excess drains within slow_file_every reads.
    if (tier != FdTier::kSentinel && KeptFileFdsInUse() > KeepCapFor(tier)) {
      state.fd.Reset();
      SetStarved(file_index, true);
    }
    return s;
  }
  const int dir = AcquireDirFd(h);
  if (dir < 0) return NotFoundError(std::string("open ") + name + ": cgroup directory gone");
  int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    SetStarved(file_index, false);
    return ErrnoError(std::string("open ") + name, errno);
  }
  ScopedFd owned(fd);
  Status s = PreadWhole(fd, &ReadScratch());
  bool starved = false;
  if (s.ok() && options_.keep_files_open) {
    starved = !state.fd.TryKeep(owned, KeepCapFor(tier));  // or closed with `owned`
  }
  SetStarved(file_index, starved);
  return s.WithContext(name);
}

int CgroupReader::AcquireDirFd(Hierarchy h) {
  const size_t hi = static_cast<size_t>(h);
  if (dir_fds_[hi] >= 0 || roots_[hi].empty()) return dir_fds_[hi];
  const std::string dir = DirOf(h);
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  struct stat st {};
  const bool opened = fd.valid() && ::fstat(fd.get(), &st) == 0;
  if (dir_inodes_[hi] == 0) {
    // Never opened (cpuacct, deferred by Open): missing now means not in this hierarchy.
    if (!opened) {
      roots_[hi] = {};
      return -1;
    }
    dir_inodes_[hi] = static_cast<uint64_t>(st.st_ino);
  } else if (!opened || static_cast<uint64_t>(st.st_ino) != dir_inodes_[hi]) {
    return -1;  // removed, or another cgroup under the same path: never read it as this one
  }
  const int raw = fd.get();
  for (size_t other = 0; other < kNumHierarchies; ++other) {
    if (roots_[other] == roots_[hi]) dir_fds_[other] = raw;  // co-mounts share it
  }
  owned_dir_fds_.push_back(std::move(fd));
  dir_fd_count_.Add(1);
  return raw;
}

void CgroupReader::ReleaseUnneededDirs(const std::bitset<64>& read_ok) {
  if (!options_.keep_files_open || owned_dir_fds_.size() <= 1) return;
  // Directory fds some file still opens files from (co-mounts share one fd).
  std::array<int, kNumHierarchies> needed;
  needed.fill(-1);
  for (size_t i = 0; i < kNumFiles; ++i) {
    const FileSpec& spec = kFiles[i];
    const FileState& state = files_[i];
    // A missing file due for its re-probe on the next read still needs the directory then.
    if (state.fd.valid() || state.skip || state.absent_until_read > reads_ + 1) continue;
    if (spec.fallback_for >= 0 && read_ok[static_cast<size_t>(spec.fallback_for)]) continue;
    needed[static_cast<size_t>(spec.hierarchy)] = dir_fd(spec.hierarchy);
  }
  const int primary_fd = dir_fd(primary_);
  for (size_t h = 0; h < kNumHierarchies; ++h) {
    const int fd = dir_fds_[h];
    if (fd < 0 || fd == primary_fd || std::find(needed.begin(), needed.end(), fd) != needed.end()) {
      continue;
    }
    for (int& slot : dir_fds_) {
      if (slot == fd) slot = -1;
    }
    std::erase_if(owned_dir_fds_, [fd](const ScopedFd& owned) { return owned.get() == fd; });
    dir_fd_count_.Sub(1);
  }
}

bool CgroupReader::CgroupRemoved() const {
  // Every cgroup directory of every version has cgroup.procs; once the cgroup is rmdir'ed, lookups
  // in its (still open) directory fail with ENOENT. fstatat, not faccessat: faccessat checks with
  // the real uid, so the kernel builds and frees a credentials copy per call (~10 us here, 3.6% of
  // the sampling thread at 1,000 containers while missing files were re-probed). The primary
  // directory is always open, so a removed cgroup is always seen; a directory closed while
  // unneeded is not looked up (AcquireDirFd refuses it if it went or was replaced).
  struct stat st {};
  for (size_t h = 0; h < kNumHierarchies; ++h) {
    if (dir_fds_[h] < 0) continue;
    if (::fstatat(dir_fds_[h], "cgroup.procs", &st, 0) != 0 && errno == ENOENT) return true;
  }
  return false;
}

int CgroupReader::ProbeSentinel(size_t i) {
  const FileSpec& spec = kFiles[i];
  FileState& state = files_[i];
  if (!InHierarchy(spec.hierarchy) || state.skip || state.absent_until_read > reads_) return -1;
  if (!ReadOne(i, spec.hierarchy, spec.name).ok()) return -1;
  const std::string& text = ReadScratch();
  const bool same = state.cached_valid && text == state.cached;
  if (!same) KeepText(&state.cached, text);
  state.cached_valid = true;
  state.read_at = reads_;
  return same ? 1 : 0;
}

bool CgroupReader::SentinelsUnchanged() {
  int cpu = ProbeSentinel(kUnifiedCpuStat);
  if (cpu < 0) cpu = ProbeSentinel(kCpuacctUsage);
  if (cpu == 0) return false;  // changed: no need to look at memory, the read is full anyway
  int memory = ProbeSentinel(kUnifiedMemoryCurrent);
  if (memory < 0) memory = ProbeSentinel(kV1MemoryUsage);
  return cpu == 1 && memory == 1;
}

void CgroupReader::UpdateForceFull(const CgroupSnapshot& snap) {
  // A stall in progress (some task blocked or starved) can go on without CPU use or memory
  // change, so while PSI totals advance between full reads, every read is full.
  uint64_t psi = 0;
  for (const std::optional<PressureStat>* p :
       {&snap.cpu_pressure, &snap.memory_pressure, &snap.io_pressure, &snap.irq_pressure}) {
    if (!*p) continue;
    if ((*p)->some) psi += (*p)->some->total;
    if ((*p)->full) psi += (*p)->full->total;
  }
  const bool stalling = psi != last_psi_total_;
  last_psi_total_ = psi;
  // Dirty or writeback pages: the flusher will write them back on the container's behalf.
  const bool writeback_pending = snap.memory_stat.Get("file_dirty").value_or(0) != 0 ||
                                 snap.memory_stat.Get("file_writeback").value_or(0) != 0;
  force_full_next_ = stalling || writeback_pending;
}

bool CgroupReader::KeptTextServes(size_t i, bool idle) const {
  const FileState& state = files_[i];
  const bool slow = kFiles[i].slow && options_.slow_file_every > 1;
  return state.cached_valid &&
         (state.read_at == reads_ || (slow && reads_ < state.next_read) || (idle && !slow));
}

bool CgroupReader::FilesDueOnIdleRead() const {
  // Read()'s loop on an idle read, without reading anything. A missing file due for its probe
  // has no kept text, so it counts as due too.
  for (size_t i = 0; i < kNumFiles; ++i) {
    const FileSpec& spec = kFiles[i];
    const FileState& state = files_[i];
    if (!InHierarchy(spec.hierarchy) || state.skip || state.absent_until_read > reads_) continue;
    if (spec.fallback_for >= 0 && last_read_ok_[static_cast<size_t>(spec.fallback_for)]) continue;
    if (!KeptTextServes(i, /*idle=*/true)) return true;
  }
  return false;
}

Status CgroupReader::Read(CgroupSnapshot* out) {
  const int64_t start_ns = clock_->MonotonicNs();
  const TimestampNs taken_at_ns = clock_->WallNs();
  ++reads_;
  last_read_stats_ = CgroupReadStats{};

  // Idle skip: decided before anything else is read (see CgroupReaderOptions). The periodic
  // full read is spread by inode so containers started together do not all read in one tick.
  const int64_t every = options_.idle_full_read_every;
  bool idle = false;
  if (every > 1 && !force_full_next_ &&
      (static_cast<uint64_t>(reads_) + inode()) % static_cast<uint64_t>(every) != 0) {
    idle = SentinelsUnchanged();
  }
  last_read_stats_.full = !idle;
  // Idle, and `*out` still holds what this reader produced last: every value would be parsed
  // from the same texts again (the sentinels are byte-identical, nothing else is due), so leave
  // them. Parsing ~90 kept lines per idle container per tick was 9% of the sampling thread at
  // 1,000 containers.
  if (idle && last_read_id_ != 0 && out->read_id == last_read_id_ && out->inode == inode() &&
      !FilesDueOnIdleRead()) {
    out->taken_at_ns = taken_at_ns;
    out->read_latency_ns = clock_->MonotonicNs() - start_ns;
    last_read_stats_.values_kept = true;
    return OkStatus();
  }

  // Reset every field, but keep last tick's memory.stat entries (~60) to parse into.
  MemoryStat stat_buffer = std::move(out->memory_stat);
  *out = CgroupSnapshot();
  out->taken_at_ns = taken_at_ns;
  out->inode = inode();
  last_read_id_ = 0;

  // v1 memory.stat before renaming: only needed for the moment between parse and rename, so one
  // per thread rather than one per reader (~70 entries each, at 1,000 containers 1.7 MiB).
  thread_local MemoryStat v1_stat_scratch;
  ApplyContext ctx{
      .out = out, .stat_buffer = &stat_buffer, .v1_scratch = &v1_stat_scratch, .pending = {}};
  std::bitset<64> read_ok;  // kNumFiles <= 64 (checked in Open)
  bool missing_any = false;
  Status first_parse_error;
  for (size_t i = 0; i < kNumFiles; ++i) {
    const FileSpec& spec = kFiles[i];
    if (spec.fallback_for >= 0 && read_ok[static_cast<size_t>(spec.fallback_for)]) continue;
    if (!InHierarchy(spec.hierarchy)) continue;
    FileState& state = files_[i];
    if (state.skip || state.absent_until_read > reads_) continue;
    const bool slow = spec.slow && options_.slow_file_every > 1;
    const bool use_cached = KeptTextServes(i, idle);
    if (!use_cached) {
      Status s = ReadOne(i, spec.hierarchy, spec.name);
      if (s.code() == StatusCode::kNotFound) {
        missing_any = true;
        state.cached_valid = false;
        SetStarved(i, false);
        state.absent_until_read = reads_ + std::max(1, options_.absent_reprobe_every);
        continue;
      }
      if (!s.ok()) return s.WithContext(DirOf(spec.hierarchy));
      state.absent_until_read = 0;
      if (slow) {
        // The first read is spread by inode over the period, so readers opened in the same tick
        // (every container at start-up) do not all re-read their slow files in the same tick.
        const int64_t slow_every = options_.slow_file_every;
        state.next_read =
            reads_ + (reads_ == 1 ? 1 + static_cast<int64_t>(inode() % slow_every) : slow_every);
      }
      if (slow || every > 1) {
        KeepText(&state.cached, ReadScratch());
        state.cached_valid = true;
        state.read_at = reads_;
      }
    }
    const std::string_view text =
        (use_cached || slow || every > 1) ? std::string_view(state.cached) : ReadScratch();
    Status parsed = spec.apply(text, ctx);
    if (!parsed.ok()) {
      state.cached_valid = false;  // read it again next tick
      // Keep going: the caller may still use the other files' values (see header).
      if (first_parse_error.ok())
        first_parse_error = parsed.WithContext(PathOf(spec.hierarchy, spec.name));
      continue;
    }
    read_ok[i] = true;
  }
  if (missing_any && CgroupRemoved()) {
    return NotFoundError(primary_dir() + ": cgroup removed");
  }
  ReleaseUnneededDirs(read_ok);
  Finish(ctx);
  if (!idle) UpdateForceFull(*out);
  last_read_ok_ = read_ok;
  if (first_parse_error.ok()) {
    out->read_id = last_read_id_ = g_next_read_id.fetch_add(1, std::memory_order_relaxed);
  } else {
    // A parse error anywhere: read everything again next time rather than carry a gap.
    force_full_next_ = true;
  }
  out->read_latency_ns = clock_->MonotonicNs() - start_ns;
  return first_parse_error;
}

Result<CgroupSnapshot> CgroupReader::Read() {
  CgroupSnapshot snap;
  FGM_RETURN_IF_ERROR(Read(&snap));
  return snap;
}

Result<std::vector<int32_t>> CgroupReader::ReadPids() {
  std::string& scratch = ReadScratch();
  Status s = ReadFileAt(dir_fd(primary_), "cgroup.procs", &scratch, EofRule::kReadUntilZero);
  if (s.code() == StatusCode::kNotFound) {
    ReleaseScratchIfHuge();
    return NotFoundError(primary_dir() + ": cgroup removed");
  }
  if (!s.ok()) {
    ReleaseScratchIfHuge();
    return s.WithContext(primary_dir());
  }
  Result<std::vector<int32_t>> pids = ParseCgroupProcs(scratch);
  ReleaseScratchIfHuge();
  if (!pids.ok()) return pids.error().WithContext(PathOf(primary_, "cgroup.procs"));
  return pids;
}

size_t CgroupReader::open_file_fds_for_testing() const {
  size_t n = 0;
  for (const FileState& f : files_) n += f.fd.valid() ? 1 : 0;
  return n;
}

size_t CgroupReader::kept_text_bytes_for_testing() const {
  size_t n = 0;
  for (const FileState& f : files_) n += f.cached.capacity();
  return n;
}

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// Typed parsers for /proc/<pid>/stat and /proc/<pid>/status (proc(5)), and ProcDir, which reads
// per-PID files under a host root ("/host/proc/<pid>/...") with one reused buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/file.h"
#include "core/result.h"

namespace fgm::collector {

/// The fields of /proc/<pid>/stat the collector uses (proc(5) numbering in comments).
struct ProcPidStat {
  int32_t pid = 0;          ///< (1)
  std::string comm;         ///< (2) without the parentheses; may contain spaces and ')'
  char state = '?';         ///< (3) R, S, D, Z, T, t, X, I, ...
  int32_t ppid = 0;         ///< (4)
  uint64_t minflt = 0;      ///< (10)
  uint64_t majflt = 0;      ///< (12)
  uint64_t utime = 0;       ///< (14) clock ticks (USER_HZ)
  uint64_t stime = 0;       ///< (15) clock ticks (USER_HZ)
  int64_t num_threads = 0;  ///< (20)
  uint64_t starttime = 0;   ///< (22) clock ticks after boot; with pid, identifies a process
  uint64_t vsize = 0;       ///< (23) bytes
  int64_t rss = 0;          ///< (24) pages (sysconf(_SC_PAGESIZE) bytes each)
};

/// Parses the one-line stat file. comm is taken between the first '(' and the LAST ')', since a
/// process can name itself "a) R 1 (b". kInvalidFormat when the shape or a number is wrong or
/// fewer than 24 fields are present.
Result<ProcPidStat> ParseProcPidStat(std::string_view text);

/// The memory lines of /proc/<pid>/status, kernel names and unit (kB). Cheap (no page-table
/// walk, unlike smaps_rollup): VmRSS = RssAnon + RssFile + RssShmem from per-mm counters.
// NOLINTBEGIN(readability-identifier-naming): kernel key names, on purpose.
struct ProcPidStatus {
  std::optional<uint64_t> VmHWM;
  std::optional<uint64_t> VmRSS;
  std::optional<uint64_t> RssAnon;
  std::optional<uint64_t> RssFile;
  std::optional<uint64_t> RssShmem;
  std::optional<uint64_t> VmSwap;
  std::optional<uint64_t> Threads;  ///< a count, not kB
};
// NOLINTEND(readability-identifier-naming)

/// Parses "Key:\tvalue[ kB]" lines, ignoring keys not in ProcPidStatus (Name, Uid, Cpus_allowed,
/// ...). kInvalidFormat on an empty file, a line without ':', or a bad number on a known key.
/// Kernel threads have no Vm* lines: those fields stay absent.
Result<ProcPidStatus> ParseProcPidStatus(std::string_view text);

/// The first three fields of /proc/<pid>/statm (proc(5)), in pages. Cheap per-mm counters (no
/// page-table walk): resident = anon + file + shmem pages, shared = file + shmem pages.
struct ProcPidStatm {
  uint64_t size = 0;
  uint64_t resident = 0;
  uint64_t shared = 0;
  bool operator==(const ProcPidStatm&) const = default;
};
/// Parses "size resident shared text lib data dt". kInvalidFormat when a field is missing or not
/// a number.
Result<ProcPidStatm> ParseProcPidStatm(std::string_view text);

/// Reads per-PID files under <host_root>/proc. Holds an O_DIRECTORY fd of that /proc, so each
/// read is one openat("<pid>/<file>") + pread + close. Move-only, not thread-safe.
class ProcDir {
 public:
  /// kNotFound when <host_root>/proc does not exist.
  static Result<ProcDir> Open(std::string_view host_root);

  /// Reads /proc/<pid>/<file> whole into *buf. kNotFound when the process is gone (ENOENT/ESRCH).
  Status ReadPidFile(int32_t pid, const char* file, std::string* buf) const;

  Result<ProcPidStat> ReadStat(int32_t pid, std::string* buf) const;
  Result<ProcPidStatus> ReadStatus(int32_t pid, std::string* buf) const;

  const std::string& proc_root() const { return proc_root_; }

 private:
  ProcDir() = default;
  ScopedFd dir_;
  std::string proc_root_;
};

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// The I/O half of the cgroupfs readers: read one kernel file, whole, into a reused buffer, with
// errors that say which file and whether it vanished. Parsing is elsewhere (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace fgm::collector {

/// Upper bound on one cgroupfs file. The biggest files we read are cgroup.procs (about 8 bytes per
/// process) and io.stat (about 100 bytes per device); 16 MiB is two million processes, so hitting
/// it means something is wrong, and a runaway file must not eat the collector's memory.
inline constexpr size_t kMaxCgroupFileBytes = 16u << 20;

/// How to tell the end of a file.
enum class EofRule {
  /// Files printed by ONE seq_file show() call (every cgroup stat/limit/pressure file, and
  /// /proc/<pid>/{stat,status,smaps_rollup}): the kernel sizes its buffer to the whole text and
  /// copies as much as the request holds, so a short read is the end and one pread is enough.
  kShortReadIsEof,
  /// Files printed record by record (cgroup.procs, cgroup.threads, tasks): each read returns at
  /// most one seq_file page (4 KiB) of records, so keep reading until read() returns 0.
  kReadUntilZero,
};

/// Reads all of `fd` from offset 0 into `*buf` (resized; its capacity is reused across calls).
/// pread at 0 on a kept-open kernfs/procfs file regenerates its content. kNotFound on
/// ENODEV/ENOENT/ESRCH (the cgroup or process went away after the open), kResourceExhausted above
/// kMaxCgroupFileBytes, kIo otherwise.
Status PreadWhole(int fd, std::string* buf, EofRule eof = EofRule::kShortReadIsEof);

/// openat(dir_fd, name) + PreadWhole + close. kNotFound when the file does not exist (a controller
/// that is not enabled, or a removed cgroup) or vanishes mid-read. The message names `name`; the
/// caller adds the directory.
Status ReadFileAt(int dir_fd, const char* name, std::string* buf,
                  EofRule eof = EofRule::kShortReadIsEof);

/// ReadFileAt + `parse`. Parse errors get "<name>: " prefixed.
template <typename T>
Result<T> ReadParsedAt(int dir_fd, const char* name, Result<T> (*parse)(std::string_view),
                       std::string* buf) {
  FGM_RETURN_IF_ERROR(ReadFileAt(dir_fd, name, buf));
  Result<T> parsed = parse(*buf);
  if (!parsed.ok()) return parsed.error().WithContext(name);
  return parsed;
}

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// SelfStatsReader: the monitor's own CPU time and resident memory, read every tick so FGM's
// overhead shows up in its own data (MonitorSelfSample in sample.h). Two cheap reads: getrusage
// and one pread of a kept-open /proc/self/statm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collector/sample.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/result.h"

namespace fgm::collector {

/// Samples this process. Not thread-safe (one collector thread). `clock` must outlive it.
class SelfStatsReader {
 public:
  explicit SelfStatsReader(const Clock& clock);

  /// Fills cpu_usage_usec, cpu_millicores (against the previous call; absent on the first) and
  /// rss_bytes (0 if /proc/self/statm cannot be read). Leaves the other fields alone.
  ///
  /// CPU comes from getrusage(RUSAGE_SELF) rather than /proc/self/stat utime+stime: the same
  /// quantity (all threads, user + system), but in microseconds from the scheduler's precise
  /// runtime, whereas stat's USER_HZ ticks are 10 ms: at 1 Hz that is +-10 millicores of noise
  /// on a monitor that itself uses about that much.
  void Sample(MonitorSelfSample* out);

 private:
  const Clock* clock_;
  ScopedFd statm_fd_;
  std::string buf_;
  int64_t page_size_ = 4096;
  bool has_prev_ = false;
  uint64_t prev_cpu_usec_ = 0;
  int64_t prev_mono_ns_ = 0;
};

}  // namespace fgm::collector

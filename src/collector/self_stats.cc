// SPDX-License-Identifier: Apache-2.0
// The monitor's own CPU and RSS (see self_stats.h).
#include "collector/self_stats.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "collector/cgroupfs/cgroup_file.h"
#include "collector/procfs/pid_stat.h"
#include "core/strings.h"

namespace fgm::collector {

SelfStatsReader::SelfStatsReader(const Clock& clock) : clock_(&clock) {
  // Kept open: procfs regenerates the text on every pread at offset 0, and "self" was resolved
  // to this process at open time, which is what we want.
  int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) statm_fd_.Reset(fd);
  long page = ::sysconf(_SC_PAGESIZE);
  if (page > 0) page_size_ = page;
}

void SelfStatsReader::Sample(MonitorSelfSample* out) {
  struct rusage ru {};
  const int64_t mono_ns = clock_->MonotonicNs();
  if (::getrusage(RUSAGE_SELF, &ru) == 0) {
    const auto usec = [](const timeval& tv) {
      return static_cast<uint64_t>(tv.tv_sec) * 1'000'000u + static_cast<uint64_t>(tv.tv_usec);
    };
    out->cpu_usage_usec = usec(ru.ru_utime) + usec(ru.ru_stime);
  }
  out->cpu_millicores.reset();
  if (has_prev_ && mono_ns > prev_mono_ns_ && out->cpu_usage_usec >= prev_cpu_usec_) {
    // usec of CPU per usec of wall time, times 1000 millicores.
    out->cpu_millicores = static_cast<double>(out->cpu_usage_usec - prev_cpu_usec_) * 1e6 /
                          static_cast<double>(mono_ns - prev_mono_ns_);
  }
  has_prev_ = true;
  prev_cpu_usec_ = out->cpu_usage_usec;
  prev_mono_ns_ = mono_ns;

  out->rss_bytes = 0;
  if (statm_fd_.valid() && PreadWhole(statm_fd_.get(), &buf_).ok()) {
    Result<ProcPidStatm> statm = ParseProcPidStatm(buf_);
    if (statm.ok()) out->rss_bytes = statm->resident * static_cast<uint64_t>(page_size_);
  }
}

}  // namespace fgm::collector

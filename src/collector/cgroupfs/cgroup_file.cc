// SPDX-License-Identifier: Apache-2.0
// Whole-file reads of cgroupfs files into reused buffers (see cgroup_file.h).
#include "collector/cgroupfs/cgroup_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/file.h"

namespace fgm::collector {

Status PreadWhole(int fd, std::string* buf, EofRule eof) {
  // 4 KiB holds every per-cgroup file except a large cgroup.procs or io.stat; it is also the
  // kernfs seq_file's first buffer size, so a smaller request would not save the kernel work.
  constexpr size_t kInitialBytes = 4096;
  buf->resize(std::max(buf->capacity(), kInitialBytes));
  size_t used = 0;
  while (true) {
    ssize_t n = ::pread(fd, buf->data() + used, buf->size() - used, static_cast<off_t>(used));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      buf->clear();
      return ErrnoError("read", err);  // ENODEV/ENOENT map to kNotFound
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
    if (eof == EofRule::kShortReadIsEof && used < buf->size()) break;
    if (used < buf->size()) continue;  // kReadUntilZero: room left, read on
    if (buf->size() >= kMaxCgroupFileBytes) {
      buf->clear();
      return ResourceExhaustedError("file larger than " + std::to_string(kMaxCgroupFileBytes) +
                                    " bytes");
    }
    buf->resize(std::min(buf->size() * 2, kMaxCgroupFileBytes));
  }
  buf->resize(used);
  return OkStatus();
}

Status ReadFileAt(int dir_fd, const char* name, std::string* buf, EofRule eof) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(std::string("open ") + name, errno);
  ScopedFd owned(fd);
  return PreadWhole(fd, buf, eof).WithContext(name);
}

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// File helpers: an owning fd, whole-file reads into reusable buffers (pread at offset 0, as the
// collector re-reads the same kernel files every tick) and crash-safe atomic writes.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "core/status.h"

namespace fgm {

/// Owns a file descriptor; closes it on destruction. Move-only. Not thread-safe.
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// Opens `path` read-only with O_CLOEXEC. kNotFound if it does not exist.
Result<ScopedFd> OpenReadOnly(const std::string& path);
/// openat(dir_fd, name, O_RDONLY|O_CLOEXEC).
Result<ScopedFd> OpenAtReadOnly(int dir_fd, const char* name);

/// Reads the whole file behind `fd` from offset 0 with pread into `*out` (resized; capacity reused).
/// Stops at `max_bytes` with kResourceExhausted so a runaway file cannot exhaust memory.
Status ReadFdFully(int fd, std::string* out, size_t max_bytes = 64 << 20);

/// Reads a whole file by path.
Result<std::string> ReadFileToString(const std::string& path, size_t max_bytes = 1ull << 31);

/// Writes `data` to `path` so that readers see either the old file or the complete new one: write
/// to `path.tmp.<pid>`, fsync, rename, fsync the directory.
Status WriteFileAtomically(const std::string& path, std::string_view data);

/// Writes all of `data` at the current offset of `fd`, retrying short writes and EINTR.
Status WriteAll(int fd, std::string_view data);

/// mkdir -p.
Status MakeDirs(const std::string& path);

/// Directory part of a path ("a/b/c" -> "a/b", "c" -> ".").
std::string DirName(std::string_view path);
/// Last component of a path.
std::string BaseName(std::string_view path);

}  // namespace fgm

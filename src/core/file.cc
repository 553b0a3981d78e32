// SPDX-License-Identifier: Apache-2.0
#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace fgm {

void ScopedFd::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Result<ScopedFd> OpenReadOnly(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  return ScopedFd(fd);
}

Result<ScopedFd> OpenAtReadOnly(int dir_fd, const char* name) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(std::string("openat ") + name, errno);
  return ScopedFd(fd);
}

Status ReadFdFully(int fd, std::string* out, size_t max_bytes) {
  // Kernel pseudo-files report size 0, so grow the buffer until a read returns 0 (EOF). The buffer
  // may hold one byte more than max_bytes: that byte tells "exactly at the limit" from "over it".
  if (out->capacity() < 4096) out->reserve(4096);
  out->resize(std::min(out->capacity(), max_bytes + 1));
  size_t used = 0;
  while (true) {
    if (used == out->size()) {
      if (used > max_bytes) {
        out->clear();
        return ResourceExhaustedError("file larger than " + std::to_string(max_bytes) + " bytes");
      }
      out->resize(std::min(max_bytes + 1, out->size() * 2));
    }
    ssize_t n = ::pread(fd, out->data() + used, out->size() - used, static_cast<off_t>(used));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      out->clear();
      return ErrnoError("read", err);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > max_bytes) {
    out->clear();
    return ResourceExhaustedError("file larger than " + std::to_string(max_bytes) + " bytes");
  }
  out->resize(used);
  return OkStatus();
}

Result<std::string> ReadFileToString(const std::string& path, size_t max_bytes) {
  FGM_ASSIGN_OR_RETURN(ScopedFd fd, OpenReadOnly(path));
  std::string data;
  FGM_RETURN_IF_ERROR(ReadFdFully(fd.get(), &data, max_bytes).WithContext(path));
  return data;
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

Status WriteFileAtomically(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create " + tmp, errno);
  ScopedFd owned(fd);
  Status status = WriteAll(fd, data);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoError("fsync", errno);
  owned.Reset();
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoError("rename to " + path, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status.WithContext(path);
  }
  int dir = ::open(DirName(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // best effort: the rename is durable once the directory entry is
    ::close(dir);
  }
  return OkStatus();
}

Status MakeDirs(const std::string& path) {
  if (path.empty()) return OkStatus();
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoError("mkdir " + partial, errno);
    }
  }
  return OkStatus();
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace fgm

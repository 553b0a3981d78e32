// SPDX-License-Identifier: Apache-2.0
// File and memory implementations of RandomAccessSource.
#include "parquet/reader/random_access_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/file.h"

namespace fgm::parquet {
namespace {

Status RangeError(const std::string& name, uint64_t offset, size_t length, uint64_t size) {
  return CorruptError(name + ": read of " + std::to_string(length) + " bytes at offset " +
                      std::to_string(offset) + " is past the end of the " + std::to_string(size) +
                      "-byte file");
}

bool InRange(uint64_t offset, size_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

class FileSource final : public RandomAccessSource {
 public:
  FileSource(ScopedFd fd, uint64_t size, std::string path)
      : fd_(std::move(fd)), size_(size), path_(std::move(path)) {}

  uint64_t Size() const override { return size_; }
  const std::string& name() const override { return path_; }

  Status ReadAt(uint64_t offset, size_t length, std::string* out) const override {
    if (!InRange(offset, length, size_)) return RangeError(path_, offset, length, size_);
    out->resize(length);
    size_t done = 0;
    while (done < length) {
      ssize_t n =
          ::pread(fd_.get(), out->data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("pread " + path_, errno);
      }
      if (n == 0) {
        return IoError(path_ + ": file shrank while reading (EOF at offset " +
                       std::to_string(offset + done) + ")");
      }
      done += static_cast<size_t>(n);
    }
    return OkStatus();
  }

 private:
  ScopedFd fd_;
  uint64_t size_;
  std::string path_;
};

class MemorySource : public RandomAccessSource {
 public:
  MemorySource(std::string_view data, std::string name) : data_(data), name_(std::move(name)) {}

  uint64_t Size() const override { return data_.size(); }
  const std::string& name() const override { return name_; }

  Status ReadAt(uint64_t offset, size_t length, std::string* out) const override {
    if (!InRange(offset, length, data_.size())) {
      return RangeError(name_, offset, length, data_.size());
    }
    out->assign(data_.data() + offset, length);
    return OkStatus();
  }

  Result<std::string_view> Read(uint64_t offset, size_t length, std::string*) const override {
    if (!InRange(offset, length, data_.size())) {
      return RangeError(name_, offset, length, data_.size());
    }
    return data_.substr(offset, length);
  }

 protected:
  void set_data(std::string_view data) { data_ = data; }

 private:
  std::string_view data_;
  std::string name_;
};

class OwnedMemorySource final : public MemorySource {
 public:
  OwnedMemorySource(std::string data, std::string name)
      : MemorySource(std::string_view(), std::move(name)), owned_(std::move(data)) {
    set_data(owned_);
  }

 private:
  std::string owned_;
};

}  // namespace

Result<std::string_view> RandomAccessSource::Read(uint64_t offset, size_t length,
                                                  std::string* scratch) const {
  FGM_RETURN_IF_ERROR(ReadAt(offset, length, scratch));
  return std::string_view(*scratch);
}

Result<std::unique_ptr<RandomAccessSource>> OpenFileSource(const std::string& path) {
  FGM_ASSIGN_OR_RETURN(ScopedFd fd, OpenReadOnly(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("fstat " + path, errno);
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError(path + ": not a regular file");
  return std::unique_ptr<RandomAccessSource>(
      new FileSource(std::move(fd), static_cast<uint64_t>(st.st_size), path));
}

std::unique_ptr<RandomAccessSource> MakeMemorySource(std::string_view data, std::string name) {
  return std::make_unique<MemorySource>(data, std::move(name));
}

std::unique_ptr<RandomAccessSource> MakeOwnedMemorySource(std::string data, std::string name) {
  return std::make_unique<OwnedMemorySource>(std::move(data), std::move(name));
}

}  // namespace fgm::parquet

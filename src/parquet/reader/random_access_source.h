// SPDX-License-Identifier: Apache-2.0
// RandomAccessSource: where the Parquet reader gets its bytes. A file (pread on an fd kept open)
// for the native viewer and tools, or a byte buffer owned by the caller for the WebAssembly engine,
// which receives whole files as ArrayBuffers and has no real filesystem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"

namespace fgm::parquet {

/// A fixed-size, random-access byte source. Implementations must allow concurrent ReadAt()/Read()
/// calls from several threads (pread and memory reads both do), so one FileReader can serve
/// parallel column reads.
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;

  /// Total size in bytes, fixed for the source's lifetime (a file that grows later is not seen).
  virtual uint64_t Size() const = 0;

  /// Reads exactly `length` bytes at `offset` into *out (resized to `length`; its capacity is
  /// reused). kCorrupt when [offset, offset + length) is not inside [0, Size()) — the reader only
  /// asks for ranges the file's metadata claims exist, so a range past the end means a lying file;
  /// kIo when the OS read fails or the file shrank under us.
  virtual Status ReadAt(uint64_t offset, size_t length, std::string* out) const = 0;

  /// Like ReadAt but may avoid the copy: memory-backed sources return a view into their own bytes
  /// (valid as long as the source lives); others read into *scratch and return a view of it (valid
  /// until *scratch changes). Same error codes as ReadAt.
  virtual Result<std::string_view> Read(uint64_t offset, size_t length, std::string* scratch) const;

  /// A short name for error messages (the path, or "<memory>").
  virtual const std::string& name() const = 0;
};

/// Opens `path` read-only; the fd stays open until the source is destroyed. kNotFound / kIo on
/// failure (the message names the path).
Result<std::unique_ptr<RandomAccessSource>> OpenFileSource(const std::string& path);

/// A source over bytes the caller owns; `data` must stay valid and unchanged for the lifetime of
/// the source and of every reader built on it. Reads are zero-copy.
std::unique_ptr<RandomAccessSource> MakeMemorySource(std::string_view data,
                                                     std::string name = "<memory>");

/// A source that owns its bytes (moved in), for callers that have a std::string to hand over.
std::unique_ptr<RandomAccessSource> MakeOwnedMemorySource(std::string data,
                                                          std::string name = "<memory>");

}  // namespace fgm::parquet

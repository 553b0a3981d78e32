// SPDX-License-Identifier: Apache-2.0
// Journal: the monitor's write-ahead log. Every flush interval (default 2 s) the rows sampled since
// the last flush are appended as one record and fdatasync'ed, so a SIGKILL loses at most that much.
// When the rows become a Parquet segment the journal is deleted. On start, journals left by a crash
// are turned into segments (see DatasetWriter), and the viewer reads live journals for the newest
// seconds.
//
// File: "FGMJ" + u32 version + u32 identifier length + identifier, then records: u32 payload
// length, u32 CRC-32 of the payload, u32 decompressed length, payload (ZSTD-compressed rows). A
// torn or corrupt tail ends the readable part; everything before it is intact because each record
// is checked independently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/file.h"
#include "core/result.h"
#include "store/row.h"

namespace fgm::store {

/// Appends records to one journal file. Not thread-safe.
class JournalWriter {
 public:
  /// Creates `path` (truncating) and writes the header, which records the dataset identifier the
  /// rows belong to (a restarted DaemonSet pod has a new name; its predecessor's journal must still
  /// land in the predecessor's partition).
  static Result<JournalWriter> Create(const std::string& path, std::string_view identifier);
  JournalWriter(JournalWriter&&) = default;
  JournalWriter& operator=(JournalWriter&&) = default;

  /// Appends rows [begin, end) of `rows` as records of up to 512 rows (written, not synced: they
  /// survive the process being killed, not the machine losing power). On failure (ENOSPC) the file
  /// is truncated back to its last good length so later appends stay readable.
  Status Append(const RowBuffer& rows, size_t begin, size_t end);
  /// fdatasyncs what Append wrote since the last Sync (nothing to do when nothing was).
  Status Sync();
  const std::string& path() const { return path_; }
  int64_t bytes() const { return length_; }

 private:
  JournalWriter(std::string path, ScopedFd fd, int64_t length)
      : path_(std::move(path)), fd_(std::move(fd)), length_(length) {}
  std::string path_;
  ScopedFd fd_;
  int64_t length_ = 0;
  bool unsynced_ = false;
};

struct JournalContents {
  std::string identifier;
  RowBuffer rows;
  /// True when the file ended in a torn or corrupt record (expected after a crash mid-append).
  bool truncated_tail = false;
};

/// Reads every intact record of a journal. kCorrupt only when the header itself is wrong.
Result<JournalContents> ReadJournal(const std::string& path);
/// Same, from bytes (tests, fuzzing).
Result<JournalContents> ParseJournal(std::string_view bytes);

/// Serialization of rows, shared by the journal and tests. Appends to *out.
void EncodeRows(const RowBuffer& rows, size_t begin, size_t end, std::string* out);
/// Decodes rows produced by EncodeRows into *rows. kCorrupt on malformed input.
Status DecodeRows(std::string_view data, RowBuffer* rows);

}  // namespace fgm::store

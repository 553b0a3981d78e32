// SPDX-License-Identifier: Apache-2.0
// Status: the error type of every fallible FGM function. Expected failures (bad input, vanished
// files, I/O errors) are returned, never thrown. Modelled on Perfetto's base::Status and
// absl::Status.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace fgm {

enum class StatusCode : int {
  kOk = 0,
  kNotFound,         // a file or object does not exist (often normal: a cgroup vanished)
  kInvalidArgument,  // the caller passed something unusable (bad flag, bad HTTP parameter)
  kInvalidFormat,    // input bytes do not follow the expected syntax (malformed cgroup line)
  kCorrupt,          // a structurally invalid file (a Parquet footer that lies)
  kIo,               // the OS refused a read or write (EIO, ENOSPC, EACCES)
  kUnsupported,  // valid input that we do not handle (nested Parquet schema, missing controller)
  kResourceExhausted,  // a limit was hit (allocation cap, request size)
  kInternal,           // a bug in FGM
  kCancelled,          // work abandoned on request (shutdown deadline)
};

/// Human-readable name of a code, e.g. "InvalidFormat".
std::string_view StatusCodeName(StatusCode code);

/// Status is an error code plus a message. The default-constructed Status is OK. Cheap to copy when
/// OK (empty string). Not thread-safe to mutate concurrently, like any value type.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// "InvalidFormat: cpu.stat: line 3: expected 'key value'" (or "OK").
  std::string ToString() const;

  /// Returns a copy whose message is prefixed with `context: `; used to add paths while an error
  /// travels up. An OK status stays OK.
  Status WithContext(std::string_view context) const;

  /// Marks a Status as deliberately ignored.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status InvalidFormatError(std::string m) {
  return {StatusCode::kInvalidFormat, std::move(m)};
}
inline Status CorruptError(std::string m) { return {StatusCode::kCorrupt, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIo, std::move(m)}; }
inline Status UnsupportedError(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status CancelledError(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }

/// IoError from errno: "<what>: <strerror(errno_value)>".
Status ErrnoError(std::string_view what, int errno_value);

}  // namespace fgm

// SPDX-License-Identifier: Apache-2.0
#include "core/status.h"

#include <cerrno>
#include <cstring>

namespace fgm {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kNotFound:
      return "NotFound";
    case StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case StatusCode::kInvalidFormat:
      return "InvalidFormat";
    case StatusCode::kCorrupt:
      return "Corrupt";
    case StatusCode::kIo:
      return "IoError";
    case StatusCode::kUnsupported:
      return "Unsupported";
    case StatusCode::kResourceExhausted:
      return "ResourceExhausted";
    case StatusCode::kInternal:
      return "Internal";
    case StatusCode::kCancelled:
      return "Cancelled";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

Status ErrnoError(std::string_view what, int errno_value) {
  std::string m(what);
  m += ": ";
  m += std::strerror(errno_value);
  StatusCode code = StatusCode::kIo;
  if (errno_value == ENOENT || errno_value == ENODEV || errno_value == ESRCH) {
    code = StatusCode::kNotFound;
  }
  return Status(code, std::move(m));
}

}  // namespace fgm

// SPDX-License-Identifier: Apache-2.0
// FGM_CHECK: always-on invariant checks that abort with a message. Use only where going on would
// write corrupt data or where a caller broke a documented precondition; never for conditions that the
// environment (files, users, the kernel) can cause — those return a Status. FGM_DCHECK is debug-only.
#pragma once

#include <sstream>

namespace fgm::internal {

/// Collects a streamed message and aborts in its destructor. Only built when a check fails.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

/// Swallows the stream expression when the check passes (glog's trick for `<<` after a check).
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace fgm::internal

#define FGM_CHECK(condition)                    \
  (condition) ? (void)0                         \
              : ::fgm::internal::Voidify() &    \
                    ::fgm::internal::CheckFailure(__FILE__, __LINE__, #condition).stream()

#ifdef NDEBUG
#define FGM_DCHECK(condition) \
  true ? (void)0 : ::fgm::internal::Voidify() & ::fgm::internal::CheckFailure("", 0, "").stream()
#else
#define FGM_DCHECK(condition) FGM_CHECK(condition)
#endif

// SPDX-License-Identifier: Apache-2.0
// StringInterner (see intern.h).
#include "core/intern.h"

namespace fgm {

std::string_view StringInterner::Intern(std::string_view s) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = strings_.find(s);
  if (it != strings_.end()) return *it;
  if (strings_.size() >= max_strings_) return {};
  return *strings_.emplace(s).first;
}

size_t StringInterner::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return strings_.size();
}

}  // namespace fgm

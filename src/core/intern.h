// SPDX-License-Identifier: Apache-2.0
// StringInterner: one process-lifetime copy of each distinct string, handed out as string_views,
// for the few names that thousands of objects would otherwise each copy (memory.stat keys in every
// container snapshot, cgroup mount roots in every reader).
//
//   static StringInterner* names = new StringInterner(/*max_strings=*/1024);
//   std::string_view key = names->Intern(text);  // "" once 1024 distinct strings are held
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace fgm {

/// Thread-safe. Views stay valid while the interner lives (interners are meant to be leaked
/// statics, so: for the life of the process).
class StringInterner {
 public:
  /// `max_strings` bounds memory when the strings come from input that may be garbage.
  explicit StringInterner(size_t max_strings) : max_strings_(max_strings) {}
  StringInterner(const StringInterner&) = delete;
  StringInterner& operator=(const StringInterner&) = delete;

  /// The interned copy of `s`; "" when `s` is new and max_strings are already held.
  std::string_view Intern(std::string_view s);
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const size_t max_strings_;
  mutable std::mutex mutex_;
  // Node-based: the strings never move when the set grows.
  std::unordered_set<std::string, Hash, std::equal_to<>> strings_;
};

}  // namespace fgm

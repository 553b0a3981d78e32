// SPDX-License-Identifier: Apache-2.0
#include "core/intern.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace fgm {
namespace {

TEST(StringInterner, OneStableCopyPerDistinctString) {
  StringInterner interner(16);
  std::string text = "memory.stat";
  std::string_view a = interner.Intern(text);
  text = "overwritten";
  EXPECT_EQ(a, "memory.stat");
  EXPECT_EQ(interner.Intern(std::string("memory.stat")).data(), a.data());
  for (int i = 0; i < 10; ++i) interner.Intern("k" + std::to_string(i));  // the set rehashes
  EXPECT_EQ(interner.Intern("memory.stat").data(), a.data());
  EXPECT_EQ(interner.size(), 11u);
}

TEST(StringInterner, NewStringsPastTheBoundAreRefused) {
  StringInterner interner(2);
  EXPECT_EQ(interner.Intern("a"), "a");
  EXPECT_EQ(interner.Intern("b"), "b");
  EXPECT_EQ(interner.Intern("c"), "");
  EXPECT_EQ(interner.Intern("a"), "a");  // known strings are still found
  EXPECT_EQ(interner.size(), 2u);
}

TEST(StringInterner, ConcurrentInternersAgree) {
  StringInterner interner(1024);
  std::vector<std::thread> threads;
  std::vector<std::vector<const char*>> seen(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        seen[t].push_back(interner.Intern("s" + std::to_string(i)).data());
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < 4; ++t) EXPECT_EQ(seen[t], seen[0]);
  EXPECT_EQ(interner.size(), 200u);
}

}  // namespace
}  // namespace fgm

// SPDX-License-Identifier: Apache-2.0
// Unit tests for memory.stat (v2, v1 + renaming), memory.events and memory.oom_control parsers.
#include "collector/cgroupfs/memory_stat.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace fgm::collector {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kV2MemoryStat = R"(anon 69206016
file 25165824
kernel 3145728
kernel_stack 589824
pagetables 811008
shmem 12288
file_mapped 12988416
file_dirty 24576
inactive_anon 69193728
active_anon 24576
inactive_file 12582912
active_file 12582912
slab_reclaimable 786432
slab_unreclaimable 1179648
slab 1966080
workingset_refault_file 9
pgfault 296295
pgmajfault 36
)";

// Captured from this host (capture.sh), shortened: local keys, hierarchical limits, total_* keys.
constexpr std::string_view kV1MemoryStat = R"(cache 33873920
rss 118784
rss_huge 0
shmem 33554432
mapped_file 0
dirty 16384
writeback 0
swap 0
pgfault 9000
inactive_anon 33673216
active_file 4096
hierarchical_memory_limit 268435456
hierarchical_memsw_limit 9223372036854771712
total_cache 33878016
total_rss 122880
total_rss_huge 2097152
total_shmem 33554432
total_mapped_file 8192
total_dirty 16384
total_writeback 4096
total_swap 0
total_pgfault 9123
total_pgmajfault 2
total_inactive_anon 33673216
total_active_file 4096
total_workingset_refault_file 75
)";

TEST(ParseMemoryStat, KeepsEveryKeyInOrder) {
  MemoryStat s = *ParseMemoryStat(kV2MemoryStat);
  EXPECT_EQ(s.entries.size(), 18u);
  EXPECT_EQ(s.entries.front().first, "anon");
  EXPECT_EQ(s.Get("anon"), 69206016u);
  EXPECT_EQ(s.Get("pgmajfault"), 36u);
  EXPECT_EQ(s.Get("slab"), 1966080u);
  EXPECT_FALSE(s.Get("zswap").has_value());
}

TEST(ParseMemoryStat, UnknownKeysAreKeptNotRejected) {
  MemoryStat s = *ParseMemoryStat("anon 1\nsome_key_from_linux_7 42");  // no trailing newline
  EXPECT_EQ(s.Get("some_key_from_linux_7"), 42u);
}

TEST(ParseMemoryStat, EmptyGarbageAndOverflow) {
  EXPECT_EQ(ParseMemoryStat("").error().code(), StatusCode::kInvalidFormat);
  EXPECT_THAT(ParseMemoryStat("anon 1\nfile\n").error().message(), HasSubstr("line 2"));
  EXPECT_FALSE(ParseMemoryStat("anon max\n").ok());
  EXPECT_FALSE(ParseMemoryStat("anon 18446744073709551616\n").ok());
  EXPECT_EQ(ParseMemoryStat("anon 18446744073709551615\n")->Get("anon"), UINT64_MAX);
}

TEST(ParseMemoryStatInto, ReusesKeyStringsAndHandlesChangedOrErrors) {
  MemoryStat s;
  ASSERT_TRUE(ParseMemoryStatInto("workingset_refault_anon 1\nanon 2\n", &s).ok());
  const char* key_buffer = s.entries[0].first.data();  // longer than the small-string buffer
  ASSERT_TRUE(ParseMemoryStatInto("workingset_refault_anon 5\nanon 6\n", &s).ok());
  EXPECT_EQ(s.entries[0].first.data(), key_buffer);  // same key: no reallocation
  EXPECT_EQ(s.Get("workingset_refault_anon"), 5u);
  EXPECT_EQ(s.Get("anon"), 6u);
  ASSERT_TRUE(ParseMemoryStatInto("file 9\n", &s).ok());  // fewer, different keys
  EXPECT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.Get("file"), 9u);
  EXPECT_FALSE(s.Get("anon").has_value());
  EXPECT_FALSE(ParseMemoryStatInto("file x\n", &s).ok());
  EXPECT_TRUE(s.empty());
  MemoryStat v2;
  V1MemoryStatToV2NamesInto(*ParseMemoryStat("total_rss 1\ntotal_cache 2\n"), &v2);
  V1MemoryStatToV2NamesInto(*ParseMemoryStat("total_rss 3\n"), &v2);
  EXPECT_EQ(v2.entries.size(), 1u);
  EXPECT_EQ(v2.Get("anon"), 3u);
}

TEST(MemoryStatSet, ReplacesOrAppends) {
  MemoryStat s;
  s.Set("a", 1);
  s.Set("b", 2);
  s.Set("a", 3);
  EXPECT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.Get("a"), 3u);
}

TEST(V1MemoryStatToV2Names, UsesHierarchicalTotalsWithV2Names) {
  MemoryStat v2 = V1MemoryStatToV2Names(*ParseMemoryStat(kV1MemoryStat));
  EXPECT_EQ(v2.Get("anon"), 122880u);    // total_rss, not the local rss
  EXPECT_EQ(v2.Get("file"), 33878016u);  // total_cache
  EXPECT_EQ(v2.Get("anon_thp"), 2097152u);
  EXPECT_EQ(v2.Get("shmem"), 33554432u);
  EXPECT_EQ(v2.Get("file_mapped"), 8192u);
  EXPECT_EQ(v2.Get("file_dirty"), 16384u);
  EXPECT_EQ(v2.Get("file_writeback"), 4096u);
  EXPECT_EQ(v2.Get("pgfault"), 9123u);
  EXPECT_EQ(v2.Get("pgmajfault"), 2u);
  EXPECT_EQ(v2.Get("inactive_anon"), 33673216u);
  EXPECT_EQ(v2.Get("workingset_refault_file"), 75u);
  EXPECT_EQ(v2.Get("swap"), 0u);
  EXPECT_EQ(v2.Get("hierarchical_memory_limit"), 268435456u);
  EXPECT_FALSE(v2.Get("rss").has_value());
  EXPECT_FALSE(v2.Get("cache").has_value());
  EXPECT_FALSE(v2.Get("total_rss").has_value());
}

TEST(V1MemoryStatToV2Names, FallsBackToLocalKeysWithoutTotals) {
  MemoryStat v2 = V1MemoryStatToV2Names(*ParseMemoryStat("cache 10\nrss 20\npgfault 3\n"));
  EXPECT_EQ(v2.Get("file"), 10u);
  EXPECT_EQ(v2.Get("anon"), 20u);
  EXPECT_EQ(v2.Get("pgfault"), 3u);
}

TEST(ParseMemoryEvents, AllKeysAndUnknown) {
  MemoryEvents e = *ParseMemoryEvents(
      "low 1\nhigh 2\nmax 3\noom 4\noom_kill 5\noom_group_kill 6\nsock_throttled 9\n");
  EXPECT_EQ(e.low, 1u);
  EXPECT_EQ(e.high, 2u);
  EXPECT_EQ(e.max, 3u);
  EXPECT_EQ(e.oom, 4u);
  EXPECT_EQ(e.oom_kill, 5u);
  EXPECT_EQ(e.oom_group_kill, 6u);
}

TEST(ParseMemoryEvents, OlderKernelWithoutGroupKillNoNewline) {
  MemoryEvents e = *ParseMemoryEvents("low 0\nhigh 0\nmax 0\noom 0\noom_kill 18446744073709551615");
  EXPECT_EQ(e.oom_kill, UINT64_MAX);
  EXPECT_FALSE(e.oom_group_kill.has_value());
  EXPECT_FALSE(ParseMemoryEvents("").ok());
  EXPECT_FALSE(ParseMemoryEvents("oom_kill one\n").ok());
}

TEST(ParseMemoryOomControl, WithAndWithoutOomKillLine) {
  MemoryOomControl o = *ParseMemoryOomControl("oom_kill_disable 0\nunder_oom 1\noom_kill 3\n");
  EXPECT_EQ(o.oom_kill_disable, 0u);
  EXPECT_EQ(o.under_oom, 1u);
  EXPECT_EQ(o.oom_kill, 3u);
  MemoryOomControl old = *ParseMemoryOomControl("oom_kill_disable 1\nunder_oom 0");
  EXPECT_FALSE(old.oom_kill.has_value());
  EXPECT_FALSE(ParseMemoryOomControl("").ok());
  EXPECT_FALSE(ParseMemoryOomControl("under_oom\n").ok());
}

// Keys are views of process-wide interned strings: they outlive the text they were parsed from,
// and every MemoryStat shares one copy of each name.
TEST(MemoryStatKeys, InternedAndIndependentOfTheParsedText) {
  MemoryStat a;
  MemoryStat b;
  {
    std::string text = "anon 1\ninactive_file_long_key_name 2\n";
    ASSERT_TRUE(ParseMemoryStatInto(text, &a).ok());
    ASSERT_TRUE(ParseMemoryStatInto(text, &b).ok());
    text.assign(text.size(), 'x');  // the parsed text is gone
  }
  ASSERT_EQ(a.entries.size(), 2u);
  EXPECT_EQ(a.entries[1].first, "inactive_file_long_key_name");
  EXPECT_EQ(a.Get("inactive_file_long_key_name"), 2u);
  EXPECT_EQ(a.entries[1].first.data(), b.entries[1].first.data());
  EXPECT_EQ(InternMemoryStatKey(std::string("anon")).data(), a.entries[0].first.data());
  a.Set(std::string("set_after_parse"), 7);
  EXPECT_EQ(a.Get("set_after_parse"), 7u);
}

// Past kMaxInternedMemoryStatKeys distinct names (only garbage input gets there), a file with a
// new key fails as malformed (no partial result that looks whole), files of known keys still
// parse, and a used MemoryStat is left empty. In a child process: the bound is process-wide.
TEST(MemoryStatKeysDeathTest, NewKeysPastTheBoundFailTheFile) {
  EXPECT_EXIT(
      {
        for (size_t i = 0; i < kMaxInternedMemoryStatKeys; ++i) {
          InternMemoryStatKey("filler_" + std::to_string(i));
        }
        bool ok = InternMemoryStatKey("one_more_new_key").empty() &&
                  !InternMemoryStatKey("filler_3").empty();
        MemoryStat stat = *ParseMemoryStat("filler_1 1\nfiller_2 2\n");
        ok = ok && stat.Get("filler_2") == 2u;
        Status s = ParseMemoryStatInto("filler_1 5\nnever_seen 6\nfiller_2 7\n", &stat);
        ok = ok && s.code() == StatusCode::kInvalidFormat &&
             s.message().find("never_seen") != std::string::npos && stat.entries.empty();
        ok = ok && ParseMemoryStatInto("filler_2 8\n", &stat).ok() && stat.Get("filler_2") == 8u;
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace fgm::collector

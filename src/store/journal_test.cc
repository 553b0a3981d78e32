// SPDX-License-Identifier: Apache-2.0
#include "store/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

using namespace std::string_literals;

#include "core/file.h"

namespace fgm::store {
namespace {

constexpr int kCpu = Col("cpu_usage_usec");
constexpr int kName = Col("container_name");
constexpr int kRatio = Col("memory_usage_ratio");

RowBuffer MakeRows(int n, int64_t t0_ms) {
  RowBuffer rows;
  Row r;
  for (int i = 0; i < n; ++i) {
    r.Clear();
    r.SetTime((t0_ms + i * 1000) * kNanosPerMilli);
    r.SetString(kName, i % 2 ? "web" : "db-ünïcode");
    r.SetInt(kCpu, -5 + i * 1'000'000'000LL);
    if (i % 3) r.SetDouble(kRatio, i / 7.0);
    rows.Append(r);
  }
  return rows;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm_journal_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

void ExpectSameRows(const RowBuffer& a, size_t a_begin, const RowBuffer& b, size_t n) {
  Row x, y;
  for (size_t i = 0; i < n; ++i) {
    a.GetRow(a_begin + i, &x);
    b.GetRow(i, &y);
    for (int c = 0; c < kNumColumns; ++c) {
      ASSERT_EQ(x.has(c), y.has(c)) << i << " " << kCatalog[c].name;
      if (!x.has(c)) continue;
      EXPECT_EQ(x.GetInt(c), y.GetInt(c));
      EXPECT_EQ(x.GetString(c), y.GetString(c));
      EXPECT_EQ(x.GetDouble(c), y.GetDouble(c));
    }
  }
}

TEST_F(JournalTest, AppendAndReadBack) {
  RowBuffer rows = MakeRows(50, 1'700'000'000'000);
  auto j = JournalWriter::Create(dir_ + "/a.wal", "node-1");
  ASSERT_TRUE(j.ok()) << j.error().ToString();
  ASSERT_TRUE(j->Append(rows, 0, 20).ok());
  ASSERT_TRUE(j->Append(rows, 20, 50).ok());
  auto read = ReadJournal(dir_ + "/a.wal");
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(read->identifier, "node-1");
  EXPECT_FALSE(read->truncated_tail);
  ASSERT_EQ(read->rows.size(), 50u);
  ExpectSameRows(rows, 0, read->rows, 50);
}

TEST_F(JournalTest, EveryTornTailKeepsTheIntactRecords) {
  RowBuffer rows = MakeRows(30, 0);
  auto j = JournalWriter::Create(dir_ + "/a.wal", "id");
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE(j->Append(rows, 0, 10).ok());
  int64_t first_record_end = j->bytes();
  ASSERT_TRUE(j->Append(rows, 10, 30).ok());
  std::string bytes = *ReadFileToString(dir_ + "/a.wal");
  for (size_t cut = first_record_end; cut < bytes.size(); ++cut) {
    auto read = ParseJournal(std::string_view(bytes).substr(0, cut));
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->rows.size(), 10u) << cut;
    EXPECT_EQ(read->truncated_tail, cut > static_cast<size_t>(first_record_end));
  }
  // A flipped byte inside the second record: CRC catches it, the first record survives.
  bytes[bytes.size() - 3] ^= 0x40;
  auto read = ParseJournal(bytes);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->rows.size(), 10u);
  EXPECT_TRUE(read->truncated_tail);
}

// One Append of many rows (a flush of 1,000 containers) is written as records of 512 rows, so the
// encoding and compression buffers stay small; a torn last record loses only its own rows.
TEST_F(JournalTest, LargeAppendIsSplitIntoRecordsOf512Rows) {
  RowBuffer rows = MakeRows(1300, 0);
  auto j = JournalWriter::Create(dir_ + "/a.wal", "id");
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE(j->Append(rows, 0, 1300).ok());
  std::string bytes = *ReadFileToString(dir_ + "/a.wal");
  auto whole = ParseJournal(bytes);
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->rows.size(), 1300u);
  ExpectSameRows(rows, 0, whole->rows, 1300);
  auto torn = ParseJournal(std::string_view(bytes).substr(0, bytes.size() - 3));
  ASSERT_TRUE(torn.ok());
  EXPECT_EQ(torn->rows.size(), 1024u);  // records of rows [0, 512) and [512, 1024)
  EXPECT_TRUE(torn->truncated_tail);
}

TEST_F(JournalTest, BadHeaderIsCorrupt) {
  EXPECT_EQ(ParseJournal("").error().code(), StatusCode::kCorrupt);
  EXPECT_EQ(ParseJournal("PAR1xxxxxxxx").error().code(), StatusCode::kCorrupt);
  std::string header = "FGMJ\x01\0\0\0\xff\xff\xff\x7f"s;
  EXPECT_EQ(ParseJournal(header).error().code(), StatusCode::kCorrupt);  // identifier too long
}

TEST_F(JournalTest, DecodeRejectsGarbageWithoutCrashing) {
  RowBuffer rows = MakeRows(5, 0);
  std::string raw;
  EncodeRows(rows, 0, 5, &raw);
  for (size_t cut = 0; cut < raw.size(); ++cut) {
    RowBuffer out;
    EXPECT_FALSE(DecodeRows(std::string_view(raw).substr(0, cut), &out).ok()) << cut;
  }
  RowBuffer out;
  EXPECT_TRUE(DecodeRows(raw, &out).ok());
  EXPECT_EQ(out.size(), 5u);
}

}  // namespace
}  // namespace fgm::store

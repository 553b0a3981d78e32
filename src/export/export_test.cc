// SPDX-License-Identifier: Apache-2.0
// Tests of the export library: base64/gzip helpers, time parsing, the row filter, page assembly,
// and ExportDataset end to end on a generated dataset (rows compared with a plain scan of the
// source files; the size refusal leaves no files behind).
#include "export/export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "core/file.h"
#include "export/gzip_sink.h"
#include "export/html.h"
#include "export/row_filter.h"
#include "parquet/reader/file_reader.h"
#include "store/catalog.h"
#include "synth/bench_data.h"

namespace fgm::exporter {
namespace {

namespace fs = std::filesystem;
using parquet::ColumnBatch;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(Base64Test, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(GzipTest, RoundTripsLargeAndEmptyInputs) {
  std::string big;
  for (int i = 0; i < 300000; ++i) big += std::to_string(int64_t{i} * 7919 % 1000) + ",";
  auto gz = GzipString(big);
  ASSERT_TRUE(gz.ok());
  EXPECT_LT(gz->size(), big.size() / 3);
  EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>((*gz)[1]), 0x8b);
  auto back = GunzipString(*gz);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, big);
  auto empty = GzipString("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(GunzipString(*empty).value(), "");
  EXPECT_FALSE(GunzipString(gz->substr(0, gz->size() / 2)).ok());
}

TEST(ParseTest, TimesAndRanges) {
  EXPECT_EQ(ParseTimeMs("1767306600000").value(), 1767306600000);
  EXPECT_EQ(ParseTimeMs("2026-01-01T22:30:00Z").value(), 1767306600000);
  EXPECT_EQ(ParseTimeMs("2026-01-01T22:30Z").value(), 1767306600000);
  EXPECT_EQ(ParseTimeMs("1970-01-01T00:00:01.5Z").value(), 1500);
  EXPECT_EQ(ParseTimeMs("2024-02-29T00:00:00Z").value(), 1709164800000);
  EXPECT_FALSE(ParseTimeMs("2026-13-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseTimeMs("yesterday").ok());
  EXPECT_FALSE(ParseTimeMs("2026-01-01T22:30:00").ok());  // no zone: ambiguous
  EXPECT_EQ(ParseRangeMs("30m").value(), std::optional<int64_t>(1800000));
  EXPECT_EQ(ParseRangeMs("all").value(), std::nullopt);
  EXPECT_EQ(ParseRangeMs("").value(), std::nullopt);
  EXPECT_FALSE(ParseRangeMs("-1h").ok());
  EXPECT_FALSE(ParseRangeMs("soon").ok());
}

ColumnBatch Strings(std::initializer_list<const char*> values) {
  ColumnBatch b{.type = parquet::PhysicalType::kByteArray};
  for (const char* v : values) {
    if (v == nullptr) {
      b.AppendNull();
    } else {
      b.AppendBytes(v);
    }
  }
  return b;
}

TEST(RowFilterTest, TimeContainersNamespacesLabels) {
  ColumnBatch time{.type = parquet::PhysicalType::kInt64};
  for (int64_t t : {100, 200, 300, 400, 500}) time.AppendInt64(t);
  ColumnBatch ids = Strings({"a", "b", nullptr, "a", "c"});
  ColumnBatch ns = Strings({"x", "y", nullptr, "x", "y"});
  ColumnBatch labels = Strings({R"({"app":"web","tier":"1"})", R"({"app":"db"})", nullptr,
                                R"({"app":"web","tier":"1"})", "not json"});
  RowFilterInputs in{.time = &time, .container_id = &ids, .namespace_ = &ns, .pod_labels = &labels};
  std::vector<uint32_t> sel;

  RowFilter by_time({.from_ms = 200, .to_ms = 500});
  ASSERT_TRUE(by_time.Select(in, 5, &sel).ok());
  EXPECT_EQ(sel, (std::vector<uint32_t>{1, 2, 3}));  // the null-container row is kept

  RowFilter by_id({.containers = {"a", "c"}});
  ASSERT_TRUE(by_id.Select(in, 5, &sel).ok());
  EXPECT_EQ(sel, (std::vector<uint32_t>{0, 3, 4}));

  RowFilter by_ns({.namespaces = {"y"}});
  ASSERT_TRUE(by_ns.Select(in, 5, &sel).ok());
  EXPECT_EQ(sel, (std::vector<uint32_t>{1, 4}));

  RowFilter by_labels({.labels = {{"app", "web"}, {"tier", "1"}}});
  ASSERT_TRUE(by_labels.Select(in, 5, &sel).ok());
  EXPECT_EQ(sel, (std::vector<uint32_t>{0, 3}));

  RowFilter missing_input({.containers = {"a"}});
  RowFilterInputs time_only{.time = &time};
  EXPECT_FALSE(missing_input.Select(time_only, 5, &sel).ok());
}

TEST(RowFilterTest, AppendSelectedRowsKeepsNullsAndValues) {
  ColumnBatch in{.type = parquet::PhysicalType::kDouble};
  in.AppendDouble(1.5);
  in.AppendNull();
  in.AppendDouble(2.5);
  in.AppendNull();
  in.AppendDouble(3.5);
  ColumnBatch out{.type = parquet::PhysicalType::kDouble};
  std::vector<uint32_t> rows = {1, 2, 4};
  AppendSelectedRows(in, rows, &out);
  ASSERT_EQ(out.num_rows, 3u);
  EXPECT_TRUE(out.IsNull(0));
  EXPECT_FALSE(out.IsNull(1));
  EXPECT_EQ(out.doubles, (std::vector<double>{2.5, 3.5}));

  ColumnBatch s = Strings({"p", nullptr, "q"});
  ColumnBatch s_out{.type = parquet::PhysicalType::kByteArray};
  std::vector<uint32_t> all = {0, 1, 2};
  AppendSelectedRows(s, all, &s_out);
  ASSERT_EQ(s_out.num_rows, 3u);
  EXPECT_EQ(s_out.bytes[0], "p");
  EXPECT_TRUE(s_out.IsNull(1));
  EXPECT_EQ(s_out.bytes[1], "q");
}

TEST(HtmlTest, InlinesEverythingAndEscapesClosingTags) {
  HtmlAssets assets;
  assets.index_html =
      "<!doctype html><html><head><title>v</title><link rel=\"stylesheet\" href=\"app.css\">"
      "</head><body><div id=\"app\"></div><script src=\"app.js\"></script></body></html>";
  assets.app_css = "body{color:red}";
  assets.app_js = "console.log('</script>')";
  assets.engine_js = "var createEngine=1;";
  std::string html = AssembleHtml(assets, "\x1f\x8bxyz", {.title = "incident <1>"});
  EXPECT_THAT(html, Not(HasSubstr("href=\"app.css\"")));
  EXPECT_THAT(html, Not(HasSubstr("src=\"app.js\"")));
  EXPECT_THAT(html, HasSubstr("<style>body{color:red}</style>"));
  EXPECT_THAT(html, HasSubstr("console.log('<\\/script>')"));
  EXPECT_THAT(html, HasSubstr("Content-Security-Policy"));
  EXPECT_THAT(html, HasSubstr("connect-src 'none'"));
  EXPECT_THAT(html, HasSubstr("incident &lt;1&gt;"));
  EXPECT_THAT(html, HasSubstr(">" + Base64Encode("\x1f\x8bxyz") + "</script>"));
  // Order: data, then engine, then app (the app finds both when it starts).
  size_t data = html.find("id=\"fgm-export-data\"");
  size_t engine = html.find("var createEngine=1;");
  size_t app = html.find("console.log(");
  EXPECT_LT(data, engine);
  EXPECT_LT(engine, app);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

// A generated dataset shared by the end-to-end tests (writing it takes ~1 s).
class ExportDatasetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/fgm-export-test-XXXXXX";
    root_ = new std::string(mkdtemp(tmpl));
    synth::BenchDataOptions o;
    o.output_dir = *root_ + "/data";
    o.duration_ns = 20 * 60 * kNanosPerSecond;
    o.containers = 6;
    // 2026-01-01T23:50:00Z: crosses midnight, so two partitions and several files.
    o.start_ns = int64_t{1767311400} * kNanosPerSecond;
    auto s = synth::GenerateBenchData(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }

  // (container_id, time, kind) -> (cpu_usage_usec or -1, memory_usage_bytes or -1) of every row of
  // the Parquet files under `dir` that passes `keep`.
  using Key = std::tuple<std::string, int64_t, std::string>;
  using Rows = std::map<Key, std::pair<int64_t, int64_t>>;
  static Rows ReadRows(
      const std::string& dir,
      const std::function<bool(const std::string& id, int64_t t, const std::string& ns)>& keep) {
    Rows rows;
    std::vector<std::string> files;
    if (fs::is_regular_file(dir)) {
      files.push_back(dir);
    } else {
      for (auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.path().extension() == ".parquet") files.push_back(e.path().string());
      }
    }
    for (const std::string& f : files) {
      auto reader = parquet::FileReader::OpenFile(f).value();
      const auto& schema = reader->schema();
      std::vector<int> cols = {
          schema.FindColumn("container_id"),   schema.FindColumn("time"),
          schema.FindColumn("kind"),           schema.FindColumn("namespace"),
          schema.FindColumn("cpu_usage_usec"), schema.FindColumn("memory_usage_bytes")};
      for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
        std::vector<ColumnBatch> b;
        EXPECT_TRUE(reader->ReadRowGroup(rg, cols, &b).ok());
        size_t iv[6] = {0, 0, 0, 0, 0, 0};
        for (size_t r = 0; r < b[1].num_rows; ++r) {
          auto str = [&](int i) {
            return b[i].IsNull(r) ? std::string("<null>") : std::string(b[i].bytes[iv[i]++]);
          };
          auto num = [&](int i) { return b[i].IsNull(r) ? int64_t{-1} : b[i].int64s[iv[i]++]; };
          std::string id = str(0);
          int64_t t = b[1].int64s[iv[1]++];
          std::string kind = str(2);
          std::string ns = str(3);
          int64_t cpu = num(4);
          int64_t mem = num(5);
          if (keep(id, t, ns)) {
            EXPECT_TRUE(rows.emplace(Key{id, t, kind}, std::pair{cpu, mem}).second)
                << "duplicate row " << id << " " << t << " " << kind << " in " << f;
          }
        }
      }
    }
    return rows;
  }

  static std::string* root_;
};
std::string* ExportDatasetTest::root_ = nullptr;

TEST_F(ExportDatasetTest, ParquetHasExactlyTheFilteredRows) {
  // Pick one container id and its namespace from the source.
  Rows all = ReadRows(*root_ + "/data", [](auto&, int64_t, auto&) { return true; });
  ASSERT_FALSE(all.empty());
  std::set<std::string> ids;
  int64_t newest = 0;
  for (const auto& [k, v] : all) {
    if (std::get<0>(k) != "<null>") ids.insert(std::get<0>(k));
    newest = std::max(newest, std::get<1>(k));
  }
  ASSERT_GE(ids.size(), 3u);
  std::vector<std::string> pick = {*ids.begin(), *std::next(ids.begin())};

  ExportOptions o;
  o.inputs = {*root_ + "/data"};
  o.range = "10m";
  o.containers = pick;
  o.metrics = {"cpu_usage_usec", "memory_usage_bytes"};
  o.output = *root_ + "/out/a";
  o.write_html = false;
  std::vector<std::string> stages;
  auto summary = ExportDataset(o, [&](std::string_view s, double f) {
    EXPECT_GE(f, 0);
    EXPECT_LE(f, 1);
    stages.emplace_back(s);
  });
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(summary->to_ms, newest + 1);
  EXPECT_EQ(summary->from_ms, newest + 1 - 600000);
  EXPECT_EQ(summary->containers, 2);
  EXPECT_FALSE(stages.empty());
  EXPECT_TRUE(fs::exists(*root_ + "/out/a.parquet"));
  EXPECT_FALSE(fs::exists(*root_ + "/out/a.html"));
  EXPECT_THAT(summary->columns, ::testing::Contains("cpu_usage_usec"));
  EXPECT_THAT(summary->columns, ::testing::Not(::testing::Contains("cpu_usage_millicores")));

  int64_t from = summary->from_ms, to = summary->to_ms;
  std::set<std::string> pick_set(pick.begin(), pick.end());
  Rows want = ReadRows(*root_ + "/data", [&](const std::string& id, int64_t t, auto&) {
    return pick_set.count(id) && t >= from && t < to;
  });
  Rows got = ReadRows(*root_ + "/out/a.parquet", [](auto&, int64_t, auto&) { return true; });
  EXPECT_EQ(got.size(), summary->rows);
  EXPECT_EQ(got, want);

  // DuckDB can read it (checked in test/export); our reader sees ZSTD chunks.
  auto reader = parquet::FileReader::OpenFile(*root_ + "/out/a.parquet").value();
  EXPECT_EQ(reader->ChunkMetaData(0, 0).codec, parquet::CompressionCodec::kZstd);
}

// The export's row order (export.cc): one container after the other, every row group holding
// one container (so the viewer's index reads labels from statistics), each instance's rows in
// time order across the hourly inputs, and no row lost or duplicated in the reordering.
TEST_F(ExportDatasetTest, RowGroupsHoldOneContainerEachInstanceInTimeOrder) {
  ExportOptions o;
  o.inputs = {*root_ + "/data"};
  o.metrics = {"cpu_usage_usec", "memory_usage_bytes"};
  o.output = *root_ + "/out/order";
  o.write_html = false;
  auto summary = ExportDataset(o, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(ReadRows(*root_ + "/out/order.parquet", [](auto&, int64_t, auto&) { return true; }),
            ReadRows(*root_ + "/data", [](auto&, int64_t, auto&) { return true; }));

  auto reader = parquet::FileReader::OpenFile(*root_ + "/out/order.parquet").value();
  const auto& schema = reader->schema();
  std::vector<int> cols = {schema.FindColumn("container_id"), schema.FindColumn("cgroup_inode"),
                           schema.FindColumn("time")};
  // The source crosses hourly files: a straight copy would give fewer row groups than containers.
  EXPECT_GE(reader->num_row_groups(), summary->containers);
  std::set<std::string> finished;  // containers whose rows ended
  std::string current = "<none>";
  std::map<int64_t, int64_t> last_time;  // per inode
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    std::vector<ColumnBatch> b;
    ASSERT_TRUE(reader->ReadRowGroup(rg, cols, &b).ok());
    std::set<std::string> ids_here;
    size_t iv[3] = {0, 0, 0};
    for (size_t r = 0; r < b[2].num_rows; ++r) {
      std::string id = b[0].IsNull(r) ? "<null>" : std::string(b[0].bytes[iv[0]++]);
      int64_t inode = b[1].IsNull(r) ? -1 : b[1].int64s[iv[1]++];
      int64_t t = b[2].int64s[iv[2]++];
      ids_here.insert(id);
      if (id != current) {
        EXPECT_EQ(finished.count(id), 0u) << id << " appears in two places";
        finished.insert(current);
        current = id;
      }
      if (inode >= 0) {
        auto [it, first] = last_time.emplace(inode, t);
        EXPECT_TRUE(first || it->second <= t) << "inode " << inode << " goes back in time";
        it->second = t;
      }
    }
    EXPECT_EQ(ids_here.size(), 1u) << "row group " << rg;
    if (ids_here.size() == 1 && *ids_here.begin() != "<null>") {
      // The statistics name the container: what the index reads instead of a page.
      auto stats = reader->ChunkStatistics(rg, cols[0]).value();
      ASSERT_TRUE(stats.has_min_max());
      EXPECT_EQ(stats.min->bytes, *ids_here.begin());
      EXPECT_EQ(stats.max->bytes, *ids_here.begin());
    }
  }
}

TEST_F(ExportDatasetTest, HtmlEmbedsAnUncompressedParquetWithTheSameRows) {
  HtmlAssets assets;
  assets.app_js = "/*app*/";
  assets.engine_js = "/*engine*/";
  ExportOptions o;
  o.inputs = {*root_ + "/data"};
  o.namespaces = {"does-not-exist"};
  o.output = *root_ + "/out/none";
  o.assets = &assets;
  auto none = ExportDataset(o, nullptr);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(*root_ + "/out/none.parquet"));
  EXPECT_FALSE(fs::exists(*root_ + "/out/none.parquet.tmp"));

  // The default metric set leaves raw CPU counters out (their per-second twins stay).
  o.namespaces.clear();
  o.output = *root_ + "/out/default";
  auto by_default = ExportDataset(o, nullptr);
  ASSERT_TRUE(by_default.ok()) << by_default.error().ToString();
  EXPECT_THAT(by_default->columns, ::testing::Contains("cpu_usage_millicores"));
  EXPECT_THAT(by_default->columns, ::testing::Not(::testing::Contains("cpu_usage_usec")));

  o.metrics = {"all"};
  o.output = *root_ + "/out/b";
  auto summary = ExportDataset(o, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  std::string html = ReadFileToString(*root_ + "/out/b.html").value();
  EXPECT_EQ(html.size(), summary->html_bytes);
  size_t start = html.find("id=\"fgm-export-data\"");
  ASSERT_NE(start, std::string::npos);
  start = html.find('>', start) + 1;
  size_t end = html.find("</script>", start);
  std::string b64 = html.substr(start, end - start);
  // Decode base64 (the inverse of Base64Encode, kept trivial here).
  std::string gz;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    acc = (acc << 6) | static_cast<uint32_t>(strchr(alphabet, c) - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      gz += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  EXPECT_EQ(gz.size(), summary->html_data_gz_bytes);
  std::string data = GunzipString(gz).value();
  EXPECT_EQ(data.size(), summary->html_data_bytes);
  std::string path = *root_ + "/out/b-data.parquet";
  ASSERT_TRUE(WriteFileAtomically(path, data).ok());
  auto reader = parquet::FileReader::OpenFile(path).value();
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    for (int c = 0; c < reader->num_columns(); ++c) {
      ASSERT_EQ(reader->ChunkMetaData(rg, c).codec, parquet::CompressionCodec::kUncompressed);
    }
  }
  Rows from_page = ReadRows(path, [](auto&, int64_t, auto&) { return true; });
  Rows from_parquet =
      ReadRows(*root_ + "/out/b.parquet", [](auto&, int64_t, auto&) { return true; });
  Rows source = ReadRows(*root_ + "/data", [](auto&, int64_t, auto&) { return true; });
  EXPECT_EQ(from_page, source);
  EXPECT_EQ(from_parquet, source);
  EXPECT_GT(summary->event_rows, 0u);
}

TEST_F(ExportDatasetTest, RefusesTooLargeRequestsBeforeWriting) {
  ExportOptions o;
  o.inputs = {*root_ + "/data"};
  o.output = *root_ + "/out/big";
  o.write_html = false;
  o.max_output_bytes = 10000;
  auto r = ExportDataset(o, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(r.error().message(), HasSubstr("--range"));
  EXPECT_THAT(r.error().message(), HasSubstr("--containers"));
  EXPECT_THAT(r.error().message(), HasSubstr("--metrics"));
  EXPECT_FALSE(fs::exists(*root_ + "/out/big.parquet"));
  EXPECT_FALSE(fs::exists(*root_ + "/out/big.parquet.tmp"));

  o.metrics = {"no_such_metric"};
  EXPECT_EQ(ExportDataset(o, nullptr).error().code(), StatusCode::kInvalidArgument);
  o.metrics = {};
  o.from_ms = 10;
  o.to_ms = 5;
  EXPECT_EQ(ExportDataset(o, nullptr).error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fgm::exporter

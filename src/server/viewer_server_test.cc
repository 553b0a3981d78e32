// SPDX-License-Identifier: Apache-2.0
// Viewer server tests: the Host check, dashboard names and lookup, methods and errors through the
// transport-free handler, then the same through a real server on an ephemeral loopback port;
// /api/export over a generated dataset (when fgm::export is linked).
#include "server/viewer_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "core/testing/fake_clock.h"
#include "server/http_module.h"
#include "store/dataset_writer.h"
#ifdef FGM_SERVER_HAS_EXPORT
#include "export/export.h"
#include "export/html.h"
#include "parquet/reader/file_reader.h"
#include "synth/bench_data.h"
#endif

namespace fgm::server {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kT0Ms = 1'795'600'800'000;

class ViewerServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm_server_test_XXXXXX";
    root_ = mkdtemp(tmpl);
    data_ = root_ + "/data";
    dashboards_ = root_ + "/dashboards";
    fs::create_directories(dashboards_ + "/todo");
    std::ofstream(dashboards_ + "/overview.json") << R"({"schema_version":1,"title":"o"})";
    std::ofstream(dashboards_ + "/todo/dashboard.json") << R"({"schema_version":1,"title":"t"})";
    std::ofstream(root_ + "/secret.json") << "secret";
    testing::FakeClock clock(kT0Ms * kNanosPerMilli);
    store::DatasetOptions o{.root = data_, .identifier = "node-a", .run_id = "run00001"};
    o.clock = &clock;
    auto w = store::DatasetWriter::Open(o);
    ASSERT_TRUE(w.ok());
    for (int s = 0; s < 10; ++s) {
      store::Row r;
      r.SetTime(clock.WallNs());
      r.SetString(store::Col("kind"), "container");
      r.SetString(store::Col("container_id"), "abc");
      r.SetInt(store::Col("cgroup_inode"), 3);
      r.SetInt(store::Col("memory_usage_bytes"), 100 * s);
      (*w)->Append(r);
      (*w)->Poll();
      clock.AdvanceNs(kNanosPerSecond);
    }
    ASSERT_TRUE((*w)->Close().ok());
    engine_ = std::make_unique<engine::Engine>(engine::EngineOptions{.roots = {data_}});
  }
  void TearDown() override { fs::remove_all(root_); }

  ServerOptions Options() {
    return {.bind = "127.0.0.1",
            .port = 0,
            .dashboard_dirs = {dashboards_},
            .http_module = FGM_TEST_HTTP_MODULE};
  }

  std::string root_, data_, dashboards_;
  std::unique_ptr<engine::Engine> engine_;
};

TEST(HostAllowedTest, LoopbackNamesAndTheBoundAddressOnly) {
  EXPECT_TRUE(HostAllowed("127.0.0.1:8080", "127.0.0.1", 8080));
  EXPECT_TRUE(HostAllowed("localhost:8080", "127.0.0.1", 8080));
  EXPECT_TRUE(HostAllowed("LOCALHOST", "127.0.0.1", 8080));
  EXPECT_TRUE(HostAllowed("[::1]:8080", "127.0.0.1", 8080));
  EXPECT_FALSE(HostAllowed("evil.example:8080", "127.0.0.1", 8080));  // DNS rebinding
  EXPECT_FALSE(HostAllowed("127.0.0.1:9999", "127.0.0.1", 8080));
  EXPECT_FALSE(HostAllowed("", "127.0.0.1", 8080));
  EXPECT_FALSE(HostAllowed("[::1", "127.0.0.1", 8080));
  EXPECT_TRUE(HostAllowed("10.1.2.3:80", "10.1.2.3", 80));
  EXPECT_FALSE(HostAllowed("localhost:80", "10.1.2.3", 80));
  EXPECT_TRUE(HostAllowed("anything:80", "0.0.0.0", 80));
}

TEST(DashboardNameTest, OnlyPlainJsonNames) {
  EXPECT_TRUE(ValidDashboardName("overview.json"));
  EXPECT_TRUE(ValidDashboardName("todo-app_v2.json"));
  for (const char* bad : {"../secret.json", "a/b.json", "..json", "x.txt", ".json", "",
                          "%2e%2e%2fsecret.json", "a\\b.json"}) {
    EXPECT_FALSE(ValidDashboardName(bad)) << bad;
  }
}

TEST_F(ViewerServerTest, HandlerServesApiDashboardsAndRejectsTheRest) {
  ViewerHandler h(engine_.get(), Options(), 8080);
  auto get = [&](std::string path, std::string host = "127.0.0.1:8080") {
    return h.Handle({.method = "GET", .path = std::move(path), .host = std::move(host)});
  };
  HttpResponse health = get("/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body.rfind("{\"status\":\"ok\",\"files\":1,", 0), 0u) << health.body;
  EXPECT_EQ(get("/api/health", "evil.example:8080").status, 403);
  EXPECT_EQ(get("/api/nope").status, 404);
  HttpResponse bad = h.Handle({.path = "/api/timeseries",
                               .host = "localhost:8080",
                               .params = {{"metric", "memory_usage_bytes"}, {"max_points", "0"}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("max_points"), std::string::npos);
  EXPECT_EQ(get("/dashboards/overview.json").body, R"({"schema_version":1,"title":"o"})");
  EXPECT_EQ(get("/dashboards/todo.json").body, R"({"schema_version":1,"title":"t"})");
  EXPECT_EQ(get("/dashboards/missing.json").status, 404);
  EXPECT_EQ(get("/dashboards/../secret.json").status, 400);
  EXPECT_EQ(get("/dashboards/..%2fsecret.json").status, 400);
  EXPECT_EQ(h.Handle({.method = "POST", .path = "/api/health", .host = "127.0.0.1:8080"}).status,
            405);
  EXPECT_EQ(get("/../../etc/passwd").status, 404);
  HttpResponse index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type.rfind("text/html", 0), 0u);
}

TEST_F(ViewerServerTest, RealServerOnAnEphemeralPort) {
  ViewerServer server(engine_.get(), Options());
  auto port = server.Start();
  ASSERT_TRUE(port.ok()) << port.error().ToString();
  EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(*port) + "/");
  {
    httplib::Client cli("127.0.0.1", *port);
    auto health = cli.Get("/api/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_FALSE(health->has_header("Access-Control-Allow-Origin"));
    EXPECT_EQ(health->get_header_value("Content-Type"), "application/json");

    auto series = cli.Get("/api/timeseries?metric=memory_usage_bytes&containers=abc&range=all");
    ASSERT_TRUE(series);
    EXPECT_EQ(series->status, 200);
    EXPECT_NE(series->body.find("\"avg\":[0,100,200,300,400,500,600,700,800,900]"),
              std::string::npos)
        << series->body;

    auto rebinding = cli.Get("/api/health", {{"Host", "evil.example:" + std::to_string(*port)}});
    ASSERT_TRUE(rebinding);
    EXPECT_EQ(rebinding->status, 403);

    auto bad = cli.Get("/api/timeseries?metric=memory_usage_bytes&range=3w");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(bad->body.find("range"), std::string::npos);

    auto traversal = cli.Get("/dashboards/..%2F..%2Fsecret.json");
    ASSERT_TRUE(traversal);
    EXPECT_EQ(traversal->status, 400);
    auto dotdot = cli.Get("/dashboards/../secret.json");
    ASSERT_TRUE(dotdot);
    EXPECT_NE(dotdot->body, "secret");

    std::string big(4096, 'x');
    auto post = cli.Post("/api/health", big, "text/plain");
    ASSERT_TRUE(post);
    EXPECT_GE(post->status, 400);
  }
  server.Stop();
}

// A missing, broken or foreign module is an error that says what was tried and what to do, never a
// crash; the server stays stoppable.
TEST_F(ViewerServerTest, UnusableHttpModuleIsAClearError) {
  struct Case {
    std::string module;
    StatusCode code;
    std::vector<std::string> says;
  };
  std::ofstream(root_ + "/text.so") << "not an ELF file";
  const Case cases[] = {
      {root_ + "/missing/fgm-http.so",
       StatusCode::kNotFound,
       {root_ + "/missing/fgm-http.so", "No such file", "reinstall fgm with fgm-http.so beside"}},
      {root_ + "/text.so", StatusCode::kNotFound, {root_ + "/text.so", "reinstall"}},
      // A real shared library without the factory (found on the system's library path).
      {"libz.so.1",
       StatusCode::kUnsupported,
       {"libz.so.1 is not an fgm HTTP module", "fgm_http_transport_abi_version", "reinstall"}},
      {FGM_TEST_STALE_HTTP_MODULE,
       StatusCode::kUnsupported,
       {"built for HTTP module ABI version 0, this fgm needs version " +
            std::to_string(kHttpTransportAbiVersion),
        "reinstall"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.module);
    ServerOptions o = Options();
    o.http_module = c.module;
    ViewerServer server(engine_.get(), o);
    auto port = server.Start();
    ASSERT_FALSE(port.ok());
    EXPECT_EQ(port.error().code(), c.code) << port.error().ToString();
    for (const std::string& text : c.says) {
      EXPECT_THAT(port.error().message(), ::testing::HasSubstr(text));
    }
    server.Stop();
  }
}

TEST(HttpModuleTest, DefaultPathsAreBesideTheBinaryThenLibFgm) {
  fs::path dir = fs::read_symlink("/proc/self/exe").parent_path();
  EXPECT_THAT(DefaultHttpModulePaths(),
              ::testing::ElementsAre((dir / "fgm-http.so").string(),
                                     (dir.parent_path() / "lib/fgm/fgm-http.so").string()));
  // Without an explicit path every default is tried and named (the test binary has no module
  // beside it, nor in ../lib/fgm).
  auto t = NewHttpTransport("");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code(), StatusCode::kNotFound);
  for (const std::string& path : DefaultHttpModulePaths()) {
    EXPECT_THAT(t.error().message(), ::testing::HasSubstr(path));
  }
}

TEST(HttpModuleTest, TheBuildsModuleServes) {
  auto t = NewHttpTransport(FGM_TEST_HTTP_MODULE);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  int port = 0;
  Status s = (*t)->Listen(
      "127.0.0.1", 0,
      [](const HttpRequest& r) {
        return HttpResponse{.status = 202, .content_type = "text/plain", .body = r.method + r.path};
      },
      &port);
  ASSERT_TRUE(s.ok()) << s.ToString();
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Delete("/x");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  EXPECT_EQ(res->body, "DELETE/x");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  (*t)->Stop();
  (*t)->Stop();  // idempotent
}

#ifdef FGM_SERVER_HAS_EXPORT
// A generated dataset (synth, the same writer as the monitor) shared by the export tests.
class ExportApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/fgm_server_export_test_XXXXXX";
    root_ = new std::string(mkdtemp(tmpl));
    synth::BenchDataOptions o;
    o.output_dir = *root_ + "/data";
    o.duration_ns = 10 * 60 * kNanosPerSecond;
    o.containers = 4;
    o.start_ns = int64_t{1767311400} * kNanosPerSecond;  // 2026-01-01T23:50:00Z
    auto s = synth::GenerateBenchData(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }
  void SetUp() override {
    tmp_ = *root_ + "/tmp";
    fs::create_directories(tmp_);
    engine_ = std::make_unique<engine::Engine>(engine::EngineOptions{.roots = {*root_ + "/data"}});
  }

  ServerOptions Options() {
    ServerOptions o{.bind = "127.0.0.1", .port = 0, .live = false};
    o.export_tmp_dir = tmp_;
    o.http_module = FGM_TEST_HTTP_MODULE;
    return o;
  }
  static HttpResponse Get(ViewerHandler& h, engine::QueryParams params) {
    return h.Handle({.path = "/api/export", .host = "127.0.0.1:8080", .params = std::move(params)});
  }
  // The streamed body, as the server would send it.
  static std::string Body(const HttpResponse& r) {
    if (!r.body_file) return r.body;
    std::string out(r.body_file_size, '\0');
    EXPECT_EQ(pread(r.body_file->get(), out.data(), out.size(), 0),
              static_cast<ssize_t>(out.size()));
    return out;
  }
  static std::string Header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  // Rows of the source dataset whose container_id is `id` and time is in [from, to).
  uint64_t SourceRows(const std::string& id, int64_t from, int64_t to) {
    uint64_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(*root_ + "/data")) {
      if (e.path().extension() != ".parquet") continue;
      auto reader = parquet::FileReader::OpenFile(e.path().string()).value();
      std::vector<int> cols = {reader->schema().FindColumn("container_id"),
                               reader->schema().FindColumn("time")};
      for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
        std::vector<parquet::ColumnBatch> b;
        EXPECT_TRUE(reader->ReadRowGroup(rg, cols, &b).ok());
        size_t iv = 0;
        for (size_t r = 0; r < b[1].num_rows; ++r) {
          bool match = !b[0].IsNull(r) && b[0].bytes[iv++] == id;
          int64_t t = b[1].int64s[r];
          if (match && t >= from && t < to) ++n;
        }
      }
    }
    return n;
  }
  std::string AnyContainer() {
    ViewerHandler h(engine_.get(), Options(), 8080);
    HttpResponse r = h.Handle(
        {.path = "/api/containers", .host = "127.0.0.1:8080", .params = {{"range", "all"}}});
    std::smatch m;
    std::regex id(R"re("id":"([^"]+)")re");
    EXPECT_TRUE(std::regex_search(r.body, m, id)) << r.body;
    return m.size() > 1 ? m[1].str() : "";
  }
  bool TmpEmpty() { return fs::is_empty(tmp_); }

  static std::string* root_;
  std::string tmp_;
  std::unique_ptr<engine::Engine> engine_;
};
std::string* ExportApiTest::root_ = nullptr;

TEST_F(ExportApiTest, ParquetDownloadHasTheSelectedRows) {
  std::string id = AnyContainer();
  ASSERT_FALSE(id.empty());
  // 2026-01-01T23:52:00Z .. 23:57:00Z: inside the data, so the count is not the whole container.
  const int64_t from = 1767311520000, to = 1767311820000;
  ViewerHandler h(engine_.get(), Options(), 8080);
  HttpResponse r = Get(h, {{"format", "parquet"},
                           {"from", std::to_string(from)},
                           {"to", "2026-01-01T23:57:00Z"},
                           {"containers", id},
                           {"metrics", "memory_usage_bytes,cpu_usage_usec"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/vnd.apache.parquet");
  EXPECT_TRUE(
      std::regex_match(Header(r, "Content-Disposition"),
                       std::regex(R"(attachment; filename="fgm-export-\d{8}T\d{6}Z\.parquet")")))
      << Header(r, "Content-Disposition");
  EXPECT_TRUE(TmpEmpty()) << "the temporary export files were left behind";
  std::string body = Body(r);
  ASSERT_GT(body.size(), 8u);
  std::string file = tmp_ + "/../download.parquet";
  std::ofstream(file, std::ios::binary) << body;
  auto reader = parquet::FileReader::OpenFile(file);
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  uint64_t want = SourceRows(id, from, to);
  EXPECT_GT(want, 250u);  // ~300 one-second samples
  EXPECT_EQ(static_cast<uint64_t>((*reader)->num_rows()), want);
  EXPECT_GE((*reader)->schema().FindColumn("memory_usage_bytes"), 0);
  EXPECT_LT((*reader)->schema().FindColumn("cpu_usage_millicores"), 0);
}

TEST_F(ExportApiTest, HeadDoesNotRunAnExport) {
  ViewerHandler h(engine_.get(), Options(), 8080);
  HttpResponse r = h.Handle({.method = "HEAD",
                             .path = "/api/export",
                             .host = "127.0.0.1:8080",
                             .params = {{"format", "parquet"}, {"range", "all"}}});
  EXPECT_EQ(r.status, 405) << r.body;
  EXPECT_FALSE(r.body_file);
  EXPECT_TRUE(TmpEmpty());
}

TEST_F(ExportApiTest, HtmlDownloadIsSelfContained) {
  // The real page when this build embedded it (release builds with emscripten and node), else a
  // stand-in with links, so the check still runs against an assembled page.
  auto builtin = exporter::BuiltinHtmlAssets();
  exporter::HtmlAssets assets;
  if (builtin.ok()) {
    assets = *builtin;
  } else {
    assets.index_html =
        "<!doctype html><html><head><link rel=stylesheet href=app.css></head><body><div "
        "id=app></div><script src=app.js></script></body></html>";
    assets.app_js = "/*app*/";
    assets.app_css = "body{}";
    assets.engine_js = "/*engine*/";
  }
  if (!builtin.ok()) {  // this build cannot assemble the page: says so, points at parquet
    ViewerHandler plain(engine_.get(), Options(), 8080);
    HttpResponse r = Get(plain, {{"format", "html"}, {"range", "5m"}});
    EXPECT_EQ(r.status, 501);
    EXPECT_THAT(r.body, ::testing::HasSubstr("format=parquet"));
  }
  ServerOptions o = Options();
  o.export_assets = &assets;
  ViewerHandler h(engine_.get(), o, 8080);
  HttpResponse r = Get(h, {{"format", "html"}, {"range", "5m"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(Header(r, "Content-Disposition"), ::testing::EndsWith(".html\""));
  EXPECT_TRUE(TmpEmpty());
  std::string page = Body(r);
  EXPECT_NE(page.find("fgm-export-data"), std::string::npos);
  // No reference to another host: every http(s):// is an XML namespace name (never fetched).
  std::regex url(R"re(https?://[^\s"'<>)]*)re");
  std::set<std::string> others;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), url); it != std::sregex_iterator();
       ++it) {
    if (!it->str().starts_with("http://www.w3.org/")) others.insert(it->str());
  }
  EXPECT_TRUE(others.empty()) << *others.begin();
}

TEST_F(ExportApiTest, BadParametersAre400) {
  ViewerHandler h(engine_.get(), Options(), 8080);
  for (const engine::QueryParams& p :
       std::vector<engine::QueryParams>{{{"format", "pdf"}},
                                        {{"range", "3w"}},
                                        {{"from", "yesterday"}},
                                        {{"labels", "app"}},
                                        {{"search", "web"}},
                                        {{"metrics", "no_such_metric"}},
                                        {{"from", "2000"}, {"to", "1000"}}}) {
    engine::QueryParams with_format = p;
    with_format.emplace("format",
                        "parquet");  // html needs the page's assets, absent in some builds
    HttpResponse r = Get(h, with_format);
    EXPECT_EQ(r.status, 400) << p.begin()->first << ": " << r.body;
    EXPECT_EQ(r.body.rfind("{\"error\":", 0), 0u) << r.body;
  }
  EXPECT_EQ(
      Get(h, {{"format", "parquet"}, {"namespace", "no-such-namespace"}, {"range", "all"}}).status,
      404);
  EXPECT_TRUE(TmpEmpty());
}

TEST_F(ExportApiTest, TooLargeIsRefusedWithHowToNarrowIt) {
  ServerOptions o = Options();
  o.export_max_bytes = 10000;
  ViewerHandler h(engine_.get(), o, 8080);
  HttpResponse r = Get(h, {{"format", "parquet"}, {"range", "all"}, {"metrics", "all"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, ::testing::HasSubstr("range"));
  EXPECT_THAT(r.body, ::testing::HasSubstr("containers"));
  EXPECT_THAT(r.body, ::testing::HasSubstr("metrics parameters"));
  EXPECT_FALSE(r.body_file);
  EXPECT_TRUE(TmpEmpty());
}

TEST_F(ExportApiTest, RefusesATemporaryDirectoryInsideTheData) {
  ServerOptions o = Options();
  o.export_tmp_dir = *root_ + "/data/sub/..";
  ViewerHandler h(engine_.get(), o, 8080);
  HttpResponse r = Get(h, {{"format", "parquet"}, {"range", "5m"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, ::testing::HasSubstr("TMPDIR"));
}

TEST_F(ExportApiTest, RealServerStreamsTheDownload) {
  ViewerServer server(engine_.get(), Options());
  auto port = server.Start();
  ASSERT_TRUE(port.ok()) << port.error().ToString();
  {
    httplib::Client cli("127.0.0.1", *port);
    auto res = cli.Get("/api/export?format=parquet&range=5m&metrics=memory_usage_bytes");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_THAT(res->get_header_value("Content-Disposition"), ::testing::StartsWith("attachment"));
    EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(res->body.size()));
    ASSERT_GT(res->body.size(), 8u);
    EXPECT_EQ(res->body.substr(0, 4), "PAR1");
    EXPECT_EQ(res->body.substr(res->body.size() - 4), "PAR1");
  }
  server.Stop();
}
#endif

}  // namespace
}  // namespace fgm::server

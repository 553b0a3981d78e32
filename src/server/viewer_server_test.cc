// SPDX-License-Identifier: Apache-2.0
// Viewer server tests: the Host check, dashboard names and lookup, methods and errors through the
// transport-free handler, then the same through a real server on an ephemeral loopback port.
#include "server/viewer_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/testing/fake_clock.h"
#include "store/dataset_writer.h"

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
    return {.bind = "127.0.0.1", .port = 0, .dashboard_dirs = {dashboards_}};
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

}  // namespace
}  // namespace fgm::server

// SPDX-License-Identifier: Apache-2.0
// The pod watcher against a real HTTPS server on 127.0.0.1 (FakeApiServer, apiserver_testing.h):
// list + watch requests and their parameters, bearer token, ADDED/MODIFIED/DELETED/BOOKMARK
// lines, 410 Gone (in the stream and as a status) → re-list, paging, a wrong CA refused, errors
// backed off and recovered from, and in-cluster configuration.
#include "k8s/apiserver/apiserver_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>

#include "k8s/apiserver/apiserver_testing.h"

namespace fgm::k8s::apiserver {
namespace {

using testing::Pod;
using testing::PodParams;

// Why 20 s: every wait ends as soon as its condition holds (milliseconds here); the bound only
// turns a hang into a failure, with room for a loaded sanitizer build.
constexpr int64_t kWaitMs = 20'000;

ContainerIdentity Id(const std::string& container_id) {
  ContainerIdentity id;
  id.runtime = ContainerRuntime::kContainerd;
  id.container_id = container_id;
  return id;
}

class WatcherTest : public ::testing::Test {
 protected:
  // The certificates are made once for all tests (four openssl runs).
  static void SetUpTestSuite() {
    dir_ = new fgm::k8s::testing::TempDir();
    certs_ok_ = testing::MakeCerts(dir_->path(), &certs_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(certs_ok_) << "openssl failed, see " << dir_->path() << "/openssl.log";
    server_ = std::make_unique<testing::FakeApiServer>(certs_);
  }

  ApiServerConfig Config() const {
    ApiServerConfig c;
    c.server_url = server_->url() + "/";
    c.token_file = certs_.token;
    c.ca_file = certs_.ca_crt;
    c.node_name = testing::kNode;
    c.backoff_initial_ms = 10;  // fast retries: the tests wait for conditions, not for time
    c.backoff_max_ms = 50;
    return c;
  }

  std::shared_ptr<ApiServerPodWatcher> StartWatcher(ApiServerConfig c) {
    auto w = std::make_shared<ApiServerPodWatcher>(std::move(c));
    Status started = w->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    return w;
  }

  static inline fgm::k8s::testing::TempDir* dir_ = nullptr;
  static inline testing::Certs certs_;
  static inline bool certs_ok_ = false;
  std::unique_ptr<testing::FakeApiServer> server_;
};

TEST_F(WatcherTest, ListsThenWatchesThisNodesPodsWithBearerToken) {
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  auto w = std::make_shared<ApiServerPodWatcher>(Config());
  EXPECT_EQ(w->Lookup(Id(testing::kAppId)).state, MetadataState::kPending);  // not started
  ASSERT_TRUE(w->Start().ok());
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs)) << w->stats().last_error;
  ASSERT_TRUE(server_->WaitForRequests(2, kWaitMs));

  MetadataResult r = w->Lookup(Id(testing::kAppId));
  ASSERT_EQ(r.state, MetadataState::kFound);
  EXPECT_EQ(r.metadata->pod_name, "api-7d4b9c8f6d-x2x9k");
  EXPECT_EQ(r.metadata->namespace_name, "shop");
  EXPECT_EQ(r.metadata->container_name, "api");
  EXPECT_EQ(r.metadata->pod_uid, testing::kUid);
  EXPECT_EQ(r.metadata->image, "registry.example.com/shop/api:1.4.2");
  EXPECT_EQ(r.metadata->qos_class, QosClass::kBurstable);
  EXPECT_EQ(r.metadata->source, "apiserver");
  EXPECT_EQ(r.metadata->labels.at("app"), "api");
  EXPECT_EQ(r.metadata->labels.at("resources.requests.cpu"), "250m");
  EXPECT_EQ(r.metadata->labels.at("resources.limits.memory"), "256Mi");
  EXPECT_EQ(w->Lookup(Id(testing::kSidecarId)).metadata->container_name, "envoy");
  // Synced: an unknown id is "not found" now, no longer "pending".
  EXPECT_EQ(w->Lookup(Id(std::string(64, 'f'))).state, MetadataState::kNotFound);
  // The first list is a baseline: history from before we started is not reported.
  EXPECT_TRUE(w->Poll().empty());

  auto requests = server_->requests();
  const testing::SeenRequest& list = requests[0];
  EXPECT_EQ(list.path, "/api/v1/pods");
  EXPECT_EQ(list.params.at("fieldSelector"), "spec.nodeName=worker-1");
  EXPECT_EQ(list.params.at("limit"), "500");
  EXPECT_EQ(list.params.count("watch"), 0u);
  EXPECT_EQ(list.authorization, "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.fgm-test-token");
  const testing::SeenRequest& watch = requests[1];
  EXPECT_EQ(watch.params.at("watch"), "1");
  EXPECT_EQ(watch.params.at("resourceVersion"), "1001");
  EXPECT_EQ(watch.params.at("allowWatchBookmarks"), "true");
  EXPECT_EQ(watch.params.at("fieldSelector"), "spec.nodeName=worker-1");
  EXPECT_EQ(watch.params.at("timeoutSeconds"), "300");
  EXPECT_EQ(watch.authorization, list.authorization);

  auto start = std::chrono::steady_clock::now();
  w->Stop();  // while the watch is open and idle
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(WatcherTest, WatchStreamAddedModifiedDeletedBookmark) {
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  auto w = StartWatcher(Config());
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs)) << w->stats().last_error;

  const std::string other_id(64, 'b');
  const std::string other_uid = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d";
  server_->PushWatchLine(testing::WatchLine(
      "ADDED", Pod({.uid = other_uid, .rv = "1002", .restarts = 0, .app_id = other_id})));
  const std::string new_id(64, 'c');
  server_->PushWatchLine(testing::WatchLine("MODIFIED", Pod({.rv = "1003",
                                                             .restarts = 2,
                                                             .reason = "Error",
                                                             .exit_code = 1,
                                                             .app_id = new_id,
                                                             .old_app_id = testing::kAppId})));
  server_->PushWatchLine(testing::Bookmark("1500"));
  ASSERT_TRUE(w->WaitForTesting(
      kWaitMs, [](const WatcherStats& s) { return s.resource_version == "1500"; }));
  EXPECT_EQ(w->stats().pods, 2u);
  EXPECT_EQ(w->Lookup(Id(other_id)).metadata->pod_uid, other_uid);
  // The restarted container: its new instance is known, the old one is gone from the index.
  EXPECT_EQ(w->Lookup(Id(new_id)).metadata->container_name, "api");
  EXPECT_EQ(w->Lookup(Id(testing::kAppId)).state, MetadataState::kNotFound);

  std::vector<ExternalEvent> events = w->Poll();
  // ADDED of a pod we did not know reports its past terminations (init Completed, and the
  // pod's OOM kill); MODIFIED reports the crash of kAppId and the restart.
  std::vector<std::string> got;
  for (const auto& e : events)
    got.push_back(e.type + ":" + e.pod_uid.substr(0, 4) + ":" + e.container_id.substr(0, 4));
  EXPECT_EQ(got, (std::vector<std::string>{"exit:9a8b:0f0e", "exit:9a8b:77e0", "oom_kill:9a8b:77e0",
                                           "exit:5d3b:3f1c", "restart:5d3b:cccc"}));
  EXPECT_EQ(events[3].exit_code, 1);
  EXPECT_EQ(events[3].reason, "Error");
  EXPECT_TRUE(w->Poll().empty());  // delivered once

  server_->PushWatchLine(testing::WatchLine(
      "DELETED", Pod({.uid = other_uid, .rv = "1600", .restarts = 0, .app_id = other_id})));
  ASSERT_TRUE(w->WaitForTesting(kWaitMs, [](const WatcherStats& s) { return s.pods == 1; }));
  EXPECT_EQ(w->Lookup(Id(other_id)).state, MetadataState::kNotFound);
  EXPECT_EQ(w->stats().resource_version, "1600");
  EXPECT_EQ(w->stats().errors, 0);
}

TEST_F(WatcherTest, GoneInWatchStreamRelistsAndReportsWhatChanged) {
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  const std::string new_id(64, 'd');
  server_->AddListReply(200, testing::PodList({Pod({.rv = "2042",
                                                    .restarts = 2,
                                                    .reason = "OOMKilled",
                                                    .exit_code = 137,
                                                    .app_id = new_id,
                                                    .old_app_id = testing::kAppId})},
                                              "2042"));
  auto w = StartWatcher(Config());
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs)) << w->stats().last_error;
  server_->PushWatchLine(testing::GoneLine());
  ASSERT_TRUE(w->WaitForTesting(kWaitMs, [](const WatcherStats& s) {
    return s.lists == 2 && s.resource_version == "2042";
  })) << w->stats().last_error;
  EXPECT_EQ(w->stats().relists_after_gone, 1);
  EXPECT_EQ(w->stats().errors, 0);
  ASSERT_TRUE(server_->WaitForRequests(4, kWaitMs));
  auto requests = server_->requests();
  EXPECT_EQ(requests[2].params.count("watch"), 0u);  // a list, not a watch from the old version
  EXPECT_EQ(requests[3].params.at("resourceVersion"), "2042");
  // What the missed events would have said is recovered from the diff against the cache.
  std::vector<std::string> got;
  for (const auto& e : w->Poll()) got.push_back(e.type + ":" + e.container_id.substr(0, 4));
  EXPECT_EQ(got, (std::vector<std::string>{"exit:3f1c", "oom_kill:3f1c", "restart:dddd"}));
  EXPECT_EQ(w->Lookup(Id(new_id)).state, MetadataState::kFound);
}

TEST_F(WatcherTest, GoneAsHttpStatusRelists) {
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  server_->FailNextWatch(410, testing::GoneBody());
  auto w = StartWatcher(Config());
  ASSERT_TRUE(w->WaitForTesting(kWaitMs, [](const WatcherStats& s) { return s.lists == 2; }))
      << w->stats().last_error;
  EXPECT_EQ(w->stats().relists_after_gone, 1);
}

TEST_F(WatcherTest, GoneOnAListBacksOffLikeAnError) {
  // An expired continue token: the list is retried after a backoff, not in a tight loop.
  server_->AddListReply(410, testing::GoneBody());
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  auto w = StartWatcher(Config());
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs)) << w->stats().last_error;
  EXPECT_EQ(w->stats().errors, 1);
  EXPECT_EQ(w->stats().relists_after_gone, 0);
  EXPECT_NE(w->stats().last_error.find("410 Gone: The provided continue parameter is too old"),
            std::string::npos)
      << w->stats().last_error;
}

TEST_F(WatcherTest, MissingTokenIsAnErrorWithoutARequest) {
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  ApiServerConfig c = Config();
  c.token_file = dir_->path() + "/no-such-token";
  auto w = StartWatcher(c);
  ASSERT_TRUE(w->WaitForTesting(kWaitMs, [](const WatcherStats& s) { return s.errors >= 2; }));
  EXPECT_NE(w->stats().last_error.find("service-account token"), std::string::npos)
      << w->stats().last_error;
  EXPECT_FALSE(w->stats().synced);
  w->Stop();
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(WatcherTest, FollowsListPages) {
  const std::string page2_id(64, 'a');
  server_->AddListReply(
      200, testing::PodList({Pod()}, "", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTAwMX0"));
  server_->AddListReply(200, testing::PodList({Pod({.uid = "p2", .app_id = page2_id})}, "1001"));
  auto w = StartWatcher(Config());
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs)) << w->stats().last_error;
  EXPECT_EQ(w->stats().pods, 2u);
  EXPECT_EQ(w->stats().resource_version, "1001");
  EXPECT_EQ(w->Lookup(Id(page2_id)).state, MetadataState::kFound);
  ASSERT_TRUE(server_->WaitForRequests(3, kWaitMs));
  auto requests = server_->requests();
  EXPECT_EQ(requests[0].params.count("continue"), 0u);
  EXPECT_EQ(requests[1].params.at("continue"), "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTAwMX0");
  EXPECT_EQ(requests[2].params.at("watch"), "1");
}

TEST_F(WatcherTest, WrongCaIsRefused) {
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  ApiServerConfig c = Config();
  c.ca_file = certs_.other_ca_crt;
  auto w = StartWatcher(c);
  ASSERT_TRUE(w->WaitForTesting(kWaitMs, [](const WatcherStats& s) { return s.errors >= 2; }));
  WatcherStats s = w->stats();
  EXPECT_FALSE(s.synced);
  EXPECT_NE(s.last_error.find("TLS"), std::string::npos) << s.last_error;
  EXPECT_NE(s.last_error.find("certificate"), std::string::npos) << s.last_error;
  EXPECT_EQ(w->Lookup(Id(testing::kAppId)).state, MetadataState::kPending);
  w->Stop();
  EXPECT_TRUE(server_->requests().empty());  // no request (and no token) crossed the wire
}

TEST_F(WatcherTest, ServerErrorsBackOffThenRecover) {
  server_->AddListReply(
      500,
      R"({"kind":"Status","status":"Failure","message":"etcdserver: request timed out","code":500})");
  server_->AddListReply(
      403,
      R"({"kind":"Status","status":"Failure","message":"pods is forbidden: User \"system:serviceaccount:fgm:fgm\" cannot list resource \"pods\"","reason":"Forbidden","code":403})");
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  auto w = StartWatcher(Config());
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs)) << w->stats().last_error;
  WatcherStats s = w->stats();
  EXPECT_EQ(s.errors, 2);
  EXPECT_NE(s.last_error.find("HTTP 403 (RBAC: needs pods get/list/watch)"), std::string::npos)
      << s.last_error;
  EXPECT_NE(s.last_error.find("cannot list resource"), std::string::npos) << s.last_error;
}

TEST_F(WatcherTest, OversizedWatchLineIsAnErrorNotAnAllocation) {
  server_->AddListReply(200, testing::PodList({}, "1001"));
  ApiServerConfig c = Config();
  c.max_watch_line_bytes = 1024;  // a realistic pod line is ~4 KiB
  auto w = StartWatcher(c);
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs));
  server_->PushWatchLine(testing::WatchLine("ADDED", Pod()));
  ASSERT_TRUE(w->WaitForTesting(kWaitMs, [](const WatcherStats& s) { return s.errors >= 1; }));
  EXPECT_NE(w->stats().last_error.find("watch line over 1024 bytes"), std::string::npos)
      << w->stats().last_error;
  EXPECT_EQ(w->stats().pods, 0u);
}

TEST_F(WatcherTest, MaxPodsBoundsTheCache) {
  server_->AddListReply(200, testing::PodList({Pod(), Pod({.uid = "p2", .app_id = "x2"}),
                                               Pod({.uid = "p3", .app_id = "x3"})},
                                              "1001"));
  ApiServerConfig c = Config();
  c.max_pods = 2;
  auto w = StartWatcher(c);
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs));
  EXPECT_EQ(w->stats().pods, 2u);
  EXPECT_EQ(w->stats().pods_dropped, 1);
}

TEST_F(WatcherTest, AdaptersShareTheWatcher) {
  server_->AddListReply(200, testing::PodList({Pod()}, "1001"));
  auto w = StartWatcher(Config());
  auto provider = MakeMetadataProvider(w);
  auto source = MakeEventSource(w);
  ASSERT_TRUE(w->WaitForSyncForTesting(kWaitMs));
  EXPECT_EQ(provider->name(), "apiserver");
  EXPECT_EQ(provider->Lookup(Id(testing::kAppId)).metadata->container_name, "api");
  server_->PushWatchLine(testing::WatchLine("MODIFIED", Pod({.rv = "1003",
                                                             .restarts = 2,
                                                             .reason = "Error",
                                                             .exit_code = 1,
                                                             .app_id = std::string(64, 'c'),
                                                             .old_app_id = testing::kAppId})));
  ASSERT_TRUE(
      w->WaitForTesting(kWaitMs, [](const WatcherStats& s) { return s.watch_events == 1; }));
  EXPECT_EQ(source->Poll().size(), 2u);
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(InClusterConfigTest, FromEnvironmentAndServiceAccountDir) {
  fgm::k8s::testing::TempDir sa;
  {
    ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr), port("KUBERNETES_SERVICE_PORT", nullptr);
    EXPECT_EQ(InClusterConfig("n1", sa.path()).error().code(), StatusCode::kNotFound);
  }
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1"), port("KUBERNETES_SERVICE_PORT", "443");
  EXPECT_EQ(InClusterConfig("n1", sa.path()).error().code(), StatusCode::kIo);  // no token yet
  ASSERT_TRUE(sa.Write("token", "t").ok());
  ASSERT_TRUE(sa.Write("ca.crt", "pem").ok());
  auto c = InClusterConfig("n1", sa.path());
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->server_url, "https://10.96.0.1:443");
  EXPECT_EQ(c->token_file, sa.path() + "/token");
  EXPECT_EQ(c->ca_file, sa.path() + "/ca.crt");
  EXPECT_EQ(c->node_name, "n1");
  EXPECT_EQ(InClusterConfig("", sa.path()).error().code(), StatusCode::kInvalidArgument);
  ScopedEnv host6("KUBERNETES_SERVICE_HOST", "fd00:10:96::1");
  EXPECT_EQ(InClusterConfig("n1", sa.path())->server_url, "https://[fd00:10:96::1]:443");
}

}  // namespace
}  // namespace fgm::k8s::apiserver

// SPDX-License-Identifier: Apache-2.0
// Pod JSON parsing on a realistic Deployment pod, watch-line shapes, RFC 3339 times, and the
// restart/exit/oom_kill diff.
#include "k8s/apiserver/pod_model.h"

#include <gtest/gtest.h>

#include "k8s/apiserver/apiserver_testing.h"

namespace fgm::k8s::apiserver {
namespace {

using testing::Pod;
using testing::PodParams;

const ContainerInfo* Find(const PodInfo& pod, const std::string& name) {
  for (const ContainerInfo& c : pod.containers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(ParsePodTest, RealisticPod) {
  auto pod = ParsePod(Pod());
  ASSERT_TRUE(pod.ok()) << pod.error().ToString();
  EXPECT_EQ(pod->uid, testing::kUid);
  EXPECT_EQ(pod->name, "api-7d4b9c8f6d-x2x9k");
  EXPECT_EQ(pod->namespace_name, "shop");
  EXPECT_EQ(pod->node_name, "worker-1");
  EXPECT_EQ(pod->resource_version, "1001");
  EXPECT_EQ(pod->qos_class, "Burstable");
  EXPECT_EQ(pod->labels.at("app"), "api");
  EXPECT_EQ(pod->labels.at("tier"), "backend");
  ASSERT_EQ(pod->containers.size(), 3u);

  const ContainerInfo* init = Find(*pod, "migrate");
  ASSERT_NE(init, nullptr);
  EXPECT_TRUE(init->init_container);
  EXPECT_EQ(init->container_id, testing::kInitId);
  ASSERT_TRUE(init->terminated);
  EXPECT_EQ(init->terminated->reason, "Completed");
  EXPECT_FALSE(init->terminated->signal);

  const ContainerInfo* api = Find(*pod, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_FALSE(api->init_container);
  EXPECT_EQ(api->container_id, testing::kAppId);  // "containerd://" stripped
  EXPECT_EQ(api->restart_count, 1);
  EXPECT_EQ(api->started_at_ms, 1710410533000);  // 2024-03-14T10:02:13Z
  EXPECT_FALSE(api->terminated);
  ASSERT_TRUE(api->last_terminated);
  EXPECT_EQ(api->last_terminated->container_id, testing::kOldAppId);
  EXPECT_EQ(api->last_terminated->exit_code, 137);
  EXPECT_EQ(api->last_terminated->signal, 9);  // 137 = 128 + SIGKILL
  EXPECT_EQ(api->last_terminated->reason, "OOMKilled");
  EXPECT_EQ(api->last_terminated->finished_at_ms, 1710410531000);
  EXPECT_EQ(api->requests.at("cpu"), "250m");
  EXPECT_EQ(api->requests.at("memory"), "128Mi");
  EXPECT_EQ(api->limits.at("memory"), "256Mi");
  EXPECT_EQ(api->limits.count("cpu"), 0u);

  const ContainerInfo* envoy = Find(*pod, "envoy");
  ASSERT_NE(envoy, nullptr);
  EXPECT_EQ(envoy->container_id, testing::kSidecarId);
  EXPECT_EQ(envoy->limits.at("cpu"), "500m");
  EXPECT_FALSE(envoy->last_terminated);
}

TEST(ParsePodTest, RejectsNonPods) {
  EXPECT_EQ(ParsePod("").error().code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(ParsePod("{\"metadata\": {\"name\": \"x\"").error().code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(ParsePod("[1, 2]").error().code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(ParsePod(R"({"metadata": {"name": "no-uid"}})").error().code(),
            StatusCode::kInvalidFormat);
  // Wrong types are skipped, not fatal: a pod whose labels are not an object has no labels.
  auto pod = ParsePod(R"({"metadata": {"uid": "u1", "labels": [1], "name": 7},
                          "status": {"containerStatuses": {"not": "an array"}}})");
  ASSERT_TRUE(pod.ok());
  EXPECT_TRUE(pod->labels.empty());
  EXPECT_EQ(pod->name, "");
  EXPECT_TRUE(pod->containers.empty());
}

TEST(ParsePodTest, LongTerminationMessageIsTruncated) {
  std::string msg(5000, 'x');
  auto pod = ParsePod(R"({"metadata": {"uid": "u1"}, "status": {"containerStatuses": [{"name": "a",
      "state": {"terminated": {"exitCode": 1, "reason": "Error", "message": ")" +
                      msg + R"("}}}]}})");
  ASSERT_TRUE(pod.ok());
  ASSERT_EQ(pod->containers.size(), 1u);
  EXPECT_EQ(pod->containers[0].terminated->message.size(), kMaxMessageBytes);
  EXPECT_FALSE(pod->containers[0].terminated->signal);  // exit 1 is not a signal
}

TEST(ParsePodListTest, ItemsResourceVersionAndContinue) {
  auto list = ParsePodList(testing::PodList({Pod(), Pod({.uid = "u2", .app_id = "b"})}, "2042",
                                            "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"));
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_EQ(list->resource_version, "2042");
  EXPECT_EQ(list->continue_token, "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ");
  ASSERT_EQ(list->pods.size(), 2u);
  EXPECT_EQ(list->pods[1].uid, "u2");
  EXPECT_EQ(ParsePodList(R"({"kind": "Status", "code": 403})").error().code(),
            StatusCode::kInvalidFormat);
}

TEST(ParseWatchEventTest, AllTypes) {
  auto added = ParseWatchEvent(testing::WatchLine("ADDED", Pod()));
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->type, WatchEventType::kAdded);
  EXPECT_EQ(added->pod.uid, testing::kUid);
  EXPECT_EQ(ParseWatchEvent(testing::WatchLine("MODIFIED", Pod()))->type,
            WatchEventType::kModified);
  EXPECT_EQ(ParseWatchEvent(testing::WatchLine("DELETED", Pod()))->type, WatchEventType::kDeleted);

  auto bookmark = ParseWatchEvent(testing::Bookmark("3100"));
  ASSERT_TRUE(bookmark.ok());
  EXPECT_EQ(bookmark->type, WatchEventType::kBookmark);
  EXPECT_EQ(bookmark->pod.resource_version, "3100");

  auto gone = ParseWatchEvent(testing::GoneLine());
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->type, WatchEventType::kError);
  EXPECT_EQ(gone->error_code, 410);
  EXPECT_NE(gone->error_message.find("too old resource version"), std::string::npos);

  EXPECT_EQ(ParseWatchEvent(R"({"type": "SYNC", "object": {}})").error().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ParseWatchEvent(R"({"object": {}})").error().code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(ParseWatchEvent("{\"type\": \"ADDED\", \"obj").error().code(),
            StatusCode::kInvalidFormat);
  EXPECT_EQ(ParseWatchEvent(R"({"type": "BOOKMARK", "object": {"metadata": {}}})").error().code(),
            StatusCode::kInvalidFormat);
}

TEST(ParseRfc3339Test, Shapes) {
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Ms("2024-03-14T10:02:11Z"), 1710410531000);
  EXPECT_EQ(ParseRfc3339Ms("2024-03-14T10:02:11.5Z"), 1710410531500);
  EXPECT_EQ(ParseRfc3339Ms("2024-03-14T10:02:11.123456789Z"), 1710410531123);
  EXPECT_EQ(ParseRfc3339Ms("2024-03-14T12:02:11+02:00"), 1710410531000);
  EXPECT_EQ(ParseRfc3339Ms("2024-03-14T05:02:11-05:00"), 1710410531000);
  EXPECT_EQ(ParseRfc3339Ms("2000-02-29T00:00:00Z"), 951782400000);  // leap day
  EXPECT_FALSE(ParseRfc3339Ms(""));
  EXPECT_FALSE(ParseRfc3339Ms("2024-03-14 10:02:11Z"));
  EXPECT_FALSE(ParseRfc3339Ms("2024-13-14T10:02:11Z"));
  EXPECT_FALSE(ParseRfc3339Ms("2024-03-14T10:02:11"));
  EXPECT_FALSE(ParseRfc3339Ms("2024-03-14T10:02:11.Z"));
  EXPECT_FALSE(ParseRfc3339Ms("2024-03-14T10:02:11+0200"));
}

TEST(StripSchemeTest, Runtimes) {
  EXPECT_EQ(StripContainerIdScheme("containerd://abc"), "abc");
  EXPECT_EQ(StripContainerIdScheme("cri-o://abc"), "abc");
  EXPECT_EQ(StripContainerIdScheme("docker://abc"), "abc");
  EXPECT_EQ(StripContainerIdScheme("abc"), "abc");
  EXPECT_EQ(StripContainerIdScheme(""), "");
}

std::vector<std::string> Types(const std::vector<ExternalEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type + ":" + e.container_name);
  return out;
}

TEST(DiffPodEventsTest, NewPodReportsPastTerminationsOnce) {
  PodInfo pod = *ParsePod(Pod());
  SeenTerminations seen(100);
  auto events = DiffPodEvents(nullptr, pod, &seen, 5);
  // The init container's completion and the app's OOM kill; no restart (nothing to compare with).
  EXPECT_EQ(Types(events), (std::vector<std::string>{"exit:migrate", "exit:api", "oom_kill:api"}));
  const ExternalEvent& oom = events[2];
  EXPECT_EQ(oom.container_id, testing::kOldAppId);
  EXPECT_EQ(oom.pod_uid, testing::kUid);
  EXPECT_EQ(oom.pod_name, "api-7d4b9c8f6d-x2x9k");
  EXPECT_EQ(oom.namespace_name, "shop");
  EXPECT_EQ(oom.exit_code, 137);
  EXPECT_EQ(oom.signal, 9);
  EXPECT_EQ(oom.reason, "OOMKilled");
  EXPECT_EQ(oom.time_ms, 1710410531000);
  EXPECT_EQ(events[0].exit_code, 0);
  EXPECT_EQ(events[0].reason, "Completed");
  // The same object again (a re-list, or a MODIFIED that changed a condition): nothing new.
  EXPECT_TRUE(DiffPodEvents(&pod, pod, &seen, 6).empty());
}

TEST(DiffPodEventsTest, RestartAfterCrash) {
  SeenTerminations seen(100);
  PodInfo before = *ParsePod(Pod());
  DiffPodEvents(nullptr, before, &seen, 0);
  const std::string new_id(64, 'e');
  PodInfo after = *ParsePod(Pod({.rv = "1002",
                                 .restarts = 2,
                                 .reason = "Error",
                                 .exit_code = 2,
                                 .app_id = new_id,
                                 .old_app_id = testing::kAppId}));
  auto events = DiffPodEvents(&before, after, &seen, 7);
  ASSERT_EQ(Types(events), (std::vector<std::string>{"exit:api", "restart:api"}));
  EXPECT_EQ(events[0].container_id, testing::kAppId);
  EXPECT_EQ(events[0].exit_code, 2);
  EXPECT_FALSE(events[0].signal);
  EXPECT_EQ(events[0].reason, "Error");
  EXPECT_EQ(events[1].container_id, new_id);
  EXPECT_EQ(events[1].time_ms, 1710410533000);  // the new instance's startedAt
  EXPECT_FALSE(events[1].exit_code);
}

TEST(DiffPodEventsTest, RestartWithoutStartedAtUsesNow) {
  SeenTerminations seen(100);
  PodInfo before = *ParsePod(Pod());
  PodInfo after = before;
  for (auto& c : after.containers) {
    if (c.name == "api") {
      c.restart_count = 2;
      c.started_at_ms = 0;  // waiting: CrashLoopBackOff
    }
  }
  DiffPodEvents(nullptr, before, &seen, 0);
  auto events = DiffPodEvents(&before, after, &seen, 4242);
  ASSERT_EQ(Types(events), (std::vector<std::string>{"restart:api"}));
  EXPECT_EQ(events[0].time_ms, 4242);
}

TEST(SeenTerminationsTest, ForgetsOldestAtCapacity) {
  SeenTerminations seen(2);
  EXPECT_TRUE(seen.Insert("a"));
  EXPECT_FALSE(seen.Insert("a"));
  EXPECT_TRUE(seen.Insert("b"));
  EXPECT_TRUE(seen.Insert("c"));  // evicts a
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen.Insert("b"));
  EXPECT_FALSE(seen.Insert("c"));
  EXPECT_TRUE(seen.Insert("a"));
}

}  // namespace
}  // namespace fgm::k8s::apiserver

// SPDX-License-Identifier: Apache-2.0
// scenario.json parsing, quantities, QoS and template rendering; plus every shipped scenario in
// scenarios/ must parse and come with its README, dashboard and Kubernetes manifest.
#include "scenario/spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"

namespace fgm::scenario {
namespace {

using ::testing::HasSubstr;

constexpr const char* kMinimal = R"({
  "name": "demo", "description": "d", "expected_signal": "s",
  "pods": [{"name": "web", "labels": {"app": "web"}, "restart_policy": "OnFailure",
            "containers": [{"name": "app", "args": ["burn", "--threads", "2"],
                            "cpu": "250m", "memory": "64Mi", "pids": 16, "user": "nobody",
                            "env": {"A": "1"}}]}]})";

TEST(ParseScenarioSpec, ReadsEveryField) {
  auto spec = ParseScenarioSpec(kMinimal);
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  EXPECT_EQ(spec->name, "demo");
  ASSERT_EQ(spec->pods.size(), 1u);
  const PodSpec& pod = spec->pods[0];
  EXPECT_EQ(pod.labels.at("app"), "web");
  EXPECT_EQ(pod.restart_policy, RestartPolicy::kOnFailure);
  const ContainerSpec& c = pod.containers[0];
  EXPECT_EQ(c.args, (std::vector<std::string>{"burn", "--threads", "2"}));
  EXPECT_EQ(c.cpu_millicores, 250);
  EXPECT_EQ(c.memory_bytes, 64u << 20);
  EXPECT_EQ(c.pids, 16);
  EXPECT_EQ(c.user, "nobody");
  EXPECT_EQ(c.env.at("A"), "1");
  EXPECT_EQ(PodQosClass(pod), k8s::QosClass::kGuaranteed);
}

TEST(ParseScenarioSpec, RejectsWhatWouldBeSilentlyWrong) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"{", "malformed"},
      {R"({"name": "x", "pods": [], "extra": 1})", "unknown key \"extra\""},
      {R"({"name": "Bad_Name", "pods": [{}]})", "not a DNS label"},
      {R"({"name": "x", "pods": []})", "non-empty array"},
      {R"({"name": "x", "pods": [{"name": "p", "containers": [{"name": "c", "args": ["a"],
           "memroy": "1Mi"}]}]})",
       "unknown key \"memroy\""},
      {R"({"name": "x", "pods": [{"name": "p", "containers": [{"name": "c", "args": []}]}]})",
       "non-empty array"},
      {R"({"name": "x", "pods": [{"name": "p", "containers": [{"name": "c", "args": ["a"],
           "cpu": "lots"}]}]})",
       "bad CPU quantity"},
      {R"({"name": "x", "pods": [{"name": "p", "restart_policy": "Sometimes",
           "containers": [{"name": "c", "args": ["a"]}]}]})",
       "restart_policy"},
      {R"({"name": "x", "pods": [{"name": "p", "containers": [{"name": "c", "args": ["a"]},
           {"name": "c", "args": ["b"]}]}]})",
       "duplicate container"},
      {R"({"name": "x", "pods": [{"name": "p", "containers": [{"name": "c", "args": ["a"]}]},
           {"name": "p", "containers": [{"name": "d", "args": ["a"]}]}]})",
       "duplicate pod"},
      {R"({"name": "x", "pods": [{"name": "p", "containers": [{"name": "c", "args": ["a"],
           "pids": -1}]}]})",
       "positive integer"},
  };
  for (const auto& c : cases) {
    auto spec = ParseScenarioSpec(c.json);
    ASSERT_FALSE(spec.ok()) << c.json;
    EXPECT_EQ(spec.error().code(), StatusCode::kInvalidFormat);
    EXPECT_THAT(spec.error().message(), HasSubstr(c.message)) << c.json;
  }
}

TEST(Quantities, CpuAndMemory) {
  EXPECT_EQ(*ParseCpuQuantity("250m"), 250);
  EXPECT_EQ(*ParseCpuQuantity("1"), 1000);
  EXPECT_EQ(*ParseCpuQuantity("0.5"), 500);
  EXPECT_EQ(*ParseCpuQuantity("2.25"), 2250);
  for (const char* bad : {"", "m", "-1", "0", "0m", "1.5m", "abc", "0.0001"}) {
    EXPECT_FALSE(ParseCpuQuantity(bad).ok()) << bad;
  }
  EXPECT_EQ(*ParseMemoryQuantity("128Mi"), 128u << 20);
  EXPECT_EQ(*ParseMemoryQuantity("1Gi"), 1u << 30);
  EXPECT_EQ(*ParseMemoryQuantity("64M"), 64'000'000u);
  EXPECT_EQ(*ParseMemoryQuantity("4096"), 4096u);
  for (const char* bad : {"", "Mi", "0", "-1Mi", "1.5Gi", "1Ti", "99999999999999999999Gi"}) {
    EXPECT_FALSE(ParseMemoryQuantity(bad).ok()) << bad;
  }
}

TEST(PodQosClass, FollowsKubernetesRules) {
  PodSpec pod;
  pod.containers.resize(2);
  EXPECT_EQ(PodQosClass(pod), k8s::QosClass::kBestEffort);
  pod.containers[0].memory_bytes = 1;
  EXPECT_EQ(PodQosClass(pod), k8s::QosClass::kBurstable);
  pod.containers[0].cpu_millicores = 1;
  pod.containers[1].cpu_millicores = 1;
  EXPECT_EQ(PodQosClass(pod), k8s::QosClass::kBurstable);
  pod.containers[1].memory_bytes = 1;
  EXPECT_EQ(PodQosClass(pod), k8s::QosClass::kGuaranteed);
}

TEST(IsDnsLabel, Rfc1123) {
  EXPECT_TRUE(IsDnsLabel("a"));
  EXPECT_TRUE(IsDnsLabel("memory-leak"));
  EXPECT_TRUE(IsDnsLabel(std::string(63, 'a')));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
  EXPECT_FALSE(IsDnsLabel(""));
  EXPECT_FALSE(IsDnsLabel("-a"));
  EXPECT_FALSE(IsDnsLabel("a-"));
  EXPECT_FALSE(IsDnsLabel("A"));
  EXPECT_FALSE(IsDnsLabel("a_b"));
  EXPECT_FALSE(IsDnsLabel("a/b"));
}

TEST(RenderTemplate, FillsAndRefusesHoles) {
  auto out = RenderTemplate("ns: {{NAMESPACE}}\nimage: x:{{ IMAGE_TAG }}\n{{NAMESPACE}}",
                            {{"NAMESPACE", "fgm-run-a"}, {"IMAGE_TAG", "dev"}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "ns: fgm-run-a\nimage: x:dev\nfgm-run-a");
  EXPECT_EQ(*RenderTemplate("no vars", {}), "no vars");
  auto missing = RenderTemplate("{{RUN_ID}}", {{"NAMESPACE", "x"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message(), HasSubstr("RUN_ID"));
  EXPECT_FALSE(RenderTemplate("a {{RUN_ID", {{"RUN_ID", "x"}}).ok());
}

TEST(ShippedScenarios, AllParseWithTheirFiles) {
  const std::string dir = std::string(FGM_SOURCE_DIR) + "/scenarios";
  auto names = ListScenarioNames(dir);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names,
            (std::vector<std::string>{"cpu-throttle", "crash-loop", "memory-leak", "oom-kill",
                                      "periodic-spikes", "sigpipe-crash", "todo-app"}));
  for (const auto& name : *names) {
    auto spec = LoadScenario(dir, name);
    ASSERT_TRUE(spec.ok()) << name << ": " << spec.error().ToString();
    EXPECT_FALSE(spec->description.empty()) << name;
    EXPECT_FALSE(spec->expected_signal.empty()) << name;
    for (const char* file : {"README.md", "deploy.yaml", "dashboard.json"}) {
      EXPECT_TRUE(std::filesystem::exists(dir + "/" + name + "/" + file)) << name << "/" << file;
    }
    for (const auto& pod : spec->pods) {
      for (const auto& c : pod.containers) {
        // Every container is limited: a scenario must never take the machine down.
        EXPECT_TRUE(c.memory_bytes.has_value()) << name << "/" << c.name;
        EXPECT_TRUE(c.cpu_millicores.has_value()) << name << "/" << c.name;
      }
    }
  }
  EXPECT_EQ(LoadScenario(dir, "no-such-scenario").error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace fgm::scenario

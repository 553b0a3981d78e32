// SPDX-License-Identifier: Apache-2.0
// deploy.yaml rendering for every shipped scenario (offline: no cluster here): placeholders all
// filled, the run's namespace and image tag everywhere they belong, bad inputs refused.
#include "scenario/kubernetes_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "scenario/spec.h"

namespace fgm::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kScenarios = std::string(FGM_SOURCE_DIR) + "/scenarios";

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(RenderDeployManifest, EveryScenario) {
  auto names = ListScenarioNames(kScenarios);
  ASSERT_TRUE(names.ok());
  ASSERT_FALSE(names->empty());
  for (const auto& name : *names) {
    auto m = RenderDeployManifest(kScenarios, name, "ab12cd34", "v1.2.3");
    ASSERT_TRUE(m.ok()) << name << ": " << m.error().ToString();
    EXPECT_THAT(*m, Not(HasSubstr("{{"))) << name;
    EXPECT_THAT(*m, HasSubstr("kind: Namespace\nmetadata:\n  name: fgm-run-ab12cd34\n")) << name;
    EXPECT_THAT(*m, HasSubstr("fgm-workload:v1.2.3")) << name;
    EXPECT_THAT(*m, HasSubstr("fgm.io/scenario: " + name)) << name;
    // Every namespaced object lands in the run's namespace, and every container has limits.
    EXPECT_EQ(Count(*m, "namespace: fgm-run-ab12cd34"), Count(*m, "\nkind: ") - 1) << name;
    EXPECT_EQ(Count(*m, "limits:"),
              Count(*m, "- name: ") - Count(*m, "- name: shared") - Count(*m, "- name: POSTGRES"))
        << name;
  }
}

TEST(RenderDeployManifest, RefusesBadInput) {
  EXPECT_EQ(RenderDeployManifest(kScenarios, "memory-leak", "ab12cd34", "bad tag").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderDeployManifest(kScenarios, "memory-leak", "../x", "dev").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderDeployManifest(kScenarios, "no-such", "ab12cd34", "dev").error().code(),
            StatusCode::kNotFound);
}

TEST(FindKubectl, ClearErrorWhenMissing) {
  const char* old = std::getenv("PATH");
  std::string saved = old ? old : "";
  setenv("PATH", "/nonexistent-fgm-test-dir", 1);
  auto kubectl = FindKubectl();
  Status run = RunKubectl({"version"});
  setenv("PATH", saved.c_str(), 1);
  ASSERT_FALSE(kubectl.ok());
  EXPECT_EQ(kubectl.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(kubectl.error().message(), HasSubstr("kubectl not found"));
  EXPECT_EQ(run.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace fgm::scenario

// SPDX-License-Identifier: Apache-2.0
// The local backend's naming contract with the monitor: the cgroup pattern it passes to
// `fgm monitor` really parses each instance's cgroup into the container id the supervisor writes
// in metadata and event files; and the binary/scenario lookups.
#include "scenario/local_backend.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"
#include "k8s/cgroup_path.h"

namespace fgm::scenario {
namespace {

TEST(LocalNames, PatternParsesInstanceCgroupsIntoTheirIds) {
  auto parser = k8s::CgroupPathParser::Create(
      {{.name = "fgm-local", .path = std::string(kLocalCgroupPattern)}});
  ASSERT_TRUE(parser.ok()) << parser.error().ToString();
  for (int instance : {0, 1, 17}) {
    std::string path = InstanceCgroup("ab12cd34", "web", "app", instance);
    auto id = parser->Parse(path);
    ASSERT_TRUE(id.has_value()) << path;
    EXPECT_EQ(id->container_id, InstanceContainerId("ab12cd34", "web", "app", instance));
    EXPECT_EQ(id->pattern_name, "fgm-local");
  }
  EXPECT_EQ(InstanceCgroup("ab12cd34", "web", "app", 2),
            "fgm.slice/fgm-run-ab12cd34.slice/web.slice/app-2.scope");
  EXPECT_EQ(InstanceContainerId("ab12cd34", "web", "app", 2), "ab12cd34/web/app-2");
  EXPECT_EQ(RunNamespace("ab12cd34"), "fgm-run-ab12cd34");
  // The run and pod slices are not containers, but the discovery walk must enter them.
  EXPECT_FALSE(parser->Parse(RunSliceCgroup("ab12cd34")).has_value());
  EXPECT_TRUE(parser->MayContainContainers(RunSliceCgroup("ab12cd34")));
  EXPECT_TRUE(parser->MayContainContainers(RunSliceCgroup("ab12cd34") + "/web.slice"));
}

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fgm-lookup-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    unsetenv("FGM_WORKLOAD_BIN");
    unsetenv("FGM_SCENARIOS_DIR");
  }
  void TearDown() override {
    unsetenv("FGM_WORKLOAD_BIN");
    unsetenv("FGM_SCENARIOS_DIR");
    std::filesystem::remove_all(dir_);
  }
  void Executable(const std::string& rel) {
    ASSERT_TRUE(MakeDirs(DirName(dir_ + "/" + rel)).ok());
    ASSERT_TRUE(WriteFileAtomically(dir_ + "/" + rel, "#!/bin/sh\n").ok());
    std::filesystem::permissions(dir_ + "/" + rel, std::filesystem::perms::owner_all);
  }
  std::string dir_;
};

TEST_F(LookupTest, WorkloadBinaryInTheBuildTreeOrFromTheEnvironment) {
  // The build tree: build/src/apps/fgm/fgm and build/src/scenario/workload/fgm-workload.
  Executable("build/src/apps/fgm/fgm");
  const std::string fgm = dir_ + "/build/src/apps/fgm/fgm";
  std::string saved_path = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", "/nonexistent-fgm-test-dir", 1);
  EXPECT_EQ(FindWorkloadBinary(fgm).error().code(), StatusCode::kNotFound);
  Executable("build/src/scenario/workload/fgm-workload");
  EXPECT_EQ(*FindWorkloadBinary(fgm), dir_ + "/build/src/scenario/workload/fgm-workload");
  Executable("build/src/apps/fgm/fgm-workload");  // installed side by side wins
  EXPECT_EQ(*FindWorkloadBinary(fgm), dir_ + "/build/src/apps/fgm/fgm-workload");
  setenv("FGM_WORKLOAD_BIN", (dir_ + "/nope").c_str(), 1);
  EXPECT_EQ(FindWorkloadBinary(fgm).error().code(), StatusCode::kNotFound);
  setenv("PATH", saved_path.c_str(), 1);
}

TEST_F(LookupTest, ScenariosBesideAnAncestorOfTheBinary) {
  ASSERT_TRUE(MakeDirs(dir_ + "/repo/scenarios/memory-leak").ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/repo/scenarios/memory-leak/scenario.json", "{}").ok());
  Executable("repo/build/src/apps/fgm/fgm");
  EXPECT_EQ(*FindScenariosDir(dir_ + "/repo/build/src/apps/fgm/fgm"), dir_ + "/repo/scenarios");
  setenv("FGM_SCENARIOS_DIR", "/elsewhere", 1);
  EXPECT_EQ(*FindScenariosDir(dir_ + "/repo/build/src/apps/fgm/fgm"), "/elsewhere");
}

}  // namespace
}  // namespace fgm::scenario

// SPDX-License-Identifier: Apache-2.0
// Runtime metadata: parsers on runtime-shaped files, and the cached, rate-limited providers on
// temp-dir host roots driven by a fake clock.
#include "k8s/runtime_metadata.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/testing/fake_clock.h"
#include "k8s/k8s_testing.h"

namespace fgm::k8s {
namespace {

using testing::Fill;
using testing::kContainerId;
using testing::kPodUid;
using testing::kSandboxId;
using testing::TempDir;

const std::string kContainerdDir = "run/containerd/io.containerd.runtime.v2.task/k8s.io/";
const std::string kCrioDir = "run/containers/storage/overlay-containers/";
const std::string kDockerDir = "var/lib/docker/containers/";

ContainerIdentity Identity(ContainerRuntime runtime, const std::string& id,
                           const std::string& pod_uid = "") {
  ContainerIdentity identity;
  identity.runtime = runtime;
  identity.container_id = id;
  identity.pod_uid = pod_uid;
  return identity;
}

// Captures log lines for the duration of a test.
class LogCapture {
 public:
  LogCapture() {
    SetLogSinkForTesting([this](LogLevel, const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    });
  }
  ~LogCapture() { SetLogSinkForTesting(nullptr); }
  size_t CountContaining(const std::string& needle) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const std::string& l : lines_) n += l.find(needle) != std::string::npos;
    return n;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST(ParseRuntimeConfigTest, ContainerdContainerAndSandbox) {
  auto md = ParseContainerdBundleConfig(Fill(testing::kContainerdContainerConfig));
  ASSERT_TRUE(md.ok()) << md.error().ToString();
  EXPECT_EQ(md->pod_name, "web-7d4b9c8f6d-x2x9k");
  EXPECT_EQ(md->namespace_name, "shop");
  EXPECT_EQ(md->container_name, "nginx");
  EXPECT_EQ(md->pod_uid, kPodUid);
  EXPECT_EQ(md->image, "docker.io/library/nginx:1.25.3");
  EXPECT_EQ(md->sandbox_id, kSandboxId);
  EXPECT_FALSE(md->is_sandbox);
  EXPECT_TRUE(md->labels.empty());

  auto sandbox = ParseContainerdBundleConfig(Fill(testing::kContainerdSandboxConfig));
  ASSERT_TRUE(sandbox.ok());
  EXPECT_TRUE(sandbox->is_sandbox);
  EXPECT_EQ(sandbox->pod_name, "web-7d4b9c8f6d-x2x9k");
  EXPECT_EQ(sandbox->container_name, "");
}

TEST(ParseRuntimeConfigTest, CrioContainerAndSandbox) {
  auto md = ParseCrioContainerConfig(Fill(testing::kCrioContainerConfig));
  ASSERT_TRUE(md.ok()) << md.error().ToString();
  EXPECT_EQ(md->pod_name, "todo-6c9f8d7b5-abcde");
  EXPECT_EQ(md->namespace_name, "shop");
  EXPECT_EQ(md->container_name, "api");
  EXPECT_EQ(md->pod_uid, kPodUid);
  EXPECT_EQ(md->image, "quay.io/example/todo-api:v1.4.2");
  EXPECT_EQ(md->sandbox_id, kSandboxId);
  EXPECT_FALSE(md->is_sandbox);
  EXPECT_EQ(md->labels.at("io.kubernetes.container.name"), "api");
  EXPECT_EQ(md->labels.size(), 4u);

  auto sandbox = ParseCrioContainerConfig(Fill(testing::kCrioSandboxConfig));
  ASSERT_TRUE(sandbox.ok());
  EXPECT_TRUE(sandbox->is_sandbox);
  // The infra container has no io.kubernetes.pod.* annotations: names come from its labels.
  EXPECT_EQ(sandbox->pod_name, "todo-6c9f8d7b5-abcde");
  EXPECT_EQ(sandbox->namespace_name, "shop");
  EXPECT_EQ(sandbox->labels.at("app"), "todo");
}

TEST(ParseRuntimeConfigTest, CrioFallsBackToCrioAnnotations) {
  auto md = ParseCrioContainerConfig(R"({"annotations": {
      "io.kubernetes.cri-o.ContainerType": "sandbox",
      "io.kubernetes.cri-o.KubeName": "solo", "io.kubernetes.cri-o.Namespace": "ns1",
      "io.kubernetes.cri-o.Image": "registry.k8s.io/pause:3.9"}})");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->pod_name, "solo");
  EXPECT_EQ(md->namespace_name, "ns1");
  EXPECT_EQ(md->image, "registry.k8s.io/pause:3.9");
  EXPECT_TRUE(md->is_sandbox);
}

TEST(ParseRuntimeConfigTest, DockerKubernetesAndPlain) {
  auto md = ParseDockerConfigV2(Fill(testing::kDockerK8sContainerConfig));
  ASSERT_TRUE(md.ok()) << md.error().ToString();
  EXPECT_EQ(md->pod_name, "todo-6c9f8d7b5-abcde");
  EXPECT_EQ(md->namespace_name, "shop");
  EXPECT_EQ(md->container_name, "api");
  EXPECT_EQ(md->pod_uid, kPodUid);
  EXPECT_EQ(md->image, "quay.io/example/todo-api@sha256:3b1c6a1d");
  EXPECT_EQ(md->sandbox_id, kSandboxId);
  EXPECT_FALSE(md->is_sandbox);

  auto sandbox = ParseDockerConfigV2(Fill(testing::kDockerK8sSandboxConfig));
  ASSERT_TRUE(sandbox.ok());
  EXPECT_TRUE(sandbox->is_sandbox);

  auto plain = ParseDockerConfigV2(Fill(testing::kDockerPlainConfig));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->container_name, "happy_turing");
  EXPECT_EQ(plain->image, "nginx:1.25.3");
  EXPECT_EQ(plain->pod_name, "");
  EXPECT_FALSE(plain->is_sandbox);
  EXPECT_EQ(plain->labels.size(), 1u);
}

TEST(ParseRuntimeConfigTest, MalformedInputsAreInvalidFormat) {
  const std::vector<std::string> bad = {
      "",
      "{",
      "[]",
      "\"config\"",
      R"({"annotations": ["a", "b"]})",
      R"({"annotations": {"io.kubernetes.cri-o.Labels": "{not json"}})",
      R"({"annotations": {"io.kubernetes.cri-o.Labels": "[1]"}})",
  };
  for (const std::string& text : bad) {
    SCOPED_TRACE(text);
    auto crio = ParseCrioContainerConfig(text);
    ASSERT_FALSE(crio.ok());
    EXPECT_EQ(crio.error().code(), StatusCode::kInvalidFormat);
  }
  for (const std::string& text :
       {std::string("{"), std::string(R"({"annotations": 3})"), std::string("null")}) {
    EXPECT_FALSE(ParseContainerdBundleConfig(text).ok()) << text;
  }
  for (const std::string& text :
       {std::string(R"({"Name": 7})"), std::string(R"({"Config": "x"})"),
        std::string(R"({"Config": {"Labels": []}})"), std::string(R"({"Config": {"Image": 1}})")}) {
    auto md = ParseDockerConfigV2(text);
    ASSERT_FALSE(md.ok()) << text;
    EXPECT_EQ(md.error().code(), StatusCode::kInvalidFormat);
  }
  // Go writes null for empty maps: that is valid, and means "no labels".
  auto nulls = ParseDockerConfigV2(R"({"Name": "/x", "Config": {"Labels": null, "Image": "i"}})");
  ASSERT_TRUE(nulls.ok());
  EXPECT_TRUE(nulls->labels.empty());
}

class ProviderTest : public ::testing::Test {
 protected:
  TempDir root_;
  fgm::testing::FakeClock clock_;
};

TEST_F(ProviderTest, ContainerdFindsCachesAndKeepsAnswer) {
  ASSERT_TRUE(root_
                  .Write(kContainerdDir + kContainerId + "/config.json",
                         Fill(testing::kContainerdContainerConfig))
                  .ok());
  ContainerdMetadataProvider provider(root_.path(), clock_);
  auto r = provider.Lookup(Identity(ContainerRuntime::kContainerd, kContainerId, kPodUid));
  ASSERT_EQ(r.state, MetadataState::kFound);
  EXPECT_EQ(r.metadata->container_name, "nginx");
  EXPECT_EQ(r.metadata->source, "containerd");
  const uint64_t reads = provider.files_read();

  // Served from the cache: the file is gone but the answer stays, and nothing is read again.
  std::filesystem::remove_all(root_.path() + "/run");
  auto again = provider.Lookup(Identity(ContainerRuntime::kContainerd, kContainerId));
  ASSERT_TRUE(again.found());
  EXPECT_EQ(again.metadata.get(), r.metadata.get());
  EXPECT_EQ(provider.files_read(), reads);

  // Other runtimes' containers are not this provider's business: no file is even tried.
  EXPECT_EQ(provider.Lookup(Identity(ContainerRuntime::kDocker, kSandboxId)).state,
            MetadataState::kNotFound);
  EXPECT_EQ(provider.files_read(), reads);
}

TEST_F(ProviderTest, MissesAreRetriedOnlyAfterTheRetryInterval) {
  // containerd runs here (its task directory exists), but not this container yet.
  ASSERT_TRUE(root_.Write(kContainerdDir + "other/config.json", "{}").ok());
  ContainerdMetadataProvider provider(root_.path(), clock_);
  auto id = Identity(ContainerRuntime::kContainerd, kContainerId, kPodUid);
  EXPECT_EQ(provider.Lookup(id).state, MetadataState::kNotFound);
  const uint64_t reads = provider.files_read();
  EXPECT_GT(reads, 0u);

  ASSERT_TRUE(root_
                  .Write(kContainerdDir + kContainerId + "/config.json",
                         Fill(testing::kContainerdContainerConfig))
                  .ok());
  clock_.AdvanceNs(4 * kNanosPerSecond);
  EXPECT_EQ(provider.Lookup(id).state, MetadataState::kNotFound);
  EXPECT_EQ(provider.files_read(), reads);  // remembered miss, no I/O

  clock_.AdvanceNs(1 * kNanosPerSecond);
  auto r = provider.Lookup(id);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.metadata->pod_name, "web-7d4b9c8f6d-x2x9k");
}

TEST_F(ProviderTest, RepeatedMissesBackOffUpToTheMaximumThenALateFileIsFound) {
  ASSERT_TRUE(root_.Write(kContainerdDir + "other/config.json", "{}").ok());
  ContainerdMetadataProvider provider(root_.path(), clock_);
  auto id = Identity(ContainerRuntime::kContainerd, kContainerId, kPodUid);
  // Ask every second for 3 minutes with no file: reads happen after waits of 5, 10, 20, 40, 60,
  // 60 s, i.e. at t = 0, 5, 15, 35, 75, 135 s (and 195 s, past the window).
  std::vector<int> read_at_s;
  for (int t = 0; t < 180; ++t) {
    const uint64_t before = provider.files_read();
    EXPECT_EQ(provider.Lookup(id).state, MetadataState::kNotFound);
    if (provider.files_read() != before) read_at_s.push_back(t);
    clock_.AdvanceNs(kNanosPerSecond);
  }
  EXPECT_EQ(read_at_s, (std::vector<int>{0, 5, 15, 35, 75, 135}));

  // The file appears late: found within the 60 s maximum wait.
  ASSERT_TRUE(root_
                  .Write(kContainerdDir + kContainerId + "/config.json",
                         Fill(testing::kContainerdContainerConfig))
                  .ok());
  int found_after_s = -1;
  for (int t = 0; t <= 60 && found_after_s < 0; ++t) {
    if (provider.Lookup(id).found()) found_after_s = t;
    clock_.AdvanceNs(kNanosPerSecond);
  }
  EXPECT_GE(found_after_s, 0);
  EXPECT_LE(found_after_s, 60);
}

TEST_F(ProviderTest, ARuntimeThatIsNotInstalledCostsNoFileReadsPerContainer) {
  // No /run/containerd at all: lookups miss without trying any container's file.
  ContainerdMetadataProvider provider(root_.path(), clock_);
  for (int i = 0; i < 20; ++i) {
    const std::string id = kContainerId.substr(0, 60) + std::to_string(1000 + i);
    EXPECT_EQ(provider.Lookup(Identity(ContainerRuntime::kContainerd, id)).state,
              MetadataState::kNotFound);
  }
  EXPECT_EQ(provider.files_read(), 0u);

  // containerd starts and creates the container: found once its directory is seen again (the
  // directory is re-checked every retry interval, the container's miss waits as long).
  ASSERT_TRUE(root_
                  .Write(kContainerdDir + kContainerId + "/config.json",
                         Fill(testing::kContainerdContainerConfig))
                  .ok());
  auto id = Identity(ContainerRuntime::kContainerd, kContainerId, kPodUid);
  EXPECT_EQ(provider.Lookup(id).state, MetadataState::kNotFound);  // first look: dir not yet seen
  clock_.AdvanceNs(5 * kNanosPerSecond);
  EXPECT_TRUE(provider.Lookup(id).found());
  EXPECT_GT(provider.files_read(), 0u);
}

TEST_F(ProviderTest, PodUidFromThePathFillsAGap) {
  // Older containerd versions did not write io.kubernetes.cri.sandbox-uid.
  ASSERT_TRUE(root_
                  .Write(kContainerdDir + kContainerId + "/config.json",
                         R"({"annotations": {"io.kubernetes.cri.container-name": "c"}})")
                  .ok());
  ContainerdMetadataProvider provider(root_.path(), clock_);
  auto r = provider.Lookup(Identity(ContainerRuntime::kContainerd, kContainerId, kPodUid));
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.metadata->pod_uid, kPodUid);
}

TEST_F(ProviderTest, MalformedFileIsLoggedOnceAndNeverCrashes) {
  LogCapture logs;
  const std::string rel = kContainerdDir + kContainerId + "/config.json";
  ASSERT_TRUE(root_.Write(rel, R"({"annotations": {"io.kubernetes.cri.sandbox-name": )").ok());
  ContainerdMetadataProvider provider(root_.path(), clock_);
  auto id = Identity(ContainerRuntime::kContainerd, kContainerId);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(provider.Lookup(id).state, MetadataState::kNotFound);
    clock_.AdvanceNs(60 * kNanosPerSecond);  // past the longest retry wait: the file is re-read
  }
  EXPECT_EQ(logs.CountContaining(root_.path() + "/" + rel), 1u);

  // Once fixed, the next retry finds it.
  ASSERT_TRUE(root_.Write(rel, Fill(testing::kContainerdContainerConfig)).ok());
  EXPECT_TRUE(provider.Lookup(id).found());
}

TEST_F(ProviderTest, ReadBudgetMakesLookupsPendingInsteadOfSlow) {
  FileProviderOptions options;
  options.max_reads_per_second = 2;
  DockerMetadataProvider provider(root_.path(), clock_, options);
  std::vector<std::string> ids = {
      kContainerId, kSandboxId, "c6f3f28162a109e11faa497772db014f79824a8d0aede641e72ff5ad65333542"};
  for (const std::string& id : ids) {
    ASSERT_TRUE(root_
                    .Write(kDockerDir + id + "/config.v2.json",
                           testing::ReplaceAll(testing::kDockerPlainConfig, "@ID@", id))
                    .ok());
  }
  EXPECT_TRUE(provider.Lookup(Identity(ContainerRuntime::kDocker, ids[0])).found());
  EXPECT_TRUE(provider.Lookup(Identity(ContainerRuntime::kDocker, ids[1])).found());
  EXPECT_EQ(provider.Lookup(Identity(ContainerRuntime::kDocker, ids[2])).state,
            MetadataState::kPending);
  // Cached answers cost no budget.
  EXPECT_TRUE(provider.Lookup(Identity(ContainerRuntime::kDocker, ids[0])).found());
  clock_.AdvanceNs(kNanosPerSecond / 2);  // refills one token
  EXPECT_TRUE(provider.Lookup(Identity(ContainerRuntime::kDocker, ids[2])).found());
}

TEST_F(ProviderTest, CacheIsBoundedAndForgetDropsEntries) {
  FileProviderOptions options;
  options.max_entries = 3;
  DockerMetadataProvider provider(root_.path(), clock_, options);
  std::vector<ContainerIdentity> ids;
  for (int i = 0; i < 6; ++i) {
    std::string id(64, static_cast<char>('a' + i));
    ids.push_back(Identity(ContainerRuntime::kDocker, id));
    ASSERT_TRUE(root_
                    .Write(kDockerDir + id + "/config.v2.json",
                           testing::ReplaceAll(testing::kDockerPlainConfig, "@ID@", id))
                    .ok());
    EXPECT_TRUE(provider.Lookup(ids.back()).found());
    EXPECT_LE(provider.cache_size(), 3u);
  }
  EXPECT_EQ(provider.cache_size(), 3u);
  // The most recent entries survive: looking one up again reads nothing.
  const uint64_t reads = provider.files_read();
  EXPECT_TRUE(provider.Lookup(ids[5]).found());
  EXPECT_EQ(provider.files_read(), reads);
  // The oldest was evicted: it is read again.
  EXPECT_TRUE(provider.Lookup(ids[0]).found());
  EXPECT_EQ(provider.files_read(), reads + 1);

  provider.Forget(ids[0]);
  provider.Forget(ids[5]);
  EXPECT_EQ(provider.cache_size(), 1u);
}

TEST_F(ProviderTest, CrioMergesPodLabelsFromTheSandbox) {
  ASSERT_TRUE(root_
                  .Write(kCrioDir + kContainerId + "/userdata/config.json",
                         Fill(testing::kCrioContainerConfig))
                  .ok());
  CrioMetadataProvider provider(root_.path(), clock_);
  auto id = Identity(ContainerRuntime::kCrio, kContainerId, kPodUid);

  // Sandbox not there yet: the container is found, without pod labels.
  auto first = provider.Lookup(id);
  ASSERT_TRUE(first.found());
  EXPECT_EQ(first.metadata->labels.count("app"), 0u);
  EXPECT_EQ(first.metadata->source, "crio");

  // The persistent copy under /var/lib is found too.
  ASSERT_TRUE(root_
                  .Write("var/lib/containers/storage/overlay-containers/" + kSandboxId +
                             "/userdata/config.json",
                         Fill(testing::kCrioSandboxConfig))
                  .ok());
  clock_.AdvanceNs(5 * kNanosPerSecond);
  auto merged = provider.Lookup(id);
  ASSERT_TRUE(merged.found());
  EXPECT_EQ(merged.metadata->labels.at("app"), "todo");
  EXPECT_EQ(merged.metadata->labels.at("tier"), "backend");
  // The container's own keys win over the sandbox's.
  EXPECT_EQ(merged.metadata->labels.at("io.kubernetes.container.name"), "api");
  // The earlier result is an immutable snapshot and did not change under the caller.
  EXPECT_EQ(first.metadata->labels.count("app"), 0u);

  auto sandbox = provider.Lookup(Identity(ContainerRuntime::kCrio, kSandboxId));
  ASSERT_TRUE(sandbox.found());
  EXPECT_TRUE(sandbox.metadata->is_sandbox);
}

TEST_F(ProviderTest, ChainAsksRuntimesInOrderForUnknownRuntime) {
  // A cgroupfs-driver path has no runtime prefix: containerd and CRI-O miss, Docker has it.
  ASSERT_TRUE(root_
                  .Write(kDockerDir + kContainerId + "/config.v2.json",
                         Fill(testing::kDockerK8sContainerConfig))
                  .ok());
  ASSERT_TRUE(root_
                  .Write(kDockerDir + kSandboxId + "/config.v2.json",
                         Fill(testing::kDockerK8sSandboxConfig))
                  .ok());
  std::vector<std::unique_ptr<MetadataProvider>> providers;
  providers.push_back(std::make_unique<ContainerdMetadataProvider>(root_.path(), clock_));
  providers.push_back(std::make_unique<CrioMetadataProvider>(root_.path(), clock_));
  providers.push_back(std::make_unique<DockerMetadataProvider>(root_.path(), clock_));
  ChainMetadataProvider chain(std::move(providers));
  auto r = chain.Lookup(Identity(ContainerRuntime::kUnknown, kContainerId, kPodUid));
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.metadata->source, "docker");
  EXPECT_EQ(r.metadata->container_name, "api");
  EXPECT_EQ(r.metadata->labels.at("app"), "todo");  // from the podsandbox container
  EXPECT_EQ(chain.Lookup(Identity(ContainerRuntime::kUnknown, std::string(64, 'e'))).state,
            MetadataState::kNotFound);
}

// A scripted provider, to check how the chain combines answers.
class ScriptedProvider final : public MetadataProvider {
 public:
  explicit ScriptedProvider(MetadataState state, std::string source = "scripted")
      : state_(state), source_(std::move(source)) {}
  MetadataResult Lookup(const ContainerIdentity&) override {
    ++lookups;
    if (state_ != MetadataState::kFound) return MetadataResult{state_, nullptr};
    auto md = std::make_shared<ContainerMetadata>();
    md->source = source_;
    return MetadataResult{state_, md};
  }
  void Forget(const ContainerIdentity&) override { ++forgets; }
  std::string_view name() const override { return "scripted"; }
  int lookups = 0;
  int forgets = 0;

 private:
  MetadataState state_;
  std::string source_;
};

TEST(ChainMetadataProviderTest, FirstHitWinsPendingBeatsNotFound) {
  auto make = [](std::vector<MetadataState> states, std::vector<ScriptedProvider*>* raw) {
    std::vector<std::unique_ptr<MetadataProvider>> providers;
    int i = 0;
    for (MetadataState s : states) {
      // Appending instead of "p" + to_string(): g++ 12 -O3 raises a false -Wrestrict on the latter.
      std::string source(1, 'p');
      source += std::to_string(i++);
      auto p = std::make_unique<ScriptedProvider>(s, source);
      raw->push_back(p.get());
      providers.push_back(std::move(p));
    }
    return ChainMetadataProvider(std::move(providers));
  };
  ContainerIdentity id = Identity(ContainerRuntime::kDocker, kContainerId);
  {
    std::vector<ScriptedProvider*> raw;
    auto chain =
        make({MetadataState::kNotFound, MetadataState::kFound, MetadataState::kFound}, &raw);
    auto r = chain.Lookup(id);
    ASSERT_TRUE(r.found());
    EXPECT_EQ(r.metadata->source, "p1");
    EXPECT_EQ(raw[2]->lookups, 0);  // not asked after the hit
    chain.Forget(id);
    EXPECT_EQ(raw[0]->forgets + raw[1]->forgets + raw[2]->forgets, 3);
  }
  {
    std::vector<ScriptedProvider*> raw;
    auto chain = make({MetadataState::kPending, MetadataState::kNotFound}, &raw);
    EXPECT_EQ(chain.Lookup(id).state, MetadataState::kPending);
  }
  {
    std::vector<ScriptedProvider*> raw;
    auto chain = make({MetadataState::kNotFound, MetadataState::kNotFound}, &raw);
    EXPECT_EQ(chain.Lookup(id).state, MetadataState::kNotFound);
  }
}

}  // namespace
}  // namespace fgm::k8s

// SPDX-License-Identifier: Apache-2.0
// Table tests for cgroup path parsing: every shape kubelet, Docker, Podman and nerdctl create on
// systemd and cgroupfs hosts, kind's nestings, configured patterns, and look-alikes to reject.
#include "k8s/cgroup_path.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fgm::k8s {
namespace {

// Real-looking values: ids are SHA-256 hex digests, UIDs are v4 UUIDs.
const std::string kId1 = "92e1d7c17d06ec832e1886fa408e9c8d769f13657513ceb0b17ab3a063b7602a";
const std::string kId2 = "96358ea5460671cc79c904b800a82a25f55281e35d2327d7b8eec28dc073d3be";
const std::string kNodeId = "8b916dfc93545754b8bee609bac5f5efc0254cecfc5ae6acecba46f126b44150";
const std::string kUid = "7b91c8ff-58da-478b-b6bb-a96dc8b4f5c4";
const std::string kUidSystemd = "7b91c8ff_58da_478b_b6bb_a96dc8b4f5c4";
// Static (mirror) pods get an md5 of their manifest as UID.
const std::string kStaticUid = "5f4dcc3b5aa765d61d8327deb882cf99";

struct Case {
  std::string label;
  std::string path;
  ContainerRuntime runtime;
  std::string id;
  std::string pod_uid;
  QosClass qos;
  std::string outer = "";
};

std::vector<Case> PositiveCases() {
  const std::string burstable_pod =
      "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd + ".slice/";
  const std::string kind_besteffort_pod =
      "kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
      "kubelet-kubepods-besteffort-pod" +
      kUidSystemd + ".slice/";
  return {
      {"systemd containerd burstable", burstable_pod + "cri-containerd-" + kId1 + ".scope",
       ContainerRuntime::kContainerd, kId1, kUid, QosClass::kBurstable},
      {"systemd leading and trailing slash",
       "/" + burstable_pod + "cri-containerd-" + kId1 + ".scope/", ContainerRuntime::kContainerd,
       kId1, kUid, QosClass::kBurstable},
      {"systemd crio besteffort",
       "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kUidSystemd +
           ".slice/crio-" + kId2 + ".scope",
       ContainerRuntime::kCrio, kId2, kUid, QosClass::kBestEffort},
      {"systemd cri-dockerd guaranteed",
       "kubepods.slice/kubepods-pod" + kUidSystemd + ".slice/docker-" + kId1 + ".scope",
       ContainerRuntime::kDocker, kId1, kUid, QosClass::kGuaranteed},
      {"systemd static pod uid",
       "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kStaticUid +
           ".slice/cri-containerd-" + kId2 + ".scope",
       ContainerRuntime::kContainerd, kId2, kStaticUid, QosClass::kBurstable},
      {"kind node view", kind_besteffort_pod + "cri-containerd-" + kId1 + ".scope",
       ContainerRuntime::kContainerd, kId1, kUid, QosClass::kBestEffort},
      {"kind guaranteed",
       "kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" + kUidSystemd +
           ".slice/cri-containerd-" + kId2 + ".scope",
       ContainerRuntime::kContainerd, kId2, kUid, QosClass::kGuaranteed},
      {"kind node nested in docker scope (systemd host)",
       "system.slice/docker-" + kNodeId + ".scope/" + kind_besteffort_pod + "cri-containerd-" +
           kId1 + ".scope",
       ContainerRuntime::kContainerd, kId1, kUid, QosClass::kBestEffort, kNodeId},
      {"kind node nested in podman scope",
       "machine.slice/libpod-" + kNodeId + ".scope/" + kind_besteffort_pod + "cri-containerd-" +
           kId1 + ".scope",
       ContainerRuntime::kContainerd, kId1, kUid, QosClass::kBestEffort, kNodeId},
      {"kind node nested in docker cgroupfs (v1 host, kubelet cgroupfs root)",
       "docker/" + kNodeId + "/kubelet/kubepods/burstable/pod" + kUid + "/" + kId2,
       ContainerRuntime::kUnknown, kId2, kUid, QosClass::kBurstable, kNodeId},
      {"custom systemd cgroup root",
       "custom.slice/custom-kubepods.slice/custom-kubepods-burstable.slice/"
       "custom-kubepods-burstable-pod" +
           kUidSystemd + ".slice/crio-" + kId1 + ".scope",
       ContainerRuntime::kCrio, kId1, kUid, QosClass::kBurstable},
      {"cgroupfs burstable", "kubepods/burstable/pod" + kUid + "/" + kId1,
       ContainerRuntime::kUnknown, kId1, kUid, QosClass::kBurstable},
      {"cgroupfs guaranteed", "kubepods/pod" + kUid + "/" + kId1, ContainerRuntime::kUnknown, kId1,
       kUid, QosClass::kGuaranteed},
      {"cgroupfs besteffort crio", "kubepods/besteffort/pod" + kUid + "/crio-" + kId2,
       ContainerRuntime::kCrio, kId2, kUid, QosClass::kBestEffort},
      {"cgroupfs under kubelet root", "kubelet/kubepods/pod" + kUid + "/" + kId1,
       ContainerRuntime::kUnknown, kId1, kUid, QosClass::kGuaranteed},
      {"docker systemd", "system.slice/docker-" + kId1 + ".scope", ContainerRuntime::kDocker, kId1,
       "", QosClass::kNone},
      {"docker cgroupfs", "/docker/" + kId2, ContainerRuntime::kDocker, kId2, "", QosClass::kNone},
      {"docker in docker", "docker/" + kNodeId + "/docker/" + kId1, ContainerRuntime::kDocker, kId1,
       "", QosClass::kNone, kNodeId},
      {"podman rootful", "machine.slice/libpod-" + kId1 + ".scope", ContainerRuntime::kPodman, kId1,
       "", QosClass::kNone},
      {"podman pod",
       "machine.slice/machine-libpod_pod_" + kNodeId + ".slice/libpod-" + kId2 + ".scope",
       ContainerRuntime::kPodman, kId2, "", QosClass::kNone},
      {"podman rootless",
       "user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId1 + ".scope",
       ContainerRuntime::kPodman, kId1, "", QosClass::kNone},
      {"podman cgroupfs", "libpod_parent/libpod-" + kId2, ContainerRuntime::kPodman, kId2, "",
       QosClass::kNone},
      {"podman cgroupfs pod", "libpod_parent/" + kNodeId + "/libpod-" + kId2,
       ContainerRuntime::kPodman, kId2, "", QosClass::kNone},
      {"nerdctl", "system.slice/nerdctl-" + kId1 + ".scope", ContainerRuntime::kContainerd, kId1,
       "", QosClass::kNone},
  };
}

TEST(CgroupPathTest, RecognisesEveryShape) {
  for (const Case& c : PositiveCases()) {
    SCOPED_TRACE(c.label + ": " + c.path);
    std::optional<ContainerIdentity> id = ParseContainerCgroupPath(c.path);
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->runtime, c.runtime) << ContainerRuntimeName(id->runtime);
    EXPECT_EQ(id->container_id, c.id);
    EXPECT_EQ(id->pod_uid, c.pod_uid);
    EXPECT_EQ(id->qos_class, c.qos) << QosClassName(id->qos_class);
    EXPECT_EQ(id->outer_container_id, c.outer);
    EXPECT_EQ(id->in_pod(), !c.pod_uid.empty());
    std::string normalised = c.path;
    while (normalised.front() == '/') normalised.erase(0, 1);
    while (normalised.back() == '/') normalised.pop_back();
    EXPECT_EQ(id->cgroup_path, normalised);
    EXPECT_TRUE(id->pattern_name.empty());
  }
}

TEST(CgroupPathTest, ACorruptedIdIsNeverAccepted) {
  // Flip the id of every positive case to uppercase, shorten it, and lengthen it: all must fail.
  for (const Case& c : PositiveCases()) {
    size_t pos = c.path.rfind(c.id);
    ASSERT_NE(pos, std::string::npos) << c.label;
    std::string upper = c.id;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    for (const std::string& bad : {upper, c.id.substr(1), c.id + "0"}) {
      std::string path = c.path;
      path.replace(pos, c.id.size(), bad);
      EXPECT_FALSE(ParseContainerCgroupPath(path).has_value()) << c.label << ": " << path;
    }
  }
}

TEST(CgroupPathTest, RejectsNonContainers) {
  const std::string pod =
      "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd + ".slice";
  const std::vector<std::string> rejected = {
      "",
      "/",
      "a//b",
      "kubepods.slice",
      "kubepods.slice/kubepods-burstable.slice",
      pod,
      pod + "/crio-conmon-" + kId1 + ".scope",
      "machine.slice/libpod-conmon-" + kId1 + ".scope",
      "kubepods/burstable/pod" + kUid + "/crio-conmon-" + kId1,
      "kubepods/burstable/pod" + kUid,
      "kubepods",
      "init.scope",
      "system.slice/docker-" + kId1 + ".scope/init.scope",
      "system.slice/var-lib-docker-containers-" + kId1 + "-mounts-shm.mount",
      "system.slice/run-containerd-io.containerd.runtime.v2.task-k8s.io-" + kId1 + "-rootfs.mount",
      "system.slice/docker.service",
      "system.slice/containerd.service",
      "system.slice/docker-abc123.scope",
      "user.slice/user-1000.slice/session-3.scope",
      // Container-looking leaves in a kubelet tree but outside any pod.
      "kubepods.slice/kubepods-burstable.slice/cri-containerd-" + kId1 + ".scope",
      "kubepods.slice/docker-" + kId1 + ".scope",
      "kubepods/" + kId1,
      "kubepods/burstable/" + kId1,
      // A burstable pod slice under the besteffort slice breaks systemd's nesting rule.
      "kubepods.slice/kubepods-besteffort.slice/kubepods-burstable-pod" + kUidSystemd +
          ".slice/cri-containerd-" + kId1 + ".scope",
      // Pod slice not under kubepods at all.
      "system.slice/kubepods-pod" + kUidSystemd + ".slice/cri-containerd-" + kId1 + ".scope",
      // Not a UID.
      "kubepods.slice/kubepods-pod1234.slice/cri-containerd-" + kId1 + ".scope",
      "kubepods/pod1234/" + kId1,
      // Bare ids under a systemd pod slice: no runtime makes those.
      "kubepods.slice/kubepods-pod" + kUidSystemd + ".slice/" + kId1,
      // CRI runtimes' scopes are only meaningful inside pods.
      "system.slice/cri-containerd-" + kId1 + ".scope",
      "machine.slice/crio-" + kId1 + ".scope",
      // A bare id that is not under docker/, or a libpod dir not under libpod_parent.
      "user.slice/" + kId1,
      "libpod-" + kId1,
      "libpod_parent/conmon",
  };
  for (const std::string& path : rejected) {
    EXPECT_FALSE(ParseContainerCgroupPath(path).has_value()) << path;
  }
}

TEST(CgroupPathTest, PatternsNameLocalContainers) {
  auto parser = CgroupPathParser::Create(
      {{"fgm-local", "fgm.slice/fgm-run-{run}.slice/{container}.scope"},
       {"v1-local", "fgm/{run}/{qos}/pod{pod_uid}/{container}", ContainerRuntime::kLocal}});
  ASSERT_TRUE(parser.ok()) << parser.error().ToString();

  auto id = parser->Parse("/fgm.slice/fgm-run-r42.slice/web.1.scope");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->runtime, ContainerRuntime::kLocal);
  EXPECT_EQ(id->container_id, "r42/web.1");
  EXPECT_EQ(id->pattern_name, "fgm-local");
  EXPECT_EQ(id->cgroup_path, "fgm.slice/fgm-run-r42.slice/web.1.scope");
  ASSERT_EQ(id->captures.size(), 2u);
  EXPECT_EQ(id->captures[0], (std::pair<std::string, std::string>{"run", "r42"}));
  EXPECT_EQ(id->captures[1], (std::pair<std::string, std::string>{"container", "web.1"}));

  id = parser->Parse("fgm/r7/burstable/pod" + kUid + "/db");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->qos_class, QosClass::kBurstable);
  EXPECT_EQ(id->pod_uid, kUid);
  EXPECT_EQ(id->container_id, "r7/burstable/" + kUid + "/db");

  // Special captures are validated; empty captures and wrong depths do not match.
  EXPECT_FALSE(parser->Parse("fgm/r7/fast/pod" + kUid + "/db").has_value());
  EXPECT_FALSE(parser->Parse("fgm/r7/burstable/podxyz/db").has_value());
  EXPECT_FALSE(parser->Parse("fgm.slice/fgm-run-.slice/web.scope").has_value());
  EXPECT_FALSE(parser->Parse("fgm.slice/fgm-run-r42.slice").has_value());
  EXPECT_FALSE(parser->Parse("fgm.slice/fgm-run-r42.slice/web.scope/x").has_value());
  // Built-in shapes still work alongside patterns.
  EXPECT_TRUE(parser->Parse("system.slice/docker-" + kId1 + ".scope").has_value());
}

TEST(CgroupPathTest, PatternsComeBeforeBuiltIns) {
  auto parser = CgroupPathParser::Create(
      {{"site-docker", "system.slice/docker-{id}.scope", ContainerRuntime::kDocker}});
  ASSERT_TRUE(parser.ok());
  auto id = parser->Parse("system.slice/docker-" + kId1 + ".scope");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->pattern_name, "site-docker");
  EXPECT_EQ(id->container_id, kId1);
  EXPECT_EQ(id->runtime, ContainerRuntime::kDocker);
}

TEST(CgroupPathTest, MalformedPatternsAreRejected) {
  const std::vector<CgroupPattern> bad = {
      {"", "fgm/{c}"},
      {"empty", ""},
      {"slashes", "a//{c}"},
      {"open", "fgm/{c"},
      {"close", "fgm/c}"},
      {"two", "fgm/{a}{b}"},
      {"upper", "fgm/{Name}"},
      {"empty-name", "a/{}"},
      {"literal", "fgm/only"},
      {"dup", "{c}/x/{c}"},
      {"deep", "a/b/c/d/e/f/g/h/i/j/k/l/m/{c}"},
  };
  for (const CgroupPattern& p : bad) {
    auto parser = CgroupPathParser::Create({p});
    ASSERT_FALSE(parser.ok()) << p.name << " " << p.path;
    EXPECT_EQ(parser.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(CgroupPathTest, WalkGuidance) {
  auto parser = CgroupPathParser::Create({{"local", "fgm/{run}/{container}"}});
  ASSERT_TRUE(parser.ok());
  const std::vector<std::string> descend = {
      "",
      "kubepods.slice",
      "kubepods.slice/kubepods-burstable.slice",
      "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd + ".slice",
      "system.slice",
      "machine.slice",
      "user.slice/user-1000.slice/user@1000.service",
      "kubepods",
      "kubepods/burstable",
      "kubepods/besteffort/pod" + kUid,
      "kubepods/pod" + kUid,
      "kubelet",
      "docker",
      "libpod_parent",
      "libpod_parent/" + kNodeId,
      "fgm",
      "fgm/r1",
  };
  for (const std::string& path : descend) {
    EXPECT_TRUE(parser->MayContainContainers(path)) << path;
  }
  const std::vector<std::string> skip = {
      "init.scope",
      "system.slice/docker.service",
      "user.slice/user-1000.slice/session-3.scope",
      "process_api",
      "burstable",   // only under kubepods
      "pod" + kUid,  // only under kubepods or a QoS dir
      "fgm/r1/web",  // a container per the pattern, not a parent
      "a//b",
      "a.slice/b.slice/c.slice/d.slice/e.slice/f.slice/g.slice/h.slice/i.slice/j.slice/"
      "k.slice/l.slice",  // deeper than kMaxWalkDepth
  };
  for (const std::string& path : skip) {
    EXPECT_FALSE(parser->MayContainContainers(path)) << path;
  }
}

TEST(ContainerIdentityTest, Vocabulary) {
  EXPECT_EQ(ParseQosClass("BestEffort"), QosClass::kBestEffort);
  EXPECT_EQ(ParseQosClass("guaranteed"), QosClass::kGuaranteed);
  EXPECT_EQ(ParseQosClass("Burstable"), QosClass::kBurstable);
  EXPECT_EQ(ParseQosClass(""), std::nullopt);
  EXPECT_EQ(ParseQosClass("best-effort"), std::nullopt);
  EXPECT_EQ(QosClassName(QosClass::kBestEffort), "besteffort");
  EXPECT_EQ(ContainerRuntimeName(ContainerRuntime::kCrio), "crio");
  EXPECT_TRUE(IsPodUid(kUid));
  EXPECT_TRUE(IsPodUid(kStaticUid));
  EXPECT_FALSE(IsPodUid(kUidSystemd));
  EXPECT_FALSE(IsPodUid(kUid.substr(1)));
  EXPECT_TRUE(IsRuntimeContainerId(kId1));
  EXPECT_FALSE(IsRuntimeContainerId(kId1.substr(0, 63) + "g"));
}

}  // namespace
}  // namespace fgm::k8s

// SPDX-License-Identifier: Apache-2.0
// Unit tests for cgroup layout detection over fake trees (statfs answers injected through
// LayoutProbe) and for the mountinfo parser. Real detection is covered by the integration test.
#include "collector/cgroupfs/layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "collector/cgroupfs/temp_tree_for_testing.h"

namespace fgm::collector {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::TempTree;

constexpr int64_t kTmpfs = 0x01021994;
constexpr int64_t kCgroup1 = 0x27e0eb;
constexpr int64_t kCgroup2 = 0x63677270;

// This host's /proc/self/mountinfo, cgroup part (plus two unrelated mounts).
constexpr std::string_view kHybridMountinfo =
    "23 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "50 23 0:40 / /mnt/with\\040space rw shared:7 - cgroup cgroup rw,nosuid,cpu,cpuacct\n";

TEST(ParseCgroupMounts, KeepsOnlyCgroupMountsWithControllers) {
  std::vector<CgroupMount> m = *ParseCgroupMounts(kHybridMountinfo);
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m[0].mount_point, "/sys/fs/cgroup/cpu");
  EXPECT_FALSE(m[0].is_v2);
  EXPECT_THAT(m[0].controllers, ElementsAre("cpu"));
  EXPECT_THAT(m[3].controllers, IsEmpty());  // name=systemd
  EXPECT_TRUE(m[4].is_v2);
  EXPECT_EQ(m[5].mount_point, "/mnt/with space");  // \040 decoded; optional field skipped
  EXPECT_THAT(m[5].controllers, ElementsAre("cpu", "cpuacct"));
}

TEST(ParseCgroupMounts, MalformedCgroupLineAndEmptyInput) {
  EXPECT_TRUE(ParseCgroupMounts("")->empty());
  auto r = ParseCgroupMounts("31 23 0:28 / /x rw cgroup cgroup rw,cpu\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidFormat);
  EXPECT_FALSE(ParseCgroupMounts("1 2 - cgroup cgroup rw,cpu\n").ok());  // too few fields
}

// A fake host: directories under <root>/sys/fs/cgroup, with statfs magic given per path.
class LayoutDetectionTest : public ::testing::Test {
 protected:
  std::string CgroupDir() const { return tree_.Path("sys/fs/cgroup"); }
  void AddMount(std::string_view name, int64_t magic) {
    tree_.MakeDir("sys/fs/cgroup/" + std::string(name));
    magic_[CgroupDir() + "/" + std::string(name)] = magic;
  }
  LayoutProbe Probe() {
    return LayoutProbe{.fs_magic = [this](const std::string& path) -> Result<int64_t> {
                         auto it = magic_.find(path);
                         if (it == magic_.end()) return NotFoundError(path);
                         return it->second;
                       },
                       .read_mountinfo = [this]() -> Result<std::string> {
                         ++mountinfo_reads_;
                         return mountinfo_;
                       }};
  }

  TempTree tree_;
  std::map<std::string, int64_t> magic_;
  std::string mountinfo_;
  int mountinfo_reads_ = 0;
};

TEST_F(LayoutDetectionTest, PureV2) {
  tree_.MakeDir("sys/fs/cgroup");
  magic_[CgroupDir()] = kCgroup2;
  CgroupLayout l = *DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  EXPECT_EQ(l.mode, CgroupMode::kV2);
  EXPECT_EQ(l.unified_root, CgroupDir());
  EXPECT_TRUE(l.v1_roots.empty());
  EXPECT_EQ(l.DiscoveryRoot(), CgroupDir());
  EXPECT_EQ(CgroupModeName(l.mode), "v2");
}

TEST_F(LayoutDetectionTest, HybridLikeThisHostWithoutReadingMountinfo) {
  magic_[CgroupDir()] = kTmpfs;
  for (const char* c : {"cpu", "cpuacct", "cpuset", "memory", "blkio", "pids", "systemd"}) {
    AddMount(c, kCgroup1);
  }
  AddMount("unified", kCgroup2);
  tree_.MakeDir("sys/fs/cgroup/not-a-mount");
  magic_[CgroupDir() + "/not-a-mount"] = kTmpfs;
  CgroupLayout l = *DetectCgroupLayoutWithProbe(tree_.root() + "/", Probe());  // trailing '/' ok
  EXPECT_EQ(l.mode, CgroupMode::kHybrid);
  EXPECT_EQ(l.unified_root, CgroupDir() + "/unified");
  EXPECT_EQ(l.V1Root("cpu"), CgroupDir() + "/cpu");
  EXPECT_EQ(l.V1Root("cpuacct"), CgroupDir() + "/cpuacct");
  EXPECT_EQ(l.V1Root("memory"), CgroupDir() + "/memory");
  EXPECT_EQ(l.V1Root("freezer"), "");
  EXPECT_EQ(l.v1_roots.count("systemd"), 0u);
  EXPECT_EQ(l.DiscoveryRoot(), CgroupDir() + "/memory");
  EXPECT_EQ(mountinfo_reads_, 0);
}

TEST_F(LayoutDetectionTest, V1CoMountedCpuCpuacctWithSymlinks) {
  magic_[CgroupDir()] = kTmpfs;
  AddMount("cpu,cpuacct", kCgroup1);
  AddMount("memory", kCgroup1);
  AddMount("net_cls,net_prio", kCgroup1);
  ASSERT_EQ(::symlink("cpu,cpuacct", (CgroupDir() + "/cpu").c_str()), 0);
  ASSERT_EQ(::symlink("cpu,cpuacct", (CgroupDir() + "/cpuacct").c_str()), 0);
  CgroupLayout l = *DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  EXPECT_EQ(l.mode, CgroupMode::kV1);
  EXPECT_EQ(l.V1Root("cpu"), CgroupDir() + "/cpu,cpuacct");
  EXPECT_EQ(l.V1Root("cpuacct"), CgroupDir() + "/cpu,cpuacct");
  EXPECT_EQ(l.V1Root("net_prio"), CgroupDir() + "/net_cls,net_prio");
  EXPECT_TRUE(l.unified_root.empty());
}

TEST_F(LayoutDetectionTest, OddlyNamedV1MountAsksMountinfo) {
  magic_[CgroupDir()] = kTmpfs;
  AddMount("memory", kCgroup1);
  AddMount("acct", kCgroup1);
  mountinfo_ = "60 31 0:50 / " + CgroupDir() + "/acct rw - cgroup cgroup rw,cpu,cpuacct\n";
  CgroupLayout l = *DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  EXPECT_EQ(l.V1Root("cpuacct"), CgroupDir() + "/acct");
  EXPECT_EQ(l.V1Root("cpu"), CgroupDir() + "/acct");
  EXPECT_EQ(mountinfo_reads_, 1);
}

TEST_F(LayoutDetectionTest, SingleV1HierarchyAtRoot) {
  tree_.MakeDir("sys/fs/cgroup");
  magic_[CgroupDir()] = kCgroup1;
  mountinfo_ = "60 31 0:50 / " + CgroupDir() + " rw - cgroup cgroup rw,cpu,memory\n";
  CgroupLayout l = *DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  EXPECT_EQ(l.mode, CgroupMode::kV1);
  EXPECT_EQ(l.V1Root("memory"), CgroupDir());
  mountinfo_ = "";
  auto unknown = DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), StatusCode::kUnsupported);
}

TEST_F(LayoutDetectionTest, NothingMounted) {
  auto missing = DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  tree_.MakeDir("sys/fs/cgroup/empty");
  magic_[CgroupDir()] = kTmpfs;
  auto empty = DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), StatusCode::kNotFound);
}

TEST_F(LayoutDetectionTest, UnifiedOnlyUnderTmpfsIsV2) {
  magic_[CgroupDir()] = kTmpfs;
  AddMount("unified", kCgroup2);
  CgroupLayout l = *DetectCgroupLayoutWithProbe(tree_.root(), Probe());
  EXPECT_EQ(l.mode, CgroupMode::kV2);
  EXPECT_EQ(l.DiscoveryRoot(), CgroupDir() + "/unified");
}

TEST(MakeLayoutForTesting, Shapes) {
  CgroupLayout v2 = MakeLayoutForTesting(CgroupMode::kV2, "/t/");
  EXPECT_EQ(v2.unified_root, "/t");
  EXPECT_TRUE(v2.v1_roots.empty());
  CgroupLayout v1 = MakeLayoutForTesting(CgroupMode::kV1, "/t");
  EXPECT_EQ(v1.V1Root("cpuacct"), "/t/cpuacct");
  EXPECT_EQ(v1.unified_root, "");
  EXPECT_EQ(v1.DiscoveryRoot(), "/t/memory");
  CgroupLayout hybrid = MakeLayoutForTesting(CgroupMode::kHybrid, "/t");
  EXPECT_EQ(hybrid.unified_root, "/t/unified");
  EXPECT_EQ(hybrid.V1Root("pids"), "/t/pids");
  EXPECT_EQ(CgroupModeName(CgroupMode::kHybrid), "hybrid");
}

}  // namespace
}  // namespace fgm::collector

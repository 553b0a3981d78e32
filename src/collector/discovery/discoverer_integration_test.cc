// SPDX-License-Identifier: Apache-2.0
// Discovery on this machine's real cgroup hierarchies (needs root): kubepods-shaped trees are
// created with mkdir under the discovery root (the v1 memory hierarchy on v1/hybrid hosts) and
// under the cgroup2 root, found, recreated, removed, and timed. Only paths this test creates are
// asserted on, since other processes may create cgroups meanwhile; every directory created is
// removed (deepest first) even when an assertion fails.
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "collector/cgroupfs/layout.h"
#include "collector/discovery/discoverer.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/strings.h"

namespace fgm::collector {
namespace {

std::string RandomHex(size_t bytes) {
  // /dev/urandom never reaches EOF, so it is read with one read(2) rather than ReadFileToString.
  std::string raw(bytes, '\0');
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ScopedFd owned(fd);
    EXPECT_EQ(::read(fd, raw.data(), bytes), static_cast<ssize_t>(bytes));
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string RandomUuid() {
  auto uuid = ReadFileToString("/proc/sys/kernel/random/uuid");
  return uuid.ok() ? std::string(TrimWhitespace(*uuid)) : "00000000-0000-4000-8000-000000000000";
}

std::string Underscored(std::string uid) {
  std::replace(uid.begin(), uid.end(), '-', '_');
  return uid;
}

// mkdir -p under a cgroup root, remembering what it created; removes it all, deepest first, when
// destroyed. Directories that existed before (another process's) are left alone.
class CgroupTree {
 public:
  explicit CgroupTree(std::string root) : root_(std::move(root)) {}
  ~CgroupTree() { RemoveAll(); }

  bool Make(const std::string& rel) {
    std::string path;
    for (std::string_view part : Split(rel, '/')) {
      if (!path.empty()) path += '/';
      path += part;
      if (::mkdir((root_ + "/" + path).c_str(), 0755) == 0) {
        created_.push_back(path);
      } else if (errno != EEXIST) {
        ADD_FAILURE() << "mkdir " << root_ << "/" << path << ": " << std::strerror(errno);
        return false;
      }
    }
    return true;
  }
  // rmdir one directory this tree created (it must have no children left).
  bool Remove(const std::string& rel) {
    if (::rmdir((root_ + "/" + rel).c_str()) != 0) return false;
    created_.erase(std::remove(created_.begin(), created_.end(), rel), created_.end());
    return true;
  }
  void RemoveAll() {
    // Deepest first: longer paths are below shorter ones.
    std::sort(created_.begin(), created_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const std::string& rel : created_) {
      if (::rmdir((root_ + "/" + rel).c_str()) != 0 && errno != ENOENT) {
        // EBUSY/ENOTEMPTY: a concurrent run still uses a shared ancestor such as kubepods.slice.
        std::fprintf(stderr, "note: rmdir %s/%s: %s\n", root_.c_str(), rel.c_str(),
                     std::strerror(errno));
      }
    }
    created_.clear();
  }
  uint64_t Inode(const std::string& rel) const {
    struct stat st {};
    if (::stat((root_ + "/" + rel).c_str(), &st) != 0) return 0;
    return st.st_ino;
  }

 private:
  std::string root_;
  std::vector<std::string> created_;
};

const DiscoveredContainer* FindIn(const std::vector<DiscoveredContainer>& list,
                                  const std::string& path) {
  for (const auto& c : list) {
    if (c.relative_path == path) return &c;
  }
  return nullptr;
}

class RealCgroupDiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mkdir cgroups";
    auto layout = DetectCgroupLayout("");
    if (!layout.ok()) GTEST_SKIP() << "no cgroup filesystem: " << layout.error().ToString();
    layout_ = *layout;
  }

  // The full lifecycle on one hierarchy: appear, stay quiet, be recreated, disappear. `outer` is
  // a path prefix (a kind node's container cgroup) whose container id is `outer_id`;
  // `kubelet_root` puts the tree under kind's kubelet.slice naming.
  // `options`: with use_inotify and full_rescan_every = 0, every scan after the first must work
  // from inotify events alone (no full walk), which is what this checks.
  void CheckLifecycle(const std::string& root, const std::string& outer = "",
                      const std::string& outer_id = "", bool kubelet_root = false,
                      DiscovererOptions options = {}) {
    const bool events_only = options.use_inotify && options.full_rescan_every == 0;
    SCOPED_TRACE(root);
    const std::string uid = RandomUuid();
    const std::string id = RandomHex(32);
    const std::string np = kubelet_root ? "kubelet-" : "";
    const std::string pod = outer + (kubelet_root ? "kubelet.slice/" : "") + np +
                            "kubepods.slice/" + np + "kubepods-burstable.slice/" + np +
                            "kubepods-burstable-pod" + Underscored(uid) + ".slice";
    const std::string container = pod + "/cri-containerd-" + id + ".scope";
    const std::string conmon = pod + "/crio-conmon-" + id + ".scope";

    auto d = Discoverer::CreateForRoot(root, options, RealClock());
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    ASSERT_TRUE(d->Scan().ok());  // baseline: whatever already exists on this machine
    auto check_partial = [&](const char* step) {
      if (events_only) {
        EXPECT_FALSE(d->last_stats().full) << step << ": expected an event scan";
      }
    };

    CgroupTree tree(root);
    ASSERT_TRUE(tree.Make(container));
    ASSERT_TRUE(tree.Make(conmon));
    auto appeared = d->Scan();
    ASSERT_TRUE(appeared.ok()) << appeared.error().ToString();
    check_partial("appeared");
    const DiscoveredContainer* found = FindIn(appeared->added, container);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->cgroup_inode, tree.Inode(container));
    EXPECT_EQ(found->identity.runtime, k8s::ContainerRuntime::kContainerd);
    EXPECT_EQ(found->identity.container_id, id);
    EXPECT_EQ(found->identity.pod_uid, uid);
    EXPECT_EQ(found->identity.qos_class, k8s::QosClass::kBurstable);
    EXPECT_EQ(found->identity.outer_container_id, outer_id);
    EXPECT_EQ(FindIn(appeared->added, conmon), nullptr);
    EXPECT_EQ(d->Find(conmon), nullptr);
    const uint64_t first_inode = found->cgroup_inode;

    auto quiet = d->Scan();
    ASSERT_TRUE(quiet.ok());
    check_partial("quiet");
    // (Docker/Podman containers' parents are listed every scan to probe for a kind node inside.)
    if (events_only && outer.empty()) {
      EXPECT_EQ(d->last_stats().dirs_read, 0u) << "nothing happened: no listing";
    }
    EXPECT_EQ(FindIn(quiet->added, container), nullptr);
    EXPECT_EQ(FindIn(quiet->removed, container), nullptr);

    // rmdir + mkdir between two scans: the kernel gives the new cgroup a new inode.
    ASSERT_TRUE(tree.Remove(container));
    ASSERT_TRUE(tree.Make(container));
    auto recreated = d->Scan();
    ASSERT_TRUE(recreated.ok());
    check_partial("recreated");
    const DiscoveredContainer* gone = FindIn(recreated->removed, container);
    const DiscoveredContainer* back = FindIn(recreated->added, container);
    ASSERT_NE(gone, nullptr);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(gone->cgroup_inode, first_inode);
    EXPECT_NE(back->cgroup_inode, first_inode);
    EXPECT_EQ(back->cgroup_inode, tree.Inode(container));

    ASSERT_TRUE(tree.Remove(container));
    auto removed = d->Scan();
    ASSERT_TRUE(removed.ok());
    check_partial("removed");
    EXPECT_NE(FindIn(removed->removed, container), nullptr);
    EXPECT_EQ(d->Find(container), nullptr);

    // The whole pod goes, then comes back with a container: both seen from events.
    tree.RemoveAll();
    ASSERT_TRUE(d->Scan().ok());
    check_partial("pod removed");
    ASSERT_TRUE(tree.Make(container));
    auto again = d->Scan();
    ASSERT_TRUE(again.ok());
    check_partial("pod recreated");
    EXPECT_NE(FindIn(again->added, container), nullptr);
  }

  CgroupLayout layout_;
};

TEST_F(RealCgroupDiscoveryTest, DiscoveryRootSeesKubepodsTree) {
  const std::string root = layout_.DiscoveryRoot();
  ASSERT_FALSE(root.empty()) << "layout " << CgroupModeName(layout_.mode)
                             << " has no discovery root";
  std::printf("layout %s, discovery root %s\n", std::string(CgroupModeName(layout_.mode)).c_str(),
              root.c_str());
  CheckLifecycle(root);
}

TEST_F(RealCgroupDiscoveryTest, UnifiedRootSeesKubepodsTree) {
  if (layout_.unified_root.empty()) GTEST_SKIP() << "no cgroup2 mount";
  CheckLifecycle(layout_.unified_root);
}

// The same lifecycles from inotify events alone (no periodic full walk) and from listing alone.
DiscovererOptions EventsOnly() { return DiscovererOptions{.full_rescan_every = 0}; }

TEST_F(RealCgroupDiscoveryTest, DiscoveryRootFromInotifyEventsAlone) {
  CheckLifecycle(layout_.DiscoveryRoot(), "", "", false, EventsOnly());
}

TEST_F(RealCgroupDiscoveryTest, UnifiedRootFromInotifyEventsAlone) {
  if (layout_.unified_root.empty()) GTEST_SKIP() << "no cgroup2 mount";
  CheckLifecycle(layout_.unified_root, "", "", false, EventsOnly());
}

TEST_F(RealCgroupDiscoveryTest, KindNodeFromInotifyEventsAlone) {
  const std::string node = RandomHex(32);
  CheckLifecycle(layout_.DiscoveryRoot(), "system.slice/docker-" + node + ".scope/", node, true,
                 EventsOnly());
}

TEST_F(RealCgroupDiscoveryTest, DiscoveryRootWithoutInotify) {
  CheckLifecycle(layout_.DiscoveryRoot(), "", "", false, DiscovererOptions{.use_inotify = false});
}

// A runtime may create cgroups through its own mount of the hierarchy (a containerised kubelet,
// a kind node in a cgroup namespace). Every mount of a hierarchy shares one superblock, so a
// mkdir through another mount raises the event on the inode discovery watches.
TEST_F(RealCgroupDiscoveryTest, MkdirThroughAnotherMountRaisesTheEvent) {
  const bool v2 = layout_.mode == CgroupMode::kV2;
  const std::string root = layout_.DiscoveryRoot();
  char dir_template[] = "/tmp/fgm-cgmount-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string mnt = dir_template;
  if (::mount("cgroup", mnt.c_str(), v2 ? "cgroup2" : "cgroup", 0, v2 ? nullptr : "memory") != 0) {
    const int err = errno;
    ::rmdir(mnt.c_str());
    GTEST_SKIP() << "cannot mount a second instance of the hierarchy: " << std::strerror(err);
  }
  auto d = Discoverer::CreateForRoot(root, EventsOnly(), RealClock());
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->Scan().ok());
  const std::string pod = "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" +
                          Underscored(RandomUuid()) + ".slice";
  const std::string container = pod + "/cri-containerd-" + RandomHex(32) + ".scope";
  {
    CgroupTree other(mnt);  // made and removed through the second mount
    ASSERT_TRUE(other.Make(pod));
    ASSERT_TRUE(d->Scan().ok());  // sees the pod, watches it
    ASSERT_TRUE(other.Make(container));
    auto added = d->Scan();
    ASSERT_TRUE(added.ok());
    EXPECT_FALSE(d->last_stats().full);
    EXPECT_NE(FindIn(added->added, container), nullptr);
    ASSERT_TRUE(other.Remove(container));
    auto removed = d->Scan();
    ASSERT_TRUE(removed.ok());
    EXPECT_NE(FindIn(removed->removed, container), nullptr);
  }
  ::umount2(mnt.c_str(), MNT_DETACH);
  ::rmdir(mnt.c_str());
}

TEST_F(RealCgroupDiscoveryTest, KindNodeNestedInDockerScope) {
  // A kind node seen from the host: its kubelet tree sits inside the node container's cgroup.
  const std::string root = layout_.DiscoveryRoot();
  const std::string node = RandomHex(32);
  CheckLifecycle(root, "system.slice/docker-" + node + ".scope/", node, /*kubelet_root=*/true);
}

// Creates pods x per_pod containers under `root`, checks they are all found, times steady-state
// scans, removes them and checks they are all reported removed.
void TimeManyContainers(const std::string& root, int pods, int per_pod) {
  SCOPED_TRACE(root);
  CgroupTree tree(root);
  std::set<std::string> expected;
  for (int p = 0; p < pods; ++p) {
    std::string pod = "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" +
                      Underscored(RandomUuid()) + ".slice";
    for (int c = 0; c < per_pod; ++c) {
      std::string path = pod + "/cri-containerd-" + RandomHex(32) + ".scope";
      ASSERT_TRUE(tree.Make(path));
      expected.insert(path);
    }
  }
  auto d = Discoverer::CreateForRoot(root, {}, RealClock());
  ASSERT_TRUE(d.ok());
  auto first = d->Scan();
  ASSERT_TRUE(first.ok());
  size_t found = 0;
  for (const auto& c : first->added) found += expected.count(c.relative_path);
  EXPECT_EQ(found, expected.size());

  std::vector<int64_t> durations;
  for (int i = 0; i < 21; ++i) {
    ASSERT_TRUE(d->Scan().ok());
    durations.push_back(d->last_stats().duration_ns);
  }
  std::sort(durations.begin(), durations.end());
  std::printf(
      "real cgroupfs (%s): %zu containers, %lu dirs read, %lu entries; scan median "
      "%.3f ms, min %.3f ms\n",
      root.c_str(), d->container_count(), static_cast<unsigned long>(d->last_stats().dirs_read),
      static_cast<unsigned long>(d->last_stats().entries_seen),
      durations[durations.size() / 2] / 1e6, durations.front() / 1e6);
  tree.RemoveAll();
  auto after = d->Scan();
  ASSERT_TRUE(after.ok());
  size_t removed = 0;
  for (const auto& c : after->removed) removed += expected.count(c.relative_path);
  EXPECT_EQ(removed, expected.size());
}

TEST_F(RealCgroupDiscoveryTest, HundredContainersOnTheDiscoveryRoot) {
  // 100 cgroups on the discovery root (v1 memory here: each one is a real memcg, so not more).
  TimeManyContainers(layout_.DiscoveryRoot(), 25, 4);
}

TEST_F(RealCgroupDiscoveryTest, ThousandContainersOnTheUnifiedRoot) {
  // The cgroup2 tree of a hybrid host has no controllers enabled, so 1000 cgroups cost the kernel
  // little; on a v2 host this is the discovery root itself.
  if (layout_.unified_root.empty()) GTEST_SKIP() << "no cgroup2 mount";
  TimeManyContainers(layout_.unified_root, 250, 4);
}

}  // namespace
}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// Cgroup layout detection: statfs(2) on <host_root>/sys/fs/cgroup and on each entry below it, with
// /proc/self/mountinfo consulted only when a v1 mount's directory name does not say which
// controllers it carries (or when /sys/fs/cgroup itself is a single v1 hierarchy).
#include "collector/cgroupfs/layout.h"

#include <dirent.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <set>

#include "core/file.h"
#include "core/strings.h"

namespace fgm::collector {
namespace {

// From <linux/magic.h>; spelled out so the file does not depend on kernel headers being installed.
constexpr int64_t kCgroupSuperMagic = 0x27e0eb;
constexpr int64_t kCgroup2SuperMagic = 0x63677270;

// Every v1 controller the kernel has ever offered (Documentation/admin-guide/cgroup-v1/). A v1
// mount directory is conventionally named after its controllers, comma-separated ("cpu,cpuacct").
const std::set<std::string, std::less<>>& KnownV1Controllers() {
  static const auto* kKnown = new std::set<std::string, std::less<>>{
      "cpu",      "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls",
      "net_prio", "blkio",   "perf_event", "hugetlb", "pids",    "rdma",    "misc"};
  return *kKnown;
}

// Named hierarchies without controllers (systemd's and elogind's tracking trees): skipped without
// asking mountinfo.
bool IsKnownNamedHierarchy(std::string_view name) {
  return name == "systemd" || name == "elogind" || StartsWith(name, "name=");
}

std::vector<std::string> ControllersFromDirName(std::string_view name) {
  std::vector<std::string> out;
  for (std::string_view part : Split(name, ',')) {
    if (KnownV1Controllers().count(part)) out.emplace_back(part);
  }
  return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo octal (fs/proc_namespace.c).
std::string DecodeOctalEscapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto is_octal = [](char c) { return c >= '0' && c <= '7'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && is_octal(text[i + 1]) && is_octal(text[i + 2]) &&
        is_octal(text[i + 3])) {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                      (text[i + 3] - '0')));
      i += 3;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string JoinPath(std::string_view a, std::string_view b) {
  std::string out(a);
  if (!out.empty() && out.back() == '/') out.pop_back();
  out += '/';
  out += b;
  return out;
}

std::string NormalizedHostRoot(std::string_view host_root) {
  std::string root(host_root);
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root;
}

Result<int64_t> RealFsMagic(const std::string& path) {
  struct statfs st {};
  if (::statfs(path.c_str(), &st) != 0) return ErrnoError("statfs " + path, errno);
  return static_cast<int64_t>(st.f_type);
}

Result<std::string> RealReadMountinfo() { return ReadFileToString("/proc/self/mountinfo"); }

// Lazily loaded mountinfo, so that hosts whose directory names are self-describing never read it.
class MountinfoCache {
 public:
  explicit MountinfoCache(const LayoutProbe& probe) : probe_(probe) {}

  /// Controllers of the v1 mount at `mount_point`; nullopt if mountinfo has no such cgroup mount.
  Result<std::optional<std::vector<std::string>>> ControllersAt(const std::string& mount_point) {
    if (!mounts_) {
      if (!probe_.read_mountinfo) return UnsupportedError("no mountinfo reader");
      FGM_ASSIGN_OR_RETURN(std::string text, probe_.read_mountinfo());
      FGM_ASSIGN_OR_RETURN(auto mounts, ParseCgroupMounts(text));
      mounts_ = std::move(mounts);
    }
    // The last mount at a path wins: it is the one visible there.
    std::optional<std::vector<std::string>> found;
    for (const CgroupMount& m : *mounts_) {
      if (!m.is_v2 && m.mount_point == mount_point) found = m.controllers;
    }
    return found;
  }

 private:
  const LayoutProbe& probe_;
  std::optional<std::vector<CgroupMount>> mounts_;
};

void AddV1Mount(CgroupLayout& layout, const std::vector<std::string>& controllers,
                const std::string& path) {
  for (const std::string& c : controllers) {
    // A controller can be mounted only once in v1; the first directory found keeps it.
    layout.v1_roots.emplace(c, path);
  }
}

}  // namespace

std::string_view CgroupModeName(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::kV2:
      return "v2";
    case CgroupMode::kV1:
      return "v1";
    case CgroupMode::kHybrid:
      return "hybrid";
  }
  return "unknown";
}

std::string CgroupLayout::DiscoveryRoot() const {
  if (mode == CgroupMode::kV2) return unified_root;
  return V1Root("memory");
}

std::string CgroupLayout::V1Root(std::string_view controller) const {
  auto it = v1_roots.find(std::string(controller));
  return it == v1_roots.end() ? std::string() : it->second;
}

CgroupLayout MakeLayoutForTesting(CgroupMode mode, std::string_view root) {
  CgroupLayout layout;
  layout.mode = mode;
  std::string base = NormalizedHostRoot(root);
  if (mode == CgroupMode::kV2) {
    layout.unified_root = base;
    return layout;
  }
  for (std::string_view c : {"cpu", "cpuacct", "cpuset", "memory", "blkio", "pids"}) {
    layout.v1_roots.emplace(std::string(c), JoinPath(base, c));
  }
  if (mode == CgroupMode::kHybrid) layout.unified_root = JoinPath(base, "unified");
  return layout;
}

Result<std::vector<CgroupMount>> ParseCgroupMounts(std::string_view mountinfo) {
  std::vector<CgroupMount> mounts;
  int line_no = 0;
  Status error;
  ForEachLine(mountinfo, [&](std::string_view line) {
    ++line_no;
    if (!error.ok() || line.empty()) return;
    // "36 25 0:31 / /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu": optional fields end at a
    // lone "-", after which come fstype, source and super options.
    size_t sep = line.find(" - ");
    std::vector<std::string_view> head = SplitWhitespace(line.substr(0, sep));
    if (sep == std::string_view::npos) {
      if (line.find("cgroup") != std::string_view::npos) {
        error = InvalidFormatError("mountinfo line " + std::to_string(line_no) +
                                   ": no ' - ' separator");
      }
      return;
    }
    std::vector<std::string_view> tail = SplitWhitespace(line.substr(sep + 3));
    if (tail.empty() || (tail[0] != "cgroup" && tail[0] != "cgroup2")) return;
    if (head.size() < 5 || tail.size() < 3) {
      error = InvalidFormatError("mountinfo line " + std::to_string(line_no) +
                                 ": too few fields for a cgroup mount");
      return;
    }
    CgroupMount mount;
    mount.mount_point = DecodeOctalEscapes(head[4]);
    mount.is_v2 = tail[0] == "cgroup2";
    if (!mount.is_v2) {
      for (std::string_view opt : Split(tail[2], ',')) {
        if (KnownV1Controllers().count(opt)) mount.controllers.emplace_back(opt);
      }
    }
    mounts.push_back(std::move(mount));
  });
  if (!error.ok()) return error;
  return mounts;
}

Result<CgroupLayout> DetectCgroupLayoutWithProbe(std::string_view host_root,
                                                 const LayoutProbe& probe) {
  const std::string root = NormalizedHostRoot(host_root) + "/sys/fs/cgroup";
  Result<int64_t> root_magic = probe.fs_magic(root);
  if (!root_magic.ok()) {
    return Status(root_magic.error().code(),
                  "no cgroup filesystem: " + root_magic.error().message());
  }
  CgroupLayout layout;
  MountinfoCache mountinfo(probe);

  if (*root_magic == kCgroup2SuperMagic) {
    layout.mode = CgroupMode::kV2;
    layout.unified_root = root;
    return layout;
  }
  if (*root_magic == kCgroupSuperMagic) {
    // One v1 hierarchy mounted directly at /sys/fs/cgroup (old hand-made setups): only mountinfo
    // can say which controllers it carries.
    FGM_ASSIGN_OR_RETURN(auto controllers, mountinfo.ControllersAt(root));
    if (!controllers || controllers->empty()) {
      return UnsupportedError(root + " is a cgroup v1 mount with no known controllers");
    }
    layout.mode = CgroupMode::kV1;
    AddV1Mount(layout, *controllers, root);
    return layout;
  }

  // Usually a tmpfs holding one mount per v1 hierarchy (plus "unified" on hybrid hosts). Any other
  // filesystem is accepted too: what matters is what is mounted below.
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return ErrnoError("opendir " + root, errno);
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    // Skip symlinks such as "cpu -> cpu,cpuacct": the directory they point to is listed too.
    if (entry->d_type == DT_LNK) continue;
    names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());  // deterministic: readdir order is arbitrary

  std::vector<std::string> unified_candidates;
  for (const std::string& name : names) {
    const std::string path = JoinPath(root, name);
    Result<int64_t> magic = probe.fs_magic(path);
    if (!magic.ok()) continue;  // raced with an unmount, or not accessible: not a hierarchy we use
    if (*magic == kCgroup2SuperMagic) {
      unified_candidates.push_back(path);
      continue;
    }
    if (*magic != kCgroupSuperMagic || IsKnownNamedHierarchy(name)) continue;
    std::vector<std::string> controllers = ControllersFromDirName(name);
    if (controllers.empty()) {
      FGM_ASSIGN_OR_RETURN(auto from_mountinfo, mountinfo.ControllersAt(path));
      if (from_mountinfo) controllers = *from_mountinfo;
    }
    AddV1Mount(layout, controllers, path);
  }
  if (!unified_candidates.empty()) {
    // systemd names it "unified"; prefer that if some other cgroup2 mount also sits here.
    layout.unified_root = unified_candidates.front();
    for (const std::string& c : unified_candidates) {
      if (EndsWith(c, "/unified")) layout.unified_root = c;
    }
  }
  if (layout.v1_roots.empty() && layout.unified_root.empty()) {
    return NotFoundError("no cgroup mounts under " + root);
  }
  if (layout.v1_roots.empty()) {
    layout.mode = CgroupMode::kV2;
  } else {
    layout.mode = layout.unified_root.empty() ? CgroupMode::kV1 : CgroupMode::kHybrid;
  }
  return layout;
}

Result<CgroupLayout> DetectCgroupLayout(std::string_view host_root) {
  LayoutProbe probe{.fs_magic = RealFsMagic, .read_mountinfo = RealReadMountinfo};
  return DetectCgroupLayoutWithProbe(host_root, probe);
}

}  // namespace fgm::collector

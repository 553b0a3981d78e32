// SPDX-License-Identifier: Apache-2.0
// cgroupfs writes and reads for the local backend (cgroup v2 and v1; see cgroups.h).
#include "scenario/cgroups.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "core/file.h"
#include "core/strings.h"

namespace fgm::scenario {
namespace {

namespace fs = std::filesystem;

// cgroup files are tiny; 1 MiB covers a cgroup.procs with tens of thousands of pids.
constexpr size_t kMaxCgroupFileBytes = 1 << 20;
// The CFS period used for CPU limits: kubelet's default (100 ms).
constexpr int64_t kCfsPeriodUs = 100'000;

bool IsFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Writes `value` to an existing cgroup knob; a missing knob is fine (that hierarchy has no such
// controller), a refused write is an error.
Status WriteKnob(const std::string& path, const std::string& value) {
  if (!IsFile(path)) return OkStatus();
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  ScopedFd owned(fd);
  return WriteAll(fd, value).WithContext(path);
}

uint64_t ReadKey(const std::string& path, std::string_view key) {
  auto text = ReadFileToString(path, kMaxCgroupFileBytes);
  if (!text.ok()) return 0;
  uint64_t value = 0;
  ForEachLine(*text, [&](std::string_view line) {
    auto parts = SplitWhitespace(line);
    if (parts.size() == 2 && parts[0] == key) value = ParseUint64(parts[1]).value_or(0);
  });
  return value;
}

}  // namespace

Result<CgroupHost> CgroupHost::Detect(const std::string& root) {
  CgroupHost host;
  if (IsFile(root + "/cgroup.controllers")) {
    host.v2_ = true;
    host.roots_.push_back(root);
    return host;
  }
  std::set<std::string> seen;
  // The v1 controllers whose files the monitor reads, plus the unified tree for PSI.
  for (const char* name : {"memory", "cpu", "cpuacct", "pids", "blkio", "unified"}) {
    std::string dir = root + "/" + name;
    if (!IsFile(dir + "/cgroup.procs")) continue;
    std::error_code ec;
    std::string real = fs::canonical(dir, ec).string();
    if (ec || !seen.insert(real).second) continue;  // cpu and cpuacct may be one mount
    host.roots_.push_back(dir);
  }
  if (host.roots_.empty()) {
    return UnsupportedError("no cgroup hierarchy found under " + root +
                            " (need cgroup2, or v1 memory/cpu controllers)");
  }
  return host;
}

Status CgroupHost::Create(const std::string& rel, const CgroupLimits& limits) const {
  for (const auto& root : roots_) {
    if (v2_) {
      // Controllers must be enabled in every ancestor's subtree_control (cgroup-v2.rst,
      // "Enabling and Disabling"); one at a time, since an unavailable one fails the whole write.
      std::string dir = root;
      for (auto seg : Split(rel, '/')) {
        for (const char* c : {"+cpu", "+memory", "+pids", "+io"}) {
          WriteKnob(dir + "/cgroup.subtree_control", c).IgnoreError();
        }
        dir += "/" + std::string(seg);
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
          return ErrnoError("mkdir " + dir, errno);
      }
    } else {
      FGM_RETURN_IF_ERROR(MakeDirs(root + "/" + rel));
    }
    std::string dir = root + "/" + rel;
    if (limits.cpu_millicores) {
      int64_t quota_us = *limits.cpu_millicores * kCfsPeriodUs / 1000;
      FGM_RETURN_IF_ERROR(WriteKnob(dir + "/cpu.cfs_period_us", std::to_string(kCfsPeriodUs)));
      FGM_RETURN_IF_ERROR(WriteKnob(dir + "/cpu.cfs_quota_us", std::to_string(quota_us)));
      FGM_RETURN_IF_ERROR(WriteKnob(dir + "/cpu.max",
                                    std::to_string(quota_us) + " " + std::to_string(kCfsPeriodUs)));
    }
    if (limits.memory_bytes) {
      std::string v = std::to_string(*limits.memory_bytes);
      FGM_RETURN_IF_ERROR(WriteKnob(dir + "/memory.limit_in_bytes", v));
      FGM_RETURN_IF_ERROR(WriteKnob(dir + "/memory.max", v));
      // No swap: an OOM must be an OOM, not a slow swap-out (v2; v1 has memsw only if enabled).
      WriteKnob(dir + "/memory.swap.max", "0").IgnoreError();
    }
    if (limits.pids)
      FGM_RETURN_IF_ERROR(WriteKnob(dir + "/pids.max", std::to_string(*limits.pids)));
  }
  return OkStatus();
}

std::vector<std::string> CgroupHost::ProcsFiles(const std::string& rel) const {
  std::vector<std::string> files;
  for (const auto& root : roots_) files.push_back(root + "/" + rel + "/cgroup.procs");
  return files;
}

std::vector<pid_t> CgroupHost::Pids(const std::string& rel) const {
  std::set<pid_t> pids;
  for (const auto& file : ProcsFiles(rel)) {
    auto text = ReadFileToString(file, kMaxCgroupFileBytes);
    if (!text.ok()) continue;
    ForEachLine(*text, [&](std::string_view line) {
      if (auto v = ParseUint64(TrimWhitespace(line)); v && *v > 0)
        pids.insert(static_cast<pid_t>(*v));
    });
  }
  return {pids.begin(), pids.end()};
}

uint64_t CgroupHost::OomKills(const std::string& rel) const {
  for (const auto& root : roots_) {
    std::string dir = root + "/" + rel;
    if (IsFile(dir + "/memory.events")) return ReadKey(dir + "/memory.events", "oom_kill");
    if (IsFile(dir + "/memory.oom_control"))
      return ReadKey(dir + "/memory.oom_control", "oom_kill");
  }
  return 0;
}

bool CgroupHost::Exists(const std::string& rel) const {
  for (const auto& root : roots_) {
    struct stat st {};
    if (::stat((root + "/" + rel).c_str(), &st) == 0) return true;
  }
  return false;
}

int CgroupHost::Signal(const std::string& rel, int sig) const {
  int n = 0;
  for (pid_t pid : Pids(rel)) n += ::kill(pid, sig) == 0 ? 1 : 0;
  return n;
}

Status CgroupHost::KillAndRemove(const std::string& rel) const {
  // Children first: collect every directory below `rel` in every hierarchy, deepest first.
  std::vector<std::string> dirs;  // relative
  for (const auto& root : roots_) {
    std::error_code ec;
    fs::path base = fs::path(root) / rel;
    if (!fs::exists(base, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (it->is_directory(ec)) dirs.push_back(fs::relative(it->path(), root, ec).string());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  std::sort(dirs.begin(), dirs.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  dirs.push_back(rel);
  for (const auto& d : dirs) Signal(d, SIGKILL);
  // A SIGKILLed process leaves its cgroup when it is reaped by its parent; 2 s (in 20 ms steps)
  // is plenty for that and bounds a stop when a parent never reaps.
  constexpr int kWaitSteps = 100;
  for (int i = 0; i < kWaitSteps; ++i) {
    bool empty = true;
    for (const auto& d : dirs) empty = empty && Pids(d).empty();
    if (empty) break;
    for (const auto& d : dirs) Signal(d, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Status status;
  for (const auto& d : dirs) {
    for (const auto& root : roots_) {
      std::string path = root + "/" + d;
      if (::rmdir(path.c_str()) != 0 && errno != ENOENT && status.ok()) {
        status = ErrnoError("rmdir " + path, errno);
      }
    }
  }
  return status;
}

void CgroupHost::RemoveIfEmpty(const std::string& rel) const {
  for (const auto& root : roots_) ::rmdir((root + "/" + rel).c_str());
}

}  // namespace fgm::scenario

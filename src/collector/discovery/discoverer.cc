// SPDX-License-Identifier: Apache-2.0
// Discovery walk: getdents64 into per-depth reusable buffers, openat relative to the parent's fd,
// generation marking for removals. Directory names are read straight out of the getdents64
// records (struct linux_dirent64 in getdents(2)).
#include "collector/discovery/discoverer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>

#include "core/log.h"

namespace fgm::collector {
namespace {

// A pod slice lists ~40 entries (its control files plus its containers) in ~2 KB; system.slice
// or docker/ with many containers need tens of KB. Buffers start here and double when needed.
constexpr size_t kInitialDirentBuffer = 8 * 1024;
// Room kept free for each getdents64 call: a record is at most 19 + 256 bytes, rounded to 8, and
// a few KB lets each call return many records.
constexpr size_t kMinFreeDirentSpace = 4096;

// Reads every record of the directory at `fd` (from offset 0) into `buf`. Returns the number of
// bytes used, or -errno.
ssize_t ReadAllDirents(int fd, std::vector<char>& buf) {
  if (buf.size() < kInitialDirentBuffer) buf.resize(kInitialDirentBuffer);
  size_t used = 0;
  while (true) {
    if (buf.size() - used < kMinFreeDirentSpace) buf.resize(buf.size() * 2);
    ssize_t n = ::getdents64(fd, buf.data() + used, buf.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) return static_cast<ssize_t>(used);
    used += static_cast<size_t>(n);
  }
}

// Events that change which subdirectories a directory has. IN_ONLYDIR: watches go on
// directories only. IN_DELETE_SELF and IN_IGNORED (always sent) say a watched directory is gone.
constexpr uint32_t kWatchMask =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR;
// Room for ~1,000 events per read() (16 bytes + a name of ~70 for a container scope); the
// queue is drained in a loop, so this only sets how many reads a burst of events takes.
constexpr size_t kEventBufferBytes = 64 * 1024;

// Parent of a relative directory path ("" for a top-level one and for the root itself).
std::string ParentDir(const std::string& dir) {
  size_t slash = dir.rfind('/');
  return slash == std::string::npos ? std::string() : dir.substr(0, slash);
}

// True when `path` is `dir` or below it ("" is the root, above everything).
bool IsUnder(const std::string& path, const std::string& dir) {
  if (dir.empty()) return true;
  return path.size() >= dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         (path.size() == dir.size() || path[dir.size()] == '/');
}

size_t DepthOf(const std::string& dir) {
  if (dir.empty()) return 0;
  return 1 + static_cast<size_t>(std::count(dir.begin(), dir.end(), '/'));
}

bool IsVanished(int err) { return err == ENOENT || err == ENODEV || err == ENOTDIR; }

bool MayNestKubelet(const k8s::ContainerIdentity& id) {
  // kind nodes are Docker or Podman containers; pod containers never run a kubelet of their own.
  return !id.in_pod() && (id.runtime == k8s::ContainerRuntime::kDocker ||
                          id.runtime == k8s::ContainerRuntime::kPodman);
}

}  // namespace

Result<Discoverer> Discoverer::Create(const CgroupLayout& layout, DiscovererOptions options,
                                      const Clock& clock) {
  std::string root = layout.DiscoveryRoot();
  if (root.empty()) {
    return InvalidArgumentError(std::string("cgroup layout (") +
                                std::string(CgroupModeName(layout.mode)) +
                                ") has no discovery hierarchy (no cgroup2 root, no v1 memory)");
  }
  return CreateForRoot(std::move(root), std::move(options), clock);
}

Result<Discoverer> Discoverer::CreateForRoot(std::string root, DiscovererOptions options,
                                             const Clock& clock) {
  if (root.empty()) return InvalidArgumentError("empty discovery root");
  FGM_ASSIGN_OR_RETURN(k8s::CgroupPathParser parser,
                       k8s::CgroupPathParser::Create(options.patterns));
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open discovery root " + root, errno);
  return Discoverer(std::move(root), ScopedFd(fd), std::move(parser), std::move(options), clock);
}

Discoverer::Discoverer(std::string root, ScopedFd root_fd, k8s::CgroupPathParser parser,
                       DiscovererOptions options, const Clock& clock)
    : root_(std::move(root)),
      root_fd_(std::move(root_fd)),
      parser_(std::move(parser)),
      options_(std::move(options)),
      clock_(&clock),
      dirent_buffers_(k8s::CgroupPathParser::kMaxWalkDepth + 1) {
  if (options_.use_inotify) {
    int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd >= 0) {
      inotify_fd_ = ScopedFd(fd);
      event_buffer_.resize(kEventBufferBytes);
    } else {
      FGM_LOG_ONCE(kWarning, "discovery.inotify_init",
                   "inotify unavailable (%s): discovery "
                   "lists every cgroup directory every scan",
                   std::strerror(errno));
    }
  }
}

Result<DiscoveryDelta> Discoverer::Scan() {
  const auto started = std::chrono::steady_clock::now();
  ++scan_;
  scan_wall_ns_ = clock_->WallNs();
  stats_ = DiscoveryStats{};
  DiscoveryDelta delta;
  delta_ = &delta;
  path_.clear();

  bool full = !inotify_fd_.valid() || need_full_walk_ ||
              (options_.full_rescan_every > 0 &&
               scan_ % static_cast<uint64_t>(std::max(1, options_.full_rescan_every)) == 0);
  // Events are drained before a full walk too: the walk covers them.
  if (inotify_fd_.valid() && !DrainEvents()) full = true;
  stats_.full = full;
  if (full) {
    dirty_dirs_.clear();
    need_full_walk_ = false;
    // The root fd is kept across scans; getdents64 continues from the fd's offset: rewind it.
    if (::lseek(root_fd_.get(), 0, SEEK_SET) < 0) {
      delta_ = nullptr;
      need_full_walk_ = true;
      return ErrnoError("rewind " + root_, errno);
    }
    if (int err = WalkDir(root_fd_.get(), 0); err != 0) {
      delta_ = nullptr;
      need_full_walk_ = true;
      return ErrnoError("list " + root_, err);
    }
  } else {
    PartialWalk();
  }
  // A failed listing may have missed containers and watches: walk everything next time.
  if (stats_.errors != 0) need_full_walk_ = true;

  if (stats_.errors == 0) {
    for (auto it = containers_.begin(); it != containers_.end();) {
      Tracked& t = it->second;
      if (t.seen_scan == scan_) {
        ++it;
        continue;
      }
      if (options_.metadata != nullptr) options_.metadata->Forget(t.container.identity);
      if (t.sandbox) {
        --sandbox_count_;
      } else {
        delta.removed.push_back(std::move(t.container));
      }
      it = containers_.erase(it);
    }
  }
  delta_ = nullptr;
  stats_.containers = container_count();
  stats_.sandboxes_skipped = sandbox_count_;
  stats_.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  return delta;
}

void Discoverer::WatchDir() {
  if (!inotify_fd_.valid() || watched_.count(path_) != 0) return;
  const std::string full = path_.empty() ? root_ : root_ + "/" + path_;
  int wd = ::inotify_add_watch(inotify_fd_.get(), full.c_str(), kWatchMask);
  if (wd < 0) {
    if (!IsVanished(errno)) {
      // ENOSPC: fs.inotify.max_user_watches reached. The directory is listed every scan.
      FGM_LOG_ONCE(kWarning, "discovery.inotify_add_watch:" + std::to_string(errno),
                   "inotify watch on %s failed (%s): listing it every scan", full.c_str(),
                   std::strerror(errno));
      unwatched_.insert(path_);
    }
    return;
  }
  unwatched_.erase(path_);
  // The same inode watched again returns the same wd; a recreated directory gets a new one.
  wd_to_dir_[wd] = path_;
  watched_[path_] = wd;
}

bool Discoverer::DrainEvents() {
  while (true) {
    ssize_t n = ::read(inotify_fd_.get(), event_buffer_.data(), event_buffer_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return true;
      CountError("inotify read", errno);
      return false;
    }
    if (n == 0) return true;
    size_t pos = 0;
    bool overflow = false;
    while (pos + sizeof(struct inotify_event) <= static_cast<size_t>(n)) {
      struct inotify_event ev {};
      std::memcpy(&ev, event_buffer_.data() + pos, sizeof ev);
      pos += sizeof(struct inotify_event) + ev.len;
      ++stats_.events;
      if ((ev.mask & IN_Q_OVERFLOW) != 0) {
        overflow = true;
        continue;
      }
      auto it = wd_to_dir_.find(ev.wd);
      if (it == wd_to_dir_.end()) continue;  // a watch already dropped
      const std::string& dir = it->second;
      if ((ev.mask & (IN_DELETE_SELF | IN_IGNORED)) != 0) {
        // The directory itself went (its parent also gets IN_DELETE); list the parent so its
        // containers are dropped even if that event was lost.
        dirty_dirs_.insert(ParentDir(dir));
        if ((ev.mask & IN_IGNORED) != 0) {
          auto w = watched_.find(dir);
          if (w != watched_.end() && w->second == ev.wd) watched_.erase(w);
          wd_to_dir_.erase(it);
        }
        continue;
      }
      if ((ev.mask & IN_ISDIR) != 0) dirty_dirs_.insert(dir);
    }
    if (overflow) return false;
  }
}

void Discoverer::PartialWalk() {
  // Directories that must be listed every scan: those without a watch, and the parents of
  // Docker/Podman containers that may hold a kind node's kubelet tree (ProbeNestedKubelet looks
  // inside the container's directory, which is not watched).
  for (const std::string& dir : unwatched_) dirty_dirs_.insert(dir);
  for (const auto& [path, t] : containers_) {
    if (!t.sandbox && MayNestKubelet(t.container.identity)) {
      dirty_dirs_.insert(ParentDir(path));
    }
  }
  // Drop directories below another dirty one: listing the ancestor walks them. The set is
  // sorted, so an ancestor comes before its descendants.
  std::vector<std::string> roots;
  for (const std::string& dir : dirty_dirs_) {
    if (!roots.empty() && IsUnder(dir, roots.back())) continue;
    roots.push_back(dir);
  }
  dirty_dirs_.clear();
  // Containers outside the listed directories are as they were.
  for (auto& [path, t] : containers_) {
    bool listed = false;
    for (const std::string& dir : roots) {
      if (IsUnder(path, dir)) {
        listed = true;
        break;
      }
    }
    if (listed) continue;
    t.seen_scan = scan_;
    if (!t.metadata_settled) RecheckMetadata(t);
  }
  for (const std::string& dir : roots) {
    path_ = dir;
    if (dir.empty()) {
      const int err = ::lseek(root_fd_.get(), 0, SEEK_SET) < 0 ? errno : WalkDir(root_fd_.get(), 0);
      if (err != 0) CountError("list root", err);
      continue;
    }
    const size_t depth = DepthOf(dir);
    if (depth > k8s::CgroupPathParser::kMaxWalkDepth) continue;
    int fd = ::openat(root_fd_.get(), dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      // Gone: its containers stay unseen and are removed below.
      if (IsVanished(errno)) {
        ++stats_.vanished;
      } else {
        CountError("openat", errno);
      }
      continue;
    }
    ScopedFd owned(fd);
    WalkDir(owned.get(), depth);
  }
  path_.clear();
}

int Discoverer::WalkDir(int dir_fd, size_t depth) {
  // Watch before listing: a subdirectory made after the listing then raises an event.
  WatchDir();
  std::vector<char>& buf = dirent_buffers_[depth];
  ssize_t used = ReadAllDirents(dir_fd, buf);
  if (used < 0) {
    int err = static_cast<int>(-used);
    if (IsVanished(err)) {
      ++stats_.vanished;
    } else if (depth > 0) {
      CountError("getdents64", err);
    }
    return err;
  }
  ++stats_.dirs_read;
  if (after_list_hook_) after_list_hook_(path_);
  size_t pos = 0;
  while (pos < static_cast<size_t>(used)) {
    const char* record = buf.data() + pos;
    uint64_t ino = 0;
    uint16_t reclen = 0;
    unsigned char type = DT_UNKNOWN;
    std::memcpy(&ino, record + offsetof(struct dirent64, d_ino), sizeof ino);
    std::memcpy(&reclen, record + offsetof(struct dirent64, d_reclen), sizeof reclen);
    std::memcpy(&type, record + offsetof(struct dirent64, d_type), sizeof type);
    const char* name = record + offsetof(struct dirent64, d_name);
    if (reclen == 0) break;  // cannot happen; guards against looping forever on a bad record
    pos += reclen;
    ++stats_.entries_seen;
    if (type != DT_DIR && type != DT_UNKNOWN) continue;  // cgroup control files
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    if (type == DT_UNKNOWN) {
      // Filesystems without d_type support: one stat tells.
      struct stat st {};
      if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) continue;
      ino = st.st_ino;
    }
    HandleSubdir(dir_fd, name, ino, depth + 1);
  }
  return 0;
}

void Discoverer::HandleSubdir(int parent_fd, const char* name, uint64_t dirent_ino, size_t depth) {
  const size_t restore_size = path_.size();
  if (!path_.empty()) path_ += '/';
  path_ += name;

  auto it = containers_.find(path_);
  if (it != containers_.end()) {
    Tracked& t = it->second;
    if (t.dirent_ino == dirent_ino) {
      t.seen_scan = scan_;
      if (!t.metadata_settled) RecheckMetadata(t);
      if (!t.sandbox && MayNestKubelet(t.container.identity)) {
        ProbeNestedKubelet(parent_fd, name, depth);
      }
      path_.resize(restore_size);
      return;
    }
    // Same path, new inode: the old cgroup was removed and another created in its place.
    if (options_.metadata != nullptr) options_.metadata->Forget(t.container.identity);
    if (t.sandbox) {
      --sandbox_count_;
    } else {
      delta_->removed.push_back(std::move(t.container));
    }
    containers_.erase(it);
  }

  if (std::optional<k8s::ContainerIdentity> identity = parser_.Parse(path_)) {
    const bool may_nest = MayNestKubelet(*identity);
    OnNewContainer(parent_fd, name, dirent_ino, std::move(*identity));
    auto added = containers_.find(path_);
    if (may_nest && added != containers_.end() && !added->second.sandbox) {
      ProbeNestedKubelet(parent_fd, name, depth);
    }
  } else if (depth < k8s::CgroupPathParser::kMaxWalkDepth && parser_.MayContainContainers(path_)) {
    int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      if (IsVanished(errno)) {
        ++stats_.vanished;
      } else {
        CountError("openat", errno);
      }
    } else {
      ScopedFd dir(fd);
      WalkDir(dir.get(), depth);
    }
  }
  path_.resize(restore_size);
}

void Discoverer::OnNewContainer(int parent_fd, const char* name, uint64_t dirent_ino,
                                k8s::ContainerIdentity identity) {
  if (containers_.size() >= options_.max_containers) {
    FGM_LOG_ONCE(kWarning, "discovery.max_containers:" + root_,
                 "more than %zu containers under %s; ignoring the rest", options_.max_containers,
                 root_.c_str());
    return;
  }
  // The authoritative inode (what fstat on an opened cgroup dir returns, which samplers compare);
  // getdents64's d_ino is only used to recognise the directory on later scans.
  struct stat st {};
  if (::fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (IsVanished(errno)) {
      ++stats_.vanished;
    } else {
      CountError("fstatat", errno);
    }
    return;
  }
  Tracked t;
  t.container.relative_path = path_;
  t.container.identity = std::move(identity);
  t.container.cgroup_inode = static_cast<uint64_t>(st.st_ino);
  t.container.first_seen_ns = scan_wall_ns_;
  t.dirent_ino = dirent_ino;
  t.seen_scan = scan_;
  if (options_.metadata != nullptr) {
    k8s::MetadataResult r = options_.metadata->Lookup(t.container.identity);
    t.metadata_settled = r.state != k8s::MetadataState::kPending;
    t.sandbox = r.found() && r.metadata->is_sandbox;
  }
  if (t.sandbox) {
    ++sandbox_count_;
  } else {
    delta_->added.push_back(t.container);
  }
  containers_.emplace(path_, std::move(t));
}

void Discoverer::RecheckMetadata(Tracked& t) {
  k8s::MetadataResult r = options_.metadata->Lookup(t.container.identity);
  if (r.state == k8s::MetadataState::kPending) return;
  t.metadata_settled = true;
  if (r.found() && r.metadata->is_sandbox && !t.sandbox) {
    // Reported before its metadata was read; withdraw it.
    t.sandbox = true;
    ++sandbox_count_;
    delta_->removed.push_back(t.container);
  }
}

void Discoverer::ProbeNestedKubelet(int parent_fd, const char* name, size_t depth) {
  // Each probe is one kernfs lookup (no listing); plain containers, the common case, cost three
  // failed lookups per scan.
  ScopedFd container_fd;
  std::string rel;
  for (std::string_view child : k8s::CgroupPathParser::NestedKubeRootNames()) {
    rel.assign(name);
    rel += '/';
    rel += child;
    struct stat st {};
    if (::fstatat(parent_fd, rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
      continue;
    }
    if (!container_fd.valid()) {
      int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return;  // the container went away meanwhile
      container_fd = ScopedFd(fd);
    }
    HandleSubdir(container_fd.get(), std::string(child).c_str(), static_cast<uint64_t>(st.st_ino),
                 depth + 1);
  }
}

void Discoverer::CountError(std::string_view what, int err) {
  ++stats_.errors;
  // One line per (root, call, errno): a permission problem would otherwise log every tick.
  std::string key =
      "discovery.error:" + root_ + ":" + std::string(what) + ":" + std::to_string(err);
  FGM_LOG_ONCE(kWarning, key, "discovery under %s: %.*s %s: %s", root_.c_str(),
               static_cast<int>(what.size()), what.data(), path_.c_str(), std::strerror(err));
}

void Discoverer::ForEachContainer(const std::function<void(const DiscoveredContainer&)>& fn) const {
  for (const auto& [path, t] : containers_) {
    if (!t.sandbox) fn(t.container);
  }
}

const DiscoveredContainer* Discoverer::Find(const std::string& relative_path) const {
  auto it = containers_.find(relative_path);
  if (it == containers_.end() || it->second.sandbox) return nullptr;
  return &it->second.container;
}

}  // namespace fgm::collector

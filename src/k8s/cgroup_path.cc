// SPDX-License-Identifier: Apache-2.0
// Cgroup path shapes. Sources for each shape: kubelet's pkg/kubelet/cm/cgroup_manager_linux.go
// (systemd driver: "-" in a slice name means nesting, so UIDs have "-" escaped as "_"), kind's
// kubelet config (cgroupRoot /kubelet -> kubelet.slice), runc/crun scope naming
// (<prefix>-<id>.scope), Docker's cgroupfs parent "/docker", Podman's "libpod_parent".
#include "k8s/cgroup_path.h"

#include <array>
#include <cstddef>

#include "core/strings.h"

namespace fgm::k8s {
namespace {

// Paths deeper than this are not containers we recognise; the bound keeps the split on the stack.
constexpr size_t kMaxSegments = 32;

struct Segments {
  std::array<std::string_view, kMaxSegments> v;
  size_t n = 0;
};

// Splits on '/', ignoring leading and trailing slashes. False on an empty inner segment ("a//b")
// or more than kMaxSegments segments. The root ("" or "/") has zero segments.
bool SplitPath(std::string_view path, Segments* out) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out->n = 0;
  if (path.empty()) return true;
  size_t start = 0;
  while (true) {
    size_t pos = path.find('/', start);
    std::string_view seg =
        pos == std::string_view::npos ? path.substr(start) : path.substr(start, pos - start);
    if (seg.empty() || out->n == kMaxSegments) return false;
    out->v[out->n++] = seg;
    if (pos == std::string_view::npos) return true;
    start = pos + 1;
  }
}

std::string JoinSegments(const Segments& s) {
  std::string out;
  for (size_t i = 0; i < s.n; ++i) {
    if (i > 0) out += '/';
    out += s.v[i];
  }
  return out;
}

struct Leaf {
  ContainerRuntime runtime = ContainerRuntime::kUnknown;
  std::string_view id;
  // Created by a CRI runtime for a pod container, so meaningless outside a pod.
  bool pod_only = false;
};

constexpr std::string_view kScopeSuffix = ".scope";
constexpr std::string_view kSliceSuffix = ".slice";

// "<prefix><64 hex>.scope", the transient unit runc/crun create per container under the systemd
// cgroup manager. Conmon's own scopes ("crio-conmon-<id>.scope", "libpod-conmon-<id>.scope") fail
// the id check and so are not containers.
std::optional<Leaf> ParseScopeLeaf(std::string_view name) {
  if (!EndsWith(name, kScopeSuffix)) return std::nullopt;
  std::string_view stem = name.substr(0, name.size() - kScopeSuffix.size());
  struct Prefix {
    std::string_view text;
    ContainerRuntime runtime;
    bool pod_only;
  };
  static constexpr Prefix kPrefixes[] = {
      {"cri-containerd-", ContainerRuntime::kContainerd, true},
      {"crio-", ContainerRuntime::kCrio, true},
      {"docker-", ContainerRuntime::kDocker, false},
      {"libpod-", ContainerRuntime::kPodman, false},
      {"nerdctl-", ContainerRuntime::kContainerd, false},
  };
  for (const Prefix& p : kPrefixes) {
    if (!StartsWith(stem, p.text)) continue;
    std::string_view id = stem.substr(p.text.size());
    if (!IsRuntimeContainerId(id)) return std::nullopt;
    return Leaf{p.runtime, id, p.pod_only};
  }
  return std::nullopt;
}

// cgroupfs-driver container directories: the bare id (containerd, Docker/cri-dockerd), "crio-<id>"
// (CRI-O) and "libpod-<id>" (Podman's cgroupfs manager). "crio-conmon-<id>" fails the id check.
std::optional<Leaf> ParseCgroupfsLeaf(std::string_view name) {
  if (IsRuntimeContainerId(name)) return Leaf{ContainerRuntime::kUnknown, name, false};
  constexpr std::string_view kCrio = "crio-";
  constexpr std::string_view kLibpod = "libpod-";
  if (StartsWith(name, kCrio) && IsRuntimeContainerId(name.substr(kCrio.size()))) {
    return Leaf{ContainerRuntime::kCrio, name.substr(kCrio.size()), true};
  }
  if (StartsWith(name, kLibpod) && IsRuntimeContainerId(name.substr(kLibpod.size()))) {
    return Leaf{ContainerRuntime::kPodman, name.substr(kLibpod.size()), false};
  }
  return std::nullopt;
}

struct PodContext {
  std::string uid;
  QosClass qos = QosClass::kNone;
  // Index of the first segment of the kubelet tree (kubepods.slice, kubelet.slice, kubepods, or
  // the "kubelet" cgroup root above kubepods); segments before it are a prefix such as a kind
  // node's container cgroup.
  size_t tree_start = 0;
};

// Systemd driver: "<root>[-<qos>]-pod<uid with _>.slice" where <root> is "kubepods" or ends in
// "-kubepods" (kind: "kubelet-kubepods"). Guaranteed pods have no QoS level.
std::optional<PodContext> ParseSystemdPod(const Segments& s, size_t pod_index) {
  std::string_view seg = s.v[pod_index];
  if (!EndsWith(seg, kSliceSuffix)) return std::nullopt;
  std::string_view stem = seg.substr(0, seg.size() - kSliceSuffix.size());
  size_t pos = stem.rfind("-pod");
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view head = stem.substr(0, pos);
  std::string uid(stem.substr(pos + 4));
  for (char& c : uid) {
    if (c == '_') c = '-';
  }
  if (!IsPodUid(uid)) return std::nullopt;
  QosClass qos = QosClass::kGuaranteed;
  if (EndsWith(head, "-burstable")) {
    qos = QosClass::kBurstable;
    head.remove_suffix(std::string_view("-burstable").size());
  } else if (EndsWith(head, "-besteffort")) {
    qos = QosClass::kBestEffort;
    head.remove_suffix(std::string_view("-besteffort").size());
  }
  if (head != "kubepods" && !EndsWith(head, "-kubepods")) return std::nullopt;
  // systemd nests "a-b-c.slice" inside "a-b.slice" inside "a.slice" (systemd.slice(5)). Requiring
  // the whole chain keeps look-alike names elsewhere in the tree from being taken for pods.
  size_t i = pod_index;
  std::string_view unit = stem;
  while (true) {
    size_t dash = unit.rfind('-');
    if (dash == std::string_view::npos) break;
    unit = unit.substr(0, dash);
    if (i == 0) return std::nullopt;
    --i;
    std::string_view parent = s.v[i];
    if (parent.size() != unit.size() + kSliceSuffix.size() || !StartsWith(parent, unit) ||
        !EndsWith(parent, kSliceSuffix)) {
      return std::nullopt;
    }
  }
  return PodContext{std::move(uid), qos, i};
}

// cgroupfs driver: kubepods/pod<uid> (Guaranteed) or kubepods/{burstable,besteffort}/pod<uid>,
// optionally under a "kubelet" cgroup root (kind with the cgroupfs driver).
std::optional<PodContext> ParseCgroupfsPod(const Segments& s, size_t pod_index) {
  std::string_view seg = s.v[pod_index];
  if (!StartsWith(seg, "pod") || pod_index == 0) return std::nullopt;
  std::string_view uid = seg.substr(3);
  if (!IsPodUid(uid)) return std::nullopt;
  std::string_view parent = s.v[pod_index - 1];
  PodContext pod{std::string(uid), QosClass::kGuaranteed, pod_index - 1};
  if (parent != "kubepods") {
    if (pod_index < 2 || s.v[pod_index - 2] != "kubepods") return std::nullopt;
    if (parent == "burstable") {
      pod.qos = QosClass::kBurstable;
    } else if (parent == "besteffort") {
      pod.qos = QosClass::kBestEffort;
    } else {
      return std::nullopt;
    }
    pod.tree_start = pod_index - 2;
  }
  if (pod.tree_start > 0 && s.v[pod.tree_start - 1] == "kubelet") --pod.tree_start;
  return pod;
}

// The nearest container cgroup among s.v[0, end): the node container of a kind cluster, or the
// outer container of Docker-in-Docker.
std::string_view FindOuterContainer(const Segments& s, size_t end) {
  for (size_t i = end; i-- > 0;) {
    if (auto leaf = ParseScopeLeaf(s.v[i])) return leaf->id;
    if (i > 0 && s.v[i - 1] == "docker" && IsRuntimeContainerId(s.v[i])) return s.v[i];
    if (auto leaf = ParseCgroupfsLeaf(s.v[i]); leaf && leaf->runtime == ContainerRuntime::kPodman) {
      return leaf->id;
    }
  }
  return {};
}

bool AnyContains(const Segments& s, size_t end, std::string_view needle) {
  for (size_t i = 0; i < end; ++i) {
    if (s.v[i].find(needle) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<ContainerIdentity> ParseBuiltIn(const Segments& s) {
  if (s.n == 0) return std::nullopt;
  std::string_view name = s.v[s.n - 1];
  std::optional<Leaf> leaf = ParseScopeLeaf(name);
  const bool is_scope = leaf.has_value();
  if (!leaf) leaf = ParseCgroupfsLeaf(name);
  if (!leaf) return std::nullopt;

  ContainerIdentity id;
  id.runtime = leaf->runtime;
  id.container_id = std::string(leaf->id);

  if (s.n >= 2) {
    std::optional<PodContext> pod;
    // Runtimes make scopes under the systemd driver; under the cgroupfs driver they make bare
    // directories (or scopes, when a runtime is set up with the other driver).
    if (is_scope) pod = ParseSystemdPod(s, s.n - 2);
    if (!pod) pod = ParseCgroupfsPod(s, s.n - 2);
    if (pod) {
      id.pod_uid = std::move(pod->uid);
      id.qos_class = pod->qos;
      id.outer_container_id = std::string(FindOuterContainer(s, pod->tree_start));
      id.cgroup_path = JoinSegments(s);
      return id;
    }
  }
  // Outside a pod. A container-looking directory elsewhere in a kubelet tree (a QoS slice, the
  // kubepods root) is not something kubelet makes, so it is rejected rather than guessed at.
  if (AnyContains(s, s.n - 1, "kubepods")) return std::nullopt;
  if (leaf->pod_only) return std::nullopt;
  if (!is_scope) {
    // Docker's cgroupfs parent is "/docker"; Podman's is "libpod_parent" (pods one level deeper).
    bool ok = false;
    if (leaf->runtime == ContainerRuntime::kUnknown && s.n >= 2 && s.v[s.n - 2] == "docker") {
      id.runtime = ContainerRuntime::kDocker;
      ok = true;
    } else if (leaf->runtime == ContainerRuntime::kPodman) {
      for (size_t i = 0; i + 1 < s.n; ++i) ok = ok || s.v[i] == "libpod_parent";
    }
    if (!ok) return std::nullopt;
  }
  id.outer_container_id = std::string(FindOuterContainer(s, s.n - 1));
  id.cgroup_path = JoinSegments(s);
  return id;
}

bool IsCaptureName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<CgroupPathParser> CgroupPathParser::Create(std::vector<CgroupPattern> patterns) {
  CgroupPathParser parser;
  for (const CgroupPattern& in : patterns) {
    auto bad = [&](std::string_view why) {
      return InvalidArgumentError("cgroup pattern '" + in.name + "' (" + in.path +
                                  "): " + std::string(why));
    };
    if (in.name.empty()) return bad("needs a name");
    Segments s;
    if (!SplitPath(in.path, &s)) return bad("empty segment or too many segments");
    if (s.n == 0) return bad("empty path");
    if (s.n > kMaxWalkDepth) return bad("deeper than the discovery walk goes");
    Pattern p;
    p.name = in.name;
    p.runtime = in.runtime;
    std::vector<std::string> names;
    for (size_t i = 0; i < s.n; ++i) {
      std::string_view seg = s.v[i];
      Segment out;
      size_t open = seg.find('{');
      if (open == std::string_view::npos) {
        if (seg.find('}') != std::string_view::npos) return bad("'}' without '{'");
        out.prefix = std::string(seg);
      } else {
        size_t close = seg.find('}', open);
        if (close == std::string_view::npos) return bad("unterminated '{'");
        std::string_view rest = seg.substr(close + 1);
        if (rest.find('{') != std::string_view::npos || rest.find('}') != std::string_view::npos ||
            seg.substr(0, open).find('}') != std::string_view::npos) {
          return bad("at most one capture per segment");
        }
        std::string_view capture = seg.substr(open + 1, close - open - 1);
        if (!IsCaptureName(capture)) return bad("capture names are [a-z0-9_]+");
        for (const std::string& n : names) {
          if (n == capture) return bad("duplicate capture name");
        }
        names.emplace_back(capture);
        out.prefix = std::string(seg.substr(0, open));
        out.capture = std::string(capture);
        out.suffix = std::string(rest);
      }
      p.segments.push_back(std::move(out));
    }
    if (names.empty()) return bad("needs at least one {capture} to name the container");
    parser.patterns_.push_back(std::move(p));
  }
  return parser;
}

namespace {

// Matches one pattern segment; sets *captured for a capture segment.
template <typename SegmentT>
bool MatchSegment(const SegmentT& p, std::string_view seg, std::string_view* captured) {
  if (p.capture.empty()) return seg == p.prefix;
  if (seg.size() <= p.prefix.size() + p.suffix.size()) return false;
  if (!StartsWith(seg, p.prefix) || !EndsWith(seg, p.suffix)) return false;
  *captured = seg.substr(p.prefix.size(), seg.size() - p.prefix.size() - p.suffix.size());
  return true;
}

}  // namespace

std::optional<ContainerIdentity> CgroupPathParser::Parse(std::string_view relative_path) const {
  Segments s;
  if (!SplitPath(relative_path, &s) || s.n == 0) return std::nullopt;
  for (const Pattern& p : patterns_) {
    if (p.segments.size() != s.n) continue;
    ContainerIdentity id;
    bool matched = true;
    for (size_t i = 0; i < s.n && matched; ++i) {
      std::string_view captured;
      matched = MatchSegment(p.segments[i], s.v[i], &captured);
      if (!matched || p.segments[i].capture.empty()) continue;
      const std::string& name = p.segments[i].capture;
      if (name == "pod_uid") {
        matched = IsPodUid(captured);
        id.pod_uid = std::string(captured);
      } else if (name == "qos") {
        std::optional<QosClass> qos = ParseQosClass(captured);
        matched = qos.has_value();
        id.qos_class = qos.value_or(QosClass::kNone);
      }
      if (!id.container_id.empty()) id.container_id += '/';
      id.container_id += captured;
      id.captures.emplace_back(name, std::string(captured));
    }
    if (!matched) continue;
    id.runtime = p.runtime;
    id.pattern_name = p.name;
    id.cgroup_path = JoinSegments(s);
    return id;
  }
  return ParseBuiltIn(s);
}

bool CgroupPathParser::MayContainContainers(std::string_view relative_path) const {
  Segments s;
  if (!SplitPath(relative_path, &s)) return false;
  if (s.n == 0) return true;
  if (s.n >= kMaxWalkDepth) return false;
  for (const Pattern& p : patterns_) {
    if (p.segments.size() <= s.n) continue;
    bool prefix_matches = true;
    for (size_t i = 0; i < s.n && prefix_matches; ++i) {
      std::string_view ignored;
      prefix_matches = MatchSegment(p.segments[i], s.v[i], &ignored);
    }
    if (prefix_matches) return true;
  }
  std::string_view name = s.v[s.n - 1];
  std::string_view parent = s.n >= 2 ? s.v[s.n - 2] : std::string_view();
  // Slices only group other units and never hold processes, so they are cheap to read and are
  // where every runtime on a systemd host puts its scopes (system.slice, machine.slice, the
  // kubepods slices, user-<uid>.slice for rootless Podman).
  if (EndsWith(name, kSliceSuffix)) return true;
  // The per-user systemd instance, under which rootless Podman runs.
  if (StartsWith(name, "user@") && EndsWith(name, ".service")) return true;
  if (name == "kubepods" || name == "kubelet" || name == "docker" || name == "libpod_parent") {
    return true;
  }
  if ((name == "burstable" || name == "besteffort") && parent == "kubepods") return true;
  if (StartsWith(name, "pod") &&
      (parent == "kubepods" || parent == "burstable" || parent == "besteffort")) {
    return true;
  }
  // Podman's cgroupfs manager groups a pod's containers in libpod_parent/<pod id>/.
  return parent == "libpod_parent";
}

const std::vector<std::string_view>& CgroupPathParser::NestedKubeRootNames() {
  static const auto* kNames =
      new std::vector<std::string_view>{"kubelet.slice", "kubelet", "kubepods.slice", "kubepods"};
  return *kNames;
}

std::optional<ContainerIdentity> ParseContainerCgroupPath(std::string_view relative_path) {
  static const CgroupPathParser* kParser = new CgroupPathParser();
  return kParser->Parse(relative_path);
}

}  // namespace fgm::k8s

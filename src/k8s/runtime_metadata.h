// SPDX-License-Identifier: Apache-2.0
// Metadata from container runtimes' own files under a host root, no network and no RBAC:
//   containerd  /run/containerd/io.containerd.runtime.v2.task/<ns>/<id>/config.json (OCI spec;
//               io.kubernetes.cri.* annotations set by the CRI plugin)
//   CRI-O       /run/containers/storage/overlay-containers/<id>/userdata/config.json (OCI spec;
//               io.kubernetes.* and io.kubernetes.cri-o.* annotations); Podman shares the layout
//   Docker      /var/lib/docker/containers/<id>/config.v2.json (Name, Config.Labels, Config.Image;
//               io.kubernetes.* labels when cri-dockerd/dockershim made the container)
// Each provider caches results in a bounded LRU, remembers misses for a retry interval, and
// rate-limits file reads so that a burst of new containers never stalls a sampling tick.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "k8s/metadata.h"

namespace fgm::k8s {

/// Pure parsers, one per file format. kInvalidFormat when the text is not a JSON object (or a
/// field has the wrong JSON type). A valid file with no Kubernetes annotations parses to metadata
/// with only what it has (e.g. the image of a plain Docker container).
Result<ContainerMetadata> ParseContainerdBundleConfig(std::string_view json_text);
Result<ContainerMetadata> ParseCrioContainerConfig(std::string_view json_text);
Result<ContainerMetadata> ParseDockerConfigV2(std::string_view json_text);

/// Limits shared by the file-backed providers.
struct FileProviderOptions {
  /// How long a miss (no file, unreadable or malformed file) is remembered before the file is
  /// read again, and how often a missing sandbox is looked for again. Runtimes write a container's
  /// file before they create its cgroup, so a miss usually means "another runtime's container";
  /// 5 s keeps such misses to one failed open per container per 5 s.
  int64_t retry_interval_ns = 5 * kNanosPerSecond;
  /// Each further miss of the same container doubles the wait, up to this: a container that is
  /// not this runtime's stays a miss for its whole life, and on a node of another runtime (or with
  /// cgroups of no runtime at all) re-reading every 5 s cost ~3 failed opens per container every
  /// 5 s per provider (~7% of the collector's CPU at 1,000 containers). A file that appears late
  /// is picked up within a minute.
  int64_t max_retry_interval_ns = 60 * kNanosPerSecond;
  /// Cache entries (hits and misses). A node runs at most a few hundred containers (kubelet's
  /// max-pods default is 110); 4096 leaves room for churn while capping memory at a few MB.
  size_t max_entries = 4096;
  /// File reads per second, as a token bucket holding one second's worth. A config.json is
  /// 10-50 KB and parses in well under 0.5 ms, so 200 reads cost at most ~100 ms of CPU in the
  /// worst second (a whole node's containers appearing at once) while 1000 new containers are
  /// still named within 5 s. Lookups beyond the budget return kPending.
  double max_reads_per_second = 200;
  /// Largest file read. OCI specs with big environments stay below ~1 MB; the cap only stops a
  /// runaway file from costing memory.
  size_t max_file_bytes = 4u << 20;
};

/// Base of the runtime providers: one metadata file per container, found by container id, cached.
/// Not thread-safe. `clock` must outlive the provider.
class FileMetadataProvider : public MetadataProvider {
 public:
  MetadataResult Lookup(const ContainerIdentity& identity) final;
  void Forget(const ContainerIdentity& identity) final;

  size_t cache_size() const { return entries_.size(); }
  /// Files opened (successfully or not) since construction; a self-metric.
  uint64_t files_read() const { return files_read_; }

 protected:
  FileMetadataProvider(std::string host_root, const Clock& clock, FileProviderOptions options);

  /// Whether containers of `runtime` can have a file of this provider's kind.
  virtual bool Handles(ContainerRuntime runtime) const = 0;
  /// Files to try for `container_id`, in order, host root included.
  virtual std::vector<std::string> CandidatePaths(std::string_view container_id) const = 0;
  virtual Result<ContainerMetadata> ParseFile(std::string_view text) const = 0;

  const std::string& host_root() const { return host_root_; }

 private:
  struct Entry {
    MetadataState state = MetadataState::kNotFound;  // kFound or kNotFound
    std::shared_ptr<const ContainerMetadata> metadata;
    /// Monotonic time of the last file read (misses) or sandbox search (hits missing pod labels).
    int64_t checked_ns = 0;
    /// False while a container still waits for its sandbox's labels.
    bool complete = true;
    /// Consecutive misses (file reads that found nothing); sets the wait before the next read.
    uint32_t misses = 0;
    std::list<std::string>::iterator lru;
  };

  MetadataResult LookupId(const std::string& container_id, const std::string& path_pod_uid,
                          int depth);
  /// How long after its `misses`-th miss in a row a container's file is read again.
  int64_t MissRetryInterval(uint32_t misses) const;
  /// Reads and parses the container's file; kPending when out of read budget.
  MetadataResult Load(const std::string& container_id, const std::string& path_pod_uid, int depth,
                      int64_t now_ns);
  /// Adds the sandbox's labels to `md`; true when the sandbox was found or cannot be.
  bool MergeSandboxLabels(ContainerMetadata& md, const std::string& container_id, int depth);
  Entry& Store(const std::string& container_id, Entry entry);
  bool TakeReadToken(int64_t now_ns);
  /// Whether the directory holding `path`'s per-container entries (everything before
  /// `container_id`) exists, as seen at most retry_interval_ns ago.
  bool BaseDirExists(const std::string& path, std::string_view container_id, int64_t now_ns);

  std::string host_root_;
  const Clock& clock_;
  FileProviderOptions options_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently used first
  struct BaseDir {
    bool exists = false;
    int64_t checked_ns = 0;
  };
  /// A runtime that is not installed (no /run/containerd on a CRI-O node, no Docker on either)
  /// costs one stat per base directory per retry interval instead of failed opens per container.
  std::unordered_map<std::string, BaseDir> base_dirs_;
  double tokens_;
  int64_t tokens_at_ns_ = 0;
  uint64_t files_read_ = 0;
};

/// containerd with the CRI plugin (and nerdctl, in the "default" namespace).
class ContainerdMetadataProvider final : public FileMetadataProvider {
 public:
  /// `host_root`: "" or e.g. "/host". `namespaces`: containerd namespaces to look in, in order.
  ContainerdMetadataProvider(std::string host_root, const Clock& clock,
                             FileProviderOptions options = {},
                             std::vector<std::string> namespaces = {"k8s.io", "default"});
  std::string_view name() const override { return "containerd"; }

 protected:
  bool Handles(ContainerRuntime runtime) const override;
  std::vector<std::string> CandidatePaths(std::string_view container_id) const override;
  Result<ContainerMetadata> ParseFile(std::string_view text) const override {
    return ParseContainerdBundleConfig(text);
  }

 private:
  std::vector<std::string> namespaces_;
};

/// CRI-O, and Podman (same containers/storage layout and annotation keys for pod infra).
class CrioMetadataProvider final : public FileMetadataProvider {
 public:
  CrioMetadataProvider(std::string host_root, const Clock& clock, FileProviderOptions options = {});
  std::string_view name() const override { return "crio"; }

 protected:
  bool Handles(ContainerRuntime runtime) const override;
  std::vector<std::string> CandidatePaths(std::string_view container_id) const override;
  Result<ContainerMetadata> ParseFile(std::string_view text) const override {
    return ParseCrioContainerConfig(text);
  }
};

/// Docker, including Kubernetes pods run through cri-dockerd/dockershim.
class DockerMetadataProvider final : public FileMetadataProvider {
 public:
  DockerMetadataProvider(std::string host_root, const Clock& clock,
                         FileProviderOptions options = {});
  std::string_view name() const override { return "docker"; }

 protected:
  bool Handles(ContainerRuntime runtime) const override;
  std::vector<std::string> CandidatePaths(std::string_view container_id) const override;
  Result<ContainerMetadata> ParseFile(std::string_view text) const override {
    return ParseDockerConfigV2(text);
  }
};

}  // namespace fgm::k8s

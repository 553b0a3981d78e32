// SPDX-License-Identifier: Apache-2.0
// Container metadata (pod name, namespace, container name, image, labels, sandbox flag) and the
// MetadataProvider interface that finds it without the network: from the runtime's own files
// (runtime_metadata.h) or from files the local scenario backend writes (local_metadata.h).
// Providers never block sampling: a lookup costs at most a few small local file reads, is
// rate-limited, and says "pending" when it had no budget left.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/container_identity.h"

namespace fgm::k8s {

/// What a runtime (or the local backend) knows about a container. Empty strings mean unknown.
struct ContainerMetadata {
  std::string pod_name;
  std::string namespace_name;
  std::string container_name;
  std::string pod_uid;
  std::string image;
  /// Set by providers that know it (the local backend); Kubernetes runtimes leave it to the path.
  std::optional<QosClass> qos_class;
  /// Runtime labels as the runtime stores them. For CRI-O and Docker pod containers the pod
  /// sandbox's labels (which carry the pod's own labels, e.g. app=web) are merged in, the
  /// container's own keys winning.
  std::map<std::string, std::string> labels;
  /// A pod's pause/infra container: monitored by nobody, skipped by discovery.
  bool is_sandbox = false;
  /// Id of the pod sandbox this container belongs to, when the runtime records it.
  std::string sandbox_id;
  /// Which provider produced this ("containerd", "crio", "docker", "local").
  std::string source;

  friend bool operator==(const ContainerMetadata&, const ContainerMetadata&) = default;
};

enum class MetadataState {
  kFound,     // metadata is set
  kNotFound,  // looked and found nothing (or a malformed file); will look again later
  kPending,   // has not looked yet (read budget spent this second); ask again next tick
};

std::string_view MetadataStateName(MetadataState state);

struct MetadataResult {
  MetadataState state = MetadataState::kPending;
  /// Set iff state == kFound. Shared and immutable, so callers may keep it as long as they like.
  std::shared_ptr<const ContainerMetadata> metadata;

  bool found() const { return state == MetadataState::kFound; }
};

/// Finds metadata for containers. Implementations cache what they find and bound their memory;
/// Lookup does at most a few small local file reads and never waits on anything else.
/// Implementations are not thread-safe: one collector thread owns a provider.
class MetadataProvider {
 public:
  virtual ~MetadataProvider() = default;

  /// What is known about `identity` right now. Cheap when cached (a hash lookup).
  virtual MetadataResult Lookup(const ContainerIdentity& identity) = 0;

  /// Drops cached state for a container that has gone (called when discovery reports it removed).
  virtual void Forget(const ContainerIdentity& identity) = 0;

  /// Short name for logs ("containerd", "chain", ...).
  virtual std::string_view name() const = 0;
};

/// Asks its providers in order; the first kFound wins. If none finds it and any is still
/// kPending, the answer is kPending (a later lookup may find it); otherwise kNotFound.
class ChainMetadataProvider final : public MetadataProvider {
 public:
  explicit ChainMetadataProvider(std::vector<std::unique_ptr<MetadataProvider>> providers)
      : providers_(std::move(providers)) {}

  MetadataResult Lookup(const ContainerIdentity& identity) override;
  void Forget(const ContainerIdentity& identity) override;
  std::string_view name() const override { return "chain"; }

 private:
  std::vector<std::unique_ptr<MetadataProvider>> providers_;
};

}  // namespace fgm::k8s

// SPDX-License-Identifier: Apache-2.0
// MetadataProvider vocabulary and the chaining provider.
#include "k8s/metadata.h"

namespace fgm::k8s {

std::string_view MetadataStateName(MetadataState state) {
  switch (state) {
    case MetadataState::kFound:
      return "found";
    case MetadataState::kNotFound:
      return "not_found";
    case MetadataState::kPending:
      return "pending";
  }
  return "unknown";
}

MetadataResult ChainMetadataProvider::Lookup(const ContainerIdentity& identity) {
  bool any_pending = false;
  for (const auto& provider : providers_) {
    MetadataResult r = provider->Lookup(identity);
    if (r.state == MetadataState::kFound) return r;
    any_pending = any_pending || r.state == MetadataState::kPending;
  }
  return MetadataResult{any_pending ? MetadataState::kPending : MetadataState::kNotFound, nullptr};
}

void ChainMetadataProvider::Forget(const ContainerIdentity& identity) {
  for (const auto& provider : providers_) provider->Forget(identity);
}

}  // namespace fgm::k8s

// SPDX-License-Identifier: Apache-2.0
// Names and validators for the ContainerIdentity vocabulary.
#include "k8s/container_identity.h"

#include <cctype>

namespace fgm::k8s {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view ContainerRuntimeName(ContainerRuntime runtime) {
  switch (runtime) {
    case ContainerRuntime::kUnknown:
      return "unknown";
    case ContainerRuntime::kContainerd:
      return "containerd";
    case ContainerRuntime::kCrio:
      return "crio";
    case ContainerRuntime::kDocker:
      return "docker";
    case ContainerRuntime::kPodman:
      return "podman";
    case ContainerRuntime::kLocal:
      return "local";
  }
  return "unknown";
}

std::string_view QosClassName(QosClass qos) {
  switch (qos) {
    case QosClass::kNone:
      return "";
    case QosClass::kGuaranteed:
      return "guaranteed";
    case QosClass::kBurstable:
      return "burstable";
    case QosClass::kBestEffort:
      return "besteffort";
  }
  return "";
}

std::optional<QosClass> ParseQosClass(std::string_view text) {
  if (EqualsIgnoreCase(text, "guaranteed")) return QosClass::kGuaranteed;
  if (EqualsIgnoreCase(text, "burstable")) return QosClass::kBurstable;
  if (EqualsIgnoreCase(text, "besteffort")) return QosClass::kBestEffort;
  return std::nullopt;
}

bool IsRuntimeContainerId(std::string_view text) {
  // Ids are SHA-256 digests printed in lowercase hex by every runtime we know.
  constexpr size_t kSha256HexLength = 64;
  if (text.size() != kSha256HexLength) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsPodUid(std::string_view text) {
  // Static pods get an md5 hex digest (32 characters) as UID; API-server pods an RFC 4122 UUID.
  constexpr size_t kMd5HexLength = 32;
  constexpr size_t kUuidLength = 36;
  if (text.size() == kMd5HexLength) {
    for (char c : text) {
      if (!IsHex(c)) return false;
    }
    return true;
  }
  if (text.size() != kUuidLength) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !IsHex(text[i])) return false;
  }
  return true;
}

}  // namespace fgm::k8s

// SPDX-License-Identifier: Apache-2.0
// /proc/<pid>/smaps_rollup parser (see smaps_rollup.h).
#include "collector/procfs/smaps_rollup.h"

#include "collector/cgroupfs/parse_internal.h"

namespace fgm::collector {
namespace {

std::optional<uint64_t>* FieldFor(SmapsRollup& r, std::string_view key) {
  struct Entry {
    std::string_view key;
    std::optional<uint64_t> SmapsRollup::*field;
  };
  static constexpr Entry kFields[] = {
      {"Rss", &SmapsRollup::Rss},
      {"Pss", &SmapsRollup::Pss},
      {"Pss_Dirty", &SmapsRollup::Pss_Dirty},
      {"Pss_Anon", &SmapsRollup::Pss_Anon},
      {"Pss_File", &SmapsRollup::Pss_File},
      {"Pss_Shmem", &SmapsRollup::Pss_Shmem},
      {"Shared_Clean", &SmapsRollup::Shared_Clean},
      {"Shared_Dirty", &SmapsRollup::Shared_Dirty},
      {"Private_Clean", &SmapsRollup::Private_Clean},
      {"Private_Dirty", &SmapsRollup::Private_Dirty},
      {"Referenced", &SmapsRollup::Referenced},
      {"Anonymous", &SmapsRollup::Anonymous},
      {"KSM", &SmapsRollup::KSM},
      {"LazyFree", &SmapsRollup::LazyFree},
      {"AnonHugePages", &SmapsRollup::AnonHugePages},
      {"ShmemPmdMapped", &SmapsRollup::ShmemPmdMapped},
      {"FilePmdMapped", &SmapsRollup::FilePmdMapped},
      {"Shared_Hugetlb", &SmapsRollup::Shared_Hugetlb},
      {"Private_Hugetlb", &SmapsRollup::Private_Hugetlb},
      {"Swap", &SmapsRollup::Swap},
      {"SwapPss", &SmapsRollup::SwapPss},
      {"Locked", &SmapsRollup::Locked},
  };
  for (const Entry& e : kFields) {
    if (e.key == key) return &(r.*e.field);
  }
  return nullptr;
}

}  // namespace

Result<SmapsRollup> ParseSmapsRollup(std::string_view text) {
  if (text.empty())
    return NotFoundError("empty smaps_rollup: no address space (kernel thread or exiting)");
  SmapsRollup out;
  int fields = 0;
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    std::string_view tokens[3];
    size_t n = internal::SplitTokens(line, tokens, 3);
    if (n == 0) continue;
    // The header is the rollup's VMA line, e.g. "55cb...-7ffc... ---p 00000000 00:00 0 [rollup]".
    if (line_no == 1 && tokens[0].find('-') != std::string_view::npos && tokens[0].back() != ':') {
      continue;
    }
    if (n != 3 || tokens[0].size() < 2 || tokens[0].back() != ':' || tokens[2] != "kB") {
      return internal::LineError(line_no, "expected '<Key>: <N> kB'", line);
    }
    std::optional<uint64_t> value = internal::ParseU64Token(tokens[1]);
    if (!value) return internal::LineError(line_no, "value is not an unsigned integer", line);
    std::string_view key = tokens[0].substr(0, tokens[0].size() - 1);
    if (std::optional<uint64_t>* field = FieldFor(out, key)) *field = *value;
    ++fields;
  }
  if (fields == 0) return InvalidFormatError("no 'Key: N kB' line");
  return out;
}

}  // namespace fgm::collector

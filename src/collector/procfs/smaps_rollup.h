// SPDX-License-Identifier: Apache-2.0
// Typed parser for /proc/<pid>/smaps_rollup (Linux 4.14+): the whole address space's memory
// summed in one file, the cheapest way to get a process's PSS. Reading it walks the page tables
// under the process's mmap lock, so its cost grows with RSS; PssReader budgets it.
// Documentation/filesystems/proc.rst, "smaps_rollup".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace fgm::collector {

/// Fields keep the kernel's key names and unit: kB (1024 bytes), as printed. Optional because the
/// set depends on the kernel version (Pss_Anon/Pss_File/Pss_Shmem 5.9+, Pss_Dirty 6.0+, KSM 6.6+).
// NOLINTBEGIN(readability-identifier-naming): kernel key names, on purpose.
struct SmapsRollup {
  std::optional<uint64_t> Rss;
  std::optional<uint64_t> Pss;
  std::optional<uint64_t> Pss_Dirty;
  std::optional<uint64_t> Pss_Anon;
  std::optional<uint64_t> Pss_File;
  std::optional<uint64_t> Pss_Shmem;
  std::optional<uint64_t> Shared_Clean;
  std::optional<uint64_t> Shared_Dirty;
  std::optional<uint64_t> Private_Clean;
  std::optional<uint64_t> Private_Dirty;
  std::optional<uint64_t> Referenced;
  std::optional<uint64_t> Anonymous;
  std::optional<uint64_t> KSM;
  std::optional<uint64_t> LazyFree;
  std::optional<uint64_t> AnonHugePages;
  std::optional<uint64_t> ShmemPmdMapped;
  std::optional<uint64_t> FilePmdMapped;
  std::optional<uint64_t> Shared_Hugetlb;
  std::optional<uint64_t> Private_Hugetlb;
  std::optional<uint64_t> Swap;
  std::optional<uint64_t> SwapPss;
  std::optional<uint64_t> Locked;
};
// NOLINTEND(readability-identifier-naming)

/// Parses the file: an optional "<start>-<end> ---p ... [rollup]" header line, then
/// "<Key>:<spaces><N> kB" lines. Errors:
///   kNotFound       the file is empty: the process has no address space (a kernel thread) or is
///                   exiting (a zombie). Not a format problem: the caller skips the PID.
///   kInvalidFormat  a line that is neither the header nor "Key: N kB" (with the line number).
Result<SmapsRollup> ParseSmapsRollup(std::string_view text);

}  // namespace fgm::collector

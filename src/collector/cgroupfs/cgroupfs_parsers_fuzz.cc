// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for every cgroupfs/procfs text parser: each input is fed to all of them, and
// what they accept is checked against the invariants their headers promise. Seeds: the files of
// test/data/cgroupfs. Wiring (fuzz/CMakeLists.txt):
//   fgm_fuzzer(NAME cgroupfs_parsers_fuzz
//     SRCS ${PROJECT_SOURCE_DIR}/src/collector/cgroupfs/cgroupfs_parsers_fuzz.cc
//     DEPS fgm::collector_cgroupfs)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "collector/cgroupfs/cpu_stat.h"
#include "collector/cgroupfs/io_stat.h"
#include "collector/cgroupfs/layout.h"
#include "collector/cgroupfs/memory_stat.h"
#include "collector/cgroupfs/pressure.h"
#include "collector/cgroupfs/single_value.h"
#include "collector/procfs/pid_stat.h"
#include "collector/procfs/smaps_rollup.h"

namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

// A parser may fail only with kInvalidFormat (or kNotFound for an empty smaps_rollup).
template <typename T>
void RequireFormatError(const fgm::Result<T>& r) {
  if (!r.ok()) {
    Require(r.error().code() == fgm::StatusCode::kInvalidFormat ||
            r.error().code() == fgm::StatusCode::kNotFound);
    Require(!r.error().message().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fgm::collector;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  RequireFormatError(ParseSingleU64(text));
  RequireFormatError(ParseSingleI64(text));
  auto limit = ParseMaxOrU64(text);
  RequireFormatError(limit);
  auto v1_limit = ParseV1MemoryLimit(text);
  RequireFormatError(v1_limit);
  if (v1_limit.ok() && v1_limit->value) Require(*v1_limit->value < kV1UnlimitedThreshold);
  RequireFormatError(ParseV1CfsQuota(text));
  auto cpu_max = ParseCpuMax(text);
  RequireFormatError(cpu_max);
  if (cpu_max.ok()) Require(cpu_max->period_usec > 0);
  RequireFormatError(ParseCgroupEvents(text));
  auto procs = ParseCgroupProcs(text);
  RequireFormatError(procs);
  if (procs.ok()) {
    for (int32_t pid : *procs) Require(pid > 0);
  }
  RequireFormatError(ParseCpuStatV2(text));
  RequireFormatError(ParseCpuStatV1(text));
  RequireFormatError(ParseCpuacctStat(text));
  auto stat = ParseMemoryStat(text);
  RequireFormatError(stat);
  if (stat.ok()) {
    Require(!stat->empty());
    MemoryStat reparsed = *stat;  // parsing into a used object gives the same result
    Require(ParseMemoryStatInto(text, &reparsed).ok());
    Require(reparsed.entries == stat->entries);
    MemoryStat v2 = V1MemoryStatToV2Names(*stat);
    Require(v2.entries.size() <= stat->entries.size());
  }
  RequireFormatError(ParseMemoryEvents(text));
  RequireFormatError(ParseMemoryOomControl(text));
  auto io = ParseIoStat(text);
  RequireFormatError(io);
  if (io.ok()) (void)io->Totals();
  auto blkio = ParseBlkioRwStat(text);
  RequireFormatError(blkio);
  if (blkio.ok()) (void)BlkioToIoStat(*blkio, *blkio).Totals();
  auto psi = ParsePressure(text);
  RequireFormatError(psi);
  if (psi.ok()) {
    Require(psi->some.has_value() || psi->full.has_value());
    for (const auto& line : {psi->some, psi->full}) {
      if (line) Require(line->avg10 >= 0 && line->avg60 >= 0 && line->avg300 >= 0);
    }
  }
  RequireFormatError(ParseSmapsRollup(text));
  auto pid_stat = ParseProcPidStat(text);
  RequireFormatError(pid_stat);
  if (pid_stat.ok()) Require(pid_stat->pid > 0);
  RequireFormatError(ParseProcPidStatus(text));
  RequireFormatError(ParseCgroupMounts(text));
  return 0;
}

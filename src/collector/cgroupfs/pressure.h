// SPDX-License-Identifier: Apache-2.0
// Typed parser for PSI (pressure stall information) files: cpu.pressure, memory.pressure,
// io.pressure and irq.pressure of a cgroup (and /proc/pressure/* of the host, same format).
// Documentation/accounting/psi.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace fgm::collector {

/// One "some" or "full" line: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0".
/// avg* are percentages (0..100) of wall time over 10/60/300 s windows, recomputed by the kernel
/// only every 2 s, so at 1 Hz the cumulative `total` (microseconds of stall) is the signal to
/// difference; the averages are kept for people used to them.
struct PressureLine {
  double avg10 = 0;
  double avg60 = 0;
  double avg300 = 0;
  uint64_t total = 0;  ///< us, cumulative
};

/// A PSI file. cpu.pressure has "full" since Linux 5.13 (it is all zeros at the system level);
/// irq.pressure (Linux 6.1+, CONFIG_IRQ_TIME_ACCOUNTING) has ONLY a "full" line.
struct PressureStat {
  std::optional<PressureLine> some;
  std::optional<PressureLine> full;
};

/// kInvalidFormat on an empty file, a line that is not "some|full k=v...", or a value that does
/// not parse; unknown line kinds and unknown keys are ignored. A line missing one of the four keys
/// is an error: every kernel with PSI prints all four.
Result<PressureStat> ParsePressure(std::string_view text);

}  // namespace fgm::collector

// SPDX-License-Identifier: Apache-2.0
// RenderTopTable: a TickResult as a human table, for `fgm top` and `fgm monitor --print`. One
// header line (tick time, container count, FGM's own CPU/RSS), a column heading, one line per
// container sorted by CPU, then one line per event of the tick. Pure formatting: no terminal
// control codes, so the caller decides whether to clear the screen or append.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "collector/sample.h"

namespace fgm::collector {

/// Formats `tick` as text lines ending in '\n', none longer than `width` columns (when `width`
/// is below kMinTopWidth, lines are cut at `width`). Columns, dropped right to left when the
/// width is short, the container name keeping at least 16 characters:
///   CONTAINER  namespace/pod/container when metadata is known, else the short container id
///              (12 characters for runtime ids), else the cgroup path's last component
///   CPU        usage millicores ("-" on a container's first tick)     LIMIT  cpu limit ("max")
///   THR%       throttled share of CFS periods                        MEM   working set
///   MLIM       memory limit ("max")    MEM%  working set / limit     RSS, PSS  sums over processes
///   PIDS       pids.current            READ/s, WRITE/s  I/O bytes/s  CPU-PSI, MEM-PSI  "some"
///              stall as % of wall time (PSI us/s / 10^4)
/// Sizes are binary (KiB, MiB, GiB); values that are absent print "-".
std::string RenderTopTable(const TickResult& tick, int width);

inline constexpr int kMinTopWidth = 40;

/// Unit helpers, exposed for tests. 1536 -> "1.5KiB", 200 MiB -> "200MiB", 0 -> "0B".
std::string FormatBytes(uint64_t bytes);
/// Millicores: 250.4 -> "250m", 0.4 -> "0m", absent -> "-".
std::string FormatMillicores(std::optional<double> millicores);
/// A 0..1 ratio as a percentage: 0.625 -> "62%", 0.0004 -> "0%"; absent -> "-".
std::string FormatPercent(std::optional<double> ratio);

}  // namespace fgm::collector

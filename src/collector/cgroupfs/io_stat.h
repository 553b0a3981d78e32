// SPDX-License-Identifier: Apache-2.0
// Typed parsers for block I/O accounting: v2 io.stat (one line per device, "key=value" pairs) and
// the v1 blkio "rwstat" files (blkio.throttle.io_service_bytes / io_serviced and their _recursive
// variants: per device Read/Write/Sync/Async/Discard/Total lines plus a final "Total"), and the
// conversion of a v1 pair (bytes, ios) into the v2 shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace fgm::collector {

/// One io.stat line. Bytes and I/O counts, cumulative. Keys the kernel adds when other I/O
/// controllers are active (cost.*, use_delay, delay, depth, avg_lat, ...) are ignored.
struct IoDeviceStat {
  uint32_t major = 0;
  uint32_t minor = 0;
  std::optional<uint64_t> rbytes;
  std::optional<uint64_t> wbytes;
  std::optional<uint64_t> rios;
  std::optional<uint64_t> wios;
  std::optional<uint64_t> dbytes;
  std::optional<uint64_t> dios;
};

/// Sums over devices; a field absent on a device counts as 0.
struct IoTotals {
  uint64_t rbytes = 0;
  uint64_t wbytes = 0;
  uint64_t rios = 0;
  uint64_t wios = 0;
  uint64_t dbytes = 0;
  uint64_t dios = 0;
  friend bool operator==(const IoTotals&, const IoTotals&) = default;
};

/// v2 io.stat (Documentation/admin-guide/cgroup-v2.rst, "IO Interface Files"). Devices that did no
/// I/O have no line, so an EMPTY io.stat is valid and means "no I/O yet".
struct IoStat {
  std::vector<IoDeviceStat> devices;
  IoTotals Totals() const;
};
/// kInvalidFormat for a line whose first token is not MAJ:MIN, a token without '=', or a known
/// key whose value is not an unsigned integer.
Result<IoStat> ParseIoStat(std::string_view text);

/// One device of a v1 blkio rwstat file; units are whatever the file counts (bytes or I/Os).
struct BlkioDeviceStat {
  uint32_t major = 0;
  uint32_t minor = 0;
  std::optional<uint64_t> read;
  std::optional<uint64_t> write;
  std::optional<uint64_t> sync;
  std::optional<uint64_t> async;
  std::optional<uint64_t> discard;  ///< Linux 4.19+
  std::optional<uint64_t> total;
};

/// v1 blkio rwstat file (Documentation/admin-guide/cgroup-v1/blkio-controller.rst). Always ends
/// with "Total N" (present even when no device has a line, so the file is never empty).
/// Kernel quirk, seen on 6.18: the blkio.throttle.* statistics only count I/O on devices that
/// have a throttle limit configured for the cgroup; without one they stay at "Total 0".
struct BlkioRwStat {
  std::vector<BlkioDeviceStat> devices;
  std::optional<uint64_t> total;
};
Result<BlkioRwStat> ParseBlkioRwStat(std::string_view text);

/// Builds the v2 view from v1 io_service_bytes (`bytes`) and io_serviced (`ios`): rbytes = bytes
/// Read, wbytes = bytes Write, dbytes = bytes Discard, rios/wios/dios from `ios`. Devices present
/// in only one of the two files keep only that file's fields.
IoStat BlkioToIoStat(const BlkioRwStat& bytes, const BlkioRwStat& ios);

}  // namespace fgm::collector

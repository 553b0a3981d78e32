// SPDX-License-Identifier: Apache-2.0
// Maps the collector's TickResult to dataset rows (src/store/catalog.h): one "container" row per
// container, "device" rows for per-device I/O, "process" rows when enabled, "event" rows, and one
// "monitor" row with FGM's own cost. The only place that knows both the collector's structs and
// the catalogue's column names.
#pragma once

#include <deque>
#include <string>

#include "collector/sample.h"
#include "k8s/external_events.h"
#include "store/row.h"

namespace fgm::monitor {

struct HostLabels {
  std::string node_name;
  std::string cluster_name;
};

/// Calls `emit(row)` for every row of the tick. `emit` must copy the row before returning.
template <typename Emit>
void MapTick(const collector::TickResult& tick, const HostLabels& host, Emit&& emit);

/// Implementation pieces, exposed for tests.
void FillContainerLabels(const HostLabels& host, const k8s::ContainerIdentity& identity,
                         const k8s::ContainerMetadata& metadata, uint64_t cgroup_inode,
                         const std::string& relative_path, store::Row* row);
void FillContainerMetrics(const collector::ContainerSample& sample, store::Row* row);
void FillMonitorRow(const collector::MonitorSelfSample& self, const HostLabels& host,
                    store::Row* row);
/// Pod labels as a compact JSON object with sorted keys ("" for none).
std::string LabelsJson(const std::map<std::string, std::string>& labels);

/// Turns external lifecycle events (exit codes, restarts: k8s/external_events.h) into event rows
/// labelled exactly like the metric rows of the container they concern, so a query joins them on
/// container_id / cgroup_inode. The container is found by container_id, then by cgroup path, among
/// the tick's containers and those that stopped recently (an exit is often reported after its
/// cgroup is gone); when none matches, the event's own labels are used. Not thread-safe.
class ExternalEventMapper {
 public:
  /// Remembers the containers that stopped in `tick`. Call once per tick, before FillRow.
  void Observe(const collector::TickResult& tick);
  /// Fills `row` (cleared first) with the event row for `event`.
  void FillRow(const k8s::ExternalEvent& event, const collector::TickResult& tick,
               const HostLabels& host, store::Row* row) const;

 private:
  /// Stopped containers remembered, newest last. Sources report an exit within seconds of the
  /// cgroup's removal, so the last 256 stops cover even a node-wide restart storm.
  static constexpr size_t kMaxRecentlyStopped = 256;
  std::deque<collector::ContainerEvent> recently_stopped_;
};

template <typename Emit>
void MapTick(const collector::TickResult& tick, const HostLabels& host, Emit&& emit) {
  using store::Col;
  store::Row row;
  for (const collector::ContainerSample& s : tick.samples) {
    row.Clear();
    row.SetTime(tick.tick_ns);
    FillContainerLabels(host, s.identity, s.metadata, s.cgroup_inode, s.relative_path, &row);
    row.SetString(Col("kind"), "container");
    FillContainerMetrics(s, &row);
    emit(row);
    if (s.snapshot.io && s.snapshot.io->devices.size() > 0) {
      for (const collector::IoDeviceStat& d : s.snapshot.io->devices) {
        row.Clear();
        row.SetTime(tick.tick_ns);
        FillContainerLabels(host, s.identity, s.metadata, s.cgroup_inode, s.relative_path, &row);
        row.SetString(Col("kind"), "device");
        row.SetString(Col("device"), std::to_string(d.major) + ":" + std::to_string(d.minor));
        row.SetIntIfPresent(Col("io_read_bytes"), d.rbytes);
        row.SetIntIfPresent(Col("io_write_bytes"), d.wbytes);
        row.SetIntIfPresent(Col("io_read_ops"), d.rios);
        row.SetIntIfPresent(Col("io_write_ops"), d.wios);
        emit(row);
      }
    }
    for (const collector::ProcessSample& p : s.processes) {
      row.Clear();
      row.SetTime(tick.tick_ns);
      FillContainerLabels(host, s.identity, s.metadata, s.cgroup_inode, s.relative_path, &row);
      row.SetString(Col("kind"), "process");
      row.SetInt(Col("process_pid"), p.pid);
      row.SetString(Col("process_comm"), p.comm);
      row.SetInt(Col("process_cpu_usec"), static_cast<int64_t>(p.cpu_usec));
      if (p.cpu_millicores) row.SetDouble(Col("process_cpu_millicores"), *p.cpu_millicores);
      row.SetIntIfPresent(Col("process_rss_bytes"), p.rss_bytes);
      row.SetIntIfPresent(Col("process_pss_bytes"), p.pss_bytes);
      emit(row);
    }
  }
  for (const collector::ContainerEvent& e : tick.events) {
    row.Clear();
    row.SetTime(e.time_ns);
    FillContainerLabels(host, e.identity, e.metadata, e.cgroup_inode, e.relative_path, &row);
    row.SetString(Col("kind"), "event");
    row.SetString(Col("event_type"), collector::EventTypeName(e.type));
    if (e.type == collector::EventType::kOomKill) {
      row.SetString(Col("event_reason"), "OOMKilled");
      row.SetInt(Col("memory_events_oom_kill"), static_cast<int64_t>(e.count));
    }
    if (!e.message.empty()) row.SetString(Col("event_message"), e.message);
    emit(row);
  }
  row.Clear();
  row.SetTime(tick.tick_ns);
  FillMonitorRow(tick.self, host, &row);
  emit(row);
}

}  // namespace fgm::monitor

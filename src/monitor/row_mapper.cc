// SPDX-License-Identifier: Apache-2.0
#include "monitor/row_mapper.h"

#include <string_view>
#include <unordered_map>

namespace fgm::monitor {
namespace {

using store::Col;

void SetU64(store::Row* row, int col, const std::optional<uint64_t>& v) {
  // Kernel counters fit in int64 for centuries; a value above INT64_MAX would be garbage.
  if (v && *v <= static_cast<uint64_t>(INT64_MAX)) row->SetInt(col, static_cast<int64_t>(*v));
}
void SetLimit(store::Row* row, int col, const std::optional<collector::Limit>& limit) {
  if (limit && !limit->unlimited()) SetU64(row, col, limit->value);  // unlimited stays null
}
void SetDouble(store::Row* row, int col, const std::optional<double>& v) {
  if (v) row->SetDouble(col, *v);
}

}  // namespace

std::string LabelsJson(const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return "";
  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += c;
          }
      }
    }
    return out + "\"";
  };
  std::string out = "{";
  for (const auto& [k, v] : labels) {  // std::map: sorted keys, stable dictionary entries
    if (out.size() > 1) out += ",";
    out += quote(k) + ":" + quote(v);
  }
  return out + "}";
}

void FillContainerLabels(const HostLabels& host, const k8s::ContainerIdentity& identity,
                         const k8s::ContainerMetadata& md, uint64_t cgroup_inode,
                         const std::string& relative_path, store::Row* row) {
  if (!host.node_name.empty()) row->SetString(Col("node_name"), host.node_name);
  if (!host.cluster_name.empty()) row->SetString(Col("cluster_name"), host.cluster_name);
  if (!md.namespace_name.empty()) row->SetString(Col("namespace"), md.namespace_name);
  if (!md.pod_name.empty()) row->SetString(Col("pod_name"), md.pod_name);
  const std::string& uid = md.pod_uid.empty() ? identity.pod_uid : md.pod_uid;
  if (!uid.empty()) row->SetString(Col("pod_uid"), uid);
  if (!md.container_name.empty()) row->SetString(Col("container_name"), md.container_name);
  if (!identity.container_id.empty()) row->SetString(Col("container_id"), identity.container_id);
  k8s::QosClass qos = md.qos_class.value_or(identity.qos_class);
  if (qos != k8s::QosClass::kNone) row->SetString(Col("qos_class"), k8s::QosClassName(qos));
  row->SetString(Col("runtime"), k8s::ContainerRuntimeName(identity.runtime));
  std::string labels = LabelsJson(md.labels);
  if (!labels.empty()) row->SetString(Col("pod_labels"), labels);
  row->SetString(Col("cgroup_path"), relative_path);
  row->SetInt(Col("cgroup_inode"), static_cast<int64_t>(cgroup_inode));
}

void FillContainerMetrics(const collector::ContainerSample& s, store::Row* row) {
  const collector::CgroupSnapshot& c = s.snapshot;
  const collector::DerivedMetrics& d = s.derived;
  row->SetInt(Col("read_latency_us"), c.read_latency_ns / 1000);
  SetU64(row, Col("cpu_usage_usec"), c.cpu_usage_usec);
  SetU64(row, Col("cpu_user_usec"), c.cpu_user_usec);
  SetU64(row, Col("cpu_system_usec"), c.cpu_system_usec);
  SetU64(row, Col("cpu_nr_periods"), c.cpu_nr_periods);
  SetU64(row, Col("cpu_nr_throttled"), c.cpu_nr_throttled);
  SetU64(row, Col("cpu_throttled_usec"), c.cpu_throttled_usec);
  if (c.cpu_max) {
    SetLimit(row, Col("cpu_quota_usec"), c.cpu_max->quota_usec);
    SetU64(row, Col("cpu_period_usec"), c.cpu_max->period_usec);
  }
  SetDouble(row, Col("cpu_usage_millicores"), d.cpu_usage_millicores);
  SetDouble(row, Col("cpu_user_millicores"), d.cpu_user_millicores);
  SetDouble(row, Col("cpu_system_millicores"), d.cpu_system_millicores);
  SetDouble(row, Col("cpu_limit_millicores"), d.cpu_limit_millicores);
  SetDouble(row, Col("cpu_throttled_ratio"), d.cpu_throttled_ratio);
  SetDouble(row, Col("cpu_throttled_usec_per_sec"), d.cpu_throttled_usec_per_sec);

  SetU64(row, Col("memory_usage_bytes"), c.memory_current);
  SetU64(row, Col("memory_working_set_bytes"), d.memory_working_set_bytes);
  SetU64(row, Col("memory_peak_bytes"), c.memory_peak);
  SetLimit(row, Col("memory_limit_bytes"), c.memory_max);
  SetLimit(row, Col("memory_high_bytes"), c.memory_high);
  SetLimit(row, Col("memory_low_bytes"), c.memory_low);
  SetLimit(row, Col("memory_min_bytes"), c.memory_min);
  SetU64(row, Col("memory_swap_usage_bytes"), c.memory_swap_current);
  SetLimit(row, Col("memory_swap_limit_bytes"), c.memory_swap_max);
  const collector::MemoryStat& ms = c.memory_stat;
  static constexpr std::pair<std::string_view, int> kStatColumns[] = {
      {"anon", Col("memory_anon_bytes")},
      {"file", Col("memory_file_bytes")},
      {"kernel", Col("memory_kernel_bytes")},
      {"kernel_stack", Col("memory_kernel_stack_bytes")},
      {"pagetables", Col("memory_pagetables_bytes")},
      {"sock", Col("memory_sock_bytes")},
      {"shmem", Col("memory_shmem_bytes")},
      {"file_mapped", Col("memory_file_mapped_bytes")},
      {"file_dirty", Col("memory_file_dirty_bytes")},
      {"file_writeback", Col("memory_file_writeback_bytes")},
      {"active_anon", Col("memory_active_anon_bytes")},
      {"inactive_anon", Col("memory_inactive_anon_bytes")},
      {"active_file", Col("memory_active_file_bytes")},
      {"inactive_file", Col("memory_inactive_file_bytes")},
      {"unevictable", Col("memory_unevictable_bytes")},
      {"slab_reclaimable", Col("memory_slab_reclaimable_bytes")},
      {"slab_unreclaimable", Col("memory_slab_unreclaimable_bytes")},
      {"pgfault", Col("memory_pgfault")},
      {"pgmajfault", Col("memory_pgmajfault")},
  };
  if (!ms.empty()) {
    // One pass over the file's 30-70 keys with a hash lookup each, instead of a linear MemoryStat::
    // Get per column (~20 scans of the whole list: 4% of the sampling thread at 1,000 containers).
    // Linux 5.9 split workingset_refault into _anon and _file; older kernels have one key.
    static constexpr int kRefaultAnon = -1, kRefaultFile = -2, kRefault = -3;
    static const std::unordered_map<std::string_view, int> kColumnOfKey = [] {
      std::unordered_map<std::string_view, int> m;
      for (const auto& [key, col] : kStatColumns) m.emplace(key, col);
      m.emplace("workingset_refault_anon", kRefaultAnon);
      m.emplace("workingset_refault_file", kRefaultFile);
      m.emplace("workingset_refault", kRefault);
      return m;
    }();
    std::optional<uint64_t> refault_anon, refault_file, refault;
    for (const auto& [key, value] : ms.entries) {
      auto it = kColumnOfKey.find(key);
      if (it == kColumnOfKey.end()) continue;
      switch (it->second) {
        case kRefaultAnon:
          refault_anon = value;
          break;
        case kRefaultFile:
          refault_file = value;
          break;
        case kRefault:
          refault = value;
          break;
        default:
          SetU64(row, it->second, value);
      }
    }
    if (refault_anon || refault_file) {
      SetU64(row, Col("memory_workingset_refault"),
             refault_anon.value_or(0) + refault_file.value_or(0));
    } else {
      SetU64(row, Col("memory_workingset_refault"), refault);
    }
  }
  if (c.memory_events) {
    SetU64(row, Col("memory_events_low"), c.memory_events->low);
    SetU64(row, Col("memory_events_high"), c.memory_events->high);
    SetU64(row, Col("memory_events_max"), c.memory_events->max);
    SetU64(row, Col("memory_events_oom"), c.memory_events->oom);
    SetU64(row, Col("memory_events_oom_kill"), c.memory_events->oom_kill);
  }
  SetDouble(row, Col("memory_usage_ratio"), d.memory_usage_ratio);
  SetDouble(row, Col("memory_working_set_ratio"), d.memory_working_set_ratio);
  if (s.memory) {
    const collector::ProcessMemory& m = *s.memory;
    row->SetInt(Col("memory_rss_bytes"), static_cast<int64_t>(m.rss_bytes));
    row->SetInt(Col("memory_pss_bytes"), static_cast<int64_t>(m.pss_bytes));
    row->SetInt(Col("memory_pss_anon_bytes"), static_cast<int64_t>(m.pss_anon_bytes));
    row->SetInt(Col("memory_pss_file_bytes"), static_cast<int64_t>(m.pss_file_bytes));
    row->SetInt(Col("memory_pss_shmem_bytes"), static_cast<int64_t>(m.pss_shmem_bytes));
    row->SetInt(Col("memory_pss_age_ms"), m.oldest_value_age_ms);
    row->SetInt(Col("processes"), m.processes);
  }
  SetU64(row, Col("pids_current"), c.pids_current);
  SetLimit(row, Col("pids_limit"), c.pids_max);

  if (c.io) {
    collector::IoTotals t = c.io->Totals();
    row->SetInt(Col("io_read_bytes"), static_cast<int64_t>(t.rbytes));
    row->SetInt(Col("io_write_bytes"), static_cast<int64_t>(t.wbytes));
    row->SetInt(Col("io_read_ops"), static_cast<int64_t>(t.rios));
    row->SetInt(Col("io_write_ops"), static_cast<int64_t>(t.wios));
  }
  SetDouble(row, Col("io_read_bytes_per_sec"), d.io_read_bytes_per_sec);
  SetDouble(row, Col("io_write_bytes_per_sec"), d.io_write_bytes_per_sec);

  auto psi = [&](const std::optional<collector::PressureStat>& p, int some_total, int full_total,
                 int some_avg, int full_avg) {
    if (!p) return;
    if (p->some) {
      if (some_total >= 0) row->SetInt(some_total, static_cast<int64_t>(p->some->total));
      if (some_avg >= 0) row->SetDouble(some_avg, p->some->avg10);
    }
    if (p->full) {
      if (full_total >= 0) row->SetInt(full_total, static_cast<int64_t>(p->full->total));
      if (full_avg >= 0) row->SetDouble(full_avg, p->full->avg10);
    }
  };
  psi(c.cpu_pressure, Col("cpu_pressure_some_usec"), Col("cpu_pressure_full_usec"),
      Col("cpu_pressure_some_avg10"), -1);
  psi(c.memory_pressure, Col("memory_pressure_some_usec"), Col("memory_pressure_full_usec"),
      Col("memory_pressure_some_avg10"), Col("memory_pressure_full_avg10"));
  psi(c.io_pressure, Col("io_pressure_some_usec"), Col("io_pressure_full_usec"),
      Col("io_pressure_some_avg10"), Col("io_pressure_full_avg10"));
  psi(c.irq_pressure, -1, Col("irq_pressure_full_usec"), -1, -1);
  SetDouble(row, Col("cpu_pressure_some_usec_per_sec"), d.cpu_pressure_some_usec_per_sec);
  SetDouble(row, Col("memory_pressure_some_usec_per_sec"), d.memory_pressure_some_usec_per_sec);
  SetDouble(row, Col("memory_pressure_full_usec_per_sec"), d.memory_pressure_full_usec_per_sec);
  SetDouble(row, Col("io_pressure_some_usec_per_sec"), d.io_pressure_some_usec_per_sec);
  SetDouble(row, Col("io_pressure_full_usec_per_sec"), d.io_pressure_full_usec_per_sec);
}

void FillMonitorRow(const collector::MonitorSelfSample& self, const HostLabels& host,
                    store::Row* row) {
  row->SetString(Col("kind"), "monitor");
  if (!host.node_name.empty()) row->SetString(Col("node_name"), host.node_name);
  if (!host.cluster_name.empty()) row->SetString(Col("cluster_name"), host.cluster_name);
  row->SetString(Col("container_name"), "fgm-monitor");
  row->SetInt(Col("cpu_usage_usec"), static_cast<int64_t>(self.cpu_usage_usec));
  if (self.cpu_millicores) row->SetDouble(Col("cpu_usage_millicores"), *self.cpu_millicores);
  row->SetInt(Col("memory_rss_bytes"), static_cast<int64_t>(self.rss_bytes));
  row->SetInt(Col("monitor_tick_duration_us"), self.tick_duration_us);
  row->SetInt(Col("monitor_skipped_ticks"), static_cast<int64_t>(self.skipped_ticks));
  row->SetInt(Col("monitor_read_errors"), static_cast<int64_t>(self.read_errors));
  row->SetInt(Col("monitor_containers"), self.containers);
}

namespace {

std::string_view TrimSlashes(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path;
}

// The labels of one known container instance, wherever they came from.
struct Match {
  const k8s::ContainerIdentity* identity = nullptr;
  const k8s::ContainerMetadata* metadata = nullptr;
  uint64_t cgroup_inode = 0;
  const std::string* relative_path = nullptr;
};

}  // namespace

void ExternalEventMapper::Observe(const collector::TickResult& tick) {
  for (const collector::ContainerEvent& e : tick.events) {
    if (e.type != collector::EventType::kStopped) continue;
    recently_stopped_.push_back(e);
    if (recently_stopped_.size() > kMaxRecentlyStopped) recently_stopped_.pop_front();
  }
}

void ExternalEventMapper::FillRow(const k8s::ExternalEvent& ev, const collector::TickResult& tick,
                                  const HostLabels& host, store::Row* row) const {
  const std::string_view ev_path = TrimSlashes(ev.cgroup_path);
  // Two passes (id, then path), each over the live containers first, then the stopped ones
  // newest first: the live instance of a restarted container wins over its dead predecessor.
  Match match;
  auto try_all = [&](auto&& matches) {
    for (const collector::ContainerSample& s : tick.samples) {
      if (matches(s.identity, s.relative_path)) {
        match = {&s.identity, &s.metadata, s.cgroup_inode, &s.relative_path};
        return true;
      }
    }
    for (auto it = recently_stopped_.rbegin(); it != recently_stopped_.rend(); ++it) {
      if (matches(it->identity, it->relative_path)) {
        match = {&it->identity, &it->metadata, it->cgroup_inode, &it->relative_path};
        return true;
      }
    }
    return false;
  };
  bool found = false;
  if (!ev.container_id.empty()) {
    found = try_all([&](const k8s::ContainerIdentity& id, const std::string&) {
      return id.container_id == ev.container_id;
    });
  }
  if (!found && !ev_path.empty()) {
    found = try_all([&](const k8s::ContainerIdentity&, const std::string& path) {
      return TrimSlashes(path) == ev_path;
    });
  }
  row->Clear();
  row->SetTime(ev.time_ms * kNanosPerMilli);
  if (found) {
    FillContainerLabels(host, *match.identity, *match.metadata, match.cgroup_inode,
                        *match.relative_path, row);
  } else {
    if (!host.node_name.empty()) row->SetString(Col("node_name"), host.node_name);
    if (!host.cluster_name.empty()) row->SetString(Col("cluster_name"), host.cluster_name);
    if (!ev.namespace_name.empty()) row->SetString(Col("namespace"), ev.namespace_name);
    if (!ev.pod_name.empty()) row->SetString(Col("pod_name"), ev.pod_name);
    if (!ev.pod_uid.empty()) row->SetString(Col("pod_uid"), ev.pod_uid);
    if (!ev.container_name.empty()) row->SetString(Col("container_name"), ev.container_name);
    if (!ev.container_id.empty()) row->SetString(Col("container_id"), ev.container_id);
    if (!ev_path.empty()) row->SetString(Col("cgroup_path"), ev_path);
  }
  row->SetString(Col("kind"), "event");
  row->SetString(Col("event_type"), ev.type);
  if (ev.exit_code) row->SetInt(Col("event_exit_code"), *ev.exit_code);
  if (ev.signal) row->SetInt(Col("event_signal"), *ev.signal);
  if (!ev.reason.empty()) row->SetString(Col("event_reason"), ev.reason);
  if (!ev.message.empty()) row->SetString(Col("event_message"), ev.message);
}

}  // namespace fgm::monitor

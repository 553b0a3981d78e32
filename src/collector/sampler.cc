// SPDX-License-Identifier: Apache-2.0
// The per-tick sampling loop body: discovery, cgroup reads, derived values, PSS sums, per-process
// CPU, events and the monitor's own cost (see sampler.h for the contract).
#include "collector/sampler.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "collector/cgroupfs/cpu_stat.h"
#include "core/log.h"

namespace fgm::collector {
namespace {

constexpr uint64_t kKiB = 1024;

// What the cgroup path alone says, in metadata terms (used while the provider is pending).
k8s::ContainerMetadata PathMetadata(const k8s::ContainerIdentity& identity) {
  k8s::ContainerMetadata md;
  md.pod_uid = identity.pod_uid;
  if (identity.qos_class != k8s::QosClass::kNone) md.qos_class = identity.qos_class;
  return md;
}

// Assigns only when different: comparing costs no allocation, while re-assigning a map of labels
// every tick would allocate every node again.
template <typename T>
void AssignIfChanged(T& to, const T& from) {
  if (!(to == from)) to = from;
}

}  // namespace

Result<std::unique_ptr<Sampler>> Sampler::Create(SamplerOptions options, Clock& clock) {
  options.discovery.metadata = options.metadata;
  FGM_ASSIGN_OR_RETURN(Discoverer discoverer,
                       Discoverer::Create(options.layout, options.discovery, clock));
  std::optional<ProcDir> proc_dir;
  if (options.collect_pss || options.process_rows) {
    FGM_ASSIGN_OR_RETURN(ProcDir dir, ProcDir::Open(options.host_root));
    proc_dir.emplace(std::move(dir));
  }
  std::unique_ptr<Sampler> sampler(new Sampler(std::move(options), clock, std::move(discoverer)));
  sampler->proc_dir_ = std::move(proc_dir);
  return sampler;
}

Sampler::Sampler(SamplerOptions options, Clock& clock, Discoverer discoverer)
    : options_(std::move(options)),
      clock_(&clock),
      discoverer_(std::move(discoverer)),
      pss_(options_.host_root, options_.pss_policy, clock),
      self_(clock) {}

size_t Sampler::container_count() const {
  size_t n = 0;
  for (const auto& [path, t] : tracked_) n += (t.reader.has_value() && !t.gone) ? 1 : 0;
  return n;
}

namespace {

// A container with no metadata anywhere (a bare cgroup, a runtime whose files we do not know)
// would otherwise be looked up every tick for its whole life: at 1,000 such containers that was
// 5% of the sampling thread (file-based providers stat their paths on a miss). Runtime files
// normally exist before the cgroup does, so a miss rarely turns into a hit; when it does, the
// metadata shows within 10 ticks, the same bound as limits and idle full reads.
constexpr uint64_t kMaxMetadataRetryTicks = 10;

uint64_t MetadataRetryTicks(uint32_t misses) {
  return misses >= 4 ? kMaxMetadataRetryTicks : uint64_t{1} << (misses - 1);  // 1, 2, 4, 8
}

}  // namespace

const k8s::ContainerMetadata& Sampler::MetadataOf(Tracked& t, bool lookup) {
  const uint64_t since = stats_.ticks - t.metadata_tick;
  const bool due =
      t.metadata ? options_.metadata_refresh_ticks > 0 && since >= options_.metadata_refresh_ticks
                 : t.metadata_misses == 0 || since >= MetadataRetryTicks(t.metadata_misses);
  if (lookup && due && options_.metadata != nullptr) {
    k8s::MetadataResult r = options_.metadata->Lookup(t.discovered.identity);
    if (r.found() && r.metadata != nullptr) {
      t.metadata = std::move(r.metadata);
      t.metadata_misses = 0;
    } else if (r.state == k8s::MetadataState::kNotFound && !t.metadata) {
      ++t.metadata_misses;
    }
    t.metadata_tick = stats_.ticks;
  }
  return t.metadata ? *t.metadata : t.path_metadata;
}

void Sampler::Emit(EventType type, Tracked& t, uint64_t count, std::string message,
                   TickResult* out) {
  ContainerEvent& e = out->events.emplace_back();
  e.time_ns = tick_ns_;
  e.type = type;
  e.identity = t.discovered.identity;
  // A stopped container's provider state may already be forgotten (discovery calls Forget);
  // asking again would only re-cache it.
  e.metadata = MetadataOf(t, /*lookup=*/type != EventType::kStopped);
  e.cgroup_inode = t.discovered.cgroup_inode;
  e.relative_path = t.discovered.relative_path;
  e.count = count;
  e.message = std::move(message);
  switch (type) {
    case EventType::kStarted:
      ++stats_.containers_started;
      break;
    case EventType::kStopped:
      ++stats_.containers_stopped;
      break;
    case EventType::kOomKill:
      ++stats_.oom_kill_events;
      break;
  }
}

void Sampler::CountReadError(const Status& s) {
  ++stats_.read_errors;
  // Messages start with the file's path ("<path>: line 3: ..."); the key is (path, code) so a
  // file that stays broken is logged once, whatever line numbers later ticks report.
  std::string_view msg = s.message();
  std::string key = "collector.sampler:";
  key += StatusCodeName(s.code());
  key += ':';
  key += msg.substr(0, msg.find(": "));
  FGM_LOG_ONCE(kWarning, key,
               "cgroup read failed; the container is still sampled, and later failures of this "
               "file are counted in monitor_read_errors, not logged: %s",
               s.ToString().c_str());
}

void Sampler::TryOpen(Tracked& t, TickResult* out) {
  Result<CgroupReader> reader = CgroupReader::Open(options_.layout, t.discovered.relative_path,
                                                   options_.reader_options, *clock_);
  if (!reader.ok()) {
    if (reader.error().code() == StatusCode::kNotFound) {
      t.gone = true;  // appeared and vanished between two looks: nothing to report
    } else {
      CountReadError(reader.error());  // e.g. EMFILE: retried next tick
    }
    return;
  }
  if (reader->inode() != t.discovered.cgroup_inode) {
    // Removed and recreated since the scan: this reader sees a cgroup instance discovery has not
    // reported yet. The next scan reports the old one removed and the new one added.
    t.gone = true;
    return;
  }
  t.reader.emplace(std::move(reader).value());
  t.started = true;
  Emit(EventType::kStarted, t, 1,
       stats_.ticks == 0 ? "already running when monitoring started" : "", out);
}

void Sampler::HandleRemoved(const DiscoveredContainer& c, TickResult* out) {
  auto it = tracked_.find(c.relative_path);
  if (it == tracked_.end() || it->second.discovered.cgroup_inode != c.cgroup_inode) return;
  Tracked& t = it->second;
  if (t.started && !t.gone) Emit(EventType::kStopped, t, 1, "", out);
  tracked_.erase(it);
}

void Sampler::HandleAdded(const DiscoveredContainer& c, TickResult* out) {
  auto it = tracked_.find(c.relative_path);
  if (it != tracked_.end()) {
    // Discovery reports a recreated cgroup as removed then added, so this only happens if the
    // removal was missed; treat the old instance as stopped.
    if (it->second.started && !it->second.gone) Emit(EventType::kStopped, it->second, 1, "", out);
    tracked_.erase(it);
  }
  Tracked& t = tracked_[c.relative_path];
  t.discovered = c;
  t.path_metadata = PathMetadata(c.identity);
  // A cgroup created after monitoring began starts with zero OOM kills (sampler.h, step 4).
  if (stats_.ticks > 0) t.oom_kill_base = 0;
  TryOpen(t, out);
}

Status Sampler::SampleTick(TimestampNs tick_ns, TickResult* out) {
  const int64_t start_mono_ns = clock_->MonotonicNs();
  tick_ns_ = tick_ns;
  out->tick_ns = tick_ns;
  out->events.clear();

  Result<DiscoveryDelta> delta = discoverer_.Scan();
  out->self.discovery_us = (clock_->MonotonicNs() - start_mono_ns) / kNanosPerMicro;
  if (delta.ok()) {
    // Removals first: a recreated cgroup is in both lists, old instance then new.
    for (const DiscoveredContainer& c : delta->removed) HandleRemoved(c, out);
    for (const DiscoveredContainer& c : delta->added) HandleAdded(c, out);
  } else {
    // Keep sampling the known containers; their readers notice removals on their own.
    ++stats_.discovery_failures;
    CountReadError(delta.error().WithContext(discoverer_.root()));
  }

  const bool want_pids = options_.collect_pss || options_.process_rows;
  all_pids_.clear();
  pids_unchanged_.clear();
  pid_ranges_.clear();
  pid_ranges_.push_back(0);
  size_t n = 0;
  for (auto& [path, t] : tracked_) {
    if (t.gone) continue;
    if (!t.reader) {
      TryOpen(t, out);
      if (!t.reader) continue;
    }
    if (out->samples.size() <= n) out->samples.emplace_back();
    ContainerSample& s = out->samples[n];
    Status read = t.reader->Read(&s.snapshot);
    if (read.code() == StatusCode::kNotFound) {
      // Removed since the scan: normal during teardown, so no log and no error.
      ++stats_.vanished_on_read;
      Emit(EventType::kStopped, t, 1, "", out);
      t.gone = true;
      t.reader.reset();
      continue;
    }
    if (!read.ok()) {
      CountReadError(read);
      // A parse error leaves every other file's values in the snapshot: sample those. Any
      // other error means the read stopped early: skip the container this tick, keep its state.
      if (read.code() != StatusCode::kInvalidFormat) continue;
    }

    AssignIfChanged(s.identity, t.discovered.identity);
    AssignIfChanged(s.metadata, MetadataOf(t, /*lookup=*/true));
    s.cgroup_inode = t.reader->inode();
    if (s.relative_path != path) s.relative_path = path;
    s.derived = ComputeDerived(s.snapshot, t.has_base ? &t.base : nullptr);
    t.base = RateBaseOf(s.snapshot);
    t.has_base = true;

    // OOM kills: memory.events oom_kill (v2) or memory.oom_control oom_kill (v1), same inode
    // guaranteed because a reader stays bound to one cgroup instance. If the counter is absent
    // this tick the old baseline is kept, so kills are reported when it comes back.
    const std::optional<uint64_t> oom_kill =
        s.snapshot.memory_events ? s.snapshot.memory_events->oom_kill : std::nullopt;
    if (oom_kill) {
      if (t.oom_kill_base && *oom_kill > *t.oom_kill_base) {
        Emit(EventType::kOomKill, t, *oom_kill - *t.oom_kill_base, "", out);
      }
      t.oom_kill_base = oom_kill;  // also resets the baseline when the counter went backwards
    }

    // An empty cgroup has an empty cgroup.procs: skip its open + read, the only per-tick open
    // of a kept-open reader. "populated" is trusted only on v2, where cgroup.procs is read from
    // the same (unified) hierarchy; on hybrid hosts a runtime may not put processes there.
    const bool empty = s.snapshot.pids_current == uint64_t{0} ||
                       (options_.layout.mode == CgroupMode::kV2 && s.snapshot.populated == false);
    // An idle read (no CPU used, no memory charged or uncharged: CgroupReaderOptions::
    // idle_full_read_every) means no process of the container ran, so none started, exited or
    // touched its memory: its PID list is last tick's and its PSS values stand (PssReader rule 5).
    // That skips the cgroup.procs read and the smaps_rollup page-table walks of idle containers.
    const bool unchanged = !t.reader->last_read_stats().full && t.pids_valid;
    if (want_pids && !empty) {
      if (!unchanged) {
        Result<std::vector<int32_t>> pids = t.reader->ReadPids();
        t.pids_valid = pids.ok();
        if (pids.ok()) {
          t.pids = std::move(pids).value();
        } else {
          t.pids.clear();
          if (pids.error().code() != StatusCode::kNotFound) CountReadError(pids.error());
        }
      }
      all_pids_.insert(all_pids_.end(), t.pids.begin(), t.pids.end());
      pids_unchanged_.insert(pids_unchanged_.end(), t.pids.size(), unchanged ? 1 : 0);
    } else {
      t.pids.clear();
      t.pids_valid = want_pids;
    }
    pid_ranges_.push_back(all_pids_.size());
    ++n;
  }
  out->samples.resize(n);

  out->self.pss_read_us = 0;
  out->self.pss_deferred = 0;
  if (options_.collect_pss) {
    CollectPss(out);
    out->self.pss_read_us = pss_report_.used_ns / kNanosPerMicro;
    out->self.pss_deferred = pss_report_.deferred;
  } else {
    for (ContainerSample& s : out->samples) s.memory.reset();
  }
  if (options_.process_rows) {
    CollectProcesses(out);
  } else {
    for (ContainerSample& s : out->samples) s.processes.clear();
  }

  MonitorSelfSample& self = out->self;
  self_.Sample(&self);
  self.tick_duration_us = last_tick_duration_us_;
  self.skipped_ticks = skipped_ticks_;
  self.read_errors = stats_.read_errors;
  self.containers = static_cast<uint32_t>(n);

  ++stats_.ticks;
  last_tick_duration_us_ = (clock_->MonotonicNs() - start_mono_ns) / kNanosPerMicro;
  return OkStatus();
}

Result<TickResult> Sampler::SampleTick(TimestampNs tick_ns) {
  TickResult result;
  FGM_RETURN_IF_ERROR(SampleTick(tick_ns, &result));
  return result;
}

void Sampler::CollectPss(TickResult* out) {
  pss_report_ = pss_.Read(all_pids_, options_.pss_budget_ns, pids_unchanged_);
  // Match values back to PIDs. PssReader returns samples in input order (duplicates dropped), so
  // a forward walk finds each; the wrap-around only guards against that order ever changing.
  pid_pss_index_.assign(all_pids_.size(), -1);
  size_t j = 0;
  for (size_t k = 0; k < pss_report_.samples.size(); ++k) {
    const int32_t pid = pss_report_.samples[k].pid;
    size_t tries = 0;
    while (tries < all_pids_.size() && all_pids_[j] != pid) {
      j = j + 1 == all_pids_.size() ? 0 : j + 1;
      ++tries;
    }
    if (tries == all_pids_.size()) continue;
    pid_pss_index_[j] = static_cast<int32_t>(k);
    j = j + 1 == all_pids_.size() ? 0 : j + 1;
  }

  const TimestampNs now = clock_->WallNs();
  for (size_t i = 0; i < out->samples.size(); ++i) {
    ProcessMemory& m = out->samples[i].memory.emplace();
    const size_t begin = pid_ranges_[i];
    const size_t end = pid_ranges_[i + 1];
    m.processes = static_cast<uint32_t>(end - begin);
    for (size_t p = begin; p < end; ++p) {
      const int32_t k = pid_pss_index_[p];
      if (k < 0 || !pss_report_.samples[static_cast<size_t>(k)].rollup.Pss) {
        ++m.processes_without_value;
        continue;
      }
      const PssSample& sample = pss_report_.samples[static_cast<size_t>(k)];
      const SmapsRollup& r = sample.rollup;
      m.rss_bytes += r.Rss.value_or(0) * kKiB;
      m.pss_bytes += r.Pss.value_or(0) * kKiB;
      m.pss_anon_bytes += r.Pss_Anon.value_or(0) * kKiB;
      m.pss_file_bytes += r.Pss_File.value_or(0) * kKiB;
      m.pss_shmem_bytes += r.Pss_Shmem.value_or(0) * kKiB;
      m.oldest_value_age_ms =
          std::max(m.oldest_value_age_ms, (now - sample.taken_at_ns) / kNanosPerMilli);
    }
  }
}

void Sampler::CollectProcesses(TickResult* out) {
  if (!proc_dir_) return;
  const uint64_t tick = stats_.ticks;
  const int64_t user_hz = UserHz();
  static const uint64_t kPageBytes = [] {
    long page = ::sysconf(_SC_PAGESIZE);
    return page > 0 ? static_cast<uint64_t>(page) : uint64_t{4096};
  }();
  const bool have_pss = options_.collect_pss && pid_pss_index_.size() == all_pids_.size();
  for (size_t i = 0; i < out->samples.size(); ++i) {
    std::vector<ProcessSample>& procs = out->samples[i].processes;
    size_t n = 0;
    for (size_t p = pid_ranges_[i]; p < pid_ranges_[i + 1]; ++p) {
      const int32_t pid = all_pids_[p];
      Result<ProcPidStat> stat = proc_dir_->ReadStat(pid, &proc_buf_);
      if (!stat.ok()) {
        // Exited since cgroup.procs was read: normal. Anything else is counted.
        if (stat.error().code() != StatusCode::kNotFound) CountReadError(stat.error());
        continue;
      }
      const TimestampNs now = clock_->WallNs();
      if (procs.size() <= n) procs.emplace_back();
      ProcessSample& ps = procs[n++];
      ps.pid = pid;
      if (ps.comm != stat->comm) ps.comm = stat->comm;
      // USER_HZ ticks (10 ms): at 1 Hz a process's millicores carry +-10 m of quantisation.
      ps.cpu_usec = UserHzTicksToUsec(stat->utime + stat->stime, user_hz);
      ps.cpu_millicores.reset();
      auto [it, inserted] = process_cpu_.try_emplace(pid);
      ProcessCpu& prev = it->second;
      const int64_t window_ns = now - prev.taken_at_ns;
      if (!inserted && prev.starttime == stat->starttime && window_ns >= kMinRateWindowNs &&
          ps.cpu_usec >= prev.cpu_usec) {
        ps.cpu_millicores =
            static_cast<double>(ps.cpu_usec - prev.cpu_usec) * 1e6 / static_cast<double>(window_ns);
      }
      prev = ProcessCpu{.starttime = stat->starttime,
                        .cpu_usec = ps.cpu_usec,
                        .taken_at_ns = now,
                        .seen_tick = tick};
      const int32_t k = have_pss ? pid_pss_index_[p] : -1;
      const SmapsRollup* rollup =
          k >= 0 ? &pss_report_.samples[static_cast<size_t>(k)].rollup : nullptr;
      if (rollup != nullptr && rollup->Rss) {
        ps.rss_bytes = *rollup->Rss * kKiB;
      } else {
        ps.rss_bytes = static_cast<uint64_t>(std::max<int64_t>(stat->rss, 0)) * kPageBytes;
      }
      ps.pss_bytes.reset();
      if (rollup != nullptr && rollup->Pss) ps.pss_bytes = *rollup->Pss * kKiB;
    }
    procs.resize(n);
  }
  // Forget processes not seen this tick (exited, or left every sampled container).
  std::erase_if(process_cpu_, [tick](const auto& entry) { return entry.second.seen_tick != tick; });
}

}  // namespace fgm::collector

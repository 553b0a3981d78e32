// SPDX-License-Identifier: Apache-2.0
#include "monitor/monitor.h"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "collector/cgroupfs/layout.h"
#include "collector/sampler.h"
#include "collector/scheduler.h"
#include "collector/top_view.h"
#include "core/file.h"
#include "core/log.h"
#include "k8s/cgroup_path.h"
#include "k8s/local_metadata.h"
#include "k8s/runtime_metadata.h"
#include "monitor/row_mapper.h"
#include "store/dataset_writer.h"
#include "store/layout.h"

namespace fgm::monitor {
namespace {

// Lets the chain (which owns its members) hold a provider the caller also keeps, such as the
// API-server watcher that is at the same time an event source.
class SharedMetadataProvider final : public k8s::MetadataProvider {
 public:
  explicit SharedMetadataProvider(std::shared_ptr<k8s::MetadataProvider> inner)
      : inner_(std::move(inner)) {}
  k8s::MetadataResult Lookup(const k8s::ContainerIdentity& identity) override {
    return inner_->Lookup(identity);
  }
  void Forget(const k8s::ContainerIdentity& identity) override { inner_->Forget(identity); }
  std::string_view name() const override { return inner_->name(); }

 private:
  std::shared_ptr<k8s::MetadataProvider> inner_;
};

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string Rfc3339(TimestampNs t) {
  time_t secs = static_cast<time_t>(t / kNanosPerSecond);
  tm utc{};
  gmtime_r(&secs, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(t % kNanosPerSecond / kNanosPerMilli));
  return buf;
}

}  // namespace

std::string NewRunId() {
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 8; ++i) id.push_back("0123456789abcdef"[rd() & 15]);
  return id;
}

struct Monitor::Impl {
  MonitorOptions options;
  std::string run_id;
  std::string identifier;
  collector::CgroupLayout layout;
  std::unique_ptr<k8s::MetadataProvider> metadata;
  std::unique_ptr<collector::Sampler> sampler;
  std::unique_ptr<store::DatasetWriter> writer;
  HostLabels host;
  /// Every source polled each tick (options.event_sources plus the local one).
  std::vector<std::shared_ptr<k8s::ExternalEventSource>> event_sources;
  /// The local supervisor's source (also in event_sources): its files are deleted once the
  /// journal holds their rows.
  std::shared_ptr<k8s::LocalEventSource> local_events;
  ExternalEventMapper event_mapper;

  // Polls every event source and appends their rows. The local source's files are deleted only
  // once SyncJournal() says every appended row is durable (retried every tick until it is).
  void WriteExternalEvents(const collector::TickResult& tick) {
    event_mapper.Observe(tick);
    size_t appended = 0;
    store::Row row;
    for (const auto& source : event_sources) {
      for (const k8s::ExternalEvent& ev : source->Poll()) {
        event_mapper.FillRow(ev, tick, host, &row);
        writer->Append(row);
        ++appended;
      }
    }
    if (local_events && local_events->unacknowledged() > 0) {
      Status synced = writer->SyncJournal();
      if (synced.ok()) {
        local_events->Acknowledge();
      } else {
        FGM_LOG_ONCE(kWarning, "monitor.events.sync",
                     "event rows not yet durable (%s); their files stay until they are",
                     synced.ToString().c_str());
      }
    } else if (appended > 0) {
      // Other sources have nothing to acknowledge; journal their rows now all the same.
      writer->SyncJournal().IgnoreError();
    }
  }

  Status WriteSession(TimestampNs start) {
    nlohmann::json j;
    j["run_id"] = run_id;
    j["identifier"] = identifier;
    j["start_time"] = Rfc3339(start);
    j["node_name"] = host.node_name;
    j["cluster_name"] = host.cluster_name;
    j["pod_name"] = options.pod_name;
    j["host_name"] = HostName();
    j["fgm_version"] = options.version;
    j["cgroup_mode"] = std::string(collector::CgroupModeName(layout.mode));
    j["schema_version"] = 1;
    j["command_line"] = options.command_line;
    j["config"] = {
        {"output_dir", options.output_dir},
        {"interval_ms", options.interval_ns / kNanosPerMilli},
        {"host_root", options.host_root},
        {"flush_interval_ms", options.flush_interval_ns / kNanosPerMilli},
        {"segment_interval_s", options.segment_interval_ns / kNanosPerSecond},
        {"retention_s", options.retention_ns / kNanosPerSecond},
        {"max_disk_bytes", options.max_disk_bytes},
        {"zstd_level", options.zstd_level},
        {"collect_pss", options.collect_pss},
        {"pss_budget_ms", options.pss_budget_ns / kNanosPerMilli},
        {"process_rows", options.process_rows},
        {"cgroup_patterns", options.cgroup_patterns},
        {"local_metadata_dir", options.local_metadata_dir},
    };
    std::vector<std::string> sources;
    for (const auto& source : event_sources) sources.emplace_back(source->name());
    j["config"]["event_sources"] = sources;
    std::string text = j.dump(2) + "\n";
    FGM_RETURN_IF_ERROR(MakeDirs(store::SessionsDir(options.output_dir)));
    FGM_RETURN_IF_ERROR(
        WriteFileAtomically(store::SessionsDir(options.output_dir) + "/" + run_id + ".json", text));
    return WriteFileAtomically(options.output_dir + "/session.json", text);
  }
};

Monitor::Monitor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Monitor::~Monitor() = default;
const std::string& Monitor::run_id() const { return impl_->run_id; }

// The cgroup readers keep each container's files open between ticks (4x cheaper than reopening,
// see cgroup_reader.h) up to half the soft fd limit, so raise the soft limit to the hard one: 1,000
// containers need ~26,000 fds, and the default soft limit is often 1,024.
void RaiseFdLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// glibc raises its mmap threshold to the size of every large block freed (up to 32 MiB); after
// the first segment, the writer's column slices and the journal's buffers then come from the heap,
// whose top stays at their high-water mark. A fixed 256 KiB threshold keeps such blocks in their
// own mappings, given back to the kernel when freed: 1-2 MiB less VmRSS at 1,000 containers
// (docs/benchmarks.md), for a few mmap calls a second.
void KeepLargeBlocksOutOfTheHeap() { ::mallopt(M_MMAP_THRESHOLD, 256 << 10); }

Result<std::unique_ptr<Monitor>> Monitor::Create(MonitorOptions options) {
  RaiseFdLimit();
  KeepLargeBlocksOutOfTheHeap();
  auto impl = std::make_unique<Impl>();
  if (options.interval_ns <= 0) return InvalidArgumentError("--interval-ms must be positive");
  options.node_name =
      options.node_name.empty() ? EnvOr("NODE_NAME", HostName()) : options.node_name;
  options.pod_name = options.pod_name.empty() ? EnvOr("POD_NAME", "") : options.pod_name;
  options.cluster_name =
      options.cluster_name.empty() ? EnvOr("CLUSTER_NAME", "") : options.cluster_name;
  impl->identifier = !options.pod_name.empty() ? options.pod_name : options.node_name;
  impl->host = {options.node_name, options.cluster_name};
  impl->run_id = NewRunId();

  auto layout = collector::DetectCgroupLayout(options.host_root);
  if (!layout.ok()) {
    return layout.error().WithContext(
        "cannot find cgroups under '" + options.host_root +
        "/sys/fs/cgroup' (running in a container? mount the host's /sys/fs/cgroup and /proc and "
        "pass --host-root)");
  }
  impl->layout = *layout;

  std::vector<std::unique_ptr<k8s::MetadataProvider>> providers;
  for (const std::shared_ptr<k8s::MetadataProvider>& extra : options.metadata_providers) {
    providers.push_back(std::make_unique<SharedMetadataProvider>(extra));
  }
  if (!options.local_metadata_dir.empty()) {
    providers.push_back(
        std::make_unique<k8s::LocalMetadataProvider>(options.local_metadata_dir, RealClock()));
  }
  providers.push_back(
      std::make_unique<k8s::ContainerdMetadataProvider>(options.host_root, RealClock()));
  providers.push_back(std::make_unique<k8s::CrioMetadataProvider>(options.host_root, RealClock()));
  providers.push_back(
      std::make_unique<k8s::DockerMetadataProvider>(options.host_root, RealClock()));
  impl->metadata = std::make_unique<k8s::ChainMetadataProvider>(std::move(providers));

  collector::SamplerOptions so;
  so.layout = impl->layout;
  so.host_root = options.host_root;
  so.metadata = impl->metadata.get();
  so.collect_pss = options.collect_pss;
  so.pss_budget_ns = options.pss_budget_ns;
  so.process_rows = options.process_rows;
  for (const std::string& p : options.cgroup_patterns) {
    // NAME=PATH, e.g. fgm-local=fgm.slice/fgm-run-{run}.slice/{container}.scope
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("--cgroup-pattern '" + p +
                                  "': expected NAME=PATH, e.g. "
                                  "local=fgm.slice/fgm-run-{run}.slice/{container}.scope");
    }
    so.discovery.patterns.push_back({.name = p.substr(0, eq), .path = p.substr(eq + 1)});
  }
  FGM_ASSIGN_OR_RETURN(impl->sampler, collector::Sampler::Create(so, RealClock()));

  impl->options = options;
  if (!options.output_dir.empty()) {
    store::DatasetOptions d;
    d.root = options.output_dir;
    d.identifier = impl->identifier;
    d.run_id = impl->run_id;
    d.flush_interval_ns = options.flush_interval_ns;
    d.segment_interval_ns = options.segment_interval_ns;
    d.retention_ns = options.retention_ns;
    d.max_disk_bytes = options.max_disk_bytes;
    d.zstd_level = options.zstd_level;
    auto writer = store::DatasetWriter::Open(d);
    if (!writer.ok()) return writer.error().WithContext("cannot open " + options.output_dir);
    impl->writer = std::move(*writer);
    impl->event_sources = options.event_sources;
    if (!options.local_metadata_dir.empty()) {
      impl->local_events =
          std::make_shared<k8s::LocalEventSource>(k8s::LocalEventsDir(options.local_metadata_dir));
      impl->event_sources.push_back(impl->local_events);
    }
    FGM_RETURN_IF_ERROR(impl->WriteSession(RealClock().WallNs()));
  }
  return std::unique_ptr<Monitor>(new Monitor(std::move(impl)));
}

Status Monitor::Run(const std::atomic<bool>* stop) {
  Impl& m = *impl_;
  collector::TickSchedulerOptions so;
  so.interval_ns = m.options.interval_ns;
  so.external_stop = stop;
  collector::TickScheduler scheduler(so, RealClock());
  const TimestampNs end_ns =
      m.options.duration_ns > 0 ? RealClock().WallNs() + m.options.duration_ns : INT64_MAX;
  collector::TickResult tick;
  Status first_error;
  if (m.writer) {
    FGM_LOG(kInfo, "fgm monitor: run %s writing %s (identifier %s, %s cgroups, every %lld ms)",
            m.run_id.c_str(), m.options.output_dir.c_str(), m.identifier.c_str(),
            std::string(collector::CgroupModeName(m.layout.mode)).c_str(),
            static_cast<long long>(m.options.interval_ns / kNanosPerMilli));
  }
  scheduler.Run([&](const collector::ScheduledTick& t) {
    m.sampler->set_skipped_ticks(t.skipped_total);
    Status s = m.sampler->SampleTick(t.tick_ns, &tick);
    if (!s.ok()) {
      FGM_LOG_ONCE(kWarning, "tick:" + s.ToString(), "tick failed: %s", s.ToString().c_str());
      if (first_error.ok()) first_error = s;
    } else {
      if (m.writer) {
        MapTick(tick, m.host, [&](const store::Row& row) { m.writer->Append(row); });
        m.WriteExternalEvents(tick);
        m.writer->Poll();
      }
      if (m.options.print) {
        std::string table = collector::RenderTopTable(tick, 120);
        std::fputs("\x1b[H\x1b[2J", stdout);  // home + clear: a refreshing table like top(1)
        std::fwrite(table.data(), 1, table.size(), stdout);
        std::fflush(stdout);
      }
    }
    if (RealClock().WallNs() >= end_ns) scheduler.Stop();
  });
  if (m.writer) {
    Status closed = m.writer->Close(2 * kNanosPerSecond);
    store::DatasetStats st = m.writer->stats();
    FGM_LOG(kInfo,
            "fgm monitor: stopped; %llu rows written in %llu segments, %llu write errors, %llu "
            "skipped ticks",
            static_cast<unsigned long long>(st.rows_written),
            static_cast<unsigned long long>(st.segments_written),
            static_cast<unsigned long long>(st.write_errors),
            static_cast<unsigned long long>(scheduler.skipped_ticks()));
    if (!closed.ok()) return closed;
  }
  return OkStatus();
}

}  // namespace fgm::monitor

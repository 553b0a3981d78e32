// SPDX-License-Identifier: Apache-2.0
// ApiServerPodWatcher: lists and watches this node's pods on the Kubernetes API server (HTTPS,
// bearer token, CA-verified) on its own thread, and serves what it learned to the sampling thread
// as a MetadataProvider (pod labels, container names, requests/limits) and an ExternalEventSource
// (restart, exit and oom_kill events from restartCount and lastState.terminated).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "k8s/apiserver/pod_model.h"
#include "k8s/external_events.h"
#include "k8s/metadata.h"

namespace fgm::k8s::apiserver {

struct LibCurl;  // libcurl.h; not included so that users of the watcher need no curl headers

/// Where the API server is and how to authenticate. Usage:
///
///   FGM_ASSIGN_OR_RETURN(ApiServerConfig config, InClusterConfig(node_name));
///   auto watcher = std::make_shared<ApiServerPodWatcher>(config);
///   FGM_RETURN_IF_ERROR(watcher->Start());
///   chain.push_back(MakeMetadataProvider(watcher));  // sampling thread: Lookup() per container
///   sources.push_back(MakeEventSource(watcher));     // sampling thread: Poll() per tick
struct ApiServerConfig {
  /// "https://10.96.0.1:443" (no trailing slash needed).
  std::string server_url;
  /// Bearer token file; read again before every request because bound service-account tokens are
  /// rotated by the kubelet (about hourly) in place.
  std::string token_file;
  /// PEM bundle the server certificate must chain to. Verification is never switched off.
  std::string ca_file;
  /// Only pods with spec.nodeName == node_name are listed and watched.
  std::string node_name;

  /// Why 1024: the kubelet's default max-pods is 110 and large nodes run 250-500; 1024 leaves room
  /// for pods that are terminating while their replacements start, and caps the cache at a few MB.
  size_t max_pods = 1024;
  /// Why 4 MiB: one watch line carries one Pod, and etcd refuses objects over 1.5 MiB (its default
  /// --max-request-bytes); anything longer is not a pod we could have stored.
  size_t max_watch_line_bytes = 4 << 20;
  /// Why 64 MiB: a list page holds at most `list_page_size` pods of typically 5-20 KiB each (a
  /// 500-pod page is ~10 MiB); the cap only stops a misbehaving server from exhausting memory.
  size_t max_list_bytes = 64 << 20;
  /// Why 500: the page size kubectl and client-go informers use; keeps one response small.
  int list_page_size = 500;
  /// Server-side watch timeout. Why 5 min: the API server's own default range (--min-request-
  /// timeout 1800 s, randomised) ends watches anyway; shorter ones refresh the token sooner.
  int watch_timeout_s = 300;
  /// Backoff after errors: doubles from initial to max, each wait randomised to 50-100 % (jitter)
  /// so a fleet of nodes does not reconnect in lock-step after an API-server restart.
  int64_t backoff_initial_ms = 500;
  int64_t backoff_max_ms = 30'000;
  /// Why 4096: restarts are rare (a crash-looping pod restarts at most every 5 minutes once the
  /// kubelet's back-off is at its cap); 4096 undelivered events means the monitor is not polling.
  size_t max_queued_events = 4096;
  /// Why 8192: terminations remembered to report each once; a few per container is plenty.
  size_t max_seen_terminations = 8192;
  /// Connection timeout. Why 10 s: an in-cluster API server answers a TCP connect in milliseconds;
  /// longer means it is down, and backing off beats hanging.
  int connect_timeout_s = 10;
};

/// Reads the in-cluster configuration the way client-go's rest.InClusterConfig does: host and port
/// from KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT, token and CA from
/// `sa_dir`/{token,ca.crt}. kNotFound when not running in a pod (variables unset), kIo when the
/// files are missing or unreadable.
Result<ApiServerConfig> InClusterConfig(
    std::string node_name, std::string sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

/// Counters and the last error, for logs, health and tests.
struct WatcherStats {
  int64_t lists = 0;               // successful full lists (all pages)
  int64_t watches = 0;             // watch requests that got a 200 response
  int64_t relists_after_gone = 0;  // 410 Gone (expired resourceVersion) → list again
  int64_t errors = 0;              // failed requests (connect, TLS, HTTP status, bad body)
  int64_t watch_events = 0;        // ADDED/MODIFIED/DELETED/BOOKMARK lines applied
  int64_t pods_dropped = 0;        // pods ignored because max_pods was reached
  int64_t events_dropped = 0;      // events dropped because the queue was full
  size_t pods = 0;                 // pods currently tracked
  std::string resource_version;    // where the next watch starts
  std::string last_error;  // e.g. "TLS: SSL certificate problem: unable to get local issuer"
  bool synced = false;     // the first full list has arrived
};

/// Owns a background thread that keeps a cache of this node's pods. Lookup/Poll/stats are
/// thread-safe and never block on the network (a mutex held for a map lookup). Lookup says
/// kPending until the first list arrives. Start() once; the destructor stops and joins the thread
/// (at once: a transfer in progress is woken up).
class ApiServerPodWatcher final : public MetadataProvider, public ExternalEventSource {
 public:
  explicit ApiServerPodWatcher(ApiServerConfig config);
  ~ApiServerPodWatcher() override;
  ApiServerPodWatcher(const ApiServerPodWatcher&) = delete;
  ApiServerPodWatcher& operator=(const ApiServerPodWatcher&) = delete;

  /// Loads libcurl (LoadLibCurl, on the first Start in the process) and starts the thread. The
  /// error, when libcurl.so.4 is missing or unusable, is LoadLibCurl's (kNotFound, kUnsupported);
  /// the watcher then stays idle (Lookup says kPending, Poll is empty). Call once.
  Status Start();
  /// Stops and joins the thread; idempotent.
  void Stop();

  /// Pod name/namespace/labels, container name/image, and requests/limits as labels
  /// "resources.requests.cpu", "resources.limits.memory" etc. (quantity strings as the API gives
  /// them). Matched by container id first, then (for a container the API server has not reported an
  /// id for yet) not found; kPending before the first list.
  MetadataResult Lookup(const ContainerIdentity& identity) override;
  /// Nothing to forget: the cache follows the API server, not discovery.
  void Forget(const ContainerIdentity&) override {}
  std::vector<ExternalEvent> Poll() override;
  std::string_view name() const override { return "apiserver"; }

  WatcherStats stats() const;
  /// Blocks until synced or `timeout_ms` passes; for tests and for startup logging only.
  bool WaitForSyncForTesting(int64_t timeout_ms) const;
  /// Blocks until `pred(stats())` is true or `timeout_ms` passes; for tests.
  template <typename Pred>
  bool WaitForTesting(int64_t timeout_ms, Pred pred) const {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [&] { return pred(StatsLocked()); });
  }

 private:
  struct Transfer;
  void Run();
  Status ListAll();
  Status Watch();
  Status Request(const std::string& url, size_t max_body, Transfer* transfer);
  /// Applies one watch line; a line that must end the watch sets *stop_status (and *gone for 410).
  void ApplyWatchLine(std::string_view line, Status* stop_status, bool* gone);
  void UpsertLocked(PodInfo pod, bool report_events);
  void RemoveLocked(const std::string& uid);
  void QueueLocked(std::vector<ExternalEvent> events);
  void RecordError(const Status& status);
  WatcherStats StatsLocked() const;
  std::shared_ptr<const ContainerMetadata> MetadataFor(const PodInfo& pod,
                                                       const ContainerInfo& c) const;
  bool SleepInterruptible(int64_t ms);
  std::string PodsUrl(bool watch, const std::string& continue_token) const;

  const ApiServerConfig config_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  const LibCurl* curl_ = nullptr;  // set by Start(); immutable afterwards
  void* current_multi_ = nullptr;  // the transfer in progress (a CURLM*), guarded by mu_
  bool gone_ = false;              // the last request met 410 Gone; worker thread only

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // stats changed (tests) or stop requested
  std::map<std::string, PodInfo> pods_;      // by uid
  /// container id → (pod uid, metadata). Rebuilt for a pod whenever it changes.
  std::map<std::string, std::pair<std::string, std::shared_ptr<const ContainerMetadata>>> by_id_;
  std::deque<ExternalEvent> events_;
  SeenTerminations seen_;
  WatcherStats stats_;
};

/// Adapters so the monitor can own the provider and the event source separately while both share
/// one watcher (and one connection).
std::unique_ptr<MetadataProvider> MakeMetadataProvider(std::shared_ptr<ApiServerPodWatcher> w);
std::unique_ptr<ExternalEventSource> MakeEventSource(std::shared_ptr<ApiServerPodWatcher> w);

}  // namespace fgm::k8s::apiserver

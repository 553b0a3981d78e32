// SPDX-License-Identifier: Apache-2.0
// The pod watcher's thread: list (paged) → watch from the list's resourceVersion → re-watch when
// the server ends the watch → list again on 410 Gone; errors back off with jitter. HTTP via libcurl
// (OpenSSL build, loaded at run time: libcurl.h), which verifies the server against the CA file and
// streams the watch body.
#include "k8s/apiserver/apiserver_client.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "core/file.h"
#include "core/log.h"
#include "core/strings.h"
#include "k8s/apiserver/libcurl.h"

namespace fgm::k8s::apiserver {
namespace {

// Why 64 KiB: a service-account token is a JWT of ~1 KiB; anything far larger is not a token.
constexpr size_t kMaxTokenBytes = 64 << 10;
// Why 64 KiB: a non-200 reply is a metav1.Status of a few hundred bytes; we keep it for the error.
constexpr size_t kMaxErrorBodyBytes = 64 << 10;
// Why 60 s: a 500-pod list page is served in well under a second; a minute means it is stuck.
constexpr long kListTimeoutS = 60;
// Why +30 s: the server ends a watch at timeoutSeconds; the client-side limit only catches a
// connection that died silently (no FIN), a little after the server should have closed it.
constexpr long kWatchTimeoutSlackS = 30;
// Why 1 s: a watch that ends sooner than this without a single line is a server closing on us
// immediately; re-watching at once would spin, so it backs off like an error.
constexpr int64_t kMinHealthyWatchMs = 1000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Escape(const LibCurl& lib, CURL* curl, const std::string& s) {
  char* e = lib.easy_escape(curl, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  lib.free(e);
  return out;
}

// The message of a metav1.Status body, or the start of the body when it is not one.
std::string StatusMessage(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    auto it = j.find("message");
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return std::string(TrimWhitespace(body).substr(0, 200));
}

}  // namespace

struct ApiServerPodWatcher::Transfer {
  ApiServerPodWatcher* self = nullptr;
  CURL* curl = nullptr;
  bool watch = false;  // split the body into lines and apply each as it arrives
  size_t max_body = 0;
  long http_code = 0;
  std::string body;   // list body, or a non-200 body
  std::string line;   // watch: the incomplete last line
  int64_t lines = 0;  // watch lines applied
  Status error;       // why the write callback aborted the transfer
  bool gone = false;  // 410: our resourceVersion (or continue token) expired

  static size_t OnData(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t len = size * n;
    if (t->self->stop_.load()) return 0;
    if (t->http_code == 0)
      t->self->curl_->easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->http_code);
    if (!t->watch || t->http_code != 200) {
      size_t cap = t->http_code == 200 ? t->max_body : kMaxErrorBodyBytes;
      if (t->body.size() + len > cap) {
        t->error = ResourceExhaustedError("response body over " + std::to_string(cap) + " bytes");
        return 0;
      }
      t->body.append(data, len);
      return len;
    }
    std::string_view chunk(data, len);
    while (!chunk.empty()) {
      size_t nl = chunk.find('\n');
      std::string_view part = chunk.substr(0, nl);
      if (t->line.size() + part.size() > t->self->config_.max_watch_line_bytes) {
        t->error = ResourceExhaustedError(
            "watch line over " + std::to_string(t->self->config_.max_watch_line_bytes) + " bytes");
        return 0;
      }
      t->line.append(part);
      if (nl == std::string_view::npos) break;
      chunk.remove_prefix(nl + 1);
      if (!TrimWhitespace(t->line).empty()) {
        ++t->lines;
        Status stop;
        t->self->ApplyWatchLine(t->line, &stop, &t->gone);
        if (!stop.ok()) {
          t->error = stop;
          t->line.clear();
          return 0;
        }
      }
      t->line.clear();
    }
    return len;
  }

  static int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Transfer*>(user)->self->stop_.load() ? 1 : 0;
  }
};

Result<ApiServerConfig> InClusterConfig(std::string node_name, std::string sa_dir) {
  const char* host = getenv("KUBERNETES_SERVICE_HOST");
  const char* port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port) {
    return NotFoundError(
        "not in a Kubernetes pod: KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are unset "
        "(pass --kube-api, --kube-token-file and --kube-ca-file instead)");
  }
  ApiServerConfig c;
  std::string h = host;
  // An IPv6 service IP must be bracketed in a URL (client-go does the same with JoinHostPort).
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  c.server_url = "https://" + h + ":" + port;
  c.token_file = sa_dir + "/token";
  c.ca_file = sa_dir + "/ca.crt";
  c.node_name = std::move(node_name);
  for (const std::string* f : {&c.token_file, &c.ca_file}) {
    if (::access(f->c_str(), R_OK) != 0) {
      return IoError("in-cluster config: cannot read " + *f + ": " + std::strerror(errno));
    }
  }
  if (c.node_name.empty()) {
    return InvalidArgumentError("in-cluster config needs the node name (--node-name or NODE_NAME)");
  }
  return c;
}

namespace {
ApiServerConfig WithoutTrailingSlash(ApiServerConfig c) {
  while (!c.server_url.empty() && c.server_url.back() == '/') c.server_url.pop_back();
  return c;
}
}  // namespace

ApiServerPodWatcher::ApiServerPodWatcher(ApiServerConfig config)
    : config_(WithoutTrailingSlash(std::move(config))), seen_(config_.max_seen_terminations) {}

ApiServerPodWatcher::~ApiServerPodWatcher() { Stop(); }

Status ApiServerPodWatcher::Start() {
  FGM_ASSIGN_OR_RETURN(curl_, LoadLibCurl());
  thread_ = std::thread([this] { Run(); });
  return OkStatus();
}

void ApiServerPodWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
    if (current_multi_) curl_->multi_wakeup(static_cast<CURLM*>(current_multi_));
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ApiServerPodWatcher::SleepInterruptible(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return !changed_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stop_.load(); });
}

std::string ApiServerPodWatcher::PodsUrl(bool watch, const std::string& continue_token) const {
  CURL* curl = curl_->easy_init();
  std::string url = config_.server_url + "/api/v1/pods?fieldSelector=" +
                    Escape(*curl_, curl, "spec.nodeName=" + config_.node_name);
  if (watch) {
    std::string rv;
    {
      std::lock_guard<std::mutex> lock(mu_);
      rv = stats_.resource_version;
    }
    url += "&watch=1&allowWatchBookmarks=true&resourceVersion=" + Escape(*curl_, curl, rv) +
           "&timeoutSeconds=" + std::to_string(config_.watch_timeout_s);
  } else {
    url += "&limit=" + std::to_string(config_.list_page_size);
    if (!continue_token.empty()) url += "&continue=" + Escape(*curl_, curl, continue_token);
  }
  curl_->easy_cleanup(curl);
  return url;
}

Status ApiServerPodWatcher::Request(const std::string& url, size_t max_body, Transfer* t) {
  auto token = ReadFileToString(config_.token_file, kMaxTokenBytes);
  if (!token.ok()) return token.error().WithContext("service-account token");
  std::string auth = "Authorization: Bearer " + std::string(TrimWhitespace(*token));

  CURL* curl = curl_->easy_init();
  if (!curl) return InternalError("curl_easy_init failed");
  t->self = this;
  t->curl = curl;
  t->max_body = max_body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = curl_->slist_append(nullptr, auth.c_str());
  headers = curl_->slist_append(headers, "Accept: application/json");
  curl_->easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_->easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
  // No system CA directory: the cluster CA is the only anchor a service-account setup trusts.
  curl_->easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  curl_->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // we are not the main thread
  curl_->easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.connect_timeout_s));
  curl_->easy_setopt(curl, CURLOPT_TIMEOUT,
                     t->watch ? config_.watch_timeout_s + kWatchTimeoutSlackS : kListTimeoutS);
  curl_->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_->easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Transfer::OnData);
  curl_->easy_setopt(curl, CURLOPT_WRITEDATA, t);
  curl_->easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_->easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &Transfer::OnProgress);
  curl_->easy_setopt(curl, CURLOPT_XFERINFODATA, t);
  curl_->easy_setopt(curl, CURLOPT_USERAGENT, "fgm-monitor");
  // The multi interface only so that Stop() can interrupt a transfer at once (curl_multi_wakeup)
  // instead of waiting for the next progress callback.
  CURLM* multi = curl_->multi_init();
  curl_->multi_add_handle(multi, curl);
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_multi_ = multi;
  }
  CURLcode rc = CURLE_OK;
  int running = 1;
  while (running && !stop_.load()) {
    if (curl_->multi_perform(multi, &running) != CURLM_OK) break;
    // Why 1000 ms: only an upper bound on one wait; data, timeouts and wakeups end it sooner.
    if (running) curl_->multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  int queued = 0;
  while (CURLMsg* msg = curl_->multi_info_read(multi, &queued)) {
    if (msg->msg == CURLMSG_DONE) rc = msg->data.result;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_multi_ = nullptr;
  }
  curl_->multi_remove_handle(multi, curl);
  curl_->multi_cleanup(multi);
  curl_->slist_free_all(headers);
  curl_->easy_cleanup(curl);

  if (t->gone) gone_ = true;
  if (stop_.load()) return CancelledError("stopping");
  if (!t->error.ok()) return t->error;
  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] ? errbuf : curl_->easy_strerror(rc);
    bool tls = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
               rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM;
    return IoError(std::string(tls ? "TLS: " : "") + detail + " (" + config_.server_url + ")");
  }
  if (t->http_code == 410) {
    gone_ = true;
    return IoError("410 Gone: " + StatusMessage(t->body));
  }
  if (t->http_code != 200) {
    std::string hint = t->http_code == 401   ? " (token rejected)"
                       : t->http_code == 403 ? " (RBAC: needs pods get/list/watch)"
                                             : "";
    return IoError("HTTP " + std::to_string(t->http_code) + hint + ": " + StatusMessage(t->body));
  }
  return OkStatus();
}

Status ApiServerPodWatcher::ListAll() {
  std::vector<PodInfo> fresh;
  std::string continue_token, resource_version;
  do {
    Transfer t;
    FGM_RETURN_IF_ERROR(Request(PodsUrl(false, continue_token), config_.max_list_bytes, &t));
    FGM_ASSIGN_OR_RETURN(PodList page, ParsePodList(t.body));
    for (PodInfo& pod : page.pods) fresh.push_back(std::move(pod));
    continue_token = page.continue_token;
    resource_version = page.resource_version;
  } while (!continue_token.empty() && !stop_.load());

  std::lock_guard<std::mutex> lock(mu_);
  bool report = stats_.synced;  // the first list is the baseline: its history is not news
  std::map<std::string, bool> present;
  for (PodInfo& pod : fresh) {
    present[pod.uid] = true;
    UpsertLocked(std::move(pod), report);
  }
  std::vector<std::string> gone;
  for (const auto& [uid, pod] : pods_) {
    if (!present.count(uid)) gone.push_back(uid);
  }
  for (const std::string& uid : gone) RemoveLocked(uid);
  stats_.resource_version = resource_version;
  stats_.synced = true;
  ++stats_.lists;
  changed_.notify_all();
  return OkStatus();
}

void ApiServerPodWatcher::ApplyWatchLine(std::string_view line, Status* stop_status, bool* gone) {
  Result<WatchEvent> event = ParseWatchEvent(line);
  if (!event.ok()) {
    // One bad line does not poison the stream; the next list repairs anything it hid.
    FGM_LOG_ONCE(kWarning, "apiserver-bad-watch-line", "API server watch: skipping a line: %s",
                 event.error().ToString().c_str());
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  switch (event->type) {
    case WatchEventType::kError:
      if (event->error_code == 410) {
        *stop_status = IoError("410 Gone in watch: " + event->error_message);
        *gone = true;
      } else {
        *stop_status = IoError("watch ERROR " + std::to_string(event->error_code) + ": " +
                               event->error_message);
      }
      return;
    case WatchEventType::kBookmark:
      break;
    case WatchEventType::kAdded:
    case WatchEventType::kModified:
      UpsertLocked(event->pod, /*report_events=*/true);
      break;
    case WatchEventType::kDeleted: {
      auto it = pods_.find(event->pod.uid);
      QueueLocked(
          DiffPodEvents(it == pods_.end() ? nullptr : &it->second, event->pod, &seen_, NowMs()));
      RemoveLocked(event->pod.uid);
      break;
    }
  }
  if (!event->pod.resource_version.empty()) stats_.resource_version = event->pod.resource_version;
  ++stats_.watch_events;
  changed_.notify_all();
}

Status ApiServerPodWatcher::Watch() {
  Transfer t;
  t.watch = true;
  int64_t start = MonotonicMs();
  Status s = Request(PodsUrl(true, ""), config_.max_list_bytes, &t);
  if (t.http_code == 200) {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.watches;
    changed_.notify_all();
  }
  if (s.ok() && t.lines == 0 && MonotonicMs() - start < kMinHealthyWatchMs) {
    return IoError("the server ended the watch at once without events");
  }
  return s;
}

void ApiServerPodWatcher::RecordError(const Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.errors;
  stats_.last_error = status.ToString();
  FGM_LOG(kWarning, "API server: %s", stats_.last_error.c_str());
  changed_.notify_all();
}

void ApiServerPodWatcher::Run() {
  std::mt19937_64 rng(std::random_device{}());
  bool need_list = true;
  int64_t backoff_ms = config_.backoff_initial_ms;
  while (!stop_.load()) {
    gone_ = false;
    const bool was_list = need_list;
    Status s = need_list ? ListAll() : Watch();
    if (stop_.load()) break;
    if (s.ok()) {
      need_list = false;
      backoff_ms = config_.backoff_initial_ms;
      continue;
    }
    // 410 Gone on a watch: our resourceVersion expired; list afresh at once. On a list (an expired
    // continue token) it is retried like any error, with backoff, so it cannot spin.
    if (gone_) need_list = true;
    if (gone_ && !was_list) {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.relists_after_gone;
      changed_.notify_all();
      need_list = true;
      continue;
    }
    RecordError(s);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    if (!SleepInterruptible(static_cast<int64_t>(backoff_ms * jitter(rng)))) break;
    backoff_ms = std::min(backoff_ms * 2, config_.backoff_max_ms);
  }
}

std::shared_ptr<const ContainerMetadata> ApiServerPodWatcher::MetadataFor(
    const PodInfo& pod, const ContainerInfo& c) const {
  auto m = std::make_shared<ContainerMetadata>();
  m->pod_name = pod.name;
  m->namespace_name = pod.namespace_name;
  m->container_name = c.name;
  m->pod_uid = pod.uid;
  m->image = c.image;
  m->qos_class = ParseQosClass(pod.qos_class);
  m->labels = pod.labels;
  for (const auto& [k, v] : c.requests) m->labels["resources.requests." + k] = v;
  for (const auto& [k, v] : c.limits) m->labels["resources.limits." + k] = v;
  m->source = "apiserver";
  return m;
}

void ApiServerPodWatcher::UpsertLocked(PodInfo pod, bool report_events) {
  auto it = pods_.find(pod.uid);
  if (it == pods_.end() && pods_.size() >= config_.max_pods) {
    ++stats_.pods_dropped;
    FGM_LOG_ONCE(kWarning, "apiserver-max-pods",
                 "API server: more than %zu pods on this node; ignoring the rest",
                 config_.max_pods);
    return;
  }
  std::vector<ExternalEvent> events =
      DiffPodEvents(it == pods_.end() ? nullptr : &it->second, pod, &seen_, NowMs());
  if (report_events) QueueLocked(std::move(events));
  if (it != pods_.end()) RemoveLocked(pod.uid);
  for (const ContainerInfo& c : pod.containers) {
    if (!c.container_id.empty()) by_id_[c.container_id] = {pod.uid, MetadataFor(pod, c)};
  }
  std::string uid = pod.uid;
  pods_[uid] = std::move(pod);
  stats_.pods = pods_.size();
}

void ApiServerPodWatcher::RemoveLocked(const std::string& uid) {
  auto it = pods_.find(uid);
  if (it == pods_.end()) return;
  for (const ContainerInfo& c : it->second.containers) {
    auto id = by_id_.find(c.container_id);
    if (id != by_id_.end() && id->second.first == uid) by_id_.erase(id);
  }
  pods_.erase(it);
  stats_.pods = pods_.size();
}

void ApiServerPodWatcher::QueueLocked(std::vector<ExternalEvent> events) {
  for (ExternalEvent& e : events) {
    if (events_.size() >= config_.max_queued_events) {
      events_.pop_front();
      ++stats_.events_dropped;
    }
    events_.push_back(std::move(e));
  }
}

MetadataResult ApiServerPodWatcher::Lookup(const ContainerIdentity& identity) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(identity.container_id);
  if (it != by_id_.end()) return {MetadataState::kFound, it->second.second};
  return {stats_.synced ? MetadataState::kNotFound : MetadataState::kPending, nullptr};
}

std::vector<ExternalEvent> ApiServerPodWatcher::Poll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ExternalEvent> out(std::make_move_iterator(events_.begin()),
                                 std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

WatcherStats ApiServerPodWatcher::StatsLocked() const { return stats_; }

WatcherStats ApiServerPodWatcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool ApiServerPodWatcher::WaitForSyncForTesting(int64_t timeout_ms) const {
  return WaitForTesting(timeout_ms, [](const WatcherStats& s) { return s.synced; });
}

namespace {

class ProviderAdapter final : public MetadataProvider {
 public:
  explicit ProviderAdapter(std::shared_ptr<ApiServerPodWatcher> w) : w_(std::move(w)) {}
  MetadataResult Lookup(const ContainerIdentity& identity) override { return w_->Lookup(identity); }
  void Forget(const ContainerIdentity& identity) override { w_->Forget(identity); }
  std::string_view name() const override { return "apiserver"; }

 private:
  std::shared_ptr<ApiServerPodWatcher> w_;
};

class EventSourceAdapter final : public ExternalEventSource {
 public:
  explicit EventSourceAdapter(std::shared_ptr<ApiServerPodWatcher> w) : w_(std::move(w)) {}
  std::vector<ExternalEvent> Poll() override { return w_->Poll(); }
  std::string_view name() const override { return "apiserver"; }

 private:
  std::shared_ptr<ApiServerPodWatcher> w_;
};

}  // namespace

std::unique_ptr<MetadataProvider> MakeMetadataProvider(std::shared_ptr<ApiServerPodWatcher> w) {
  return std::make_unique<ProviderAdapter>(std::move(w));
}

std::unique_ptr<ExternalEventSource> MakeEventSource(std::shared_ptr<ApiServerPodWatcher> w) {
  return std::make_unique<EventSourceAdapter>(std::move(w));
}

}  // namespace fgm::k8s::apiserver

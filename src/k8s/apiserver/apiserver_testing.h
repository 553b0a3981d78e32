// SPDX-License-Identifier: Apache-2.0
// Test-only: realistic Pod JSON as the API server serves it (a Deployment's pod on containerd with
// a sidecar and an init container, trimmed of managedFields), builders for PodList and watch
// lines, and a FakeApiServer: a real HTTPS server on 127.0.0.1 (ephemeral port, certificates made
// with the openssl CLI in a temp dir) that answers the list and watch requests of the pod watcher.
#pragma once

#include <httplib.h>
#include <stdlib.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "k8s/k8s_testing.h"

namespace fgm::k8s::apiserver::testing {

inline const std::string kNode = "worker-1";
inline const std::string kAppId =
    "3f1c0e2a9b8d7c6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a21";
inline const std::string kSidecarId =
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
inline const std::string kOldAppId =
    "77e0c9d1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d";
inline const std::string kInitId =
    "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000";
inline const std::string kUid = "5d3b1f6e-8a2c-4d7e-9b1a-2c3d4e5f6a7b";

/// A Running pod (Burstable): app container "api" restarted @RESTARTS@ times, last instance
/// @OLDID@ ended with @REASON@/@EXIT@ at 2024-03-14T10:02:11Z; sidecar "envoy"; init "migrate".
inline const std::string kPodTemplate = R"json({
  "kind": "Pod", "apiVersion": "v1",
  "metadata": {
    "name": "api-7d4b9c8f6d-x2x9k", "generateName": "api-7d4b9c8f6d-", "namespace": "shop",
    "uid": "@UID@", "resourceVersion": "@RV@", "creationTimestamp": "2024-03-14T09:26:50Z",
    "labels": {"app": "api", "pod-template-hash": "7d4b9c8f6d", "tier": "backend"},
    "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-03-14T09:26:49Z"},
    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-7d4b9c8f6d",
                         "uid": "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e", "controller": true,
                         "blockOwnerDeletion": true}]
  },
  "spec": {
    "volumes": [{"name": "kube-api-access-abcde", "projected": {"sources": [], "defaultMode": 420}}],
    "initContainers": [{"name": "migrate", "image": "registry.example.com/shop/api:1.4.2",
                        "command": ["/app/migrate"], "resources": {}}],
    "containers": [
      {"name": "api", "image": "registry.example.com/shop/api:1.4.2",
       "ports": [{"containerPort": 8080, "protocol": "TCP"}],
       "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "250m", "memory": "128Mi"}},
       "terminationMessagePath": "/dev/termination-log", "imagePullPolicy": "IfNotPresent"},
      {"name": "envoy", "image": "envoyproxy/envoy:v1.29.1",
       "resources": {"limits": {"cpu": "500m", "memory": "128Mi"},
                     "requests": {"cpu": "100m", "memory": "64Mi"}}}
    ],
    "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
    "serviceAccountName": "default", "nodeName": "worker-1", "schedulerName": "default-scheduler",
    "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                     "effect": "NoExecute", "tolerationSeconds": 300}],
    "priority": 0, "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority"
  },
  "status": {
    "phase": "Running",
    "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": null,
                    "lastTransitionTime": "2024-03-14T10:02:14Z"}],
    "hostIP": "10.0.0.11", "podIP": "10.244.1.17", "podIPs": [{"ip": "10.244.1.17"}],
    "startTime": "2024-03-14T09:26:50Z",
    "initContainerStatuses": [{
      "name": "migrate",
      "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                               "startedAt": "2024-03-14T09:26:51Z",
                               "finishedAt": "2024-03-14T09:26:52Z",
                               "containerID": "containerd://@INITID@"}},
      "lastState": {}, "ready": true, "restartCount": 0,
      "image": "registry.example.com/shop/api:1.4.2",
      "imageID": "registry.example.com/shop/api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "containerID": "containerd://@INITID@"}],
    "containerStatuses": [
      {"name": "api",
       "state": {"running": {"startedAt": "2024-03-14T10:02:13Z"}},
       "lastState": {"terminated": {"exitCode": @EXIT@, "reason": "@REASON@",
                                    "startedAt": "2024-03-14T09:40:00Z",
                                    "finishedAt": "2024-03-14T10:02:11Z",
                                    "containerID": "containerd://@OLDID@"}},
       "ready": true, "restartCount": @RESTARTS@,
       "image": "registry.example.com/shop/api:1.4.2",
       "imageID": "registry.example.com/shop/api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
       "containerID": "containerd://@APPID@", "started": true},
      {"name": "envoy", "state": {"running": {"startedAt": "2024-03-14T09:26:53Z"}},
       "lastState": {}, "ready": true, "restartCount": 0, "image": "docker.io/envoyproxy/envoy:v1.29.1",
       "imageID": "docker.io/envoyproxy/envoy@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
       "containerID": "containerd://@SIDECARID@", "started": true}
    ],
    "qosClass": "Burstable"
  }
})json";

struct PodParams {
  std::string uid = kUid;
  std::string rv = "1001";
  int restarts = 1;
  std::string reason = "OOMKilled";
  int exit_code = 137;
  std::string app_id = kAppId;
  std::string old_app_id = kOldAppId;
};

/// The pod above as one line of JSON (watch lines must not contain newlines).
inline std::string Pod(const PodParams& p = {}) {
  using fgm::k8s::testing::ReplaceAll;
  std::string s = ReplaceAll(kPodTemplate, "@UID@", p.uid);
  s = ReplaceAll(s, "@RV@", p.rv);
  s = ReplaceAll(s, "@RESTARTS@", std::to_string(p.restarts));
  s = ReplaceAll(s, "@REASON@", p.reason);
  s = ReplaceAll(s, "@EXIT@", std::to_string(p.exit_code));
  s = ReplaceAll(s, "@APPID@", p.app_id);
  s = ReplaceAll(s, "@OLDID@", p.old_app_id);
  s = ReplaceAll(s, "@SIDECARID@", kSidecarId);
  s = ReplaceAll(s, "@INITID@", kInitId);
  std::string flat;
  for (char c : s) flat += c == '\n' ? ' ' : c;
  return flat;
}

inline std::string PodList(const std::vector<std::string>& pods, const std::string& rv,
                           const std::string& continue_token = "") {
  std::string items;
  for (const std::string& p : pods) items += (items.empty() ? "" : ",") + p;
  std::string cont = continue_token.empty() ? "" : R"(, "continue": ")" + continue_token + "\"";
  return R"({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": ")" + rv +
         "\"" + cont + "}, \"items\": [" + items + "]}";
}

inline std::string WatchLine(const std::string& type, const std::string& object) {
  return R"({"type": ")" + type + R"(", "object": )" + object + "}";
}
inline std::string Bookmark(const std::string& rv) {
  return WatchLine("BOOKMARK",
                   R"({"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": ")" + rv +
                       R"(", "annotations": {"k8s.io/initial-events-end": "true"}}})");
}
inline std::string GoneLine() {
  return WatchLine(
      "ERROR",
      R"j({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "too old resource version: 1001 (2042)", "reason": "Expired", "code": 410})j");
}
inline std::string GoneBody() {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"The provided continue parameter is too old to display a consistent list result.","reason":"Expired","code":410})";
}

/// Files written by MakeCerts.
struct Certs {
  std::string ca_crt, server_crt, server_key, other_ca_crt, token;
};

/// A CA, a server certificate for 127.0.0.1 signed by it, an unrelated CA, and a token file.
inline bool MakeCerts(const std::string& dir, Certs* out) {
  out->ca_crt = dir + "/ca.crt";
  out->server_crt = dir + "/server.crt";
  out->server_key = dir + "/server.key";
  out->other_ca_crt = dir + "/other-ca.crt";
  out->token = dir + "/token";
  std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  std::string script =
      "set -e; cd '" + dir +
      "'; exec 2>openssl.log;"
      "openssl req -x509" +
      ec +
      "-keyout ca.key -out ca.crt -days 2 -subj /CN=fgm-test-ca;"
      "openssl req -x509" +
      ec +
      "-keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=other-ca;"
      "openssl req" +
      ec +
      "-keyout server.key -out server.csr -subj /CN=kube-apiserver;"
      "printf 'subjectAltName=IP:127.0.0.1,DNS:kubernetes.default.svc\\n' > san.ext;"
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile san.ext -out server.crt;"
      "printf 'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.fgm-test-token\\n' > token";
  return std::system(
             ("sh -c \"" + fgm::k8s::testing::ReplaceAll(script, "\"", "\\\"") + "\"").c_str()) ==
         0;
}

/// One request the server saw.
struct SeenRequest {
  std::string path;
  std::map<std::string, std::string> params;
  std::string authorization;
};

/// HTTPS server speaking the pods list/watch API. List requests take replies from a queue (the
/// last one is repeated); watch requests stream lines from a shared queue, waiting while it is
/// empty, and end the response at an EndWatch() marker. Thread-safe.
class FakeApiServer {
 public:
  FakeApiServer(const Certs& certs) : server_(certs.server_crt.c_str(), certs.server_key.c_str()) {
    server_.Get("/api/v1/pods",
                [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeApiServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  void AddListReply(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    list_replies_.push_back({status, std::move(body)});
  }
  void PushWatchLine(std::string line) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      watch_lines_.push_back(std::move(line));
    }
    cv_.notify_all();
  }
  void EndWatch() { PushWatchLine(kEnd); }
  /// The next watch request gets this HTTP status and body instead of a stream.
  void FailNextWatch(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    watch_failures_.push_back({status, std::move(body)});
  }

  std::vector<SeenRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  /// Waits until at least `n` requests arrived (or timeout).
  bool WaitForRequests(size_t n, int timeout_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return requests_.size() >= n; });
  }

 private:
  static inline const std::string kEnd = "\x01END";

  void Handle(const httplib::Request& req, httplib::Response& res) {
    SeenRequest seen{req.path, {}, req.get_header_value("Authorization")};
    for (const auto& [k, v] : req.params) seen.params[k] = v;
    bool watch = seen.params.count("watch") && seen.params["watch"] == "1";
    std::unique_lock<std::mutex> lock(mu_);
    requests_.push_back(seen);
    cv_.notify_all();
    if (!watch) {
      if (list_replies_.empty()) {
        res.status = 500;
        return;
      }
      auto reply = list_replies_.front();
      if (list_replies_.size() > 1) list_replies_.pop_front();
      res.status = reply.first;
      res.set_content(reply.second, "application/json");
      return;
    }
    if (!watch_failures_.empty()) {
      auto reply = watch_failures_.front();
      watch_failures_.pop_front();
      res.status = reply.first;
      res.set_content(reply.second, "application/json");
      return;
    }
    lock.unlock();
    res.set_chunked_content_provider("application/json", [this](size_t, httplib::DataSink& sink) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return closing_ || !watch_lines_.empty(); });
      if (closing_) return false;
      std::string line = std::move(watch_lines_.front());
      watch_lines_.pop_front();
      lock.unlock();
      if (line == kEnd) {
        sink.done();
        return true;
      }
      line += "\n";
      return sink.write(line.data(), line.size());
    });
  }

  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool closing_ = false;
  std::deque<std::pair<int, std::string>> list_replies_;
  std::deque<std::pair<int, std::string>> watch_failures_;
  std::deque<std::string> watch_lines_;
  std::vector<SeenRequest> requests_;
};

}  // namespace fgm::k8s::apiserver::testing

// SPDX-License-Identifier: Apache-2.0
// `fgm cluster` against a fake kubectl: a bash script put first on PATH that records its argv and
// replays canned output shaped like real kubectl's (get -o json, apply, port-forward's
// "Forwarding from" line), and for `exec ... -- tar` runs the real tar on a local tree standing in
// for the pod's /data. This tests our command lines and our parsing, not Kubernetes.
#include "cluster/cluster.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cluster/in_cluster.h"
#include "core/file.h"
#include "core/strings.h"

namespace fgm::cluster {
namespace {

namespace fs = std::filesystem;

constexpr char kFakeKubectl[] = R"sh(#!/bin/bash
# Fake kubectl for tests: record argv (fields separated by \x1f), replay canned output.
d="$FAKE_KUBECTL_DIR"
{ for a in "$@"; do printf '%s\x1f' "$a"; done; printf '\n'; } >> "$d/calls.log"
args=("$@")
# Skip global flags to find the verb.
i=0
while [ $i -lt ${#args[@]} ]; do
  case "${args[$i]}" in --context|-n) i=$((i+2));; *) break;; esac
done
verb="${args[$i]}"
if [ -f "$d/fail-$verb" ]; then cat "$d/fail-$verb" >&2; exit 1; fi
case "$verb" in
  kustomize) cat "$d/rendered.yaml";;
  apply) cat > "$d/applied.yaml"; cat "$d/apply.out";;
  get) case "${args[$((i+1))]}" in pods) cat "$d/pods.json";; daemonset) cat "$d/ds.json";; esac;;
  exec)
    pod="${args[$((i+1))]}"
    j=$i; while [ "${args[$j]}" != "--" ]; do j=$((j+1)); done
    cmd=()
    for a in "${args[@]:$((j+1))}"; do
      [ "$a" = /data ] && a="$d/nodes/$pod"
      cmd+=("$a")
    done
    exec "${cmd[@]}";;
  port-forward)
    echo "Forwarding from 127.0.0.1:${args[-1]%%:*} -> 8050"
    trap 'kill $! 2>/dev/null; exit 0' TERM
    sleep 600 & wait;;
  *) echo "error: unknown command \"$verb\" for \"kubectl\"" >&2; exit 1;;
esac
)sh";

// Trimmed `kubectl get pods -n fgm -l app.kubernetes.io/name=fgm -o json`: one healthy pod, one
// whose monitor is crash-looping.
constexpr char kPodsJson[] = R"json({
  "apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
  "items": [
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"name": "fgm-x7k2p", "namespace": "fgm", "uid": "1b0e5c1c-1111-4a4a-9b9b-0c0c0c0c0c01",
                  "labels": {"app.kubernetes.io/name": "fgm", "controller-revision-hash": "6d9f7c8b5",
                             "pod-template-generation": "1"}},
     "spec": {"nodeName": "worker-2", "containers": [{"name": "monitor", "image": "fgm:latest"},
                                                    {"name": "viewer", "image": "fgm:latest"}]},
     "status": {"phase": "Running", "hostIP": "10.0.0.12", "podIP": "10.244.2.3",
                "containerStatuses": [
                  {"name": "monitor", "ready": false, "restartCount": 4,
                   "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s"}},
                   "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}},
                  {"name": "viewer", "ready": true, "restartCount": 0,
                   "state": {"running": {"startedAt": "2024-03-14T09:00:00Z"}}}]}},
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"name": "fgm-4hq9z", "namespace": "fgm", "uid": "1b0e5c1c-2222-4a4a-9b9b-0c0c0c0c0c02",
                  "labels": {"app.kubernetes.io/name": "fgm"}},
     "spec": {"nodeName": "worker-1", "containers": [{"name": "monitor", "image": "fgm:latest"},
                                                    {"name": "viewer", "image": "fgm:latest"}]},
     "status": {"phase": "Running",
                "containerStatuses": [
                  {"name": "monitor", "ready": true, "restartCount": 0,
                   "state": {"running": {"startedAt": "2024-03-14T09:00:00Z"}}},
                  {"name": "viewer", "ready": true, "restartCount": 1,
                   "state": {"running": {"startedAt": "2024-03-14T09:00:05Z"}}}]}},
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"name": "fgm-pend1", "namespace": "fgm", "labels": {"app.kubernetes.io/name": "fgm"}},
     "spec": {"nodeName": "worker-3", "containers": [{"name": "monitor"}, {"name": "viewer"}]},
     "status": {"phase": "Pending",
                "containerStatuses": [
                  {"name": "monitor", "ready": false, "restartCount": 0,
                   "state": {"waiting": {"reason": "ImagePullBackOff"}}},
                  {"name": "viewer", "ready": false, "restartCount": 0,
                   "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}}
  ]
})json";

constexpr char kDaemonSetJson[] = R"json({
  "apiVersion": "apps/v1", "kind": "DaemonSet",
  "metadata": {"name": "fgm", "namespace": "fgm", "generation": 2},
  "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "fgm"}},
           "template": {"spec": {"containers": [
             {"name": "monitor", "image": "registry.example.com/fgm:0.1.0"},
             {"name": "viewer", "image": "registry.example.com/fgm:0.1.0"}]}}},
  "status": {"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberAvailable": 1,
             "numberMisscheduled": 0, "numberReady": 1, "numberUnavailable": 2,
             "observedGeneration": 2, "updatedNumberScheduled": 3}
})json";

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/fgm-cluster-test-XXXXXX";
    dir_ = ::mkdtemp(templ);
    bin_ = dir_ + "/bin";
    ASSERT_TRUE(MakeDirs(bin_).ok());
    Write("bin/kubectl", kFakeKubectl);
    ::chmod((bin_ + "/kubectl").c_str(), 0755);
    Write("pods.json", kPodsJson);
    Write("ds.json", kDaemonSetJson);
    Write("apply.out",
          "namespace/fgm created\nserviceaccount/fgm created\n"
          "clusterrole.rbac.authorization.k8s.io/fgm-pod-reader created\n"
          "clusterrolebinding.rbac.authorization.k8s.io/fgm-pod-reader created\n"
          "daemonset.apps/fgm created\n");
    old_path_ = getenv("PATH") ? getenv("PATH") : "";
    setenv("PATH", (bin_ + ":" + old_path_).c_str(), 1);
    setenv("FAKE_KUBECTL_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    unsetenv("FAKE_KUBECTL_DIR");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Write(const std::string& rel, const std::string& data) {
    std::string path = dir_ + "/" + rel;
    ASSERT_TRUE(MakeDirs(DirName(path)).ok());
    ASSERT_TRUE(WriteFileAtomically(path, data).ok());
  }

  /// Every kubectl invocation so far, as argv vectors (without argv[0]).
  std::vector<std::vector<std::string>> Calls() {
    std::vector<std::vector<std::string>> out;
    auto log = ReadFileToString(dir_ + "/calls.log");
    if (!log.ok()) return out;
    ForEachLine(*log, [&](std::string_view line) {
      std::vector<std::string> argv;
      for (std::string_view f : Split(line, '\x1f')) {
        if (!f.empty()) argv.emplace_back(f);
      }
      out.push_back(argv);
    });
    return out;
  }

  std::string dir_, bin_, old_path_;
};

using Argv = std::vector<std::string>;

TEST_F(ClusterTest, DeployRendersReplacesImageAndApplies) {
  // What `kubectl kustomize deploy/` renders: the repository's own manifests, with the tag the
  // kustomization sets.
  std::string rendered;
  for (const char* f : {"namespace.yaml", "rbac.yaml", "daemonset.yaml"}) {
    auto text = ReadFileToString(std::string(FGM_SOURCE_DIR) + "/deploy/" + f);
    ASSERT_TRUE(text.ok()) << f;
    rendered += *text + "---\n";
  }
  int n = 0;
  Write("rendered.yaml", ReplaceImage(rendered, "fgm:latest", &n));
  ASSERT_EQ(n, 2);  // monitor and viewer

  Kubectl kubectl("kubectl", "kind-fgm");
  auto out =
      Deploy(kubectl, {.manifests_dir = "/src/deploy", .image = "registry.example.com/fgm:0.1.0"});
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_NE(out->find("daemonset.apps/fgm created"), std::string::npos);
  EXPECT_EQ(Calls(), (std::vector<Argv>{{"--context", "kind-fgm", "kustomize", "/src/deploy"},
                                        {"--context", "kind-fgm", "apply", "-f", "-"}}));
  auto applied = ReadFileToString(dir_ + "/applied.yaml");
  ASSERT_TRUE(applied.ok());
  size_t count = 0;
  for (size_t pos = applied->find("image: registry.example.com/fgm:0.1.0\n");
       pos != std::string::npos;
       pos = applied->find("image: registry.example.com/fgm:0.1.0\n", pos + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(applied->find("image: fgm"), std::string::npos);
  EXPECT_NE(applied->find("kind: DaemonSet"), std::string::npos);
}

TEST_F(ClusterTest, DeployDryRunAppliesNothingAndFailuresCarryKubectlsMessage) {
  Write("rendered.yaml", "kind: DaemonSet\nspec:\n  containers:\n    - image: fgm:latest\n");
  auto out = Deploy(Kubectl(), {.manifests_dir = "deploy", .image = "fgm:dev", .dry_run = true});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "kind: DaemonSet\nspec:\n  containers:\n    - image: fgm:dev\n");
  EXPECT_EQ(Calls().size(), 1u);

  Write("rendered.yaml", "kind: ConfigMap\n");
  EXPECT_EQ(Deploy(Kubectl(), {.manifests_dir = "deploy", .image = "x"}).error().code(),
            StatusCode::kInvalidFormat);

  Write("rendered.yaml", "kind: Namespace\n");
  Write("fail-apply",
        "error: error validating \"STDIN\": error validating data: failed to download openapi: Get "
        "\"https://127.0.0.1:6443/openapi/v2?timeout=32s\": dial tcp 127.0.0.1:6443: connect: "
        "connection refused\n");
  auto failed = Deploy(Kubectl(), {.manifests_dir = "deploy"});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message().find("kubectl apply -f -` failed (exit 1)"), std::string::npos)
      << failed.error().message();
  EXPECT_NE(failed.error().message().find("connection refused"), std::string::npos);
}

TEST(ReplaceImageTest, OnlyOurImage) {
  int n = 0;
  std::string out = ReplaceImage(
      "  - image: fgm\n    image: \"fgm:latest\"\n  image: fgm@sha256:abc\n"
      "  image: fgm-other:1\n  image: nginx\n  # image: fgm\n",
      "r/fgm:1", &n);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(out,
            "  - image: r/fgm:1\n    image: r/fgm:1\n  image: r/fgm:1\n"
            "  image: fgm-other:1\n  image: nginx\n  # image: fgm\n");
}

TEST_F(ClusterTest, StatusTable) {
  auto out = ClusterStatus(Kubectl());
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out,
            "DaemonSet fgm/fgm: 3 desired, 1 ready, 3 up to date, 1 available\n"
            "  image monitor=registry.example.com/fgm:0.1.0\n"
            "  image viewer=registry.example.com/fgm:0.1.0\n"
            "NODE      POD        STATUS              READY  RESTARTS\n"
            "worker-1  fgm-4hq9z  Running             2/2    1\n"
            "worker-2  fgm-x7k2p  CrashLoopBackOff    1/2    4\n"
            "worker-3  fgm-pend1  ImagePullBackOff    0/2    0\n");
  EXPECT_EQ(Calls(), (std::vector<Argv>{{"get", "daemonset", "fgm", "-n", "fgm", "-o", "json"},
                                        {"get", "pods", "-n", "fgm", "-l",
                                         "app.kubernetes.io/name=fgm", "-o", "json"}}));
}

TEST(ParseTest, RejectsWhatIsNotKubectlJson) {
  EXPECT_FALSE(ParsePods("No resources found in fgm namespace.").ok());
  EXPECT_FALSE(ParseDaemonSet(R"({"kind": "Pod"})").ok());
  auto empty = ParsePods(R"({"kind": "List", "items": []})");
  ASSERT_TRUE(empty.ok());
  EXPECT_NE(FormatStatus({}, *empty).find("no FGM pods"), std::string::npos);
}

TEST(PickPodTest, NodeOrFirstReadyViewer) {
  auto pods = *ParsePods(kPodsJson);  // sorted: worker-1, worker-2, worker-3
  EXPECT_EQ(PickPod(pods, "worker-2")->name, "fgm-x7k2p");
  EXPECT_EQ(PickPod(pods, "worker-9"), nullptr);
  EXPECT_EQ(PickPod(pods, "")->name, "fgm-4hq9z");
}

TEST_F(ClusterTest, ViewerStartThenStop) {
  std::string state = dir_ + "/state";
  Kubectl kubectl("kubectl", "kind-fgm");
  auto session =
      StartViewer(kubectl, {.node = "worker-2", .local_port = 18050, .state_dir = state});
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  EXPECT_EQ(session->pod, "fgm-x7k2p");
  EXPECT_EQ(session->node, "worker-2");
  EXPECT_EQ(session->url, "http://127.0.0.1:18050/");
  EXPECT_GT(session->pid, 0);
  auto calls = Calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1], (Argv{"--context", "kind-fgm", "-n", "fgm", "port-forward", "--address",
                            "127.0.0.1", "pod/fgm-x7k2p", "18050:8050"}));
  EXPECT_EQ(::kill(session->pid, 0), 0);  // running in the background

  // A second start while the first runs is refused.
  auto again = StartViewer(kubectl, {.state_dir = state});
  EXPECT_EQ(again.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.error().message().find("http://127.0.0.1:18050/"), std::string::npos);

  auto stopped = StopViewer(state);
  ASSERT_TRUE(stopped.ok()) << stopped.error().ToString();
  EXPECT_EQ(stopped->pid, session->pid);
  // Reap it (it is our child here; in real use it belongs to an fgm process long gone).
  int status = 0;
  EXPECT_EQ(::waitpid(session->pid, &status, 0), session->pid);
  EXPECT_FALSE(fs::exists(state + "/viewer.json"));
  EXPECT_EQ(StopViewer(state).error().code(), StatusCode::kNotFound);
}

TEST_F(ClusterTest, ViewerOnUnknownNodeOrFailingPortForward) {
  std::string state = dir_ + "/state";
  EXPECT_EQ(StartViewer(Kubectl(), {.node = "worker-9", .state_dir = state}).error().code(),
            StatusCode::kNotFound);
  Write("fail-port-forward",
        "error: unable to listen on any of the requested ports: [{8050 8050}]\n");
  auto r = StartViewer(Kubectl(), {.state_dir = state});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("unable to listen"), std::string::npos) << r.error().message();
  EXPECT_FALSE(fs::exists(state + "/viewer.json"));
}

TEST_F(ClusterTest, CollectMergesEveryNodesTree) {
  // Each node's /data as the monitor leaves it: segments under dt=/identifier=, a journal in
  // progress and the current session.json.
  for (const char* pod : {"fgm-4hq9z", "fgm-x7k2p"}) {
    std::string root = std::string("nodes/") + pod;
    Write(root + "/dt=2024-03-14/identifier=" + pod + "/seg-20240314T0900Z-1a2b3c4d-000000.parquet",
          std::string("PAR1 rows of ") + pod);
    Write(root + "/dt=2024-03-14/identifier=" + pod +
              "/events-seg-20240314T0900Z-1a2b3c4d-000000.parquet",
          "PAR1 events");
    Write(root + "/.fgm/journal/1a2b3c4d-000001.wal", "journal");
    Write(root + "/.fgm/sessions/run-" + pod + ".json", "{}");
    Write(root + "/session.json", std::string("{\"pod\": \"") + pod + "\"}");
  }
  std::string out_dir = dir_ + "/collected";
  Kubectl kubectl("kubectl", "prod");
  auto nodes = Collect(kubectl, {.output_dir = out_dir});
  ASSERT_TRUE(nodes.ok()) << nodes.error().ToString();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].node, "worker-1");
  EXPECT_EQ((*nodes)[0].error, "");
  EXPECT_GT((*nodes)[0].tar_bytes, 0u);
  EXPECT_EQ((*nodes)[1].error, "");
  EXPECT_EQ((*nodes)[2].error, "pod is Pending, skipped");

  for (const char* pod : {"fgm-4hq9z", "fgm-x7k2p"}) {
    auto seg = ReadFileToString(out_dir + "/dt=2024-03-14/identifier=" + pod +
                                "/seg-20240314T0900Z-1a2b3c4d-000000.parquet");
    ASSERT_TRUE(seg.ok()) << pod;
    EXPECT_EQ(*seg, std::string("PAR1 rows of ") + pod);
    EXPECT_TRUE(fs::exists(out_dir + "/.fgm/sessions/run-" + pod + ".json"));
  }
  EXPECT_FALSE(fs::exists(out_dir + "/.fgm/journal"));
  EXPECT_FALSE(fs::exists(out_dir + "/session.json"));
  EXPECT_TRUE(fs::is_empty(out_dir + "/dt=2024-03-14") == false);
  for (const auto& e : fs::directory_iterator(out_dir)) {
    EXPECT_EQ(e.path().filename().string().find(".fgm-collect-"), std::string::npos);
  }

  auto calls = Calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1], (Argv{"--context", "prod", "-n", "fgm", "exec", "fgm-4hq9z", "-c", "viewer",
                            "--", "tar", "-C", "/data", "--exclude=./.fgm/journal",
                            "--exclude=./session.json", "-cf", "-", "."}));
}

TEST_F(ClusterTest, CollectFailsWhenNothingCouldBeCopied) {
  Write("fail-exec", "error: unable to upgrade connection: container not found (\"viewer\")\n");
  auto r = Collect(Kubectl(), {.output_dir = dir_ + "/out", .node = "worker-1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("container not found"), std::string::npos)
      << r.error().message();
}

TEST_F(ClusterTest, MissingKubectlIsAClearError) {
  auto r = Kubectl(dir_ + "/no-such-kubectl").Run({"version"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("cannot run"), std::string::npos) << r.error().message();
}

TEST(ProbeDataDirTest, NewestFileDecides) {
  char templ[] = "/tmp/fgm-probe-XXXXXX";
  std::string dir = ::mkdtemp(templ);
  const int64_t now_ns = 1'710'410'531'000'000'000;
  const int64_t minute_ns = 60'000'000'000;
  EXPECT_EQ(ProbeDataDir(dir, minute_ns, now_ns).code(), StatusCode::kNotFound);  // empty
  EXPECT_FALSE(ProbeDataDir(dir + "/missing", minute_ns, now_ns).ok());
  auto write_at = [&](const std::string& rel, int64_t t_ns) {
    std::string path = dir + "/" + rel;
    ASSERT_TRUE(MakeDirs(DirName(path)).ok());
    ASSERT_TRUE(WriteFileAtomically(path, "x").ok());
    struct timeval tv[2];
    tv[0].tv_sec = tv[1].tv_sec = t_ns / 1'000'000'000;
    tv[0].tv_usec = tv[1].tv_usec = 0;
    ASSERT_EQ(::utimes(path.c_str(), tv), 0);
  };
  write_at("dt=2024-03-14/identifier=n1/seg-old.parquet", now_ns - 10 * minute_ns);
  Status stale = ProbeDataDir(dir, 3 * minute_ns, now_ns);
  EXPECT_EQ(stale.code(), StatusCode::kIo);
  EXPECT_NE(stale.message().find("600 s old (limit 180 s)"), std::string::npos) << stale.message();
  write_at(".fgm/journal/r-000001.wal", now_ns - 2 * minute_ns);
  EXPECT_TRUE(ProbeDataDir(dir, 3 * minute_ns, now_ns).ok());
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// A one-shot HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel): answers the first request
// with `status_line` and a 2-byte body, then closes. Enough for ProbeUrl's GET.
class OneShotHttpServer {
 public:
  explicit OneShotHttpServer(std::string status_line) : status_line_(std::move(status_line)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
          ::listen(fd_, 1) == 0 &&
          ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(addr.sin_port);
    if (ok_) thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotHttpServer() {
    ::shutdown(fd_, SHUT_RDWR);  // ends a pending accept() if no request came
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/health"; }
  std::string request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void Serve() {
    int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    char buf[4096];  // any size works: the loop reads until the blank line ending the headers
    while (request_.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(c, buf, sizeof(buf));
      if (n <= 0) break;
      request_.append(buf, static_cast<size_t>(n));
    }
    std::string reply = status_line_ + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    ssize_t w = ::write(c, reply.data(), reply.size());
    (void)w;  // a short write only makes the probe fail, which the test would show
    ::close(c);
  }

  std::string status_line_;
  int fd_ = -1;
  bool ok_ = false;
  uint16_t port_ = 0;
  std::thread thread_;
  std::string request_;
};

// Why 5 s: the loopback server answers in microseconds; the bound only turns a hang into a failure.
constexpr int64_t kProbeTimeoutMs = 5000;

TEST(ProbeUrlTest, OkOn200) {
  OneShotHttpServer server("HTTP/1.1 200 OK");
  ASSERT_TRUE(server.ok()) << std::strerror(errno);
  Status s = ProbeUrl(server.url(), kProbeTimeoutMs);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server.request().rfind("GET /api/health HTTP/1.1\r\n", 0), 0u) << server.request();
}

TEST(ProbeUrlTest, Non200Fails) {
  OneShotHttpServer server("HTTP/1.1 503 Service Unavailable");
  ASSERT_TRUE(server.ok()) << std::strerror(errno);
  Status s = ProbeUrl(server.url(), kProbeTimeoutMs);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_NE(s.message().find(": HTTP 503"), std::string::npos) << s.message();
}

TEST(ProbeUrlTest, RefusedPortFails) {
  // Port 1 on loopback: nothing listens there (and binding it needs root), so connect is refused.
  Status s = ProbeUrl("http://127.0.0.1:1/api/health", 2000);
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_NE(s.message().find("127.0.0.1:1"), std::string::npos);
}

TEST(StartPodWatcherTest, FlagValidation) {
  KubeApiOptions o;
  o.api_url = "https://127.0.0.1:6443";
  o.node_name = "n1";
  EXPECT_EQ(StartPodWatcher(o).error().code(), StatusCode::kInvalidArgument);  // no token/CA
  o.token_file = "/nonexistent/token";
  o.ca_file = "/nonexistent/ca.crt";
  EXPECT_NE(StartPodWatcher(o).error().message().find("cannot read /nonexistent/token"),
            std::string::npos);
  o.api_url = "http://127.0.0.1:8080";
  EXPECT_NE(StartPodWatcher(o).error().message().find("https://"), std::string::npos);
  o.in_cluster = true;
  EXPECT_NE(StartPodWatcher(o).error().message().find("not both"), std::string::npos);
  KubeApiOptions no_node;
  no_node.in_cluster = true;
  unsetenv("NODE_NAME");
  EXPECT_NE(StartPodWatcher(no_node).error().message().find("NODE_NAME"), std::string::npos);
}

}  // namespace
}  // namespace fgm::cluster

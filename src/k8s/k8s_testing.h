// SPDX-License-Identifier: Apache-2.0
// Test-only (never linked into fgm_k8s): helpers for the k8s tests: a self-deleting temp directory
// and runtime file contents shaped like the real ones (containerd bundle config.json, CRI-O
// userdata/config.json, Docker config.v2.json), trimmed to the members that matter plus enough
// surrounding noise to show the parsers skip what they do not need.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "core/status.h"

namespace fgm::k8s::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "fgm-k8s-XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

  /// Writes `data` at `relative` (directories created), atomically.
  Status Write(const std::string& relative, const std::string& data) const {
    std::string full = path_ + "/" + relative;
    Status s = MakeDirs(DirName(full));
    if (!s.ok()) return s;
    return WriteFileAtomically(full, data);
  }

 private:
  std::string path_;
};

inline std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

inline const std::string kContainerId =
    "0cabbd433eb91afa7dece8e265cdce6dba1b3bb13e7bdda76d2cb5da3c2cc466";
inline const std::string kSandboxId =
    "9f4ad72b54c12b579dbd9b6fe4e6268bc8594ec8fdfca396c537434b4293e148";
inline const std::string kPodUid = "cc9b7333-4825-45ae-a7fa-3e707e2f829a";

/// containerd CRI container; placeholders @ID@, @SANDBOX@, @UID@.
inline const std::string kContainerdContainerConfig = R"json({
  "ociVersion": "1.1.0",
  "process": {
    "user": {"uid": 101, "gid": 101, "additionalGids": [101]},
    "args": ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=web-7d4b9c8f6d-x2x9k", "NGINX_VERSION=1.25.3",
            "KUBERNETES_SERVICE_HOST=10.96.0.1"],
    "cwd": "/",
    "capabilities": {"bounding": ["CAP_CHOWN", "CAP_NET_BIND_SERVICE"]},
    "oomScoreAdj": 1000
  },
  "root": {"path": "rootfs"},
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/etc/hosts", "type": "bind",
     "source": "/var/lib/kubelet/pods/@UID@/etc-hosts", "options": ["rbind", "rprivate", "rw"]}
  ],
  "annotations": {
    "io.kubernetes.cri.container-name": "nginx",
    "io.kubernetes.cri.container-type": "container",
    "io.kubernetes.cri.image-name": "docker.io/library/nginx:1.25.3",
    "io.kubernetes.cri.sandbox-id": "@SANDBOX@",
    "io.kubernetes.cri.sandbox-name": "web-7d4b9c8f6d-x2x9k",
    "io.kubernetes.cri.sandbox-namespace": "shop",
    "io.kubernetes.cri.sandbox-uid": "@UID@"
  },
  "linux": {
    "resources": {"cpu": {"shares": 2, "period": 100000}, "memory": {"limit": 0}},
    "cgroupsPath": "kubepods-besteffort-pod@UID_@.slice:cri-containerd:@ID@",
    "namespaces": [{"type": "pid"}, {"type": "ipc", "path": "/proc/4242/ns/ipc"}]
  }
})json";

/// containerd CRI pod sandbox (pause); placeholders @SANDBOX@, @UID@.
inline const std::string kContainerdSandboxConfig = R"json({
  "ociVersion": "1.1.0",
  "process": {"user": {"uid": 65535, "gid": 65535}, "args": ["/pause"], "cwd": "/"},
  "root": {"path": "rootfs", "readonly": true},
  "annotations": {
    "io.kubernetes.cri.container-type": "sandbox",
    "io.kubernetes.cri.sandbox-cpu-period": "100000",
    "io.kubernetes.cri.sandbox-id": "@SANDBOX@",
    "io.kubernetes.cri.sandbox-log-directory": "/var/log/pods/shop_web-7d4b9c8f6d-x2x9k_@UID@",
    "io.kubernetes.cri.sandbox-name": "web-7d4b9c8f6d-x2x9k",
    "io.kubernetes.cri.sandbox-namespace": "shop",
    "io.kubernetes.cri.sandbox-uid": "@UID@"
  },
  "linux": {"cgroupsPath": "kubepods-besteffort-pod@UID_@.slice:cri-containerd:@SANDBOX@"}
})json";

/// CRI-O container: kubelet's labels are both copied as annotations and kept as a JSON string in
/// io.kubernetes.cri-o.Labels. Placeholders @ID@, @SANDBOX@, @UID@.
inline const std::string kCrioContainerConfig = R"json({
  "ociVersion": "1.0.2-dev",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["/app/server", "--port=8080"], "cwd": "/app"},
  "root": {"path": "/var/lib/containers/storage/overlay/1f0e9a/merged"},
  "hostname": "todo-6c9f8d7b5-abcde",
  "annotations": {
    "io.container.manager": "cri-o",
    "io.kubernetes.container.hash": "8d5f2a1c",
    "io.kubernetes.container.name": "api",
    "io.kubernetes.container.restartCount": "2",
    "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
    "io.kubernetes.cri-o.Annotations": "{\"io.kubernetes.container.hash\":\"8d5f2a1c\",\"io.kubernetes.container.restartCount\":\"2\"}",
    "io.kubernetes.cri-o.ContainerID": "@ID@",
    "io.kubernetes.cri-o.ContainerName": "k8s_api_todo-6c9f8d7b5-abcde_shop_@UID@_2",
    "io.kubernetes.cri-o.ContainerType": "container",
    "io.kubernetes.cri-o.Created": "2024-03-14T09:26:53.589793238Z",
    "io.kubernetes.cri-o.IP.0": "10.85.0.17",
    "io.kubernetes.cri-o.Image": "quay.io/example/todo-api@sha256:3b1c6a1d",
    "io.kubernetes.cri-o.ImageName": "quay.io/example/todo-api:v1.4.2",
    "io.kubernetes.cri-o.ImageRef": "3b1c6a1d",
    "io.kubernetes.cri-o.Labels": "{\"io.kubernetes.container.name\":\"api\",\"io.kubernetes.pod.name\":\"todo-6c9f8d7b5-abcde\",\"io.kubernetes.pod.namespace\":\"shop\",\"io.kubernetes.pod.uid\":\"@UID@\"}",
    "io.kubernetes.cri-o.LogPath": "/var/log/pods/shop_todo-6c9f8d7b5-abcde_@UID@/api/2.log",
    "io.kubernetes.cri-o.Metadata": "{\"name\":\"api\",\"attempt\":2}",
    "io.kubernetes.cri-o.SandboxID": "@SANDBOX@",
    "io.kubernetes.cri-o.SandboxName": "k8s_todo-6c9f8d7b5-abcde_shop_@UID@_0",
    "io.kubernetes.cri-o.Stdin": "false",
    "io.kubernetes.cri-o.TTY": "false",
    "io.kubernetes.pod.name": "todo-6c9f8d7b5-abcde",
    "io.kubernetes.pod.namespace": "shop",
    "io.kubernetes.pod.terminationGracePeriod": "30",
    "io.kubernetes.pod.uid": "@UID@"
  },
  "linux": {"cgroupsPath": "kubepods-burstable-pod@UID_@.slice:crio:@ID@"}
})json";

/// CRI-O infra (sandbox) container: the pod's own labels are in its io.kubernetes.cri-o.Labels.
inline const std::string kCrioSandboxConfig = R"json({
  "ociVersion": "1.0.2-dev",
  "process": {"args": ["/pause"]},
  "annotations": {
    "io.kubernetes.cri-o.ContainerID": "@SANDBOX@",
    "io.kubernetes.cri-o.ContainerName": "k8s_POD_todo-6c9f8d7b5-abcde_shop_@UID@_0",
    "io.kubernetes.cri-o.ContainerType": "sandbox",
    "io.kubernetes.cri-o.HostName": "todo-6c9f8d7b5-abcde",
    "io.kubernetes.cri-o.Image": "registry.k8s.io/pause:3.9",
    "io.kubernetes.cri-o.ImageName": "registry.k8s.io/pause:3.9",
    "io.kubernetes.cri-o.KubeName": "todo-6c9f8d7b5-abcde",
    "io.kubernetes.cri-o.Labels": "{\"app\":\"todo\",\"io.kubernetes.container.name\":\"POD\",\"io.kubernetes.pod.name\":\"todo-6c9f8d7b5-abcde\",\"io.kubernetes.pod.namespace\":\"shop\",\"io.kubernetes.pod.uid\":\"@UID@\",\"pod-template-hash\":\"6c9f8d7b5\",\"tier\":\"backend\"}",
    "io.kubernetes.cri-o.Name": "k8s_todo-6c9f8d7b5-abcde_shop_@UID@_0",
    "io.kubernetes.cri-o.Namespace": "shop",
    "io.kubernetes.cri-o.SandboxID": "@SANDBOX@",
    "io.kubernetes.cri-o.SandboxName": "k8s_todo-6c9f8d7b5-abcde_shop_@UID@_0"
  }
})json";

/// Docker container made by cri-dockerd (kubelet's labels on the Docker container).
inline const std::string kDockerK8sContainerConfig = R"json({
  "StreamConfig": {},
  "State": {"Running": true, "Paused": false, "Restarting": false, "OOMKilled": false,
            "Dead": false, "Pid": 4242, "ExitCode": 0, "Error": "",
            "StartedAt": "2024-03-14T09:26:54.105012301Z", "FinishedAt": "0001-01-01T00:00:00Z",
            "Health": null},
  "ID": "@ID@",
  "Created": "2024-03-14T09:26:53.71247641Z",
  "Managed": false,
  "Path": "/app/server",
  "Args": ["--port=8080"],
  "Config": {
    "Hostname": "todo-6c9f8d7b5-abcde", "Domainname": "", "User": "0",
    "AttachStdin": false, "AttachStdout": false, "AttachStderr": false, "Tty": false,
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    "Cmd": null, "Image": "quay.io/example/todo-api@sha256:3b1c6a1d", "Volumes": null,
    "WorkingDir": "/app", "Entrypoint": ["/app/server", "--port=8080"], "OnBuild": null,
    "Labels": {
      "annotation.io.kubernetes.container.hash": "8d5f2a1c",
      "annotation.io.kubernetes.container.restartCount": "0",
      "io.kubernetes.container.logpath": "/var/log/pods/shop_todo-6c9f8d7b5-abcde_@UID@/api/0.log",
      "io.kubernetes.container.name": "api",
      "io.kubernetes.docker.type": "container",
      "io.kubernetes.pod.name": "todo-6c9f8d7b5-abcde",
      "io.kubernetes.pod.namespace": "shop",
      "io.kubernetes.pod.uid": "@UID@",
      "io.kubernetes.sandbox.id": "@SANDBOX@"
    }
  },
  "Image": "sha256:3b1c6a1d5e7f",
  "NetworkSettings": {"Bridge": "", "SandboxID": "", "Networks": null},
  "LogPath": "/var/lib/docker/containers/@ID@/@ID@-json.log",
  "Name": "/k8s_api_todo-6c9f8d7b5-abcde_shop_@UID@_0",
  "Driver": "overlay2",
  "OS": "linux",
  "RestartCount": 0,
  "HasBeenStartedBefore": true,
  "HasBeenManuallyStopped": false
})json";

inline const std::string kDockerK8sSandboxConfig = R"json({
  "State": {"Running": true, "Pid": 4100},
  "ID": "@SANDBOX@",
  "Config": {
    "Hostname": "todo-6c9f8d7b5-abcde",
    "Image": "registry.k8s.io/pause:3.9",
    "Labels": {
      "annotation.kubernetes.io/config.seen": "2024-03-14T09:26:50.1234Z",
      "annotation.kubernetes.io/config.source": "api",
      "app": "todo",
      "io.kubernetes.container.name": "POD",
      "io.kubernetes.docker.type": "podsandbox",
      "io.kubernetes.pod.name": "todo-6c9f8d7b5-abcde",
      "io.kubernetes.pod.namespace": "shop",
      "io.kubernetes.pod.uid": "@UID@",
      "pod-template-hash": "6c9f8d7b5"
    }
  },
  "Name": "/k8s_POD_todo-6c9f8d7b5-abcde_shop_@UID@_0"
})json";

/// A plain `docker run --name happy_turing nginx` container.
inline const std::string kDockerPlainConfig = R"json({
  "State": {"Running": true, "Pid": 777},
  "ID": "@ID@",
  "Config": {"Hostname": "0cabbd433eb9", "Image": "nginx:1.25.3",
             "Labels": {"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
             "StopSignal": "SIGQUIT"},
  "Image": "sha256:a8758716bb6a",
  "Name": "/happy_turing"
})json";

/// Fills the placeholders with the ids above.
inline std::string Fill(const std::string& templ) {
  std::string uid_underscored = ReplaceAll(kPodUid, "-", "_");
  std::string out = ReplaceAll(templ, "@ID@", kContainerId);
  out = ReplaceAll(out, "@SANDBOX@", kSandboxId);
  out = ReplaceAll(out, "@UID_@", uid_underscored);
  return ReplaceAll(out, "@UID@", kPodUid);
}

}  // namespace fgm::k8s::testing

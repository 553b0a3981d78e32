#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# `fgm cluster` through the real binary's CLI: flag wiring, exit codes and output, with a fake
# kubectl (records argv, replays canned kubectl-shaped output) and, for `probe --url`, a real HTTP
# server on 127.0.0.1 (ephemeral port). The library behaviour itself is covered by
# src/cluster/cluster_test.cc; this checks the command line on top of it. Not Kubernetes.
#   cluster_cli.py FGM_BINARY   (run from the repository root)
import http.server
import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
import time

FGM = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/src/apps/fgm/fgm")
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


def fgm(*args, env=None):
    return subprocess.run([FGM, *args], capture_output=True, text=True, timeout=60, env=env)


tmp = tempfile.mkdtemp(prefix="fgm-cluster-cli-")
kubectl = os.path.join(tmp, "kubectl")
with open(kubectl, "w") as f:
    f.write(f"""#!/usr/bin/env python3
import json, sys
with open({json.dumps(tmp)} + "/calls.jsonl", "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
args = sys.argv[1:]
if "kustomize" in args:
    print("apiVersion: apps/v1\\nkind: DaemonSet\\nspec:\\n  template:\\n    spec:\\n      containers:\\n      - image: fgm:latest\\n        name: monitor")
elif args[:2] == ["get", "daemonset"]:
    print(json.dumps({{"kind": "DaemonSet", "status": {{"desiredNumberScheduled": 2, "numberReady": 2,
        "updatedNumberScheduled": 2, "numberAvailable": 2}},
        "spec": {{"template": {{"spec": {{"containers": [{{"name": "monitor", "image": "fgm:dev"}}]}}}}}}}}))
elif args[:2] == ["get", "pods"]:
    print(json.dumps({{"kind": "List", "items": [
        {{"metadata": {{"name": "fgm-aaaaa"}}, "spec": {{"nodeName": "n1", "containers": [{{"name": "monitor"}}, {{"name": "viewer"}}]}},
         "status": {{"phase": "Running", "containerStatuses": [
            {{"name": "monitor", "ready": True, "restartCount": 0}}, {{"name": "viewer", "ready": True, "restartCount": 0}}]}}}}]}}))
else:
    print("error: unexpected " + " ".join(args), file=sys.stderr)
    sys.exit(1)
""")
os.chmod(kubectl, os.stat(kubectl).st_mode | stat.S_IEXEC)

# help lists the subcommands
r = fgm("cluster", "--help")
check(r.returncode == 0 and all(s in r.stdout for s in ("deploy", "status", "viewer", "collect", "probe")),
      "fgm cluster --help lists deploy, status, viewer, collect, probe")

# deploy --dry-run: rendered manifests with the image replaced, nothing applied
r = fgm("cluster", "deploy", "--kubectl", kubectl, "--context", "kind-fgm", "--manifests", "deploy",
        "--image", "registry.example.com/fgm:0.1.0", "--dry-run")
check(r.returncode == 0, f"deploy --dry-run exits 0 ({r.stderr.strip()})")
check("- image: registry.example.com/fgm:0.1.0" in r.stdout and "fgm:latest" not in r.stdout,
      "deploy --dry-run prints the manifests with --image")
with open(os.path.join(tmp, "calls.jsonl")) as f:
    calls = [json.loads(line) for line in f]
check(calls == [["--context", "kind-fgm", "kustomize", "deploy"]], f"deploy --dry-run ran only kustomize: {calls}")

# status
r = fgm("cluster", "status", "--kubectl", kubectl)
check(r.returncode == 0, f"status exits 0 ({r.stderr.strip()})")
check("2 desired, 2 ready" in r.stdout and "n1" in r.stdout and "fgm-aaaaa" in r.stdout and "2/2" in r.stdout,
      f"status shows the DaemonSet and the pod: {r.stdout!r}")

# a kubectl failure is reported with kubectl's message and a non-zero exit
r = fgm("cluster", "collect", "-o", os.path.join(tmp, "out"), "--kubectl", kubectl)
check(r.returncode == 1 and "unexpected" in r.stderr, f"collect failure exits 1 with kubectl's error: {r.stderr!r}")
r = fgm("cluster", "viewer", "stop", "--state-dir", os.path.join(tmp, "state"))
check(r.returncode == 1 and "no viewer port-forward recorded" in r.stderr, "viewer stop without a start fails clearly")

# probe --data-dir: fresh and stale
data = os.path.join(tmp, "data")
os.makedirs(os.path.join(data, ".fgm", "journal"))
wal = os.path.join(data, ".fgm", "journal", "r-000000.wal")
open(wal, "w").write("x")
r = fgm("cluster", "probe", "--data-dir", data, "--max-age", "60s")
check(r.returncode == 0, f"probe of a fresh data dir passes ({r.stderr.strip()})")
old = time.time() - 3600
os.utime(wal, (old, old))
r = fgm("cluster", "probe", "--data-dir", data, "--max-age", "60s")
check(r.returncode == 1 and "the monitor is not writing" in r.stderr, f"probe of a stale data dir fails: {r.stderr!r}")
r = fgm("cluster", "probe")
check(r.returncode == 1 and "exactly one of" in r.stderr, "probe needs --data-dir or --url")


# probe --url against a real server on an ephemeral port
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"status":"ok","files":1,"newest_ms":0}' if self.path == "/api/health" else b"{}"
        self.send_response(200 if self.path == "/api/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]
r = fgm("cluster", "probe", "--url", f"http://127.0.0.1:{port}/api/health")
check(r.returncode == 0, f"probe --url passes on 200 ({r.stderr.strip()})")
r = fgm("cluster", "probe", "--url", f"http://127.0.0.1:{port}/missing")
check(r.returncode == 1 and "HTTP 404" in r.stderr, f"probe --url fails on 404: {r.stderr!r}")
server.shutdown()

subprocess.run(["rm", "-rf", tmp])
for f in failures:
    print(f"FAIL: {f}")
print(f"cluster_cli: {checks - len(failures)}/{checks} checks passed")
sys.exit(1 if failures else 0)

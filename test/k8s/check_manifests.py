#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Offline checks of deploy/ (no cluster needed): every security and operations property the
# DaemonSet promises (no privileged, only SYS_PTRACE added, read-only host mounts, probes,
# tolerations, resources, RBAC limited to pods get/list/watch), and that the images, args and probe
# commands match the CLI of the fgm binary under test (its --help output).
#   check_manifests.py FGM_BINARY   (run from the repository root)
import os
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    sys.exit("check_manifests: PyYAML is missing (Debian: apt-get install python3-yaml; "
             "scripts/setup.sh installs it)")

FGM = sys.argv[1] if len(sys.argv) > 1 else "build/src/apps/fgm/fgm"
DEPLOY = "deploy"
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


def load(name):
    with open(os.path.join(DEPLOY, name)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def by_kind(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def flags_of(*subcommand):
    """Long option names in `fgm SUBCOMMAND --help`, or None if the subcommand does not exist."""
    r = subprocess.run([FGM, *subcommand, "--help"], capture_output=True, text=True, timeout=30)
    # CLI11 answers an unknown subcommand's --help with the top-level help (exit 0): check that
    # the usage line names the subcommand.
    usage = re.search(r"^Usage: \S+ (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not usage or not usage.group(1).startswith(" ".join(subcommand)):
        return None
    return set(re.findall(r"(--[a-z][a-z0-9-]*)", r.stdout))


def flag_names(args):
    return [a.split("=", 1)[0] for a in args if a.startswith("--")]


# --- kustomization and namespace ---
kust = load("kustomization.yaml")[0]
check(kust.get("namespace") == "fgm", "kustomization sets namespace fgm")
for res in kust.get("resources", []):
    check(os.path.exists(os.path.join(DEPLOY, res)), f"kustomization resource {res} exists")
check({"namespace.yaml", "rbac.yaml", "daemonset.yaml"} <= set(kust.get("resources", [])),
      "kustomization lists namespace, rbac and daemonset")
check(any(i.get("name") == "fgm" for i in kust.get("images", [])), "kustomization images: fgm")
ns = load("namespace.yaml")
check(len(by_kind(ns, "Namespace")) == 1 and ns[0]["metadata"]["name"] == "fgm", "namespace fgm")

# --- RBAC: pods get/list/watch, nothing else ---
rbac = load("rbac.yaml")
sa = by_kind(rbac, "ServiceAccount")
check(len(sa) == 1 and sa[0]["metadata"]["name"] == "fgm" and sa[0]["metadata"]["namespace"] == "fgm",
      "ServiceAccount fgm/fgm")
roles = by_kind(rbac, "ClusterRole")
check(len(roles) == 1, "one ClusterRole")
rules = roles[0].get("rules", []) if roles else []
check(len(rules) == 1, "ClusterRole has exactly one rule")
for rule in rules:
    check(rule.get("apiGroups") == [""], "rule: core API group only")
    check(rule.get("resources") == ["pods"], "rule: pods only")
    check(sorted(rule.get("verbs", [])) == ["get", "list", "watch"], "rule: get/list/watch only")
    check("*" not in str(rule), "rule: no wildcards")
check(not by_kind(rbac, "Role") and not by_kind(rbac, "RoleBinding"), "no namespaced Roles")
binding = by_kind(rbac, "ClusterRoleBinding")
check(len(binding) == 1, "one ClusterRoleBinding")
if binding:
    b = binding[0]
    check(b["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                           "name": roles[0]["metadata"]["name"]}, "binding refers to the ClusterRole")
    check(b["subjects"] == [{"kind": "ServiceAccount", "name": "fgm", "namespace": "fgm"}],
          "binding subject is the ServiceAccount")

# --- DaemonSet ---
ds_docs = by_kind(load("daemonset.yaml"), "DaemonSet")
check(len(ds_docs) == 1, "one DaemonSet")
ds = ds_docs[0]
pod = ds["spec"]["template"]["spec"]
check(ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items(),
      "selector matches the template labels")
check(ds["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/name") == "fgm",
      "pod label app.kubernetes.io/name=fgm (fgm cluster selects on it)")
check(pod.get("serviceAccountName") == "fgm", "serviceAccountName fgm")
check(pod.get("hostPID") is True, "hostPID")
check(not pod.get("hostNetwork") and not pod.get("hostIPC"), "no hostNetwork/hostIPC")
check({"operator": "Exists"} in pod.get("tolerations", []), "tolerates every taint")
grace = pod.get("terminationGracePeriodSeconds")
check(isinstance(grace, int) and 5 <= grace <= 60, "terminationGracePeriodSeconds covers the 2 s close")
check("privileged" not in str(pod.get("securityContext", {})), "no pod-level privileged")

containers = {c["name"]: c for c in pod["containers"]}
check(set(containers) == {"monitor", "viewer"}, "containers monitor and viewer")
volumes = {v["name"]: v for v in pod["volumes"]}
mounts_seen = set()
for name, c in containers.items():
    sc = c.get("securityContext", {})
    check(sc.get("privileged") in (None, False), f"{name}: not privileged")
    check(sc.get("allowPrivilegeEscalation") is False, f"{name}: allowPrivilegeEscalation false")
    check(sc.get("readOnlyRootFilesystem") is True, f"{name}: readOnlyRootFilesystem")
    caps = sc.get("capabilities", {})
    check(caps.get("drop") == ["ALL"], f"{name}: drops ALL capabilities")
    check(c.get("image") == "fgm", f"{name}: image fgm (set by kustomize / fgm cluster deploy --image)")
    for probe in ("livenessProbe", "readinessProbe"):
        check(probe in c, f"{name}: {probe}")
    res = c.get("resources", {})
    for kind in ("requests", "limits"):
        check({"cpu", "memory"} <= set(res.get(kind, {})), f"{name}: {kind} for cpu and memory")
    env = {e["name"]: e for e in c.get("env", [])}
    check(env.get("NODE_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName",
          f"{name}: NODE_NAME from spec.nodeName")
    check(env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name",
          f"{name}: POD_NAME from metadata.name")
    for m in c.get("volumeMounts", []):
        v = volumes.get(m["name"])
        check(v is not None, f"{name}: mount {m['name']} has a volume")
        if v and "hostPath" in v:
            mounts_seen.add(v["hostPath"]["path"])
            writable_ok = name == "monitor" and m["mountPath"] == "/data"
            check(m.get("readOnly") is True or writable_ok,
                  f"{name}: host mount {v['hostPath']['path']} is read-only")

mon, view = containers["monitor"], containers["viewer"]
check(mon["securityContext"]["capabilities"].get("add", []) == ["SYS_PTRACE"],
      "monitor adds only SYS_PTRACE")
check("add" not in view["securityContext"]["capabilities"], "viewer adds no capabilities")
check(view["securityContext"].get("runAsNonRoot") is True, "viewer runs as non-root")
check(mon["args"][0] == "monitor" and view["args"][0] == "viewer", "subcommands monitor / viewer")
margs = dict(a.split("=", 1) if "=" in a else (a, True) for a in mon["args"][1:])
check(margs.get("--output-dir") == "/data", "monitor writes /data")
check(margs.get("--host-root") == "/host", "monitor --host-root=/host")
check("--retention" in margs and "--max-disk" in margs, "monitor has --retention and --max-disk")
check(margs.get("--kube-in-cluster") is True, "monitor watches the API server in-cluster")
mon_mounts = {m["mountPath"]: m for m in mon["volumeMounts"]}
for path in ("/host/sys/fs/cgroup", "/host/proc", "/data"):
    check(path in mon_mounts, f"monitor mounts {path}")
check(volumes["data"]["hostPath"]["type"] == "DirectoryOrCreate", "data hostPath DirectoryOrCreate")
check({"/sys/fs/cgroup", "/proc", "/var/lib/fgm"} <= mounts_seen, "host cgroup, proc and data mounted")
for forbidden in ("/", "/run", "/var/run", "/run/containerd", "/var/run/docker.sock",
                  "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/lib/kubelet"):
    check(forbidden not in mounts_seen, f"does not mount {forbidden} (sockets, secrets)")
check(view["args"][1] == "/data" and {"/data"} <= {m["mountPath"] for m in view["volumeMounts"]},
      "viewer serves /data")
ports = [p["containerPort"] for p in view.get("ports", [])]
check(ports == [8050] and "--port=8050" in view["args"], "viewer port 8050 (fgm cluster viewer forwards it)")


def parse_quantity(q):
    q = str(q)
    units = {"m": 1e-3, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}
    for u, f in units.items():
        if q.endswith(u):
            return float(q[: -len(u)]) * f
    return float(q)


for name, c in containers.items():
    r = c["resources"]
    for res in ("cpu", "memory"):
        check(parse_quantity(r["limits"][res]) >= parse_quantity(r["requests"][res]),
              f"{name}: {res} limit >= request")

# --- Dockerfile ---
with open(os.path.join(DEPLOY, "Dockerfile")) as f:
    dockerfile = f.read()
check(re.search(r"^FROM debian:bookworm AS build$", dockerfile, re.M) is not None, "build stage from debian:bookworm")
check("scripts/setup.sh" in dockerfile, "build stage uses scripts/setup.sh")
check(re.findall(r"^FROM (\S+)", dockerfile, re.M)[-1] == "debian:bookworm-slim", "runtime stage bookworm-slim")
check('ENTRYPOINT ["/usr/local/bin/fgm"]' in dockerfile, "entrypoint /usr/local/bin/fgm")
check("/usr/local/share/fgm/deploy" in dockerfile, "manifests installed where fgm cluster deploy looks")

# --- consistency with the CLI of the binary under test ---
for name, c in containers.items():
    for probe in ("livenessProbe", "readinessProbe"):
        cmd = c[probe]["exec"]["command"]
        check(cmd[0] == "/usr/local/bin/fgm", f"{name} {probe}: runs the image's fgm")
        sub = [a for a in cmd[1:] if not a.startswith("--")]
        known = flags_of(*sub)
        check(known is not None, f"{name} {probe}: `fgm {' '.join(sub)}` exists")
        if known is not None:
            for flag in flag_names(cmd[1:]):
                check(flag in known, f"{name} {probe}: flag {flag} exists")
monitor_flags = flags_of("monitor")
check(monitor_flags is not None, "`fgm monitor` exists")
for flag in flag_names(mon["args"][1:]):
    check(monitor_flags is not None and flag in monitor_flags, f"monitor flag {flag} exists")
viewer_flags = flags_of("viewer")
if viewer_flags is None:
    print("check_manifests: SKIP viewer flags: this fgm has no `viewer` subcommand yet")
else:
    for flag in flag_names(view["args"][1:]):
        check(flag in viewer_flags, f"viewer flag {flag} exists")

# --- kustomize render, when a real kubectl is at hand (it renders offline) ---
kubectl = shutil.which("kubectl")
if kubectl:
    r = subprocess.run([kubectl, "kustomize", DEPLOY], capture_output=True, text=True, timeout=60)
    if r.returncode == 0:
        rendered = list(yaml.safe_load_all(r.stdout))
        kinds = sorted(d["kind"] for d in rendered if d)
        check(kinds == ["ClusterRole", "ClusterRoleBinding", "DaemonSet", "Namespace", "ServiceAccount"],
              f"kustomize renders the five objects (got {kinds})")
        check(r.stdout.count("image: fgm:latest") == 2, "kustomize sets the fgm image tag")
    else:
        print(f"check_manifests: SKIP kustomize render: {r.stderr.strip()[:200]}")
else:
    print("check_manifests: SKIP kustomize render: no kubectl on PATH")

for f in failures:
    print(f"FAIL: {f}")
print(f"check_manifests: {checks - len(failures)}/{checks} checks passed")
sys.exit(1 if failures else 0)

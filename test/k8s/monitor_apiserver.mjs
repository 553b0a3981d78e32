// SPDX-License-Identifier: Apache-2.0
// End to end: `fgm monitor --kube-api` against a fake API server (node https on 127.0.0.1, an
// ephemeral port, CA and server certificate made with the openssl CLI) that lists one pod whose
// container was OOM-killed once and then streams a MODIFIED pod that was OOM-killed again. The
// dataset must hold exit + oom_kill for the killed instance and restart for the new one (read back
// with DuckDB; the monitor's own lifecycle events for this host's containers are left aside). A
// second run with the wrong CA must keep monitoring and say why the API failed.
//   node test/k8s/monitor_apiserver.mjs FGM_BINARY
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const fgm = path.resolve(process.argv[2] ?? "build/src/apps/fgm/fgm");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fgm-k8s-e2e-"));
const failures = [];
let checks = 0;
const check = (cond, what) => {
  checks++;
  if (!cond) failures.push(what);
};

const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
const ossl = (...args) => execFileSync("openssl", args, { cwd: tmp, stdio: "pipe" });
ossl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca");
ossl("req", "-x509", ...ec, "-keyout", "other.key", "-out", "other.crt", "-days", "2", "-subj", "/CN=other");
ossl("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver");
fs.writeFileSync(path.join(tmp, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
     "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
fs.writeFileSync(path.join(tmp, "token"), "e2e-token\n");

const [A, B, C] = ["a", "b", "c"].map((c) => c.repeat(64));
const uid = "5d3b1f6e-8a2c-4d7e-9b1a-2c3d4e5f6a7b";
const pod = (restarts, oldId, newId, rv, finishedAt, startedAt) => ({
  kind: "Pod", apiVersion: "v1",
  metadata: { name: "api-7d4b9c8f6d-x2x9k", namespace: "shop", uid, resourceVersion: rv,
              labels: { app: "api" } },
  spec: { nodeName: "worker-1",
          containers: [{ name: "api", image: "api:1.4.2",
                         resources: { limits: { memory: "256Mi" }, requests: { cpu: "250m" } } }] },
  status: { phase: "Running", qosClass: "Burstable", containerStatuses: [{
    name: "api", restartCount: restarts, image: "api:1.4.2", containerID: `containerd://${newId}`,
    state: { running: { startedAt } },
    lastState: { terminated: { exitCode: 137, reason: "OOMKilled", finishedAt,
                               containerID: `containerd://${oldId}` } } }] },
});

const requests = [];
const server = https.createServer(
  { key: fs.readFileSync(path.join(tmp, "server.key")), cert: fs.readFileSync(path.join(tmp, "server.crt")) },
  (req, res) => {
    requests.push({ url: req.url, auth: req.headers.authorization });
    res.setHeader("Content-Type", "application/json");
    if (!req.url.includes("watch=1")) {
      res.end(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "100" },
                               items: [pod(1, A, B, "100", "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z")] }));
      return;
    }
    // Chunked (no Content-Length): one MODIFIED line, then the stream stays open.
    res.write(JSON.stringify({ type: "MODIFIED",
                               object: pod(2, B, C, "101", "2026-01-01T10:05:00Z", "2026-01-01T10:05:02Z") }) + "\n");
  });
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `https://127.0.0.1:${server.address().port}`;

function runMonitor(out, ca) {
  return new Promise((resolve) => {
    const child = spawn(fgm, ["monitor", "-o", out, "--kube-api", url,
                              "--kube-token-file", path.join(tmp, "token"), "--kube-ca-file", ca,
                              "--node-name", "worker-1", "--duration", "4s", "--no-pss"],
                        { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

function parquetUnder(dir, prefix) {
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith(prefix) && e.name.endsWith(".parquet")) found.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}

// 1. The right CA: events in the dataset.
const good = await runMonitor(path.join(tmp, "good"), path.join(tmp, "ca.crt"));
check(good.code === 0, `monitor exits 0 (got ${good.code}: ${good.stderr})`);
check(requests.length >= 2, `list and watch requested (${requests.length} requests)`);
check(requests.every((r) => r.auth === "Bearer e2e-token"), "every request carries the bearer token");
check(requests[0]?.url.includes("fieldSelector=spec.nodeName%3Dworker-1"), "list filtered to the node");
check(requests[1]?.url.includes("watch=1") && requests[1]?.url.includes("resourceVersion=100"),
      "watch from the list's resourceVersion");
const files = parquetUnder(path.join(tmp, "good"), "events-");
check(files.length >= 1, "an events file was written");
if (files.length) {
  const con = await (await DuckDBInstance.create(":memory:")).connect();
  const list = files.map((f) => `'${f}'`).join(",");
  const rows = (await con.runAndReadAll(
    `select epoch_ms(time) as t, event_type, container_id, event_exit_code, event_signal, event_reason,
            pod_name, namespace, container_name, pod_uid
     from read_parquet([${list}], union_by_name = true) where pod_uid = '${uid}'
     order by t, event_type`)).getRowObjectsJson();
  const got = rows.map((r) => `${r.t} ${r.event_type} ${r.container_id.slice(0, 4)} ${r.event_exit_code} ${r.event_signal} ${r.event_reason}`);
  const t0 = Date.parse("2026-01-01T10:05:00Z"), t1 = Date.parse("2026-01-01T10:05:02Z");
  const want = [`${t0} exit bbbb 137 9 OOMKilled`, `${t0} oom_kill bbbb 137 9 OOMKilled`,
                `${t1} restart cccc null null null`];
  check(JSON.stringify(got) === JSON.stringify(want), `events ${JSON.stringify(got)} == ${JSON.stringify(want)}`);
  check(rows.every((r) => r.pod_name === "api-7d4b9c8f6d-x2x9k" && r.namespace === "shop" &&
                          r.container_name === "api" && r.pod_uid === uid), "events carry the pod's names");
}

// 2. The wrong CA: monitoring goes on, the API error is explained, no event is invented.
const before = requests.length;
const bad = await runMonitor(path.join(tmp, "bad"), path.join(tmp, "other.crt"));
check(bad.code === 0, `monitor with a wrong CA still exits 0 (got ${bad.code})`);
check(/TLS: SSL certificate problem/.test(bad.stderr), `the TLS failure is logged: ${bad.stderr.slice(0, 300)}`);
check(requests.length === before, "no request reached the server without a verified certificate");
// The monitor writes its own lifecycle events (containers it saw start or stop) either way; none of
// them may be about the API server's pod.
const badEvents = parquetUnder(path.join(tmp, "bad"), "events-");
if (badEvents.length) {
  const con = await (await DuckDBInstance.create(":memory:")).connect();
  const list = badEvents.map((f) => `'${f}'`).join(",");
  const n = (await con.runAndReadAll(
    `select count(*)::INT as n from read_parquet([${list}], union_by_name = true) where pod_uid = '${uid}'`))
    .getRowObjectsJson()[0].n;
  check(n === 0, `no API-server events without the API server (got ${n})`);
}
check(parquetUnder(path.join(tmp, "bad"), "seg-").length >= 1, "metrics were still written");

server.closeAllConnections();
server.close();
fs.rmSync(tmp, { recursive: true, force: true });
for (const f of failures) console.log(`FAIL: ${f}`);
console.log(`monitor_apiserver: ${checks - failures.length}/${checks} checks passed`);
process.exit(failures.length ? 1 : 0);

// SPDX-License-Identifier: Apache-2.0
// A stand-in for `fgm viewer` for UI development and for the UI tests that must not depend on the
// engine: serves a built UI directory and answers docs/api.md from synthetic, deterministic data
// (containers with periodic CPU, a leaking memory series, a restart and an OOM kill).
//   node web/test/fake_viewer.mjs --ui DIR [--containers 20] [--hours 24] [--port 0]
// Prints "listening on http://127.0.0.1:PORT/" like fgm viewer. The real viewer is what the e2e
// test (web/test/e2e.mjs) drives; this fake only mirrors the documented shapes.
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";

export function makeDataset({ containers = 6, hours = 1, endMs = Date.UTC(2026, 10, 25, 12) } = {}) {
  const startMs = endMs - hours * 3_600_000;
  const cs = [];
  const names = ["frontend", "backend", "postgres", "loadgen", "cache", "worker", "proxy", "sidecar"];
  for (let i = 0; i < containers; i++) {
    const name = names[i % names.length] + (i >= names.length ? `-${Math.floor(i / names.length)}` : "");
    cs.push({
      id: (i.toString(16).padStart(4, "0") + "c0ffee").repeat(6).slice(0, 64),
      container_name: name,
      pod_name: i % 2 ? `todo-${name}` : name,
      namespace: i % 3 === 2 ? "kube-system" : "fgm-run-ab12cd34",
      qos_class: ["burstable", "guaranteed", "besteffort"][i % 3],
      runtime: "local",
      node_name: "n1",
      labels: { app: i % 3 === 2 ? "infra" : "todo", tier: i % 2 ? "web" : "db" },
      first_seen_ms: startMs,
      last_seen_ms: endMs,
    });
  }
  // Container 1 restarts at 60 % of the span: a new instance with the same name.
  if (containers > 1) {
    const restartMs = startMs + Math.round((endMs - startMs) * 0.6);
    const old = cs[1];
    cs.push({ ...old, id: "ffff" + old.id.slice(4), first_seen_ms: restartMs });
    old.last_seen_ms = restartMs - 1000;
  }
  for (const c of cs) c.short_id = c.id.slice(0, 12);
  const metrics = [
    { name: "cpu_usage_millicores", unit: "millicores", kind: "derived", row_kind: "container", description: "CPU usage" },
    { name: "memory_usage_bytes", unit: "bytes", kind: "gauge", row_kind: "container", description: "Memory usage" },
    { name: "cpu_throttled_us", unit: "us/s", kind: "counter", row_kind: "container", description: "Throttled time" },
    { name: "memory_pss_bytes", unit: "bytes", kind: "gauge", row_kind: "container", description: "PSS" },
    { name: "io_read_bytes", unit: "bytes/s", kind: "counter", row_kind: "container", description: "Bytes read" },
    { name: "io_read_ops", unit: "count/s", kind: "counter", row_kind: "container", description: "Read ops" },
    { name: "cpu_throttled_fraction", unit: "%", kind: "derived", row_kind: "container", description: "Throttled %" },
  ];
  const events = [];
  if (containers > 1) {
    const r = cs[cs.length - 1];
    events.push({ time_ms: r.first_seen_ms - 1000, container: cs[1].id, container_name: cs[1].container_name, pod_name: cs[1].pod_name, namespace: cs[1].namespace, type: "oom_kill", exit_code: null, signal: 9, reason: "OOMKilled", message: null });
    events.push({ time_ms: r.first_seen_ms, container: r.id, container_name: r.container_name, pod_name: r.pod_name, namespace: r.namespace, type: "restart", exit_code: 137, signal: null, reason: "OOMKilled", message: null });
  }
  return { startMs, endMs, containers: cs, metrics, events };
}

function value(metric, ci, t, startMs) {
  const s = (t - startMs) / 1000;
  const phase = ci * 0.7;
  switch (metric) {
    case "cpu_usage_millicores":
      return 100 + ci * 40 + 80 * Math.sin((2 * Math.PI * s) / 30 + phase) + (Math.floor(s / 600) % 2 ? 50 : 0);
    case "memory_usage_bytes":
    case "memory_pss_bytes":
      return (64 + ci * 16) * 2 ** 20 + (s % 1800) * 4096 * (ci + 1);
    case "cpu_throttled_us":
      return Math.max(0, 20000 * Math.sin(s / 60 + phase));
    case "io_read_bytes":
      return 1_000_000 * (1 + Math.sin(s / 45 + phase));
    case "io_read_ops":
      return 200 + 100 * Math.sin(s / 20 + phase);
    default:
      return 10 + 5 * Math.sin(s / 10 + phase);
  }
}

function selectContainers(ds, q) {
  const split = (k) => (q.get(k) ? q.get(k).split(",") : []);
  const ids = split("containers");
  const ns = split("namespace");
  const qos = split("qos_class");
  const search = (q.get("search") ?? "").toLowerCase();
  const labels = split("labels").map((kv) => kv.split(":"));
  return ds.containers.filter(
    (c) =>
      (!ids.length || ids.includes(c.id)) &&
      (!ns.length || ns.includes(c.namespace)) &&
      (!qos.length || qos.includes(c.qos_class)) &&
      (!search || [c.container_name, c.pod_name, c.namespace, c.id].some((x) => x.toLowerCase().includes(search))) &&
      labels.every(([k, v]) => c.labels[k] === v),
  );
}

function window(ds, q) {
  if (q.has("from") || q.has("to")) return [Number(q.get("from") ?? ds.startMs), Number(q.get("to") ?? ds.endMs)];
  const r = q.get("range") ?? "1h";
  const m = /^(\d+)(m|h|d)$/.exec(r);
  const span = m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]] : Infinity;
  return [Math.max(ds.startMs, ds.endMs - span), ds.endMs];
}

export function answer(ds, pathname, q) {
  const [from, to] = window(ds, q);
  switch (pathname) {
    case "/api/health":
      return [200, { status: "ok", files: 1, newest_ms: ds.endMs }];
    case "/api/instance":
      return [200, { node_name: "n1", cluster_name: null, pod_name: null, identifier: "n1", version: "fake", live: false }];
    case "/api/metrics":
      return [200, { metrics: ds.metrics }];
    case "/api/filters": {
      const label_keys = {};
      for (const c of ds.containers) for (const [k, v] of Object.entries(c.labels)) (label_keys[k] ??= []).includes(v) || label_keys[k].push(v);
      return [200, { namespaces: [...new Set(ds.containers.map((c) => c.namespace))].sort(), qos_classes: [...new Set(ds.containers.map((c) => c.qos_class))].sort(), label_keys, from_ms: ds.startMs, to_ms: ds.endMs }];
    }
    case "/api/containers":
      return [200, { containers: selectContainers(ds, q).filter((c) => c.last_seen_ms >= from && c.first_seen_ms < to) }];
    case "/api/events": {
      const ids = new Set(selectContainers(ds, q).map((c) => c.id));
      return [200, { events: ds.events.filter((e) => ids.has(e.container) && e.time_ms >= from && e.time_ms < to) }];
    }
    case "/api/studies":
      return [200, { studies: ["periodicity", "changepoint", "trend", "correlation"].map((id) => ({ id, name: id[0].toUpperCase() + id.slice(1), description: id, parameters: [] })) }];
    case "/api/timeseries": {
      const metric = q.get("metric");
      const mi = ds.metrics.find((m) => m.name === metric);
      if (!mi) return [404, { error: `unknown metric ${metric}` }];
      const maxPoints = Number(q.get("max_points") ?? 2000);
      const step = Math.max(1000, Math.ceil((to - from) / maxPoints / 1000) * 1000);
      const series = [];
      for (const c of selectContainers(ds, q)) {
        const ci = ds.containers.indexOf(c) % 1000;
        const t = [], avg = [], min = [], max = [];
        for (let b = Math.ceil(from / step) * step; b < to; b += step) {
          if (b < c.first_seen_ms || b > c.last_seen_ms) continue;
          t.push(b);
          const v = value(metric, ci, b, ds.startMs);
          avg.push(v);
          min.push(v * 0.9);
          max.push(v * 1.1);
        }
        if (t.length) series.push({ container: c.id, container_name: c.container_name, pod_name: c.pod_name, namespace: c.namespace, t, avg, min, max });
      }
      return [200, { metric, unit: mi.unit, from_ms: from, to_ms: to, step_ms: step, series }];
    }
    default:
      if (pathname.startsWith("/api/study/")) {
        const id = pathname.slice(11);
        const cs = selectContainers(ds, q);
        const results = cs.slice(0, id === "correlation" ? 1 : 3).map((c) => {
          const r = { container: c.id, container_name: c.container_name, summary: "", windows: [] };
          if (id === "periodicity") {
            r.summary = "period 30 s (confidence 0.92)";
            r.periods = [{ period_s: 30, confidence: 0.92 }];
            r.windows = [{ start_ms: from + (to - from) * 0.2, end_ms: from + (to - from) * 0.4, label: "30 s", metrics: { period_s: 30 } }];
          } else if (id === "changepoint") {
            r.summary = "1 change point";
            r.changepoints = [{ time_ms: Math.round(from + (to - from) / 2), before: 120, after: 170 }];
          } else if (id === "trend") {
            r.summary = "rising 4 KiB/s";
            r.trend = { slope_per_s: 4096, mann_kendall_z: 5, p_value: 0.001, line: { t0_ms: from, v0: 64 * 2 ** 20, t1_ms: to, v1: 80 * 2 ** 20 }, limit: 96 * 2 ** 20, breach_ms: to + (to - from) };
          } else if (id === "correlation") {
            r.summary = "";
            r.correlations = cs.slice(1, 4).map((o, k) => ({ container: o.id, container_name: o.container_name, metric: ds.metrics[k % 2].name, r: 0.9 - k * 0.1, lag_s: k * 2 }));
          } else return null;
          return r;
        });
        if (results.includes(null)) return [404, { error: `unknown study ${id}` }];
        return [200, { study: id, metric: q.get("metric"), results }];
      }
      return [404, { error: `unknown path ${pathname}` }];
  }
}

export async function startFakeViewer({ uiDir, dataset, dashboards = {} }) {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const send = (status, body, type = "application/json") => {
      res.writeHead(status, { "Content-Type": type });
      res.end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    if (url.pathname.startsWith("/api/")) return send(...answer(dataset, url.pathname, url.searchParams));
    if (url.pathname.startsWith("/dashboards/")) {
      const d = dashboards[url.pathname.slice(12)];
      return d ? send(200, d) : send(404, { error: "unknown dashboard" });
    }
    const file = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    if (!/^[a-z]+\.(html|js|css)$/.test(file)) return send(404, { error: "not found" });
    try {
      send(200, await readFile(path.join(uiDir, file)), types[path.extname(file)]);
    } catch {
      send(404, { error: "not found" });
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const args = process.argv.slice(2);
  const get = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
  const dataset = makeDataset({ containers: Number(get("--containers", 6)), hours: Number(get("--hours", 1)) });
  const { url } = await startFakeViewer({ uiDir: get("--ui"), dataset });
  console.log(`listening on ${url}`);
}

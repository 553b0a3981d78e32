// SPDX-License-Identifier: Apache-2.0
// The Engine layer (web/src/engine.ts): query building and the typed helpers over any Engine,
// checked with a recording Engine (the same seam the export's WASM engine plugs into).
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadUi } from "../lib.mjs";

const ui = await loadUi();

class Recorder {
  calls = [];
  constructor(answer) {
    this.answer = answer;
  }
  async request(path, params) {
    this.calls.push(ui.buildQuery(path, params));
    return this.answer;
  }
}

test("buildQuery skips empty values and encodes", () => {
  assert.equal(ui.buildQuery("/api/x"), "/api/x");
  assert.equal(ui.buildQuery("/api/x", { a: "", b: null, c: undefined, d: 0, e: "a b,c" }), "/api/x?d=0&e=a+b%2Cc");
});

test("selection params: absolute beats relative, lists are comma-joined", () => {
  assert.deepEqual(ui.selectionParams({ range: "1h" }), { range: "1h" });
  assert.deepEqual(ui.selectionParams({ range: "1h", from: 1, to: 2 }), { from: 1, to: 2 });
  assert.deepEqual(
    ui.selectionParams({ containers: ["a", "b"], namespace: ["n"], qos_class: ["burstable", "guaranteed"], search: "web", labels: { app: "x", t: "y" } }),
    { containers: "a,b", namespace: "n", qos_class: "burstable,guaranteed", search: "web", labels: "app:x,t:y" },
  );
});

test("Api calls the documented paths", async () => {
  const r = new Recorder({ metrics: [{ name: "m" }], containers: [], events: [], studies: [] });
  const api = new ui.Api(r);
  assert.deepEqual(await api.metrics(), [{ name: "m" }]);
  await api.timeseries("cpu_usage_millicores", { range: "6h", containers: ["a"] }, 800);
  await api.study("trend", "memory_usage_bytes", { from: 5, to: 9 });
  await api.events({ namespace: ["ns"] });
  await api.containers({ range: "all", containers: ["ignored"] });
  await api.dashboard("todo app.json");
  assert.deepEqual(r.calls, [
    "/api/metrics",
    "/api/timeseries?metric=cpu_usage_millicores&range=6h&containers=a&max_points=800",
    "/api/study/trend?metric=memory_usage_bytes&from=5&to=9",
    "/api/events?namespace=ns",
    "/api/containers?range=all",
    "/dashboards/todo%20app.json",
  ]);
});

test("EngineError carries status and path", () => {
  const e = new ui.EngineError(404, "unknown study", "/api/study/x");
  assert.equal(e.status, 404);
  assert.equal(e.path, "/api/study/x");
  assert.ok(e instanceof Error);
});

test("HttpEngine: JSON in, API errors as EngineError, at most 3 requests in flight", async () => {
  const realFetch = globalThis.fetch;
  let inFlight = 0;
  let maxInFlight = 0;
  const urls = [];
  globalThis.fetch = async (url) => {
    urls.push(url);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    if (url.includes("bad")) return new Response(JSON.stringify({ error: "metric must be one of ..." }), { status: 400 });
    if (url.includes("html")) return new Response("<html>", { status: 502 });
    return new Response(JSON.stringify({ url }), { status: 200 });
  };
  try {
    const e = new ui.HttpEngine("http://h");
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => e.request("/api/x", { i })));
    assert.deepEqual(answers.map((a) => a.url), Array.from({ length: 10 }, (_, i) => `http://h/api/x?i=${i}`));
    assert.equal(maxInFlight, 3);
    await assert.rejects(e.request("/api/bad"), (err) => err instanceof ui.EngineError && err.status === 400 && /must be one of/.test(err.message));
    await assert.rejects(e.request("/html"), (err) => err.status === 502 && /non-JSON/.test(err.message));
    globalThis.fetch = async () => {
      throw new TypeError("Failed to fetch");
    };
    await assert.rejects(e.request("/api/y"), (err) => err.status === 0 && /cannot reach the viewer/.test(err.message));
  } finally {
    globalThis.fetch = realFetch;
  }
});

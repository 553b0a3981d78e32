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

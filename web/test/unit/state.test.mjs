// SPDX-License-Identifier: Apache-2.0
// View state and its URL form (web/src/state.ts): a copied link must reproduce the view.
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadUi } from "../lib.mjs";

const ui = await loadUi();

test("default state is an empty query", () => {
  assert.equal(ui.stateToQuery(ui.defaultState()), "");
  assert.deepEqual(ui.queryToState(""), ui.defaultState());
});

test("every field round-trips through the URL", () => {
  const s = ui.defaultState();
  s.panels = [
    { metric: "cpu_usage_millicores", study: "periodicity" },
    { metric: "memory_usage_bytes" },
    { metric: "io_read_bytes", study: "trend", container: "abc123def456" },
    { metric: "pids_current", container: "ffff" },
  ];
  s.from = 1764000000000;
  s.to = 1764003600000;
  s.filters = { namespace: ["default", "fgm-run-ab12"], qos: ["burstable"], search: "web server", labels: { app: "todo", tier: "db:primary" } };
  s.containers = ["a1", "b2"];
  s.groupBy = "instance";
  s.live = true;
  s.theme = "dark";
  s.isolate = "ns/pod/web";
  s.dashboard = "todo.json";
  s.vars = { RUN_ID: "ab12cd34" };
  const q = ui.stateToQuery(s);
  assert.deepEqual(ui.queryToState(q), s);
  assert.deepEqual(ui.queryToState("?" + q), s);
  // Panel order is part of the view.
  assert.match(q, /panel=cpu_usage_millicores%3Aperiodicity&panel=memory_usage_bytes/);
});

test("relative ranges round-trip and absolute wins", () => {
  for (const r of ["5m", "6h", "24h", "all", "7d"]) {
    const s = ui.defaultState();
    s.range = r;
    assert.equal(ui.queryToState(ui.stateToQuery(s)).range, r);
  }
  const s = ui.queryToState("range=6h&from=1000&to=5000");
  assert.equal(ui.isAbsolute(s), true);
  assert.deepEqual(ui.windowFor(s, 99999, 0), [1000, 5000]);
});

test("malformed values fall back to defaults", () => {
  const s = ui.queryToState("range=forever&from=abc&to=10&theme=purple&group=x&live=yes&panel=&panel=:trend");
  assert.equal(s.range, "1h");
  assert.equal(ui.isAbsolute(s), false);
  assert.equal(s.theme, "auto");
  assert.equal(s.groupBy, "name");
  assert.equal(s.live, false);
  assert.deepEqual(s.panels, []);
  // to before from is not a range.
  assert.equal(ui.isAbsolute(ui.queryToState("from=5000&to=1000")), false);
});

test("unknown parameters become dashboard variables", () => {
  const s = ui.queryToState("dashboard=todo&RUN_ID=ab12&NAMESPACE=fgm-run-ab12");
  assert.deepEqual(s.vars, { RUN_ID: "ab12", NAMESPACE: "fgm-run-ab12" });
  assert.equal(s.dashboard, "todo");
});

test("relative windows end at the newest sample and clamp to the oldest", () => {
  const s = ui.defaultState();
  s.range = "1h";
  assert.deepEqual(ui.windowFor(s, 10_000_000, 0), [10_000_000 - 3_600_000, 10_000_000]);
  assert.deepEqual(ui.windowFor(s, 10_000_000, 9_000_000), [9_000_000, 10_000_000]);
  s.range = "all";
  assert.deepEqual(ui.windowFor(s, 10_000_000, 5), [5, 10_000_000]);
  assert.equal(ui.rangeMs("5m"), 300_000);
  assert.equal(ui.rangeMs("2d"), 172_800_000);
  assert.equal(ui.rangeMs("all"), null);
});

test("group keys: restarts share a key by name, not by instance", () => {
  const a = { container: "id1", container_name: "web", pod_name: "todo", namespace: "ns" };
  const b = { ...a, container: "id2" };
  assert.equal(ui.groupKey(a, "name"), ui.groupKey(b, "name"));
  assert.notEqual(ui.groupKey(a, "instance"), ui.groupKey(b, "instance"));
});

// SPDX-License-Identifier: Apache-2.0
// Dashboards, schema_version 1 (web/src/dashboard.ts): validation, {{VAR}} templating, filters and
// the from_containers time range.
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadUi } from "../lib.mjs";

const ui = await loadUi();

const todo = {
  schema_version: 1,
  name: "todo-app {{RUN_ID}}",
  containers: { namespace: "fgm-run-{{RUN_ID}}", label_selector: "app=todo,tier={{TIER}}", name_pattern: "^(frontend|backend)" },
  time_range: { mode: "from_containers", padding_seconds: 30 },
  panels: [
    { metric: "cpu_usage_millicores", title: "CPU", study: "periodicity" },
    { metric: "memory_usage_bytes", title: "Memory {{RUN_ID}}" },
  ],
};

test("templates fill from URL variables, recursively", () => {
  const r = ui.parseDashboard(todo, { RUN_ID: "ab12", TIER: "web" });
  assert.equal(r.ok, true, r.error);
  const d = r.value;
  assert.equal(d.name, "todo-app ab12");
  assert.equal(d.containers.namespace, "fgm-run-ab12");
  assert.equal(d.containers.label_selector, "app=todo,tier=web");
  assert.equal(d.panels[1].title, "Memory ab12");
  assert.deepEqual(d.panels[0], { metric: "cpu_usage_millicores", title: "CPU", study: "periodicity" });
  assert.deepEqual(d.time_range, { mode: "from_containers", padding_seconds: 30 });
});

test("a missing variable is an error that names it and says how to fix it", () => {
  const r = ui.parseDashboard(todo, { RUN_ID: "ab12" });
  assert.equal(r.ok, false);
  assert.match(r.error, /\{\{TIER\}\}/);
  assert.match(r.error, /TIER=/);
});

test("invalid dashboards are rejected with the field at fault", () => {
  assert.match(ui.parseDashboard({ ...todo, schema_version: 2 }, {}).error, /schema_version/);
  assert.match(ui.parseDashboard(null, {}).error, /not a JSON object/);
  assert.match(ui.parseDashboard({ schema_version: 1, panels: [] }, {}).error, /no panels/);
  assert.match(ui.parseDashboard({ schema_version: 1, panels: [{ title: "x" }] }, {}).error, /panels\[0\]\.metric/);
  assert.match(ui.parseDashboard({ schema_version: 1, panels: [{ metric: "m" }], time_range: { mode: "fixed" } }, {}).error, /time_range\.mode/);
  assert.match(ui.parseDashboard({ schema_version: 1, panels: [{ metric: "m" }], containers: { name_pattern: "(" } }, {}).error, /name_pattern/);
  const minimal = ui.parseDashboard({ schema_version: 1, panels: [{ metric: "m" }] }, {});
  assert.equal(minimal.ok, true);
  assert.equal(minimal.value.time_range, null);
});

test("applying a dashboard sets panels and filters; URL panels and labels win", () => {
  const d = ui.parseDashboard(todo, { RUN_ID: "ab12", TIER: "web" }).value;
  const s = ui.applyDashboard(ui.defaultState(), d);
  assert.deepEqual(s.panels.map((p) => p.metric), ["cpu_usage_millicores", "memory_usage_bytes"]);
  assert.deepEqual(s.filters.namespace, ["fgm-run-ab12"]);
  assert.deepEqual(s.filters.labels, { app: "todo", tier: "web" });
  const mine = ui.defaultState();
  mine.panels = [{ metric: "pids_current" }];
  mine.filters.labels = { tier: "db" };
  const s2 = ui.applyDashboard(mine, d);
  assert.deepEqual(s2.panels, [{ metric: "pids_current" }]);
  assert.equal(s2.filters.labels.tier, "db");
});

test("name pattern and from_containers window", () => {
  const d = ui.parseDashboard(todo, { RUN_ID: "x", TIER: "y" }).value;
  assert.equal(ui.matchesNamePattern(d, { container_name: "frontend", pod_name: "p" }), true);
  assert.equal(ui.matchesNamePattern(d, { container_name: "postgres", pod_name: "db" }), false);
  const w = ui.dashboardWindow(d, [
    { first_seen_ms: 100_000, last_seen_ms: 200_000 },
    { first_seen_ms: 50_000, last_seen_ms: 150_000 },
  ]);
  assert.deepEqual(w, [20_000, 230_000]);
  assert.equal(ui.dashboardWindow(d, []), null);
});

test("label selectors", () => {
  assert.deepEqual(ui.parseLabelSelector("app=web, tier==db,env:prod"), { app: "web", tier: "db", env: "prod" });
  assert.deepEqual(ui.parseLabelSelector(undefined), {});
});

// SPDX-License-Identifier: Apache-2.0
// Aligning API series into uPlot columns and the legend statistics (web/src/series.ts).
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadUi } from "../lib.mjs";

const ui = await loadUi();

const web1 = { container: "id1", container_name: "web", pod_name: "todo", namespace: "ns", t: [1000, 2000, 3000], avg: [1, 2, null], min: [0.5, 2, null], max: [1.5, 9, null] };
// The same container restarted: a new id, later buckets.
const web2 = { container: "id2", container_name: "web", pod_name: "todo", namespace: "ns", t: [4000, 5000], avg: [4, 5], min: [4, 5], max: [4, 5] };
const db = { container: "id3", container_name: "db", pod_name: "pg", namespace: "ns", t: [2000, 5000], avg: [10, 20], min: [10, 20], max: [10, 20] };

test("restarts of one name merge into one group; gaps stay null, missing buckets undefined", () => {
  const a = ui.alignSeries({ series: [web1, web2, db] }, "name");
  assert.deepEqual(a.xs, [1, 2, 3, 4, 5]);
  assert.deepEqual(a.groups.map((g) => g.label), ["pg/db", "todo/web"]);
  const web = a.groups[1];
  assert.deepEqual(web.containers, ["id1", "id2"]);
  assert.deepEqual(web.values, [1, 2, null, 4, 5]);
  const dbg = a.groups[0];
  assert.deepEqual(dbg.values, [undefined, 10, undefined, undefined, 20]);
});

test("per-instance grouping keeps restarts apart", () => {
  const a = ui.alignSeries({ series: [web1, web2] }, "instance");
  assert.equal(a.groups.length, 2);
  assert.match(a.groups[0].label, /\(id1\)$/);
});

test("legend stats use bucket min/max so spikes survive downsampling", () => {
  const a = ui.alignSeries({ series: [web1, web2] }, "name");
  const s = ui.groupStats(a, a.groups[0]);
  assert.equal(s.last, 5);
  assert.equal(s.min, 0.5);
  assert.equal(s.max, 9);
  assert.equal(s.mean, (1 + 2 + 4 + 5) / 4);
  // Restricted to the visible window [3 s, 4 s].
  const w = ui.groupStats(a, a.groups[0], 3, 4);
  assert.deepEqual(w, { last: 4, min: 4, max: 4, mean: 4 });
  const none = ui.groupStats(a, a.groups[0], 100, 200);
  assert.deepEqual(none, { last: null, min: null, max: null, mean: null });
});

test("closest index", () => {
  assert.equal(ui.closestIndex([], 3), -1);
  assert.equal(ui.closestIndex([1, 2, 4, 8], 5), 2);
  assert.equal(ui.closestIndex([1, 2, 4, 8], 7), 3);
  assert.equal(ui.closestIndex([1, 2, 4, 8], -3), 0);
});

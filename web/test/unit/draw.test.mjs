// SPDX-License-Identifier: Apache-2.0
// The per-frame drawing helpers behind smooth zoom/pan: min/max decimation of a series during a
// gesture (web/src/decimate.ts) and the time-sorted event index (web/src/event_index.ts).
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadUi } from "../lib.mjs";

const ui = await loadUi();

/// A PathSink that records what would be drawn.
function recorder() {
  const ops = [];
  return { ops, moveTo: (x, y) => ops.push(["M", x, y]), lineTo: (x, y) => ops.push(["L", x, y]) };
}
const id = (v) => v;

test("minMaxPath keeps each bucket's min and max in time order, at the bucket's first x", () => {
  const xs = [0, 1, 2, 3, 4, 5];
  const ys = [5, 9, 1, 4, 4, 7];
  const r = recorder();
  // Buckets of 3 px: [0,1,2] min 1 (i=2) after max 9 (i=1); [3,4,5] min 4 (i=3) before max 7.
  const n = ui.minMaxPath(xs, ys, 0, 5, id, id, 3, r);
  assert.equal(n, 4);
  assert.deepEqual(r.ops, [["M", 0, 9], ["L", 0, 1], ["L", 3, 4], ["L", 3, 7]]);
});

test("minMaxPath: a spike inside a wide bucket survives; one point per bucket when flat", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i);
  const ys = xs.map((i) => (i === 57 ? 1000 : 1));
  const r = recorder();
  ui.minMaxPath(xs, ys, 0, 99, id, id, 10, r);
  assert.ok(r.ops.some(([, , y]) => y === 1000), "the spike is drawn");
  // 10 buckets: 9 flat (one point each) and the spike's (two points).
  assert.equal(r.ops.length, 11);
  assert.ok(r.ops.length < xs.length / 4, "far fewer points than the input");
});

test("minMaxPath: null breaks the line, undefined is joined across, [i0, i1] is inclusive", () => {
  const xs = [0, 10, 20, 30, 40, 50];
  const r = recorder();
  ui.minMaxPath(xs, [1, 2, null, 3, undefined, 4], 0, 5, id, id, 5, r);
  assert.deepEqual(r.ops, [["M", 0, 1], ["L", 10, 2], ["M", 30, 3], ["L", 50, 4]]);
  const part = recorder();
  ui.minMaxPath(xs, [1, 2, 3, 4, 5, 6], 2, 3, id, id, 5, part);
  assert.deepEqual(part.ops, [["M", 20, 3], ["L", 30, 4]]);
});

test("minMaxPath maps through the x and y pixel functions", () => {
  const r = recorder();
  ui.minMaxPath([100, 200], [1, 2], 0, 1, (x) => x / 100, (y) => 50 - y * 10, 1, r);
  assert.deepEqual(r.ops, [["M", 1, 40], ["L", 2, 30]]);
});

const ev = (t, type) => ({ time_ms: t * 1000, type, container: "c", container_name: "c", pod_name: "p", namespace: "n", exit_code: null, signal: null, reason: null, message: null });

test("EventIndex sorts by time and finds the events of a window by binary search", () => {
  const events = [ev(30, "restart"), ev(10, "started"), ev(20, "oom_kill"), ev(20, "exit"), ev(40, "stopped")];
  const idx = new ui.EventIndex(events);
  assert.equal(idx.source, events);
  assert.deepEqual(Array.from(idx.sec), [10, 20, 20, 30, 40]);
  assert.deepEqual(idx.range(20, 30), [1, 4]);
  assert.deepEqual(idx.range(21, 29), [3, 3]);
  assert.deepEqual(idx.range(0, 100), [0, 5]);
  assert.deepEqual(idx.range(41, 50), [5, 5]);
  assert.equal(ui.severity("oom_kill") > ui.severity("restart"), true);
  assert.equal(ui.severity("something else"), -1);
});

test("EventIndex.columns keeps the most severe type per pixel column, within the plot", () => {
  const idx = new ui.EventIndex([ev(1, "oom_kill"), ev(1.04, "started"), ev(1.4, "restart"), ev(5, "exit"), ev(50, "stopped"), ev(6, "unknown")]);
  // 10 px per second, plot from x=5 to x=65.
  const cols = idx.columns(0, idx.length, (s) => s * 10, 5, 60);
  assert.equal(cols[10 - 5], ui.severity("oom_kill"), "1.0 s and 1.04 s share column 10: the OOM kill wins");
  assert.equal(cols[14 - 5], ui.severity("restart"));
  assert.equal(cols[50 - 5], ui.severity("exit"));
  assert.equal(cols[60 - 5], -1, "an unknown type draws nothing");
  assert.equal(cols.filter((c) => c >= 0).length, 3, "the event at 500 px is outside the plot");
});

test("EventIndex.buckets: one marker per bucket, the most severe event on top, contiguous runs", () => {
  const idx = new ui.EventIndex([ev(0.1, "started"), ev(0.3, "oom_kill"), ev(0.5, "restart"), ev(2, "exit"), ev(100, "stopped")]);
  const b = idx.buckets(0, idx.length, (s) => s * 10, 50, 8);
  assert.equal(b.length, 2, "x=1,3,5 share a bucket, 20 another, 1000 is outside");
  assert.deepEqual([b[0].first, b[0].end, b[0].top, b[0].x], [0, 3, 1, 3]);
  assert.deepEqual([b[1].first, b[1].end, b[1].top, b[1].x], [3, 4, 3, 20]);
});

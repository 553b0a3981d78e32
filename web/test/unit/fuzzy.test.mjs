// SPDX-License-Identifier: Apache-2.0
// Fuzzy metric search (web/src/fuzzy.ts): ranking, typos, term order, highlighting, and the
// per-keystroke cost over 10,000 names.
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadUi } from "../lib.mjs";

const ui = await loadUi();

const metrics = [
  "cpu_usage_millicores", "cpu_user_millicores", "cpu_system_millicores", "cpu_limit_millicores",
  "cpu_throttled_fraction", "cpu_nr_throttled", "memory_usage_bytes", "memory_limit_bytes",
  "memory_anon_bytes", "memory_file_bytes", "memory_rss_bytes", "memory_pss_bytes",
  "memory_oom_kill", "io_read_bytes", "io_write_bytes", "io_read_ops", "io_write_ops",
  "cpu_pressure_some_us", "memory_pressure_full_us", "io_pressure_some_us", "pids_current",
];
const names = (hits) => hits.map((h) => metrics[h.index]);

test("prefix and word matches rank first", () => {
  const idx = new ui.FuzzyIndex(metrics);
  assert.equal(names(idx.search("mem usage"))[0], "memory_usage_bytes");
  assert.equal(names(idx.search("pss"))[0], "memory_pss_bytes");
  assert.equal(names(idx.search("throttled"))[0].startsWith("cpu_"), true);
  const cpu = names(idx.search("cpu"));
  assert.ok(cpu.length >= 6);
  assert.ok(cpu.every((n) => n.includes("cpu")));
});

test("terms in any order and one typo still match", () => {
  const idx = new ui.FuzzyIndex(metrics);
  assert.equal(names(idx.search("bytes write io"))[0], "io_write_bytes");
  assert.ok(names(idx.search("memroy usage")).includes("memory_usage_bytes"));
});

test("no match and empty query", () => {
  const idx = new ui.FuzzyIndex(metrics);
  assert.deepEqual(idx.search("zzzzqqq"), []);
  assert.equal(idx.search("").length, metrics.length);
  assert.equal(idx.search("", 3).length, 3);
});

test("highlight ranges split the name", () => {
  const idx = new ui.FuzzyIndex(metrics);
  const hit = idx.search("pss")[0];
  const parts = ui.highlightParts(metrics[hit.index], hit.ranges);
  assert.equal(parts.map((p) => p[0]).join(""), "memory_pss_bytes");
  assert.deepEqual(parts.filter((p) => p[1]).map((p) => p[0]), ["pss"]);
  assert.deepEqual(ui.highlightParts("abc", []), [["abc", false]]);
});

test("typing letter by letter ranks like a fresh search", () => {
  const typed = new ui.FuzzyIndex(metrics);
  for (const q of ["memory pss", "cpu thr", "io write bytes", "memroy usage", "pressure some"]) {
    for (let k = 1; k <= q.length; k++) {
      const fresh = new ui.FuzzyIndex(metrics).search(q.slice(0, k));
      assert.deepEqual(names(typed.search(q.slice(0, k))), names(fresh), `after typing "${q.slice(0, k)}"`);
    }
    typed.search("");
  }
});

test("one character ranks word starts first", () => {
  const idx = new ui.FuzzyIndex(["xx_apple", "banana", "a_b", "cab"]);
  assert.deepEqual(idx.search("a").map((h) => h.index), [2, 0, 1, 3]);
  assert.deepEqual(idx.search("a")[1].ranges, [3, 4]);
});

test("a keystroke over 10,000 names takes well under 5 ms (median)", () => {
  const words = ["cpu", "memory", "io", "net", "pressure", "usage", "limit", "bytes", "ops", "some", "full", "rss", "pss", "anon", "file", "read", "write", "throttled"];
  const many = [];
  for (let i = 0; i < 10000; i++) many.push(`${words[i % 18]}_${words[(i * 7) % 18]}_${words[(i * 13) % 18]}_${i}`);
  const idx = new ui.FuzzyIndex(many);
  const typed = "mem pres ful";
  const times = [];
  for (let round = 0; round < 5; round++) {
    for (let k = 1; k <= typed.length; k++) {
      const t0 = performance.now();
      idx.search(typed.slice(0, k));
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  // Generous vs the 5 ms goal: node in a loaded CI box is slower than Chromium on a desktop.
  assert.ok(median < 5, `median ${median.toFixed(2)} ms`);
  // The full name, words separated by spaces, finds that very name first.
  assert.equal(idx.search(many[4321].replaceAll("_", " "))[0].index, 4321);
});

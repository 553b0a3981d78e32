// SPDX-License-Identifier: Apache-2.0
// Value and axis formatting for every API unit (web/src/units.ts).
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadUi } from "../lib.mjs";

const ui = await loadUi();

test("millicores read as m below one core and cores above", () => {
  assert.equal(ui.formatValue(250, "millicores"), "250m");
  assert.equal(ui.formatValue(0, "millicores"), "0m");
  assert.equal(ui.formatValue(12.345, "millicores"), "12.3m");
  assert.equal(ui.formatValue(1500, "millicores"), "1.5 cores");
  assert.equal(ui.formatValue(4000, "millicores"), "4 cores");
});

test("bytes use IEC units", () => {
  assert.equal(ui.formatValue(512, "bytes"), "512 B");
  assert.equal(ui.formatValue(1024, "bytes"), "1 KiB");
  assert.equal(ui.formatValue(100 * 1024 * 1024, "bytes"), "100 MiB");
  assert.equal(ui.formatValue(1.5 * 1024 ** 3, "bytes"), "1.5 GiB");
  assert.equal(ui.formatValue(3 * 1024 ** 4, "bytes"), "3 TiB");
  assert.equal(ui.formatValue(2048, "bytes/s"), "2 KiB/s");
});

test("rates, percent, µs/s and missing values", () => {
  assert.equal(ui.formatValue(999, "us/s"), "999 µs/s");
  assert.equal(ui.formatValue(250000, "us/s"), "250 ms/s");
  assert.equal(ui.formatValue(2e6, "us/s"), "2 s/s");
  assert.equal(ui.formatValue(12, "count/s"), "12 ops/s");
  assert.equal(ui.formatValue(12500, "count/s"), "12.5 kops/s");
  assert.equal(ui.formatValue(42.123, "%"), "42.1%");
  assert.equal(ui.formatValue(null, "bytes"), "—");
  assert.equal(ui.formatValue(NaN, "bytes"), "—");
  assert.equal(ui.formatValue(-1536, "bytes"), "-1.5 KiB");
  assert.equal(ui.formatValue(5, "pids"), "5 pids");
  assert.equal(ui.formatValue(7, "count"), "7");
  assert.equal(ui.formatValue(0.25, "ratio"), "25%");
  assert.equal(ui.formatValue(0.0123, "ratio"), "1.23%");
  assert.equal(ui.formatValue(100000, "us"), "100 ms");
  assert.equal(ui.formatValue(500, "us"), "500 µs");
});

test("axis ticks share one scale and step-based decimals", () => {
  assert.deepEqual(ui.formatTicks([0, 500, 1000, 1500], "millicores"), ["0 cores", "0.5 cores", "1 cores", "1.5 cores"]);
  assert.deepEqual(ui.formatTicks([0, 100, 200, 300], "millicores"), ["0m", "100m", "200m", "300m"]);
  const mib = 1024 * 1024;
  assert.deepEqual(ui.formatTicks([0, 256 * mib, 512 * mib, 768 * mib], "bytes"), ["0 MiB", "256 MiB", "512 MiB", "768 MiB"]);
  assert.deepEqual(ui.formatTicks([0, 512 * mib, 1024 * mib, 1536 * mib], "bytes"), ["0 GiB", "0.5 GiB", "1 GiB", "1.5 GiB"]);
  assert.deepEqual(ui.formatTicks([0, 0.25, 0.5], "%"), ["0%", "0.25%", "0.5%"]);
  assert.deepEqual(ui.formatTicks([], "%"), []);
  assert.deepEqual(ui.formatTicks([0, 0.25, 0.5, 0.75, 1], "ratio"), ["0%", "25%", "50%", "75%", "100%"]);
  assert.deepEqual(ui.formatTicks([0, 0.005, 0.01], "ratio"), ["0%", "0.5%", "1%"]);
});

test("byte axes step by powers of two of IEC units", () => {
  const incrs = ui.axisIncrements("bytes");
  assert.ok(incrs.includes(256 * 1024 * 1024));
  assert.ok(incrs.includes(1024 ** 3));
  assert.ok(!incrs.includes(100 * 1024 * 1024));
  assert.ok(ui.axisIncrements("millicores").includes(250));
});

test("unit labels and durations", () => {
  assert.equal(ui.unitLabel("us/s"), "µs/s");
  assert.equal(ui.unitLabel("count/s"), "ops/s");
  assert.equal(ui.unitLabel("bytes"), "bytes (IEC)");
  assert.equal(ui.formatDuration(30_000), "30 s");
  assert.equal(ui.formatDuration(90_000), "1m 30s");
  assert.equal(ui.formatDuration(3_600_000), "1h");
  assert.equal(ui.formatDuration(3 * 86_400_000 + 7_200_000), "3d 2h");
});

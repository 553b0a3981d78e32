// SPDX-License-Identifier: Apache-2.0
// End-to-end test of the viewer UI: a real `fgm viewer` on data from `fgm generate-bench-data`,
// driven in Debian's headless Chromium by clicks and keys. Every feature is exercised, a
// screenshot per view is saved under --artifacts and checked (plot area has ink, the y axis
// carries the metric's unit), and any console error, page error or failed request fails the test.
//   node web/test/e2e.mjs --fgm build/src/apps/fgm/fgm --artifacts build/webui-e2e
// (--fake-ui DIR runs the same steps against web/test/fake_viewer.mjs, for UI development only.)
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { countInk, launchChromium, run, startViewer, stopProcess } from "./browser.mjs";

const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const fgm = opt("--fgm");
const fakeUi = opt("--fake-ui");
const artifacts = path.resolve(opt("--artifacts", "webui-e2e"));
// The dashboard under test (schema_version 1): templated namespace, label and name filters, a
// from_containers range and two panels, one with a study.
const kDashboard = {
  schema_version: 1,
  name: "e2e {{NS}}",
  containers: { namespace: "{{NS}}", label_selector: "{{LABEL}}", name_pattern: "{{NAME}}" },
  time_range: { mode: "from_containers", padding_seconds: 30 },
  panels: [
    { metric: "cpu_usage_millicores", title: "CPU in {{NS}}", study: "periodicity" },
    { metric: "memory_working_set_bytes", title: "Working set" },
  ],
};
// Whole-test budget: ctest's TIMEOUT is the hard stop; this one fails with a readable message.
const kBudgetMs = 110_000;
// A chart with data draws thousands of coloured pixels; axes and grid draw none. 200 is far
// below any real series and far above anti-aliasing noise.
const kMinInk = 200;

const kUnitSuffix = {
  millicores: /(\dm|cores)$/,
  bytes: /\d (B|KiB|MiB|GiB|TiB)$/,
  "bytes/s": /\d (B|KiB|MiB|GiB|TiB)\/s$/,
  "us/s": /\d (µs|ms|s)\/s$/,
  "count/s": /ops\/s$/,
  "%": /%$/,
  ratio: /%$/,
  us: /\d (µs|ms|s)$/,
};

const started = Date.now();
const problems = [];
let viewer = null;
let browser = null;
let dataDir = null;
let shotNo = 0;

async function main() {
  await mkdir(artifacts, { recursive: true });
  let url;
  if (fakeUi) {
    const { startFakeViewer, makeDataset } = await import("./fake_viewer.mjs");
    kDashboard.panels[1].metric = "memory_usage_bytes";
    const v = await startFakeViewer({ uiDir: fakeUi, dataset: makeDataset({ containers: 8, hours: 1 }), dashboards: { "e2e.json": kDashboard } });
    url = v.url;
    viewer = { fake: v.server };
  } else {
    assert.ok(fgm, "usage: e2e.mjs --fgm PATH_TO_FGM [--artifacts DIR]");
    dataDir = await mkdtemp(path.join(os.tmpdir(), "fgm-ui-e2e-"));
    // 20 minutes of the realistic scenario: restarts, OOM kills, periodic and leaking containers,
    // generated in a few seconds.
    await run(fgm, ["generate-bench-data", "--scenario", "realistic", "--duration", "20m", "--containers", "12", "-o", dataDir]);
    const dashDir = path.join(dataDir, "dashboards");
    await mkdir(dashDir);
    await writeFile(path.join(dashDir, "e2e.json"), JSON.stringify(kDashboard));
    const v = await startViewer(fgm, dataDir, ["--dashboards", dashDir]);
    viewer = v;
    url = v.url;
  }
  console.log(`viewer at ${url}`);

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
  const page = await context.newPage();
  watch(page);

  // ---- 1. default view: 5 panels with data, units on axes ----
  step("1. default view");
  await page.goto(url);
  await waitCharts(page, 5);
  const metrics = await page.evaluate(() => fetch("/api/metrics").then((r) => r.json()).then((j) => j.metrics));
  const unitOf = new Map(metrics.map((m) => [m.name, m.unit]));
  await checkPanels(page, "default", unitOf);
  const panelMetrics = await page.$$eval(".panel", (ps) => ps.map((p) => p.dataset.metric));
  assert.deepEqual(panelMetrics, metrics.slice(0, 5).map((m) => m.name), "default panels are the first five metrics");

  // ---- 2. metric picker: "/" focuses, typing ranks, arrows + Enter add, Esc closes ----
  step("2. metric picker");
  const target = metrics.find((m) => /memory/.test(m.name) && !panelMetrics.includes(m.name)) ?? metrics[5] ?? metrics[0];
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("metric-search")), true, "/ focuses the metric search");
  await page.keyboard.type(target.name.replaceAll("_", " ").slice(0, 14));
  await page.waitForSelector(".picker-list:not([hidden]) li.pick");
  const listed = await page.$$eval(".picker-list li.pick", (ls) => ls.map((l) => l.dataset.metric));
  const pos = listed.indexOf(target.name);
  assert.ok(pos >= 0, `picker lists ${target.name} for its own words (got ${listed.slice(0, 5)})`);
  for (let i = 0; i < pos; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  await shot(page, "picker");
  await page.keyboard.press("Enter");
  await waitCharts(page, 6);
  assert.equal(await page.$eval(".panel:last-child", (p) => p.dataset.metric), target.name);
  await page.keyboard.press("/");
  await page.keyboard.type("cpu");
  await page.keyboard.press("Escape");
  assert.equal(await page.$eval(".picker-list", (l) => l.hidden), true, "Esc closes the picker");
  await checkPanels(page, "added-panel", unitOf);

  // ---- 3. legend: click isolates, click again shows all ----
  step("3. legend");
  const rows = await page.$$(".panel:first-child .legend-row");
  assert.ok(rows.length >= 2, "first panel lists several containers");
  await rows[1].click();
  await page.waitForSelector(".panel:first-child .legend-row.isolated");
  const dimmed = await page.$$eval(".panel:first-child .legend-row.dim", (r) => r.length);
  assert.equal(dimmed, rows.length - 1, "all but the isolated row are dimmed");
  assert.match(page.url(), /iso=/);
  await shot(page, "isolated");
  await (await page.$(".panel:first-child .legend-row.isolated")).click();
  await page.waitForFunction(() => !document.querySelector(".legend-row.dim"));

  // ---- 4. synced crosshair + tooltip ----
  step("4. synced crosshair + tooltip");
  const over = await page.$(".panel:first-child .u-over");
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForFunction(() => [...document.querySelectorAll(".panel .tooltip")].filter((t) => !t.hidden).length >= 5);
  const tipText = await page.$eval(".panel:nth-child(2) .tooltip", (t) => t.textContent);
  assert.ok(tipText.length > 10, "the second panel's tooltip follows the first panel's cursor");
  await shot(page, "crosshair");

  // ---- 5. range picker: relative, then absolute ----
  step("5. range picker");
  await page.click('button.range[data-range="5m"]');
  await waitRefresh(page);
  let w = await windowOf(page);
  assert.ok(Math.abs(w[1] - w[0] - 300_000) <= 2000, `5m shows 5 minutes (got ${(w[1] - w[0]) / 1000} s)`);
  assert.match(page.url(), /range=5m/);
  await checkPanels(page, "range-5m", unitOf);
  await page.click('button.range[data-range="all"]');
  await waitRefresh(page);
  const all = await windowOf(page);
  assert.ok(all[1] - all[0] >= 15 * 60_000, "all shows the whole dataset");
  const absFrom = all[0] + 120_000;
  const absTo = all[0] + 420_000;
  await page.fill(".abs-from", await page.evaluate((ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 19), absFrom));
  await page.fill(".abs-to", await page.evaluate((ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 19), absTo));
  await page.click(".abs-apply");
  await waitRefresh(page);
  w = await windowOf(page);
  assert.ok(Math.abs(w[0] - absFrom) < 1000 && Math.abs(w[1] - absTo) < 1000, "absolute range applied");
  assert.match(page.url(), /from=\d+&to=\d+/);
  await checkPanels(page, "absolute", unitOf);

  // ---- 6. drag-to-zoom, wheel zoom, double click resets, overview navigator ----
  step("6. zoom and overview");
  await page.click('button.range[data-range="all"]');
  await waitRefresh(page);
  const before = await windowOf(page);
  const ob = await (await page.$(".panel:first-child .u-over")).boundingBox();
  await page.mouse.move(ob.x + ob.width * 0.3, ob.y + ob.height / 2);
  await page.mouse.down();
  await page.mouse.move(ob.x + ob.width * 0.5, ob.y + ob.height / 2, { steps: 5 });
  await page.mouse.up();
  await waitRefresh(page);
  const zoomed = await windowOf(page);
  const span0 = before[1] - before[0];
  const span1 = zoomed[1] - zoomed[0];
  assert.ok(span1 < span0 * 0.3 && span1 > span0 * 0.1, `drag selected ~20 % (${span1}/${span0})`);
  assert.ok(zoomed[0] > before[0], "zoom window starts inside the old one");
  await checkPanels(page, "drag-zoom", unitOf);
  await page.mouse.move(ob.x + ob.width / 2, ob.y + ob.height / 2);
  await page.mouse.wheel(0, -300);
  await waitRefresh(page);
  const wheeled = await windowOf(page);
  assert.ok(wheeled[1] - wheeled[0] < span1, "wheel up zooms in");
  await page.mouse.wheel(0, 300);
  await page.mouse.wheel(0, 300);
  await waitRefresh(page);
  const out = await windowOf(page);
  assert.ok(out[1] - out[0] > wheeled[1] - wheeled[0], "wheel down zooms out");
  // Sideways wheel pans: same span, later window.
  await page.mouse.wheel(120, 0);
  await waitRefresh(page);
  const panned = await windowOf(page);
  assert.ok(Math.abs(panned[1] - panned[0] - (out[1] - out[0])) < 2000 && panned[0] > out[0] + 1000, `sideways wheel pans (${out} -> ${panned})`);
  // Once a gesture settles, every panel is back at full detail and draws the app's window.
  const dbg = await page.evaluate(() => window.__fgm.app.debugInfo());
  assert.equal(dbg.gesture, false, "no panel is still drawing a gesture's decimated frames");
  for (const pw of dbg.panelWindows) {
    if (pw) assert.ok(Math.abs(pw[0] - dbg.window[0]) < 1000 && Math.abs(pw[1] - dbg.window[1]) < 1000, `panel window ${pw} = app window ${dbg.window}`);
  }
  assert.ok(await page.evaluate(() => window.__fgm.timings.settles > 0), "the wheel gesture settled");
  await page.mouse.dblclick(ob.x + ob.width / 2, ob.y + ob.height / 2);
  await waitRefresh(page);
  assert.doesNotMatch(page.url(), /from=/, "double click returns to the relative range");
  const nb = await (await page.$(".overview .u-over")).boundingBox();
  await page.mouse.move(nb.x + nb.width * 0.6, nb.y + nb.height / 2);
  await page.mouse.down();
  await page.mouse.move(nb.x + nb.width * 0.9, nb.y + nb.height / 2, { steps: 5 });
  await page.mouse.up();
  await waitRefresh(page);
  const nav = await windowOf(page);
  assert.match(page.url(), /from=\d+&to=\d+/, "overview drag sets an absolute range");
  assert.ok(nav[1] - nav[0] < (all[1] - all[0]) * 0.5, "overview drag narrows the range");
  assert.ok((await countInk(page, ".overview")) > kMinInk, "overview navigator is drawn");
  await shot(page, "overview-zoom");

  // ---- 7. container filters: namespace, QoS, name search, labels, and the empty state ----
  step("7. container filters");
  await page.click('button.range[data-range="all"]');
  await waitRefresh(page);
  const countAll = await containerCount(page);
  const ns = await page.$$eval(".chip.ns", (c) => c.map((x) => x.dataset.value));
  assert.ok(ns.length >= 1, "namespaces listed");
  await page.click(`.chip.ns[data-value="${ns[0]}"]`);
  await waitRefresh(page);
  assert.match(page.url(), /ns=/);
  const countNs = await containerCount(page);
  assert.ok(countNs >= 1 && countNs <= countAll);
  await page.click(`.chip.ns[data-value="${ns[0]}"]`);
  const qos = await page.$$eval(".chip.qos", (c) => c.map((x) => x.dataset.value));
  if (qos.length) {
    await page.click(`.chip.qos[data-value="${qos[0]}"]`);
    await waitRefresh(page);
    assert.match(page.url(), /qos=/);
    assert.ok((await containerCount(page)) <= countAll);
    await page.click(`.chip.qos[data-value="${qos[0]}"]`);
    await waitRefresh(page);
  }
  const firstName = await page.$eval(".panel:first-child .legend-row .name", (n) => n.textContent.split("/").pop().split(" ")[0]);
  await page.fill(".name-search", firstName);
  await waitRefresh(page);
  assert.match(page.url(), /q=/);
  const names = await page.$$eval(".panel:first-child .legend-row .name", (n) => n.map((x) => x.textContent));
  assert.ok(names.length >= 1 && names.every((n) => n.includes(firstName)), `name search keeps only ${firstName} (${names})`);
  await shot(page, "name-filter");
  const labelKeys = await page.$$eval(".label-key option", (o) => o.map((x) => x.value).filter(Boolean));
  if (labelKeys.length) {
    await page.fill(".name-search", "");
    await waitRefresh(page);
    await page.selectOption(".label-key", labelKeys[0]);
    const vals = await page.$$eval(".label-value option", (o) => o.map((x) => x.value).filter(Boolean));
    await page.selectOption(".label-value", vals[0]);
    await waitRefresh(page);
    assert.match(page.url(), /label=/);
    await page.click(".chip.label");
    await waitRefresh(page);
  }
  await page.fill(".name-search", "no-such-container-zz");
  await waitRefresh(page);
  await page.waitForSelector(".banner.empty:not([hidden])");
  await page.waitForSelector(".panel-state.empty");
  assert.match(await page.$eval(".panel-state.empty", (e) => e.textContent), /Try a wider range|clear the container filters/);
  await shot(page, "empty-state");
  await page.click(".clear-filters");
  await waitCharts(page, 6);

  // ---- 8. events on every panel ----
  step("8. events on every panel");
  const events = await page.evaluate(() => fetch("/api/events?range=all").then((r) => r.json()).then((j) => j.events));
  if (events.length) {
    const perPanel = await page.$$eval(".panel", (ps) => ps.map((p) => p.querySelectorAll(".marker.event:not([hidden])").length));
    assert.ok(perPanel.every((n) => n > 0), `every panel shows event markers (${perPanel})`);
    // The hover text is written when the pointer reaches the marker (dispatched: neighbouring
    // dots overlap, so a real hover may land on the next one).
    const marker = page.locator(".marker.event:not([hidden])").first();
    await marker.dispatchEvent("pointerover");
    const title = await marker.getAttribute("title");
    assert.match(title ?? "", /oom kill|restart|started|stopped|exit/);
  } else {
    console.log("note: dataset has no events; event markers not checked");
  }
  await shot(page, "events");

  // ---- 9. studies: periodicity, change points, trend, correlations -> new panel ----
  step("9. studies");
  const studyIds = await page.$$eval(".panel:first-child .study-select option", (o) => o.map((x) => x.value).filter(Boolean));
  for (const id of ["periodicity", "changepoint", "trend"]) {
    if (!studyIds.includes(id)) continue;
    await page.selectOption(".panel:first-child .study-select", id);
    await page.waitForSelector(`.panel:first-child .study[data-study="${id}"], .panel:first-child .study[data-study="error"]`, { timeout: 20000 });
    assert.equal(await page.$$eval(".panel:first-child .study-error", (e) => e.length), 0, `study ${id} ran`);
    assert.match(page.url(), new RegExp(`panel=[^&]*%3A${id}`));
    await shot(page, `study-${id}`);
  }
  if (studyIds.includes("correlation")) {
    await page.selectOption(".panel:first-child .study-select", "correlation");
    await page.waitForSelector('.panel:first-child .study[data-study="correlation"]', { timeout: 20000 });
    const corr = await page.$(".panel:first-child .corr-row");
    if (corr) {
      const n = await page.$$eval(".panel", (p) => p.length);
      await corr.click();
      await waitCharts(page, n + 1);
      assert.match(page.url(), /%40/, "the opened series is in the URL");
      await shot(page, "correlation-panel");
    } else console.log("note: no correlations found on this dataset");
    await page.selectOption(".panel:first-child .study-select", "");
  }

  // ---- 10. group by instance vs name ----
  step("10. group by instance vs name");
  await page.click('button.range[data-range="all"]');
  await waitRefresh(page);
  const byName = await page.$$eval(".panel:first-child .legend-row", (r) => r.length);
  await page.selectOption(".group-by", "instance");
  await waitRefresh(page);
  const byInstance = await page.$$eval(".panel:first-child .legend-row", (r) => r.length);
  assert.ok(byInstance >= byName, `instances (${byInstance}) >= names (${byName})`);
  assert.match(page.url(), /group=instance/);
  await page.selectOption(".group-by", "name");
  await waitRefresh(page);

  // ---- 11. URL round trip: a copied link reproduces the view ----
  step("11. URL round trip");
  await page.click(".copy-link");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, page.url());
  const stateA = await page.evaluate(() => window.__fgm.app.getState());
  const page2 = await context.newPage();
  watch(page2);
  await page2.goto(copied);
  await waitCharts(page2, stateA.panels.length);
  const stateB = await page2.evaluate(() => window.__fgm.app.getState());
  assert.deepEqual(stateB, stateA, "the copied link restores the same state");
  assert.deepEqual(await page2.$$eval(".panel", (p) => p.map((x) => x.dataset.metric)), await page.$$eval(".panel", (p) => p.map((x) => x.dataset.metric)));
  await page2.close();

  // ---- 12. themes ----
  step("12. themes");
  await page.selectOption(".theme", "dark");
  await waitCharts(page, stateA.panels.length);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.match(bg, /rgb\((\d|[1-4]\d), /, `dark background (${bg})`);
  await checkPanels(page, "dark", unitOf);
  await page.selectOption(".theme", "light");
  await waitCharts(page, stateA.panels.length);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(255, 255, 255)");
  await page.selectOption(".theme", "auto");
  await waitCharts(page, stateA.panels.length);
  // auto follows the system scheme, live.
  await page.emulateMedia({ colorScheme: "dark" });
  // The change event comes with the next rendering update: wait for the app to have handled it.
  await page.waitForFunction(() => document.documentElement.dataset.systemScheme === "dark");
  await waitRefresh(page);
  await waitCharts(page, stateA.panels.length);
  assert.match(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), /rgb\((\d|[1-4]\d), /, "auto follows a dark system");
  await checkPanels(page, "auto-dark", unitOf);
  await page.emulateMedia({ colorScheme: "light" });
  await page.waitForFunction(() => document.documentElement.dataset.systemScheme === "light");
  await waitRefresh(page);
  await waitCharts(page, stateA.panels.length);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(255, 255, 255)");

  // ---- 13. live follow: polls every 2 s while the range is relative ----
  step("13. live follow");
  await page.click('button.range[data-range="5m"]');
  await waitRefresh(page);
  let polls = 0;
  const onReq = (r) => r.url().includes("/api/timeseries") && polls++;
  page.on("request", onReq);
  await page.check(".live-toggle");
  assert.match(page.url(), /live=1/);
  await page.waitForTimeout(4500);
  page.off("request", onReq);
  assert.ok(polls >= 2 * 6, `live mode refetched every panel at least twice (${polls} requests)`);
  await page.uncheck(".live-toggle");

  // ---- 14. error states: unknown metric panel; unknown dashboard ----
  step("14. error states");
  const p3 = await context.newPage();
  watch(p3);
  await p3.goto(url + "?panel=no_such_metric&panel=" + metrics[0].name);
  await waitCharts(p3, 1);
  assert.match(await p3.$eval(".panel-state.error", (e) => e.textContent), /Unknown metric/);
  await shot(p3, "error-panel");
  expectFailures.add("/dashboards/no-such-dashboard.json");
  await p3.goto(url + "?dashboard=no-such-dashboard");
  await p3.waitForSelector(".state.error");
  assert.match(await p3.$eval(".state.error", (e) => e.textContent), /could not be opened/);
  await shot(p3, "error-dashboard");
  await p3.close();

  // ---- 15. dashboards: templating, filters, from_containers range, panels; a missing variable ----
  step("15. dashboard");
  const all15 = await page.evaluate(() => fetch("/api/containers?range=all").then((r) => r.json()).then((j) => j.containers));
  const pick = all15.find((c) => Object.keys(c.labels).length) ?? all15[0];
  const [lk, lv] = Object.entries(pick.labels)[0] ?? ["", ""];
  const matching = all15.filter((c) => c.namespace === pick.namespace && (!lk || c.labels[lk] === lv) && (c.container_name.includes(pick.container_name) || c.pod_name.includes(pick.container_name)));
  const p4 = await context.newPage();
  watch(p4);
  const q = new URLSearchParams({ dashboard: "e2e", NS: pick.namespace, LABEL: lk ? `${lk}=${lv}` : "", NAME: pick.container_name });
  await p4.goto(`${url}?${q}`);
  await waitCharts(p4, 2);
  assert.deepEqual(await p4.$$eval(".panel-title", (t) => t.map((x) => x.textContent)), [`CPU in ${pick.namespace}`, "Working set"]);
  assert.equal(await p4.$eval(".panel:first-child .study-select", (s) => s.value), "periodicity");
  assert.equal(await p4.title(), `e2e ${pick.namespace} — FGM viewer`);
  const st = await p4.evaluate(() => window.__fgm.app.getState());
  assert.deepEqual(st.filters.namespace, [pick.namespace]);
  if (lk) assert.equal(st.filters.labels[lk], lv);
  assert.deepEqual([...st.containers].sort(), matching.map((c) => c.id).sort(), "name_pattern selects the matching containers");
  const lo = Math.min(...matching.map((c) => c.first_seen_ms)) - 30_000;
  const hi = Math.max(...matching.map((c) => c.last_seen_ms)) + 30_000;
  assert.deepEqual([st.from, st.to], [lo, hi], "from_containers range with 30 s padding");
  await checkPanels(p4, "dashboard", unitOf);
  await p4.goto(`${url}?dashboard=e2e&NS=x`);
  await p4.waitForSelector(".state.error");
  assert.match(await p4.$eval(".state.error", (e) => e.textContent), /\{\{LABEL\}\}.*LABEL=/s);
  await shot(p4, "dashboard-missing-variable");
  await p4.close();

  step("");
  if (problems.length) throw new Error(`browser reported problems:\n  ${problems.join("\n  ")}`);
  console.log(`ok: ${shotNo} screenshots in ${artifacts}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const expectFailures = new Set();

let stepName = "";
let stepStart = Date.now();
function step(name) {
  if (stepName) console.log(`  ${stepName}: ${((Date.now() - stepStart) / 1000).toFixed(1)} s`);
  stepName = name;
  stepStart = Date.now();
}

function watch(page) {
  page.on("console", (m) => {
    if (m.type() === "error") {
      // Chromium logs the 404 of a request we meant to fail; the request itself is checked below.
      if ([...expectFailures].some((p) => m.location()?.url?.includes(p))) return;
      problems.push(`console error: ${m.text()} (${m.location()?.url ?? ""})`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Navigating away aborts in-flight fetches; that is not a failure of the viewer.
    if (r.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && ![...expectFailures].some((p) => r.url().includes(p))) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
}

async function waitCharts(page, n) {
  await page.waitForFunction(
    (n) => {
      const ps = [...document.querySelectorAll(".panel")];
      return ps.length >= n && ps.every((p) => p.querySelector(".plot canvas") || p.querySelector(".panel-state.error, .panel-state.empty"));
    },
    n,
    { timeout: 30000 },
  );
  await waitRefresh(page, 0);
}

/// Waits until the app has no refetch pending or running (body[data-busy="0"]), then two frames.
/// `settleMs` first lets input handlers that debounce (typing) schedule their refetch.
async function waitRefresh(page, settleMs = 50) {
  if (settleMs) await page.waitForTimeout(settleMs);
  await page.waitForFunction(() => document.body.dataset.busy === "0", null, { timeout: 30000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function windowOf(page) {
  return page.evaluate(() => window.__fgm.app.debugInfo().window);
}

async function containerCount(page) {
  return Number((await page.$eval(".count", (e) => e.textContent)).split(" ")[0]);
}

async function shot(page, name) {
  const file = path.join(artifacts, `${String(++shotNo).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/// Screenshot, then per panel: the plot has ink and the y-axis labels carry the metric's unit.
async function checkPanels(page, name, unitOf) {
  await shot(page, name);
  const panels = await page.$$eval(".panel", (ps) => ps.map((p) => ({ metric: p.dataset.metric, ticks: p.querySelector(".plot")?.dataset.yTicks ?? "", empty: !!p.querySelector(".panel-state.empty:not([hidden])") })));
  for (const [i, p] of panels.entries()) {
    if (p.empty) continue;
    const ink = await countInk(page, `.panel:nth-child(${i + 1}) .plot`);
    if (!(ink > kMinInk)) {
      const info = await page.evaluate(() => JSON.stringify(window.__fgm.app.debugInfo()));
      assert.fail(`${name}: panel ${i + 1} (${p.metric}) has a drawn plot (${ink} coloured pixels); app: ${info}`);
    }
    const re = kUnitSuffix[unitOf.get(p.metric)];
    const ticks = p.ticks.split("|").filter(Boolean);
    assert.ok(ticks.length >= 2, `${name}: panel ${p.metric} has y-axis labels`);
    if (re) assert.ok(ticks.every((t) => re.test(t)), `${name}: ${p.metric} axis labels carry ${unitOf.get(p.metric)}: ${ticks.join(", ")}`);
  }
}

const budget = setTimeout(() => {
  console.error(`e2e: over budget (${kBudgetMs / 1000} s) in step "${stepName}"`);
  // exit() skips the finally below: stop what this test started first.
  viewer?.proc?.kill("SIGKILL");
  viewer?.fake?.close();
  process.exit(1);
}, kBudgetMs);

try {
  await main();
} catch (e) {
  console.error(e.stack ?? e);
  process.exitCode = 1;
} finally {
  clearTimeout(budget);
  await browser?.close().catch(() => {});
  if (viewer?.proc) await stopProcess(viewer.proc);
  if (viewer?.fake) viewer.fake.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

// SPDX-License-Identifier: Apache-2.0
// Helper of bench/monitor_overhead.sh: turns two /proc snapshots taken around a measurement
// window into CPU and memory figures, checks that both monitors really collected every container
// in that window (fgm's Parquet output through DuckDB, Netdata through its HTTP API), and writes
// the medians table. Subcommands:
//   rep --n N --rep R --marker M --name-tag T --snap-a A --snap-b B --pss-dir D --nopss-dir D
//       --netdata 0|1 --clk-tck 100 --procs P      -> one JSON line on stdout
//   netdata-count --name-tag T                     -> containers of this run that Netdata charts
//   line FILE                                      -> a one-line summary of a results line
//   report RESULTS.jsonl MACHINE.txt               -> Markdown tables of medians
import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";

const NETDATA = "http://127.0.0.1:19999";
const [cmd, ...rest] = process.argv.slice(2);
const opt = (name, def) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : def;
};
const median = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Snapshots (format: see snapshot() in monitor_overhead.sh).
function parseSnapshot(path) {
  const s = { procs: new Map(), tasks: new Map(), timeNs: 0n, host: null };
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[0] === "time_ns") s.timeNs = BigInt(f[1]);
    else if (f[0] === "hostcpu") s.host = f.slice(2).map(Number);
    else if (f[0] === "proc") {
      s.procs.set(`${f[1]}/${f[2]}`, {
        label: f[1], pid: +f[2], ppid: +f[3], ticks: +f[4], cticks: +f[5], rssKb: +f[6], hwmKb: +f[7],
        comm: f.slice(8).join(" "),
      });
    } else if (f[0] === "task") {
      s.tasks.set(`${f[1]}/${f[2]}/${f[3]}`, {
        label: f[1], pid: +f[2], tid: +f[3], ticks: +f[4], ns: +f[5], comm: f.slice(6).join(" "),
      });
    }
  }
  return s;
}

// Run time of one process's threads between the snapshots, in ns (threads born in the window
// count from 0; threads that ended in the window are missed, which the ticks cross-check shows).
function taskNs(a, b, label, pid) {
  let ns = 0;
  for (const t of b.tasks.values()) {
    if (t.label !== label || t.pid !== pid) continue;
    const ta = a.tasks.get(`${label}/${pid}/${t.tid}`);
    ns += t.ns - (ta ? ta.ns : 0);
  }
  return ns;
}

function procDelta(a, b, label) {
  const [pb] = [...b.procs.values()].filter((p) => p.label === label);
  if (!pb) return null;
  const pa = a.procs.get(`${label}/${pb.pid}`);
  if (!pa) return null;
  return {
    ticks: pb.ticks - pa.ticks, cticks: pb.cticks - pa.cticks, ns: taskNs(a, b, label, pb.pid),
    rssKb: pb.rssKb, hwmKb: pb.hwmKb, pid: pb.pid,
  };
}

function hostBusyCores(a, b) {
  const sum = (x) => x.reduce((p, q) => p + q, 0);
  const total = sum(b.host) - sum(a.host);
  const idle = b.host[3] + b.host[4] - (a.host[3] + a.host[4]);  // idle + iowait
  return total > 0 ? (total - idle) / total : null;  // fraction of all cores
}

// ---------------------------------------------------------------------------------------------
// fgm output: every second of the window must have one row per container of this run.
async function checkFgm(dir, marker, fromMs, toMs, n, procs) {
  const con = await (await DuckDBInstance.create(":memory:")).connect();
  const glob = `${dir}/dt=*/identifier=*/*.parquet`;
  const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
  await con.run(`CREATE VIEW t AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`);
  const per = await q(`
    SELECT epoch_ms(time) AS ms, count(*) AS rows, count(DISTINCT cgroup_path) AS containers,
           count(memory_pss_bytes) AS pss, count(cpu_usage_usec) AS cpu, count(memory_usage_bytes) AS mem
    FROM t WHERE kind = 'container' AND contains(cgroup_path, '${marker}')
      AND epoch_ms(time) >= ${fromMs} AND epoch_ms(time) < ${toMs}
    GROUP BY 1 ORDER BY 1`);
  const expected = Math.ceil(toMs / 1000) - Math.ceil(fromMs / 1000);
  const complete = per.filter((r) => Number(r.containers) === n && Number(r.cpu) === n && Number(r.mem) === n).length;
  const mon = (await q(`
    SELECT count(*) AS ticks, median(monitor_tick_duration_us) AS tick_p50,
           quantile_cont(monitor_tick_duration_us, 0.95) AS tick_p95, max(monitor_tick_duration_us) AS tick_max,
           avg(cpu_usage_millicores) AS self_millicores, max(memory_rss_bytes) AS self_rss,
           median(memory_rss_bytes) AS self_rss_median,
           median(monitor_containers) AS containers, max(monitor_skipped_ticks) - min(monitor_skipped_ticks) AS skipped
    FROM t WHERE kind = 'monitor' AND epoch_ms(time) >= ${fromMs} AND epoch_ms(time) < ${toMs}`))[0];
  return {
    ticks_expected: expected,
    ticks_with_rows: per.length,
    samples: per.reduce((sum, r) => sum + Number(r.containers), 0),  // container-seconds delivered
    ticks_complete: complete,
    our_containers_min: per.length ? Math.min(...per.map((r) => Number(r.containers))) : 0,
    pss_values_per_tick: median(per.map((r) => Number(r.pss))),
    procs_expected: procs,
    monitor_rows: Number(mon.ticks),
    tick_us_p50: mon.tick_p50 === null ? null : Number(mon.tick_p50),
    tick_us_p95: mon.tick_p95 === null ? null : Number(mon.tick_p95),
    tick_us_max: mon.tick_max === null ? null : Number(mon.tick_max),
    self_millicores: mon.self_millicores === null ? null : Number(mon.self_millicores),
    self_rss_mib: mon.self_rss === null ? null : Number(mon.self_rss) / 1048576,
    // Over every tick of the window: VmRSS moves with the segment buffer's fill (up to ~8 MiB at
    // 1,000 containers), so the end-of-window VmRSS alone depends on where the window ends.
    self_rss_median_mib: mon.self_rss_median === null ? null : Number(mon.self_rss_median) / 1048576,
    containers_sampled: mon.containers === null ? null : Number(mon.containers),
    skipped_ticks: mon.skipped === null ? null : Number(mon.skipped),
  };
}

// ---------------------------------------------------------------------------------------------
// Netdata: charts named by the run's rename script ("k8s_cntr_<tag>_pod<idx>_c").
async function netdataCharts() {
  const r = await fetch(`${NETDATA}/api/v1/charts`);
  if (!r.ok) throw new Error(`charts: HTTP ${r.status}`);
  return Object.values((await r.json()).charts);
}

function ourCpuCharts(charts, tag) {
  return charts.filter((c) => c.id.includes(`cntr_${tag}_pod`) && /(^|\.)cgroup\.cpu$/.test(c.context));
}

async function checkNetdata(tag, n, fromMs, toMs) {
  const charts = await netdataCharts();
  const ours = charts.filter((c) => c.id.includes(`cntr_${tag}_pod`));
  const cpu = ourCpuCharts(charts, tag);
  const cgroupCpuAll = charts.filter((c) => /(^|\.)cgroup\.cpu$/.test(c.context)).length;
  const after = Math.ceil(fromMs / 1000), before = Math.floor(toMs / 1000) - 1;
  const want = before - after + 1;
  let full = 0, total = 0;
  const pointsPerChart = [];
  // One request per container's CPU chart: does every second of the window have a value?
  for (let i = 0; i < cpu.length; i += 8) {
    const batch = cpu.slice(i, i + 8).map(async (c) => {
      const url = `${NETDATA}/api/v1/data?chart=${encodeURIComponent(c.id)}&after=${after}&before=${before}` +
        `&points=${want}&group=average&format=json&options=seconds`;
      const j = await (await fetch(url)).json();
      const rows = (j.data || []).filter((row) => row.slice(1).every((v) => v !== null));
      pointsPerChart.push(rows.length);
      total += rows.length;
      if (rows.length >= want - 1) full++;  // the edge second may fall outside netdata's slot
    });
    await Promise.all(batch);
  }
  const contexts = {};
  for (const c of ours) contexts[c.context] = (contexts[c.context] || 0) + 1;
  return {
    charts: ours.length,
    containers_charted: cpu.length,
    containers_with_full_window: full,
    points_min: pointsPerChart.length ? Math.min(...pointsPerChart) : 0,
    samples: total,  // container-seconds with a value in the CPU chart
    points_wanted: want,
    charts_per_container: n ? ours.length / n : null,
    cgroups_charted_total: cgroupCpuAll,
    contexts,
  };
}

// ---------------------------------------------------------------------------------------------
async function rep() {
  const n = +opt("--n"), clk = +opt("--clk-tck", 100);
  const a = parseSnapshot(opt("--snap-a")), b = parseSnapshot(opt("--snap-b"));
  const windowS = Number(b.timeNs - a.timeNs) / 1e9;
  const fromMs = Number(a.timeNs / 1000000n), toMs = Number(b.timeNs / 1000000n);
  const marker = opt("--marker"), tag = opt("--name-tag"), procs = +opt("--procs", 0);
  const cpuFig = (s) => {
    return {
      cpu_s: s,
      pct_core: (100 * s) / windowS,
      ms_per_tick: (1000 * s) / windowS,  // 1 Hz: one tick per second
      us_per_container_s: n ? (1e6 * s) / (n * windowS) : null,
    };
  };
  const out = { n, rep: +opt("--rep"), window_s: windowS, from_ms: fromMs, to_ms: toMs, host_busy_frac: hostBusyCores(a, b),
    loadavg: opt("--loadavg", ""), fgm: {} };
  for (const [label, dir] of [["pss", opt("--pss-dir")], ["nopss", opt("--nopss-dir")]]) {
    const d = procDelta(a, b, `fgm_${label}`);
    if (!d) throw new Error(`fgm_${label}: missing from a snapshot`);
    out.fgm[label] = {
      ...cpuFig(d.ns / 1e9),
      cpu_s_stat: d.ticks / clk,
      rss_mib: d.rssKb / 1024,
      hwm_mib: d.hwmKb / 1024,
      threads: [...b.tasks.values()].filter((t) => t.label === `fgm_${label}`).length,
      ...(await checkFgm(dir, marker, fromMs, toMs, n, procs)),
    };
  }
  for (const label of ["pss", "nopss"]) {
    const f = out.fgm[label];
    f.us_per_sample = f.samples ? (1e6 * f.cpu_s) / f.samples : null;
  }
  out.pss_cost = cpuFig(Math.max(0, procDelta(a, b, "fgm_pss").ns - procDelta(a, b, "fgm_nopss").ns) / 1e9);
  if (opt("--netdata", "0") === "1") {
    const main = procDelta(a, b, "netdata");
    if (!main) throw new Error("netdata: missing from a snapshot");
    // Per-thread CPU of the netdata process. The cgroups plugin is two threads, both named
    // PLUGIN[cgroups]: the collection loop and the discovery worker (rescan every 10 s).
    const threads = new Map();  // comm -> ns
    for (const t of b.tasks.values()) {
      if (t.label !== "netdata") continue;
      const ta = a.tasks.get(`netdata/${t.pid}/${t.tid}`);
      threads.set(t.comm, (threads.get(t.comm) || 0) + t.ns - (ta ? ta.ns : 0));
    }
    let childrenNs = 0;
    const childComms = {};
    for (const p of b.procs.values()) {
      if (p.label !== "netdata_child") continue;
      const d = taskNs(a, b, "netdata_child", p.pid);
      childrenNs += d;
      childComms[p.comm] = (childComms[p.comm] || 0) + d / 1e9;
    }
    const cgNs = threads.get("PLUGIN[cgroups]") || 0;
    const top = [...threads.entries()].sort((x, y) => y[1] - x[1]).slice(0, 8).map(([c, t]) => [c, t / 1e9]);
    const childRssKb = [...b.procs.values()].filter((p) => p.label === "netdata_child").reduce((s, p) => s + p.rssKb, 0);
    out.netdata = {
      cgroups_threads: cpuFig(cgNs / 1e9),
      process: cpuFig(main.ns / 1e9),
      process_cpu_s_stat: main.ticks / clk,
      whole: cpuFig((main.ns + childrenNs) / 1e9 + main.cticks / clk),
      reaped_children_cpu_s: main.cticks / clk,
      plugin_processes_cpu_s: childComms,
      top_threads_cpu_s: top,
      rss_mib: main.rssKb / 1024,
      hwm_mib: main.hwmKb / 1024,
      plugin_processes_rss_mib: childRssKb / 1024,
      ...(await checkNetdata(tag, n, fromMs, toMs)),
    };
  }
  if (out.netdata) {
    const nd = out.netdata;
    nd.us_per_sample_threads = nd.samples ? (1e6 * nd.cgroups_threads.cpu_s) / nd.samples : null;
    nd.us_per_sample_whole = nd.samples ? (1e6 * nd.whole.cpu_s) / nd.samples : null;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

const f1 = (x, d = 1) => (x === null || x === undefined ? "-" : x.toFixed(d));

function line() {
  const r = JSON.parse(readFileSync(rest[0], "utf8").trim());
  const p = r.fgm.pss, np = r.fgm.nopss, nd = r.netdata;
  let s = `N=${r.n} rep ${r.rep}: fgm ${f1(p.pct_core, 2)}% (no-pss ${f1(np.pct_core, 2)}%), ` +
    `${f1(p.us_per_container_s)} us/container-s, RSS ${f1(p.rss_mib)} MiB, tick p50 ${p.tick_us_p50} us, ` +
    `complete ticks ${p.ticks_complete}/${p.ticks_expected} (no-pss ${np.ticks_complete})`;
  if (nd) {
    s += ` | netdata cgroups threads ${f1(nd.cgroups_threads.pct_core, 2)}%, whole ${f1(nd.whole.pct_core, 2)}%, ` +
      `charted ${nd.containers_charted}/${r.n}, full-window ${nd.containers_with_full_window}`;
  }
  s += ` | host busy ${f1(100 * r.host_busy_frac, 0)}%, load ${r.loadavg || "-"}`;
  process.stdout.write(s + "\n");
}

function report() {
  const rows = readFileSync(rest[0], "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const machine = rest[1] ? readFileSync(rest[1], "utf8") : "";
  const ns = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const med = (rs, f) => median(rs.map((r) => { try { return f(r); } catch { return null; } }));
  const hasNd = rows.some((r) => r.netdata);
  const out = ["```", machine.trim(), "```", ""];
  out.push("CPU as % of one core over the window (utime+stime of every thread, from schedstat), median of the reps:", "");
  out.push("| N | reps | fgm | fgm --no-pss | PSS cost (difference) |" + (hasNd ? " netdata cgroups.plugin threads | netdata whole (all threads + plugin processes) |" : ""));
  out.push("|---|---|---|---|---|" + (hasNd ? "---|---|" : ""));
  for (const n of ns) {
    const rs = rows.filter((r) => r.n === n);
    out.push(`| ${n} | ${rs.length} | ${f1(med(rs, (r) => r.fgm.pss.pct_core), 2)} | ${f1(med(rs, (r) => r.fgm.nopss.pct_core), 2)} | ` +
      `${f1(med(rs, (r) => r.pss_cost.pct_core), 2)} |` +
      (hasNd ? ` ${f1(med(rs, (r) => r.netdata.cgroups_threads.pct_core), 2)} | ${f1(med(rs, (r) => r.netdata.whole.pct_core), 2)} |` : ""));
  }
  out.push("", "CPU per container-second. A sample = one container's values for one second that the monitor really stored " +
    "(fgm: a container row in the window; netdata: a non-null second in the container's CPU chart). " +
    "Ratios are taken within each rep, then the median:", "");
  out.push("| N | fgm us per sample | fgm --no-pss us per sample | samples stored: fgm |" +
    (hasNd ? " netdata cgroups threads us per sample | netdata whole us per sample | samples stored: netdata | fgm / netdata (threads) | fgm / netdata (whole) |" : ""));
  out.push("|---|---|---|---|" + (hasNd ? "---|---|---|---|---|" : ""));
  const pctStored = (r, s) => `${f1((100 * s) / (r.n * r.window_s), 0)}%`;
  for (const n of ns) {
    const rs = rows.filter((r) => r.n === n);
    let l = `| ${n} | ${f1(med(rs, (r) => r.fgm.pss.us_per_sample))} | ${f1(med(rs, (r) => r.fgm.nopss.us_per_sample))} | ` +
      `${rs.map((r) => (r.fgm.pss.samples === undefined ? "-" : pctStored(r, r.fgm.pss.samples))).join(", ")} |`;
    if (hasNd) {
      l += ` ${f1(med(rs, (r) => r.netdata.us_per_sample_threads))} | ${f1(med(rs, (r) => r.netdata.us_per_sample_whole))} | ` +
        `${rs.map((r) => (r.netdata.samples === undefined ? "-" : pctStored(r, r.netdata.samples))).join(", ")} | ` +
        `${f1(med(rs, (r) => r.fgm.pss.us_per_sample / r.netdata.us_per_sample_threads), 2)} | ` +
        `${f1(med(rs, (r) => r.fgm.pss.us_per_sample / r.netdata.us_per_sample_whole), 2)} |`;
    }
    out.push(l);
  }
  out.push("", "fgm detail (default = with PSS), medians of the reps; tick duration and self-reported CPU/RSS from fgm's own `monitor` rows:", "");
  out.push("| N | CPU ms per tick | tick p50 ms | tick p95 ms | skipped ticks | self-reported millicores | self-reported RSS median / max MiB | VmRSS MiB | VmHWM MiB | --no-pss VmRSS MiB | containers sampled per tick | complete ticks (every container) | PSS values per tick |");
  out.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const n of ns) {
    const rs = rows.filter((r) => r.n === n);
    out.push(`| ${n} | ${f1(med(rs, (r) => r.fgm.pss.ms_per_tick), 2)} | ${f1(med(rs, (r) => r.fgm.pss.tick_us_p50 / 1000), 1)} | ` +
      `${f1(med(rs, (r) => r.fgm.pss.tick_us_p95 / 1000), 1)} | ${rs.map((r) => r.fgm.pss.skipped_ticks).join(", ")} | ` +
      `${f1(med(rs, (r) => r.fgm.pss.self_millicores))} | ${f1(med(rs, (r) => r.fgm.pss.self_rss_median_mib))} / ${f1(med(rs, (r) => r.fgm.pss.self_rss_mib))} | ` +
      `${f1(med(rs, (r) => r.fgm.pss.rss_mib))} | ${f1(med(rs, (r) => r.fgm.pss.hwm_mib))} | ${f1(med(rs, (r) => r.fgm.nopss.rss_mib))} | ` +
      `${f1(med(rs, (r) => r.fgm.pss.containers_sampled), 0)} | ` +
      `${rs.map((r) => `${r.fgm.pss.ticks_complete}/${r.fgm.pss.ticks_expected}`).join(", ")} | ` +
      `${f1(med(rs, (r) => r.fgm.pss.pss_values_per_tick), 0)} |`);
  }
  if (hasNd) {
    out.push("", "Netdata detail (medians of the reps; threads list from the first rep):", "");
    out.push("| N | containers charted | with every second of the window | charts per container | VmRSS MiB | plugin processes RSS MiB | top threads (CPU s in the window) |");
    out.push("|---|---|---|---|---|---|---|");
    for (const n of ns) {
      const rs = rows.filter((r) => r.n === n && r.netdata);
      const top = rs[0] ? rs[0].netdata.top_threads_cpu_s.slice(0, 4).map(([c, s]) => `${c} ${s.toFixed(2)}`).join(", ") : "";
      out.push(`| ${n} | ${rs.map((r) => r.netdata.containers_charted).join(", ")} | ${rs.map((r) => r.netdata.containers_with_full_window).join(", ")} | ` +
        `${f1(med(rs, (r) => r.netdata.charts_per_container))} | ${f1(med(rs, (r) => r.netdata.rss_mib))} | ` +
        `${f1(med(rs, (r) => r.netdata.plugin_processes_rss_mib))} | ${top} |`);
    }
  }
  out.push("", `Host busy during the windows (all cores, median): ${ns.map((n) => `N=${n} ${f1(100 * med(rows.filter((r) => r.n === n), (r) => r.host_busy_frac), 0)}%`).join(", ")}`);
  out.push("", `Load average (1/5/15 min) at each window's end: ${ns.map((n) => `N=${n} ${rows.filter((r) => r.n === n).map((r) => r.loadavg || "-").join("; ")}`).join(", ")}`);
  process.stdout.write(out.join("\n") + "\n");
}

async function netdataCount() {
  const charts = await netdataCharts();
  process.stdout.write(`${ourCpuCharts(charts, opt("--name-tag")).length}\n`);
}

const commands = { rep, line, report, "netdata-count": netdataCount };
if (!commands[cmd]) {
  process.stderr.write("usage: monitor_overhead_report.mjs rep|line|report|netdata-count ...\n");
  process.exit(2);
}
await commands[cmd]();

// SPDX-License-Identifier: Apache-2.0
// Offline validation of the Kubernetes backend (no cluster on this machine): every scenario's
// `fgm scenario render` output is parsed with a strict YAML-subset parser (block maps and
// sequences, JSON-style quoted strings and flow sequences; anything else is an error, so the
// manifests stay in a shape any YAML parser reads identically) and checked: every object in the
// run's namespace, the image tag, requests == limits on every container, pod labels carrying the
// run, selectors that match, and the same pods, containers and limits as the local scenario.json.
//   node test/scenario/render_manifests.mjs path/to/fgm
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const fgm = process.argv[2];
const root = join(import.meta.dirname, "..", "..", "scenarios");
let failures = 0;
const fail = (msg) => { console.error("FAIL:", msg); failures++; };

// ---- strict YAML subset
export function parseYamlDocuments(text) {
  const docs = [];
  let current = [];
  text.split("\n").forEach((raw, n) => {
    if (raw.includes("\t")) throw new Error(`line ${n + 1}: tab`);
    if (/^\s*(#.*)?$/.test(raw)) return;
    if (raw === "---") { docs.push(current); current = []; return; }
    const indent = raw.length - raw.trimStart().length;
    current.push({ n: n + 1, indent, text: raw.trimEnd().slice(indent) });
  });
  docs.push(current);
  return docs.filter((d) => d.length).map((lines) => {
    const pos = { i: 0 };
    const value = parseBlock(lines, pos, lines[0].indent);
    if (pos.i !== lines.length) throw new Error(`line ${lines[pos.i].n}: unexpected indentation`);
    return value;
  });
}
function parseScalar(s, n) {
  if (s.startsWith('"')) return JSON.parse(s);
  if (s.startsWith("[")) {
    const v = JSON.parse(s);
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new Error(`line ${n}: flow sequence of strings only`);
    return v;
  }
  if (s === "{}") return {};
  if (/^[\[\]{}&*!|>'%@`#]/.test(s) || s.includes(": ") || s.includes(" #")) throw new Error(`line ${n}: unsupported scalar ${s}`);
  if (/^-?\d+$/.test(s)) return Number(s);
  if (s === "true" || s === "false") return s === "true";
  return s;
}
function parseBlock(lines, pos, indent) {
  const first = lines[pos.i];
  if (first.indent !== indent) throw new Error(`line ${first.n}: indentation ${first.indent}, want ${indent}`);
  if (first.text === "-" || first.text.startsWith("- ")) {
    const seq = [];
    while (pos.i < lines.length && lines[pos.i].indent === indent && (lines[pos.i].text === "-" || lines[pos.i].text.startsWith("- "))) {
      const line = lines[pos.i];
      const rest = line.text.slice(2);
      if (/^[A-Za-z0-9_./-]+:( |$)/.test(rest)) {
        // "- key: value": a mapping whose keys sit two columns right of the dash.
        lines[pos.i] = { n: line.n, indent: indent + 2, text: rest };
        seq.push(parseBlock(lines, pos, indent + 2));
      } else if (rest === "") {
        pos.i++;
        seq.push(parseBlock(lines, pos, lines[pos.i].indent));
      } else {
        seq.push(parseScalar(rest, line.n));
        pos.i++;
      }
    }
    return seq;
  }
  const map = {};
  while (pos.i < lines.length && lines[pos.i].indent === indent) {
    const line = lines[pos.i];
    const m = /^([A-Za-z0-9_./-]+):(?: (.*))?$/.exec(line.text);
    if (!m) throw new Error(`line ${line.n}: expected "key: value", got ${JSON.stringify(line.text)}`);
    if (Object.prototype.hasOwnProperty.call(map, m[1])) throw new Error(`line ${line.n}: duplicate key ${m[1]}`);
    pos.i++;
    if (m[2] !== undefined && m[2] !== "") {
      map[m[1]] = parseScalar(m[2], line.n);
    } else {
      if (pos.i >= lines.length || lines[pos.i].indent <= indent) throw new Error(`line ${line.n}: ${m[1]} has no value`);
      map[m[1]] = parseBlock(lines, pos, lines[pos.i].indent);
    }
  }
  if (pos.i < lines.length && lines[pos.i].indent > indent) throw new Error(`line ${lines[pos.i].n}: unexpected indentation`);
  return map;
}

// The parser itself must reject what it does not understand.
for (const bad of ["a: 1\n  b: 2", "a:\n\tb: 1", "a: 1\na: 2", "a: &x 1", "a: 'single'", "a: [1, 2]", "a: {b: 1}"]) {
  let threw = false;
  try { parseYamlDocuments(bad); } catch { threw = true; }
  if (!threw) fail(`strict parser accepted ${JSON.stringify(bad)}`);
}
const sample = parseYamlDocuments('a: 1\nb:\n  - name: x\n    args: ["p", "q"]\n  - y\n---\nc: "d: e"\n');
if (JSON.stringify(sample) !== JSON.stringify([{ a: 1, b: [{ name: "x", args: ["p", "q"] }, "y"] }, { c: "d: e" }])) {
  fail(`parser: ${JSON.stringify(sample)}`);
}

// ---- each scenario
const cpuMilli = (q) => (String(q).endsWith("m") ? Number(String(q).slice(0, -1)) : Math.round(Number(q) * 1000));
const memBytes = (q) => {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(String(q));
  return m ? Number(m[1]) * { undefined: 1, Ki: 1024, Mi: 1 << 20, Gi: 1 << 30 }[m[2]] : NaN;
};
const names = readdirSync(root).filter((d) => existsSync(join(root, d, "scenario.json"))).sort();
if (names.length !== 7) fail(`expected 7 scenarios, found ${names.join(", ")}`);
const run = "zz34yx78", tag = "t-2026.11";
let havePyYaml = false;
try { execFileSync("python3", ["-c", "import yaml"], { stdio: "ignore" }); havePyYaml = true; } catch {}
for (const name of names) {
  const where = (msg) => `${name}: ${msg}`;
  const text = execFileSync(fgm, ["scenario", "render", name, "--run-id", run, "--image-tag", tag,
    "--scenarios-dir", root], { encoding: "utf8" });
  let docs;
  try { docs = parseYamlDocuments(text); } catch (e) { fail(where(`YAML: ${e.message}`)); continue; }
  const ns = `fgm-run-${run}`;
  const nsDoc = docs.find((d) => d.kind === "Namespace");
  if (!nsDoc || nsDoc.metadata?.name !== ns) fail(where("no Namespace " + ns));
  const deployments = docs.filter((d) => d.kind === "Deployment");
  for (const d of docs) {
    if (!d.apiVersion || !d.kind || !d.metadata?.name) fail(where(`object without apiVersion/kind/name: ${JSON.stringify(d).slice(0, 100)}`));
    if (d.kind !== "Namespace" && d.metadata?.namespace !== ns) fail(where(`${d.kind}/${d.metadata?.name} not in ${ns}`));
    if (d.kind === "Service") {
      const sel = d.spec?.selector ?? {};
      const target = deployments.find((x) => Object.entries(sel).every(([k, v]) => x.spec.template.metadata.labels[k] === v));
      if (!target) fail(where(`Service ${d.metadata.name} selects no pod`));
    }
  }
  const spec = JSON.parse(readFileSync(join(root, name, "scenario.json"), "utf8"));
  if (deployments.length !== spec.pods.length) fail(where(`${deployments.length} Deployments for ${spec.pods.length} pods`));
  for (const pod of spec.pods) {
    const d = deployments.find((x) => x.metadata.name === pod.name);
    if (!d) { fail(where(`no Deployment for pod ${pod.name}`)); continue; }
    const labels = d.spec.template.metadata.labels;
    for (const [k, v] of Object.entries({ ...pod.labels, "fgm.io/run": run, "fgm.io/scenario": name })) {
      if (labels[k] !== v) fail(where(`${pod.name}: label ${k}=${labels[k]}, want ${v}`));
    }
    if (!Object.entries(d.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)) fail(where(`${pod.name}: selector does not match its template`));
    const containers = d.spec.template.spec.containers;
    if (containers.map((c) => c.name).join() !== pod.containers.map((c) => c.name).join()) {
      fail(where(`${pod.name}: containers ${containers.map((c) => c.name)} vs ${pod.containers.map((c) => c.name)}`));
    }
    for (const c of containers) {
      const local = pod.containers.find((x) => x.name === c.name);
      const lim = c.resources?.limits, req = c.resources?.requests;
      if (!lim || !req || lim.cpu !== req.cpu || lim.memory !== req.memory) fail(where(`${c.name}: requests must equal limits`));
      if (local && lim && (cpuMilli(lim.cpu) !== cpuMilli(local.cpu) || memBytes(lim.memory) !== memBytes(local.memory))) {
        fail(where(`${c.name}: limits ${lim.cpu}/${lim.memory} differ from scenario.json ${local.cpu}/${local.memory}`));
      }
      if (String(c.image).startsWith("fgm-workload:") && c.image !== `fgm-workload:${tag}`) fail(where(`${c.name}: image ${c.image}`));
      if (c.image === `fgm-workload:${tag}` && local && c.args?.[0] !== local.args[0]) fail(where(`${c.name}: mode ${c.args?.[0]} vs ${local.args[0]}`));
    }
  }
  if (!text.includes(`fgm-workload:${tag}`)) fail(where("no container uses the workload image"));
  // A real YAML parser must read exactly what the subset parser read (PyYAML, when installed).
  if (havePyYaml) {
    const theirs = execFileSync("python3", ["-c", "import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)"],
      { input: text, encoding: "utf8" });
    if (JSON.stringify(JSON.parse(theirs)) !== JSON.stringify(docs)) fail(where("PyYAML reads the manifest differently"));
  }
  console.log(`ok: ${name}: ${docs.length} objects, ${deployments.length} Deployments${havePyYaml ? " (PyYAML agrees)" : ""}`);
}
// A bad tag is refused with a clear message, not rendered.
try {
  execFileSync(fgm, ["scenario", "render", "memory-leak", "--image-tag", "no spaces", "--scenarios-dir", root], { stdio: "pipe" });
  fail("render accepted a bad image tag");
} catch (e) {
  if (!/bad image tag/.test(String(e.stderr))) fail(`render error: ${e.stderr}`);
}
if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }
console.log("render_manifests: all checks passed");

// SPDX-License-Identifier: Apache-2.0
// Dashboards (the reference's schema_version 1): which containers, which time range, which panels.
// `{{VAR}}` placeholders in any string are filled from URL parameters (e.g. ?RUN_ID=ab12cd34), so
// one scenario dashboard serves every run. Pure functions: tested in node.

import type { PanelSpec, ViewState } from "./state";

export interface Dashboard {
  schema_version: 1;
  name: string;
  containers: { namespace?: string; label_selector?: string; name_pattern?: string };
  time_range: { mode: "from_containers"; padding_seconds: number } | null;
  panels: PanelSpec[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false, error: string };

/// Replaces every {{NAME}} in strings (recursively) from vars; lists the names it could not fill.
export function applyTemplate(value: unknown, vars: Record<string, string>, missing: Set<string>): unknown {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (all, name: string) => {
      if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
      missing.add(name);
      return all;
    });
  }
  if (Array.isArray(value)) return value.map((v) => applyTemplate(v, vars, missing));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = applyTemplate(v, vars, missing);
    return out;
  }
  return value;
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}

/// Validates a dashboard JSON and fills its templates. Errors say what to fix.
export function parseDashboard(json: unknown, vars: Record<string, string>): Parsed<Dashboard> {
  if (!json || typeof json !== "object") return { ok: false, error: "dashboard is not a JSON object" };
  const raw = json as Record<string, unknown>;
  if (raw.schema_version !== 1) {
    return { ok: false, error: `dashboard schema_version is ${JSON.stringify(raw.schema_version)}; this viewer reads 1` };
  }
  const missing = new Set<string>();
  const d = applyTemplate(raw, vars, missing) as Record<string, unknown>;
  if (missing.size) {
    const names = [...missing].sort();
    return {
      ok: false,
      error: `dashboard needs ${names.map((n) => `{{${n}}}`).join(", ")}: add ${names.map((n) => `${n}=…`).join("&")} to the URL`,
    };
  }
  const containers = (d.containers ?? {}) as Record<string, unknown>;
  for (const k of ["namespace", "label_selector", "name_pattern"]) {
    if (containers[k] !== undefined && !isString(containers[k])) return { ok: false, error: `containers.${k} must be a string` };
  }
  if (containers.name_pattern) {
    try {
      new RegExp(containers.name_pattern as string);
    } catch {
      return { ok: false, error: `containers.name_pattern is not a valid regular expression` };
    }
  }
  let timeRange: Dashboard["time_range"] = null;
  if (d.time_range !== undefined && d.time_range !== null) {
    const tr = d.time_range as Record<string, unknown>;
    if (tr.mode !== "from_containers") return { ok: false, error: `time_range.mode must be "from_containers"` };
    const pad = tr.padding_seconds ?? 0;
    if (typeof pad !== "number" || !(pad >= 0)) return { ok: false, error: "time_range.padding_seconds must be a number ≥ 0" };
    timeRange = { mode: "from_containers", padding_seconds: pad };
  }
  if (!Array.isArray(d.panels) || d.panels.length === 0) return { ok: false, error: "dashboard has no panels" };
  const panels: PanelSpec[] = [];
  for (const [i, p] of (d.panels as unknown[]).entries()) {
    const pr = (p ?? {}) as Record<string, unknown>;
    if (!isString(pr.metric) || !pr.metric) return { ok: false, error: `panels[${i}].metric must be a metric name` };
    const spec: PanelSpec = { metric: pr.metric };
    if (isString(pr.title) && pr.title) spec.title = pr.title;
    if (isString(pr.study) && pr.study) spec.study = pr.study;
    panels.push(spec);
  }
  return {
    ok: true,
    value: {
      schema_version: 1,
      name: isString(d.name) ? d.name : "dashboard",
      containers: {
        namespace: containers.namespace as string | undefined,
        label_selector: containers.label_selector as string | undefined,
        name_pattern: containers.name_pattern as string | undefined,
      },
      time_range: timeRange,
      panels,
    },
  };
}

/// "app=web,tier=db" (Kubernetes equality selector) -> {app: "web", tier: "db"}. ":" is accepted too.
export function parseLabelSelector(sel: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (sel ?? "").split(",")) {
    const m = /^\s*([^=:!\s]+)\s*(?:==|=|:)\s*(.*?)\s*$/.exec(part);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/// Applies a dashboard to a state: panels and container filters. The time range needs the matching
/// containers, see dashboardWindow.
export function applyDashboard(s: ViewState, d: Dashboard): ViewState {
  return {
    ...s,
    panels: s.panels.length ? s.panels : d.panels.map((p) => ({ ...p })),
    filters: {
      ...s.filters,
      namespace: d.containers.namespace ? [d.containers.namespace] : s.filters.namespace,
      labels: { ...parseLabelSelector(d.containers.label_selector), ...s.filters.labels },
    },
  };
}

/// Containers selected by the dashboard's name_pattern (regex on container or pod name).
export function matchesNamePattern(d: Dashboard, c: { container_name: string; pod_name: string }): boolean {
  if (!d.containers.name_pattern) return true;
  const re = new RegExp(d.containers.name_pattern);
  return re.test(c.container_name) || re.test(c.pod_name);
}

/// time_range from_containers: first_seen of the earliest to last_seen of the latest, padded.
export function dashboardWindow(
  d: Dashboard,
  containers: { first_seen_ms: number; last_seen_ms: number }[],
): [number, number] | null {
  if (!d.time_range || !containers.length) return null;
  const pad = d.time_range.padding_seconds * 1000;
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of containers) {
    lo = Math.min(lo, c.first_seen_ms);
    hi = Math.max(hi, c.last_seen_ms);
  }
  return [lo - pad, hi + pad];
}

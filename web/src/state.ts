// SPDX-License-Identifier: Apache-2.0
// The view state (panels, time range, filters, display options) and its URL form. Everything a
// user sees is derived from ViewState, and ViewState round-trips through the query string, so a
// copied link reproduces the view. Pure functions only: tested in node (web/test/state.test.ts).

export type Theme = "auto" | "light" | "dark";
export type GroupBy = "name" | "instance";

export interface PanelSpec {
  metric: string;
  title?: string;
  /// A study overlaid on the panel: periodicity | changepoint | trend | correlation.
  study?: string;
  /// One container id (a series opened from the correlations list); absent = the shared selection.
  container?: string;
}

export interface ContainerFilters {
  namespace: string[];
  qos: string[];
  search: string;
  labels: Record<string, string>;
}

export interface ViewState {
  panels: PanelSpec[];
  /// Relative span of data ("5m", "1h", "6h", "24h", "all", ...) used when from/to are absent.
  range: string;
  from?: number;
  to?: number;
  filters: ContainerFilters;
  /// Explicit container ids; empty = every container matching the filters.
  containers: string[];
  groupBy: GroupBy;
  live: boolean;
  theme: Theme;
  /// Group key (see groupKey) shown alone in every panel, or "" for all.
  isolate: string;
  dashboard: string;
  /// Template variables for a dashboard: every URL parameter the viewer does not use itself.
  vars: Record<string, string>;
}

export const kRanges = ["5m", "1h", "6h", "24h", "all"] as const;
export const kDefaultRange = "1h";

export function defaultState(): ViewState {
  return {
    panels: [],
    range: kDefaultRange,
    filters: { namespace: [], qos: [], search: "", labels: {} },
    containers: [],
    groupBy: "name",
    live: false,
    theme: "auto",
    isolate: "",
    dashboard: "",
    vars: {},
  };
}

export function isAbsolute(s: ViewState): boolean {
  return s.from !== undefined && s.to !== undefined;
}

/// Span in ms of a relative range name, or null for "all"/unknown.
export function rangeMs(range: string): number | null {
  const m = /^(\d+)(m|h|d)$/.exec(range);
  if (!m) return null;
  const unit = m[2] === "m" ? 60_000 : m[2] === "h" ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}

const kKnownParams = new Set(["panel", "range", "from", "to", "ns", "qos", "q", "label", "c", "group", "live", "theme", "iso", "dashboard"]);

function splitList(v: string | null): string[] {
  return v ? v.split(",").filter((x) => x !== "") : [];
}

function parseLabels(v: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of splitList(v)) {
    const i = kv.indexOf(":");
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export function labelsToString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}:${v}`)
    .join(",");
}

/// ViewState -> query string (without "?"). Defaults are left out so links stay short.
export function stateToQuery(s: ViewState): string {
  const q = new URLSearchParams();
  if (s.dashboard) q.set("dashboard", s.dashboard);
  for (const p of s.panels) {
    let v = p.metric;
    if (p.study) v += ":" + p.study;
    if (p.container) v += "@" + p.container;
    q.append("panel", v);
  }
  if (isAbsolute(s)) {
    q.set("from", String(Math.round(s.from!)));
    q.set("to", String(Math.round(s.to!)));
  } else if (s.range !== kDefaultRange) {
    q.set("range", s.range);
  }
  if (s.filters.namespace.length) q.set("ns", s.filters.namespace.join(","));
  if (s.filters.qos.length) q.set("qos", s.filters.qos.join(","));
  if (s.filters.search) q.set("q", s.filters.search);
  if (Object.keys(s.filters.labels).length) q.set("label", labelsToString(s.filters.labels));
  if (s.containers.length) q.set("c", s.containers.join(","));
  if (s.groupBy !== "name") q.set("group", s.groupBy);
  if (s.live) q.set("live", "1");
  if (s.theme !== "auto") q.set("theme", s.theme);
  if (s.isolate) q.set("iso", s.isolate);
  for (const [k, v] of Object.entries(s.vars)) if (!kKnownParams.has(k)) q.set(k, v);
  return q.toString();
}

/// Query string -> ViewState. Unknown or malformed values fall back to defaults (a hand-edited link
/// should open something, not an error page); unknown parameters become dashboard variables.
export function queryToState(query: string): ViewState {
  const q = new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
  const s = defaultState();
  // panel=metric[:study][@container]
  for (const raw of q.getAll("panel")) {
    const at = raw.indexOf("@");
    const v = at < 0 ? raw : raw.slice(0, at);
    const i = v.indexOf(":");
    const metric = i < 0 ? v : v.slice(0, i);
    if (!metric) continue;
    const p: PanelSpec = { metric };
    if (i >= 0 && v.slice(i + 1)) p.study = v.slice(i + 1);
    if (at >= 0 && raw.slice(at + 1)) p.container = raw.slice(at + 1);
    s.panels.push(p);
  }
  const range = q.get("range");
  if (range && (range === "all" || rangeMs(range) !== null)) s.range = range;
  const from = Number(q.get("from"));
  const to = Number(q.get("to"));
  if (q.has("from") && q.has("to") && Number.isFinite(from) && Number.isFinite(to) && to > from) {
    s.from = from;
    s.to = to;
  }
  s.filters.namespace = splitList(q.get("ns"));
  s.filters.qos = splitList(q.get("qos"));
  s.filters.search = q.get("q") ?? "";
  s.filters.labels = parseLabels(q.get("label"));
  s.containers = splitList(q.get("c"));
  if (q.get("group") === "instance") s.groupBy = "instance";
  s.live = q.get("live") === "1";
  const theme = q.get("theme");
  if (theme === "light" || theme === "dark") s.theme = theme;
  s.isolate = q.get("iso") ?? "";
  s.dashboard = q.get("dashboard") ?? "";
  for (const [k, v] of q) if (!kKnownParams.has(k)) s.vars[k] = v;
  return s;
}

/// How series are coloured and listed: by pod/container name (a restart keeps its colour and legend
/// entry) or by container instance id.
export function groupKey(
  series: { container: string; container_name: string; pod_name: string; namespace: string },
  groupBy: GroupBy,
): string {
  if (groupBy === "instance") return series.container;
  return `${series.namespace}/${series.pod_name}/${series.container_name}`;
}

/// The time window (ms) a relative range shows when the newest data is at `newestMs`.
export function windowFor(s: ViewState, newestMs: number, oldestMs: number): [number, number] {
  if (isAbsolute(s)) return [s.from!, s.to!];
  const span = rangeMs(s.range);
  if (span === null) return [oldestMs, newestMs];
  return [Math.max(oldestMs, newestMs - span), newestMs];
}

// SPDX-License-Identifier: Apache-2.0
// The only way the UI reaches data: an Engine answers `request(path, params)` with the parsed JSON of
// docs/api.md. HttpEngine talks to `fgm viewer`; the offline export plugs in an in-page WASM engine
// that answers the same paths with the same JSON. Typed helpers (Api) sit on top, so no view
// code calls fetch or knows the transport.

export type Params = Record<string, string | number | undefined | null>;

/// Transport-independent access to the viewer API. Implementations reject with EngineError.
export interface Engine {
  request<T = unknown>(path: string, params?: Params): Promise<T>;
}

/// A failed request: HTTP status (0 when the server could not be reached) and the API's message.
export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/// Builds "path?k=v&..." skipping empty values, keys in the given order (stable URLs, cacheable).
export function buildQuery(path: string, params: Params = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

// Requests in flight at once. Browsers open up to 6 HTTP/1.1 connections per host, and each idle
// keep-alive connection holds one of the viewer's few server threads until it times out (2 s), so
// a 7-request refresh could wait seconds for a thread. 3 lanes keep a thread free for another tab;
// every API answer takes milliseconds, so the queue costs nothing measurable.
const kMaxConcurrentRequests = 3;

/// Engine over HTTP, same origin as the page (the viewer serves both UI and API).
export class HttpEngine implements Engine {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly base = "") {}

  async request<T>(path: string, params?: Params): Promise<T> {
    if (this.active >= kMaxConcurrentRequests) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await this.fetchJson<T>(path, params);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async fetchJson<T>(path: string, params?: Params): Promise<T> {
    const url = this.base + buildQuery(path, params);
    let res: Response;
    try {
      res = await fetch(url, { headers: { Accept: "application/json" } });
    } catch (e) {
      throw new EngineError(0, `cannot reach the viewer (${(e as Error).message}); is fgm viewer still running?`, path);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      throw new EngineError(res.status, `the viewer answered ${res.status} with non-JSON`, path);
    }
    if (!res.ok) {
      const msg = (body as { error?: string } | null)?.error ?? `HTTP ${res.status}`;
      throw new EngineError(res.status, msg, path);
    }
    return body as T;
  }
}

// ---- Response shapes (docs/api.md; fixed) ----

export interface MetricInfo {
  name: string;
  unit: string;
  kind: string;
  row_kind?: string;
  description?: string;
}
export interface Filters {
  namespaces: string[];
  qos_classes: string[];
  label_keys: Record<string, string[]>;
  from_ms: number | null;
  to_ms: number | null;
}
export interface Container {
  id: string;
  short_id: string;
  container_name: string;
  pod_name: string;
  pod_uid?: string;
  namespace: string;
  qos_class: string;
  runtime?: string;
  node_name?: string;
  labels: Record<string, string>;
  first_seen_ms: number;
  last_seen_ms: number;
}
export interface Series {
  container: string;
  container_name: string;
  pod_name: string;
  namespace: string;
  t: number[];
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}
export interface TimeseriesResponse {
  metric: string;
  unit: string;
  from_ms: number;
  to_ms: number;
  step_ms: number;
  series: Series[];
}
export interface EventInfo {
  time_ms: number;
  container: string;
  container_name: string;
  pod_name: string;
  namespace: string;
  type: string;
  exit_code: number | null;
  signal: number | null;
  reason: string | null;
  message: string | null;
}
export interface StudyInfo {
  id: string;
  name: string;
  description: string;
  parameters: { name: string; default: string; description: string }[];
}
export interface StudyWindow {
  start_ms: number;
  end_ms: number;
  label: string;
  metrics?: Record<string, number>;
}
export interface StudyResult {
  container: string;
  container_name: string;
  summary?: string;
  windows?: StudyWindow[];
  periods?: { period_s: number; confidence: number }[];
  changepoints?: { time_ms: number; before: number; after: number }[];
  trend?: {
    slope_per_s: number;
    mann_kendall_z?: number;
    p_value?: number;
    line: { t0_ms: number; v0: number; t1_ms: number; v1: number };
    limit?: number | null;
    breach_ms?: number | null;
  };
  correlations?: { container: string; container_name: string; metric: string; r: number; lag_s: number }[];
}
export interface StudyResponse {
  study: string;
  metric: string;
  results: StudyResult[];
}
export interface Health {
  status: string;
  files: number;
  newest_ms: number | null;
}
export interface Instance {
  node_name?: string | null;
  cluster_name?: string | null;
  pod_name?: string | null;
  identifier?: string | null;
  version?: string;
  live?: boolean;
}

/// Selection parameters shared by most endpoints (docs/api.md "Common parameters").
export interface Selection {
  range?: string;
  from?: number;
  to?: number;
  containers?: string[];
  namespace?: string[];
  qos_class?: string[];
  search?: string;
  labels?: Record<string, string>;
}

export function selectionParams(s: Selection): Params {
  const p: Params = {};
  if (s.from !== undefined || s.to !== undefined) {
    p.from = s.from;
    p.to = s.to;
  } else if (s.range) {
    p.range = s.range;
  }
  if (s.containers?.length) p.containers = s.containers.join(",");
  if (s.namespace?.length) p.namespace = s.namespace.join(",");
  if (s.qos_class?.length) p.qos_class = s.qos_class.join(",");
  if (s.search) p.search = s.search;
  const labels = Object.entries(s.labels ?? {});
  if (labels.length) p.labels = labels.map(([k, v]) => `${k}:${v}`).join(",");
  return p;
}

/// Typed helpers over any Engine: one method per endpoint.
export class Api {
  constructor(readonly engine: Engine) {}
  health() {
    return this.engine.request<Health>("/api/health");
  }
  instance() {
    return this.engine.request<Instance>("/api/instance");
  }
  async metrics() {
    return (await this.engine.request<{ metrics: MetricInfo[] }>("/api/metrics")).metrics;
  }
  filters() {
    return this.engine.request<Filters>("/api/filters");
  }
  async containers(sel: Selection) {
    const p = selectionParams({ ...sel, containers: undefined });
    return (await this.engine.request<{ containers: Container[] }>("/api/containers", p)).containers;
  }
  timeseries(metric: string, sel: Selection, maxPoints: number) {
    return this.engine.request<TimeseriesResponse>("/api/timeseries", {
      metric,
      ...selectionParams(sel),
      max_points: maxPoints,
    });
  }
  async events(sel: Selection) {
    return (await this.engine.request<{ events: EventInfo[] }>("/api/events", selectionParams(sel))).events;
  }
  async studies() {
    return (await this.engine.request<{ studies: StudyInfo[] }>("/api/studies")).studies;
  }
  study(id: string, metric: string, sel: Selection, extra: Params = {}) {
    return this.engine.request<StudyResponse>(`/api/study/${encodeURIComponent(id)}`, {
      metric,
      ...selectionParams(sel),
      ...extra,
    });
  }
  dashboard(name: string) {
    return this.engine.request<unknown>(`/dashboards/${encodeURIComponent(name)}`);
  }
}

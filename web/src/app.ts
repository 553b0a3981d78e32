// SPDX-License-Identifier: Apache-2.0
// The viewer: header (range picker, live, theme, grouping, link), metric picker, container filters,
// the overview navigator and the panels. Owns the ViewState, keeps it in the URL, and fetches
// everything through Api (one Engine), so the same app runs over HTTP or the export's WASM engine.
import uPlot from "uplot";

import { Panel } from "./chart";
import { applyDashboard, dashboardWindow, matchesNamePattern, parseDashboard } from "./dashboard";
import { el } from "./dom";
import { Api, type Container, type Engine, EngineError, type Filters, type Instance, type MetricInfo, type Selection, type StudyInfo } from "./engine";
import { exportControls } from "./export_button";
import { FuzzyIndex, highlightParts } from "./fuzzy";
import { alignSeries } from "./series";
import { type PanelSpec, type ViewState, isAbsolute, kRanges, queryToState, stateToQuery } from "./state";
import { formatDuration, unitLabel } from "./units";

// Poll period of live follow mode: the monitor flushes every few seconds and samples at 1 Hz,
// so 2 s shows new data promptly without loading the viewer.
const kLivePollMs = 2000;
// Debounce before refetching after a zoom/pan or a keystroke in a filter: long enough to
// coalesce a wheel gesture, short enough to feel immediate.
const kRefetchDebounceMs = 250;
// Quiet time after which a zoom/pan gesture (wheel burst, drag, navigator) counts as over and the
// panels redraw at full detail: longer than the gap between wheel events of one scroll (~16-50
// ms), short enough that the detail is back before the eye settles on it.
const kSettleMs = 150;
// Panels shown when the URL names none: the API lists the common metrics first.
const kDefaultPanelCount = 5;
// Points per series: about one per horizontal pixel is all a chart can show (the API keeps
// min/max per bucket, so spikes survive); the API caps it at 20000.
const kMaxPointsCap = 4000;
// Overview navigator resolution: it is 60 px tall and only shows the shape.
const kOverviewPoints = 600;
// Metric picker: how many matches to list (the list scrolls; more is never read).
const kPickerRows = 50;

// 18 distinguishable colours: Tableau 20 order (strong ones first) without its two greys, which
// read as grid lines (and the "stopped" event colour) and nearly vanish on the dark theme.
const kPalette = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
  "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5",
];

export interface AppTimings {
  navigationToFirstChartMs: number | null;
  lastRefreshMs: number | null;
  /// The last full-detail redraw after a gesture, from its start to the end of its frame.
  lastSettleMs: number | null;
  /// How many gestures settled (benchmarks wait on it).
  settles: number;
}

declare global {
  interface Window {
    __fgm?: { app: App; timings: AppTimings };
  }
}

export class App {
  private state: ViewState;
  private readonly api: Api;
  private metrics: MetricInfo[] = [];
  private metricByName = new Map<string, MetricInfo>();
  private studies: StudyInfo[] = [];
  private filters: Filters | null = null;
  private instance: Instance | null = null;
  private panels: { spec: PanelSpec; view: Panel }[] = [];
  private colors = new Map<string, string>();
  private fuzzy: FuzzyIndex | null = null;
  private window: [number, number] | null = null;
  private dataBounds: [number, number] | null = null;
  private refreshSeq = 0;
  private refetchTimer: number | undefined;
  private inFlight = 0;
  private liveTimer: number | undefined;
  private lastRelativeRange = "1h";
  private overview: uPlot | null = null;
  /// A frame is requested to apply the latest window (zoomTo coalesces to one redraw per frame).
  private frameRequested = false;
  private settleTimer: number | undefined;
  readonly timings: AppTimings = { navigationToFirstChartMs: null, lastRefreshMs: null, lastSettleMs: null, settles: 0 };

  // DOM
  private readonly root: HTMLElement;
  private readonly banner = el("div", { class: "banner", hidden: "" });
  private readonly panelsEl = el("main", { class: "panels" });
  private readonly overviewEl = el("div", { class: "overview", title: "Overview: drag to choose the time range" });
  private readonly rangeLabel = el("span", { class: "range-label" });
  private readonly countEl = el("span", { class: "count" });
  private readonly pickerInput = el("input", { type: "search", class: "metric-search", placeholder: "Add a panel: search metrics  ( / )", "aria-label": "search metrics", autocomplete: "off" }) as HTMLInputElement;
  private readonly pickerList = el("ul", { class: "picker-list", role: "listbox", hidden: "" });
  private pickerHits: number[] = [];
  private pickerActive = 0;
  private readonly filtersEl = el("div", { class: "filters" });
  private readonly headerEl = el("header", { class: "top" });

  constructor(root: HTMLElement, engine: Engine) {
    this.root = root;
    this.api = new Api(engine);
    this.state = queryToState(location.search);
    if (!isAbsolute(this.state)) this.lastRelativeRange = this.state.range;
    window.__fgm = { app: this, timings: this.timings };
  }

  getState(): ViewState {
    return structuredClone(this.state);
  }

  async start(): Promise<void> {
    this.applyTheme();
    this.root.replaceChildren(el("p", { class: "state loading" }, ["Loading FGM viewer…"]));
    try {
      const [instance, metrics, filters, studies] = await Promise.all([
        this.api.instance().catch(() => null),
        this.api.metrics(),
        this.api.filters(),
        this.api.studies().catch(() => [] as StudyInfo[]),
      ]);
      this.instance = instance;
      this.metrics = metrics;
      this.metricByName = new Map(metrics.map((m) => [m.name, m]));
      this.filters = filters;
      this.studies = studies;
      this.fuzzy = new FuzzyIndex(metrics.map((m) => m.name));
    } catch (e) {
      this.root.replaceChildren(
        el("div", { class: "state error" }, [
          el("h1", {}, ["The viewer's data could not be loaded"]),
          el("p", {}, [errorText(e)]),
          el("p", {}, ["Check that `fgm viewer DIR` is still running and points at a directory with FGM Parquet files, then reload this page."]),
        ]),
      );
      return;
    }
    if (this.state.dashboard && !(await this.loadDashboard())) return;
    if (!this.metrics.length) {
      this.root.replaceChildren(
        el("div", { class: "state empty" }, [
          el("h1", {}, ["No metrics yet"]),
          el("p", {}, ["The data directory has no samples. Start `fgm monitor --out DIR` (or generate a dataset with `fgm generate-bench-data`) and reload."]),
        ]),
      );
      return;
    }
    if (!this.state.panels.length) this.state.panels = this.metrics.slice(0, kDefaultPanelCount).map((m) => ({ metric: m.name }));
    this.renderShell();
    this.rebuildPanels();
    this.installKeys();
    // "auto" follows the system: chart axes take their colours at creation, so rebuild on a switch.
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", (e) => {
      // Marks which scheme the charts were rebuilt for (tests wait on it).
      document.documentElement.dataset.systemScheme = e.matches ? "dark" : "light";
      if (this.state.theme === "auto") this.setTheme("auto");
    });
    await this.refresh();
    this.updateLive();
  }

  // ---- dashboards ----

  private async loadDashboard(): Promise<boolean> {
    let name = this.state.dashboard;
    if (!name.endsWith(".json")) name += ".json";
    const fail = (msg: string) => {
      this.root.replaceChildren(
        el("div", { class: "state error" }, [el("h1", {}, [`Dashboard ${name} could not be opened`]), el("p", {}, [msg]), el("p", {}, [el("a", { href: "?" }, ["Open the viewer without the dashboard"])])]),
      );
      return false;
    };
    let json: unknown;
    try {
      json = await this.api.dashboard(name);
    } catch (e) {
      return fail(errorText(e));
    }
    const parsed = parseDashboard(json, this.state.vars);
    if (!parsed.ok) return fail(parsed.error);
    const d = parsed.value;
    this.state = applyDashboard(this.state, d);
    if (d.containers.name_pattern || (d.time_range && !isAbsolute(this.state))) {
      let matching: Container[];
      try {
        matching = (await this.api.containers({ ...this.selection(), range: "all", from: undefined, to: undefined })).filter((c) => matchesNamePattern(d, c));
      } catch (e) {
        return fail(errorText(e));
      }
      if (!matching.length) return fail(`No container matches the dashboard's filters (${JSON.stringify(d.containers)}). Check the URL's template values.`);
      if (d.containers.name_pattern && !this.state.containers.length) this.state.containers = matching.map((c) => c.id);
      const w = dashboardWindow(d, matching);
      if (w && !isAbsolute(this.state)) [this.state.from, this.state.to] = w;
    }
    document.title = `${d.name} — FGM viewer`;
    return true;
  }

  // ---- layout ----

  private renderShell(): void {
    this.renderHeader();
    this.renderFilters();
    const picker = el("div", { class: "picker" }, [this.pickerInput, this.pickerList]);
    this.wirePicker();
    this.root.replaceChildren(this.headerEl, el("div", { class: "toolbar" }, [picker, this.filtersEl]), this.banner, this.overviewEl, this.panelsEl);
  }

  private renderHeader(): void {
    const s = this.state;
    const ranges = kRanges.map((r) =>
      el("button", { class: `range${!isAbsolute(s) && s.range === r ? " active" : ""}`, "data-range": r, onclick: () => this.setRange(r) }, [r === "all" ? "all" : `last ${r}`]),
    );
    const fromIn = el("input", { type: "datetime-local", class: "abs-from", "aria-label": "from", step: 1 }) as HTMLInputElement;
    const toIn = el("input", { type: "datetime-local", class: "abs-to", "aria-label": "to", step: 1 }) as HTMLInputElement;
    if (this.window) {
      fromIn.value = toLocalInput(this.window[0]);
      toIn.value = toLocalInput(this.window[1]);
    }
    const apply = el("button", { class: "abs-apply", onclick: () => {
      const f = Date.parse(fromIn.value);
      const t = Date.parse(toIn.value);
      if (!(t > f)) return this.showBanner("error", "Absolute range: pick a start before the end.");
      this.zoomTo(f, t, true);
    } }, ["Apply"]);
    const live = el("label", { class: "live", title: `Follow new data (refresh every ${kLivePollMs / 1000} s); relative ranges only` }, [
      el("input", { type: "checkbox", class: "live-toggle", ...(s.live ? { checked: true } : {}), onchange: (e: Event) => this.setLive((e.target as HTMLInputElement).checked) }),
      "live",
    ]);
    const theme = el("select", { class: "theme", "aria-label": "theme", onchange: (e: Event) => this.setTheme((e.target as HTMLSelectElement).value as ViewState["theme"]) }, [
      el("option", { value: "auto" }, ["auto theme"]),
      el("option", { value: "light" }, ["light"]),
      el("option", { value: "dark" }, ["dark"]),
    ]) as HTMLSelectElement;
    theme.value = s.theme;
    const group = el("select", { class: "group-by", "aria-label": "group by", title: "Colour and list series by container name (restarts share a colour) or by container instance", onchange: (e: Event) => {
      this.state.groupBy = (e.target as HTMLSelectElement).value === "instance" ? "instance" : "name";
      this.state.isolate = "";
      this.commit();
    } }, [el("option", { value: "name" }, ["group by name"]), el("option", { value: "instance" }, ["per instance"])]) as HTMLSelectElement;
    group.value = s.groupBy;
    const copy = el("button", { class: "copy-link", title: "Copy a link to this view", onclick: () => {
      const url = location.href;
      navigator.clipboard?.writeText(url).then(
        () => this.showBanner("info", "Link copied."),
        () => this.showBanner("info", `Link: ${url}`),
      );
    } }, ["Copy link"]);
    const who = this.instance?.identifier ?? this.instance?.node_name ?? "";
    this.headerEl.replaceChildren(
      el("h1", {}, ["FGM", who ? el("small", {}, [` ${who}`]) : ""]),
      el("div", { class: "ranges" }, ranges),
      el("div", { class: "absolute" }, [fromIn, "–", toIn, apply]),
      this.rangeLabel,
      el("span", { class: "spacer" }),
      live,
      group,
      theme,
      copy,
    );
    this.headerEl.append(exportControls(this));
  }

  private renderFilters(): void {
    const f = this.filters;
    const s = this.state.filters;
    const chips = (values: string[], selected: string[], cls: string, onToggle: (v: string) => void) =>
      values.map((v) => el("button", { class: `chip ${cls}${selected.includes(v) ? " active" : ""}`, "data-value": v, onclick: () => onToggle(v) }, [v]));
    const toggle = (arr: string[], v: string) => (arr.includes(v) ? arr.filter((x) => x !== v) : [...arr, v]);
    const search = el("input", { type: "search", class: "name-search", placeholder: "container / pod name", "aria-label": "container name search", value: s.search }) as HTMLInputElement;
    search.addEventListener("input", () => {
      this.state.filters.search = search.value.trim();
      this.commit(kRefetchDebounceMs);
    });
    const keys = Object.keys(f?.label_keys ?? {}).sort();
    const keySel = el("select", { class: "label-key", "aria-label": "label key" }, [el("option", { value: "" }, ["label…"]), ...keys.map((k) => el("option", { value: k }, [k]))]) as HTMLSelectElement;
    const valSel = el("select", { class: "label-value", "aria-label": "label value", disabled: true }) as HTMLSelectElement;
    keySel.addEventListener("change", () => {
      const vals = f?.label_keys[keySel.value] ?? [];
      valSel.replaceChildren(el("option", { value: "" }, ["value…"]), ...vals.map((v) => el("option", { value: v }, [v])));
      valSel.disabled = !keySel.value;
    });
    valSel.addEventListener("change", () => {
      if (!keySel.value || !valSel.value) return;
      this.state.filters.labels = { ...this.state.filters.labels, [keySel.value]: valSel.value };
      this.renderFilters();
      this.commit();
    });
    const labelChips = Object.entries(s.labels).map(([k, v]) =>
      el("button", { class: "chip label active", title: "Remove this label filter", onclick: () => {
        const next = { ...this.state.filters.labels };
        delete next[k];
        this.state.filters.labels = next;
        this.renderFilters();
        this.commit();
      } }, [`${k}=${v} ×`]),
    );
    const group = (title: string, children: Node[]) => (children.length ? [el("span", { class: "filter-group" }, [el("span", { class: "filter-title" }, [title]), ...children])] : []);
    const clear = el("button", { class: "clear-filters", onclick: () => {
      this.state.filters = { namespace: [], qos: [], search: "", labels: {} };
      this.state.containers = [];
      this.renderFilters();
      this.commit();
    } }, ["clear"]);
    this.filtersEl.replaceChildren(
      ...group("namespace", chips(f?.namespaces ?? [], s.namespace, "ns", (v) => {
        this.state.filters.namespace = toggle(this.state.filters.namespace, v);
        this.renderFilters();
        this.commit();
      })),
      ...group("QoS", chips(f?.qos_classes ?? [], s.qos, "qos", (v) => {
        this.state.filters.qos = toggle(this.state.filters.qos, v);
        this.renderFilters();
        this.commit();
      })),
      el("span", { class: "filter-group" }, [search]),
      ...(keys.length ? [el("span", { class: "filter-group" }, [keySel, valSel, ...labelChips])] : []),
      ...(this.state.containers.length ? [el("span", { class: "chip active" }, [`${this.state.containers.length} selected containers`])] : []),
      clear,
      this.countEl,
    );
  }

  // ---- metric picker ----

  private wirePicker(): void {
    const input = this.pickerInput;
    const update = () => {
      const t0 = performance.now();
      const hits = this.fuzzy!.search(input.value, kPickerRows);
      this.pickerHits = hits.map((h) => h.index);
      this.pickerActive = 0;
      this.pickerList.replaceChildren(
        ...(hits.length
          ? hits.map((h, i) => {
              const m = this.metrics[h.index];
              return el("li", { class: `pick${i === 0 ? " active" : ""}`, role: "option", "data-metric": m.name, title: m.description ?? "", onmousedown: (e: Event) => {
                e.preventDefault();
                this.pick(h.index);
              } }, [
                el("span", { class: "pick-name" }, highlightParts(m.name, h.ranges).map(([p, hit]) => (hit ? el("mark", {}, [p]) : p))),
                el("span", { class: "pick-unit" }, [unitLabel(m.unit)]),
              ]);
            })
          : [el("li", { class: "pick-none" }, [`No metric matches “${input.value}”. Try fewer letters.`])]),
      );
      this.pickerList.hidden = false;
      this.pickerList.dataset.searchMs = (performance.now() - t0).toFixed(3);
    };
    input.addEventListener("input", update);
    input.addEventListener("focus", update);
    input.addEventListener("blur", () => (this.pickerList.hidden = true));
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!this.pickerHits.length) return;
        const n = this.pickerHits.length;
        this.pickerActive = (this.pickerActive + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
        [...this.pickerList.children].forEach((li, i) => li.classList.toggle("active", i === this.pickerActive));
        this.pickerList.children[this.pickerActive]?.scrollIntoView({ block: "nearest" });
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (this.pickerHits.length) this.pick(this.pickerHits[this.pickerActive]);
      } else if (e.key === "Escape") {
        e.preventDefault();
        input.value = "";
        this.pickerList.hidden = true;
        input.blur();
      }
    });
  }

  private pick(index: number): void {
    const m = this.metrics[index];
    this.pickerInput.value = "";
    this.pickerList.hidden = true;
    this.pickerInput.blur();
    this.addPanel({ metric: m.name });
  }

  private installKeys(): void {
    document.addEventListener("keydown", (e) => {
      const t = e.target as HTMLElement;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
      if (e.key === "/" && !typing) {
        e.preventDefault();
        this.pickerInput.focus();
      }
    });
  }

  // ---- panels ----

  private addPanel(spec: PanelSpec): void {
    this.state.panels.push(spec);
    this.createPanelView(spec);
    this.pushUrl();
    void this.refresh();
  }

  private rebuildPanels(): void {
    for (const p of this.panels) p.view.destroy();
    this.panels = [];
    for (const spec of this.state.panels) this.createPanelView(spec);
  }

  private createPanelView(spec: PanelSpec): void {
    const metric = this.metricByName.get(spec.metric) ?? { name: spec.metric, unit: "", kind: "unknown" };
    const entry = { spec, view: null as unknown as Panel };
    const title = (spec.title ?? spec.metric) + (spec.container ? ` · ${spec.container.slice(0, 12)}` : "");
    entry.view = new Panel(metric, title, spec.study ?? "", this.studies, {
      onZoom: (f, t) => this.zoomTo(f, t, false),
      onResetZoom: () => this.setRange(this.lastRelativeRange),
      onIsolate: (key) => {
        this.state.isolate = key;
        for (const p of this.panels) p.view.setIsolate(key);
        this.pushUrl();
      },
      onStudyChange: (study) => {
        if (study) spec.study = study;
        else delete spec.study;
        this.pushUrl();
        void this.refreshPanel(entry, this.refreshSeq, this.selection());
      },
      onClose: () => {
        entry.view.destroy();
        this.panels = this.panels.filter((p) => p !== entry);
        this.state.panels = this.state.panels.filter((p) => p !== spec);
        this.pushUrl();
      },
      onOpenSeries: (m, container) => this.addPanel({ metric: m, container }),
    }, spec.container ?? "");
    this.panels.push(entry);
    this.panelsEl.append(entry.view.el);
    if (!this.metricByName.has(spec.metric)) entry.view.setError(`Unknown metric “${spec.metric}”: this dataset has no such column. Remove the panel or pick a metric with /.`);
  }

  // ---- state changes ----

  private setRange(range: string): void {
    this.state.range = range;
    this.lastRelativeRange = range;
    delete this.state.from;
    delete this.state.to;
    this.renderHeader();
    this.commit();
    this.updateLive();
  }

  /// Zoom/pan/absolute pick: panels move at once, data follows after a short debounce.
  private zoomTo(fromMs: number, toMs: number, immediate: boolean): void {
    if (!(toMs > fromMs)) return;
    // One second is the sampling interval: a narrower window shows at most one point.
    if (toMs - fromMs < 2000) {
      const mid = (fromMs + toMs) / 2;
      fromMs = mid - 1000;
      toMs = mid + 1000;
    }
    this.state.from = Math.round(fromMs);
    this.state.to = Math.round(toMs);
    this.window = [this.state.from, this.state.to];
    for (const p of this.panels) p.view.setWindow(this.window, !immediate);
    this.requestWindowFrame();
    // Only the range buttons change; rebuilding the header on every wheel notch would cost a layout.
    for (const b of this.headerEl.querySelectorAll<HTMLElement>("button.range")) b.classList.remove("active");
    this.updateLive();
    if (!immediate) {
      clearTimeout(this.settleTimer);
      this.settleTimer = window.setTimeout(() => this.settle(), kSettleMs);
    }
    this.commit(immediate ? 0 : kRefetchDebounceMs, false);
  }

  /// Applies the newest window to every panel, the navigator and the labels in the next frame:
  /// several wheel events (or zoomTo calls) in one frame cost one redraw.
  private requestWindowFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      for (const p of this.panels) p.view.applyWindow();
      this.drawOverviewWindow();
      this.updateRangeLabel(this.settleTimer === undefined);
    });
  }

  /// The gesture is over: full detail again (the refetch that follows brings finer data).
  private settle(): void {
    this.settleTimer = undefined;
    const t0 = performance.now();
    for (const p of this.panels) p.view.settle();
    this.updateRangeLabel();
    afterNextFrame(() => {
      this.timings.lastSettleMs = performance.now() - t0;
      this.timings.settles++;
    });
  }

  private setLive(on: boolean): void {
    this.state.live = on;
    if (on && isAbsolute(this.state)) this.setRange(this.lastRelativeRange);
    this.pushUrl();
    this.updateLive();
  }

  private setTheme(theme: ViewState["theme"]): void {
    this.state.theme = theme;
    this.applyTheme();
    this.pushUrl();
    // Chart axes take their colours at creation: rebuild them.
    this.rebuildPanels();
    this.overview?.destroy();
    this.overview = null;
    void this.refresh();
  }

  private applyTheme(): void {
    const t = this.state.theme;
    if (t === "auto") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = t;
  }

  private updateLive(): void {
    clearInterval(this.liveTimer);
    this.liveTimer = undefined;
    const on = this.state.live && !isAbsolute(this.state);
    document.body.classList.toggle("following", on);
    if (on) this.liveTimer = window.setInterval(() => void this.refresh(true), kLivePollMs);
  }

  /// State changed: URL now (or with the refetch, `urlNow` false: history.replaceState costs
  /// ~4 ms, too much for every frame of a gesture), data after `delayMs`.
  private commit(delayMs = 0, urlNow = true): void {
    if (urlNow || !delayMs) this.pushUrl();
    clearTimeout(this.refetchTimer);
    this.refetchTimer = undefined;
    if (delayMs) {
      this.refetchTimer = window.setTimeout(() => {
        this.refetchTimer = undefined;
        if (!urlNow) this.pushUrl();
        void this.refresh();
      }, delayMs);
      this.updateBusy();
    } else {
      void this.refresh();
    }
  }

  private pushUrl(): void {
    const q = stateToQuery(this.state);
    const url = q ? `?${q}` : location.pathname;
    history.replaceState(null, "", url);
  }

  private selection(): Selection {
    const s = this.state;
    return {
      range: s.range,
      from: s.from,
      to: s.to,
      containers: s.containers,
      namespace: s.filters.namespace,
      qos_class: s.filters.qos,
      search: s.filters.search,
      labels: s.filters.labels,
    };
  }

  colorOf(key: string): string {
    let c = this.colors.get(key);
    if (!c) {
      c = kPalette[this.colors.size % kPalette.length];
      this.colors.set(key, c);
    }
    return c;
  }

  // ---- data ----

  /// Refetches everything for the current state. Later calls win: stale answers are dropped.
  async refresh(quiet = false): Promise<void> {
    this.inFlight++;
    this.updateBusy();
    try {
      await this.refreshNow(quiet);
    } finally {
      this.inFlight--;
      this.updateBusy();
    }
  }

  /// body[data-busy] is "1" while a refetch is pending or running: tests and benchmarks wait on it,
  /// and the header could show a spinner from it.
  private updateBusy(): void {
    const busy = this.inFlight > 0 || this.refetchTimer !== undefined;
    document.body.dataset.busy = busy ? "1" : "0";
  }

  private async refreshNow(quiet: boolean): Promise<void> {
    const seq = ++this.refreshSeq;
    const t0 = performance.now();
    const sel = this.selection();
    if (!quiet) for (const p of this.panels) if (this.metricByName.has(p.spec.metric)) p.view.setLoading();
    // Issued in the order the screen needs them (the engine queues requests): events and the
    // charts first, then the container count and the newest-sample time.
    const eventsP = this.api.events(sel).catch(() => []);
    // Panels draw only once the colours are given out in name order below: a panel whose data
    // came first would otherwise take colours in its own series order, and a reload would not
    // give the same colours.
    let colorsAssigned!: () => void;
    const colorsReady = new Promise<void>((resolve) => (colorsAssigned = resolve));
    const panelsDone = Promise.all(this.panels.map((p) => this.refreshPanel(p, seq, sel, eventsP, colorsReady)));
    const containers = this.api.containers(sel).catch((e) => e as Error);
    const health = this.api.health().catch(() => null);
    const cs = await containers;
    if (seq !== this.refreshSeq) {
      colorsAssigned();
      return;
    }
    if (cs instanceof Error) {
      this.showBanner("error", `Containers could not be listed: ${errorText(cs)}`);
    } else {
      // Colours in a stable order (by name) so a reload gives the same colours.
      const keys = cs.map((c) => (this.state.groupBy === "instance" ? c.id : `${c.namespace}/${c.pod_name}/${c.container_name}`)).sort();
      for (const k of keys) this.colorOf(k);
      this.countEl.textContent = `${cs.length} container${cs.length === 1 ? "" : "s"}`;
      if (!cs.length) this.showBanner("empty", "No container matches these filters in this time range. Clear the filters or widen the range.");
      else this.hideBanner();
    }
    colorsAssigned();
    await panelsDone;
    if (seq !== this.refreshSeq) return;
    const h = await health;
    if (h?.newest_ms && this.filters) this.filters.to_ms = Math.max(this.filters.to_ms ?? 0, h.newest_ms);
    this.timings.lastRefreshMs = performance.now() - t0;
    await this.refreshOverview(seq);
  }

  private async refreshPanel(
    entry: { spec: PanelSpec; view: Panel },
    seq: number,
    sel: Selection,
    eventsP?: Promise<import("./engine").EventInfo[]>,
    colorsReady?: Promise<void>,
  ): Promise<void> {
    const { spec, view } = entry;
    if (!this.metricByName.has(spec.metric)) return;
    const panelSel = spec.container ? { ...sel, containers: [spec.container] } : sel;
    const width = view.el.clientWidth || this.panelsEl.clientWidth || 1000;
    const maxPoints = Math.min(kMaxPointsCap, Math.max(200, Math.round(width)));
    const studyP = spec.study
      ? this.api.study(spec.study, spec.metric, panelSel).then((r) => ({ r, err: "" }), (e) => ({ r: null, err: `Study ${spec.study}: ${errorText(e)}` }))
      : Promise.resolve({ r: null, err: "" });
    const events = eventsP ?? this.api.events(panelSel).catch(() => []);
    try {
      const ts = await this.api.timeseries(spec.metric, panelSel, maxPoints);
      if (seq !== this.refreshSeq || !this.panels.includes(entry)) return;
      const window = this.windowFromResponse(ts.from_ms, ts.to_ms);
      const [study, evs] = await Promise.all([studyP, events, colorsReady]);
      if (seq !== this.refreshSeq || !this.panels.includes(entry)) return;
      const aligned = alignSeries(ts, this.state.groupBy);
      const containerSet = spec.container ? new Set([spec.container]) : null;
      view.setData(
        {
          aligned,
          unit: ts.unit || this.metricByName.get(spec.metric)!.unit,
          stepMs: ts.step_ms,
          events: containerSet ? evs.filter((e) => containerSet.has(e.container)) : evs,
          study: study.r,
          studyError: study.err,
          isolate: this.state.isolate,
          colorOf: (k) => this.colorOf(k),
        },
        window,
      );
      if (this.timings.navigationToFirstChartMs === null && aligned.xs.length) {
        // Measured to the next frame, when the chart is on screen.
        requestAnimationFrame(() => {
          if (this.timings.navigationToFirstChartMs === null) {
            this.timings.navigationToFirstChartMs = performance.now();
            document.body.dataset.firstChart = "1";
          }
        });
      }
    } catch (e) {
      if (seq !== this.refreshSeq) return;
      view.setError(`Could not load ${spec.metric}: ${errorText(e)}`);
    }
  }

  /// The window shown: the state's absolute range, or the API's resolution of the relative one.
  private windowFromResponse(fromMs: number, toMs: number): [number, number] {
    if (isAbsolute(this.state)) this.window = [this.state.from!, this.state.to!];
    else this.window = [fromMs, toMs];
    this.updateRangeLabel();
    return this.window;
  }

  /// `inputs`: also the absolute from/to fields (datetime-local inputs re-render a shadow tree per
  /// change: not on every frame of a gesture, only when it settles).
  private updateRangeLabel(inputs = true): void {
    if (!this.window) return;
    const [f, t] = this.window;
    this.rangeLabel.textContent = `${kLabelFrom.format(f)} – ${kLabelTo.format(t)} (${formatDuration(t - f)})`;
    if (!inputs) return;
    const fromIn = this.headerEl.querySelector<HTMLInputElement>(".abs-from");
    const toIn = this.headerEl.querySelector<HTMLInputElement>(".abs-to");
    if (fromIn && document.activeElement !== fromIn) fromIn.value = toLocalInput(f);
    if (toIn && document.activeElement !== toIn) toIn.value = toLocalInput(t);
  }

  // ---- overview navigator ----

  private async refreshOverview(seq: number): Promise<void> {
    const first = this.state.panels.find((p) => this.metricByName.has(p.metric));
    if (!first) return;
    const sel = { ...this.selection(), range: "all", from: undefined, to: undefined };
    let ts;
    try {
      ts = await this.api.timeseries(first.metric, sel, kOverviewPoints);
    } catch {
      return; // the panels already show the error
    }
    if (seq !== this.refreshSeq) return;
    const aligned = alignSeries(ts, this.state.groupBy);
    this.dataBounds = [ts.from_ms, ts.to_ms];
    if (!aligned.xs.length) {
      this.overview?.destroy();
      this.overview = null;
      return;
    }
    const data = [aligned.xs, ...aligned.groups.map((g) => g.values)] as uPlot.AlignedData;
    const shape = aligned.groups.map((g) => g.key).join("\n");
    // Every refresh refetches the overview, but its data only changes with the filters or new
    // samples: redrawing 20 series for nothing would cost the frame after each zoom's refetch.
    const sum = overviewSignature(aligned);
    if (this.overview && (this.overview as unknown as { _shape: string })._shape === shape) {
      if ((this.overview as unknown as { _sum: string })._sum !== sum) this.overview.setData(data);
      (this.overview as unknown as { _sum: string })._sum = sum;
      return;
    }
    this.overview?.destroy();
    const self = this;
    this.overview = new uPlot(
      {
        width: Math.max(300, this.overviewEl.clientWidth || 800),
        height: 70,
        legend: { show: false },
        cursor: { y: false, points: { show: false }, drag: { x: true, y: false, setScale: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ stroke: getComputedStyle(document.documentElement).getPropertyValue("--fg") || "#222", size: 20, grid: { show: false } }, { show: false }],
        scales: { y: { range: (_u, _min, max) => [0, (max || 1) * 1.05] } },
        series: [{}, ...aligned.groups.map((g) => ({ stroke: this.colorOf(g.key), width: 1, points: { show: false } }))],
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 3) return;
              const f = u.posToVal(u.select.left, "x") * 1000;
              const t = u.posToVal(u.select.left + u.select.width, "x") * 1000;
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              self.zoomTo(f, t, true);
            },
          ],
          draw: [() => self.drawOverviewWindow()],
        },
      },
      data,
      this.overviewEl,
    );
    (this.overview as unknown as { _shape: string })._shape = shape;
    (this.overview as unknown as { _sum: string })._sum = sum;
    new ResizeObserver(() => {
      const w = this.overviewEl.clientWidth;
      if (this.overview && w > 0 && Math.abs(w - this.overview.width) > 2) this.overview.setSize({ width: w, height: 70 });
    }).observe(this.overviewEl);
  }

  /// Moves the overview's window box. A DOM box over the canvas (its box-shadow shades what is
  /// outside the window) so a zoom step does not re-rasterise the overview's lines.
  private drawOverviewWindow(): void {
    const u = this.overview;
    if (!u || !this.window) return;
    let box = u.over.querySelector<HTMLElement>(".ov-window");
    if (!box) {
      box = el("div", { class: "ov-window" });
      u.over.append(box);
    }
    const w = u.bbox.width / (devicePixelRatio || 1);
    const x0 = Math.max(0, Math.min(w, u.valToPos(this.window[0] / 1000, "x")));
    const x1 = Math.max(0, Math.min(w, u.valToPos(this.window[1] / 1000, "x")));
    box.style.left = `${x0}px`;
    box.style.width = `${Math.max(1, x1 - x0)}px`;
  }

  // ---- banner ----

  private showBanner(kind: "error" | "empty" | "info", text: string): void {
    this.banner.className = `banner ${kind}`;
    this.banner.textContent = text;
    this.banner.hidden = false;
  }

  private hideBanner(): void {
    this.banner.hidden = true;
  }

  /// For tests/benchmarks: current window, the panel count, each panel's drawn window and whether
  /// any panel is still drawing a gesture's cheap frames.
  debugInfo() {
    const views = this.panels.map((p) => p.view.debugInfo());
    return { window: this.window, dataBounds: this.dataBounds, panels: this.panels.length, query: stateToQuery(this.state), panelWindows: views.map((v) => v.window), gesture: views.some((v) => v.gesture) };
  }
}

/// Identifies the overview's data: bucket times and a sum of every value (a new sample or another
/// container set changes it).
function overviewSignature(a: import("./series").Aligned): string {
  let sum = 0;
  for (const g of a.groups) for (const v of g.values) if (typeof v === "number") sum += v;
  return `${a.xs.length}:${a.xs[0]}:${a.xs[a.xs.length - 1]}:${sum}`;
}

/// Runs `fn` once the next frame has been produced: a task posted from requestAnimationFrame runs
/// after that frame's rendering (including canvas rasterisation).
export function afterNextFrame(fn: () => void): void {
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => fn();
    ch.port2.postMessage(null);
  });
}

// The range label's formats (what toLocaleString / toLocaleTimeString print), built once:
// those build a formatter per call, on every frame of a zoom.
const kLabelFrom = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
const kLabelTo = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "numeric", second: "numeric" });

function errorText(e: unknown): string {
  if (e instanceof EngineError) return e.status ? `${e.message} (HTTP ${e.status})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 19);
}

// SPDX-License-Identifier: Apache-2.0
// One panel: a uPlot chart of one metric across the selected containers, with its legend
// (last/min/max/mean, click to isolate), a tooltip synced with every other panel, event annotations,
// study overlays, and drag/wheel zoom reported to the app (which owns the shared time range).
import uPlot from "uplot";

import { minMaxPath } from "./decimate";
import type { EventInfo, MetricInfo, StudyResponse } from "./engine";
import { type EventBucket, EventIndex } from "./event_index";
import { type Aligned, groupStats } from "./series";
import { axisIncrements, formatDuration, formatTicks, formatValue, unitLabel } from "./units";
import { el } from "./dom";

export interface PanelCallbacks {
  /// The user zoomed (drag or wheel) to [fromMs, toMs].
  onZoom(fromMs: number, toMs: number): void;
  /// Double click: back to the range picker's range.
  onResetZoom(): void;
  /// Legend click: show only this group everywhere ("" = all).
  onIsolate(key: string): void;
  onStudyChange(study: string): void;
  onClose(): void;
  /// A correlation row: open metric for this container as a new panel.
  onOpenSeries(metric: string, container: string): void;
}

export interface PanelData {
  aligned: Aligned;
  unit: string;
  stepMs: number;
  events: EventInfo[];
  study: StudyResponse | null;
  studyError: string;
  isolate: string;
  colorOf(key: string): string;
}

// Shared by all panels so crosshair and tooltip move together (uPlot's cursor sync).
const kSyncKey = "fgm-panels";
// Chart height in CSS px: five panels fit on a 1080p screen with their legends folded.
const kChartHeight = 220;
// Tooltip rows: more is unreadable; the legend has the rest.
const kTooltipRows = 10;
// Wheel zoom factor per notch: 20 % feels like Grafana's and needs ~10 notches for 10x.
const kWheelZoom = 1.25;

export const kEventColors: Record<string, string> = {
  oom_kill: "#d62728",
  restart: "#ff7f0e",
  exit: "#9467bd",
  started: "#2ca02c",
  stopped: "#7f7f7f",
};

// One formatter for every timestamp shown: Date.toLocaleString builds a new one per call, which
// dominated frames with many event markers.
const kTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });
export function formatTime(ms: number): string {
  return kTimeFormat.format(ms);
}

// Events closer than this (CSS px) share one hover marker: about the size of the marker dot.
const kMarkerBucketPx = 8;
// Event lines listed in a shared marker's hover text before "+N more".
const kMarkerTitleLines = 8;

// Colours of the severities (event_index.ts), for one stroke per colour.
const kSeverityColors = ["started", "stopped", "exit", "restart", "oom_kill"].map((t) => kEventColors[t]);
// While a zoom/pan gesture is in progress, series are drawn as min/max per this many device
// pixels: at most two points per 3 px where a full-detail line has up to one per pixel, spikes
// kept; full detail comes back when the gesture settles.
const kGestureBucketPx = 3;
// uPlot's own path builder, for every frame that is not part of a gesture.
const kLinearPaths = uPlot.paths.linear!();

export function eventText(e: EventInfo): string {
  let s = `${e.type.replace("_", " ")}: ${e.pod_name && e.pod_name !== e.container_name ? e.pod_name + "/" : ""}${e.container_name}`;
  if (e.exit_code !== null && e.exit_code !== undefined) s += ` (exit ${e.exit_code})`;
  else if (e.signal !== null && e.signal !== undefined) s += ` (signal ${e.signal})`;
  if (e.reason) s += ` ${e.reason}`;
  return s;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export class Panel {
  readonly el: HTMLElement;
  private readonly plotEl: HTMLElement;
  private readonly stateEl: HTMLElement;
  private readonly legendEl: HTMLElement;
  private readonly studyEl: HTMLElement;
  private readonly titleEl: HTMLElement;
  private uplot: uPlot | null = null;
  private data: PanelData | null = null;
  private tooltip: HTMLElement | null = null;
  private markers: HTMLElement | null = null;
  private resizeObs: ResizeObserver | null = null;
  private events = new EventIndex([]);
  /// Hover markers of the events, reused from frame to frame (only their position changes).
  private eventMarkers: HTMLElement[] = [];
  private studyMarkers: HTMLElement | null = null;
  /// A zoom/pan gesture is in progress: draw cheaply (decimated series, no event dots or crosshair).
  private gesture = false;
  /// The window asked for last; uPlot gets it at the next applyWindow (one per frame).
  private target: [number, number] | null = null;

  constructor(
    readonly metric: MetricInfo,
    title: string,
    study: string,
    studies: { id: string; name: string }[],
    private readonly cb: PanelCallbacks,
    readonly container = "",
  ) {
    const studySel = el("select", { class: "study-select", title: "Study overlay", "aria-label": "study" }, [
      el("option", { value: "" }, ["no study"]),
      ...studies.map((s) => el("option", { value: s.id }, [s.name])),
    ]) as HTMLSelectElement;
    studySel.value = study;
    studySel.addEventListener("change", () => cb.onStudyChange(studySel.value));
    this.titleEl = el("h2", { class: "panel-title", title: metric.description ?? "" }, [title]);
    this.studyEl = el("div", { class: "study" });
    this.stateEl = el("div", { class: "panel-state" });
    this.plotEl = el("div", { class: "plot" });
    this.legendEl = el("table", { class: "legend" });
    this.el = el("section", { class: "panel", "data-metric": metric.name }, [
      el("header", {}, [
        this.titleEl,
        el("span", { class: "unit" }, [unitLabel(metric.unit)]),
        el("span", { class: "spacer" }),
        studySel,
        el("button", { class: "close", title: "Remove panel", "aria-label": "remove panel", onclick: () => cb.onClose() }, ["×"]),
      ]),
      this.studyEl,
      this.stateEl,
      this.plotEl,
      this.legendEl,
    ]);
  }

  setLoading(): void {
    if (!this.uplot) this.showState("loading", "Loading…");
  }

  setError(message: string): void {
    this.destroyPlot();
    this.legendEl.replaceChildren();
    this.showState("error", message);
  }

  private showState(kind: string, text: string): void {
    this.stateEl.className = `panel-state ${kind}`;
    this.stateEl.textContent = text;
    this.stateEl.hidden = !text;
  }

  setData(d: PanelData, window: [number, number]): void {
    this.data = d;
    this.gesture = false;
    this.target = null;
    if (this.events.source !== d.events) {
      this.events = new EventIndex(d.events);
      // Marker keys are index ranges of the old index.
      for (const m of this.eventMarkers) delete m.dataset.key;
    }
    if (!d.aligned.groups.length || !d.aligned.xs.length) {
      this.destroyPlot();
      this.legendEl.replaceChildren();
      this.renderStudy();
      this.showState(
        "empty",
        `No ${this.metric.name} samples for the selected containers in this time range. Try a wider range ("all") or clear the container filters.`,
      );
      return;
    }
    this.showState("", "");
    const plotData = [d.aligned.xs, ...d.aligned.groups.map((g) => g.values)] as uPlot.AlignedData;
    const seriesShape = d.aligned.groups.map((g) => g.key).join("\n");
    if (this.uplot && (this.uplot as unknown as { _fgmShape: string })._fgmShape === seriesShape) {
      this.uplot.batch(() => {
        this.uplot!.setData(plotData, false);
        this.uplot!.setScale("x", { min: window[0] / 1000, max: window[1] / 1000 });
        this.applyIsolate();
      });
    } else {
      this.destroyPlot();
      this.createPlot(plotData, window);
      (this.uplot as unknown as { _fgmShape: string })._fgmShape = seriesShape;
    }
    this.renderLegend();
    this.renderStudy();
  }

  /// Asks for a new visible window without refetching (instant feedback while zooming/panning);
  /// `gesture`: more steps are likely to follow, so the next frames may draw cheaply.
  /// The chart moves at applyWindow, which the app calls once per animation frame.
  setWindow(window: [number, number], gesture = false): void {
    this.target = window;
    if (gesture) this.gesture = true;
  }

  /// Draws the window asked for by setWindow (no-op if none).
  applyWindow(): void {
    const w = this.target;
    if (!w) return;
    this.target = null;
    const u = this.uplot;
    if (!u) return;
    if (this.gesture && (u.cursor.left ?? -1) >= 0) {
      // The crosshair, its 20 hover points and the tooltip would be recomputed and re-laid-out
      // on every frame under a still pointer: hidden for the gesture; the next pointer move
      // brings them back. Here in the frame, not in the input handler: uPlot may be inside
      // its own mouseup (drag-zoom). Third argument: not published to the synced panels,
      // each hides its own.
      (u as { setCursor(o: { left: number; top: number }, fire: boolean, pub: boolean): void }).setCursor({ left: -10, top: -10 }, true, false);
    }
    u.setScale("x", { min: w[0] / 1000, max: w[1] / 1000 });
  }

  /// The gesture is over: redraw at full detail, with the event markers.
  settle(): void {
    if (!this.gesture) return;
    this.gesture = false;
    this.uplot?.redraw(true);
  }

  /// For tests: the drawn x window in ms and whether a gesture is in progress.
  debugInfo(): { window: [number, number] | null; gesture: boolean } {
    const x = this.uplot?.scales.x;
    return { window: x && x.min !== undefined && x.max !== undefined ? [x.min * 1000, x.max * 1000] : null, gesture: this.gesture };
  }

  /// The window the next frame shows (a pending setWindow, else the drawn one), in ms.
  private currentWindow(): [number, number] | null {
    if (this.target) return this.target;
    const x = this.uplot?.scales.x;
    return x && x.min !== undefined && x.max !== undefined ? [x.min * 1000, x.max * 1000] : null;
  }

  setIsolate(key: string): void {
    if (!this.data) return;
    this.data.isolate = key;
    this.applyIsolate();
    this.renderLegend();
  }

  private applyIsolate(): void {
    if (!this.uplot || !this.data) return;
    const iso = this.data.isolate;
    const present = this.data.aligned.groups.some((g) => g.key === iso);
    this.data.aligned.groups.forEach((g, i) => {
      const show = !iso || !present || g.key === iso;
      if (this.uplot!.series[i + 1].show !== show) this.uplot!.setSeries(i + 1, { show });
    });
  }

  private createPlot(data: uPlot.AlignedData, window: [number, number]): void {
    const d = this.data!;
    const fg = cssVar("--fg", "#222");
    const grid = cssVar("--grid", "rgba(0,0,0,0.08)");
    const unit = d.unit;
    const width = Math.max(300, this.plotEl.clientWidth || this.el.clientWidth || 800);
    const self = this;
    const opts: uPlot.Options = {
      width,
      height: kChartHeight,
      legend: { show: false },
      cursor: {
        sync: { key: kSyncKey, setSeries: false },
        drag: { x: true, y: false, setScale: false },
        bind: {
          dblclick: () => () => {
            self.cb.onResetZoom();
            return null;
          },
        },
        points: { size: 6 },
      },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true, min: window[0] / 1000, max: window[1] / 1000 }, y: { range: (_u, min, max) => yRange(min, max) } },
      axes: [
        // space: px per x tick; uPlot's 50 lets "10:15am" labels touch on a half-width panel.
        { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid }, space: 80 },
        {
          stroke: fg,
          grid: { stroke: grid },
          ticks: { stroke: grid },
          incrs: axisIncrements(unit),
          values: (_u, ticks) => {
            const labels = formatTicks(ticks, unit);
            // In the DOM too: the axis is canvas, and tests/assistive tools read the units here.
            self.plotEl.dataset.yTicks = labels.join("|");
            return labels;
          },
          size: (_u, values) => (values ? Math.max(...values.map((v) => String(v).length)) * 8 + 20 : 50),
        },
      ],
      series: [
        {},
        ...d.aligned.groups.map((g) => ({
          label: g.label,
          stroke: d.colorOf(g.key),
          width: 1,
          points: { show: false },
          spanGaps: false,
          paths: (u: uPlot, si: number, i0: number, i1: number) => (self.gesture ? gesturePath(u, si, i0, i1) : kLinearPaths(u, si, i0, i1)),
          value: (_u: uPlot, v: number | null) => formatValue(v, unit),
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, "x") * 1000;
            const to = u.posToVal(u.select.left + u.select.width, "x") * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            self.cb.onZoom(from, to);
          },
        ],
        setCursor: [(u) => self.updateTooltip(u)],
        draw: [(u) => self.drawOverlays(u)],
      },
    };
    this.uplot = new uPlot(opts, data, this.plotEl);
    this.applyIsolate();
    this.tooltip = el("div", { class: "tooltip", hidden: "" });
    this.markers = el("div", { class: "markers" });
    this.markers.addEventListener("pointerover", (e) => {
      const m = e.target as HTMLElement;
      if (m.classList.contains("event")) this.markerTitle(m);
    });
    this.eventMarkers = [];
    this.studyMarkers = null;
    this.uplot.over.append(this.markers, this.tooltip);
    this.uplot.over.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const u = this.uplot!;
        const win = this.currentWindow();
        if (!win) return;
        const [min, max] = win;
        // Mapped through the window the next frame shows, not uPlot's drawn scale: several wheel
        // events can arrive before the frame that draws the first.
        const plotW = u.bbox.width / (devicePixelRatio || 1) || 1;
        const span = max - min;
        // A horizontal wheel (or shift + wheel) pans by the distance scrolled.
        const dx = e.shiftKey && !e.deltaX ? e.deltaY : e.deltaX;
        if (Math.abs(dx) > Math.abs(e.shiftKey ? 0 : e.deltaY)) {
          // deltaMode: pixels, lines (~16 px each) or pages (a plot width).
          const px = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? plotW : 1;
          const shift = ((dx * px) / plotW) * span;
          this.cb.onZoom(min + shift, max + shift);
          return;
        }
        // From clientX: offsetX is relative to the element under the pointer, which can be the
        // tooltip or a marker rather than the plot.
        const at = min + ((e.clientX - u.over.getBoundingClientRect().left) / plotW) * span;
        const f = e.deltaY < 0 ? 1 / kWheelZoom : kWheelZoom;
        this.cb.onZoom(at - (at - min) * f, at + (max - at) * f);
      },
      { passive: false },
    );
    this.resizeObs = new ResizeObserver(() => {
      const w = this.plotEl.clientWidth;
      if (this.uplot && w > 0 && Math.abs(w - this.uplot.width) > 2) this.uplot.setSize({ width: w, height: kChartHeight });
    });
    this.resizeObs.observe(this.plotEl);
  }

  private updateTooltip(u: uPlot): void {
    const tip = this.tooltip;
    const d = this.data;
    if (!tip || !d) return;
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
      tip.hidden = true;
      return;
    }
    const rows: [string, string, number][] = [];
    d.aligned.groups.forEach((g, i) => {
      if (!u.series[i + 1].show) return;
      const v = g.values[idx];
      if (v !== null && v !== undefined) rows.push([d.colorOf(g.key), g.label, v]);
    });
    rows.sort((a, b) => b[2] - a[2]);
    tip.replaceChildren(
      el("div", { class: "tt-time" }, [formatTime(d.aligned.xs[idx] * 1000)]),
      ...rows.slice(0, kTooltipRows).map(([c, label, v]) =>
        el("div", { class: "tt-row" }, [el("i", { style: `background:${c}` }), el("span", {}, [label]), el("b", {}, [formatValue(v, d.unit)])]),
      ),
      ...(rows.length > kTooltipRows ? [el("div", { class: "tt-more" }, [`+${rows.length - kTooltipRows} more`])] : []),
    );
    tip.hidden = false;
    const left = u.cursor.left!;
    const w = u.bbox.width / (devicePixelRatio || 1);
    tip.style.left = left > w / 2 ? "" : `${left + 12}px`;
    tip.style.right = left > w / 2 ? `${w - left + 12}px` : "";
  }

  private drawOverlays(u: uPlot): void {
    const d = this.data;
    if (!d) return;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const xpos = (ms: number) => u.valToPos(ms / 1000, "x", true);
    const ypos = (v: number) => u.valToPos(v, "y", true);
    const px = devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = `${11 * px}px system-ui, sans-serif`;
    for (const r of d.study?.results ?? []) {
      // Periodicity windows and any study's windows: shaded bands.
      for (const w of r.windows ?? []) {
        const x0 = xpos(w.start_ms);
        const x1 = xpos(w.end_ms);
        ctx.fillStyle = "rgba(120, 120, 255, 0.10)";
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      }
      for (const c of r.changepoints ?? []) {
        const x = xpos(c.time_ms);
        ctx.strokeStyle = "#e377c2";
        ctx.lineWidth = 2 * px;
        ctx.setLineDash([6 * px, 4 * px]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      }
      const t = r.trend;
      if (t) {
        ctx.setLineDash([]);
        ctx.strokeStyle = "#17becf";
        ctx.lineWidth = 2 * px;
        ctx.beginPath();
        ctx.moveTo(xpos(t.line.t0_ms), ypos(t.line.v0));
        ctx.lineTo(xpos(t.line.t1_ms), ypos(t.line.v1));
        ctx.stroke();
        if (t.limit !== null && t.limit !== undefined) {
          ctx.setLineDash([4 * px, 4 * px]);
          ctx.strokeStyle = "#d62728";
          ctx.beginPath();
          ctx.moveTo(left, ypos(t.limit));
          ctx.lineTo(left + width, ypos(t.limit));
          ctx.stroke();
          if (t.breach_ms) {
            ctx.strokeStyle = "#17becf";
            ctx.beginPath();
            ctx.moveTo(xpos(t.line.t1_ms), ypos(t.line.v1));
            ctx.lineTo(xpos(t.breach_ms), ypos(t.limit));
            ctx.stroke();
          }
        }
      }
    }
    // Events: a vertical line per pixel column, coloured by the most severe type there (a day of a
    // crash-looping pod has thousands of events), one stroke per colour. Half-transparent: a
    // crash-looping pod restarts every few minutes, and opaque lines would hide the series.
    ctx.setLineDash([]);
    ctx.lineWidth = px;
    ctx.globalAlpha = 0.45;
    const [i0, i1] = this.events.range(u.scales.x.min!, u.scales.x.max!);
    const x0 = Math.floor(left);
    const cols = this.events.columns(i0, i1, (sec) => u.valToPos(sec, "x", true), x0, width + (left - x0));
    kSeverityColors.forEach((color, sev) => {
      let any = false;
      ctx.beginPath();
      for (let c = 0; c < cols.length; c++) {
        if (cols[c] !== sev) continue;
        ctx.moveTo(x0 + c, top);
        ctx.lineTo(x0 + c, top + height);
        any = true;
      }
      if (!any) return;
      ctx.strokeStyle = color;
      ctx.stroke();
    });
    ctx.restore();
    this.placeMarkers(u);
  }

  /// DOM markers on top of the canvas lines: hover text for events, labels for study results.
  /// Events within kMarkerBucketPx share one marker (the most severe type, all texts in its title),
  /// so the DOM stays small however many events the range holds; the marker elements are reused.
  /// Widths come from uPlot's bbox: reading clientWidth here would force a layout per panel per
  /// frame.
  private placeMarkers(u: uPlot): void {
    const d = this.data;
    if (!this.markers || !d) return;
    // During a gesture the markers are hidden: moving a few hundred elements costs a style and
    // layout pass per frame, and the canvas still shows every event's line.
    this.markers.hidden = this.gesture;
    if (this.gesture) return;
    const w = u.bbox.width / (devicePixelRatio || 1);
    const at = (ms: number) => u.valToPos(ms / 1000, "x");
    const [i0, i1] = this.events.range(u.scales.x.min!, u.scales.x.max!);
    const buckets = this.events.buckets(i0, i1, (sec) => u.valToPos(sec, "x"), w, kMarkerBucketPx);
    for (let k = this.eventMarkers.length; k < buckets.length; k++) {
      const m = el("div", { class: "marker event" });
      this.eventMarkers.push(m);
      this.markers.append(m);
    }
    buckets.forEach((b, k) => this.placeEventMarker(this.eventMarkers[k], b));
    for (let k = buckets.length; k < this.eventMarkers.length; k++) this.eventMarkers[k].hidden = true;

    const nodes: HTMLElement[] = [];
    for (const r of d.study?.results ?? []) {
      for (const c of r.changepoints ?? []) {
        const x = at(c.time_ms);
        if (x >= 0 && x <= w) {
          nodes.push(el("div", { class: "marker changepoint", style: `left:${x}px` }, [`${formatValue(c.before, d.unit)} → ${formatValue(c.after, d.unit)}`]));
        }
      }
      for (const win of r.windows ?? []) {
        const x = at(win.start_ms);
        if (x >= 0 && x <= w && win.label) nodes.push(el("div", { class: "marker band-label", style: `left:${x}px` }, [win.label]));
      }
      if (r.trend?.breach_ms) {
        const x = Math.min(w - 2, Math.max(0, at(r.trend.breach_ms)));
        nodes.push(el("div", { class: "marker breach", style: `left:${x}px`, title: "projected limit breach" }, ["⚠ breach"]));
      }
    }
    if (nodes.length || this.studyMarkers) {
      if (!this.studyMarkers) this.markers.append((this.studyMarkers = el("div", { class: "study-markers" })));
      this.studyMarkers.replaceChildren(...nodes);
    }
  }

  private placeEventMarker(m: HTMLElement, b: EventBucket): void {
    const top = this.events.events[b.top];
    const count = String(b.end - b.first);
    m.hidden = false;
    m.style.left = `${b.x}px`;
    if (m.dataset.type !== top.type) {
      m.dataset.type = top.type;
      m.className = `marker event ev-${top.type}`;
      m.style.background = kEventColors[top.type] ?? "#888";
    }
    m.dataset.count = count;
    // The hover text formats a date per event (a few hundred markers, thousands of events): it
    // is written when the pointer reaches the marker (markerTitle), not on every redraw.
    const key = `${b.first}:${b.end}`;
    if (m.dataset.key === key) return;
    m.dataset.key = key;
    m.removeAttribute("title");
  }

  /// Writes the hover text of an event marker (before the browser shows its tooltip).
  private markerTitle(m: HTMLElement): void {
    if (m.hasAttribute("title") || !m.dataset.key) return;
    const [first, end] = m.dataset.key.split(":").map(Number);
    const evs = this.events.events;
    const lines: string[] = [];
    for (let i = first; i < Math.min(end, first + kMarkerTitleLines); i++) lines.push(`${formatTime(evs[i].time_ms)} ${eventText(evs[i])}`);
    if (end - first > kMarkerTitleLines) lines.push(`+${end - first - kMarkerTitleLines} more`);
    m.title = lines.join("\n");
  }

  private renderLegend(): void {
    const d = this.data!;
    const u = this.uplot;
    const x0 = u?.scales.x.min ?? -Infinity;
    const x1 = u?.scales.x.max ?? Infinity;
    const head = el("tr", {}, ["", "container", "last", "min", "max", "mean"].map((h) => el("th", {}, [h])));
    const rows = d.aligned.groups.map((g) => {
      const s = groupStats(d.aligned, g, x0, x1);
      const dim = d.isolate && d.aligned.groups.some((x) => x.key === d.isolate) && g.key !== d.isolate;
      return el(
        "tr",
        {
          class: `legend-row${dim ? " dim" : ""}${g.key === d.isolate ? " isolated" : ""}`,
          "data-key": g.key,
          title: g.key === d.isolate ? "Click to show all" : "Click to show only this one",
          onclick: () => this.cb.onIsolate(g.key === d.isolate ? "" : g.key),
        },
        [
          el("td", {}, [el("i", { class: "swatch", style: `background:${d.colorOf(g.key)}` })]),
          el("td", { class: "name" }, [g.label + (g.containers.length > 1 ? ` ×${g.containers.length}` : "")]),
          ...[s.last, s.min, s.max, s.mean].map((v) => el("td", { class: "num" }, [formatValue(v, d.unit)])),
        ],
      );
    });
    this.legendEl.replaceChildren(el("thead", {}, [head]), el("tbody", {}, rows));
  }

  private renderStudy(): void {
    const d = this.data;
    this.studyEl.replaceChildren();
    // Which study the text below belongs to (tests wait on it after switching studies).
    this.studyEl.dataset.study = d?.study?.study ?? (d?.studyError ? "error" : "");
    if (!d) return;
    if (d.studyError) {
      this.studyEl.append(el("div", { class: "study-error" }, [d.studyError]));
      return;
    }
    if (!d.study) return;
    const lines: HTMLElement[] = [];
    for (const r of d.study.results) {
      let text = r.summary ?? "";
      if (r.trend?.breach_ms) {
        text += ` — limit ${formatValue(r.trend.limit ?? null, d.unit)} reached ${formatTime(r.trend.breach_ms)}`;
        const inMs = r.trend.breach_ms - Date.now();
        if (inMs > 0) text += ` (in ${formatDuration(inMs)})`;
      }
      if (text) lines.push(el("div", { class: "study-summary" }, [`${r.container_name}: ${text}`]));
      if (r.correlations?.length) {
        lines.push(
          el("table", { class: "correlations" }, [
            el("caption", {}, [`Correlated with ${r.container_name} ${d.study.metric}`]),
            ...r.correlations.map((c) =>
              el(
                "tr",
                {
                  class: "corr-row",
                  title: "Open as a new panel",
                  onclick: () => this.cb.onOpenSeries(c.metric, c.container),
                },
                [
                  el("td", {}, [c.container_name]),
                  el("td", {}, [c.metric]),
                  el("td", { class: "num" }, [`r=${c.r.toFixed(2)}`]),
                  el("td", { class: "num" }, [c.lag_s ? `lag ${c.lag_s} s` : "no lag"]),
                ],
              ),
            ),
          ]),
        );
      }
    }
    if (!lines.length) lines.push(el("div", { class: "study-summary" }, [`${d.study.study}: nothing found in this range`]));
    this.studyEl.append(...lines);
  }

  private destroyPlot(): void {
    this.resizeObs?.disconnect();
    this.resizeObs = null;
    this.uplot?.destroy();
    this.uplot = null;
    this.tooltip = null;
    this.markers = null;
  }

  destroy(): void {
    this.destroyPlot();
    this.el.remove();
  }
}

/// A gesture frame's path for series `si`: min/max per kGestureBucketPx device pixels.
function gesturePath(u: uPlot, si: number, i0: number, i1: number) {
  const stroke = new Path2D();
  const xs = u.data[0];
  const ys = u.data[si];
  minMaxPath(xs, ys, i0, i1, (x) => Math.round(u.valToPos(x, "x", true)), (y) => Math.round(u.valToPos(y, "y", true)), kGestureBucketPx, stroke);
  return { stroke, fill: null, clip: null, band: null, flags: 0 } as uPlot.Series.Paths;
}

/// y range: start at 0 for non-negative data (usage metrics read better from zero), pad the top.
export function yRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const lo = min >= 0 ? 0 : min * 1.1;
  let hi = max * 1.1;
  if (hi <= lo) hi = lo + (Math.abs(lo) || 1);
  return [lo, hi];
}

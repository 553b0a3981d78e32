// SPDX-License-Identifier: Apache-2.0
// The header's Export control: downloads what the view shows (range, container filters, the panels'
// metrics) as one self-contained HTML page, or as Parquet, through the viewer's /api/export
// (docs/api.md). In an exported page there is no server to export from (the engine is WASM over the
// page's own data), so there the control is shown disabled with a tooltip saying why.
import { el } from "./dom";
import { HttpEngine } from "./engine";
import { type ViewState, isAbsolute } from "./state";

export type ExportFormat = "html" | "parquet";

/// The element `fgm export` writes into every exported page (export/html.h kInfoElementId): its
/// presence means this UI runs over the in-page WASM engine, not over `fgm viewer`.
const kExportInfoId = "fgm-export-info";

/// The viewer's /api/export refuses URIs over 8 KiB; an id list longer than this is sent as the
/// filters instead (ids are 64 hex characters, so this is ~90 containers).
const kMaxContainerParamChars = 6000;

export function isExportedPage(doc: Document = document): boolean {
  return doc.getElementById(kExportInfoId) !== null;
}

/// /api/export's query for a view. `containers` (ids resolved by the caller) replaces the filters
/// the exporter cannot apply (name search, QoS class); absent, the namespace/label filters are sent.
export function exportQuery(s: ViewState, format: ExportFormat, containers?: string[]): URLSearchParams {
  const q = new URLSearchParams({ format });
  if (isAbsolute(s)) {
    q.set("from", String(Math.floor(s.from!)));
    q.set("to", String(Math.ceil(s.to!)));
  } else {
    q.set("range", s.range);
  }
  const ids = containers ?? s.containers;
  if (ids.length) {
    q.set("containers", ids.join(","));
  } else {
    if (s.filters.namespace.length) q.set("namespace", s.filters.namespace.join(","));
    const labels = Object.entries(s.filters.labels);
    if (labels.length) q.set("labels", labels.map(([k, v]) => `${k}:${v}`).join(","));
  }
  const metrics = [...new Set(s.panels.map((p) => p.metric))];
  if (metrics.length) q.set("metrics", metrics.join(","));
  return q;
}

/// Container ids the view shows when it filters by name search or QoS class (which /api/export does
/// not take); undefined when the view's own parameters can be sent as they are.
async function resolveContainers(s: ViewState): Promise<string[] | undefined> {
  if (s.containers.length || (!s.filters.search && !s.filters.qos.length)) return undefined;
  const p: Record<string, string> = {};
  if (isAbsolute(s)) {
    p.from = String(Math.floor(s.from!));
    p.to = String(Math.ceil(s.to!));
  } else {
    p.range = s.range;
  }
  if (s.filters.namespace.length) p.namespace = s.filters.namespace.join(",");
  if (s.filters.qos.length) p.qos_class = s.filters.qos.join(",");
  if (s.filters.search) p.search = s.filters.search;
  const labels = Object.entries(s.filters.labels);
  if (labels.length) p.labels = labels.map(([k, v]) => `${k}:${v}`).join(",");
  const r = await new HttpEngine().request<{ containers: { id: string }[] }>("/api/containers", p);
  const ids = r.containers.map((c) => c.id);
  if (!ids.length) throw new Error("no container matches the filters");
  if (ids.join(",").length > kMaxContainerParamChars) {
    throw new Error(`${ids.length} containers match: too many to name; filter by namespace or labels instead of name/QoS`);
  }
  return ids;
}

function filenameOf(disposition: string | null, format: ExportFormat): string {
  const m = /filename="([^"]+)"/.exec(disposition ?? "");
  return m ? m[1] : `fgm-export.${format}`;
}

/// The Export button (HTML) and a Parquet link, for the header. `view` gives the current state at
/// click time.
export function exportControls(view: { getState(): ViewState }): HTMLElement {
  const status = el("span", { class: "export-status", role: "status" });
  if (isExportedPage()) {
    const why = "This page is already an export: it holds its own data and has no server to export from. Export from fgm viewer, or run fgm export.";
    return el("span", { class: "export" }, [
      el("button", { class: "export-html", disabled: true, title: why }, ["Export"]),
      el("button", { class: "export-parquet", disabled: true, title: why }, ["Parquet"]),
    ]);
  }
  const buttons: HTMLButtonElement[] = [];
  const run = async (format: ExportFormat, button: HTMLButtonElement) => {
    const label = button.textContent;
    for (const b of buttons) b.disabled = true;
    button.textContent = "Exporting…";
    status.textContent = "";
    try {
      const s = view.getState();
      const query = exportQuery(s, format, await resolveContainers(s));
      const res = await fetch(`/api/export?${query}`);
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: string } | null;
        throw new Error(body?.error ?? `HTTP ${res.status}`);
      }
      const url = URL.createObjectURL(await res.blob());
      const a = el("a", { href: url, download: filenameOf(res.headers.get("Content-Disposition"), format) });
      document.body.append(a);
      a.click();
      a.remove();
      // The click has handed the blob to the download; a minute covers slow download managers.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      status.textContent = `Export failed: ${(e as Error).message}`;
    } finally {
      button.textContent = label;
      for (const b of buttons) b.disabled = false;
    }
  };
  const html = el("button", { class: "export-html", title: "Download this view (range, filters, panels' metrics) as one HTML page that opens offline" }, ["Export"]) as HTMLButtonElement;
  const parquet = el("button", { class: "export-parquet", title: "Download this view's rows as Parquet (DuckDB, pandas)" }, ["Parquet"]) as HTMLButtonElement;
  html.addEventListener("click", () => void run("html", html));
  parquet.addEventListener("click", () => void run("parquet", parquet));
  buttons.push(html, parquet);
  return el("span", { class: "export" }, [html, parquet, status]);
}

// SPDX-License-Identifier: Apache-2.0
// Turns an /api/timeseries answer into uPlot's column layout: one shared x array (seconds) and
// one y array per group (container name, so a restarted container continues the same line and
// colour; or per instance). Also the legend statistics. Pure functions: tested in node.

import type { Series, TimeseriesResponse } from "./engine";
import { type GroupBy, groupKey } from "./state";

export interface GroupStats {
  last: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
}

export interface SeriesGroup {
  key: string;
  label: string;
  /// Container instance ids merged into this group (several after restarts).
  containers: string[];
  /// y values aligned to Aligned.xs: number, null (a gap: break the line) or undefined (this
  /// group has no bucket at that x: uPlot joins across it).
  values: (number | null | undefined)[];
  mins: (number | null | undefined)[];
  maxs: (number | null | undefined)[];
}

export interface Aligned {
  xs: number[];
  groups: SeriesGroup[];
}

export function groupLabel(s: Series, groupBy: GroupBy): string {
  const base = s.pod_name && s.pod_name !== s.container_name ? `${s.pod_name}/${s.container_name}` : s.container_name || s.container;
  return groupBy === "instance" ? `${base} (${s.container.slice(0, 12)})` : base;
}

/// Aligns every series on the union of bucket times. Groups are sorted by label for a stable legend.
export function alignSeries(resp: Pick<TimeseriesResponse, "series">, groupBy: GroupBy): Aligned {
  const times = new Set<number>();
  for (const s of resp.series) for (const t of s.t) times.add(t);
  const xsMs = [...times].sort((a, b) => a - b);
  const at = new Map<number, number>();
  xsMs.forEach((t, i) => at.set(t, i));

  const byKey = new Map<string, SeriesGroup>();
  for (const s of resp.series) {
    const key = groupKey(s, groupBy);
    let g = byKey.get(key);
    if (!g) {
      const n = xsMs.length;
      g = { key, label: groupLabel(s, groupBy), containers: [], values: new Array(n).fill(undefined), mins: new Array(n).fill(undefined), maxs: new Array(n).fill(undefined) };
      byKey.set(key, g);
    }
    g.containers.push(s.container);
    for (let i = 0; i < s.t.length; i++) {
      const x = at.get(s.t[i])!;
      const v = s.avg[i];
      // Two instances of one name at the same time (overlap at a restart): a value beats a gap.
      if (v === null && g.values[x] !== undefined) continue;
      g.values[x] = v;
      g.mins[x] = s.min?.[i] ?? v;
      g.maxs[x] = s.max?.[i] ?? v;
    }
  }
  const groups = [...byKey.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { xs: xsMs.map((t) => t / 1000), groups };
}

/// last / min / max / mean of a group over x in [x0, x1] (seconds). min and max come from the
/// buckets' own min/max so a spike inside a downsampled bucket still shows.
export function groupStats(a: Aligned, g: SeriesGroup, x0 = -Infinity, x1 = Infinity): GroupStats {
  let last: number | null = null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.xs.length; i++) {
    const x = a.xs[i];
    if (x < x0 || x > x1) continue;
    const v = g.values[i];
    if (v === null || v === undefined) continue;
    last = v;
    sum += v;
    n++;
    const lo = g.mins[i] ?? v;
    const hi = g.maxs[i] ?? v;
    if (lo < min) min = lo;
    if (hi > max) max = hi;
  }
  return n ? { last, min, max, mean: sum / n } : { last: null, min: null, max: null, mean: null };
}

/// Index of the x closest to `x` (binary search), or -1 for an empty array.
export function closestIndex(xs: number[], x: number): number {
  if (!xs.length) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}

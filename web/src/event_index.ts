// SPDX-License-Identifier: Apache-2.0
// Events sorted by time once per data load, so each frame of a zoom or pan finds the visible ones
// by binary search and reduces them to one line per pixel column and one hover marker per few
// pixels, instead of walking (and formatting) every event of the day. Pure: tested in node.
import type { EventInfo } from "./engine";

/// Which event wins a shared pixel column or marker: the one a reader most needs to see
/// (-1: a type the UI does not draw).
export function severity(type: string): number {
  return ["started", "stopped", "exit", "restart", "oom_kill"].indexOf(type);
}

/// A marker: events [first, end) of the index share it; `top` is the most severe one.
export interface EventBucket {
  first: number;
  end: number;
  top: number;
  /// Position in CSS px of the top event.
  x: number;
}

export class EventIndex {
  /// Sorted by time.
  readonly events: EventInfo[];
  /// Event times in seconds (uPlot's x unit), ascending.
  readonly sec: Float64Array;
  readonly sev: Int8Array;

  /// `source`: the list it was built from (a panel rebuilds only when handed another).
  constructor(readonly source: EventInfo[]) {
    this.events = [...source].sort((a, b) => a.time_ms - b.time_ms);
    this.sec = Float64Array.from(this.events, (e) => e.time_ms / 1000);
    this.sev = Int8Array.from(this.events, (e) => severity(e.type));
  }

  get length(): number {
    return this.events.length;
  }

  /// Index of the first event at or after `sec`.
  lowerBound(sec: number): number {
    let lo = 0;
    let hi = this.sec.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sec[mid] < sec) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /// Index of the first event after `sec`.
  upperBound(sec: number): number {
    let lo = 0;
    let hi = this.sec.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sec[mid] <= sec) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /// Indices [i0, i1) of the events within [fromSec, toSec].
  range(fromSec: number, toSec: number): [number, number] {
    return [this.lowerBound(fromSec), this.upperBound(toSec)];
  }

  /// The most severe event type per pixel column: out[c] is the severity drawn at column
  /// `left + c` (-1: none). `xOf` maps seconds to pixels; columns outside [0, width] are skipped.
  columns(i0: number, i1: number, xOf: (sec: number) => number, left: number, width: number): Int8Array {
    const cols = new Int8Array(Math.max(0, Math.ceil(width)) + 1).fill(-1);
    for (let i = i0; i < i1; i++) {
      const c = Math.round(xOf(this.sec[i])) - left;
      if (!(c >= 0 && c < cols.length)) continue;
      if (this.sev[i] > cols[c]) cols[c] = this.sev[i];
    }
    return cols;
  }

  /// Groups the visible events into buckets of `bucketPx` pixels (one hover marker each).
  /// Events are in time order, so each bucket is a contiguous run of the index.
  buckets(i0: number, i1: number, xOf: (sec: number) => number, width: number, bucketPx: number): EventBucket[] {
    const out: EventBucket[] = [];
    let cur: EventBucket | null = null;
    let curB = NaN;
    for (let i = i0; i < i1; i++) {
      const x = xOf(this.sec[i]);
      if (!(x >= 0 && x <= width)) continue;
      const b = Math.floor(x / bucketPx);
      if (cur && b === curB) {
        cur.end = i + 1;
        if (this.sev[i] > this.sev[cur.top]) {
          cur.top = i;
          cur.x = x;
        }
        continue;
      }
      cur = { first: i, end: i + 1, top: i, x };
      curB = b;
      out.push(cur);
    }
    return out;
  }
}

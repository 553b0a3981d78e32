// SPDX-License-Identifier: Apache-2.0
// Value formatting per API unit (docs/api.md): millicores, IEC bytes, %, µs/s, bytes/s, ops/s.
// One scale per axis (picked from the largest tick) so neighbouring labels read alike, and tick
// increments that land on round numbers in that unit (powers of 1024 for bytes).

interface Scale {
  div: number;
  suffix: string;
}

type Family = "cores" | "bytes" | "bytes_rate" | "us_rate" | "us" | "rate" | "percent" | "ratio" | "plain";

export function unitFamily(unit: string): Family {
  switch (unit) {
    case "millicores":
      return "cores";
    case "bytes":
      return "bytes";
    case "bytes/s":
      return "bytes_rate";
    case "us/s":
    case "µs/s":
      return "us_rate";
    case "count/s":
    case "ops/s":
    case "1/s":
      return "rate";
    case "us":
    case "µs":
      return "us";
    case "%":
    case "percent":
    case "pct":
      return "percent";
    case "ratio":
      return "ratio";
    default:
      return "plain";
  }
}

const kIec = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
const kSi = ["", "k", "M", "G", "T"];

/// The scale for magnitude |v| in a unit: e.g. 3.5e9 bytes -> GiB, 1500 millicores -> cores.
function scaleFor(family: Family, unit: string, mag: number): Scale {
  switch (family) {
    case "cores":
      // Below one core people think in millicores (Kubernetes requests are written "250m").
      return mag >= 1000 ? { div: 1000, suffix: " cores" } : { div: 1, suffix: "m" };
    case "bytes":
    case "bytes_rate": {
      let i = 0;
      while (i < kIec.length - 1 && mag >= 1024 ** (i + 1)) i++;
      return { div: 1024 ** i, suffix: " " + kIec[i] + (family === "bytes_rate" ? "/s" : "") };
    }
    case "us_rate":
      // µs of CPU (or stall) per second: 1e6 µs/s is one full CPU second per second.
      if (mag >= 1e6) return { div: 1e6, suffix: " s/s" };
      if (mag >= 1e3) return { div: 1e3, suffix: " ms/s" };
      return { div: 1, suffix: " µs/s" };
    case "rate": {
      let i = 0;
      while (i < kSi.length - 1 && mag >= 1000 ** (i + 1)) i++;
      return { div: 1000 ** i, suffix: ` ${kSi[i]}ops/s` };
    }
    case "us":
      if (mag >= 1e6) return { div: 1e6, suffix: " s" };
      if (mag >= 1e3) return { div: 1e3, suffix: " ms" };
      return { div: 1, suffix: " µs" };
    case "percent":
      return { div: 1, suffix: "%" };
    case "ratio":
      // 0..1 shares (throttled periods, usage/limit) read as percentages.
      return { div: 0.01, suffix: "%" };
    default: {
      let i = 0;
      while (i < kSi.length - 1 && mag >= 1000 ** (i + 1)) i++;
      const u = unit && unit !== "count" ? " " + unit : "";
      return { div: 1000 ** i, suffix: (i ? kSi[i] : "") + u };
    }
  }
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/// One value for legends/tooltips, 3 significant digits: "250m", "1.5 cores", "12.3 MiB", "—" for null.
export function formatValue(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const family = unitFamily(unit);
  const sc = scaleFor(family, unit, Math.abs(v));
  const x = v / sc.div;
  const ax = Math.abs(x);
  const digits = ax === 0 || ax >= 100 ? 0 : ax >= 10 ? 1 : 2;
  return trimZeros(x.toFixed(digits)) + sc.suffix;
}

/// Axis labels for ticks: one scale for all (from the largest |tick|), decimals from the step.
export function formatTicks(ticks: number[], unit: string): string[] {
  if (!ticks.length) return [];
  const family = unitFamily(unit);
  const mag = Math.max(...ticks.map((t) => Math.abs(t)));
  const sc = scaleFor(family, unit, mag);
  // As many decimals as the roundest tick needs (0.25 needs 2), at most 6 (uPlot never picks finer
  // increments than 1e-6 of the unit here).
  let decimals = 0;
  for (const t of ticks) {
    const x = Math.abs(t / sc.div);
    while (decimals < 6 && Math.abs(Math.round(x * 10 ** decimals) - x * 10 ** decimals) > 1e-6 * Math.max(1, x * 10 ** decimals)) decimals++;
  }
  return ticks.map((t) => trimZeros((t / sc.div).toFixed(decimals)) + sc.suffix);
}

/// Tick increments uPlot may choose from: round numbers in the display unit.
export function axisIncrements(unit: string): number[] {
  const family = unitFamily(unit);
  const mults = [1, 2, 2.5, 5];
  const out: number[] = [];
  if (family === "bytes" || family === "bytes_rate") {
    for (let p = 0; p < 6; p++) for (const m of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) out.push(m * 1024 ** p);
    return out;
  }
  for (let e = -6; e < 16; e++) for (const m of mults) out.push(m * 10 ** e);
  return out;
}

/// Short unit name for an axis title or the metric list ("µs/s" rather than "us/s").
export function unitLabel(unit: string): string {
  switch (unitFamily(unit)) {
    case "cores":
      return "millicores";
    case "bytes":
      return "bytes (IEC)";
    case "bytes_rate":
      return "bytes/s";
    case "us_rate":
      return "µs/s";
    case "rate":
      return "ops/s";
    case "us":
      return "µs";
    case "percent":
    case "ratio":
      return "%";
    default:
      return unit;
  }
}

/// "1h 5m", "30 s", "2d 3h": durations in ranges, periods and trend projections.
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

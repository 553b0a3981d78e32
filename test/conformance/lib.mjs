// SPDX-License-Identifier: Apache-2.0
// Shared helpers of the Parquet conformance checks: the "conformance JSON" value model (what FGM's
// dump prints and what parquet_conformance_tool's manifest holds), conversions into it from DuckDB
// and hyparquet values, exact comparison, statistics parsing, and failure reporting.

import { spawnSync } from "node:child_process";

// ---- reporting -----------------------------------------------------------------------------------

/** Collects failures; prints each as it happens so a long run still shows the first problem early. */
export class Report {
  constructor(name) {
    this.name = name;
    this.failures = 0;
    this.notes = [];
    this.counts = { files: 0, columns: 0, values: 0 };
    // At most one value mismatch is printed per (reader, file, column): the first is what matters.
    this.seen = new Set();
  }
  fail(where, message) {
    this.failures++;
    console.log(`FAIL ${where}: ${message}`);
  }
  /** Reports only the first value mismatch per key; later ones are counted. */
  failOnce(key, where, message) {
    if (this.seen.has(key)) {
      this.failures++;
      return;
    }
    this.seen.add(key);
    this.fail(where, message);
  }
  note(message) {
    this.notes.push(message);
    console.log(`NOTE ${message}`);
  }
  finish() {
    const { files, columns, values } = this.counts;
    console.log(
      `${this.name}: ${files} files, ${columns} columns, ${values} values checked; ` +
        `${this.failures} failure(s)${this.notes.length ? `, ${this.notes.length} note(s)` : ""}`,
    );
    return this.failures === 0 ? 0 : 1;
  }
}

/** JSON.stringify that shows BigInts and keeps output short. */
export function show(v) {
  if (Object.is(v, -0)) return "-0";
  const s = JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
  if (s === undefined) return String(v);
  return s.length > 160 ? s.slice(0, 157) + "..." : s;
}

// ---- conformance values ----------------------------------------------------------------------

export function hexOf(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function floatToConf(x) {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return x;
}

/**
 * True when two conformance values are the same. Floats compare with Object.is (so -0 != 0 and
 * NaN == NaN); FLOAT columns are rounded to single precision first, because a correct printer may
 * emit either the shortest float digits or the exact double digits of the same float.
 */
export function sameConf(expected, actual, physicalType) {
  if (expected === null || actual === null) return expected === actual;
  if (physicalType === "FLOAT" || physicalType === "DOUBLE") {
    if (typeof expected === "string" || typeof actual === "string") return expected === actual;
    if (typeof actual !== "number") return false;
    return physicalType === "FLOAT"
      ? Object.is(Math.fround(expected), Math.fround(actual))
      : Object.is(expected, actual);
  }
  if (typeof expected === "object") {
    return (
      typeof actual === "object" &&
      typeof actual.hex === "string" &&
      expected.hex.toLowerCase() === actual.hex.toLowerCase()
    );
  }
  return expected === actual;
}

/** Parses "TIMESTAMP(MICROS,true)"-style logical type strings. */
export function parseLogical(s) {
  if (s === null || s === undefined) return { kind: null };
  let m;
  if (s === "STRING" || s === "DATE" || s === "OTHER") return { kind: s };
  if ((m = /^INTEGER\((\d+),(true|false)\)$/.exec(s))) {
    return { kind: "INTEGER", bits: Number(m[1]), signed: m[2] === "true" };
  }
  if ((m = /^TIMESTAMP\((MILLIS|MICROS|NANOS),(true|false)\)$/.exec(s))) {
    return { kind: "TIMESTAMP", unit: m[1], utc: m[2] === "true" };
  }
  if ((m = /^DECIMAL\((\d+),(\d+)\)$/.exec(s))) {
    return { kind: "DECIMAL", precision: Number(m[1]), scale: Number(m[2]) };
  }
  return { kind: "INVALID", text: s };
}

const UNIT_PER_SECOND = { MILLIS: 1000n, MICROS: 1000000n, NANOS: 1000000000n };

/** Rescales a raw timestamp from one unit to another; null when it does not divide exactly. */
function rescale(value, from, to) {
  const f = UNIT_PER_SECOND[from];
  const t = UNIT_PER_SECOND[to];
  if (f === t) return value;
  if (t > f) return value * (t / f);
  const d = f / t;
  return value % d === 0n ? value / d : null;
}

/**
 * Converts a value returned by @duckdb/node-api for a column described by `col` ({physical_type,
 * logical_type, type_length?}) into a conformance value. Unexpected shapes come back as
 * {unexpected: ...} so the comparison fails with a readable message.
 */
export function duckToConf(v, col) {
  if (v === null || v === undefined) return null;
  const logical = parseLogical(col.logical_type);
  const ctor = v?.constructor?.name;
  switch (col.physical_type) {
    case "BOOLEAN":
      return typeof v === "boolean" ? v : { unexpected: show(v) };
    case "INT32":
      if (typeof v === "number" && Number.isInteger(v)) return v | 0; // UINTEGER >= 2^31 wraps
      if (ctor === "DuckDBDateValue") return v.days;
      if (ctor === "DuckDBDecimalValue") return Number(BigInt.asIntN(32, v.value));
      if (ctor === "DuckDBTimeValue") return Number(v.micros); // TIME(MILLIS) is read as micros
      return { unexpected: `${ctor} ${show(v)}` };
    case "INT64": {
      if (typeof v === "bigint") return BigInt.asIntN(64, v).toString(); // UBIGINT >= 2^63 wraps
      if (ctor === "DuckDBDecimalValue") return v.value.toString();
      if (ctor === "DuckDBTimeValue") return v.micros.toString();
      const unit = logical.kind === "TIMESTAMP" ? logical.unit : null;
      let raw = null;
      if (ctor === "DuckDBTimestampValue" || ctor === "DuckDBTimestampTZValue") {
        raw = [v.micros, "MICROS"];
      } else if (ctor === "DuckDBTimestampMillisecondsValue") {
        raw = [v.millis, "MILLIS"];
      } else if (ctor === "DuckDBTimestampNanosecondsValue") {
        raw = [v.nanos, "NANOS"];
      } else if (ctor === "DuckDBTimestampSecondsValue") {
        raw = [v.seconds * 1000n, "MILLIS"];
      }
      if (raw && unit) {
        const r = rescale(raw[0], raw[1], unit);
        return r === null ? { unexpected: `${raw[0]} ${raw[1]} is not a whole number of ${unit}` } : r.toString();
      }
      return { unexpected: `${ctor} ${show(v)}` };
    }
    case "FLOAT":
    case "DOUBLE":
      return typeof v === "number" ? floatToConf(v) : { unexpected: show(v) };
    case "BYTE_ARRAY":
      if (typeof v === "string") {
        return logical.kind === "STRING" ? v : { hex: Buffer.from(v, "utf8").toString("hex") };
      }
      // STRING columns are selected as CAST(... AS BLOB): the client's string conversion drops a
      // leading U+FEFF.
      if (ctor === "DuckDBBlobValue") return logical.kind === "STRING" ? decodeUtf8(v.bytes) : { hex: hexOf(v.bytes) };
      return { unexpected: `${ctor} ${show(v)}` };
    case "FIXED_LEN_BYTE_ARRAY": {
      const len = Number(col.type_length);
      if (ctor === "DuckDBDecimalValue") {
        return { hex: BigInt.asUintN(8 * len, v.value).toString(16).padStart(2 * len, "0") };
      }
      if (ctor === "DuckDBUUIDValue") return { hex: v.toString().replaceAll("-", "") };
      if (ctor === "DuckDBBlobValue") return { hex: hexOf(v.bytes) };
      return { unexpected: `${ctor} ${show(v)}` };
    }
    default:
      return { unexpected: `physical type ${col.physical_type}` };
  }
}

// Strict UTF-8 that keeps a leading U+FEFF: it is content, not a byte-order mark, in Parquet.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes) {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return { unexpected: `invalid UTF-8 ${hexOf(bytes)}` };
  }
}

/**
 * Converts a raw value from hyparquet (read with all logical/converted types stripped from the
 * schema, utf8 off) into a conformance value.
 */
export function hyparquetToConf(v, col) {
  if (v === null || v === undefined) return null;
  const logical = parseLogical(col.logical_type);
  switch (col.physical_type) {
    case "BOOLEAN":
      return typeof v === "boolean" ? v : { unexpected: show(v) };
    case "INT32":
      return typeof v === "number" ? v | 0 : { unexpected: show(v) };
    case "INT64":
      return typeof v === "bigint" ? BigInt.asIntN(64, v).toString() : { unexpected: show(v) };
    case "FLOAT":
    case "DOUBLE":
      return typeof v === "number" ? floatToConf(v) : { unexpected: show(v) };
    case "BYTE_ARRAY":
    case "FIXED_LEN_BYTE_ARRAY":
      if (!(v instanceof Uint8Array)) return { unexpected: show(v) };
      return logical.kind === "STRING" ? decodeUtf8(v) : { hex: hexOf(v) };
    default:
      return { unexpected: `physical type ${col.physical_type}` };
  }
}

/**
 * Compares one column's values; reports the first difference (row, row group) and returns the
 * number of values compared.
 */
export function compareValues(report, key, where, col, expected, actual, rowGroupRows) {
  if (expected.length !== actual.length) {
    report.failOnce(key + ":len", where, `expected ${expected.length} values, got ${actual.length}`);
  }
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (!sameConf(expected[i], actual[i], col.physical_type)) {
      let rg = 0;
      let start = 0;
      while (rowGroupRows && rg < rowGroupRows.length && i >= start + rowGroupRows[rg]) {
        start += rowGroupRows[rg++];
      }
      report.failOnce(
        key,
        where,
        `row ${i} (row group ${rg}, row ${i - start} in it): expected ${show(expected[i])}, got ` +
          `${show(actual[i])} [${col.physical_type} ${col.logical_type ?? "no logical type"}]`,
      );
    }
  }
  return n;
}

/** Maps DuckDB's parquet_schema logical_type text to our logical type string. */
export function duckLogicalToConf(text) {
  if (text === null || text === undefined) return null;
  let m;
  if (/^StringType\(/.test(text)) return "STRING";
  if (/^DateType\(/.test(text)) return "DATE";
  // DuckDB 1.5 prints the int8 bitWidth as a raw character ("\b" for 8, "@" for 64).
  if ((m = /^IntType\(bitWidth=([\s\S]+?), isSigned=(\w+)\)/.exec(text))) {
    const bits = /^\d+$/.test(m[1]) ? Number(m[1]) : m[1].length === 1 ? m[1].charCodeAt(0) : NaN;
    return `INTEGER(${bits},${m[2] === "1" || m[2] === "true"})`;
  }
  if ((m = /^TimestampType\(isAdjustedToUTC=(\w+), unit=TimeUnit\((.*)\)\)/.exec(text))) {
    const unit = /MILLIS=MilliSeconds/.test(m[2]) ? "MILLIS" : /MICROS=MicroSeconds/.test(m[2]) ? "MICROS" : /NANOS=NanoSeconds/.test(m[2]) ? "NANOS" : "?";
    return `TIMESTAMP(${unit},${m[1] === "1" || m[1] === "true"})`;
  }
  if ((m = /^DecimalType\(scale=(\d+), precision=(\d+)\)/.exec(text))) return `DECIMAL(${m[2]},${m[1]})`;
  return `OTHER:${text}`;
}

/**
 * Our logical type string for a DuckDB parquet_schema row: the LogicalType when present (it wins
 * over the legacy ConvertedType), else the ConvertedType's meaning (TIMESTAMP_MILLIS/MICROS imply
 * isAdjustedToUTC=true), else null. Anything outside FGM's set is "OTHER".
 */
export function expectedLogicalFromDuckSchema(row) {
  if (row.logical_type !== null && row.logical_type !== undefined) {
    const l = duckLogicalToConf(row.logical_type);
    return l.startsWith("OTHER:") ? "OTHER" : l;
  }
  const c = row.converted_type;
  if (c === null || c === undefined) return null;
  let m;
  if (c === "UTF8") return "STRING";
  if (c === "DATE") return "DATE";
  if ((m = /^(U?)INT_(8|16|32|64)$/.exec(c))) return `INTEGER(${m[2]},${m[1] !== "U"})`;
  if (c === "TIMESTAMP_MILLIS") return "TIMESTAMP(MILLIS,true)";
  if (c === "TIMESTAMP_MICROS") return "TIMESTAMP(MICROS,true)";
  if (c === "DECIMAL") return `DECIMAL(${Number(row.precision)},${Number(row.scale)})`;
  return "OTHER";
}

// ---- statistics -----------------------------------------------------------------------------------

/** Orders conformance values as the format sorts them for `col`; NaN and null are excluded. */
export function statsKey(v, col) {
  const logical = parseLogical(col.logical_type);
  const unsigned = logical.kind === "INTEGER" && !logical.signed;
  switch (col.physical_type) {
    case "BOOLEAN":
      return v ? 1n : 0n;
    case "INT32":
      return unsigned ? BigInt(v >>> 0) : BigInt(v);
    case "INT64":
      return unsigned ? BigInt.asUintN(64, BigInt(v)) : BigInt(v);
    case "FLOAT":
    case "DOUBLE":
      return v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v;
    default:
      return typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.from(v.hex, "hex");
  }
}

export function compareKeys(a, b) {
  if (Buffer.isBuffer(a)) return Buffer.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** {nulls, min, max} of conformance values (min/max undefined when no orderable value). */
export function computeStats(values, col) {
  let nulls = 0;
  let min;
  let max;
  for (const v of values) {
    if (v === null) {
      nulls++;
      continue;
    }
    if (v === "NaN") continue;
    const k = statsKey(v, col);
    if (min === undefined || compareKeys(k, min) < 0) min = k;
    if (max === undefined || compareKeys(k, max) > 0) max = k;
  }
  // The format asks writers to store a zero min as -0.0 and a zero max as +0.0.
  if (typeof min === "number" && min === 0) min = -0;
  if (typeof max === "number" && max === 0) max = 0;
  return { nulls, min, max };
}

/** Parses DuckDB's "YYYY-MM-DD HH:MM:SS[.fff][+00]" into a raw value in `unit`. */
export function parseDuckTimestamp(s, unit) {
  const m = /^(-?\d{4,})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?)?(?:([+-]\d\d)(?::?(\d\d))?)?$/.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  let ns = BigInt(ms) * 1000000n + BigInt((m[7] ?? "").padEnd(9, "0") || "0");
  if (m[8]) {
    const sign = m[8].startsWith("-") ? -1n : 1n;
    const minutes = BigInt(Math.abs(Number(m[8]))) * 60n + BigInt(Number(m[9] ?? 0));
    ns -= sign * minutes * 60n * 1000000000n;
  }
  return rescale(ns, "NANOS", unit);
}

/**
 * Parses a DuckDB parquet_metadata stats string for `col` into a statsKey-comparable value, or
 * {unparsed} when the text has an unexpected shape. `blob` is DuckDB's cast of the same text to
 * BLOB (used for binary columns, whose stats DuckDB prints with \xNN escapes).
 */
export function parseDuckStat(text, blob, col) {
  const logical = parseLogical(col.logical_type);
  switch (col.physical_type) {
    case "BOOLEAN":
      return text === "true" ? 1n : text === "false" ? 0n : { unparsed: text };
    case "INT32":
    case "INT64": {
      if (logical.kind === "TIMESTAMP") {
        const r = parseDuckTimestamp(text, logical.unit);
        return r === null ? { unparsed: text } : r;
      }
      if (logical.kind === "DATE") {
        const r = parseDuckTimestamp(text, "MILLIS");
        return r === null ? { unparsed: text } : r / 86400000n;
      }
      if (logical.kind === "DECIMAL") {
        const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
        if (!m) return { unparsed: text };
        const frac = (m[3] ?? "").padEnd(logical.scale, "0");
        const v = BigInt(m[2] + frac);
        return m[1] ? -v : v;
      }
      return /^-?\d+$/.test(text) ? BigInt(text) : { unparsed: text };
    }
    case "FLOAT":
    case "DOUBLE": {
      const t = text.toLowerCase();
      const x = t === "nan" ? NaN : t === "inf" || t === "infinity" ? Infinity : t === "-inf" || t === "-infinity" ? -Infinity : Number(text);
      if (Number.isNaN(x) && t !== "nan") return { unparsed: text };
      return col.physical_type === "FLOAT" ? Math.fround(x) : x;
    }
    default:
      if (logical.kind === "STRING") return Buffer.from(text, "utf8");
      return blob ? Buffer.from(blob.bytes) : { unparsed: text };
  }
}

export function showKey(k) {
  if (Buffer.isBuffer(k)) return `bytes ${k.toString("hex")} (${show(k.toString("utf8"))})`;
  if (typeof k === "number") return Object.is(k, -0) ? "-0" : String(k);
  return show(k);
}

const NUMERIC = new Set(["INT32", "INT64", "FLOAT", "DOUBLE"]);

/**
 * Checks one column chunk's statistics against the values written into it. `got` holds what a
 * reader reports, already as statsKey values: {nulls, min, max, minExact, maxExact}; undefined
 * members were not reported. Options: skipInfinite (the reader cannot show infinite bounds),
 * requireMinMax (default: for numeric columns; writers may omit min/max of long byte arrays).
 */
export function checkChunkStats(report, where, col, values, got, opts = {}) {
  const exp = computeStats(values, col);
  if (got.nulls === undefined || got.nulls === null) {
    report.fail(where, `no null_count in statistics (expected ${exp.nulls})`);
  } else if (Number(got.nulls) !== exp.nulls) {
    report.fail(where, `statistics null_count ${got.nulls}, expected ${exp.nulls}`);
  }
  if (exp.min === undefined) {
    if (got.min !== undefined || got.max !== undefined) {
      report.fail(where, `statistics min/max ${showKey(got.min)}/${showKey(got.max)} for a chunk with no orderable value`);
    }
    return;
  }
  const requireMinMax = opts.requireMinMax ?? NUMERIC.has(col.physical_type);
  for (const [label, g, w, exact, dir] of [
    ["min", got.min, exp.min, got.minExact, 1],
    ["max", got.max, exp.max, got.maxExact, -1],
  ]) {
    if (g === undefined) {
      if (opts.skipInfinite && typeof w === "number" && !Number.isFinite(w)) continue;
      if (requireMinMax) report.fail(where, `statistics ${label} missing (expected ${showKey(w)})`);
      continue;
    }
    if (g?.unparsed !== undefined) {
      report.fail(where, `statistics ${label} ${show(g.unparsed)} not understood for ${col.physical_type}`);
    } else if (exact === false) {
      // An inexact bound must still bound: min <= true min, max >= true max.
      if (compareKeys(g, w) * dir > 0) report.fail(where, `inexact statistics ${label} ${showKey(g)} does not bound ${showKey(w)}`);
    } else if (!sameKey(g, w)) {
      report.fail(where, `statistics ${label} ${showKey(g)}, expected ${showKey(w)}`);
    }
  }
}

export function sameKey(a, b) {
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (typeof a === "number") return Object.is(a, b);
  return a === b;
}

// ---- FGM's own tool -------------------------------------------------------------------------------

/** Runs `tool args...`; returns {status, stdout, stderr}. Large outputs are expected (dumps). */
export function runTool(tool, args) {
  const r = spawnSync(tool, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error) return { status: -1, stdout: "", stderr: String(r.error) };
  return { status: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Compares FGM's dump of a file with the expected conformance JSON `exp`
 * ({num_rows, num_row_groups?, row_group_rows?, columns:[{name, physical_type, logical_type,
 * repetition, values}]}).
 */
export function compareDump(report, file, exp, dump) {
  const where = `fgm-dump ${file}`;
  if (dump.num_rows !== exp.num_rows) report.fail(where, `num_rows ${show(dump.num_rows)}, expected ${exp.num_rows}`);
  const groups = exp.num_row_groups ?? exp.row_group_rows?.length;
  if (groups !== undefined && dump.num_row_groups !== groups) {
    report.fail(where, `num_row_groups ${show(dump.num_row_groups)}, expected ${groups}`);
  }
  if (!Array.isArray(dump.columns) || dump.columns.length !== exp.columns.length) {
    report.fail(where, `expected ${exp.columns.length} columns, got ${show(dump.columns?.map((c) => c.name))}`);
    return;
  }
  report.counts.files++;
  exp.columns.forEach((col, i) => {
    const got = dump.columns[i];
    const cw = `${where}:${col.name}`;
    for (const field of ["name", "physical_type", "logical_type", "repetition"]) {
      if ((got[field] ?? null) !== (col[field] ?? null)) {
        report.fail(cw, `${field} is ${show(got[field])}, expected ${show(col[field])}`);
      }
    }
    report.counts.columns++;
    if (!Array.isArray(got.values)) {
      report.fail(cw, `no values array`);
      return;
    }
    report.counts.values += compareValues(report, `fgm:${file}:${col.name}`, cw, col, col.values, got.values, exp.row_group_rows);
  });
}

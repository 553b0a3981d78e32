#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Writer conformance: `parquet_conformance_tool write-matrix` writes FGM's file matrix plus a
// manifest of every value; independent readers must see exactly those values and the intended
// metadata. Readers: duckdb (values, schema, codecs, encodings, row groups, statistics, key-values),
// hyparquet (values, schema, row groups, key-values), fgm (FGM's own reader via `dump`).
//
//   node test/conformance/check_our_files.mjs [--readers=duckdb,hyparquet,fgm] [--keep] TOOL
// Exits 1 on any mismatch (each printed as "FAIL <reader> <file>:<column>: ..."), 2 on misuse.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  readColumnIndex,
  readOffsetIndex,
} from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { compressors } from "hyparquet-compressors";

import {
  Report,
  compareDump,
  checkChunkStats,
  compareKeys,
  compareValues,
  computeStats,
  duckLogicalToConf,
  duckToConf,
  hyparquetToConf,
  parseDuckStat,
  parseLogical,
  runTool,
  sameKey,
  show,
  showKey,
} from "./lib.mjs";

const ALL_READERS = ["duckdb", "hyparquet", "fgm"];

function parseArgs(argv) {
  const opts = { readers: ALL_READERS, keep: false, tool: null };
  for (const a of argv) {
    if (a.startsWith("--readers=")) opts.readers = a.slice(10).split(",").filter(Boolean);
    else if (a === "--keep") opts.keep = true;
    else if (!a.startsWith("--") && !opts.tool) opts.tool = a;
    else return null;
  }
  if (!opts.tool || opts.readers.some((r) => !ALL_READERS.includes(r))) return null;
  return opts;
}

const sql = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

// Row offsets of each row group, for slicing a column's values per row group.
function groupSlices(entry) {
  const out = [];
  let start = 0;
  for (const n of entry.row_group_rows) {
    out.push([start, start + n]);
    start += n;
  }
  return out;
}

// ---- DuckDB ------------------------------------------------------------------------------------

const DUCK_INT_TYPES = { 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" };

/** DuckDB column types that faithfully represent `col` (read_parquet's type choice). */
function expectedDuckTypes(col) {
  const l = parseLogical(col.logical_type);
  switch (l.kind) {
    case "STRING":
      return ["VARCHAR"];
    case "INTEGER":
      return [(l.signed ? "" : "U") + DUCK_INT_TYPES[l.bits]];
    case "TIMESTAMP":
      // isAdjustedToUTC decides instant (WITH TIME ZONE) versus local semantics.
      if (l.utc) return ["TIMESTAMP WITH TIME ZONE"];
      return { MILLIS: ["TIMESTAMP", "TIMESTAMP_MS"], MICROS: ["TIMESTAMP"], NANOS: ["TIMESTAMP_NS"] }[l.unit];
    case "DATE":
      return ["DATE"];
    case "DECIMAL":
      return [`DECIMAL(${l.precision},${l.scale})`];
    default:
      return [{ BOOLEAN: "BOOLEAN", INT32: "INTEGER", INT64: "BIGINT", FLOAT: "FLOAT", DOUBLE: "DOUBLE", BYTE_ARRAY: "BLOB" }[col.physical_type]];
  }
}

/** ConvertedType values allowed next to a logical type (the legacy annotation old readers use). */
function allowedConvertedTypes(col) {
  const l = parseLogical(col.logical_type);
  switch (l.kind) {
    case "STRING":
      return ["UTF8"];
    case "INTEGER":
      return [`${l.signed ? "INT" : "UINT"}_${l.bits}`];
    case "TIMESTAMP":
      if (l.unit === "NANOS") return [null];
      // TIMESTAMP_MILLIS/MICROS imply isAdjustedToUTC=true; writers differ on whether to also
      // annotate local timestamps (DuckDB does), so both are accepted there.
      return l.utc ? [`TIMESTAMP_${l.unit}`] : [`TIMESTAMP_${l.unit}`, null];
    case "DATE":
      return ["DATE"];
    case "DECIMAL":
      return ["DECIMAL"];
    default:
      return [null];
  }
}

/**
 * DuckDB has no nanosecond instant type: it reads TIMESTAMP(NANOS, isAdjustedToUTC=true) as
 * TIMESTAMP WITH TIME ZONE in microseconds, truncating toward zero. For that column only, the
 * expected values are truncated the same way (hyparquet and FGM's reader still check every digit).
 */
const truncatedColumns = new WeakMap();
function asDuckDBSeesIt(col, report) {
  const l = parseLogical(col.logical_type);
  if (l.kind !== "TIMESTAMP" || l.unit !== "NANOS" || !l.utc) return col;
  if (!truncatedColumns.has(col)) {
    const values = col.values.map((v) => (v === null ? null : ((BigInt(v) / 1000n) * 1000n).toString()));
    truncatedColumns.set(col, { ...col, values });
  }
  report?.note(`${col.name}: DuckDB reads TIMESTAMP(NANOS,true) as microseconds; compared at microsecond precision`);
  return truncatedColumns.get(col);
}

async function duckRows(con, query) {
  const r = await con.runAndReadAll(query);
  return r.getRowObjects();
}

async function checkWithDuckDB(con, dir, entry, report) {
  const file = path.join(dir, entry.file);
  const lit = sql(file);
  const where = `duckdb ${entry.file}`;

  const [fm] = await duckRows(con, `SELECT num_rows, num_row_groups FROM parquet_file_metadata(${lit})`);
  if (Number(fm.num_rows) !== entry.num_rows) report.fail(where, `num_rows ${fm.num_rows}, expected ${entry.num_rows}`);
  if (Number(fm.num_row_groups) !== entry.row_group_rows.length) {
    report.fail(where, `num_row_groups ${fm.num_row_groups}, expected ${entry.row_group_rows.length}`);
  }

  // Schema: the root, then one leaf per column in order.
  const schema = await duckRows(
    con,
    `SELECT name, type, repetition_type, converted_type, logical_type, scale, precision, num_children FROM parquet_schema(${lit})`,
  );
  const leaves = schema.slice(1);
  if (Number(schema[0]?.num_children) !== entry.columns.length || leaves.length !== entry.columns.length) {
    report.fail(where, `schema has ${leaves.length} leaves (root says ${schema[0]?.num_children}), expected ${entry.columns.length}`);
  }
  entry.columns.forEach((col, i) => {
    const s = leaves[i];
    if (!s) return;
    const cw = `${where}:${col.name}`;
    if (s.name !== col.name) report.fail(cw, `schema name ${show(s.name)}`);
    if (s.type !== col.physical_type) report.fail(cw, `physical type ${s.type}, expected ${col.physical_type}`);
    if (s.repetition_type !== col.repetition) report.fail(cw, `repetition ${s.repetition_type}, expected ${col.repetition}`);
    const logical = duckLogicalToConf(s.logical_type);
    if (logical !== col.logical_type) report.fail(cw, `logical type ${show(s.logical_type)} (${logical}), expected ${col.logical_type}`);
    if (!allowedConvertedTypes(col).includes(s.converted_type)) {
      report.fail(cw, `converted type ${show(s.converted_type)}, expected one of ${show(allowedConvertedTypes(col))}`);
    }
    const l = parseLogical(col.logical_type);
    if (l.kind === "DECIMAL" && (Number(s.scale) !== l.scale || Number(s.precision) !== l.precision)) {
      report.fail(cw, `schema scale/precision ${s.scale}/${s.precision}, expected ${l.scale}/${l.precision}`);
    }
  });

  // Values. STRING columns are read through encode() (UTF-8 BLOB) so the bytes arrive unaltered.
  const selectList = entry.columns
    .map((c) => (c.logical_type === "STRING" ? `encode(${ident(c.name)}) AS ${ident(c.name)}` : ident(c.name)))
    .join(", ");
  const reader = await con.runAndReadAll(`SELECT ${selectList || "*"} FROM read_parquet(${lit})`);
  const typeReader = await con.runAndReadAll(`SELECT * FROM read_parquet(${lit}) LIMIT 0`);
  const names = typeReader.columnNames();
  const types = typeReader.columnTypes().map(String);
  const columns = reader.getColumns();
  report.counts.files++;
  entry.columns.forEach((col, i) => {
    const cw = `${where}:${col.name}`;
    if (names[i] !== col.name) {
      report.fail(cw, `column ${i} is named ${show(names[i])} by read_parquet`);
      return;
    }
    if (!expectedDuckTypes(col).includes(types[i])) {
      report.fail(cw, `read_parquet type ${types[i]}, expected ${expectedDuckTypes(col).join(" or ")}`);
    }
    const dcol = asDuckDBSeesIt(col, report);
    const got = (columns[i] ?? []).map((v) => duckToConf(v, dcol));
    report.counts.columns++;
    report.counts.values += compareValues(report, `duckdb:${entry.file}:${col.name}`, cw, dcol, dcol.values, got, entry.row_group_rows);
  });

  // Column chunks: codec, encodings, row group sizes, statistics.
  const chunks = await duckRows(
    con,
    `SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, compression, encodings,
            stats_min_value, stats_max_value, stats_null_count, min_is_exact, max_is_exact,
            TRY_CAST(stats_min_value AS BLOB) AS min_blob, TRY_CAST(stats_max_value AS BLOB) AS max_blob
     FROM parquet_metadata(${lit}) ORDER BY row_group_id, column_id`,
  );
  const slices = groupSlices(entry);
  const byGroup = new Map();
  for (const c of chunks) {
    const g = Number(c.row_group_id);
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g).push(c);
  }
  if (byGroup.size !== slices.length) {
    report.fail(where, `parquet_metadata lists ${byGroup.size} row groups, expected ${slices.length}`);
  }
  for (const [g, [start, end]] of slices.entries()) {
    const rg = byGroup.get(g);
    if (!rg) continue;
    if (Number(rg[0].row_group_num_rows) !== end - start) {
      report.fail(`${where} row group ${g}`, `${rg[0].row_group_num_rows} rows, expected ${end - start}`);
    }
    entry.columns.forEach((col, i) => {
      const chunk = rg[i];
      const cw = `${where}:${col.name} row group ${g}`;
      if (!chunk || chunk.path_in_schema !== col.name) {
        report.fail(cw, `no column chunk (found ${show(chunk?.path_in_schema)})`);
        return;
      }
      if (chunk.compression !== col.codec) report.fail(cw, `codec ${chunk.compression}, expected ${col.codec}`);
      const encodings = String(chunk.encodings ?? "").split(/,\s*/);
      if (col.expect_encoding && !encodings.includes(col.expect_encoding)) {
        report.fail(cw, `encodings ${show(encodings)} lack ${col.expect_encoding}`);
      }
      const dcol = asDuckDBSeesIt(col, null);
      checkDuckStats(report, cw, dcol, chunk, dcol.values.slice(start, end));
    });
  }

  // Footer key-values.
  if (entry.key_value_metadata?.length) {
    const kv = await duckRows(con, `SELECT key, value FROM parquet_kv_metadata(${lit})`);
    const got = new Map(kv.map((r) => [Buffer.from(r.key.bytes).toString("utf8"), r.value === null ? null : Buffer.from(r.value.bytes).toString("utf8")]));
    for (const { key, value } of entry.key_value_metadata) {
      if (!got.has(key)) report.fail(`${where} key-value`, `key ${show(key)} missing (have ${show([...got.keys()])})`);
      else if (got.get(key) !== value) report.fail(`${where} key-value`, `${show(key)} = ${show(got.get(key))}, expected ${show(value)}`);
    }
  }
}

function checkDuckStats(report, where, col, chunk, values) {
  const parse = (text, blob) => (text === null ? undefined : parseDuckStat(text, blob, col));
  checkChunkStats(
    report,
    where,
    col,
    values,
    {
      nulls: chunk.stats_null_count,
      min: parse(chunk.stats_min_value, chunk.min_blob),
      max: parse(chunk.stats_max_value, chunk.max_blob),
      minExact: chunk.min_is_exact,
      maxExact: chunk.max_is_exact,
    },
    // DuckDB prints no text for infinite float bounds; hyparquet checks those.
    { skipInfinite: true },
  );
}

// ---- hyparquet ---------------------------------------------------------------------------------

function hyparquetLogical(el) {
  const lt = el.logical_type;
  if (lt) {
    switch (lt.type) {
      case "STRING":
        return "STRING";
      case "DATE":
        return "DATE";
      case "INTEGER":
        return `INTEGER(${lt.bitWidth},${lt.isSigned})`;
      case "TIMESTAMP":
        return `TIMESTAMP(${lt.unit},${lt.isAdjustedToUTC})`;
      case "DECIMAL":
        return `DECIMAL(${lt.precision},${lt.scale})`;
      default:
        return `OTHER:${lt.type}`;
    }
  }
  return el.converted_type ? `converted-only:${el.converted_type}` : null;
}

// Parsers that keep statistics raw: timestamps and dates as integers, byte arrays as bytes.
const RAW_PARSERS = {
  timestampFromMilliseconds: (v) => v,
  timestampFromMicroseconds: (v) => v,
  timestampFromNanoseconds: (v) => v,
  dateFromDays: (v) => v,
  stringFromBytes: (v) => v,
};

/** A hyparquet statistics value (decoded with RAW_PARSERS) as a statsKey value. */
function hyparquetStatKey(v, col) {
  if (v === undefined || v === null) return undefined;
  switch (col.physical_type) {
    case "BOOLEAN":
      return v ? 1n : 0n;
    case "INT32":
    case "INT64":
      return BigInt(v); // hyparquet already applies unsigned order for INTEGER(n,false)
    case "FLOAT":
    case "DOUBLE":
      return v;
    default:
      return Buffer.from(v);
  }
}

function checkHyparquetStats(report, where, col, chunk, values) {
  // hyparquet turns DECIMAL statistics into lossy Numbers; DuckDB checks those exactly.
  if (parseLogical(col.logical_type).kind === "DECIMAL") return;
  const st = chunk.meta_data?.statistics ?? {};
  checkChunkStats(report, where, col, values, {
    nulls: st.null_count,
    min: hyparquetStatKey(st.min_value, col),
    max: hyparquetStatKey(st.max_value, col),
    minExact: st.is_min_value_exact,
    maxExact: st.is_max_value_exact,
  });
  // The legacy min/max fields are defined for signed order only: when written they must agree
  // with min_value/max_value, and unsigned or byte-array columns must not carry them (old readers
  // would prune with the wrong order).
  const l = parseLogical(col.logical_type);
  const signedOrder = col.physical_type !== "BYTE_ARRAY" && !(l.kind === "INTEGER" && !l.signed);
  for (const [legacy, current] of [["min", "min_value"], ["max", "max_value"]]) {
    if (st[legacy] === undefined) continue;
    if (!signedOrder) report.fail(where, `legacy statistics ${legacy} written for a column without signed sort order`);
    else if (!sameKey(hyparquetStatKey(st[legacy], col), hyparquetStatKey(st[current], col))) {
      report.fail(where, `legacy statistics ${legacy} ${show(st[legacy])} differs from ${current} ${show(st[current])}`);
    }
  }
}

/**
 * The page index (offset index + column index) of one chunk against the chunk's values: page
 * locations must point at data page headers whose row counts add up, and each page's null count,
 * null flag and min/max must describe the rows the offset index assigns to it.
 */
async function checkPageIndex(report, where, file, el, col, chunk, values) {
  const meta = chunk.meta_data;
  if (values.length === 0) return;
  const read = async (offset, length) => {
    const start = Number(offset);
    return { view: new DataView(await file.slice(start, start + Number(length))), offset: 0 };
  };
  if (chunk.offset_index_offset === undefined) {
    // FileWriter leaves the page index out only for one-page chunks (the chunk statistics say
    // everything it would): then the first data page must hold every row of the chunk.
    const off = Number(meta.data_page_offset);
    const chunkEnd = Number(meta.dictionary_page_offset ?? meta.data_page_offset) + Number(meta.total_compressed_size);
    let header;
    try {
      header = parquetHeader(await read(off, chunkEnd - off));
    } catch (e) {
      report.fail(where, `no offset index, and no page header at data_page_offset ${off}: ${e.message}`);
      return;
    }
    const rows = header.data_page_header_v2?.num_rows ?? header.data_page_header?.num_values;
    if (rows !== values.length) {
      report.fail(where, `no offset index, but the chunk has more than one page (${rows} of ${values.length} rows in the first)`);
    }
    if (chunk.column_index_offset !== undefined) report.fail(where, "column index without offset index");
    return;
  }
  const oi = readOffsetIndex(await read(chunk.offset_index_offset, chunk.offset_index_length));
  const locs = oi.page_locations;
  const firstRows = locs.map((l) => Number(l.first_row_index));
  if (firstRows[0] !== 0 || firstRows.some((r, i) => i > 0 && r <= firstRows[i - 1]) || firstRows.at(-1) >= values.length) {
    report.fail(where, `offset index first_row_index ${show(firstRows)} is not an increasing partition of ${values.length} rows`);
    return;
  }
  if (Number(locs[0].offset) !== Number(meta.data_page_offset)) {
    report.fail(where, `first page location ${locs[0].offset} != data_page_offset ${meta.data_page_offset}`);
  }
  const chunkStart = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  const chunkEnd = chunkStart + Number(meta.total_compressed_size);
  const bounds = firstRows.map((r, i) => [r, i + 1 < firstRows.length ? firstRows[i + 1] : values.length]);
  for (const [i, loc] of locs.entries()) {
    const off = Number(loc.offset);
    const size = Number(loc.compressed_page_size);
    if (off + size > chunkEnd || (i + 1 < locs.length && off + size > Number(locs[i + 1].offset))) {
      report.fail(where, `page ${i} at ${off} (+${size}) overlaps the next page or leaves the chunk`);
      continue;
    }
    const reader = await read(off, size);
    let header;
    try {
      header = parquetHeader(reader);
    } catch (e) {
      report.fail(where, `page ${i}: no page header at offset index location ${off}: ${e.message}`);
      continue;
    }
    const rows = header.data_page_header_v2?.num_rows ?? header.data_page_header?.num_values;
    if (!header.type?.startsWith("DATA_PAGE")) report.fail(where, `page ${i}: offset index points at a ${header.type}`);
    else if (rows !== bounds[i][1] - bounds[i][0]) report.fail(where, `page ${i}: header has ${rows} rows, offset index implies ${bounds[i][1] - bounds[i][0]}`);
    if (reader.offset + header.compressed_page_size !== size) {
      report.fail(where, `page ${i}: offset index size ${size} != header ${reader.offset} + data ${header.compressed_page_size}`);
    }
  }
  // parquet.thrift (ColumnIndex.min_values): when all non-null values of a page are NaN, a
  // TYPE_ORDER column must not have a column index at all (null_pages may only flag pages of nulls).
  const nanOnlyPage = bounds.findIndex(([a, b]) => {
    const page = values.slice(a, b);
    return page.some((v) => v !== null) && computeStats(page, col).min === undefined;
  });
  if (chunk.column_index_offset === undefined) {
    if (nanOnlyPage < 0 && ["INT32", "INT64", "FLOAT", "DOUBLE"].includes(col.physical_type)) {
      report.fail(where, "no column index for a numeric column");
    }
    return;
  }
  if (nanOnlyPage >= 0) {
    const [a, b] = bounds[nanOnlyPage];
    report.fail(where, `column index written although page ${nanOnlyPage} (rows ${a}..${b - 1}) has only NaN besides nulls; the format forbids a column index for such a chunk`);
  }
  const ci = readColumnIndex(await read(chunk.column_index_offset, chunk.column_index_length), el, RAW_PARSERS);
  if (ci.null_pages.length !== locs.length) {
    report.fail(where, `column index has ${ci.null_pages.length} pages, offset index ${locs.length}`);
    return;
  }
  const mins = [];
  const maxs = [];
  for (const [i, [a, b]] of bounds.entries()) {
    const page = values.slice(a, b);
    const exp = computeStats(page, col);
    const pw = `${where} page ${i} (rows ${a}..${b - 1})`;
    if (ci.null_pages[i] !== (exp.nulls === page.length)) report.fail(pw, `column index null_pages ${ci.null_pages[i]} with ${exp.nulls}/${page.length} nulls`);
    if (ci.null_counts && Number(ci.null_counts[i]) !== exp.nulls) report.fail(pw, `column index null_count ${ci.null_counts[i]}, expected ${exp.nulls}`);
    if (ci.null_pages[i] || exp.min === undefined || parseLogical(col.logical_type).kind === "DECIMAL") continue;
    const min = hyparquetStatKey(ci.min_values[i], col);
    const max = hyparquetStatKey(ci.max_values[i], col);
    if (!sameKey(min, exp.min)) report.fail(pw, `column index min ${showKey(min)}, expected ${showKey(exp.min)}`);
    if (!sameKey(max, exp.max)) report.fail(pw, `column index max ${showKey(max)}, expected ${showKey(exp.max)}`);
    mins.push(min);
    maxs.push(max);
  }
  // A declared order is a promise readers use to binary-search pages.
  const ordered = (keys, dir) => keys.every((k, i) => i === 0 || compareKeys(keys[i - 1], k) * dir <= 0);
  if (ci.boundary_order === "ASCENDING" && !(ordered(mins, 1) && ordered(maxs, 1))) report.fail(where, "column index says ASCENDING but page bounds are not");
  if (ci.boundary_order === "DESCENDING" && !(ordered(mins, -1) && ordered(maxs, -1))) report.fail(where, "column index says DESCENDING but page bounds are not");
}

async function checkWithHyparquet(dir, entry, report) {
  const where = `hyparquet ${entry.file}`;
  const file = await asyncBufferFromFile(path.join(dir, entry.file));
  const metadata = await parquetMetadataAsync(file, { parsers: RAW_PARSERS });
  if (Number(metadata.num_rows) !== entry.num_rows) report.fail(where, `num_rows ${metadata.num_rows}, expected ${entry.num_rows}`);
  const groups = metadata.row_groups.map((g) => Number(g.num_rows));
  if (show(groups) !== show(entry.row_group_rows)) report.fail(where, `row groups ${show(groups)}, expected ${show(entry.row_group_rows)}`);
  const leaves = metadata.schema.slice(1);
  const typedLeaves = leaves.map((el) => ({ ...el })); // before the types are stripped below
  entry.columns.forEach((col, i) => {
    const el = leaves[i];
    const cw = `${where}:${col.name}`;
    if (!el || el.name !== col.name) return report.fail(cw, `schema element ${i} is ${show(el?.name)}`);
    if (el.type !== col.physical_type) report.fail(cw, `physical type ${el.type}, expected ${col.physical_type}`);
    if (el.repetition_type !== col.repetition) report.fail(cw, `repetition ${el.repetition_type}, expected ${col.repetition}`);
    if (hyparquetLogical(el) !== col.logical_type) report.fail(cw, `logical type ${show(el.logical_type)}, expected ${col.logical_type}`);
    // Read raw physical values: hyparquet's own conversions (Dates, Number decimals) are lossy.
    delete el.logical_type;
    delete el.converted_type;
  });
  const kv = new Map((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value ?? null]));
  for (const { key, value } of entry.key_value_metadata ?? []) {
    if (kv.get(key) !== value) report.fail(`${where} key-value`, `${show(key)} = ${show(kv.get(key))}, expected ${show(value)}`);
  }
  let start = 0;
  for (const [gi, g] of metadata.row_groups.entries()) {
    const n = Number(g.num_rows);
    for (const [i, col] of entry.columns.entries()) {
      const chunk = g.columns[i];
      const cw = `${where}:${col.name} row group ${gi}`;
      if (chunk?.meta_data?.codec !== col.codec) report.fail(cw, `codec ${chunk?.meta_data?.codec}, expected ${col.codec}`);
      const values = col.values.slice(start, start + n);
      checkHyparquetStats(report, cw, col, chunk, values);
      await checkPageIndex(report, cw, file, typedLeaves[i], col, chunk, values);
    }
    start += n;
  }
  const rows = await parquetReadObjects({ file, metadata, compressors, utf8: false });
  report.counts.files++;
  if (rows.length !== entry.num_rows) report.fail(where, `read ${rows.length} rows, expected ${entry.num_rows}`);
  for (const col of entry.columns) {
    const got = rows.map((r) => hyparquetToConf(r[col.name], col));
    report.counts.columns++;
    report.counts.values += compareValues(report, `hyparquet:${entry.file}:${col.name}`, `${where}:${col.name}`, col, col.values, got, entry.row_group_rows);
  }
}

// ---- FGM's reader ------------------------------------------------------------------------------

function checkWithFgm(tool, dir, entry, report) {
  const r = runTool(tool, ["dump", path.join(dir, entry.file)]);
  if (r.status !== 0) {
    report.fail(`fgm-dump ${entry.file}`, `exit ${r.status}${r.signal ? ` (${r.signal})` : ""}: ${r.stderr.trim().slice(0, 500)}`);
    return;
  }
  let dump;
  try {
    dump = JSON.parse(r.stdout);
  } catch (e) {
    report.fail(`fgm-dump ${entry.file}`, `output is not JSON (${e.message}): ${r.stdout.slice(0, 200)}`);
    return;
  }
  compareDump(report, entry.file, entry, dump);
}

// ---- main --------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts) {
    console.error("usage: check_our_files.mjs [--readers=duckdb,hyparquet,fgm] [--keep] PARQUET_CONFORMANCE_TOOL");
    return 2;
  }
  const report = new Report(`check_our_files [${opts.readers.join(",")}]`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fgm-conformance-"));
  try {
    const w = runTool(opts.tool, ["write-matrix", dir]);
    if (w.status !== 0) report.fail("write-matrix", `exit ${w.status}: ${w.stderr.trim()}`);
    const manifestPath = path.join(dir, "manifest.json");
    if (!fs.existsSync(manifestPath)) {
      report.fail("write-matrix", "no manifest.json written");
      return report.finish();
    }
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
    for (const s of manifest.skipped ?? []) report.note(`writer refused ${s.file}: ${s.reason}`);
    const con = opts.readers.includes("duckdb") ? await (await DuckDBInstance.create(":memory:")).connect() : null;
    for (const entry of manifest.files) {
      for (const reader of opts.readers) {
        try {
          if (reader === "duckdb") await checkWithDuckDB(con, dir, entry, report);
          else if (reader === "hyparquet") await checkWithHyparquet(dir, entry, report);
          else checkWithFgm(opts.tool, dir, entry, report);
        } catch (e) {
          const message = String(e?.message ?? e);
          const gap = entry.known_reader_gaps?.[reader];
          if (gap && message.includes(gap.error)) report.note(`${reader} cannot read ${entry.file} (${gap.why}): ${message}`);
          else report.fail(`${reader} ${entry.file}`, `reader error: ${message}`);
        }
      }
    }
    return report.finish();
  } finally {
    if (opts.keep) console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();

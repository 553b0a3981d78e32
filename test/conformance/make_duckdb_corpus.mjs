#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Reader conformance corpus: DuckDB writes Parquet files in every codec and page version it offers,
// with and without dictionaries, over all its flat types, and the expected FGM conformance JSON of
// each file is computed from what DuckDB reads back. Files FGM must refuse (nested columns, BROTLI)
// are listed with the error they must produce. check_our_reader.mjs runs FGM's dump against these.
//
//   node test/conformance/make_duckdb_corpus.mjs OUTDIR   -> OUTDIR/*.parquet + OUTDIR/corpus.json

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { DuckDBInstance } from "@duckdb/node-api";

import { duckToConf, expectedLogicalFromDuckSchema } from "./lib.mjs";

// Rows of the all-types table: with ROW_GROUP_SIZE 2048 (DuckDB cuts row groups at multiples of its
// 2048-row vectors) that is three row groups, the last one partial.
const ROWS = 5000;
// Long column chunks: DuckDB 1.5 writes one data page per chunk (its page limit is ~100 MB), so
// this exercises long DELTA/BYTE_STREAM_SPLIT streams and wide dictionary indices rather than
// page boundaries (FGM's own files, checked by check_our_files.mjs --readers=fgm, cover those).
const LONG_ROWS = 100000;

const CODECS = ["uncompressed", "snappy", "gzip", "zstd", "lz4_raw"];
const VERSIONS = ["v1", "v2"];

// 300 years (1900..2200) in microseconds and the offset of 1900 from the epoch: inside the range
// of every timestamp unit, nanoseconds included.
const SPAN_US = "9467280000000000";
const FROM_US = "2208988800000000";

// Every flat DuckDB type FGM's reader represents (raw INT32/INT64/FLBA for DATE, DECIMAL, TIME,
// UUID), each with its own null pattern. `lowcard` draws everything from a few values so DuckDB
// dictionary-encodes every column.
// DECIMAL(p, s) from an unscaled HUGEINT expression, exactly (through text: DuckDB's decimal
// division would go through DOUBLE).
function decimal(unscaled, p, s) {
  const u = `(${unscaled})`;
  return `((CASE WHEN ${u} < 0 THEN '-' ELSE '' END) || (abs(${u}) // ${10n ** BigInt(s)})::VARCHAR || '.' || ` +
    `lpad((abs(${u}) % ${10n ** BigInt(s)})::VARCHAR, ${s}, '0'))::DECIMAL(${p},${s})`;
}

function allTypesSelect(rows, lowcard) {
  const h = (salt) => (lowcard ? `(hash(i % 7, ${salt}))` : `hash(i, ${salt})`);
  const nullable = (mod, expr) => `CASE WHEN i % ${mod} = 1 THEN NULL ELSE ${expr} END`;
  const special = (type, salt) =>
    `CASE i % 50 WHEN 7 THEN 'nan'::${type} WHEN 8 THEN 'inf'::${type} WHEN 9 THEN '-inf'::${type} ` +
    `WHEN 10 THEN '-0.0'::${type} WHEN 11 THEN 0::${type} ` +
    `ELSE ((${h(salt)} % 2000001)::DOUBLE - 1000000)::${type} / 7 END`;
  return `SELECT
    ${nullable(11, `${h(1)} % 3 = 0`)} AS bool,
    ${nullable(13, `((${h(2)} % 256)::INT - 128)::TINYINT`)} AS tinyint,
    ${nullable(17, `((${h(3)} % 65536)::INT - 32768)::SMALLINT`)} AS smallint,
    ${nullable(19, `((${h(4)} % 4294967296)::BIGINT - 2147483648)::INTEGER`)} AS integer,
    ${nullable(23, `(${h(5)}::HUGEINT - 9223372036854775808)::BIGINT`)} AS bigint,
    ${nullable(29, `(${h(6)} % 256)::UTINYINT`)} AS utinyint,
    ${nullable(31, `(${h(7)} % 65536)::USMALLINT`)} AS usmallint,
    ${nullable(37, `(${h(8)} % 4294967296)::UINTEGER`)} AS uinteger,
    ${nullable(41, `${h(9)}::UBIGINT`)} AS ubigint,
    ${nullable(43, special("FLOAT", 10))} AS float,
    ${nullable(47, special("DOUBLE", 11))} AS double,
    ${nullable(53, `['alpha', 'beta', '日本語', '😀👍🏽', '', 'e' || chr(769), chr(65279) || 'bom', 'nul' || chr(0) || 'in'][(${h(12)} % 8)::BIGINT + 1]`)} AS varchar_lowcard,
    ${nullable(59, `md5(${lowcard ? "(i % 5)" : "i"}::VARCHAR) || CASE WHEN i % 7 = 0 THEN '中文' ELSE '' END`)} AS varchar,
    ${nullable(61, `from_hex(substr(md5(${h(13)}::VARCHAR), 1, (${h(14)} % 16)::INT * 2))`)} AS blob,
    ${nullable(67, `make_timestamp((${h(15)} % ${SPAN_US})::BIGINT - ${FROM_US})`)} AS timestamp,
    ${nullable(71, `make_timestamp((${h(16)} % ${SPAN_US})::BIGINT - ${FROM_US})::TIMESTAMP_MS`)} AS timestamp_ms,
    ${nullable(73, `make_timestamp_ns(((${h(17)} % ${SPAN_US})::BIGINT - ${FROM_US}) * 1000 + (${h(18)} % 1000)::BIGINT)`)} AS timestamp_ns,
    ${nullable(79, `make_timestamp((${h(19)} % ${SPAN_US})::BIGINT - ${FROM_US})::TIMESTAMP_S`)} AS timestamp_s,
    ${nullable(83, `make_timestamp((${h(20)} % ${SPAN_US})::BIGINT - ${FROM_US})::TIMESTAMPTZ`)} AS timestamptz,
    ${nullable(89, `DATE '1900-01-01' + (${h(21)} % 109572)::INT`)} AS date,
    ${nullable(97, `(((${h(22)} % 19999)::INT - 9999) / 10)::DECIMAL(4,1)`)} AS decimal_4_1,
    ${nullable(101, `(((${h(23)} % 1999999999)::BIGINT - 999999999) / 100)::DECIMAL(9,2)`)} AS decimal_9_2,
    ${nullable(103, decimal(`(${h(24)} % 1999999999999999999)::HUGEINT - 999999999999999999`, 18, 3))} AS decimal_18_3,
    ${nullable(107, decimal(`((${h(25)}::HUGEINT * ${h(26)}::HUGEINT) % 99999999999999999999999999999999999999) * (CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END)`, 38, 5))} AS decimal_38_5,
    ${nullable(109, `TIME '00:00:00' + to_microseconds((${h(27)} % 86400000000)::BIGINT)`)} AS time,
    ${nullable(113, `md5(${h(28)}::VARCHAR)::UUID`)} AS uuid,
    ${nullable(127, `['red', 'green', 'blue'][(${h(29)} % 3)::BIGINT + 1]::mood`)} AS enum
  FROM range(${rows}) t(i)`;
}

/**
 * The corpus: {file, sql, options} to write and, for files FGM must refuse, {error, why}.
 * `sql` is a query (COPY source); `options` the COPY options after FORMAT parquet.
 */
function corpusPlan() {
  const plan = [];
  for (const codec of CODECS) {
    for (const version of VERSIONS) {
      plan.push({
        file: `types_${codec}_${version}.parquet`,
        sql: "SELECT * FROM all_types",
        options: `COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048`,
      });
    }
  }
  for (const version of VERSIONS) {
    // DICTIONARY_SIZE_LIMIT 1: no dictionary at all (PLAIN in v1; DELTA_*/BYTE_STREAM_SPLIT in v2).
    plan.push({
      file: `types_nodict_${version}.parquet`,
      sql: "SELECT * FROM all_types",
      options: `COMPRESSION zstd, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048, DICTIONARY_SIZE_LIMIT 1`,
    });
    plan.push({
      file: `types_lowcard_${version}.parquet`,
      sql: "SELECT * FROM all_types_lowcard",
      options: `COMPRESSION snappy, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048`,
    });
    plan.push({
      file: `long_chunks_${version}.parquet`,
      sql: `SELECT i::BIGINT * 1000003 AS id, (hash(i) % 1000000)::DOUBLE / 3 AS value,
                   CASE WHEN i % 3 = 0 THEN NULL ELSE 'row ' || (i % 1000) END AS label
            FROM range(${LONG_ROWS}) t(i)`,
      options: `COMPRESSION zstd, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 65536`,
    });
  }
  plan.push({ file: "empty.parquet", sql: "SELECT * FROM all_types LIMIT 0", options: "COMPRESSION zstd" });
  plan.push({
    file: "all_null.parquet",
    sql: `SELECT NULL::BOOLEAN AS b, NULL::INTEGER AS i, NULL::BIGINT AS l, NULL::DOUBLE AS d,
                 NULL::FLOAT AS f, NULL::VARCHAR AS s, NULL::BLOB AS x, NULL::TIMESTAMP AS t
          FROM range(3000)`,
    options: "COMPRESSION snappy, ROW_GROUP_SIZE 2048",
  });
  plan.push({
    file: "json_column.parquet",
    sql: `SELECT CASE WHEN i % 4 = 0 THEN NULL ELSE ('{"i":' || i || '}')::JSON END AS j FROM range(100) t(i)`,
    options: "COMPRESSION uncompressed",
  });
  const refuse = (file, sql, options, error, why) => plan.push({ file, sql, options, error, why });
  const nested = /nested|unsupported/i;
  refuse("nested_list.parquet", `SELECT i AS a, [i, i + 1] AS l FROM range(10) t(i)`, "COMPRESSION zstd", nested, "LIST column");
  refuse("nested_struct.parquet", `SELECT i AS a, {'x': i, 'y': 'v'} AS s FROM range(10) t(i)`, "COMPRESSION zstd", nested, "STRUCT column");
  refuse("nested_map.parquet", `SELECT i AS a, MAP {'k': i} AS m FROM range(10) t(i)`, "COMPRESSION zstd", nested, "MAP column");
  refuse("brotli.parquet", `SELECT i AS a FROM range(10) t(i)`, "COMPRESSION brotli", /brotli|unsupported/i, "BROTLI codec (FGM does not link brotli)");
  return plan;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

async function rowsOf(con, query) {
  return (await con.runAndReadAll(query)).getRowObjects();
}

/** The FGM conformance JSON of `file`, computed from what DuckDB reads. */
async function expectedFromDuckDB(con, file) {
  const lit = sqlString(file);
  const [fm] = await rowsOf(con, `SELECT num_rows, num_row_groups FROM parquet_file_metadata(${lit})`);
  const schema = await rowsOf(
    con,
    `SELECT name, type, type_length, repetition_type, converted_type, logical_type, scale, precision FROM parquet_schema(${lit})`,
  );
  const columns = schema.slice(1).map((s) => ({
    name: s.name,
    physical_type: s.type,
    logical_type: expectedLogicalFromDuckSchema(s),
    repetition: s.repetition_type,
    type_length: s.type_length,
  }));
  // VARCHAR through encode(): the client's string conversion would drop a leading U+FEFF.
  const typeRows = await con.runAndReadAll(`SELECT * FROM read_parquet(${lit}) LIMIT 0`);
  const duckTypes = typeRows.columnTypes().map(String);
  const select = columns
    .map((c, i) => (duckTypes[i] === "VARCHAR" && c.logical_type === "STRING" ? `encode(${ident(c.name)}) AS ${ident(c.name)}` : ident(c.name)))
    .join(", ");
  const data = (await con.runAndReadAll(`SELECT ${select} FROM read_parquet(${lit})`)).getColumns();
  const unexpected = [];
  columns.forEach((c, i) => {
    c.values = (data[i] ?? []).map((v) => duckToConf(v, c));
    const bad = c.values.find((v) => v !== null && typeof v === "object" && "unexpected" in v);
    if (bad) unexpected.push(`${c.name}: ${bad.unexpected}`);
    delete c.type_length;
  });
  if (unexpected.length) throw new Error(`cannot express DuckDB values as conformance JSON: ${unexpected.join("; ")}`);
  return { num_rows: Number(fm.num_rows), num_row_groups: Number(fm.num_row_groups), columns };
}

/** Writes the corpus into outDir; returns [{file, expect} | {file, error, why}]. */
export async function makeCorpus(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const con = await (await DuckDBInstance.create(":memory:")).connect();
  await con.run(`CREATE TYPE mood AS ENUM ('red', 'green', 'blue')`);
  // Materialized once: evaluating the generating expressions dominates the corpus build time.
  await con.run(`CREATE TABLE all_types AS ${allTypesSelect(ROWS, false)} ORDER BY i`);
  await con.run(`CREATE TABLE all_types_lowcard AS ${allTypesSelect(ROWS, true)} ORDER BY i`);
  const out = [];
  for (const p of corpusPlan()) {
    const file = path.join(outDir, p.file);
    await con.run(`COPY (${p.sql}) TO ${sqlString(file)} (FORMAT parquet, ${p.options})`);
    if (p.error) out.push({ file: p.file, error: p.error, why: p.why });
    else out.push({ file: p.file, expect: await expectedFromDuckDB(con, file) });
  }
  return out;
}

// CLI: write the corpus and its expectations (errors as regex source) to OUTDIR/corpus.json.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error("usage: make_duckdb_corpus.mjs OUTDIR");
    process.exit(2);
  }
  const corpus = await makeCorpus(outDir);
  const json = corpus.map((c) => (c.error ? { ...c, error: c.error.source } : c));
  fs.writeFileSync(path.join(outDir, "corpus.json"), JSON.stringify(json));
  console.log(`wrote ${corpus.length} files to ${outDir}`);
}

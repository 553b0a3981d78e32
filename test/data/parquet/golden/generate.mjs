// SPDX-License-Identifier: Apache-2.0
// Regenerates the foreign (DuckDB-written) golden Parquet files read by src/parquet/reader and
// src/parquet/tools tests. Every value is a formula of the row number i (see README.md), so the
// C++ tests recompute the expected values instead of storing them.
//   node test/data/parquet/golden/generate.mjs      (from the repository root)
import { DuckDBInstance } from "@duckdb/node-api";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const rows = 2500;  // 2 row groups (2048 + 452): DuckDB rounds row groups up to 2048 rows

const con = await (await DuckDBInstance.create(":memory:")).connect();
await con.run(`SET TimeZone = 'UTC'`);
// A query over range() rather than a table: DuckDB splits row groups of a streamed query at
// ROW_GROUP_SIZE (rounded up to its 2048-row vectors) but keeps a stored table's row group whole.
const query = `SELECT
  i::BIGINT AS id,
  (i * 1000003 - 2500000000)::BIGINT AS big,
  CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 1000) - 500 END::INTEGER AS small,
  make_timestamptz(1700000000000000 + i * 1000000) AS ts,
  CASE WHEN i = 1 THEN 'NaN'::DOUBLE WHEN i = 2 THEN 'Infinity'::DOUBLE
       WHEN i = 4 THEN '-Infinity'::DOUBLE WHEN i = 5 THEN '-0.0'::DOUBLE
       WHEN i % 7 = 3 THEN NULL ELSE i * 0.25 END::DOUBLE AS d,
  (i / 8)::FLOAT AS f,
  'container-' || (i % 7) AS name,
  CASE WHEN i % 13 = 0 THEN NULL ELSE 'u' || i END AS uniq,
  i % 3 = 0 AS flag,
  DATE '2024-01-01' + (i % 400)::INTEGER AS day,
  (i * 7)::UBIGINT AS ub,
  ((i * 1500)::DECIMAL(18,0) / 1000)::DECIMAL(18,3) AS dec,
  ('\\xAA\\x00' || i::VARCHAR)::BLOB AS blob
FROM range(${rows}) t(i)`;

for (const version of ["v1", "v2"]) {
  for (const codec of ["uncompressed", "snappy", "gzip", "zstd", "lz4_raw"]) {
    const path = join(here, `duckdb_${codec}_${version}.parquet`);
    await con.run(`COPY (${query}) TO '${path}' (FORMAT parquet, COMPRESSION ${codec},
                   PARQUET_VERSION ${version}, ROW_GROUP_SIZE 1000)`);
    console.log("wrote", path);
  }
}

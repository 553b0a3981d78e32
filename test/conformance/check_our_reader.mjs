#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Reader conformance: DuckDB writes the corpus of make_duckdb_corpus.mjs (every codec, both page
// versions, with and without dictionaries, all flat types, nulls, empty and all-null files), and
// `parquet_conformance_tool dump` must print exactly the values DuckDB reads back. Files FGM must
// refuse (nested columns, BROTLI) must fail cleanly: exit code 2 and a message naming the reason.
//
//   node test/conformance/check_our_reader.mjs [--keep] TOOL
// Exits 1 on any mismatch (each printed as "FAIL fgm-dump <file>:<column>: ..."), 2 on misuse.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Report, compareDump, runTool, show } from "./lib.mjs";
import { makeCorpus } from "./make_duckdb_corpus.mjs";

async function main() {
  const args = process.argv.slice(2);
  const keep = args.includes("--keep");
  const rest = args.filter((a) => a !== "--keep");
  if (rest.length !== 1 || rest[0].startsWith("--")) {
    console.error("usage: check_our_reader.mjs [--keep] PARQUET_CONFORMANCE_TOOL");
    return 2;
  }
  const tool = rest[0];
  const report = new Report("check_our_reader [duckdb-written files -> fgm dump]");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fgm-duckdb-corpus-"));
  try {
    const corpus = await makeCorpus(dir);
    for (const item of corpus) {
      const where = `fgm-dump ${item.file}`;
      const r = runTool(tool, ["dump", path.join(dir, item.file)]);
      if (item.error) {
        // A clean refusal: exit 2 (not a crash or a signal) with the reason in the message.
        if (r.status !== 2) {
          report.fail(where, `expected a clean error (exit 2) for a ${item.why}, got exit ${r.status}${r.signal ? ` (${r.signal})` : ""}; stderr ${show(r.stderr.trim())}`);
        } else if (!item.error.test(r.stderr)) {
          report.fail(where, `error for a ${item.why} should match ${item.error}, got ${show(r.stderr.trim())}`);
        } else {
          report.counts.files++;
        }
        continue;
      }
      if (r.status !== 0) {
        report.fail(where, `exit ${r.status}${r.signal ? ` (${r.signal})` : ""}: ${r.stderr.trim().slice(0, 500)}`);
        continue;
      }
      let dump;
      try {
        dump = JSON.parse(r.stdout);
      } catch (e) {
        report.fail(where, `output is not JSON (${e.message}): ${r.stdout.slice(0, 200)}`);
        continue;
      }
      compareDump(report, item.file, item.expect, dump);
    }
    return report.finish();
  } finally {
    if (keep) console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();

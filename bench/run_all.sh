#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`: every whole-process benchmark, each appending its Markdown section (command,
# medians, same-run baseline) to docs/benchmarks.md. Takes about an hour on 2 cores; run the
# scripts one by one for a single result.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=docs/benchmarks.md
echo "== Parquet writer/reader vs DuckDB"
node bench/parquet_vs_duckdb.mjs "$build" --containers 20 --hours 24 --runs 5 --append "$out"
echo "== Dataset size vs the reference's tall layout"
bash bench/dataset_size.sh "$build" --duration 24h --runs 3 --append "$out"
echo "== Monitor overhead vs Netdata on real cgroups (needs root; ~16 min)"
overhead_out=$(mktemp -d /tmp/fgm-overhead.XXXXXX)
bash bench/monitor_overhead.sh --fgm "$build/src/apps/fgm/fgm" --out "$overhead_out"
{ echo; cat "$overhead_out/report.md"; } >>"$out"
echo "== Encoder/decoder micro-benchmarks"
"$build/bench/encoding_benchmark" --benchmark_min_time=0.2 2>/dev/null | tail -n +4 || true
echo "results appended to $out"

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Viewer benchmark (issue 5): on `generate-bench-data --scenario realistic --duration 24h` and
# `--scenario stress`, times the engine (bench/viewer_bench.cc: index cold start, /api/timeseries
# one metric x all containers over 1 h and 24 h at 2,000 points, cold and warm) and DuckDB on the
# same files (bench/viewer_duckdb_baseline.mjs, same question), then measures the peak RSS of a
# real `fgm viewer` serving those requests. Prints a Markdown section (append it with --append).
#   bash bench/viewer_bench.sh [BUILD_DIR] [--runs N] [--data DIR] [--append docs/benchmarks.md]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
runs=7
data=/tmp/fgm-viewer-bench
append=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    *) build=$1; shift ;;
  esac
done
fgm="$build/src/apps/fgm/fgm"
bench="$build/src/engine/viewer_bench"
mkdir -p "$data"
# Fixed start (2026-01-01 00:00 UTC) and seed: the same files on every run.
[[ -d "$data/realistic24h" ]] || "$fgm" generate-bench-data --scenario realistic --duration 24h \
  --start 1767225600 --seed 42 -o "$data/realistic24h" >/dev/null 2>&1
[[ -d "$data/stress" ]] || "$fgm" generate-bench-data --scenario stress \
  --start 1767225600 --seed 42 -o "$data/stress" >/dev/null 2>&1

# Peak RSS (VmHWM) of `fgm viewer` after index + both queries, cold then warm.
viewer_rss() {
  local dir=$1 log pid url
  log=$(mktemp)
  "$fgm" viewer "$dir" --no-browser --port 0 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q 'serving at' "$log" && break; sleep 0.1; done
  url=$(grep -o 'http://[^ ]*' "$log")
  for range in 1h 24h 1h 24h; do
    curl -s -o /dev/null "${url}api/timeseries?metric=cpu_usage_millicores&range=$range&max_points=2000"
  done
  awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}

section=$(mktemp)
{
  echo
  echo "## Viewer queries vs DuckDB ($(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
  echo
  echo "\`bash bench/viewer_bench.sh $build --runs $runs\`: medians of $runs runs. Query = one metric"
  echo "(cpu_usage_millicores) x all containers seen in the range, last 1 h / 24 h of the data, at most 2,000"
  echo "buckets with min/max/avg. fgm: engine through HandleApiRequest, JSON included; cold = fresh engine (index"
  echo "built, no chunk cached; OS page cache warm); warm, cached = the same request again, answered by the"
  echo "response cache; warm, computed = same engine with the response cache cleared before each run (chunks"
  echo "cached; rates, buckets and JSON redone: a request not seen before). DuckDB: same files, same buckets"
  echo "(GROUP BY container, bucket), rows fetched to JS; cold = new instance, warm = same connection."
  echo
  echo "Each cell: wall time, then CPU time in parentheses (fgm: its whole process, the engine's 2 query"
  echo "threads included; DuckDB: its whole process, all threads). On a loaded shared machine wall time"
  echo "mostly measures waiting for a core."
  echo
  echo "| dataset | files | containers | index cold | 1 h cold | 1 h warm, cached | 1 h warm, computed | 24 h cold | 24 h warm, cached | 24 h warm, computed | DuckDB 1 h cold / warm | DuckDB 24 h cold / warm | DuckDB / fgm, cold 1 h / 24 h (wall; CPU) | DuckDB warm / fgm warm computed, 1 h / 24 h (wall; CPU) | viewer peak RSS |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for name in realistic24h stress; do
    dir="$data/$name"
    f=$("$bench" --data "$dir" --runs "$runs")
    d=$(node bench/viewer_duckdb_baseline.mjs "$dir" "$runs")
    rss=$(viewer_rss "$dir")
    node -e '
      const f = JSON.parse(process.argv[1]), d = JSON.parse(process.argv[2]);
      const ms = (w, c) => `${w.toFixed(1)} ms (${c.toFixed(1)})`;
      const x = (a, b) => `${(a / b).toFixed(1)}x`;
      console.log(`| ${process.argv[3]} | ${f.files} | ${f.containers} | ${ms(f.index_cold_ms, f.index_cold_cpu_ms)} | ` +
        `${ms(f.ts_1h_cold_ms, f.ts_1h_cold_cpu_ms)} | ${ms(f.ts_1h_warm_ms, f.ts_1h_warm_cpu_ms)} | ` +
        `${ms(f.ts_1h_compute_ms, f.ts_1h_compute_cpu_ms)} | ` +
        `${ms(f.ts_24h_cold_ms, f.ts_24h_cold_cpu_ms)} | ${ms(f.ts_24h_warm_ms, f.ts_24h_warm_cpu_ms)} | ` +
        `${ms(f.ts_24h_compute_ms, f.ts_24h_compute_cpu_ms)} | ` +
        `${ms(d.ts_1h_cold_ms, d.ts_1h_cold_cpu_ms)} / ${ms(d.ts_1h_warm_ms, d.ts_1h_warm_cpu_ms)} | ` +
        `${ms(d.ts_24h_cold_ms, d.ts_24h_cold_cpu_ms)} / ${ms(d.ts_24h_warm_ms, d.ts_24h_warm_cpu_ms)} | ` +
        `${x(d.ts_1h_cold_ms, f.ts_1h_cold_ms)} / ${x(d.ts_24h_cold_ms, f.ts_24h_cold_ms)}; ` +
        `${x(d.ts_1h_cold_cpu_ms, f.ts_1h_cold_cpu_ms)} / ${x(d.ts_24h_cold_cpu_ms, f.ts_24h_cold_cpu_ms)} | ` +
        `${x(d.ts_1h_warm_ms, f.ts_1h_compute_ms)} / ${x(d.ts_24h_warm_ms, f.ts_24h_compute_ms)}; ` +
        `${x(d.ts_1h_warm_cpu_ms, f.ts_1h_compute_cpu_ms)} / ${x(d.ts_24h_warm_cpu_ms, f.ts_24h_compute_cpu_ms)} | ${process.argv[4]} MiB |`);
    ' "$f" "$d" "$name" "$rss"
  done
  echo
  echo "Load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$section"
cat "$section"
if [[ -n "$append" ]]; then cat "$section" >>"$append"; fi
rm -f "$section"

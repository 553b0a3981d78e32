#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bytes per numeric sample of a generated 24 h realistic dataset, against the same samples in the
# Rust reference's tall layout (two baselines: FGM-analyzed encodings and the reference's writer
# settings), plus generation time. Prints a Markdown section; appends it to docs/benchmarks.md with
# --append.
#   bench/dataset_size.sh BUILD_DIR [--duration 24h] [--runs 3] [--append docs/benchmarks.md]
set -euo pipefail
build=${1:?usage: bench/dataset_size.sh BUILD_DIR [--duration 24h] [--runs 3] [--append FILE]}
shift
duration=24h runs=3 append=""
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
fgm=$build/src/apps/fgm/fgm
layout=$build/bench/layout_bench
work=$(mktemp -d /tmp/fgm-dataset-size.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=1795564800  # 2026-11-25T00:00:00Z: a whole UTC day in one partition

times=()
for r in $(seq 1 "$runs"); do
  rm -rf "$work/data"
  t0=$(date +%s.%N)
  "$fgm" generate-bench-data --scenario realistic --duration "$duration" --start $start \
    -o "$work/data" --summary-json "$work/summary.json" >"$work/gen.txt" 2>/dev/null
  t1=$(date +%s.%N)
  times+=("$(echo "$t1 - $t0" | bc)")
  echo "[bench] generation run $r/$runs: ${times[-1]} s" >&2
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "[bench] tall layout, FGM-analyzed encodings" >&2
analyzed=$("$layout" "$work/data" "$work/tall.parquet")
echo "[bench] tall layout, reference writer settings" >&2
reference=$("$layout" "$work/data" "$work/tall-ref.parquet" --reference-encodings)
field() { sed -E "s/.*\"$2\":\"?([^,\"}]*).*/\1/" <<<"$1"; }
container_rows=$(sed -nE 's/.*"container_rows": ([0-9]+).*/\1/p' "$work/summary.json")
containers=$(sed -nE 's/.*"containers": ([0-9]+).*/\1/p' "$work/summary.json")
files=$(find "$work/data" -name '*.parquet' | wc -l)

section=$(cat <<MD
### Dataset size: ${duration} realistic, wide vs the reference's tall layout ($(date -u +%F))

Command: \`bench/dataset_size.sh build --duration ${duration} --runs ${runs}\` ($(nproc) cores, shared machine).
Data: \`fgm generate-bench-data --scenario realistic --duration ${duration} --start ${start}\`: ${containers}
containers, ${container_rows} container rows, $(field "$analyzed" samples) numeric samples (non-null numeric
cells of container rows), ${files} Parquet file(s) after hourly compaction. The same samples re-written in
the reference's tall layout (run_id, time, fetch_index, metric_name, metric_kind, value_int,
value_float, l_* labels; one row per metric per container per second, tick order) by our writer
with ZSTD-3 (\`bench/layout_bench\`).

| layout | bytes | bytes per numeric sample | tall / FGM |
|---|---|---|---|
| FGM wide (hourly files, as the monitor writes them) | $(field "$analyzed" fgm_bytes) | $(field "$analyzed" fgm_bytes_per_sample) | 1.00x |
| tall, reference writer settings (dictionary everywhere, 1 MiB fallback) | $(field "$reference" tall_bytes) | $(field "$reference" tall_bytes_per_sample) | $(field "$reference" ratio)x |
| tall, FGM's own per-chunk encoding analysis (hardest baseline) | $(field "$analyzed" tall_bytes) | $(field "$analyzed" tall_bytes_per_sample) | $(field "$analyzed" ratio)x |

Generating and writing the ${duration} (through DatasetWriter: segments, then hourly compaction):
median ${median} s over ${runs} runs (runs: ${times[*]}).
MD
)
echo "$section"
if [ -n "$append" ]; then printf '\n%s\n' "$section" >>"$append"; fi

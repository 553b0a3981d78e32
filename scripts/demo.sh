#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The embedded default (what `make demo` runs): two local scenarios on this machine's real cgroups
# — memory-leak (a saw-tooth of OOM kills and restarts) and periodic-spikes (CPU bursts every
# 20 s) — recorded by the fgm monitor that `fgm scenario run` starts, and the viewer on 127.0.0.1
# with the scenarios' dashboards. Ctrl-C stops everything (workloads, cgroups, monitor, viewer)
# and prints a DuckDB summary of what was captured. Needs root (cgroups).
#   scripts/demo.sh BUILD_DIR [SECONDS]     # SECONDS: stop by itself after that long
set -euo pipefail
build=${1:-build}
seconds=${2:-0}
cd "$(dirname "$0")/.."
fgm=$PWD/$build/src/apps/fgm/fgm
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: the local scenarios create cgroups and need root; run: sudo make demo" >&2
  exit 1
fi
for bin in "$fgm" "$PWD/$build/src/scenario/workload/fgm-workload"; do
  if [ ! -x "$bin" ]; then
    echo "demo: $bin is missing; build first (make build)" >&2
    exit 1
  fi
done
export FGM_STATE_DIR=${FGM_DEMO_DIR:-/tmp/fgm-demo}
rm -rf "$FGM_STATE_DIR"
mkdir -p "$FGM_STATE_DIR"

runs=()
viewer=""
cleanup() {
  trap - EXIT INT TERM
  echo
  [ -n "$viewer" ] && kill "$viewer" 2>/dev/null || true
  # Stopping the last run also stops the monitor (after its final segment is written).
  for run in "${runs[@]}"; do "$fgm" scenario stop "$run" || true; done
  if compgen -G "$FGM_STATE_DIR/data/dt=*" >/dev/null; then
    node scripts/demo_report.mjs "$FGM_STATE_DIR/data" || true
  fi
  cat <<TXT

The capture stays in $FGM_STATE_DIR/data (plain Parquet, Hive partitions dt=/identifier=). Next:
  $fgm viewer $FGM_STATE_DIR/data --dashboards scenarios     # browse it again
  $fgm scenario list                                          # five more scenarios (docs/scenarios.md)
  sudo FGM_STATE_DIR=$FGM_STATE_DIR $fgm scenario export ${runs[0]:-RUN} -o demo   # demo.parquet + demo.html
TXT
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for name in memory-leak periodic-spikes; do
  runs+=("$("$fgm" scenario run "$name")")
done

if "$fgm" viewer --help >/dev/null 2>&1; then
  log=$FGM_STATE_DIR/viewer.log
  "$fgm" viewer "$FGM_STATE_DIR/data" --bind 127.0.0.1 --no-browser --dashboards scenarios \
    >"$log" 2>&1 &
  viewer=$!
  url=""
  for _ in $(seq 100); do  # up to 10 s for the first line
    url=$(sed -n 's/^fgm viewer: serving at \(.*\)$/\1/p' "$log" | head -1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -n "$url" ]; then
    echo
    echo "demo: the viewer is at $url"
    echo "demo:   memory-leak:     ${url%/}/?dashboard=memory-leak&RUN_ID=${runs[0]}"
    echo "demo:   periodic-spikes: ${url%/}/?dashboard=periodic-spikes&RUN_ID=${runs[1]}"
  else
    echo "demo: the viewer did not start; see $log" >&2
  fi
else
  echo "demo: this fgm has no viewer yet; the data is in $FGM_STATE_DIR/data" >&2
fi
echo "demo: status: sudo FGM_STATE_DIR=$FGM_STATE_DIR $fgm scenario status ${runs[0]}"
if [ "$seconds" -gt 0 ]; then
  echo "demo: running for ${seconds}s (Ctrl-C ends early)"
  sleep "$seconds"
else
  echo "demo: running; Ctrl-C stops the workloads, the monitor and the viewer"
  while :; do sleep 3600; done
fi

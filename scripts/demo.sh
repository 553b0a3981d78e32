#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The embedded default (what `make demo` runs): monitor this machine for a minute while two demo
# workloads run in their own cgroups — a CPU burner held to 250 millicores (throttled) and a memory
# leak that is OOM-killed and restarted — then show what was captured. Needs root (cgroups).
#   scripts/demo.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:-build}
seconds=${2:-60}
fgm=$build/src/apps/fgm/fgm
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: creating cgroups needs root; run: sudo make demo" >&2
  exit 1
fi
out=${FGM_DEMO_DIR:-/tmp/fgm-demo}
rm -rf "$out"
slice=fgm-demo.slice

# Where containers live: every v1 controller we use plus the unified tree (hybrid), or the single
# v2 tree. Workloads are started inside their cgroup (a process moved in later keeps its old memory
# charge), so the shell writes its own pid before exec.
roots=()
if [ -d /sys/fs/cgroup/memory ]; then
  for c in memory cpu cpuacct pids blkio unified; do
    [ -d /sys/fs/cgroup/$c ] && roots+=(/sys/fs/cgroup/$c)
  done
else
  roots=(/sys/fs/cgroup)
  echo "+cpu +memory +pids +io" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for r in "${roots[@]}"; do
    for d in "$r/$slice"/*.scope; do
      [ -d "$d" ] || continue
      while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$d/cgroup.procs"
      rmdir "$d" 2>/dev/null || true
    done
    rmdir "$r/$slice" 2>/dev/null || true
  done
}
trap cleanup EXIT

# write_if_present FILE VALUE: sets a cgroup knob where this hierarchy has it.
write_if_present() {
  if [ -n "$2" ] && [ -f "$1" ]; then echo "$2" >"$1"; fi
}
make_container() {
  local name=$1 cpu_quota_us=$2 mem_limit=$3
  for r in "${roots[@]}"; do
    local d=$r/$slice/$name.scope
    mkdir -p "$d"
    write_if_present "$d/cpu.cfs_quota_us" "$cpu_quota_us"
    write_if_present "$d/cpu.max" "${cpu_quota_us:+$cpu_quota_us 100000}"
    write_if_present "$d/memory.limit_in_bytes" "$mem_limit"
    write_if_present "$d/memory.max" "$mem_limit"
  done
}
start_in() {  # start_in NAME COMMAND...: runs COMMAND inside NAME's cgroups
  local name=$1; shift
  local procs=""
  for r in "${roots[@]}"; do procs="$procs $r/$slice/$name.scope/cgroup.procs"; done
  sh -c 'for f in '"$procs"'; do echo $$ > $f; done; exec "$@"' sh "$@" &
  pids+=($!)
}

echo "demo: workloads in $slice: cpu-burner (limit 250m), leaky (128 MiB limit, restarts after OOM)"
make_container cpu-burner 25000 ""
make_container leaky "" $((128 * 1024 * 1024))
start_in cpu-burner sh -c 'while :; do :; done'
# The leak: 8 MiB a second until the OOM killer ends it; a supervisor loop restarts it.
(while :; do
   start_in leaky node -e 'const a=[]; setInterval(() => a.push(Buffer.alloc(8 << 20, 1)), 1000)'
   wait "${pids[-1]}" 2>/dev/null || true
   sleep 2
 done) &
pids+=($!)

echo "demo: fgm monitor -o $out for ${seconds}s (Ctrl-C ends early)"
"$fgm" monitor -o "$out" --cgroup-pattern "demo=$slice/{container}.scope" \
  --duration "${seconds}s" --log-level warning &
monitor=$!
pids+=($monitor)
wait $monitor || true

echo
node scripts/demo_report.mjs "$out"
cat <<TXT

The capture is plain Parquet in $out (Hive partitions dt=/identifier=). Try:
  $fgm inspect \$(ls $out/dt=*/identifier=*/*.parquet | head -1)
  node scripts/demo_report.mjs $out      # the DuckDB queries above
  $fgm top                                # the live table
Not built yet: the web viewer (fgm viewer), scenarios (fgm scenario) and the offline HTML export;
see README.md.
TXT

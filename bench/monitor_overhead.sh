#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Collector overhead benchmark: whole-process CPU and memory of `fgm monitor` (with and without
# PSS) against Netdata's cgroups plugin, on N real Kubernetes-shaped cgroups created on this host,
# all measured over the same windows. Needs root, a v1/hybrid cgroup host, the Debian `netdata`
# package and the fgm binary. Everything it creates (cgroups, processes, netdata state) is removed
# on exit, also on failure or Ctrl-C. Results: <out>/results.jsonl and <out>/report.md.
#
#   bench/monitor_overhead.sh                              # N = 10 100 1000, 3 reps, ~20 min
#   bench/monitor_overhead.sh --counts "10 100" --reps 1 --window 20 --warmup 5   # quick check
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FGM="$REPO/build-ovh/src/apps/fgm/fgm"
COUNTS="10 100 1000"
REPS=3
WARMUP=15  # s before each window: fgm's first ticks open every file and read every PSS once
WINDOW=60  # s; utime+stime are in 10 ms ticks, so 60 s keeps that rounding under 1% at N=100
# Containers with processes: BUSY of them run a shell busy loop under a 10% CFS quota (a
# throttled burstable pod), SLEEPERS more hold an idle `sleep`; the rest are empty cgroups. The
# processes are what make fgm read smaps_rollup (PSS), so its cost can be reported separately.
BUSY=4
SLEEPERS=16
# WAKERS containers (after the busy ones, before the sleepers) hold a bash loop that wakes every
# 200 ms and goes back to sleep without forking (`read -t 0.2` on a FIFO nobody writes): a few us
# of CPU per wake-up, so its CPU usage advances every second and fgm's idle-container skip can
# never apply to it. --wakers N --sleepers 0 is the worst case for that skip.
WAKERS=0
BUSY_QUOTA_US=10000  # of a 100000 us period: 4 busy loops cost 0.4 core, not the whole machine
NETDATA=1
OUT=""
KEEP_DATA=0
NOFILE=""  # RLIMIT_NOFILE for fgm; empty = inherit (fgm keeps cgroup files open up to half of it)
NETDATA_READY_TIMEOUT=300  # s; netdata runs cgroup-name.sh once per new cgroup (~1000 at N=1000)

usage() {
  cat <<EOF
usage: $0 [--counts "10 100 1000"] [--reps 3] [--warmup 15] [--window 60] [--fgm PATH]
          [--busy 4] [--wakers 0] [--sleepers 16] [--no-netdata] [--out DIR] [--keep-data] [--nofile N]
          [--netdata-timeout 300]
Runs, for each N: netdata (if installed and not --no-netdata) plus, per rep, two fgm monitors
(default and --no-pss) on the same N cgroups, and measures all of them over the same window.
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --counts) COUNTS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --fgm) FGM="$2"; shift 2 ;;
    --busy) BUSY="$2"; shift 2 ;;
    --sleepers) SLEEPERS="$2"; shift 2 ;;
    --wakers) WAKERS="$2"; shift 2 ;;
    --no-netdata) NETDATA=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --keep-data) KEEP_DATA=1; shift ;;
    --nofile) NOFILE="$2"; shift 2 ;;
    --netdata-timeout) NETDATA_READY_TIMEOUT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (creates cgroups)"
[[ -x "$FGM" ]] || die "no fgm binary at $FGM (cmake --build build-ovh --target fgm, or --fgm PATH)"
command -v node >/dev/null || die "node is needed for the report (DuckDB reads fgm's output)"
[[ -d "$REPO/node_modules/@duckdb/node-api" ]] || die "run 'npm ci' in $REPO (needs @duckdb/node-api)"
CG=/sys/fs/cgroup
# The hierarchies a container lives in, as kubelet+containerd create them on a v1/hybrid host
# (cpuset is left out: a new cpuset cgroup needs cpuset.cpus/mems before it accepts a process).
HIERARCHIES=(memory cpu cpuacct pids blkio)
for h in "${HIERARCHIES[@]}"; do
  [[ -f $CG/$h/cgroup.procs ]] || die "$CG/$h is not a v1 hierarchy: this benchmark needs a v1 or hybrid host"
done
[[ -f $CG/unified/cgroup.procs ]] && HIERARCHIES+=(unified)
if [[ $NETDATA -eq 1 ]]; then
  [[ -x /usr/sbin/netdata ]] || die "netdata is not installed: run 'bash scripts/setup.sh' (or pass --no-netdata)"
  if pgrep -x netdata >/dev/null; then die "a netdata is already running: stop it first (port 19999)"; fi
fi
CLK_TCK=$(getconf CLK_TCK)
# One run at a time: two runs would share the kubepods parents (and each other's CPU).
exec 9>/tmp/fgm-monitor-overhead.lock
flock -n 9 || die "another monitor_overhead.sh run is in progress"
if [[ -n "$NOFILE" ]]; then
  (ulimit -n "$NOFILE") 2>/dev/null || die "cannot set RLIMIT_NOFILE to $NOFILE (hard limit $(ulimit -Hn))"
fi

RUN_HEX=$(printf '%04x' $((RANDOM % 65536)))
MARKER="f0e0beef${RUN_HEX}"  # in every pod UID and container id of this run; filters others' cgroups
NAME_TAG="ovh${RUN_HEX}"     # the namespace Netdata's charts of this run are named with
[[ -n "$OUT" ]] || OUT="/tmp/fgm-monitor-overhead-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"

# ----------------------------------------------------------------------------------------------
# Cleanup: everything this script started or created, by pid and by exact path.
WORKLOAD_PIDS=()
FGM_PIDS=()
NETDATA_PID=""
CREATED_DIRS=()  # relative cgroup paths, parents first; removed in reverse order
ND_STATE=""

stop_pid() {  # pid, seconds to wait after SIGTERM before SIGKILL
  local pid=$1 grace=$2 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

descendants() {  # pid -> its descendant pids, one a line
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END { for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q];
                              if (q == root && p != root) print p } }'
}

stop_netdata() {
  [[ -n "$NETDATA_PID" ]] || return 0
  local kids
  kids=$(descendants "$NETDATA_PID" || true)
  # netdata takes ~25 s to shut down cleanly (it flushes dbengine); its plugins exit with it.
  stop_pid "$NETDATA_PID" 60
  local k
  for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
  NETDATA_PID=""
}

remove_cgroups() {
  local i h
  for ((i = ${#CREATED_DIRS[@]} - 1; i >= 0; i--)); do
    for h in "${HIERARCHIES[@]}"; do
      [[ -d "$CG/$h/${CREATED_DIRS[i]}" ]] && rmdir "$CG/$h/${CREATED_DIRS[i]}" 2>/dev/null || true
    done
  done
  CREATED_DIRS=()
}

stop_workloads() {
  local p
  for p in "${WORKLOAD_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${WORKLOAD_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  WORKLOAD_PIDS=()
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in "${FGM_PIDS[@]}"; do stop_pid "$p" 5; done
  stop_netdata
  stop_workloads
  remove_cgroups
  [[ -n "$ND_STATE" ]] && rm -rf "$ND_STATE"
  [[ $KEEP_DATA -eq 1 ]] || rm -rf "$OUT"/data
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ----------------------------------------------------------------------------------------------
# Kubernetes systemd-driver cgroups: kubepods.slice/kubepods-burstable.slice/
# kubepods-burstable-pod<uid>.slice/cri-containerd-<64 hex>.scope, one container per pod, the same
# relative path in every hierarchy.
QOS_DIR="kubepods.slice/kubepods-burstable.slice"
container_path() {  # index -> relative path
  local uid id
  uid=$(printf '%s_%s_4000_8000_%012x' "${MARKER:0:8}" "$RUN_HEX" "$1")
  id=$(printf '%s%052x' "$MARKER" "$1")
  echo "$QOS_DIR/kubepods-burstable-pod${uid}.slice/cri-containerd-${id}.scope"
}

create_cgroups() {  # n
  local n=$1 i h rel pod
  local -a dirs=()
  for d in kubepods.slice "$QOS_DIR"; do
    # Shared parents: only ones this run creates are removed (others' tests may use them too).
    [[ -d "$CG/memory/$d" ]] || CREATED_DIRS+=("$d")
  done
  for ((i = 0; i < n; i++)); do
    rel=$(container_path "$i")
    pod=${rel%/*}
    CREATED_DIRS+=("$pod" "$rel")
    dirs+=("$rel")
  done
  for h in "${HIERARCHIES[@]}"; do
    printf "$CG/$h/%s\n" "${dirs[@]}" | xargs -d '\n' mkdir -p
  done
}

start_in_cgroup() {  # rel, command...: the process writes itself into every hierarchy, then execs
  local rel=$1
  shift
  local procs=""
  for h in "${HIERARCHIES[@]}"; do procs+=" $CG/$h/$rel/cgroup.procs"; done
  # Joins before exec, so the workload's memory is charged to its own cgroup from the start.
  sh -c 'for f in '"$procs"'; do echo $$ > "$f" || exit 1; done; exec "$@"' sh "$@" &
  WORKLOAD_PIDS+=($!)
}

start_workloads() {  # n
  local n=$1 i rel
  local fifo=""
  for ((i = 0; i < n && i < BUSY + WAKERS + SLEEPERS; i++)); do
    rel=$(container_path "$i")
    if ((i < BUSY)); then
      echo 100000 >"$CG/cpu/$rel/cpu.cfs_period_us"
      echo "$BUSY_QUOTA_US" >"$CG/cpu/$rel/cpu.cfs_quota_us"
      start_in_cgroup "$rel" sh -c 'while :; do :; done'
    elif ((i < BUSY + WAKERS)); then
      if [[ -z "$fifo" ]]; then
        fifo="$OUT/wakers.fifo"
        [[ -p "$fifo" ]] || mkfifo "$fifo"
      fi
      # Opened read-write, so the open does not block and read never sees EOF: it times out.
      start_in_cgroup "$rel" bash -c 'exec 3<>"$1"; while :; do read -r -t 0.2 -u 3 || :; done' \
        bash "$fifo"
    else
      start_in_cgroup "$rel" sleep 100000
    fi
  done
}

# ----------------------------------------------------------------------------------------------
# Netdata, started by hand (Debian's service start is blocked and there is no systemd). Options
# are given with -W set, so /etc/netdata/netdata.conf is never edited:
# - v1 cgroups: its default on this hybrid layout is the empty cgroup2 tree, where it finds nothing;
# - room for more than its default 1000 cgroups;
# - the CPU, memory, swap and blkio charts forced on: their default "auto" charts a cgroup only
#   once a value is non-zero, which our empty cgroups never reach but running containers do;
# - a rename script that names this run's containers the way cgroup-name.sh does when it can reach
#   the Kubernetes API ("k8s_cntr_<namespace>_<pod>_<container>" plus k8s labels). Without an API
#   it names them after the full cgroup path, and netdata then DISABLES them: the chart id is
#   longer than RRD_ID_LENGTH_MAX. Other cgroups still go to the stock script;
# - a fresh database and log directory per N, deleted afterwards.
start_netdata() {  # n
  ND_STATE=$(mktemp -d /tmp/fgm-ovh-netdata.XXXXXX)
  mkdir -p "$ND_STATE"/{cache,lib,log}
  cat >"$ND_STATE/cgroup-name.sh" <<EOF
#!/bin/bash
# \$1 = cgroup path, \$2 = its flattened name (see /usr/lib/netdata/plugins.d/cgroup-name.sh)
if [[ \$1 == *cri-containerd-$MARKER* ]]; then
  id=\${1##*cri-containerd-}; id=\${id%.scope}; pod=pod\${id: -6}
  echo "k8s_cntr_${NAME_TAG}_\${pod}_c k8s_namespace=\"$NAME_TAG\",k8s_pod_name=\"\$pod\",k8s_container_name=\"c\",k8s_container_id=\"\$id\",k8s_kind=\"container\",k8s_qos_class=\"burstable\""
  exit 0
fi
exec /usr/lib/netdata/plugins.d/cgroup-name.sh "\$@"
EOF
  chmod 755 "$ND_STATE/cgroup-name.sh"
  chown -R netdata:netdata "$ND_STATE"
  local forced=(
    "enable cpuacct stat (total CPU)" "enable cpuacct usage (per core CPU)" "enable memory"
    "enable detailed memory" "enable swap memory" "enable blkio bandwidth" "enable blkio operations")
  local -a set_forced=()
  local o
  for o in "${forced[@]}"; do set_forced+=(-W set plugin:cgroups "$o" yes); done
  /usr/sbin/netdata -D \
    -W set plugin:cgroups "use unified cgroups" no \
    -W set plugin:cgroups "max cgroups to allow" 5000 \
    -W set plugin:cgroups "script to get cgroup names" "$ND_STATE/cgroup-name.sh" \
    "${set_forced[@]}" \
    -W set directories cache "$ND_STATE/cache" \
    -W set directories lib "$ND_STATE/lib" \
    -W set logs error "$ND_STATE/log/error.log" \
    -W set logs access "$ND_STATE/log/access.log" \
    >"$ND_STATE/log/stdout.log" 2>&1 &
  NETDATA_PID=$!
  log "netdata pid $NETDATA_PID (state $ND_STATE)"
}

wait_netdata_ready() {  # n: until netdata charts every container of this run
  local n=$1 start=$SECONDS got
  while :; do
    kill -0 "$NETDATA_PID" 2>/dev/null || die "netdata exited (see $ND_STATE/log)"
    got=$(node "$REPO/bench/monitor_overhead_report.mjs" netdata-count --name-tag "$NAME_TAG" 2>/dev/null || echo 0)
    ((got >= n)) && { log "netdata charts $got/$n containers after $((SECONDS - start)) s"; return 0; }
    ((SECONDS - start > NETDATA_READY_TIMEOUT)) && die "netdata charted only $got of $n containers in ${NETDATA_READY_TIMEOUT} s"
    sleep 5
  done
}

# ----------------------------------------------------------------------------------------------
# Snapshot of every measured process: one `proc` line per process (utime+stime and reaped
# children's cutime+cstime in clock ticks, VmRSS and VmHWM in kB) and one `task` line per thread
# (utime+stime in ticks, and schedstat's run time in ns: the same scheduler clock that utime+stime
# are scaled from, without their 10 ms rounding, which matters for a thread using 0.1% of a core).
snap_proc() {  # label pid
  local label=$1 pid=$2 s rest f t tf ns
  s=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
  rest=${s##*) }
  read -r -a f <<<"$rest"
  local rss hwm
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  echo "proc $label $pid ${f[1]} $((f[11] + f[12])) $((f[13] + f[14])) ${rss:-0} ${hwm:-0} $(tr -d ' ' <"/proc/$pid/comm" 2>/dev/null)"
  for t in /proc/"$pid"/task/*; do
    tf=$(cat "$t/stat" 2>/dev/null) || continue
    rest=${tf##*) }
    read -r -a f <<<"$rest"
    read -r ns _ <"$t/schedstat" 2>/dev/null || ns=0
    echo "task $label $pid ${t##*/} $((f[11] + f[12])) $ns $(tr -d ' ' <"$t/comm" 2>/dev/null)"
  done
}

snapshot() {  # file
  {
    echo "time_ns $(date +%s%N)"
    echo "hostcpu $(head -1 /proc/stat)"
    [[ -n "${FGM_PIDS[0]:-}" ]] && snap_proc fgm_pss "${FGM_PIDS[0]}"
    [[ -n "${FGM_PIDS[1]:-}" ]] && snap_proc fgm_nopss "${FGM_PIDS[1]}"
    if [[ -n "$NETDATA_PID" ]]; then
      snap_proc netdata "$NETDATA_PID"
      local k
      for k in $(descendants "$NETDATA_PID"); do snap_proc netdata_child "$k"; done
    fi
  } >"$1"
}

run_fgm() {  # monitor args...: execs, so the caller's $! is fgm's pid
  [[ -z "$NOFILE" ]] || ulimit -n "$NOFILE"
  exec "$FGM" monitor --log-level warning "$@"
}

# ----------------------------------------------------------------------------------------------
log "run $MARKER: counts [$COUNTS] x $REPS reps, warm-up $WARMUP s, window $WINDOW s -> $OUT"
log "fgm $("$FGM" --version 2>/dev/null | head -1), nofile ${NOFILE:-$(ulimit -Sn)}, $(nproc) cores"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel: $(uname -r)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "fgm: $FGM ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown))"
  echo "netdata: $(dpkg-query -W -f '${Version}' netdata 2>/dev/null || echo none)"
  echo "nofile (fgm): ${NOFILE:-$(ulimit -Sn)}"
  echo "args: counts=[$COUNTS] reps=$REPS warmup=$WARMUP window=$WINDOW busy=$BUSY wakers=$WAKERS sleepers=$SLEEPERS quota_us=$BUSY_QUOTA_US"
} >"$OUT/machine.txt"

for N in $COUNTS; do
  log "N=$N: creating cgroups"
  create_cgroups "$N"
  start_workloads "$N"
  if [[ $NETDATA -eq 1 ]]; then
    start_netdata "$N"
    wait_netdata_ready "$N"
  fi
  for ((rep = 1; rep <= REPS; rep++)); do
    d_pss="$OUT/data/n$N-r$rep-pss" d_nopss="$OUT/data/n$N-r$rep-nopss"
    mkdir -p "$d_pss" "$d_nopss"
    run_fgm -o "$d_pss" >"$d_pss.log" 2>&1 &
    FGM_PIDS=($!)
    run_fgm -o "$d_nopss" --no-pss >"$d_nopss.log" 2>&1 &
    FGM_PIDS+=($!)
    sleep "$WARMUP"
    a="$OUT/snap-n$N-r$rep-a.txt" b="$OUT/snap-n$N-r$rep-b.txt"
    snapshot "$a"
    sleep "$WINDOW"
    snapshot "$b"
    loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
    for p in "${FGM_PIDS[@]}"; do
      kill -0 "$p" 2>/dev/null || die "fgm $p died during the window (see $OUT/data/*.log)"
      stop_pid "$p" 10
    done
    FGM_PIDS=()
    node "$REPO/bench/monitor_overhead_report.mjs" rep --n "$N" --rep "$rep" --marker "$MARKER" --name-tag "$NAME_TAG" \
      --snap-a "$a" --snap-b "$b" --pss-dir "$d_pss" --nopss-dir "$d_nopss" \
      --netdata "$NETDATA" --clk-tck "$CLK_TCK" --procs $((N < BUSY + WAKERS + SLEEPERS ? N : BUSY + WAKERS + SLEEPERS)) \
      --loadavg "$loadavg" \
      >>"$RESULTS" || die "verification failed for N=$N rep $rep"
    node "$REPO/bench/monitor_overhead_report.mjs" line <(tail -1 "$RESULTS") >&2
    [[ $KEEP_DATA -eq 1 ]] || rm -rf "$d_pss" "$d_nopss"
  done
  stop_netdata
  [[ -n "$ND_STATE" ]] && { cp "$ND_STATE/log/error.log" "$OUT/netdata-n$N-error.log" 2>/dev/null || true; rm -rf "$ND_STATE"; ND_STATE=""; }
  stop_workloads
  remove_cgroups
done

node "$REPO/bench/monitor_overhead_report.mjs" report "$RESULTS" "$OUT/machine.txt" >"$OUT/report.md"
cat "$OUT/report.md"
log "done: $OUT/report.md"

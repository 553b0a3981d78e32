#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes the HAND-BUILT cgroup v2 fixture trees test/data/cgroupfs/{v2-systemd,v2-cgroupfs,podman,
# kind}/. The dev machines are hybrid with a controller-less cgroup2, so no real v2 controller
# file can be captured there; these files follow the formats in the kernel's
# Documentation/admin-guide/cgroup-v2.rst and Documentation/accounting/psi.rst (key order as printed
# by Linux 6.6+), with numbers chosen to look like a small busy container and to be consistent with
# each other (memory.current >= anon + file, nr_throttled <= nr_periods, ...). Deterministic:
# re-running produces identical files.
#
#   test/data/cgroupfs/make_v2_trees.sh
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)

CID=4f3c2b1a09e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2
PAUSE=9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9
POD_UID=6c1b2f9e-4d8a-4b7e-9f3c-2a1d5e8b7c40
POD_UID_US=${POD_UID//-/_}

# An intermediate (slice) cgroup: no processes of its own, controllers delegated down.
slice() {
  local d=$1
  mkdir -p "$d"
  printf 'cpuset cpu io memory hugetlb pids rdma misc\n' >"$d/cgroup.controllers"
  printf 'cpu io memory pids\n' >"$d/cgroup.subtree_control"
  : >"$d/cgroup.procs"
  printf 'populated 1\nfrozen 0\n' >"$d/cgroup.events"
  printf 'domain\n' >"$d/cgroup.type"
}

# leaf DIR SCALE PIDS CPU_MAX MEM_MAX SWAP_MAX WITH_IRQ IO_EXTRA
# SCALE (1..9) varies every counter so trees differ; the relations between values hold for any.
leaf() {
  local d=$1 k=$2 pids=$3 cpu_max=$4 mem_max=$5 swap_max=$6 with_irq=$7 io_extra=$8
  mkdir -p "$d"
  printf 'cpu io memory pids\n' >"$d/cgroup.controllers"
  : >"$d/cgroup.subtree_control"
  printf '%s\n' $pids >"$d/cgroup.procs"
  printf 'populated 1\nfrozen 0\n' >"$d/cgroup.events"
  printf 'domain\n' >"$d/cgroup.type"
  printf 'nr_descendants 0\nnr_dying_descendants 0\n' >"$d/cgroup.stat"
  printf '0\n' >"$d/cgroup.freeze"

  local user=$((k * 8123456)) sys=$((k * 1234567))
  cat >"$d/cpu.stat" <<EOF
usage_usec $((user + sys))
user_usec $user
system_usec $sys
nice_usec 0
nr_periods $((k * 4400))
nr_throttled $((k * 310))
throttled_usec $((k * 9876543))
nr_bursts 0
burst_usec 0
EOF
  printf '%s\n' "$cpu_max" >"$d/cpu.max"
  printf '0\n' >"$d/cpu.max.burst"
  printf '%d\n' $((k * 10 + 9)) >"$d/cpu.weight"
  printf '0\n' >"$d/cpu.weight.nice"
  printf '0\n' >"$d/cpu.idle"
  cat >"$d/cpu.pressure" <<EOF
some avg10=$k.25 avg60=$k.10 avg300=0.$((k + 10)) total=$((k * 7654321))
full avg10=$k.05 avg60=0.9$k avg300=0.0$k total=$((k * 6543210))
EOF
  cat >"$d/memory.pressure" <<EOF
some avg10=0.00 avg60=0.0$k avg300=0.00 total=$((k * 12345))
full avg10=0.00 avg60=0.00 avg300=0.00 total=$((k * 11111))
EOF
  cat >"$d/io.pressure" <<EOF
some avg10=0.0$k avg60=0.00 avg300=0.00 total=$((k * 54321))
full avg10=0.00 avg60=0.00 avg300=0.00 total=$((k * 43210))
EOF
  if [[ $with_irq == yes ]]; then
    printf 'full avg10=0.00 avg60=0.00 avg300=0.00 total=%d\n' $((k * 321)) >"$d/irq.pressure"
  fi

  local anon=$((k * 23068672)) file=$((k * 8388608)) kernel=$((k * 1048576))
  local shmem=$((k * 4096)) slab_r=$((k * 262144)) slab_u=$((k * 393216))
  local current=$((anon + file + kernel))
  printf '%d\n' $current >"$d/memory.current"
  printf '%d\n' $((current + k * 4194304)) >"$d/memory.peak"
  printf '0\n' >"$d/memory.min"
  printf '0\n' >"$d/memory.low"
  printf 'max\n' >"$d/memory.high"
  printf '%s\n' "$mem_max" >"$d/memory.max"
  printf '0\n' >"$d/memory.swap.current"
  printf '%s\n' "$swap_max" >"$d/memory.swap.max"
  printf 'max\n' >"$d/memory.swap.high"
  printf '0\n' >"$d/memory.swap.peak"
  printf '1\n' >"$d/memory.oom.group"
  cat >"$d/memory.stat" <<EOF
anon $anon
file $file
kernel $kernel
kernel_stack $((k * 196608))
pagetables $((k * 270336))
sec_pagetables 0
percpu $((k * 1440))
sock 0
vmalloc 0
shmem $shmem
zswap 0
zswapped 0
file_mapped $((k * 4329472))
file_dirty $((k * 8192))
file_writeback 0
swapcached 0
anon_thp 0
file_thp 0
shmem_thp 0
inactive_anon $((anon - k * 4096))
active_anon $((k * 4096 + shmem))
inactive_file $((file / 2))
active_file $((file / 2))
unevictable 0
slab_reclaimable $slab_r
slab_unreclaimable $slab_u
slab $((slab_r + slab_u))
workingset_refault_anon 0
workingset_refault_file $((k * 3))
workingset_activate_anon 0
workingset_activate_file $k
workingset_restore_anon 0
workingset_restore_file 0
workingset_nodereclaim 0
pgdemote_kswapd 0
pgdemote_direct 0
pgdemote_khugepaged 0
pgscan 0
pgsteal 0
pgscan_kswapd 0
pgscan_direct 0
pgscan_khugepaged 0
pgsteal_kswapd 0
pgsteal_direct 0
pgsteal_khugepaged 0
pgfault $((k * 98765))
pgmajfault $((k * 12))
pgrefill 0
pgactivate $((k * 44))
pgdeactivate 0
pglazyfree 0
pglazyfreed 0
zswpin 0
zswpout 0
zswpwb 0
thp_fault_alloc 0
thp_collapse_alloc 0
thp_swpout 0
thp_swpout_fallback 0
EOF
  cat >"$d/memory.events" <<EOF
low 0
high 0
max $((k * 2))
oom $((k - 1))
oom_kill $((k - 1))
oom_group_kill 0
EOF
  cat >"$d/memory.events.local" <<EOF
low 0
high 0
max $((k * 2))
oom $((k - 1))
oom_kill $((k - 1))
oom_group_kill 0
EOF
  local n=0
  for _ in $pids; do n=$((n + 1)); done
  printf '%d\n' $n >"$d/pids.current"
  printf '%d\n' $((n + k)) >"$d/pids.peak"
  printf 'max\n' >"$d/pids.max"
  printf 'max 0\n' >"$d/pids.events"
  {
    printf '8:0 rbytes=%d wbytes=%d rios=%d wios=%d dbytes=0 dios=0%s\n' \
      $((k * 1459200)) $((k * 314773504)) $((k * 192)) $((k * 353)) "$io_extra"
    printf '253:0 rbytes=%d wbytes=0 rios=%d wios=0 dbytes=0 dios=0\n' $((k * 4096)) $k
  } >"$d/io.stat"
  printf 'default 100\n' >"$d/io.weight"
  : >"$d/io.max"
}

build_tree() {
  rm -rf "${OUT:?}/$1"
  mkdir -p "$OUT/$1"
}

# Kubernetes, systemd cgroup driver (containerd), pure v2: a burstable pod with its pause sandbox.
build_tree v2-systemd
R=$OUT/v2-systemd
P=$R/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$POD_UID_US.slice
slice "$R"; slice "$R/kubepods.slice"; slice "$R/kubepods.slice/kubepods-burstable.slice"; slice "$P"
leaf "$P/cri-containerd-$CID.scope" 3 "4242 4250" "50000 100000" 536870912 0 yes " use_delay=0 delay=0"
leaf "$P/cri-containerd-$PAUSE.scope" 1 "4100" "max 100000" max 0 yes ""

# Kubernetes, cgroupfs driver, pure v2: /kubepods/burstable/pod<uid>/<id>, no .slice/.scope.
build_tree v2-cgroupfs
R=$OUT/v2-cgroupfs
slice "$R"; slice "$R/kubepods"; slice "$R/kubepods/burstable"; slice "$R/kubepods/burstable/pod$POD_UID"
leaf "$R/kubepods/burstable/pod$POD_UID/$CID" 5 "5151" "25000 100000" 268435456 0 no ""

# Rootful podman (systemd driver): machine.slice/libpod-<id>.scope, with its conmon scope beside it.
build_tree podman
R=$OUT/podman
slice "$R"; slice "$R/machine.slice"
leaf "$R/machine.slice/libpod-$CID.scope" 2 "7001 7002 7003" "max 100000" max max no ""
mkdir -p "$R/machine.slice/libpod-conmon-$CID.scope"
printf '6999\n' >"$R/machine.slice/libpod-conmon-$CID.scope/cgroup.procs"
printf 'populated 1\nfrozen 0\n' >"$R/machine.slice/libpod-conmon-$CID.scope/cgroup.events"

# kind node (Kubernetes in Docker): the kubelet's tree sits under kubelet.slice.
build_tree kind
R=$OUT/kind
K=$R/kubelet.slice/kubelet-kubepods.slice
P=$K/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod$POD_UID_US.slice
slice "$R"; slice "$R/kubelet.slice"; slice "$K"; slice "$K/kubelet-kubepods-besteffort.slice"
slice "$P"
leaf "$P/cri-containerd-$CID.scope" 7 "8080" "max 100000" max 0 yes ""
echo "wrote v2-systemd v2-cgroupfs podman kind under $OUT"

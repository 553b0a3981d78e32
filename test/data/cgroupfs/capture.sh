#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Captures REAL cgroup v1 (and unified cgroup2) files from this host into the fixture trees
# test/data/cgroupfs/{v1,hybrid,docker}/ used by collector_cgroupfs_test. For each tree it creates a
# container-shaped cgroup in every v1 hierarchy (+ the unified one for "hybrid"), sets limits, runs a
# small workload INSIDE it (CPU burn, 32 MiB of tmpfs, 16 MiB of direct I/O), copies every readable
# file of the leaf cgroup, and removes everything it made. Needs root and a v1 or hybrid host.
#
#   sudo test/data/cgroupfs/capture.sh            # rewrites v1/, hybrid/ and docker/
set -euo pipefail

CG=${CG:-/sys/fs/cgroup}
OUT=$(cd "$(dirname "$0")" && pwd)
V1=(cpu cpuacct memory blkio pids)
CONTAINER_ID=4f3c2b1a09e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2
POD_UID=6c1b2f9e-4d8a-4b7e-9f3c-2a1d5e8b7c40
POD_UID_US=${POD_UID//-/_}

[[ $(id -u) == 0 ]] || { echo "capture.sh: needs root" >&2; exit 1; }
for c in "${V1[@]}"; do
  [[ -d $CG/$c ]] || { echo "capture.sh: no v1 '$c' hierarchy at $CG/$c" >&2; exit 1; }
done

CREATED=()      # cgroup dirs to remove, deepest last
WORK_FILES=()   # temp files to remove
cleanup() {
  for f in "${WORK_FILES[@]}"; do rm -f "$f"; done
  for ((i = ${#CREATED[@]} - 1; i >= 0; i--)); do rmdir "${CREATED[i]}" 2>/dev/null || true; done
  CREATED=()
  WORK_FILES=()
}
trap cleanup EXIT

# mkdir -p that remembers what it created, so cleanup removes only our own cgroups.
make_cgroup() {
  local root=$1 rel=$2 path=$1
  local IFS=/
  for part in $rel; do
    path=$path/$part
    if [[ ! -d $path ]]; then
      mkdir "$path"
      CREATED+=("$path")
    fi
  done
}

# Copies every readable regular file of cgroup dir $1 into $2 (write-only files such as
# cgroup.event_control or memory.force_empty fail to read and are skipped).
copy_files() {
  local src=$1 dst=$2
  mkdir -p "$dst"
  for f in "$src"/*; do
    [[ -f $f ]] || continue
    cat "$f" >"$dst/$(basename "$f")" 2>/dev/null || rm -f "$dst/$(basename "$f")"
  done
}

# Whole disks ("MAJ:MIN"): blkio throttling, and so blkio.throttle.* accounting, needs one.
DISKS=$(lsblk -dno MAJ:MIN,TYPE | awk '$2 == "disk" { gsub(/ /, "", $1); print $1 }')

# capture TREE REL_PATH WITH_UNIFIED COMOUNT_CPU
capture() {
  local tree=$1 rel=$2 with_unified=$3 comount=$4
  local dirs=()
  for c in "${V1[@]}"; do
    make_cgroup "$CG/$c" "$rel"
    dirs+=("$CG/$c/$rel")
  done
  if [[ $with_unified == yes ]]; then
    make_cgroup "$CG/unified" "$rel"
    dirs+=("$CG/unified/$rel")
  fi
  echo 20000 >"$CG/cpu/$rel/cpu.cfs_quota_us"
  echo 100000 >"$CG/cpu/$rel/cpu.cfs_period_us"
  echo 512 >"$CG/cpu/$rel/cpu.shares"
  echo 268435456 >"$CG/memory/$rel/memory.limit_in_bytes"
  echo 134217728 >"$CG/memory/$rel/memory.soft_limit_in_bytes"
  echo 64 >"$CG/pids/$rel/pids.max"
  for d in $DISKS; do
    # 1 TiB/s never throttles, but makes the kernel account this cgroup's I/O on the disk.
    echo "$d 1099511627776" >"$CG/blkio/$rel/blkio.throttle.read_bps_device"
    echo "$d 1099511627776" >"$CG/blkio/$rel/blkio.throttle.write_bps_device"
  done

  local shm=/dev/shm/fgm-capture-$tree io=/var/tmp/fgm-capture-$tree ready=/tmp/fgm-capture-$tree.ready
  WORK_FILES+=("$shm" "$io" "$ready")
  rm -f "$ready"
  # The workload joins every hierarchy BEFORE doing anything, so all its memory is charged here
  # (a process moved in later keeps its old charge). It then burns CPU for 4 s under the quota.
  DIRS="${dirs[*]}" SHM=$shm IO=$io READY=$ready sh -c '
    for d in $DIRS; do echo $$ >"$d/cgroup.procs"; done
    exec sh -c "head -c 33554432 /dev/zero >$SHM
      dd if=/dev/zero of=$IO bs=1M count=16 oflag=direct 2>/dev/null
      dd if=$IO of=/dev/null bs=1M iflag=direct 2>/dev/null
      touch $READY
      exec timeout 4 sh -c \"while :; do :; done\""' &
  local workload=$!
  while [[ ! -e $ready ]]; do sleep 0.1; done
  sleep 2  # let CPU usage and throttling accumulate

  rm -rf "${OUT:?}/$tree"
  for c in "${V1[@]}"; do
    local dst_c=$c
    [[ $comount == yes && ($c == cpu || $c == cpuacct) ]] && dst_c="cpu,cpuacct"
    copy_files "$CG/$c/$rel" "$OUT/$tree/$dst_c/$rel"
    # Parents get an (empty) cgroup.procs so that discovery-style walks see real cgroup dirs.
    local p=$rel
    while [[ $p == */* ]]; do
      p=${p%/*}
      mkdir -p "$OUT/$tree/$dst_c/$p" && cp "$CG/$c/$p/cgroup.procs" "$OUT/$tree/$dst_c/$p/"
    done
  done
  if [[ $with_unified == yes ]]; then
    copy_files "$CG/unified/$rel" "$OUT/$tree/unified/$rel"
  fi
  wait "$workload" || true
  cleanup
  echo "captured $tree: $rel"
}

capture v1 "kubepods/burstable/pod$POD_UID/$CONTAINER_ID" no no
capture hybrid "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$POD_UID_US.slice/cri-containerd-$CONTAINER_ID.scope" yes no
capture docker "docker/$CONTAINER_ID" no yes
echo "kernel: $(uname -r)"

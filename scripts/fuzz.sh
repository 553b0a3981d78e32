#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every libFuzzer binary of a FGM_FUZZ build for SECONDS each and prints one summary line per
# fuzzer; exits non-zero if any fuzzer reports a finding (crash, sanitizer report, timeout, OOM) or
# is missing.
#   scripts/fuzz.sh BUILD_DIR SECONDS
# Corpora persist in BUILD_DIR/fuzz/corpus/<fuzzer>/ (seeded from the Parquet golden and broken
# files), findings go to BUILD_DIR/fuzz/artifacts/<fuzzer>/, logs to BUILD_DIR/fuzz/logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR SECONDS}
seconds=${2:?usage: scripts/fuzz.sh BUILD_DIR SECONDS}
work="$build/fuzz"

# Fuzzer binary -> seed directories (files copied in as the initial corpus).
declare -A seeds=(
  [parquet_reader_fuzz]="test/data/parquet/broken test/data/parquet/golden"
  [parquet_page_decoder_fuzz]=""  # synthesizes its pages; starts from an empty corpus
  [cgroupfs_parsers_fuzz]="test/data/cgroupfs"  # captured and hand-built kernel files
)

failed=0
for fuzzer in "${!seeds[@]}"; do
  bin=$(find "$build" -type f -name "$fuzzer" -perm -u+x 2>/dev/null | head -1)
  if [ -z "$bin" ]; then
    echo "$fuzzer: MISSING (build it: cmake --build $build --target fuzz_targets)"
    failed=1
    continue
  fi
  corpus="$work/corpus/$fuzzer" artifacts="$work/artifacts/$fuzzer" log="$work/logs/$fuzzer.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  # Generated seeds (page index, v2 pages, encodings DuckDB does not write), when built.
  seed_tool=$(find "$build" -type f -name parquet_fuzz_seeds -perm -u+x 2>/dev/null | head -1)
  if [ "$fuzzer" = parquet_reader_fuzz ] && [ -n "$seed_tool" ]; then
    "$seed_tool" "$corpus" >/dev/null || echo "$fuzzer: warning: $seed_tool failed"
  fi
  for dir in ${seeds[$fuzzer]}; do
    if [ "$fuzzer" = cgroupfs_parsers_fuzz ]; then
      # Kernel files have no extension; give each a unique name (many are called cpu.stat).
      find "$dir" -type f ! -name '*.md' ! -name '*.sh' | while read -r f; do
        cp -n "$f" "$corpus/$(echo "$f" | tr '/' '_')" 2>/dev/null
      done
      continue
    fi
    for f in "$dir"/*.parquet; do
      [ -e "$f" ] && cp -n "$f" "$corpus/" 2>/dev/null
    done
  done
  # -rss_limit_mb: the reader's own caps keep honest inputs far below it; -timeout: seconds per
  # input (the largest seed takes well under one second even under ASan); -max_len: above every
  # seed so mutations can grow them; -print_final_stats for the summary line.
  # All fuzzers run at once (the wall time of `make test` matters more than runs per fuzzer).
  ( "$bin" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
    echo $? >"$work/logs/$fuzzer.rc" ) &
done
wait
for fuzzer in "${!seeds[@]}"; do
  [ -f "$work/logs/$fuzzer.rc" ] || continue
  rc=$(cat "$work/logs/$fuzzer.rc")
  rm -f "$work/logs/$fuzzer.rc"
  corpus="$work/corpus/$fuzzer" artifacts="$work/artifacts/$fuzzer" log="$work/logs/$fuzzer.log"
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+')
  units=$(ls "$corpus" | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "$fuzzer: OK, ${runs:-?} runs in ${seconds}s, coverage ${cov:-?}, corpus $units files"
  else
    finding=$(grep -Eo 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer): [a-zA-Z-]+' "$log" | head -1)
    [ -z "$finding" ] && finding=$(grep -E 'runtime error|Check failed|CHECK' "$log" | head -1)
    echo "$fuzzer: FINDING (exit $rc) ${finding:-see log}; log $log; inputs in $artifacts/"
    failed=1
  fi
done
exit $failed

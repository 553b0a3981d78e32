#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every suite and ends with one line "N passed, N failed" over all of them.
#   scripts/run_tests.sh BUILD_DIR ASAN_DIR FUZZ_DIR
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build} asan=${2:-build-asan} fuzz=${3:-build-fuzz}
jobs=$(nproc)
passed=0 failed=0
log_dir=$(mktemp -d /tmp/fgm-test-logs.XXXXXX)

# Adds a ctest run's counts ("NN% tests passed, F tests failed out of T") to the totals.
tally_ctest() {
  local log=$1 line total fails
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "run_tests: no ctest summary in $log (did ctest crash?)"
    failed=$((failed + 1))
    return
  fi
  fails=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + total - fails))
  failed=$((failed + fails))
}

echo "== release build: all tests"
ctest --test-dir "$build" -j "$jobs" --output-on-failure 2>&1 | tee "$log_dir/release.log"
tally_ctest "$log_dir/release.log"

echo "== ASan+UBSan build: unit tests"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$asan" -j "$jobs" -L unit --output-on-failure 2>&1 | tee "$log_dir/asan.log"
tally_ctest "$log_dir/asan.log"

echo "== libFuzzer smoke run"
if bash scripts/fuzz.sh "$fuzz" "${FGM_FUZZ_SECONDS:-60}" >"$log_dir/fuzz.log" 2>&1; then
  passed=$((passed + 1)); tail -3 "$log_dir/fuzz.log"
else
  failed=$((failed + 1)); tail -40 "$log_dir/fuzz.log"
fi

echo
echo "logs: $log_dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

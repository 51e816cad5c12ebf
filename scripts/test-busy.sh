#!/usr/bin/env bash
# Runs the whole `npm test` several times in a row while two CPU-bound processes run beside it,
# as verification does on a 2-core machine. Usage: scripts/test-busy.sh [RUNS=3] [HOGS=2]
# Exits non-zero when any run failed; prints one summary line per run.
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
hogs="${2:-2}"
hog_pids=()
stop_hogs() { for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null; done; }
trap stop_hogs EXIT INT TERM
for _ in $(seq "$hogs"); do yes > /dev/null & hog_pids+=("$!"); done
echo "test-busy: $runs runs of npm test beside $hogs CPU hogs (pids ${hog_pids[*]})"

failed=0
for run in $(seq "$runs"); do
  log="$(mktemp -t showrunner-test-busy-XXXXXX.log)"
  started=$(date +%s)
  if npm test > "$log" 2>&1; then verdict=passed; else verdict=FAILED; failed=$((failed + 1)); fi
  seconds=$(( $(date +%s) - started ))
  summary="$(grep -E '^vitest: ' "$log" | tr '\n' ' ')"
  echo "test-busy: run $run/$runs $verdict in ${seconds}s — ${summary:-no vitest summary} (log: $log)"
  if [ "$verdict" = FAILED ]; then grep -E '(FAIL|✗|×|Error:)' "$log" | head -20; fi
done
echo "test-busy: $((runs - failed)) of $runs runs passed"
[ "$failed" -eq 0 ]

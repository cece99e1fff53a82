#!/usr/bin/env bash
# Load test of `santei serve` on loopback, bounded in time: typical-visit claims
# (examples/claim.json) at CONNECTIONS concurrent connections for DURATION, a reload through the
# admin endpoint in the middle, then the numbers: requests/s, latency percentiles, non-2xx
# answers and socket errors (both must be 0), RSS of the server before and after.
# Usage: server/tests/load/run.sh [DURATION (10s)] [CONNECTIONS (64)]. Needs wrk (apt-get install
# wrk) and a release build (cargo build --release -p santei-cli). Exit 1 on any failed request.
# WRK_THREADS (2) sets wrk's threads: on a 2-core machine wrk shares the cores with the server, and
# each thread of it is one more to schedule; SANTEI_SERVE_ARGS adds flags (`--workers 1`).
set -euo pipefail
cd "$(dirname "$0")/../../.."
DURATION=${1:-10s}
CONNECTIONS=${2:-64}
THREADS=${WRK_THREADS:-2}
BIN=${SANTEI_BIN:-target/release/santei}
TOKEN=load-test-$$
LOG=$(mktemp)
"$BIN" serve --port 0 --admin-token "$TOKEN" ${SANTEI_SERVE_ARGS:-} 2>"$LOG" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 100); do
  grep -q "serving on" "$LOG" && break
  sleep 0.1
done
URL=$(grep -o 'http://[0-9.:]*' "$LOG" | head -1)
curl -sf "$URL/readyz" >/dev/null
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$PID/status"; }
# CPU time of the server (user + system, clock ticks).
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
served() { curl -s "$URL/metrics" | awk '/^santei_claims_total/ {print $2}'; }
# Warm-up, then the measured run.
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s server/tests/load/claim.lua "$URL/v1/claims/calculate" >/dev/null
RSS_BEFORE=$(rss)
CPU_BEFORE=$(cpu)
CLAIMS_BEFORE=$(served)
OUT=$(mktemp)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s server/tests/load/claim.lua \
  "$URL/v1/claims/calculate" >"$OUT" &
WRK=$!
# The 改定 day: swap the engine while the load runs.
sleep 3
RELOAD=$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" "$URL/v1/admin/reload")
wait $WRK
RSS_AFTER=$(rss)
CPU_AFTER=$(cpu)
CLAIMS_AFTER=$(served)
cat "$OUT"
echo "reload during the load: $RELOAD"
echo "server RSS: before $RSS_BEFORE, after $RSS_AFTER"
# The server's own CPU per claim (HTTP included), whatever else shares the machine.
awk -v c="$((CPU_AFTER - CPU_BEFORE))" -v n="$((CLAIMS_AFTER - CLAIMS_BEFORE))" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { if (n > 0) printf "server CPU: %.1f µs per claim (%d claims), i.e. %.0f claims/s per core\n", c / hz * 1e6 / n, n, n / (c / hz) }'
curl -s "$URL/metrics" | grep -E '^santei_(requests_total|claims_total|reloads_total|engine_generation)' || true
FAILED=0
if grep -qE "Non-2xx|Socket errors" "$OUT"; then FAILED=1; fi
rm -f "$OUT"
if [ "$FAILED" = 1 ]; then
  echo "load test: requests failed" >&2
  exit 1
fi
echo "load test: no request failed"

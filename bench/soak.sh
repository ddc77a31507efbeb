#!/usr/bin/env bash
# soak.sh - h2scope under h2load at full rate for DURATION seconds with the
# capture on (the in-memory capture store is kept because --har is given),
# resident memory sampled every 5 s from /proc/PID/status.
#
# Usage:  bench/soak.sh [PATH/TO/h2scope]
#
# Environment knobs (all optional):
#   H2SCOPE_BIN=build/release/app/h2scope   the binary (the argument wins)
#   DURATION=60        seconds of load (h2load -D)
#   WARMUP=5           h2load --warm-up-time (s); RSS samples taken during it are marked
#   CLIENTS=50         h2load -c
#   STREAMS=10         h2load -m
#   THREADS=1          h2load -t
#   WORKERS=1          h2scope --workers
#   KEEP_TMP=1         keep the temp dir (docroot, server log, HAR)
#
# Prints the h2load summary, the RSS series and a verdict:
#   - no failed or errored requests;
#   - the capture stays within its budget: peak RSS <= idle RSS + BUDGET_MIB
#     (the capture store's default budget, 256) + SLACK_MIB (128);
#   - flat once warm: no sample in the second half of the run exceeds the
#     sample at half time by more than 10% + 16 MiB (the store fills up to
#     its budget early on, then evicts; after that RSS must not creep).
# Loopback only; the server started here is stopped here, by PID. Exit
# status 0 when all hold.
set -u -o pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
BIN="${1:-${H2SCOPE_BIN:-$REPO/build/release/app/h2scope}}"
DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-5}"
CLIENTS="${CLIENTS:-50}"
STREAMS="${STREAMS:-10}"
THREADS="${THREADS:-1}"
WORKERS="${WORKERS:-1}"
BUDGET_MIB="${BUDGET_MIB:-256}"
SLACK_MIB="${SLACK_MIB:-128}"

command -v h2load >/dev/null || { echo "soak: h2load not found (apt-get install nghttp2-client)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "soak: no h2scope binary at $BIN" >&2; exit 2; }

TMP="$(mktemp -d /tmp/h2scope-soak.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  [ "${KEEP_TMP:-0}" = 1 ] && echo "soak: kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$TMP/site/css"
printf '<!doctype html><title>soak</title><link rel=stylesheet href=/css/site.css><p>soak\n' >"$TMP/site/index.html"
head -c 65536 /dev/urandom | base64 >"$TMP/site/css/site.css"

"$BIN" --headless --log none --no-tls --port 0 --workers "$WORKERS" --har "$TMP/soak.har" "$TMP/site" \
  >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(head -n 1 "$TMP/server.out" 2>/dev/null)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
case "$URL" in
  http://127.0.0.1:*) ;;
  *) echo "soak: the server did not print its URL"; cat "$TMP/server.err"; exit 2 ;;
esac
URL="${URL%/}"
echo "soak: $BIN (pid $SERVER_PID) at $URL, ${DURATION}s, -c $CLIENTS -m $STREAMS -t $THREADS, capture on"

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null; }
IDLE_RSS="$(rss)"
SERIES=()
START=$(date +%s)
timeout --kill-after=10 $((DURATION + WARMUP + 60)) \
  h2load -D "$DURATION" --warm-up-time="$WARMUP" -c "$CLIENTS" -m "$STREAMS" -t "$THREADS" \
  "$URL/index.html" "$URL/css/site.css" >"$TMP/h2load.out" 2>&1 &
LOAD_PID=$!
while kill -0 "$LOAD_PID" 2>/dev/null; do
  SERIES+=("$(( $(date +%s) - START ))s:$(rss)")
  for _ in $(seq 1 50); do kill -0 "$LOAD_PID" 2>/dev/null || break; sleep 0.1; done
  [ $(( $(date +%s) - START )) -gt $((DURATION + WARMUP + 90)) ] && break
done
wait "$LOAD_PID"; LOAD_RC=$?
SERIES+=("end:$(rss)")

grep -E '^(finished in|requests:|status codes:|traffic:)' "$TMP/h2load.out"
echo "rss KiB every 5 s: ${SERIES[*]}"

FAILED=$(awk '/^requests:/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^failed/) print $i}' "$TMP/h2load.out")
ERRORED=$(awk '/^requests:/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^errored/) print $i}' "$TMP/h2load.out")
# Peak over the run; the sample at half time against the peak after it.
HALF=$(( (DURATION + WARMUP) / 2 ))
MID=""; LATE_PEAK=0; PEAK=0
for s in "${SERIES[@]}"; do
  t="${s%%:*}"; v="${s##*:}"
  [ -z "$v" ] && continue
  [ "$v" -gt "$PEAK" ] && PEAK="$v"
  if [ "$t" != end ] && [ "${t%s}" -lt "$HALF" ]; then continue; fi
  [ -z "$MID" ] && MID="$v"
  [ "$v" -gt "$LATE_PEAK" ] && LATE_PEAK="$v"
done

# Stop the server (it writes the HAR from its capture store on the way out).
kill -TERM "$SERVER_PID"
for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then echo "soak: server did not stop in 30 s"; kill -KILL "$SERVER_PID"; fi
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
HAR_BYTES=$(stat -c %s "$TMP/soak.har" 2>/dev/null || echo 0)
echo "har: $HAR_BYTES bytes; server stderr: $(tr '\n' ' ' <"$TMP/server.err" | cut -c1-300)"

ok=0
[ "$LOAD_RC" = 0 ] || { echo "verdict: h2load exited with $LOAD_RC"; ok=1; }
[ "${FAILED:-x}" = 0 ] && [ "${ERRORED:-x}" = 0 ] || { echo "verdict: failed=${FAILED:-?} errored=${ERRORED:-?}"; ok=1; }
BUDGET_LIMIT=$(( ${IDLE_RSS:-0} + (BUDGET_MIB + SLACK_MIB) * 1024 ))
echo "rss: idle ${IDLE_RSS:-?} KiB, peak ${PEAK} KiB (capture budget limit ${BUDGET_LIMIT} KiB)"
[ "$PEAK" -le "$BUDGET_LIMIT" ] || { echo "verdict: resident memory beyond the capture budget"; ok=1; }
if [ -n "$MID" ]; then
  FLAT_LIMIT=$(( MID + MID / 10 + 16384 ))
  echo "rss second half: ${MID} KiB at ${HALF}s, peak ${LATE_PEAK} KiB (limit ${FLAT_LIMIT} KiB)"
  [ "$LATE_PEAK" -le "$FLAT_LIMIT" ] || { echo "verdict: resident memory still growing in the second half"; ok=1; }
fi
[ "$ok" = 0 ] && echo "verdict: OK"
exit $ok

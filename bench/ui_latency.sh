#!/bin/sh
# The inspector window under full load: ui_latency serves a folder with the
# window open and measures its event loop while h2load runs flat out against
# it for a bounded time. Prints the latency p50/p99 and the frames/s absorbed.
#
#   bench/ui_latency.sh [path/to/h2scope_ui_latency]
#   SECONDS_LOAD=10 CLIENTS=4 STREAMS=32 bench/ui_latency.sh
#   EXTRA=--no-window bench/ui_latency.sh     # the baseline without the window
# Needs h2load (nghttp2-client). Uses QT_QPA_PLATFORM=offscreen unless DISPLAY is set.
set -eu
BIN=${1:-build/bench/h2scope_ui_latency}
SECONDS_LOAD=${SECONDS_LOAD:-10}
CLIENTS=${CLIENTS:-4}
STREAMS=${STREAMS:-32}
PATH_LOADED=${PATH_LOADED:-/small.txt}
command -v h2load >/dev/null || { echo "ui_latency.sh: h2load not found (apt-get install nghttp2-client)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "ui_latency.sh: $BIN not built (cmake -DH2SCOPE_BUILD_BENCH=ON, target h2scope_ui_latency)" >&2; exit 2; }
[ -n "${DISPLAY:-}" ] || export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
# The window runs 3 s longer than the load, so the tail of the load is drained too.
"$BIN" --seconds $((SECONDS_LOAD + 4)) ${EXTRA:-} >"$OUT" 2>/dev/null &
PID=$!
i=0
while [ ! -s "$OUT" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
URL=$(head -n 1 "$OUT")
[ -n "$URL" ] || { echo "ui_latency.sh: the server did not start" >&2; kill "$PID" 2>/dev/null; exit 1; }
sleep 1
echo "h2load -D $SECONDS_LOAD -c $CLIENTS -m $STREAMS ${URL%/}$PATH_LOADED"
timeout $((SECONDS_LOAD + 10)) h2load -D "$SECONDS_LOAD" -c "$CLIENTS" -m "$STREAMS" "${URL%/}$PATH_LOADED" | grep -E "^(finished|requests:|status codes:)" || true
wait "$PID"
tail -n +2 "$OUT"

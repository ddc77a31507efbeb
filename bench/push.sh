#!/usr/bin/env bash
# push.sh - the demo page set loaded with push on, push off and early hints
# only (plus HTTP/1.1), side by side, through h2scope's own protocol lab: a
# real TLS client over loopback with an emulated link, N cold loads per mode,
# modes alternating, median and spread reported.
#
# h2load cannot take part here: it always sends SETTINGS_ENABLE_PUSH=0.
#
# Usage:  bench/push.sh [PATH/TO/h2scope]
#   RUNS=5                 loads per mode and preset
#   PRESETS="loopback cable 4g slow-3g"
#   FOLDER=resources/demo  the folder to load ("/" is the page)
#   RESULTS=bench/results  JSON and text go to $RESULTS/push-$TAG
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
BIN="${1:-${H2SCOPE_BIN:-$REPO/build/release/app/h2scope}}"
RUNS="${RUNS:-5}"
PRESETS="${PRESETS:-loopback cable 4g slow-3g}"
FOLDER="${FOLDER:-$REPO/resources/demo}"
TAG="${TAG:-$(date +%Y%m%d-%H%M%S)}"
OUT="${RESULTS:-$HERE/results}/push-$TAG"
[ -x "$BIN" ] || { echo "push.sh: no h2scope binary at $BIN (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
mkdir -p "$OUT"
for preset in $PRESETS; do
  echo "== $preset" | tee -a "$OUT/table.txt"
  # Every load is bounded by the lab itself; the whole preset by timeout.
  timeout 600 "$BIN" lab --network "$preset" --runs "$RUNS" --json "$OUT/$preset.json" "$FOLDER" \
    2>/dev/null | tee -a "$OUT/table.txt"
done
echo "raw: $OUT"

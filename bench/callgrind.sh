#!/usr/bin/env bash
# bench/callgrind.sh - instructions per request (callgrind), the figure that is
# the same on every machine of a kind, for h2scope with the capture off, on and
# kept as the window keeps it. Cleartext HTTP/2 (TLS costs every variant the
# same), one worker, 1 KiB requests from h2load (-c16 -m32).
#
# For each variant: start h2scope under callgrind, warm up with WARM requests,
# zero the counters (callgrind_control --zero), send N requests, dump, stop.
# The dump is the serving of those N requests alone, every thread included
# (the I/O thread and the thread that takes the capture in); the HAR that
# --har writes at exit is not in it.
#
#   N=20000 WARM=2000 VARIANTS="nocap store" bench/callgrind.sh
#   SIZE=150000 N=2000   requests of a file of SIZE bytes instead of 1 KiB
#   RPS=250              h2load --rps per connection: requests spread out as in
#                        compare.sh's steady workload (a few a socket read)
#                        instead of as fast as the server goes
#   BIN=build/release/app/h2scope (default); KEEP=/tmp/cg keeps each dump as /tmp/cg.VARIANT
#   TLS=1                over TLS (one ECDSA P-256 certificate for 127.0.0.1,
#                        as compare.sh), so that the variant h2o can be counted
#                        beside h2scope: VARIANTS="h2o nocap" TLS=1 RPS=250.
#                        h2o runs with one thread on PORT (18640).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-build/release/app/h2scope}"
N="${N:-20000}"
WARM="${WARM:-2000}"
VARIANTS="${VARIANTS:-nocap store}"
SIZE="${SIZE:-1024}"
PACE=()
[ -z "${RPS:-}" ] || PACE=(--rps "$RPS")
TLS="${TLS:-0}"
PORT="${PORT:-18640}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP" # h2o drops to nobody and must read the folder
mkdir -p "$TMP/site"
head -c "$SIZE" /dev/zero | tr '\0' a > "$TMP/site/small.txt"
TRANSPORT=(--no-tls)
if [ "$TLS" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 30 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" > /dev/null 2>&1
  chmod 644 "$TMP/key.pem" "$TMP/cert.pem"
  TRANSPORT=(--cert "$TMP/cert.pem" --key "$TMP/key.pem")
fi

# h2o runs as nobody when this runs as root (it will not run as root without
# dropping to a user, and a process that drops it after valgrind started can
# no longer be reached by callgrind_control), and writes its dump to a folder
# nobody may write to.
H2O_AS=()
[ "$(id -u)" != 0 ] || H2O_AS=(runuser -u nobody --)
mkdir -p "$TMP/h2o"
chmod 1777 "$TMP/h2o"

# h2o's configuration: one thread, the same folder and certificate.
h2o_conf() {
  cat > "$TMP/h2o.conf" <<EOF
error-log: $TMP/h2o/error.log
num-threads: 1
listen:
  host: 127.0.0.1
  port: $PORT
$([ "$TLS" = 1 ] && printf '  ssl:\n    certificate-file: %s\n    key-file: %s\n    ocsp-update-interval: 0\n' "$TMP/cert.pem" "$TMP/key.pem")
hosts:
  "127.0.0.1:$PORT":
    paths:
      "/":
        file.dir: $TMP/site
EOF
}

run() {
  local variant=$1; shift
  local out="$TMP/$variant.cg"
  local url=""
  local as=()
  if [ "$variant" = h2o ]; then
    h2o_conf
    out="$TMP/h2o/h2o.cg"
    as=("${H2O_AS[@]}")
    "${as[@]}" valgrind --tool=callgrind --callgrind-out-file="$out.%p" h2o -c "$TMP/h2o.conf" \
      > "$TMP/$variant.stdout" 2> "$TMP/$variant.stderr" &
  else
    valgrind --tool=callgrind --callgrind-out-file="$out.%p" "$BIN" --headless "${TRANSPORT[@]}" --log none \
      --workers 1 --port 0 "$@" "$TMP/site" > "$TMP/$variant.stdout" 2> "$TMP/$variant.stderr" &
  fi
  local pid=$! bg=$!
  for _ in $(seq 1 600); do
    if [ "$variant" = h2o ]; then
      ss -Hltn "sport = :$PORT" | grep -q . && url="$([ "$TLS" = 1 ] && echo https || echo http)://127.0.0.1:$PORT/"
    else
      url=$(head -n 1 "$TMP/$variant.stdout" 2>/dev/null || true)
    fi
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "callgrind.sh: $variant did not start" >&2; cat "$TMP/$variant.stderr" >&2; kill "$pid"; return 1; }
  h2load -n "$WARM" -c 16 -m 32 "${url}small.txt" > /dev/null
  [ "$variant" != h2o ] || pid=$(pgrep -f -- "valgrind.bin .*--callgrind-out-file=$out" | head -n 1) # under runuser
  "${as[@]}" callgrind_control --zero "$pid" > /dev/null
  h2load -n "$N" -c 16 -m 32 "${PACE[@]}" "${url}small.txt" > "$TMP/$variant.h2load"
  "${as[@]}" callgrind_control --dump="measured" "$pid" > /dev/null
  kill -INT "$pid"; [ "$variant" != h2o ] || kill -TERM "$pid" # h2o ends on TERM
  wait "$bg" || true
  local dump
  dump=$(grep -l "measured" "$out".* | head -n 1)
  [ -z "${KEEP:-}" ] || cp "$dump" "$KEEP.$variant"
  local ir
  ir=$(awk '/^summary:/ { print $2 }' "$dump")
  local kept
  kept=$(grep -o "capture kept: .*" "$TMP/$variant.stderr" || echo "no store")
  printf '%-8s %10.0f instructions/request   %s\n' "$variant" "$(echo "$ir / $N" | bc -l)" "$kept"
  echo "$ir" > "$TMP/$variant.ir"
}

for v in $VARIANTS; do
  case "$v" in
    nocap) run nocap --no-capture ;;
    store) run store --har "$TMP/store.har" ;;
    jsonl) run jsonl --capture "$TMP/capture.jsonl" ;;
    h2o) run h2o ;;
    *) echo "callgrind.sh: unknown variant $v" >&2; exit 2 ;;
  esac
done
if [ -f "$TMP/nocap.ir" ] && [ -f "$TMP/store.ir" ]; then
  printf 'store / nocap: %.3f\n' "$(echo "$(cat "$TMP/store.ir") / $(cat "$TMP/nocap.ir")" | bc -l)"
fi
if [ -f "$TMP/nocap.ir" ] && [ -f "$TMP/h2o.ir" ]; then
  printf 'nocap / h2o: %.3f\n' "$(echo "$(cat "$TMP/nocap.ir") / $(cat "$TMP/h2o.ir")" | bc -l)"
fi

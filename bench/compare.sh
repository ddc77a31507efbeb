#!/usr/bin/env bash
# compare.sh - h2scope side by side with nghttpd and h2o: same folder, same
# certificate, same h2load workloads, one server at a time, servers alternated
# over ROUNDS rounds; medians and ratios at the end.
#
# Usage:  bench/compare.sh [PATH/TO/h2scope]
#
# Environment knobs (all optional):
#   H2SCOPE_BIN=build/release/app/h2scope   the binary (the argument wins)
#   ROUNDS=3            rounds; every round runs every server on every workload
#   QUICK=1             divide every -n (and the churn -c) by 10 (a smoke run)
#   DIV=N               divide every -n (and the churn -c) by N (QUICK=1 means DIV=10)
#   SERVERS="nghttpd h2o h2scope h2scope-nocap h2scope-store"
#                       h2scope = headless with --log none and no capture
#                       file: nothing reads the capture, so none is taken
#                       (the same work as h2scope-nocap),
#                       h2scope-nocap = the same with --no-capture,
#                       h2scope-store = capture on and kept in the in-memory
#                       capture store, as the window keeps it (--har, written
#                       at exit, after the CPU is read)
#   WORKLOADS="small steady big page churn"
#   STEADY_RPS=4000     the steady workload's requests/s per connection (16 of them)
#   H2SCOPE_WORKERS=1   --workers for h2scope (nghttpd and h2o also get one)
#   SERVER_CPU=0 CLIENT_CPU=1   the server is pinned to one core, h2load to another
#   TOGETHER="h2scope-nocap h2scope-store"
#                       servers (of SERVERS) that run at the same time within a
#                       round, each on a port of its own with an h2load of its
#                       own (servers all on SERVER_CPU, clients all on
#                       CLIENT_CPU): this machine's speed drifts by up to 1.8x
#                       within seconds, and servers measured in the same
#                       seconds see the same machine, so the ratio between them
#                       compares their work, not their moments. Empty (the
#                       default): every server runs alone.
#   PORT=18543          loopback port (every server in turn; TOGETHER's take
#                       PORT, PORT+1, ...)
#   H2LOAD_TIMEOUT=120  hard cap per h2load run (s)
#   RESULTS=bench/results   the run goes to $RESULTS/compare-$TAG
#   TAG=<timestamp>
#   KEEP_TMP=1          keep the temp dir (docroot, certificate, server logs)
#
# Loopback only. Every server started here is stopped here, by PID.
set -u -o pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
H2SCOPE_BIN="${1:-${H2SCOPE_BIN:-$REPO/build/release/app/h2scope}}"
ROUNDS="${ROUNDS:-3}"
if [ "${QUICK:-0}" = 1 ]; then DIV="${DIV:-10}"; else DIV="${DIV:-1}"; fi
SERVERS="${SERVERS:-nghttpd h2o h2scope h2scope-nocap h2scope-store}"
WORKLOADS="${WORKLOADS:-small steady big page churn}"
STEADY_RPS="${STEADY_RPS:-4000}"
H2SCOPE_WORKERS="${H2SCOPE_WORKERS:-1}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
PORT="${PORT:-18543}"
H2LOAD_TIMEOUT="${H2LOAD_TIMEOUT:-120}"
RESULTS="${RESULTS:-$HERE/results}"
TAG="${TAG:-$(date +%Y%m%d-%H%M%S)}"
HZ=$(getconf CLK_TCK)

OUT="$RESULTS/compare-$TAG"
TSV="$OUT/runs.tsv"
TMP=""
declare -A SRV_PIDS=() SRV_PORTS=()
LOAD_PIDS=()   # the h2load runs under way (their measure jobs)
TOGETHER="${TOGETHER:-}"

log() { printf '[compare] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for tool in h2load nghttpd h2o openssl taskset timeout ss; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (run .ci/deps)"
done
[ -x "$H2SCOPE_BIN" ] || die "no h2scope binary at $H2SCOPE_BIN (build: cmake --preset release && cmake --build --preset release)"
case $ROUNDS in ''|*[!0-9]*|0) die "ROUNDS must be a positive integer" ;; esac
case $DIV in ''|*[!0-9]*|0) die "DIV must be a positive integer" ;; esac
case $STEADY_RPS in ''|*[!0-9]*|0) die "STEADY_RPS must be a positive integer" ;; esac
[ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 cores; server and h2load will share one"
seen=" "
for srv in $TOGETHER; do
  case " $SERVERS " in *" $srv "*) ;; *) die "TOGETHER names $srv, which SERVERS does not" ;; esac
  case $seen in *" $srv "*) die "TOGETHER names $srv twice" ;; esac
  seen="$seen$srv "
done
for p in $(seq "$PORT" $((PORT + $(wc -w <<<"$TOGETHER")))); do
  if ss -Hltn "sport = :$p" | grep -q .; then
    die "port $p is already in use; pick another with PORT=..."
  fi
done

TMP="$(mktemp -d /tmp/h2scope-compare.XXXXXX)"
chmod 755 "$TMP"              # h2o drops to nobody and must read the docroot
ROOT="$TMP/root"; CERT="$TMP/cert.pem"; KEY="$TMP/key.pem"
mkdir -p "$OUT"

cleanup() {
  local n p
  # Load first (each measure job's h2load runs in a process group of its own
  # under timeout), then the servers.
  for p in "${LOAD_PIDS[@]}"; do
    for n in $(descendants "$p") "$p"; do kill -TERM "$n" 2>/dev/null; done
  done
  for n in "${!SRV_PIDS[@]}"; do stop_server "$n"; done
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PIN_SRV=(taskset -c "$SERVER_CPU")
PIN_CLI=(taskset -c "$CLIENT_CPU")

# ---------------------------------------------------------------- fixtures
# The same folder as bench/anchors.sh: a ~10 KB index.html with a ~150 KB
# stylesheet and a ~90 KB script, a 1 KiB file and a 1 MiB file.
make_fixtures() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$KEY" -out "$CERT" -days 30 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 \
    || die "certificate generation failed"
  chmod 644 "$KEY" "$CERT"
  mkdir -p "$ROOT"
  {
    printf '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
    printf '<title>compare bench</title>\n<link rel="stylesheet" href="/style.css">\n'
    printf '<script src="/app.js" defer></script>\n</head><body>\n<h1>bench</h1>\n'
    seq 1 103 | awk '{printf "<p id=\"p%03d\">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>\n",$1}'
    printf '</body></html>\n'
  } > "$ROOT/index.html"
  seq 1 2163 | awk '{printf ".c%05d{color:#369;margin:0 4px;padding:2px 8px;border:1px solid #ccc}\n",$1}' > "$ROOT/style.css"
  seq 1 2003 | awk '{printf "function f%05d(x){ return (x * 3 + 1) | 0; }\n",$1}' > "$ROOT/app.js"
  head -c 1023 /dev/zero | tr '\0' 'a' > "$ROOT/small.txt"; echo >> "$ROOT/small.txt"
  head -c 1048576 /dev/urandom > "$ROOT/big.bin"
  chmod -R a+rX "$ROOT"
  local p
  for p in $(seq "$PORT" $((PORT + $(wc -w <<<"$TOGETHER")))); do
    printf 'https://127.0.0.1:%s/index.html\nhttps://127.0.0.1:%s/style.css\nhttps://127.0.0.1:%s/app.js\n' \
      "$p" "$p" "$p" > "$TMP/urls-$p.txt"
  done
}

# ------------------------------------------------------------- the servers
# start_<name>: starts the server on $PORT, pinned to SERVER_CPU, in the
# background and sets SRV_PID to the server's own PID (taskset execs into it).

start_nghttpd() {
  "${PIN_SRV[@]}" nghttpd -n 1 -a 127.0.0.1 -d "$ROOT" "$PORT" "$KEY" "$CERT" >"$TMP/nghttpd.log" 2>&1 &
  SRV_PID=$!
}

start_h2o() {
  local d="$TMP/h2o"; mkdir -p "$d"
  # user: required when started as root; ocsp-update-interval 0: no OCSP fetches.
  cat > "$d/h2o.conf" <<EOF
user: nobody
error-log: $d/error.log
num-threads: 1
max-connections: 10000
listen:
  host: 127.0.0.1
  port: $PORT
  ssl:
    certificate-file: $CERT
    key-file: $KEY
    ocsp-update-interval: 0
hosts:
  "127.0.0.1:$PORT":
    paths:
      "/":
        file.dir: $ROOT
EOF
  "${PIN_SRV[@]}" h2o -c "$d/h2o.conf" >"$TMP/h2o.log" 2>&1 &
  SRV_PID=$!
}

start_h2scope_common() {
  local name=$1; shift
  "${PIN_SRV[@]}" "$H2SCOPE_BIN" --headless --log none --port "$PORT" --cert "$CERT" --key "$KEY" \
    --workers "$H2SCOPE_WORKERS" "$@" "$ROOT" >"$TMP/$name.log" 2>&1 &
  SRV_PID=$!
}
start_h2scope() { start_h2scope_common h2scope; }
start_h2scope_nocap() { start_h2scope_common h2scope-nocap --no-capture; }
start_h2scope_store() { start_h2scope_common h2scope-store --har "$TMP/h2scope-store.har"; }

# start_server NAME PORT
start_server() {
  local SRV_PID="" PORT=$2
  case $1 in
    nghttpd) start_nghttpd ;;
    h2o) start_h2o ;;
    h2scope) start_h2scope ;;
    h2scope-nocap) start_h2scope_nocap ;;
    h2scope-store) start_h2scope_store ;;
    *) die "unknown server $1" ;;
  esac
  SRV_PIDS[$1]=$SRV_PID
  SRV_PORTS[$1]=$PORT
}

descendants() {
  local kids k
  kids=$(ps -o pid= --ppid "$1" 2>/dev/null)
  for k in $kids; do echo "$k"; descendants "$k"; done
}

# The server's CPU time in ns: what the scheduler ran each of its threads
# (/proc/PID/task/TID/schedstat, to the ns), or utime+stime in clock ticks
# (10 ms: a 1 KiB run of 100,000 requests is only 30-50 of them) where the
# kernel has no schedstat. A thread that ends within a run takes its time
# with it; the servers here keep theirs for the whole run.
# cpu_ns PID
cpu_ns() {
  local total=0 p t v
  for p in "$1" $(descendants "$1"); do
    if [ -r "/proc/$p/schedstat" ]; then
      for t in /proc/"$p"/task/*/schedstat; do
        { read -r v _ < "$t"; } 2>/dev/null || continue
        total=$((total + v))
      done
    else
      # Fields after the ")" of the command name: utime is the 12th, stime the 13th.
      v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')
      total=$((total + ${v:-0} * 1000000000 / HZ))
    fi
  done
  echo "$total"
}

# wait_ready NAME
wait_ready() {
  for _ in $(seq 1 100); do
    kill -0 "${SRV_PIDS[$1]}" 2>/dev/null || return 1
    if timeout 5 h2load -n 1 -c 1 "https://127.0.0.1:${SRV_PORTS[$1]}/small.txt" 2>/dev/null | grep -q '1 succeeded'; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# stop_server NAME
stop_server() {
  local name=$1 pid=${SRV_PIDS[$1]} port=${SRV_PORTS[$1]} pids p rc
  pids="$(descendants "$pid")"
  kill -TERM "$pid" 2>/dev/null
  # h2scope-store writes its HAR on the way out: give it a minute.
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop within 60 s of SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null; rc=$?
  case $name in
    h2scope*) [ "$rc" = 0 ] || log "$name exited with status $rc after SIGTERM (expected 0)" ;;
  esac
  for p in $pids; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
  rm -f "$TMP/h2scope-store.har"
  unset "SRV_PIDS[$name]" "SRV_PORTS[$name]"
  for _ in $(seq 1 50); do ss -Hltn "sport = :$port" | grep -q . || break; sleep 0.1; done
}

# Minor page faults of the server's processes so far: fresh memory the
# kernel had to map and zero, which no instruction count shows (a kept
# capture is fresh memory, a page for every 4 KiB it holds).
# minor_faults PID
minor_faults() {
  local total=0 p v
  for p in "$1" $(descendants "$1"); do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $8}')
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# --------------------------------------------------------------- workloads
# wl_args WL PORT
wl_args() {
  local u="https://127.0.0.1:$2"
  case $1 in
    small) echo "-n $((100000 / DIV)) -c 16 -m 32 $u/small.txt" ;;
    # The same requests at a rate every server keeps up with: each does the
    # same work in the same time, so CPU per request compares the work itself.
    # (At full speed the slower server also pays, on each write, for waking a
    # client that sat idle waiting for it.)
    steady) echo "-n $((100000 / DIV)) -c 16 -m 32 --rps $STEADY_RPS $u/small.txt" ;;
    big)   echo "-n $((2000 / DIV)) -c 8 -m 4 $u/big.bin" ;;
    page)  echo "-i $TMP/urls-$2.txt -n $((30000 / DIV)) -c 16 -m 16" ;;
    # One TLS handshake per request: -c == -n, 50 new connections every 10 ms.
    churn) echo "-n $((5000 / DIV)) -c $((5000 / DIV)) -m 1 -r 50 --rate-period 10ms $u/small.txt" ;;
    *) return 1 ;;
  esac
}

wl_desc() {
  case $1 in
    small) echo "1 KiB, -c16 -m32" ;; big) echo "1 MiB, -c8 -m4" ;;
    steady) echo "1 KiB, $((16 * STEADY_RPS)) req/s" ;;
    page) echo "page set, -c16 -m16" ;; churn) echo "1 conn/request" ;;
  esac
}

# measure SERVER WL FILE: one h2load run against SERVER (started) and the
# server's CPU time and minor faults before and after it, into FILE.cost.
measure() {
  local srv=$1 wl=$2 f=$3 pid=${SRV_PIDS[$1]} args m0 c0
  args=$(wl_args "$wl" "${SRV_PORTS[$srv]}")
  echo "h2load $args" > "$f"
  m0=$(minor_faults "$pid")
  c0=$(cpu_ns "$pid")
  # shellcheck disable=SC2086
  timeout "$H2LOAD_TIMEOUT" "${PIN_CLI[@]}" h2load $args >> "$f" 2>&1
  echo "$c0 $(cpu_ns "$pid") $m0 $(minor_faults "$pid")" > "$f.cost"
}

# run_wl ROUND WL SERVER... -> one line per server in runs.tsv. Several
# servers are loaded at the same time, each by its own h2load.
run_wl() {
  local round=$1 wl=$2 srv f line rps total ok fail c0 c1 cpu_us us_mib m0 m1 fpk
  shift 2
  LOAD_PIDS=()
  for srv in "$@"; do
    rm -f "$OUT/raw/r$round.$srv.$wl.txt.cost"
    measure "$srv" "$wl" "$OUT/raw/r$round.$srv.$wl.txt" &
    LOAD_PIDS+=($!)
  done
  wait "${LOAD_PIDS[@]}"
  LOAD_PIDS=()
  for srv in "$@"; do
    f="$OUT/raw/r$round.$srv.$wl.txt"
    c0="" c1="" m0="" m1=""
    read -r c0 c1 m0 m1 < "$f.cost" 2>/dev/null
    rm -f "$f.cost"
    line=$(grep -m1 '^finished in' "$f")
    rps=$(sed -nE 's/.*, ([0-9.]+) req\/s.*/\1/p' <<<"$line")
    read -r total ok fail < <(awk -F'[ ,]+' '/^requests:/{print $2, $8, $10}' "$f")
    ok=${ok:-0}
    if [ -n "$m1" ]; then
      cpu_us=$(awk -v d=$((c1 - c0)) -v n="$ok" 'BEGIN{ if (n > 0) printf "%.3f", d / 1e3 / n; else print "NA" }')
      fpk=$(awk -v d=$((m1 - m0)) -v n="$ok" 'BEGIN{ if (n > 0) printf "%.1f", d * 1000 / n; else print "NA" }')
    else
      log "round $round $srv $wl: the run left no CPU figures (see $f)"
      cpu_us=NA fpk=NA
    fi
    us_mib=NA
    [ "$wl" = big ] && us_mib=$cpu_us   # every request is exactly 1 MiB
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$srv" "$wl" "${rps:-NA}" "${total:-NA}" "$ok" \
      "${fail:-NA}" "$cpu_us" "$us_mib" "$fpk" >> "$TSV"
    log "round $round $srv $wl: ${rps:-NA} req/s, ok $ok/${total:-?}, failed ${fail:-?}, server $cpu_us us CPU/request"
  done
}

# run_group ROUND WL SERVER...: starts the servers (each on its own port),
# runs the workload on all of them at once, stops them.
run_group() {
  local round=$1 wl=$2 srv port=$PORT ready=() kept bps
  shift 2
  log "=== round $round/$ROUNDS, $wl: $*"
  for srv in "$@"; do
    start_server "$srv" "$port"
    port=$((port + 1))
  done
  for srv in "$@"; do
    if wait_ready "$srv"; then
      ready+=("$srv")
    else
      log "$srv did not become ready; its log follows"
      cat "$TMP/$srv.log" >&2 2>/dev/null
    fi
  done
  [ ${#ready[@]} -gt 0 ] && run_wl "$round" "$wl" "${ready[@]}"
  for srv in "$@"; do
    case " ${ready[*]} " in
      *" $srv "*) kill -0 "${SRV_PIDS[$srv]}" 2>/dev/null || { log "$srv died; its log follows"; cat "$TMP/$srv.log" >&2; } ;;
    esac
    stop_server "$srv"
    # The store's own accounting, which h2scope prints at exit: what the
    # kept capture holds per stream (every frame of the run, nothing dropped).
    if [ "$srv" = h2scope-store ]; then
      kept=$(grep -o 'capture kept: .*' "$TMP/$srv.log" 2>/dev/null | tail -n 1)
      bps=$(sed -n 's/.*(\([0-9.]*\) bytes per stream).*/\1/p' <<<"$kept")
      printf '%s\t%s\t%s\t%s\n' "$round" "$wl" "${bps:-NA}" "${kept:-none}" >> "$OUT/store.tsv"
    fi
  done
}

# -------------------------------------------------------------------- main
make_fixtures
mkdir -p "$OUT/raw"
{
  echo "# tag=$TAG rounds=$ROUNDS div=$DIV server pinned to cpu $SERVER_CPU, h2load to cpu $CLIENT_CPU"
  [ -z "$TOGETHER" ] || echo "# run at the same time within each round: $TOGETHER"
  echo "# $("$H2SCOPE_BIN" --version 2>&1 | head -1) ($H2SCOPE_BIN, --workers $H2SCOPE_WORKERS)"
  echo "# $(h2load --version 2>&1 | head -1); $(nghttpd --version 2>&1 | head -1); $(h2o --version 2>&1 | head -1); $(openssl version)"
  echo "# kernel $(uname -r); $(nproc) cpus; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
} > "$OUT/env.txt"
printf 'round\tserver\twl\treq_s\ttotal\tok\tfailed\tsrv_cpu_us_per_req\tsrv_cpu_us_per_mib\tminor_faults_per_1000_req\n' > "$TSV"

# Servers alternate run by run: every workload runs on each server in turn,
# each on a freshly started server. This machine's speed drifts in phases of
# tens of seconds; a server's whole round of workloads in one phase would
# skew its medians, a few seconds per run spreads the phases over all.
# TOGETHER's servers take their turn as one, at the first one's place.
for round in $(seq 1 "$ROUNDS"); do
  for wl in $WORKLOADS; do
    grouped=0
    for srv in $SERVERS; do
      case " $TOGETHER " in
        *" $srv "*)
          [ "$grouped" = 1 ] && continue
          grouped=1
          # shellcheck disable=SC2086
          run_group "$round" "$wl" $TOGETHER
          ;;
        *) run_group "$round" "$wl" "$srv" ;;
      esac
    done
  done
done

# ------------------------------------------------------------------ report
# Medians over rounds per (server, workload), then h2scope's ratios.
medians() {
  awk -F'\t' 'NR > 1 {
      k = $2 SUBSEP $3
      n[k]++; rps[k, n[k]] = $4; cpu[k, n[k]] = $8; mib[k, n[k]] = $9; flt[k, n[k]] = $10
      fail[k] += ($7 == "NA" ? 0 : $7)
    }
    function median(arr, k, cnt,   i, j, t, v, m) {
      m = 0
      for (i = 1; i <= cnt; i++) if (arr[k, i] != "NA" && arr[k, i] != "") v[++m] = arr[k, i] + 0
      if (m == 0) return "NA"
      for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
      return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    }
    END {
      for (k in n) { split(k, p, SUBSEP)
        printf "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", p[1], p[2], median(rps, k, n[k]), median(cpu, k, n[k]), median(mib, k, n[k]), fail[k], n[k], median(flt, k, n[k]) }
    }' "$TSV" > "$OUT/medians.tsv"
}

# ratio V OTHER WL COLUMN(4=req/s 8=CPU us/req in runs.tsv): the median over
# rounds of V's figure divided by OTHER's in the same round. The two ran a few
# seconds apart (or, both in TOGETHER, at the same time), so a slow phase of
# the machine that covers both cancels out, where it would not in a ratio of
# medians taken from different rounds. A ratio between a server in TOGETHER
# and one outside it compares a shared core with a core of its own: read the
# CPU ratios only within one or the other.
ratio() {
  awk -F'\t' -v v="$1" -v o="$2" -v w="$3" -v c="$4" '
    NR > 1 && $3 == w && $c != "NA" && $c != "" { if ($2 == v) a[$1] = $c; if ($2 == o) b[$1] = $c }
    END {
      m = 0
      for (r in a) if ((r in b) && b[r] + 0 > 0) x[++m] = a[r] / b[r]
      if (m == 0) { print "-"; exit }
      for (i = 2; i <= m; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
      printf "%.2f", (m % 2) ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
    }' "$TSV"
}

medians
{
  cat "$OUT/env.txt"
  echo
  echo "Medians over $ROUNDS round(s). req/s from h2load; server CPU = the time the scheduler ran the server's threads"
  echo "per successful request (and per MiB sent for the 1 MiB file); minor page faults of the server per 1,000"
  echo "requests. 'failed' sums all rounds."
  echo
  printf '%-26s %-14s %11s %12s %12s %11s %7s\n' workload server "req/s" "CPU us/req" "CPU us/MiB" "faults/1k" failed
  for wl in $WORKLOADS; do
    for srv in $SERVERS; do
      line=$(awk -F'\t' -v s="$srv" -v w="$wl" '$1 == s && $2 == w' "$OUT/medians.tsv")
      [ -n "$line" ] || continue
      awk -F'\t' -v d="$wl: $(wl_desc "$wl")" '{
          r = ($3 == "NA") ? "NA" : sprintf("%.0f", $3)
          c = ($4 == "NA") ? "NA" : sprintf("%.2f", $4)
          m = ($5 == "NA") ? "-" : sprintf("%.0f", $5)
          q = ($8 == "NA" || $8 == "") ? "-" : sprintf("%.1f", $8)
          printf "%-26s %-14s %11s %12s %12s %11s %7d\n", substr(d, 1, 26), $1, r, c, m, q, $6 }' <<<"$line"
    done
  done
  echo
  echo "Ratios (h2scope / other), the median of the ratios within each round: req/s above 1.00 = h2scope"
  echo "faster; CPU above 1.00 = h2scope uses more per request. 'vs nocap' is what capture on costs."
  printf '%-8s %-14s %12s %12s %12s %12s %12s\n' workload variant "req/s vs ng" "req/s vs h2o" "CPU vs ng" "CPU vs h2o" \
    "CPU vs nocap"
  for wl in $WORKLOADS; do
    for v in h2scope h2scope-nocap h2scope-store; do
      case " $SERVERS " in *" $v "*) ;; *) continue ;; esac
      nocap="-"
      [ "$v" = h2scope-nocap ] || nocap=$(ratio "$v" h2scope-nocap "$wl" 8)
      printf '%-8s %-14s %12s %12s %12s %12s %12s\n' "$wl" "$v" \
        "$(ratio "$v" nghttpd "$wl" 4)" "$(ratio "$v" h2o "$wl" 4)" \
        "$(ratio "$v" nghttpd "$wl" 8)" "$(ratio "$v" h2o "$wl" 8)" "$nocap"
    done
  done
  if [ -s "$OUT/store.tsv" ]; then
    echo
    echo "Capture kept (h2scope-store), from the store's own accounting at exit: bytes per stream, median over rounds"
    for wl in $WORKLOADS; do
      awk -F'\t' -v w="$wl" '$2 == w && $3 != "NA" { v[++m] = $3 + 0 }
        END { if (m == 0) exit
              for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
              printf "%-8s %8.0f bytes per stream\n", w, (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }' \
        "$OUT/store.tsv"
    done
  fi
  echo
  echo "raw: $OUT"
} | tee "$OUT/table.txt"

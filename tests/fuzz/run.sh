#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz and runs each one for
# SECONDS (default 60) on a copy of its seed corpus. Every run is bounded
# twice: -max_total_time and an outer `timeout`. Exits non-zero if any target
# crashed, leaked or timed out; reproducers land in build-fuzz/artifacts/.
#
#   tests/fuzz/run.sh 30            # CI budget
#   JOBS=2 tests/fuzz/run.sh 600    # a longer local run
set -euo pipefail

SECONDS_PER_TARGET=${1:-60}
JOBS=${JOBS:-1}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_DIR:-$SRC/build-fuzz}
TARGETS=(fuzz_h1parser fuzz_pathresolver fuzz_headersrules fuzz_pushmanifest fuzz_wiretap fuzz_connection fuzz_websocket fuzz_jsimports)

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DH2SCOPE_FUZZ=ON -DH2SCOPE_BUILD_TESTS=OFF
fi
cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}"

mkdir -p "$BUILD/artifacts"
status=0
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"
  mkdir -p "$corpus"
  cp -n "$SRC/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
  log="$BUILD/$t.log"
  echo "== $t for ${SECONDS_PER_TARGET}s"
  if ! timeout --kill-after=10 $((SECONDS_PER_TARGET + 60)) \
      "$BUILD/tests/fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -artifact_prefix="$BUILD/artifacts/$t-" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
    echo "!! $t failed; see $log"
    tail -n 40 "$log"
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -n 2 || true
done
exit $status

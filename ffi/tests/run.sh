#!/usr/bin/env bash
# The C and C++ tests of the C API (called by .ci/run):
#   1. builds libsantei (.a and .so) with the `test-hooks` feature, and the golden export;
#   2. compiles ffi/tests/c/*.c with `gcc -std=c99 -Wall -Werror` against libsantei.a,
#      ffi/tests/cpp/*.cpp with `g++ -std=c++17 -Wall -Werror` against libsantei.so, and the
#      example ffi/examples/calc.c;
#   3. runs them on the official masters in ../shared/masters (the tests FAIL when it is missing);
#   4. runs them again under valgrind (no leaks, no invalid accesses), unless --no-valgrind.
#
# Usage: ffi/tests/run.sh [--no-valgrind]      (SANTEI_SHARED: another copy of ../shared)
set -euo pipefail

FFI=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$FFI")
SHARED=${SANTEI_SHARED:-$ROOT/../shared}
MASTERS=$SHARED/masters
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
LIB=$TARGET/debug
OUT=$TARGET/ffi-tests
VALGRIND=1
[ "${1:-}" = "--no-valgrind" ] && VALGRIND=0

for d in "$MASTERS/r06" "$MASTERS/r04" "$MASTERS/updates" "$SHARED/etensu/r06"; do
  if [ ! -d "$d" ]; then
    echo "ffi tests: the official data is missing: $d (../shared must sit beside the project, or set SANTEI_SHARED)" >&2
    exit 1
  fi
done

cd "$ROOT"
cargo build -p santei-ffi --features test-hooks
rm -rf "$OUT" && mkdir -p "$OUT"
cargo run -q -p santei-ffi --example export_golden -- "$OUT/golden"

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -g -I"$FFI/include" -DSANTEI_TEST_HOOKS)
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -g -I"$FFI/include" -DSANTEI_TEST_HOOKS)
# What `rustc --print native-static-libs` lists for libsantei.a on Linux.
STATIC_LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
SHARED_LIB=(-L"$LIB" -lsantei -Wl,-rpath,"$LIB")

for src in "$FFI"/tests/c/*.c; do
  name=$(basename "$src" .c)
  gcc "${CFLAGS[@]}" "$src" -o "$OUT/$name" "$LIB/libsantei.a" "${STATIC_LIBS[@]}"
done
for src in "$FFI"/tests/cpp/*.cpp; do
  name=$(basename "$src" .cpp)
  g++ "${CXXFLAGS[@]}" "$src" -o "$OUT/$name" "${SHARED_LIB[@]}" -lpthread
done
gcc -std=c99 -Wall -Wextra -Werror -pedantic -I"$FFI/include" "$FFI/examples/calc.c" -o "$OUT/calc" "${SHARED_LIB[@]}"

# Runs one program; under valgrind with its log in $OUT/valgrind-NAME.log and its summary shown.
run() {
  local name=$1
  shift
  if [ "$MODE" = valgrind ]; then
    local log="$OUT/valgrind-$name.log"
    # Rust's std keeps a few allocations for the life of the process ("still reachable"): only
    # definite and indirect leaks, and every memory error, fail.
    if ! valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --log-file="$log" "$@"; then
      cat "$log" >&2
      echo "valgrind: $name FAILED (log: $log)" >&2
      return 1
    fi
    echo "valgrind $name: $(grep -h 'ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== //' | head -1)"
    echo "valgrind $name: $(grep -h 'definitely lost' "$log" | sed 's/^==[0-9]*== *//' | head -1)"
  else
    "$@"
  fi
}

run_all() {
  run test_api "$OUT/test_api" "$MASTERS"
  run test_threads "$OUT/test_threads" "$MASTERS"
  run test_golden "$OUT/test_golden" "$MASTERS" "$SHARED/etensu/r06" "$OUT/golden"
  run test_builder "$OUT/test_builder" "$MASTERS" "$SHARED/etensu/r06" "$FFI/tests/rules"
  run test_cpp "$OUT/test_cpp" "$MASTERS"
  run calc "$OUT/calc" --demo "$ROOT/examples/claim.json" > "$OUT/calc.out"
  grep -q '^total_points [0-9]' "$OUT/calc.out"
  grep -q '^copay    month ' "$OUT/calc.out"
  if [ "$MODE" = plain ]; then
    # A line that cannot be billed (an unknown code): the finding is printed and the exit code
    # is 1. (Not under valgrind, whose --error-exitcode is 1 too.)
    sed 's/"111000110"/"199999999"/' "$ROOT/examples/claim.json" > "$OUT/calc-bad.json"
    local rc=0
    "$OUT/calc" --demo "$OUT/calc-bad.json" > "$OUT/calc-bad.out" 2>&1 || rc=$?
    if [ "$rc" != 1 ] || ! grep -q '^finding  error    MST-001.unknown-code' "$OUT/calc-bad.out"; then
      cat "$OUT/calc-bad.out" >&2
      echo "calc example: exit $rc on a claim with an unbilled line (expected 1 and the finding)" >&2
      return 1
    fi
    # The deliberate panic of test_api stays quiet, also with RUST_BACKTRACE set.
    RUST_BACKTRACE=1 "$OUT/test_api" "$MASTERS" > "$OUT/test_api-bt.out" 2>&1
    if grep -q 'deliberate panic\|stack backtrace' "$OUT/test_api-bt.out"; then
      cat "$OUT/test_api-bt.out" >&2
      echo "test_api: the deliberate panic printed its message or a backtrace" >&2
      return 1
    fi
  fi
  echo "calc example: 2 passed, 0 failed"
}

echo "== C/C++ tests"
MODE=plain run_all
if [ "$VALGRIND" = 1 ]; then
  echo "== C/C++ tests under valgrind"
  MODE=valgrind run_all
fi

#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for SECONDS each on a copy of its seed corpus.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 10)
# Environment: SEM_FUZZ_BUILD (build folder, default build-fuzz), SEM_FUZZ_TARGETS (space-separated
# subset), SEM_FUZZ_JOBS (build parallelism, default 2), SEM_FUZZ_PARALLEL (targets fuzzed at once,
# default the number of cores), SEM_FUZZ_RUNS (stop a target after this many
# executions, -runs; default: no limit), SEM_FUZZ_KEEP=1 keeps the work folder (corpora and logs),
# SEM_FUZZ_TIMEOUT (seconds of wall clock one input may take, default 10: raise it for long runs
# beside other work, where a starved nice'd fuzzer can take that long on a 10 ms input).
# Configures and builds the build folder with clang when needed. Prints per target the executions,
# coverage and findings; exits 1 on any finding (crash, sanitizer report, uncaught exception,
# timeout > SEM_FUZZ_TIMEOUT s, RSS > 2048 MB), 2 on a usage or build error.
set -u -o pipefail

SECONDS_PER_TARGET="${1:-10}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS_PER_TARGET]  (a positive integer, default 10)" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${SEM_FUZZ_BUILD:-$ROOT/build-fuzz}"
JOBS="${SEM_FUZZ_JOBS:-2}"
TIMEOUT="${SEM_FUZZ_TIMEOUT:-10}"
PARALLEL="${SEM_FUZZ_PARALLEL:-$(nproc)}"
if ! [[ "$PARALLEL" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: SEM_FUZZ_PARALLEL must be a positive number of fuzzers" >&2
  exit 2
fi
if ! [[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: SEM_FUZZ_TIMEOUT must be a positive number of seconds" >&2
  exit 2
fi
ALL_TARGETS="fuzz_semfile fuzz_edgecodec fuzz_textcodec fuzz_hintcodec fuzz_image fuzz_captionresponse
  fuzz_safetensors fuzz_modelcard fuzz_modelset fuzz_schedulerconfig
  fuzz_cliptokenizer fuzz_sdconfig fuzz_unetconfig"
TARGETS="${SEM_FUZZ_TARGETS:-$ALL_TARGETS}"

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  CC="${CC:-clang}" CXX="${CXX:-clang++}" cmake -S "$ROOT" -B "$BUILD" -G Ninja -DSEM_FUZZ=ON \
    -DSEM_BUILD_GUI=OFF -DSEM_BUILD_DIFFUSION=OFF -DSEM_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    || { echo "fuzz: configuring $BUILD failed" >&2; exit 2; }
fi
# shellcheck disable=SC2086
cmake --build "$BUILD" --target $TARGETS -j "$JOBS" || { echo "fuzz: building the targets failed" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/semfuzz.XXXXXX")"
if [[ "${SEM_FUZZ_KEEP:-0}" == 1 ]]; then echo "fuzz: work folder $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
RUNS=()
[[ -n "${SEM_FUZZ_RUNS:-}" ]] && RUNS=(-runs="$SEM_FUZZ_RUNS")
# Leaks are reported by libFuzzer itself (-detect_leaks); UBSan reports abort (-fno-sanitize-recover).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen

# One fuzzer per core at a time (SEM_FUZZ_PARALLEL, default the number of cores): each is one process.
run_target() {
  local t="$1" exe="$BUILD/tests/fuzz/$1"
  local corpus="$WORK/$t/corpus" artifacts="$WORK/$t/artifacts/"
  mkdir -p "$corpus" "$artifacts"
  [[ -d "$ROOT/tests/fuzz/corpus/$t" ]] && cp "$ROOT/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null
  "$exe" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout="$TIMEOUT" -report_slow_units="$TIMEOUT" \
    -artifact_prefix="$artifacts" -print_final_stats=1 "${RUNS[@]}" >"$WORK/$t/log.txt" 2>&1
  echo $? >"$WORK/$t/rc"
}
for t in $TARGETS; do
  [[ -x "$BUILD/tests/fuzz/$t" ]] || { echo "fuzz: $BUILD/tests/fuzz/$t is missing" >&2; exit 2; }
done
for t in $TARGETS; do
  while (( $(jobs -rp | wc -l) >= PARALLEL )); do wait -n; done
  run_target "$t" &
done
wait

findings=0
printf '%-22s %12s %10s %8s %9s  %s\n' target executions exec/s cov findings result
for t in $TARGETS; do
  artifacts="$WORK/$t/artifacts/"
  log="$WORK/$t/log.txt"
  rc=$(cat "$WORK/$t/rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  n=$(find "$artifacts" -type f | wc -l)
  if [[ $rc -ne 0 || $n -gt 0 ]]; then
    [[ $n -gt 0 ]] || n=1
    findings=$((findings + n))
    result="FINDING (exit $rc)"
  else
    result=ok
  fi
  printf '%-22s %12s %10s %8s %9s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "$n" "$result"
  if [[ "$result" != ok ]]; then
    grep -E 'ERROR: |runtime error|SUMMARY|deadly signal|uncaught|terminate called|Test unit written' "$log" \
      | head -20 | sed 's/^/    /'
    mkdir -p "$BUILD/fuzz-findings/$t"
    cp "$artifacts"* "$BUILD/fuzz-findings/$t/" 2>/dev/null && echo "    inputs copied to $BUILD/fuzz-findings/$t/"
    cp "$log" "$BUILD/fuzz-findings/$t/log.txt"
  fi
done
if [[ $findings -gt 0 ]]; then
  echo "fuzz: $findings finding(s); see $BUILD/fuzz-findings/" >&2
  exit 1
fi
echo "fuzz: no findings"

#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included):
# configures and builds the `asan` preset (build/asan), then runs `ctest --preset asan`, whose
# environment points ASan/LSan/UBSan at tests/sanitizers/*.supp (third-party frames only).
#   scripts/asan-test.sh [CTEST_ARGS...]      e.g. scripts/asan-test.sh -R tst_semfile
# Environment: SEM_ASAN_JOBS (build and test parallelism, default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${SEM_ASAN_JOBS:-$(nproc)}"
start=$(date +%s)
cmake --preset asan
cmake --build --preset asan -j"$JOBS"
built=$(date +%s)
rc=0
ctest --preset asan -j"$JOBS" "$@" || rc=$?
end=$(date +%s)
echo "asan: build $((built - start)) s, tests $((end - built)) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
exit "$rc"

#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every CTest/QtTest test, then a short
# fuzzing run of every parser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)"
# Every parser under libFuzzer (clang, ASan + UBSan) for 10 s each: about a minute in all.
scripts/fuzz.sh 10
ctest --preset release -j"$(nproc)"
scripts/package-check.sh
# The whole suite again under ASan + UBSan (build/asan): opt-in, SEM_ASAN=1, because a from-scratch
# sanitizer build plus its tests takes longer than CI's 30-minute budget on a 2-core machine (docs/bench/asan.md).
if [[ "${SEM_ASAN:-0}" == 1 ]]; then scripts/asan-test.sh; fi

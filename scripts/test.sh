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
scripts/asan-test.sh  # the whole suite again under ASan + UBSan (build/asan, tests/sanitizers/*.supp)

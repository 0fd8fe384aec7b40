#!/usr/bin/env bash
# The whole test suite: install what is missing, build what ships (release) and check its packages,
# run a short fuzzing run of every parser, then build the whole project with AddressSanitizer +
# UndefinedBehaviorSanitizer (build/asan) and run every CTest/QtTest test under them.
# The tests run once, under the sanitizers: a second, release run of the same tests would cost more
# time than CI's budget allows (docs/bench/asan.md). For a quick release run while developing:
#   cmake --build --preset release && ctest --preset release
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/install-deps.sh
cmake --preset release
# What the packages ship (CPack installs these; the test executables are built by the asan tree).
cmake --build --preset release -j"$(nproc)" --target semc semcompress semc-train sem_models
scripts/package-check.sh
# Every parser under libFuzzer (clang, ASan + UBSan) for 10 s each: about a minute and a half in all.
scripts/fuzz.sh 10
# The whole test suite under ASan + UBSan (LeakSanitizer included).
scripts/asan-test.sh
echo "test.sh: everything passed in $(( $(date +%s) - start )) s"

#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every CTest/QtTest test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)"
ctest --preset release -j"$(nproc)"

#!/usr/bin/env bash
# bench.sh runs the module's Go benchmarks with allocation counts.
# Extra arguments go to go test, e.g. `scripts/bench.sh -count 5 -benchtime 2s`;
# BENCHPKG picks the packages (default ./...).
set -euo pipefail
cd "$(dirname "$0")/.."

go test -run '^$' -bench . -benchmem "$@" ${BENCHPKG:-./...}

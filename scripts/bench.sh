#!/usr/bin/env bash
# `npm run bench`: installs what it needs, builds, and runs collector/bench/run.ts against a
# throw-away influxd. Figures go to stdout; docs/BENCHMARKS.md records them with the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
ensure_system_packages
ensure_npm_packages
npm run --silent build
npx tsc -p collector/tsconfig.bench.json
exec node collector/.bench-build/bench/run.js "$@"

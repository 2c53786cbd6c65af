#!/usr/bin/env bash
# `npm run bench`: installs what it needs, builds, and runs collector/bench/run.ts against a
# throw-away influxd. Figures go to stdout; docs/BENCHMARKS.md records them with the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
install_and_build
npx tsc -p collector/tsconfig.bench.json
node collector/.bench-build/bench/run.js "$@"
# The SDK's overhead on the demo app, with and without @hermes/sdk (about 3 minutes).
npx tsc -p demo/tsconfig.bench.json
node demo/.bench-build/bench/overhead.js

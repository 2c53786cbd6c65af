#!/usr/bin/env bash
# The README's run command: installs what Hermes needs, builds it, and starts it next to
# a local InfluxDB with sample telemetry (demo/src/start.ts says what it does).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
install_and_build
exec node demo/dist/start.js "$@"

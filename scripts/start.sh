#!/usr/bin/env bash
# The README's run command: installs what Hermes needs, builds it, and starts it next to
# a local InfluxDB with sample telemetry (demo/src/start.ts says what it does).
#
# `exec`: node takes over this shell's pid, so SIGINT/SIGTERM/SIGHUP sent to it reach node,
# which stops everything it started. npm puts `sh -c` above this script; a SIGINT that npm
# forwards waits in that shell, which is why package.json's start script should `exec` too.
# When that shell is killed instead, node notices it is gone and stops (start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
install_and_build
exec node demo/dist/start.js "$@"

#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs (npm packages, Debian's
# influxdb), builds, type-checks, lints, then runs jest against a real influxd that jest
# starts on loopback with its data in a temporary folder. Ends with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

ensure_system_packages
ensure_test_packages
ensure_npm_packages

failed_steps=0
step() {
  local name=$1; shift
  echo "== $name"
  if ! "$@"; then
    echo "!! $name failed"
    failed_steps=$((failed_steps + 1))
  fi
}
step build npm run --silent build
step typecheck npm run --silent typecheck
step lint npm run --silent lint

results=$(mktemp)
# The OpenTelemetry exporters load node:http through import(), which jest runs only with VM modules.
NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning" npx jest --ci --json --outputFile="$results" "$@"
jest_status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const failed = r.numFailedTests + Number(process.argv[2]) + (r.numRuntimeErrorTestSuites || 0);
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  console.log(`${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
' "$results" "$failed_steps" 2>/dev/null || echo "0 passed, $((failed_steps + 1)) failed, 0 skipped"
rm -f "$results"
[ "$jest_status" -eq 0 ] && [ "$failed_steps" -eq 0 ]

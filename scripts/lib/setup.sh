# Shared set-up for the README's commands: installs what Hermes needs on a fresh Debian.

# Debian packages: influxd for storage; PostgreSQL for the demo app (its test, `npm start`
# and the SDK overhead benchmark run their own throw-away cluster: demo/src/app/postgres.ts).
ensure_system_packages() {
  local missing=()
  command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
  # Debian keeps initdb/postgres off PATH, under /usr/lib/postgresql/<version>/bin.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing Debian packages (${missing[*]})"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# npm packages, including the Node 22 binary npm scripts run on.
ensure_npm_packages() {
  if [ -x node_modules/.bin/node ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then return 0; fi
  echo "== installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
}

# Debian packages only the test suite needs: a real Prometheus scrapes /metrics in a test.
ensure_test_packages() {
  command -v prometheus >/dev/null 2>&1 && return 0
  echo "== installing Debian packages (prometheus)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus >/dev/null
}

# Shared set-up for the README's commands: installs what Hermes needs on a fresh Debian.

# apt-get install the named Debian packages (once per call: update, then install).
apt_install() {
  echo "== installing Debian packages ($*)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Debian packages: influxd for storage; PostgreSQL for the demo app (its test, `npm start`
# and the SDK overhead benchmark run their own throw-away cluster: demo/src/app/postgres.ts).
ensure_system_packages() {
  local missing=()
  command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
  # Debian keeps initdb/postgres off PATH, under /usr/lib/postgresql/<version>/bin.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# Debian packages only the test suite needs: a real Prometheus scrapes /metrics in a test.
ensure_test_packages() {
  command -v prometheus >/dev/null 2>&1 || apt_install prometheus
}

# npm packages, including the Node 22 binary npm scripts run on.
ensure_npm_packages() {
  if [ -x node_modules/.bin/node ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then return 0; fi
  echo "== installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
}

# Everything `npm start` and `npm run bench` need before they run: packages and a build.
install_and_build() {
  ensure_system_packages
  ensure_npm_packages
  npm run --silent build
}

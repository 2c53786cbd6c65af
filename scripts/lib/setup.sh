# Shared set-up for the README's commands: installs what Hermes needs on a fresh Debian.

# Debian packages: influxd for storage.
ensure_system_packages() {
  if command -v influxd >/dev/null 2>&1; then return 0; fi
  echo "== installing Debian packages (influxdb)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq influxdb >/dev/null
}

# npm packages, including the Node 22 binary npm scripts run on.
ensure_npm_packages() {
  if [ -x node_modules/.bin/node ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then return 0; fi
  echo "== installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
}

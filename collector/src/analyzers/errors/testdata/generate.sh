#!/usr/bin/env bash
# Regenerates testdata/fixtures/ by running the programs in testdata/programs/ with the
# real runtimes installed on this machine (node from the repo, python3, javac/java, go,
# ruby, php, mono's mcs/mono, headless chromium). Each program prints its cases as JSON:
# the trace text exactly as the runtime rendered it, the frames the runtime itself reports
# for the same exception, and the group the case belongs to (its call site). A "crash" run
# records what the runtime prints to stderr when the same exception goes uncaught.
# Fixtures are committed so the tests never need the runtimes. Runtimes that are missing
# are skipped with a message; their old fixtures stay.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
programs=$here/programs
out=$here/fixtures
node=$repo/node_modules/.bin/node
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }

# crash <name> <command...>: stores {"expect": <first stdout line>, "trace": <stderr>}.
crash() {
  local name=$1
  shift
  "$@" >"$work/crash.out" 2>"$work/crash.err"
  "$node" -e '
    const fs = require("fs");
    const [out, err, runtime] = process.argv.slice(1);
    const expect = JSON.parse(fs.readFileSync(out, "utf8").split("\n")[0]);
    const trace = fs.readFileSync(err, "utf8");
    process.stdout.write(JSON.stringify({ runtime, expect, trace }, null, 1) + "\n");
  ' "$work/crash.out" "$work/crash.err" "$name" >"$out/$name-crash.json" && echo "wrote $name-crash.json"
}

cases() {
  local name=$1
  shift
  if "$@" >"$work/cases.json" && "$node" -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$work/cases.json"; then
    cp "$work/cases.json" "$out/$name.json" && echo "wrote $name.json"
  else
    echo "FAILED: $name" >&2
  fi
}

cases node "$node" "$programs/node/main.js"
crash node "$node" "$programs/node/main.js" crash

if have python3; then
  cases python python3 "$programs/python/main.py"
  crash python python3 "$programs/python/main.py" crash
else echo "skip python: python3 not installed"; fi

if have javac && have java; then
  javac -g -d "$work/java" "$programs/java/Main.java"
  # Run from the program folder so frames name Main.java as javac recorded it.
  cases java java -cp "$work/java" Main
  crash java java -cp "$work/java" Main crash
else echo "skip java: javac/java not installed"; fi

if have go; then
  (cd "$programs/go" && GO111MODULE=off GOCACHE="$work/gocache" go build -o "$work/gomain" main.go)
  cases go "$work/gomain"
  # GOTRACEBACK=all: the crash prints every goroutine (a goroutine dump).
  GOTRACEBACK=all crash go "$work/gomain" crash
else echo "skip go: apt-get install golang-go"; fi

if have ruby; then
  cases ruby ruby "$programs/ruby/main.rb"
  crash ruby ruby "$programs/ruby/main.rb" crash
else echo "skip ruby: apt-get install ruby"; fi

if have php; then
  cases php php "$programs/php/main.php"
  crash php php -d display_errors=stderr -d log_errors=0 "$programs/php/main.php" crash
else echo "skip php: apt-get install php-cli"; fi

if have mcs && have mono; then
  mcs -debug -out:"$work/Program.exe" "$programs/dotnet/Program.cs" >/dev/null
  cases dotnet mono --debug "$work/Program.exe"
  crash dotnet mono --debug "$work/Program.exe" crash
else echo "skip dotnet: apt-get install mono-mcs mono-runtime (Debian has no .NET SDK)"; fi

if have chromium; then
  port=$("$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')
  (cd "$programs" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
  server=$!
  sleep 1
  timeout 120 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
    --dump-dom "http://127.0.0.1:$port/chrome/index.html" 2>/dev/null >"$work/chrome.html"
  kill "$server"
  "$node" -e '
    const html = require("fs").readFileSync(process.argv[1], "utf8");
    const m = /<pre id="out">([\s\S]*?)<\/pre>/.exec(html);
    const text = m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#39;/g, "'"'"'").replace(/&amp;/g, "&");
    process.stdout.write(JSON.stringify(JSON.parse(text), null, 1) + "\n");
  ' "$work/chrome.html" >"$out/chrome.json" && echo "wrote chrome.json"
else echo "skip chrome: apt-get install chromium"; fi

#!/usr/bin/env bash
# Compiles the errors analyzer bench with the repo's tsc into a temp dir and runs it on the repo's
# Node 22 (NODE_PATH lets the compiled files find zod in the repo's node_modules).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$repo/node_modules/.bin/tsc" --outDir "$out" --rootDir "$here/.." --module node16 --moduleResolution node16 \
  --target es2023 --strict --skipLibCheck --types node "$here/errors.bench.ts"
NODE_PATH="$repo/node_modules" "$repo/node_modules/.bin/node" "$out/bench/errors.bench.js"

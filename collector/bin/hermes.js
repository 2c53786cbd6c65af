#!/usr/bin/env -S node --max-semi-space-size=64
// The `hermes` command: runs the built CLI (collector/dist/cli.js). This file is committed so
// npm links the command at install time, before the first build. The flag gives the young
// generation room for ingest's short-lived objects: about a quarter less CPU per span in the
// benchmark (docs/BENCHMARKS.md).
require('../dist/cli.js');

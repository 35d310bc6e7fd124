#!/usr/bin/env bash
# Puts in npm's cache what the tests will install offline: the package's own dependencies, resolved
# as a fresh app resolves them (test/cli/package.test.ts installs the packed tarball inside the
# tests' network namespace, where the registry cannot be reached). Installing them here, into a
# throwaway folder, fetches the same package documents and tarballs such an install asks for.
set -euo pipefail
cd "$(dirname "$0")/.."
app="$(mktemp -d)"
trap 'rm -rf "$app"' EXIT
node -e '
  const { name, dependencies } = require("./package.json")
  process.stdout.write(JSON.stringify({ name: "warm-" + name, private: true, dependencies }))
' >"$app/package.json"
# --prefer-offline: a cache that already holds them is enough (a machine without the registry then
# still runs every suite). Without them, the one test that needs them says so (ENOTCACHED).
npm install --prefix "$app" --prefer-offline --ignore-scripts --no-audit --no-fund --silent >/dev/null ||
  echo "note: could not put the package's dependencies in npm's cache; test/cli/package.test.ts will fail" >&2

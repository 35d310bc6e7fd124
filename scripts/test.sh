#!/usr/bin/env bash
# `npm test`: system packages (installed when missing and allowed), build, typecheck, then the unit,
# e2e and Rails suites with vitest, and one line per suite with its count and time at the end.
# Tests that open WebRTC must not reach the machine's network (its external address, mDNS), so the
# suites run inside a network namespace of their own (scripts/netns.sh) whenever this user may
# create one. What they need from npm's registry is put in npm's cache before (warm-npm-cache.sh).
# With arguments (`npm test -- test/server`), runs only vitest with them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
scripts/warm-npm-cache.sh

netns=()
if [ -z "${P2P_TEST_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
  netns=("$PWD/scripts/netns.sh")
else
  echo "note: not root (or no unshare/ip): running without a network namespace of their own" >&2
fi
vitest=("${netns[@]}" node_modules/.bin/vitest run)

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
step() { # name, command…: runs it, records its time, and returns its status
  local name=$1 start=$SECONDS rc=0
  shift
  "$@" || rc=$?
  echo "$name $((SECONDS - start))" >>"$results/times"
  return $rc
}

step build npm run --silent build
step typecheck npm run --silent typecheck
if [ $# -gt 0 ]; then
  exec "${vitest[@]}" "$@"
fi
projects=(unit e2e firefox rails)
if ! command -v puma >/dev/null || ! ruby -e 'require "rails"' 2>/dev/null; then
  echo "note: skipping the Rails suite: Ruby with Rails and puma is missing (sudo apt-get install -y ruby-rails puma)" >&2
  projects=(unit e2e firefox)
fi
status=0
for project in "${projects[@]}"; do
  step "$project" "${vitest[@]}" --project "$project" --reporter=default --reporter=json --outputFile.json="$results/$project.json" || status=$?
  [ $status -eq 0 ] || break
done
# The gem's own specs, with Ruby's test runner (its system specs open WebRTC in Chromium too).
if [ $status -eq 0 ] && [ "${projects[*]}" = "unit e2e firefox rails" ] && command -v rspec >/dev/null && command -v chromedriver >/dev/null; then
  (cd rails && step rspec "${netns[@]}" rspec --format progress --format json --out "$results/rspec.json") || status=$?
fi
node scripts/test-summary.mjs "$results"
exit $status

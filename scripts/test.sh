#!/usr/bin/env bash
# `npm test`: build, typecheck, then every test with vitest.
# Tests that open WebRTC must not reach the machine's network (its external address, mDNS), so the
# run goes inside a loopback-only network namespace whenever this user may create one.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
npm run --silent typecheck
if [ -z "${P2P_TEST_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
  exec unshare -n bash -c 'ip link set lo up && P2P_TEST_IN_NETNS=1 exec "$@"' _ node_modules/.bin/vitest run "$@"
fi
echo "note: not root (or no unshare/ip): running without a loopback-only network namespace" >&2
exec node_modules/.bin/vitest run "$@"

#!/usr/bin/env bash
# Makes sure the system packages the test suites need are here: the browser suites need Debian's
# chromium, the Redis suites redis-server, the TURN suite coturn, the flaky-network suite nftables,
# and the loopback-only network namespace iproute2 and util-linux. Installs what is missing when it
# may (root with apt-get); otherwise stops at once with the command to run.
set -euo pipefail

# package:command it provides:what needs it
NEEDS=(
  "chromium:chromium:the browser suites"
  "redis-server:redis-server:the Redis suites"
  "coturn:turnserver:the TURN suite"
  "nftables:nft:the flaky-network suite"
  "iproute2:ip:the loopback-only network namespace"
  "util-linux:unshare:the loopback-only network namespace"
)

missing=()
reasons=()
for need in "${NEEDS[@]}"; do
  IFS=: read -r package command reason <<<"$need"
  if ! command -v "$command" >/dev/null 2>&1; then
    missing+=("$package")
    reasons+=("$package ($reason)")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing ${reasons[*]} with apt-get (once; a minute or two)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "npm test: missing ${reasons[*]}." >&2
if command -v apt-get >/dev/null 2>&1; then
  echo "Install them, then run npm test again:  sudo apt-get install -y ${missing[*]}" >&2
else
  echo "Install these Debian packages (or your system's equivalents), then run npm test again: ${missing[*]}" >&2
fi
exit 1

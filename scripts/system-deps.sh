#!/usr/bin/env bash
# Makes sure the system packages the test suites need are here: the browser suites need Debian's
# chromium, the Firefox suite firefox-esr, the Redis suites redis-server, the TURN suite coturn, the
# flaky-network suite nftables, the tests' network namespace iproute2 and util-linux; the Rails
# suite Ruby with Rails and puma. Installs what is missing when it may (root with apt-get).
# Otherwise it stops at once with the command to run — except for Ruby, whose suite is then skipped
# with a message.
set -euo pipefail

# package:command it provides:what needs it
REQUIRED=(
  "chromium:chromium:the browser suites"
  "firefox-esr:firefox-esr:the Firefox suite"
  "redis-server:redis-server:the Redis suites"
  "coturn:turnserver:the TURN suite"
  "nftables:nft:the flaky-network suite"
  "iproute2:ip:the tests' network namespace"
  "util-linux:unshare:the tests' network namespace"
)
OPTIONAL=(
  "ruby-rails:rails:the Rails suite"
  "puma:puma:the Rails suite"
  "ruby-rspec-rails:rspec:the gem's specs"
  "chromium-driver:chromedriver:the gem's system specs"
  "ruby-capybara:gem=capybara:the gem's system specs"
  "ruby-selenium-webdriver:gem=selenium-webdriver:the gem's system specs"
  "ruby-redis:gem=redis:the gem's Redis store"
)

present() { # a command on the PATH, or gem=NAME: a Ruby library that loads
  case "$1" in
    gem=*) command -v ruby >/dev/null 2>&1 && ruby -e "require '${1#gem=}'" >/dev/null 2>&1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}
missing() { # prints "package|reason" for each entry that is absent
  for need in "$@"; do
    IFS=: read -r package command reason <<<"$need"
    present "$command" || echo "$package|$package ($reason)"
  done
}
mapfile -t required < <(missing "${REQUIRED[@]}")
mapfile -t optional < <(missing "${OPTIONAL[@]}")
all=("${required[@]}" "${optional[@]}")
[ ${#all[@]} -eq 0 ] && exit 0

packages() { for entry in "$@"; do printf '%s ' "${entry%%|*}"; done; }
reasons() { for entry in "$@"; do printf '%s ' "${entry#*|}"; done; }

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing $(reasons "${all[@]}")with apt-get (once; a few minutes)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2046
  apt-get install -y -qq $(packages "${all[@]}") >/dev/null
  exit 0
fi

if [ ${#optional[@]} -gt 0 ]; then
  echo "npm test: the Rails suite will be skipped: missing $(reasons "${optional[@]}")" >&2
fi
[ ${#required[@]} -eq 0 ] && exit 0
echo "npm test: missing $(reasons "${required[@]}")" >&2
if command -v apt-get >/dev/null 2>&1; then
  echo "Install them, then run npm test again:  sudo apt-get install -y $(packages "${all[@]}" | sed 's/ $//')" >&2
else
  echo "Install these Debian packages (or your system's equivalents), then run npm test again: $(packages "${all[@]}")" >&2
fi
exit 1

#!/usr/bin/env bash
# `npm run rails:demo -- --port PORT`: the Rails gem's dummy app (the seed's demo: a name form at /,
# the chat at /room_chat?name=…, the cable at /cable) with puma on 127.0.0.1:PORT. Stops on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/../rails/spec/dummy"
port=3000
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --port=*) port=${1#--port=}; shift ;;
    *) echo "rails:demo: unknown option $1 (use --port PORT)" >&2; exit 2 ;;
  esac
done
if ! command -v puma >/dev/null || ! ruby -e 'require "rails"' 2>/dev/null; then
  echo "rails:demo needs Ruby with Rails and puma: sudo apt-get install -y ruby-rails puma" >&2
  exit 1
fi
exec puma --config config/puma.rb --bind "tcp://127.0.0.1:${port}?low_latency=true" --threads 5:5 --environment production config.ru

#!/usr/bin/env bash
# Runs a command (`scripts/netns.sh CMD ARGS…`) in a network namespace of its own, so that tests and
# benchmarks that open WebRTC reach nothing outside this machine: loopback, plus a veth pair with
# private addresses and a default route through it. Firefox (and node-datachannel) gather no ICE
# candidates on loopback, and Firefox gathers only on the default route's interface; packets for any
# other address go to the pair's far end and are dropped there (the namespace forwards nothing).
# Needs root (or CAP_SYS_ADMIN), unshare and ip. Sets P2P_TEST_IN_NETNS=1 for the command.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: scripts/netns.sh COMMAND [ARGS…]" >&2; exit 2; }
exec unshare -n bash -c '
  set -e
  ip link set lo up
  ip link add p2p0 type veth peer name p2p1
  ip addr add 10.200.0.1/24 dev p2p0
  ip addr add 10.200.0.2/24 dev p2p1
  ip link set p2p0 up
  ip link set p2p1 up
  ip route add default via 10.200.0.2 dev p2p0
  P2P_TEST_IN_NETNS=1 exec "$@"
' _ "$@"

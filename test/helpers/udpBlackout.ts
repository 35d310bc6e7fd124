import { execFileSync } from "node:child_process"

/**
 * Drops every UDP packet in this (test-only, loopback) network namespace — WebRTC's path — while
 * TCP (signaling) keeps working. Needs root and nftables; `npm test` runs inside its own namespace.
 */
export function blockUdp(): void {
  execFileSync("nft", ["add", "table", "inet", "p2p_blackout"])
  execFileSync("nft", ["add", "chain", "inet", "p2p_blackout", "input", "{ type filter hook input priority 0; }"])
  execFileSync("nft", ["add", "rule", "inet", "p2p_blackout", "input", "meta", "l4proto", "udp", "drop"])
}

export function unblockUdp(): void {
  execFileSync("nft", ["delete", "table", "inet", "p2p_blackout"])
}

import type { RejectionReason } from "../../protocol/ProtocolError.js"
import type { ServerSignal } from "../../protocol/Signal.js"

/** What travels between server nodes on a stream. */
export type BrokerEnvelope =
  | { kind: "deliver"; message: ServerSignal }
  | { kind: "evict"; subscriptionId: string; reason: RejectionReason }
  | { kind: "probe"; subscriptionId: string }

export type BrokerListener = (envelope: BrokerEnvelope) => void

/**
 * Delivery across connections (and, with Redis, across server nodes).
 * Streams are named by {@link sessionStream} and {@link peerStream}.
 */
export interface Broker {
  /** Listens on a stream. */
  subscribe(stream: string, listener: BrokerListener): void
  /** Stops `listener` listening on `stream`. */
  unsubscribe(stream: string, listener: BrokerListener): void
  publish(stream: string, envelope: BrokerEnvelope): Promise<void>
  close(): Promise<void>
}

/** The stream every peer of a session listens on. */
export function sessionStream(sessionId: string): string {
  return `p2p:session:${sessionId}`
}

/**
 * The stream only one peer of a session listens on. Ids may contain `:`, so the session id is
 * length-prefixed: two different (session, peer) pairs never share a stream.
 */
export function peerStream(sessionId: string, peerId: string): string {
  return `p2p:peer:${sessionId.length}:${sessionId}:${peerId}`
}

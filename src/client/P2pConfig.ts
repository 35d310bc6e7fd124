/** The `config` of a `<p2p-frame>` and of a {@link P2pSession}, with the seed's names. */
export interface P2pConfig {
  /** ICE servers for the peer connections (STUN/TURN). Default: none (host candidates only). */
  ice_servers?: RTCIceServer[]
  /** `"relay"` sends everything through the TURN servers in `ice_servers` (hides peers' addresses). Default: `"all"`. */
  ice_transport_policy?: RTCIceTransportPolicy
  /** Liveness over each data channel. */
  heartbeat?: {
    /** How often each side sends a heartbeat, in ms. Default: 1000. */
    interval_mls?: number
    /** A link silent for this long is considered gone, in ms. Default: 3000. */
    idle_timeout_mls?: number
  }
  /** Keep a connected client's signaling socket open. Default: false (the host always keeps it). */
  keepCableConnection?: boolean
}

export interface ResolvedP2pConfig {
  iceServers: RTCIceServer[]
  iceTransportPolicy: RTCIceTransportPolicy
  heartbeatIntervalMs: number
  idleTimeoutMs: number
  keepCableConnection: boolean
}

/** Applies defaults; throws a `TypeError` naming a bad value. */
export function resolveP2pConfig(config: P2pConfig = {}): ResolvedP2pConfig {
  const heartbeatIntervalMs = config.heartbeat?.interval_mls ?? 1000
  const idleTimeoutMs = config.heartbeat?.idle_timeout_mls ?? 3000
  if (!(heartbeatIntervalMs > 0)) throw new TypeError("p2p config: heartbeat.interval_mls must be a positive number")
  if (!(idleTimeoutMs > heartbeatIntervalMs)) throw new TypeError("p2p config: heartbeat.idle_timeout_mls must exceed interval_mls")
  const iceTransportPolicy = config.ice_transport_policy ?? "all"
  if (iceTransportPolicy !== "all" && iceTransportPolicy !== "relay") throw new TypeError('p2p config: ice_transport_policy must be "all" or "relay"')
  return {
    iceServers: config.ice_servers ?? [],
    iceTransportPolicy,
    heartbeatIntervalMs,
    idleTimeoutMs,
    keepCableConnection: config.keepCableConnection ?? false,
  }
}

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
    /** A link silent for this long is considered gone, in ms; more than `interval_mls`. Default: 3000. */
    idle_timeout_mls?: number
  }
  /** Keep a connected client's signaling socket open. Default: false (the host always keeps it). */
  keepCableConnection?: boolean
  /** Limits on streams: messages larger than one frame, and files (docs/datachannel.md). */
  streams?: {
    /** The largest message (not file) this peer accepts, in bytes; larger ones are refused with `too_large`. Default: 67108864 (64 MiB). */
    max_message_bytes?: number
    /** As the host: streams one peer may have open through it at once; more are refused. Default: 16. */
    max_open_per_peer?: number
    /** A stream with no data for this long, in ms, is cancelled (`timed_out`). Default: 30000. */
    idle_timeout_mls?: number
  }
}

export interface ResolvedP2pConfig {
  iceServers: RTCIceServer[]
  iceTransportPolicy: RTCIceTransportPolicy
  heartbeatIntervalMs: number
  idleTimeoutMs: number
  keepCableConnection: boolean
  maxMessageBytes: number
  maxStreamsPerPeer: number
  streamIdleTimeoutMs: number
}

const KEYS = ["ice_servers", "ice_transport_policy", "heartbeat", "keepCableConnection", "streams"]
const STREAM_KEYS = ["max_message_bytes", "max_open_per_peer", "idle_timeout_mls"]
const HEARTBEAT_KEYS = ["interval_mls", "idle_timeout_mls"]
const ICE_SERVER_KEYS = ["urls", "username", "credential", "credentialType"]

/**
 * Checks a config as written (in `p2pFrameTag`, the `config` attribute, or code): every key known,
 * every value of the right type and possible. Throws a `TypeError` that names the key.
 */
export function validateP2pConfig(config: unknown): P2pConfig {
  if (config === undefined || config === null) return {}
  if (!isObject(config)) throw new TypeError("p2p config: must be an object")
  unknownKeys(config, KEYS, "")
  const { ice_servers, ice_transport_policy, heartbeat, keepCableConnection, streams } = config
  if (ice_servers !== undefined) {
    if (!Array.isArray(ice_servers)) throw new TypeError("p2p config: ice_servers must be an array of {urls, username?, credential?}")
    ice_servers.forEach((server: unknown, i) => {
      if (!isObject(server)) throw new TypeError(`p2p config: ice_servers[${i}] must be an object`)
      unknownKeys(server, ICE_SERVER_KEYS, `ice_servers[${i}].`)
      const urls = server.urls
      const valid = typeof urls === "string" || (Array.isArray(urls) && urls.length > 0 && urls.every((url) => typeof url === "string"))
      if (!valid) throw new TypeError(`p2p config: ice_servers[${i}].urls must be a URL string or an array of them`)
      for (const key of ["username", "credential"]) {
        if (server[key] !== undefined && typeof server[key] !== "string") throw new TypeError(`p2p config: ice_servers[${i}].${key} must be a string`)
      }
    })
  }
  if (ice_transport_policy !== undefined && ice_transport_policy !== "all" && ice_transport_policy !== "relay") {
    throw new TypeError('p2p config: ice_transport_policy must be "all" or "relay"')
  }
  if (heartbeat !== undefined) {
    if (!isObject(heartbeat)) throw new TypeError("p2p config: heartbeat must be an object {interval_mls, idle_timeout_mls}")
    unknownKeys(heartbeat, HEARTBEAT_KEYS, "heartbeat.")
    for (const key of HEARTBEAT_KEYS) {
      const value = heartbeat[key]
      if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value > 0)) {
        throw new TypeError(`p2p config: heartbeat.${key} must be a positive number of milliseconds`)
      }
    }
    const interval = (heartbeat.interval_mls as number | undefined) ?? 1000
    const idle = (heartbeat.idle_timeout_mls as number | undefined) ?? 3000
    if (!(idle > interval)) throw new TypeError(`p2p config: heartbeat.idle_timeout_mls (${idle}) must exceed heartbeat.interval_mls (${interval})`)
  }
  if (keepCableConnection !== undefined && typeof keepCableConnection !== "boolean") {
    throw new TypeError("p2p config: keepCableConnection must be true or false")
  }
  if (streams !== undefined) {
    if (!isObject(streams)) throw new TypeError("p2p config: streams must be an object {max_message_bytes, max_open_per_peer, idle_timeout_mls}")
    unknownKeys(streams, STREAM_KEYS, "streams.")
    for (const key of STREAM_KEYS) {
      const value = streams[key]
      if (value !== undefined && !(typeof value === "number" && Number.isSafeInteger(value) && value > 0)) {
        throw new TypeError(`p2p config: streams.${key} must be a positive whole number`)
      }
    }
  }
  return config as P2pConfig
}

/** Validates (see {@link validateP2pConfig}) and applies defaults. */
export function resolveP2pConfig(config: unknown = {}): ResolvedP2pConfig {
  const valid = validateP2pConfig(config)
  return {
    iceServers: valid.ice_servers ?? [],
    iceTransportPolicy: valid.ice_transport_policy ?? "all",
    heartbeatIntervalMs: valid.heartbeat?.interval_mls ?? 1000,
    idleTimeoutMs: valid.heartbeat?.idle_timeout_mls ?? 3000,
    keepCableConnection: valid.keepCableConnection ?? false,
    maxMessageBytes: valid.streams?.max_message_bytes ?? 64 << 20,
    maxStreamsPerPeer: valid.streams?.max_open_per_peer ?? 16,
    streamIdleTimeoutMs: valid.streams?.idle_timeout_mls ?? 30_000,
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue
    const near = known.find((candidate) => candidate.toLowerCase().replace(/_/g, "") === key.toLowerCase().replace(/_/g, ""))
    throw new TypeError(`p2p config: unknown key "${path}${key}"${near ? ` (did you mean "${path}${near}"?)` : `; known keys: ${known.join(", ")}`}`)
  }
}

import { parseJsonObject } from "./parseJsonObject.js"
import { ProtocolError } from "./ProtocolError.js"

/** The WebSocket subprotocol spoken by ActionCable and by this server. */
export const CABLE_PROTOCOL = "actioncable-v1-json"

/** Reasons carried by a `disconnect` frame, as ActionCable names them. */
export type DisconnectReason = "unauthorized" | "invalid_request" | "server_restart" | "remote" | "rate_limited" | "no_subscription"

/** Commands a client sends, parsed. `data` is still the raw JSON string ActionCable puts there. */
export type ClientCommand =
  | { command: "subscribe"; identifier: string }
  | { command: "unsubscribe"; identifier: string }
  | { command: "message"; identifier: string; data: string }

/**
 * Frames the server sends. Field names and values are those of Rails ActionCable, and nothing
 * else: the official client throws on a frame of unknown `type` that has no `identifier`.
 */
export type ServerFrame =
  | { type: "welcome" }
  | { type: "ping"; message: number }
  | { type: "confirm_subscription"; identifier: string }
  | { type: "reject_subscription"; identifier: string; reason?: string }
  | { type: "disconnect"; reason: DisconnectReason; reconnect: boolean }
  | { identifier: string; message: unknown }

/**
 * Parses one text frame from a client into a command.
 * Throws {@link ProtocolError} with `malformed_json`, `malformed_frame` or `unknown_command`.
 */
export function parseClientCommand(text: string): ClientCommand {
  const { command, identifier, data } = parseJsonObject(text, "frame", "malformed_json", "malformed_frame")
  if (typeof command !== "string") throw new ProtocolError("malformed_frame", "frame has no \"command\" string")
  if (typeof identifier !== "string" || identifier.length === 0) {
    throw new ProtocolError("malformed_frame", "frame has no \"identifier\" string")
  }
  switch (command) {
    case "subscribe":
    case "unsubscribe":
      return { command, identifier }
    case "message":
      if (typeof data !== "string") throw new ProtocolError("malformed_frame", "message frame has no \"data\" string")
      return { command, identifier, data }
    default:
      throw new ProtocolError("unknown_command", `unknown command "${command.slice(0, 40)}"`)
  }
}

/** Serialises a server frame. */
export function encodeServerFrame(frame: ServerFrame): string {
  return JSON.stringify(frame)
}

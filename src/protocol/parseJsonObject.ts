import { ProtocolError, type RejectionReason } from "./ProtocolError.js"

/**
 * Parses text that must hold one JSON object. Throws {@link ProtocolError}: `jsonCode` when it is
 * not JSON, `shapeCode` when it is JSON but not an object; messages name `what`.
 */
export function parseJsonObject(text: string, what: string, jsonCode: RejectionReason, shapeCode: RejectionReason): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ProtocolError(jsonCode, `${what} is not valid JSON`)
  }
  if (!isRecord(value)) throw new ProtocolError(shapeCode, `${what} must be a JSON object`)
  return value
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

import * as ActionCable from "@rails/actioncable"
import WebSocket from "ws"

// The official client expects a browser: a global WebSocket and window-level listeners.
ActionCable.adapters.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket
const global = globalThis as unknown as Record<string, unknown>
global.addEventListener ??= () => {}
global.removeEventListener ??= () => {}

export { ActionCable }

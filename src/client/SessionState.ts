/**
 * Where a peer stands. `negotiating`: joining through signaling; `connecting`: opening the peer
 * connection; `connected`: in the session (the host is connected as soon as it is elected);
 * `full`: the session has no place; it joins by itself when one frees up; `disconnected`: lost
 * the host, healing; `closed`: stopped.
 */
export type SessionState = "idle" | "negotiating" | "connecting" | "connected" | "full" | "disconnected" | "closed"

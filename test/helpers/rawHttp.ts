import { connect } from "node:net"

/**
 * Sends raw bytes as an HTTP request and resolves with everything the server answered, once it
 * closes the connection (or `timeoutMs` passes). For requests no HTTP client library would send.
 */
export function rawHttp(port: number, request: string | Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1")
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(Buffer.concat(chunks).toString("latin1"))
    }, timeoutMs)
    socket.on("data", (chunk) => chunks.push(chunk))
    socket.on("error", (error) => {
      clearTimeout(timer)
      if (chunks.length > 0) resolve(Buffer.concat(chunks).toString("latin1"))
      else reject(error)
    })
    socket.on("close", () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString("latin1"))
    })
    // Not end(): a client that half-closes loses answers still being prepared (Node aborts the request).
    socket.write(request)
  })
}

/** The status code of a raw HTTP answer, or undefined when it is not one. */
export function statusOf(answer: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(answer)
  return match ? Number(match[1]) : undefined
}

/**
 * Sends raw requests, `concurrency` at a time, and resolves with each answer's status, counted,
 * and the requests `accepted(status, answer)` refused.
 */
export async function sendAll(
  port: number,
  requests: readonly string[],
  concurrency: number,
  accepted: (status: number | undefined, answer: string) => boolean,
): Promise<{ statuses: Map<number | undefined, number>; refused: string[] }> {
  const statuses = new Map<number | undefined, number>()
  const refused: string[] = []
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const request = requests[next++]!
      const answer = await rawHttp(port, request)
      const status = statusOf(answer)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      if (!accepted(status, answer)) refused.push(request)
    }
  }))
  return { statuses, refused }
}

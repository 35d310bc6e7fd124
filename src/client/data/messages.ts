import { encodeMessageFrame, MAX_FRAME_BYTES, type MessageFrame } from "../../protocol/DataFrame.js"
import type { DataMessage, StreamKind, StreamOpenMessage } from "../../protocol/PeerMessage.js"
import { IncomingFile } from "./FileTransfer.js"
import { IncomingStream } from "./IncomingStream.js"
import { blobSource, bytesSource, shaped, utf8, type ByteSource, type Payload } from "./payload.js"

/** How a message goes on a link: one frame (text or binary), or a stream on the bulk lane. */
export type Encoded = { frame: string | Uint8Array } | { stream: ByteSource; kind: StreamKind }

/** Encodes a message for a link; `senderId` is stamped by the host, `to` names one recipient. */
export function encodeMessage(payload: Payload, senderId: string | undefined, to: string | undefined): Encoded {
  switch (payload.kind) {
    case "json": {
      const head = `{"type":"Data"${senderId === undefined ? "" : `,"senderId":${JSON.stringify(senderId)}`}${to === undefined ? "" : `,"to":${JSON.stringify(to)}`},"data":`
      const text = `${head}${payload.text}}`
      // A UTF-8 character takes at most three bytes per UTF-16 unit; measure exactly only when it may matter.
      if (text.length * 3 <= MAX_FRAME_BYTES || utf8(text).byteLength <= MAX_FRAME_BYTES) return { frame: text }
      return { stream: bytesSource(utf8(payload.text)), kind: "json" }
    }
    case "binary": {
      const frame: Omit<MessageFrame, "kind"> = { shape: payload.shape, payload: payload.bytes }
      if (senderId !== undefined) frame.senderId = senderId
      if (to !== undefined) frame.to = to
      if (4 + (senderId?.length ?? 0) + (to?.length ?? 0) + payload.bytes.byteLength <= MAX_FRAME_BYTES) return { frame: encodeMessageFrame(frame) }
      return { stream: bytesSource(payload.bytes), kind: payload.shape }
    }
    case "blob":
      return { stream: blobSource(payload.blob), kind: "arraybuffer" }
  }
}

/** Shows the sender a message it sent to everyone as the others receive it: at once, or once a `Blob` is read. */
export function echo(payload: Payload, show: (data: unknown) => void): void {
  switch (payload.kind) {
    case "json":
      return show(payload.value)
    case "binary":
      return show(payload.shape === "arraybuffer" ? payload.value : payload.bytes)
    case "blob":
      void payload.blob.arrayBuffer().then(show, () => {})
  }
}

/** A binary message frame as the app receives it. */
export function frameMessage(frame: MessageFrame, fallbackSender: string): DataMessage {
  const message: DataMessage = { type: "Data", senderId: frame.senderId ?? fallbackSender, data: shaped(frame.payload, frame.shape) }
  if (frame.to !== undefined) message.to = frame.to
  return message
}

/** A stream arriving at this peer: a message, or a file. */
export type StreamSink = IncomingStream | IncomingFile

/**
 * Accepts a stream for this peer, or says why not (sent back as the cancel reason). `sendCancel`
 * tells the sender's side that this peer gives a file up.
 */
export function acceptStream(open: StreamOpenMessage, senderId: string, maxMessageBytes: number, ack: (bytes: number) => void, sendCancel: (message: string) => void): StreamSink | { refused: "too_large" | "bad_stream"; message: string } {
  if (open.offset) return { refused: "bad_stream", message: "this peer cannot take a stream part-way" }
  if (open.kind === "file") return new IncomingFile(open, senderId, ack, sendCancel)
  if (open.size > maxMessageBytes) return { refused: "too_large", message: `a message of ${open.size} bytes; this peer takes at most ${maxMessageBytes}` }
  return new IncomingStream(open, senderId, ack)
}

/** A complete stream as the app receives it; throws when JSON text does not parse. */
export function streamMessage(stream: IncomingStream): DataMessage {
  const message: DataMessage = { type: "Data", senderId: stream.senderId, data: stream.value() }
  if (stream.open.to !== undefined) message.to = stream.open.to
  return message
}

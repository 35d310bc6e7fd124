export * from "./CableFrame.js"
export * from "./ChannelIdentifier.js"
export * from "./ProtocolError.js"
export * from "./Signal.js"

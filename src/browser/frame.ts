// The browser pieces without Stimulus, as one module: the importmap names
// "p2p-streams-channel/frame" and "p2p-streams-channel/client" point here, so a page with only
// `<p2p-frame>` or a bare `P2pSession` does not load and parse Stimulus. It shares its code (one
// chunk) with the full module, so a page that loads both has one `<p2p-frame>` and one session class.
export { P2pSession, P2pError, type P2pConfig, type P2pMessage, type SessionState } from "../client/index.js"
export { P2pFrameElement } from "../frame/index.js"

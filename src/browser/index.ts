// Everything a page needs, as one module: the importmap name "p2p" points here.
export { P2pSession, P2pError, type P2pConfig, type P2pMessage, type SessionState } from "../client/index.js"
export { P2pFrameElement } from "../frame/index.js"
export { P2pController } from "../stimulus/index.js"

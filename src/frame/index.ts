export { P2pFrameElement, type P2pFrameEventMap } from "./P2pFrameElement.js"

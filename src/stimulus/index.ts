export { P2pController } from "./P2pController.js"

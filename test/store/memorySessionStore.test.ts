import { MemorySessionStore } from "../../src/server/store/MemorySessionStore.js"
import { describeSessionStore } from "./sessionStoreConformance.js"

describeSessionStore("memory", (options) => new MemorySessionStore(options))

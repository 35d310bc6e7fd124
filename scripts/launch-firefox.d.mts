import type { Browser } from "puppeteer-core"

/** Debian's Firefox ESR, headless, set up for WebRTC in the tests' network namespace. */
export declare function launchFirefox(): Promise<Browser>

import puppeteer, { type Browser } from "puppeteer-core"

/**
 * Debian's Firefox ESR, headless, driven over WebDriver BiDi, set up for WebRTC in the tests'
 * network namespace: real host addresses in candidates (not mDNS names), and a fake camera and
 * microphone that need no permission prompt. Firefox gathers candidates only on the interface of
 * the default route, which scripts/netns.sh provides.
 */
export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
    headless: true,
    extraPrefsFirefox: {
      "media.peerconnection.ice.obfuscate_host_addresses": false,
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      // No update checks, telemetry or captive-portal probes: the namespace has no network.
      "app.update.enabled": false,
      "network.captive-portal-service.enabled": false,
      "toolkit.telemetry.enabled": false,
    },
  })
}

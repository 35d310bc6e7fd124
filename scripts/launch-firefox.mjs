// Debian's Firefox ESR (FIREFOX_PATH to use another), headless, driven by puppeteer-core over
// WebDriver BiDi and set up for WebRTC in a network namespace of scripts/netns.sh: real host
// addresses in candidates (not mDNS names), a fake camera and microphone that need no permission
// prompt. The tests and the browser bench both launch it from here.
import puppeteer from "puppeteer-core"

export function launchFirefox() {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
    headless: true,
    extraPrefsFirefox: {
      "media.peerconnection.ice.obfuscate_host_addresses": false,
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      // Take a Chromium peer's loopback candidate (Chromium here sometimes offers no other; see docs/benchmarks.md).
      "media.peerconnection.ice.loopback": true,
      // No update checks, telemetry or captive-portal probes: the namespace has no network.
      "app.update.enabled": false,
      "network.captive-portal-service.enabled": false,
      "toolkit.telemetry.enabled": false,
    },
  })
}

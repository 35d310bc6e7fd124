import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["test/{protocol,server,store,cli,client}/**/*.test.ts"] } },
      // Browser tests run one file at a time: they share the loopback network, and one of them
      // blacks out UDP on purpose.
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], fileParallelism: false } },
      // Sessions that mix Firefox and Chromium (Debian's firefox-esr, driven over WebDriver BiDi).
      { extends: true, test: { name: "firefox", include: ["test/firefox/**/*.test.ts"], fileParallelism: false } },
      // The Rails gem against the same suites; needs Debian's ruby-rails and puma (npm test installs them).
      { extends: true, test: { name: "rails", include: ["test/rails/**/*.test.ts"], fileParallelism: false } },
    ],
  },
})

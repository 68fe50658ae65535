import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";

// One suite, two runtimes: the same test files run in Node and in real headless Chromium (Debian's
// /usr/bin/chromium: no browser is ever downloaded). Node 20 validates relaxed SIMD only with a flag,
// which cannot go in NODE_OPTIONS, hence execArgv.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**"],
          environment: "node",
          pool: "forks",
          execArgv: ["--experimental-wasm-relaxed-simd"],
          testTimeout: 60_000,
        },
      },
      {
        // cross-origin isolation, so the page has SharedArrayBuffer and test/threads/* runs with workers
        server: { headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } },
        test: {
          name: "browser",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/node/**"],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromium,
                args: [
                  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                ],
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});

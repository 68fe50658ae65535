import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";

// One suite, two runtimes: the same test files run in Node and in real headless Chromium (Debian's
// /usr/bin/chromium: no browser is ever downloaded). Relaxed SIMD needs no flag: on Node 20 the loader
// turns V8's on itself (src/wasm/relaxed-flag.ts), and Node 22+ reject the old command-line flag.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          // CI's extra runs on Node 22/24/26 leave out the demo's Chromium e2e (the page does not depend on the Node serving it)
          exclude: ["test/e2e/**", ...(process.env.SIMDNET_NO_DEMO_E2E ? ["test/node/demo-e2e.test.ts"] : [])],
          environment: "node",
          pool: "forks",
          testTimeout: 60_000,
        },
      },
      {
        // cross-origin isolation, so the page has SharedArrayBuffer and test/threads/* runs with workers
        server: { headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } },
        test: {
          name: "browser",
          include: ["test/**/*.test.ts"],
          // test/onnx/ reads ONNX's test data and the fixtures with node:fs, and runs onnxruntime-web's Node build: Node only
          exclude: ["test/e2e/**", "test/node/**", "test/onnx/**"],
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

import { defineConfig } from "vite";

// The demo (demo/) as a static site. Keep .wasm and the digit data as files (vite would inline assets
// under 4 KB as data URLs), and let the library find them with `new URL(…, import.meta.url)`. The
// training worker is an ES module worker (it shares the library's code-split chunks with the page).
const ISOLATED = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root: "demo",
  build: { outDir: "../dist/demo", emptyOutDir: true, assetsInlineLimit: 0, target: "es2022" },
  worker: { format: "es" },
  // cross-origin isolation (COOP + COEP), so the page may use SharedArrayBuffer: createEngine({ threads: "auto" })
  server: { fs: { allow: [".."] }, headers: ISOLATED },
  preview: { headers: ISOLATED },
});

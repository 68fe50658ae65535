import { defineConfig, type Plugin } from "vite";

// The demo (demo/) as a static site that works from any path (base "./": every asset, the worker, the
// wasm and the digits are requested relative to the page or the script, never from the site's root). Keep .wasm and the digit data as files (vite would inline assets
// under 4 KB as data URLs), and let the library find them with `new URL(…, import.meta.url)`. The
// training worker is an ES module worker (it shares the library's code-split chunks with the page).
const ISOLATED = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

/**
 * Drops emitted files no chunk refers to: the library's `new URL("…/mnist-embedded.bin", import.meta.url)`
 * makes vite emit those 7.9 MB even though the demo never loads them (its worker streams the gzipped
 * build/mnist-demo.gz, 1.6 MB, instead) and tree-shaking removed the code that would.
 */
function dropUnreferenced(pattern: RegExp): Plugin {
  return {
    name: "drop-unreferenced-assets",
    generateBundle(_options, bundle) {
      const code = Object.values(bundle).map((f) => (f.type === "chunk" ? f.code : "")).join("\n");
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === "asset" && pattern.test(name) && !code.includes(name.split("/").pop()!)) delete bundle[name];
      }
    },
  };
}

export default defineConfig({
  root: "demo",
  base: "./",
  build: { outDir: "../dist/demo", emptyOutDir: true, assetsInlineLimit: 0, target: "es2022" },
  plugins: [dropUnreferenced(/mnist-embedded/)],
  worker: { format: "es", plugins: () => [dropUnreferenced(/mnist-embedded/)] },
  // cross-origin isolation (COOP + COEP), so the page may use SharedArrayBuffer: createEngine({ threads: "auto" })
  server: { fs: { allow: [".."] }, headers: ISOLATED },
  preview: { headers: ISOLATED },
});

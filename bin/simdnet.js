#!/usr/bin/env -S node --experimental-wasm-relaxed-simd
// The installed CLI runs the compiled JS; in a checkout, `npm start` / `npx tsx src/cli/main.ts` run the sources.
import "../dist/src/cli/main.js";

#!/usr/bin/env node
// The installed CLI runs the compiled JS; in a checkout, `npm start` / `npx tsx src/cli/main.ts` run the sources.
import "../dist/src/cli/main.js";

// Node-only: a program that creates a threaded engine and never calls dispose() still exits (the pool's
// workers are unref'd), and one that does dispose exits too.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("threaded engine in a Node program", () => {
  for (const dispose of [false, true]) {
    it(`exits by itself ${dispose ? "after" : "without"} dispose()`, async () => {
      const code = `import { createEngine } from "./src/wasm/engine.ts";
        const e = await createEngine({ threads: 2 });
        console.log(e.threads);${dispose ? " e.dispose();" : ""}`;
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: root, timeout: 30_000 });
      expect(stdout.trim()).toBe("2");
    });
  }
});

import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/wasm/engine.js";

describe("createEngine", () => {
  it("picks the relaxed build where relaxed SIMD validates (Node test project passes the flag; Chromium has it)", async () => {
    const e = await createEngine();
    expect(e.variant).toBe("relaxed");
    expect(e.k.relaxed_simd()).toBe(1);
  });
  it("loads each build on request and reports it", async () => {
    for (const v of ["plain", "relaxed", "debug"] as const) {
      const e = await createEngine({ variant: v });
      expect(e.variant).toBe(v);
    }
  });
});

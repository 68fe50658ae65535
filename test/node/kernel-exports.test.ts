// The kernel ABI's names, checked against every built module: src/wasm/kernels.ts's Kernels interface
// is exactly what the full builds export, ThreadKernels what the threads builds export, and INFER_KERNELS
// exactly what the inference builds export (assembly/infer.ts is generated from it and must be current).
// SPLITS only names real kernels. Exports are read from the binaries' export sections, so no build
// has to compile here (the relaxed ones need relaxed SIMD).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { INFER_KERNELS } from "../../src/wasm/kernels.js";
import { SPLITS } from "../../src/wasm/parallel.js";
import { INFER_ENTRY, inferSource } from "../../scripts/infer-exports.js";

const root = new URL("../../", import.meta.url);

/** Names of the function exports in a wasm binary's export section (section id 7). */
function functionExports(bytes: Uint8Array): string[] {
  let at = 8;
  const u32 = (): number => {
    let v = 0, shift = 0, b: number;
    do {
      b = bytes[at++];
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return v >>> 0;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 7) {
      const names: string[] = [];
      for (let n = u32(); n > 0; n--) {
        const len = u32();
        const name = new TextDecoder().decode(bytes.subarray(at, at + len));
        at += len;
        const kind = bytes[at++];
        u32();
        if (kind === 0) names.push(name);
      }
      return names.sort();
    }
    at = end;
  }
  return [];
}

/** Member names of an interface declared in src/wasm/kernels.ts, own members only. */
function interfaceMembers(name: string): string[] {
  const path = fileURLToPath(new URL("src/wasm/kernels.ts", root));
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
  const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!decl) throw new Error(`no interface ${name} in src/wasm/kernels.ts`);
  return decl.members.map((m) => (m.name as ts.Identifier).text);
}

const exportsOf = (file: string): string[] => functionExports(readFileSync(new URL(`build/${file}`, root)));
const KERNELS = interfaceMembers("Kernels").sort();
const THREADS = [...KERNELS, ...interfaceMembers("ThreadKernels")].sort();

describe("kernel names", () => {
  it("Kernels lists each kernel once and SPLITS only names kernels", () => {
    expect(new Set(KERNELS).size).toBe(KERNELS.length);
    expect(KERNELS.length).toBeGreaterThan(60);
    for (const name of Object.keys(SPLITS)) expect(KERNELS).toContain(name);
  });

  it.each(["simdnet.wasm", "simdnet.relaxed.wasm", "simdnet.debug.wasm"])("%s exports exactly Kernels", (file) => {
    expect(exportsOf(file)).toEqual(KERNELS);
  });

  it.each(["simdnet.threads.wasm", "simdnet.threads.relaxed.wasm"])("%s exports exactly ThreadKernels", (file) => {
    expect(exportsOf(file)).toEqual(THREADS);
  });

  it.each(["simdnet.infer.wasm", "simdnet.infer.relaxed.wasm"])("%s exports exactly INFER_KERNELS, no RNG kernel", (file) => {
    expect(exportsOf(file)).toEqual([...INFER_KERNELS].sort());
    expect(exportsOf(file).filter((n) => n.startsWith("rng_"))).toEqual([]);
  });

  it("assembly/infer.ts is generated from INFER_KERNELS (run scripts/infer-exports.ts after editing the list)", () => {
    expect(readFileSync(INFER_ENTRY, "utf8")).toBe(inferSource());
  });
});

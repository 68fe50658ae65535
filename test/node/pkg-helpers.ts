// Shared by test/node/pkg.test.ts and pkg-onnx.test.ts: building, packing and installing the tarball, running the runtimes' binaries and commands, HTTP to workerd, the
// shapes the examples print, and what a threads run must show.
import { expect } from "vitest";
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const nm = join(root, "node_modules");
/**
 * The runtimes' binaries ship inside npm packages (@deno/linux-x64-glibc, @oven/bun-linux-x64,
 * @cloudflare/workerd-linux-64). Their postinstall scripts only link them into place, so look in
 * both places: this works whether or not npm ran the install scripts.
 */
export function tool(name: "deno" | "bun" | "workerd"): string {
  const candidates = {
    deno: ["deno/deno", "@deno/linux-x64-glibc/deno"],
    bun: ["bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun"],
    workerd: ["workerd/bin/workerd", "@cloudflare/workerd-linux-64/bin/workerd"],
  }[name].map((p) => join(nm, p));
  const found = candidates.find((p) => existsSync(p) && statSync(p).size > 1e6);
  if (!found) throw new Error(`no ${name} binary in node_modules (looked at ${candidates.join(", ")}): run npm ci`);
  return found;
}

/** What every runtime's example prints. */
export interface Result {
  runtime: string;
  variant: string;
  labels: number[];
  predicted: number[];
  trained: number[];
  accuracy: number;
  checksum: number;
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function ok(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await sh(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The last stdout line, parsed: each example prints one JSON object. */
export const lastJson = <T>(out: string): T => JSON.parse(out.trim().split("\n").at(-1)!) as T;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function post(port: number, body: Uint8Array, method = "POST"): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const q = request({ host: "127.0.0.1", port, method, path: "/" }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    q.on("error", reject);
    q.end(body);
  });
}

/** What examples/threads.mjs prints: one seeded training on 1, 2 and "auto" threads. */
export interface ThreadsRun {
  threads: number;
  note: string;
  predicted: number[];
  weights: number;
}
export interface ThreadsResult {
  labels: number[];
  one: ThreadsRun;
  two: ThreadsRun;
  auto: ThreadsRun;
}

/** 2 threads really ran, and trained the same weights as 1 (the split GEMMs keep every sum's order); "auto" either used threads or said why not. */
export function expectThreads(r: ThreadsResult): void {
  expect([r.one.threads, r.two.threads]).toEqual([1, 2]);
  expect(r.two.weights).toBe(r.one.weights);
  expect(r.two.predicted).toEqual(r.one.predicted);
  expect(r.one.predicted.filter((p, i) => p === r.labels[i]).length).toBeGreaterThan(0.8 * r.labels.length);
  expect(r.auto.weights).toBe(r.one.weights);
  if (r.auto.threads === 1) expect(r.auto.note).toMatch(/^one thread: ./);
  else expect(r.auto.note).toBe("");
}

/** An IDX file: magic, dimensions (u32 big-endian), then the data. */
export function idxFile(magic: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

/** What `npm pack --json` says of the tarball (the fields the tests read). */
export interface Packed { filename: string; size: number; unpackedSize: number; files: { path: string }[] }

/**
 * Builds the package in a staging copy under `dir` (the real build:ts script, so the checkout's dist/
 * is never touched), packs it, and installs the tarball into a new project `dir/proj` named `name`.
 */
export async function packAndInstall(dir: string, name: string): Promise<{ packed: Packed; proj: string }> {
  const stage = join(dir, "stage");
  mkdirSync(join(stage, "build"), { recursive: true });
  for (const f of ["package.json", "README.md", "LICENSE", "tsconfig.json", "tsconfig.build.json"]) copyFileSync(join(root, f), join(stage, f));
  for (const d of ["src", "bin", "scripts"]) cpSync(join(root, d), join(stage, d), { recursive: true });
  for (const f of ["simdnet.wasm", "simdnet.relaxed.wasm", "simdnet.debug.wasm", "simdnet.infer.wasm", "simdnet.infer.relaxed.wasm", "simdnet.threads.wasm", "simdnet.threads.relaxed.wasm", "mnist-embedded.bin"]) {
    copyFileSync(join(root, "build", f), join(stage, "build", f));
  }
  symlinkSync(nm, join(stage, "node_modules"));
  await ok("npm", ["run", "build:ts"], stage);
  const [packed] = JSON.parse(await ok("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], stage)) as Packed[];
  const proj = join(dir, "proj");
  mkdirSync(proj);
  writeFileSync(join(proj, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  await ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, packed.filename)], proj);
  return { packed, proj };
}

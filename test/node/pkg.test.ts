// The package as users get it (issue 8): build and `npm pack` once in a staging copy, install the
// tarball into one temporary project, then run every example there: Node (library, CLI, require),
// Deno, Bun, a plain <script type="module"> page in Chromium, and a workerd worker over HTTP. The same
// seed must give the same predictions and the same trained weights in every runtime.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { makeDigits } from "../../examples/make-digits.js";
import { parseEmbedded } from "../../src/data/mnist.js";
import { splitDataSet } from "../../src/data/split.js";
import { INFER_BUDGET, measureSizes } from "../../scripts/size.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const nm = join(root, "node_modules");
/**
 * The runtimes' binaries ship inside npm packages (@deno/linux-x64-glibc, @oven/bun-linux-x64,
 * @cloudflare/workerd-linux-64). Their postinstall scripts only link them into place, so look in
 * both places: this works whether or not npm ran the install scripts.
 */
function tool(name: "deno" | "bun" | "workerd"): string {
  const candidates = {
    deno: ["deno/deno", "@deno/linux-x64-glibc/deno"],
    bun: ["bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun"],
    workerd: ["workerd/bin/workerd", "@cloudflare/workerd-linux-64/bin/workerd"],
  }[name].map((p) => join(nm, p));
  const found = candidates.find((p) => existsSync(p) && statSync(p).size > 1e6);
  if (!found) throw new Error(`no ${name} binary in node_modules (looked at ${candidates.join(", ")}): run npm ci`);
  return found;
}
const examples = join(root, "examples");

/** What every runtime's example prints. */
interface Result {
  runtime: string;
  variant: string;
  labels: number[];
  predicted: number[];
  trained: number[];
  accuracy: number;
  checksum: number;
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
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

async function ok(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await sh(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The last stdout line, parsed: each example prints one JSON object. */
const lastJson = <T>(out: string): T => JSON.parse(out.trim().split("\n").at(-1)!) as T;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function post(port: number, body: Uint8Array, method = "POST"): Promise<{ status: number; text: string }> {
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

let dir = "";
let proj = "";
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
let testPixels: Uint8Array;
const results = new Map<string, Result>();
const timings: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "simdnet-pkg-"));
  // Build in a staging copy (the real build:ts script), so the checkout's dist/ is never touched.
  const stage = join(dir, "stage");
  mkdirSync(join(stage, "build"), { recursive: true });
  for (const f of ["package.json", "README.md", "LICENSE", "tsconfig.json", "tsconfig.build.json"]) copyFileSync(join(root, f), join(stage, f));
  for (const d of ["src", "bin"]) cpSync(join(root, d), join(stage, d), { recursive: true });
  for (const f of ["simdnet.wasm", "simdnet.relaxed.wasm", "simdnet.debug.wasm", "simdnet.infer.wasm", "simdnet.infer.relaxed.wasm", "simdnet.threads.wasm", "simdnet.threads.relaxed.wasm", "mnist-embedded.bin"]) {
    copyFileSync(join(root, "build", f), join(stage, "build", f));
  }
  symlinkSync(join(root, "node_modules"), join(stage, "node_modules"));
  await ok("npm", ["run", "build:ts"], stage);
  [packed] = JSON.parse(await ok("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], stage));

  proj = join(dir, "proj");
  mkdirSync(proj);
  writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "uses-simdnet", private: true, type: "module" }));
  await ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, packed.filename)], proj);
  const digits = await makeDigits();
  writeFileSync(join(proj, "digits.bin"), digits);
  copyFileSync(join(examples, "assets", "mlp.simdnet"), join(proj, "mlp.simdnet"));
  copyFileSync(join(examples, "node", "main.mjs"), join(proj, "main.mjs"));
  copyFileSync(join(examples, "deno", "main.ts"), join(proj, "deno.ts"));
  copyFileSync(join(examples, "bun", "main.ts"), join(proj, "bun.ts"));
  copyFileSync(join(examples, "browser", "index.html"), join(proj, "index.html"));
  copyFileSync(join(examples, "workerd", "worker.js"), join(proj, "worker.js"));
  copyFileSync(join(examples, "workerd", "config.capnp"), join(proj, "config.capnp"));
  // The examples' test digits, as the worker receives them.
  const [, test] = splitDataSet(parseEmbedded(digits), [500, 100], 0);
  testPixels = test.inputs as Uint8Array;
}, 600_000);

afterAll(() => {
  if (timings.length) console.log(timings.join("\n"));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("ships ESM, .d.ts, the wasm builds and the CLI, nothing else", () => {
    const files = packed.files.map((f) => f.path);
    const allowed = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^bin\/simdnet\.js$/, /^dist\/src\/.+\.(js|d\.ts)$/, /^dist\/bundle\/(infer|onnx)\.js$/, /^dist\/build\/simdnet(\.relaxed|\.debug|\.infer|\.infer\.relaxed|\.threads|\.threads\.relaxed)?\.wasm$/];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const f of ["dist/src/index.js", "dist/src/index.d.ts", "dist/src/infer.js", "dist/src/infer.d.ts", "dist/src/node.js", "dist/bundle/infer.js", "bin/simdnet.js", "dist/build/simdnet.infer.wasm", "dist/build/simdnet.relaxed.wasm"]) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => /test|demo|\.map$|mnist-embedded/.test(f))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(proj, "node_modules", "simdnet", "package.json"), "utf8"));
    expect(pkg.sideEffects).toBe(false);
    expect(Object.keys(pkg.exports["."])).toEqual(["types", "node", "browser", "worker", "default"]);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["@assemblyscript/loader", "cli-progress", "pngjs"]);
    timings.push(`tarball: ${(packed.size / 1024).toFixed(1)} KB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked, ${files.length} files`);
  });

  it("bundles for browsers with no Node built-in, tree-shakes, and keeps simdnet/node out of browser bundles", async () => {
    const bundle = async (contents: string) => {
      const r = await build({ stdin: { contents, resolveDir: proj, loader: "js" }, bundle: true, format: "esm", platform: "browser", minify: true, write: false, logLevel: "silent" });
      return r.outputFiles[0].text;
    };
    // platform "browser" fails on any reachable node:* import, static or literal dynamic
    const everything = await bundle(`export * from "simdnet"; export * from "simdnet/infer";`);
    expect(everything).not.toMatch(/import\(["']node:|from ?["']node:/);
    const small = await bundle(`export { Rng } from "simdnet";`);
    expect(small.length).toBeLessThan(everything.length / 5);
    expect(small).not.toContain("early stopping");
    await expect(bundle(`export * from "simdnet/node";`)).rejects.toThrow(/simdnet\/node|not exported|browser/);
  });

  it(`reports sizes; simdnet/infer is at most ${INFER_BUDGET / 1024} KB gzipped JS + wasm`, async () => {
    const r = await measureSizes(join(dir, "stage"));
    const infer = r.entries[0];
    timings.push(...r.entries.map((e) => `${e.entry}: JS ${(e.jsGzip / 1024).toFixed(1)} KB + ${e.wasm} ${(e.wasmGzip / 1024).toFixed(1)} KB = ${(e.totalGzip / 1024).toFixed(1)} KB gzipped`));
    expect(infer.totalGzip).toBeLessThanOrEqual(INFER_BUDGET);
    const bundled = readFileSync(join(proj, "node_modules/simdnet/dist/bundle/infer.js"));
    expect(gzipSync(bundled).length).toBeLessThan(INFER_BUDGET / 2);
  }, 120_000);
});

describe("runtimes, each from the installed tarball", () => {
  it("Node 20 ESM: simdnet/infer predicts, a seeded training runs", async () => {
    const r = lastJson<Result>(await ok(process.execPath, ["main.mjs"], proj));
    results.set("node", r);
    const right = r.predicted.filter((p, i) => p === r.labels[i]).length;
    expect(right).toBeGreaterThanOrEqual(85);
    expect(r.accuracy).toBeGreaterThan(0.5);
  });

  it("Node 20: the CLI (help, predict, and a clear error for the digits the package does not ship) and require()", async () => {
    const cli = join(proj, "node_modules", ".bin", "simdnet");
    expect(await ok(cli, ["--help"], proj)).toContain("simdnet predict --model F");
    // an IDX directory: the examples' digits as t10k, and 10,000 training images (the default validation cut)
    const idx = join(proj, "idx");
    mkdirSync(idx);
    const all = readFileSync(join(root, "build", "mnist-embedded.bin"));
    const digits = parseEmbedded(readFileSync(join(proj, "digits.bin")));
    const idxFile = (magic: number, dims: number[], data: Uint8Array) => {
      const head = Buffer.alloc(4 + 4 * dims.length);
      head.writeUInt32BE(magic, 0);
      dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
      return Buffer.concat([head, data]);
    };
    writeFileSync(join(idx, "train-images-idx3-ubyte.gz"), gzipSync(idxFile(0x803, [10000, 28, 28], all.subarray(20 + 10000)), { level: 1 }));
    writeFileSync(join(idx, "train-labels-idx1-ubyte"), idxFile(0x801, [10000], all.subarray(20, 20 + 10000)));
    writeFileSync(join(idx, "t10k-images-idx3-ubyte"), idxFile(0x803, [digits.n, 28, 28], digits.inputs as Uint8Array));
    writeFileSync(join(idx, "t10k-labels-idx1-ubyte"), idxFile(0x801, [digits.n], digits.labels as Uint8Array));
    const table = await ok(cli, ["predict", "--model", "mlp.simdnet", "--data", "idx"], proj);
    const rows = table.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows.length).toBe(20);
    expect(rows.filter(([, label, pred]) => label === pred).length).toBeGreaterThanOrEqual(16);
    const noData = await sh(cli, ["eval", "--model", "mlp.simdnet"], proj);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(/embedded MNIST.*does not ship.*--data DIR/);
    const req = await ok(process.execPath, ["-e", 'const s = require("simdnet"); console.log(typeof s.Network, typeof s.init)'], proj);
    expect(req.trim()).toBe("function function");
  }, 120_000);

  it("Deno: the same example, from node_modules, offline", async () => {
    const out = await ok(tool("deno"), ["run", "--allow-read", "deno.ts"], proj, { DENO_DIR: join(dir, "deno"), DENO_NO_UPDATE_CHECK: "1" });
    results.set("deno", lastJson<Result>(out));
  }, 120_000);

  it("Bun: the same example", async () => {
    results.set("bun", lastJson<Result>(await ok(tool("bun"), ["bun.ts"], proj, { BUN_INSTALL_CACHE_DIR: join(dir, "bun") })));
  }, 120_000);

  it("Chromium: a plain <script type=\"module\"> page with an import map, no bundler", async () => {
    const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
    const server: Server = createServer((req, res) => {
      const path = join(proj, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.replace(/\/$/, "/index.html")));
      try {
        const body = readFileSync(path);
        res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => !document.querySelector("#result")!.textContent!.startsWith("running"), null, { timeout: 60_000 });
      expect(errors).toEqual([]);
      results.set("chromium", JSON.parse((await page.textContent("#result"))!));

      // no WebAssembly SIMD: the page's module fails with an Error that names the problem and the fix
      const nosimd = await browser.newPage();
      const failures: string[] = [];
      nosimd.on("pageerror", (e) => failures.push(e.message));
      await nosimd.addInitScript(() => {
        WebAssembly.validate = () => false;
      });
      await nosimd.goto(url);
      await expect.poll(() => failures.length, { timeout: 30_000 }).toBeGreaterThan(0);
      expect(failures[0]).toMatch(/does not support WebAssembly SIMD.*Chrome\/Edge >= 91/);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);

  it("workerd: the worker answers HTTP predictions with the bundled model and precompiled wasm", async () => {
    // Spawn → the socket accepts → the first prediction comes back, timed from outside (workerd's own
    // clocks stand still while a request runs). A worker that only echoes is the baseline.
    writeFileSync(join(proj, "echo.js"), "export default { async fetch(r) { return Response.json({ predictions: [(await r.arrayBuffer()).byteLength] }); } };");
    writeFileSync(join(proj, "echo.capnp"), readFileSync(join(proj, "config.capnp"), "utf8").replace('embed "worker.js"', 'embed "echo.js"'));
    const accepts = (port: number) => new Promise<boolean>((r) => {
      const c = connect(port, "127.0.0.1", () => (c.destroy(), r(true)));
      c.on("error", () => r(false));
    });
    const start = async (config: string) => {
      const port = await freePort();
      const t0 = performance.now();
      const proc = spawn(tool("workerd"), ["serve", config, "--socket-addr", `http=127.0.0.1:${port}`], { cwd: proj, stdio: ["ignore", "ignore", "pipe"] });
      let log = "";
      proc.stderr!.on("data", (d) => (log += d));
      while (!(await accepts(port))) {
        if (proc.exitCode !== null) throw new Error(`workerd exited ${proc.exitCode}: ${log}`);
        if (performance.now() - t0 > 30_000) throw new Error(`workerd did not listen within 30 s: ${log}`);
        await new Promise((r) => setTimeout(r, 1));
      }
      const t1 = performance.now();
      const first = await post(port, testPixels.subarray(0, 784));
      const t2 = performance.now();
      return { proc, port, first, coldMs: t2 - t0, firstMs: t2 - t1 };
    };
    const stop = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null ? r() : (p.on("exit", () => r()), p.kill("SIGTERM"))));
    const node = results.get("node")!;
    const runs: Record<string, { cold: number; first: number }[]> = { simdnet: [], echo: [] };
    for (let run = 0; run < 3; run++) {
      const echo = await start("echo.capnp");
      runs.echo.push({ cold: echo.coldMs, first: echo.firstMs });
      expect(JSON.parse(echo.first.text).predictions).toEqual([784]);
      await stop(echo.proc);
      const { proc, port, coldMs, firstMs, first } = await start("config.capnp");
      try {
        runs.simdnet.push({ cold: coldMs, first: firstMs });
        // a real digit, and the answer its label gives
        expect(first.status).toBe(200);
        expect(JSON.parse(first.text).predictions).toEqual([node.labels[0]]);
        if (run > 0) continue;
        const t = performance.now();
        const batch = await post(port, testPixels);
        const warmMs = performance.now() - t;
        expect(JSON.parse(batch.text).predictions).toEqual(node.predicted);
        results.set("workerd", { ...node, runtime: "workerd", predicted: JSON.parse(batch.text).predictions });
        expect((await post(port, new Uint8Array(0), "GET")).status).toBe(405);
        const bad = await post(port, new Uint8Array(100));
        expect(bad.status).toBe(400);
        expect(bad.text).toContain("784");
        timings.push(`workerd: 100 digits in one request ${warmMs.toFixed(1)} ms (warm)`);
      } finally {
        await stop(proc);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1].toFixed(1);
    for (const [name, r] of Object.entries(runs)) {
      timings.push(
        `workerd ${name} worker, median of 3: spawn → first prediction ${median(r.map((x) => x.cold))} ms, ` +
          `of which socket accepting → first response ${median(r.map((x) => x.first))} ms`,
      );
    }
  }, 120_000);

  it("the same seed gives the same predictions and weights in every runtime", () => {
    const node = results.get("node")!;
    expect([...results.keys()].sort()).toEqual(["bun", "chromium", "deno", "node", "workerd"]);
    for (const [name, r] of results) {
      expect({ name, predicted: r.predicted }).toEqual({ name, predicted: node.predicted });
      expect({ name, trained: r.trained, checksum: r.checksum, accuracy: r.accuracy }).toEqual({ name, trained: node.trained, checksum: node.checksum, accuracy: node.accuracy });
    }
    timings.push(`inference build per runtime: ${[...results].map(([n, r]) => `${n} ${r.variant}`).join(", ")}; trained-weights checksum ${node.checksum}`);
  });
});

describe("bad input, from the installed package", () => {
  it("names the problem and the fix: no SIMD, missing / wrong / corrupt .wasm, a newer model format", async () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { loadModel } from "simdnet/infer";
      import { init } from "simdnet";
      const model = readFileSync("mlp.simdnet");
      const wasm = readFileSync("node_modules/simdnet/dist/build/simdnet.infer.wasm");
      const newer = new Uint8Array(model); new DataView(newer.buffer).setUint32(4, 2, true);
      const attempt = async (f) => { try { await f(); return "no error"; } catch (e) { return e.message; } };
      const out = {
        newer: await attempt(() => loadModel(newer)),
        missing: await attempt(() => loadModel(model, { wasm: new URL("./nowhere/simdnet.infer.wasm", import.meta.url) })),
        notWasm: await attempt(() => loadModel(model, { wasm: new TextEncoder().encode("<html>404</html>") })),
        corrupt: await attempt(() => loadModel(model, { wasm: wasm.subarray(0, 5000) })),
        foreign: await attempt(() => loadModel(model, { wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) })),
        foreignFull: await attempt(() => init({ wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) })),
      };
      WebAssembly.validate = () => false;
      out.noSimd = await attempt(() => loadModel(model));
      out.noSimdFull = await attempt(() => init());
      console.log(JSON.stringify(out));`;
    writeFileSync(join(proj, "bad.mjs"), script);
    const m = lastJson<Record<string, string>>(await ok(process.execPath, ["bad.mjs"], proj));
    expect(m.newer).toMatch(/format version 2 is newer than this simdnet understands \(1\); upgrade simdnet/);
    expect(m.missing).toMatch(/cannot read the kernel module file:.*nowhere\/simdnet\.infer\.wasm.*ENOENT/);
    expect(m.notWasm).toMatch(/not a WebAssembly module .*pass one of simdnet's build\/\*\.wasm files/);
    expect(m.corrupt).toMatch(/5000 bytes.*truncated or corrupt.*reinstall simdnet/);
    expect(m.foreign).toMatch(/does not import its memory, so it is not a simdnet kernel build/);
    expect(m.foreignFull).toMatch(/not a simdnet kernel build/);
    expect(m.noSimd).toMatch(/does not support WebAssembly SIMD.*Node >= 16\.4/);
    expect(m.noSimdFull).toMatch(/does not support WebAssembly SIMD/);
  });
});

describe("README", () => {
  it("shows the exact code each runtime test runs", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const f of ["node/main.mjs", "browser/index.html", "deno/main.ts", "bun/main.ts", "workerd/worker.js", "workerd/config.capnp"]) {
      expect({ f, inReadme: readme.includes(readFileSync(join(examples, f), "utf8").trim()) }).toEqual({ f, inReadme: true });
    }
  });
});

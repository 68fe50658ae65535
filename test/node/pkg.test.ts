// The package as users get it (issue 8): build and `npm pack` once in a staging copy, install the
// tarball into one temporary project, then run every example there: Node (library, CLI, require),
// Deno, Bun, a plain <script type="module"> page in Chromium, and a workerd worker over HTTP. The same
// seed must give the same predictions and the same trained weights in every runtime. Issue 20: every
// CLI command works out of the box (train with no flags on the shipped digits, rnn on the shipped
// words), and threads train the same weights as one thread in Node, Deno and Bun.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { makeDigits } from "../../examples/make-digits.js";
import { parseEmbedded } from "../../src/data/mnist.js";
import { splitDataSet } from "../../src/data/split.js";
import { INFER_BUDGET, measureSizes } from "../../scripts/size.js";
import { expectThreads, freePort, idxFile, lastJson, ok, packAndInstall, post, sh, tool, type Packed, type Result, type ThreadsResult } from "./pkg-helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const examples = join(root, "examples");

let dir = "";
let proj = "";
let packed: Packed;
let testPixels: Uint8Array;
const results = new Map<string, Result>();
const threadRuns = new Map<string, ThreadsResult>();
/** The installed bin, as `npx simdnet` runs it. */
const cli = () => join(proj, "node_modules", ".bin", "simdnet");
const timings: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "simdnet-pkg-"));
  ({ packed, proj } = await packAndInstall(dir, "uses-simdnet"));
  const digits = await makeDigits();
  writeFileSync(join(proj, "digits.bin"), digits);
  copyFileSync(join(examples, "assets", "mlp.simdnet"), join(proj, "mlp.simdnet"));
  copyFileSync(join(examples, "node", "main.mjs"), join(proj, "main.mjs"));
  copyFileSync(join(examples, "deno", "main.ts"), join(proj, "deno.ts"));
  copyFileSync(join(examples, "bun", "main.ts"), join(proj, "bun.ts"));
  copyFileSync(join(examples, "browser", "index.html"), join(proj, "index.html"));
  copyFileSync(join(examples, "workerd", "worker.js"), join(proj, "worker.js"));
  copyFileSync(join(examples, "workerd", "config.capnp"), join(proj, "config.capnp"));
  copyFileSync(join(examples, "threads.mjs"), join(proj, "threads.mjs"));
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
    const allowed = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^bin\/simdnet\.js$/, /^dist\/src\/.+\.(js|d\.ts)$/, /^dist\/bundle\/(infer|onnx)\.js$/, /^dist\/build\/simdnet(\.relaxed|\.debug|\.infer|\.infer\.relaxed|\.threads|\.threads\.relaxed)?\.wasm$/, /^dist\/build\/mnist-embedded\.bin$/, /^dist\/build\/english-words\.txt$/];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const f of ["dist/src/index.js", "dist/src/index.d.ts", "dist/src/infer.js", "dist/src/infer.d.ts", "dist/src/node.js", "dist/bundle/infer.js", "bin/simdnet.js", "dist/build/simdnet.infer.wasm", "dist/build/simdnet.relaxed.wasm", "dist/build/mnist-embedded.bin", "dist/build/english-words.txt"]) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => /test|demo|\.map$/.test(f))).toBe(false);
    // the embedded digits ship gzipped: the checkout's 10,000 digits, byte for byte, in a fifth of the space
    const shipped = readFileSync(join(proj, "node_modules", "simdnet", "dist", "build", "mnist-embedded.bin"));
    const raw = readFileSync(join(root, "build", "mnist-embedded.bin"));
    expect([shipped[0], shipped[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(shipped).equals(raw)).toBe(true);
    expect(shipped.length).toBeLessThan(raw.length / 4);
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
  it(`Node ${process.versions.node} ESM: simdnet/infer predicts, a seeded training runs`, async () => {
    const r = lastJson<Result>(await ok(process.execPath, ["main.mjs"], proj));
    results.set("node", r);
    const right = r.predicted.filter((p, i) => p === r.labels[i]).length;
    expect(right).toBeGreaterThanOrEqual(85);
    expect(r.accuracy).toBeGreaterThan(0.5);
  });

  it(`Node ${process.versions.node}: the CLI's --help is right for the installed package, and require() works`, async () => {
    const help = await ok(cli(), ["--help"], proj);
    expect(help).toContain("simdnet predict --model F");
    expect(help).toMatch(/default: 784-100-10 on the embedded 10,000 digits/);
    expect(help).not.toMatch(/src\/|\.ts\b/); // no pointers into sources the package does not ship
    expect(help).toMatch(/--arch\s.*fcN\[:act\], convKxKxF\[sS\]\[same\|pP\]\[:act\], poolP\[sS\]/);
    expect(help).toMatch(/--data\s.*train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; e\.g\. the four \.gz files from https:\/\//);
    const rows = help.split("\n").filter((l) => l.startsWith("  --"));
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) expect({ row, spaced: /^ {2}--[\w-]+(, -\w)? {2,}\S/.test(row) }).toEqual({ row, spaced: true });
    expect(help).not.toContain("--export-misclassifiedwrite");
    const rnnHelp = await ok(cli(), ["rnn", "--help"], proj);
    const rnnRows = rnnHelp.split("\n").filter((l) => l.startsWith("  --"));
    expect(rnnRows.map((r) => r.split(/\s+/)[1])).toEqual(expect.arrayContaining(["--task", "--hidden", "--words", "--eta", "--data", "--threads"]));
    for (const row of rnnRows) expect({ row, spaced: /^ {2}--[\w-]+ {2,}\S/.test(row) }).toEqual({ row, spaced: true });
    expect(rnnHelp).not.toMatch(/--(arch|ensemble|export-filters|export-misclassified)\b/);
    const req = await ok(process.execPath, ["-e", 'const s = require("simdnet"); console.log(typeof s.Network, typeof s.init)'], proj);
    expect(req.trim()).toBe("function function");
  }, 60_000);

  it(`Node ${process.versions.node}: \`simdnet train\` with no flags trains on the embedded digits`, async () => {
    const t0 = performance.now();
    const out = await ok(cli(), ["train"], proj);
    timings.push(`simdnet train, no flags (30 epochs of 8,000 digits): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(out).toContain("data: embedded mnist (10,000 digits) (8000 train / 1000 validation / 1000 test)");
    expect(out).toContain("network: 784-100-10");
    expect(out.split("\n").filter((l) => /^\s+\d+\s+0\.5\s/.test(l))).toHaveLength(30);
    const acc = Number(out.match(/test accuracy ([\d.]+)% \(\d+ \/ 1000\)/)?.[1]);
    expect(acc).toBeGreaterThan(90);
  }, 600_000);

  it(`Node ${process.versions.node}: eval and predict on the embedded digits, and --data with the four IDX files`, async () => {
    await ok(cli(), ["train", "--epochs", "1", "--arch", "fc30-softmax10", "--cost", "log-likelihood", "--save", "small.simdnet", "-q"], proj);
    const evaluated = await ok(cli(), ["eval", "--model", "small.simdnet"], proj);
    expect(evaluated).toMatch(/small\.simdnet: 4 layers, 23,?860 parameters/);
    expect(Number(evaluated.match(/test accuracy ([\d.]+)% \(\d+ \/ 1000\)/)?.[1])).toBeGreaterThan(80);
    const embedded = await ok(cli(), ["predict", "--model", "mlp.simdnet"], proj);
    const predicted = embedded.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/).map(Number));
    expect(predicted.length).toBe(20);
    expect(predicted.filter(([, label, pred]) => label === pred).length).toBeGreaterThanOrEqual(16);

    // an IDX directory: the examples' digits as t10k, and 10,000 training images (the default validation cut)
    const idx = join(proj, "idx");
    mkdirSync(idx);
    const all = readFileSync(join(root, "build", "mnist-embedded.bin"));
    const digits = parseEmbedded(readFileSync(join(proj, "digits.bin")));
    writeFileSync(join(idx, "train-images-idx3-ubyte.gz"), gzipSync(idxFile(0x803, [10000, 28, 28], all.subarray(20 + 10000)), { level: 1 }));
    writeFileSync(join(idx, "train-labels-idx1-ubyte"), idxFile(0x801, [10000], all.subarray(20, 20 + 10000)));
    writeFileSync(join(idx, "t10k-images-idx3-ubyte"), idxFile(0x803, [digits.n, 28, 28], digits.inputs as Uint8Array));
    writeFileSync(join(idx, "t10k-labels-idx1-ubyte.gz"), gzipSync(idxFile(0x801, [digits.n], digits.labels as Uint8Array)));
    const table = await ok(cli(), ["predict", "--model", "mlp.simdnet", "--data", "idx"], proj);
    const rows = table.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows.length).toBe(20);
    expect(rows.map(([, label]) => label)).toEqual([...(digits.labels as Uint8Array).subarray(0, 20)]);
    expect(rows.filter(([, label, pred]) => label === pred).length).toBeGreaterThanOrEqual(16);
    // the help's last command: a saved model as ONNX (a protobuf ModelProto: field 1, ir_version, first)
    const onnx = await ok(cli(), ["onnx", "export", "--model", "small.simdnet", "--out", "small.onnx"], proj);
    expect(onnx).toMatch(/small\.simdnet → small\.onnx: network of 4 layers, opset 17/);
    expect(readFileSync(join(proj, "small.onnx"))[0]).toBe(0x08);
    // a directory without the files: which are missing, and where to get them
    mkdirSync(join(proj, "empty"));
    const noData = await sh(cli(), ["eval", "--model", "mlp.simdnet", "--data", "empty"], proj);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(/MNIST directory empty is missing train-images-idx3-ubyte\(\.gz\), .*https:\/\/storage\.googleapis\.com\/cvdf-datasets\/mnist\//);
  }, 300_000);

  it(`Node ${process.versions.node}: \`simdnet rnn --task chars|reverse\` run on the package's own word sample`, async () => {
    expect(existsSync(join(proj, "node_modules", "an-array-of-english-words"))).toBe(false);
    for (const task of ["chars", "reverse"]) {
      const extra = task === "chars" ? ["--length", "32", "--bptt", "16"] : [];
      const out = await ok(cli(), ["rnn", "--task", task, "--epochs", "1", "--words", "300", "--hidden", "16", ...extra], proj);
      expect(out).toMatch(/^words: simdnet's \d{2},\d{3}-word sample of an-array-of-english-words \(`npm install an-array-of-english-words` for all of it\)/);
      expect(out).toMatch(/test: testCost [\d.]+ · sequencesPerSecond [\d,]+ · testPerplexity [\d.]+/);
    }
  }, 300_000);

  it(`Node ${process.versions.node}: threads (a worker on a shared memory) give the same training as one thread`, async () => {
    const r = lastJson<ThreadsResult>(await ok(process.execPath, ["threads.mjs"], proj));
    threadRuns.set("node", r);
    expectThreads(r);
    // a Node without permission to start workers: "auto" settles on one thread and says why
    const permission = Number(process.versions.node.split(".")[0]) >= 22 ? "--permission" : "--experimental-permission";
    writeFileSync(join(proj, "auto.mjs"), 'import { createEngine } from "simdnet";\nconst e = await createEngine({ threads: "auto" });\nconsole.log(JSON.stringify({ threads: e.threads, note: e.threadsNote }));\n');
    const auto = lastJson<{ threads: number; note: string }>(await ok(process.execPath, [permission, "--allow-fs-read=*", "auto.mjs"], proj));
    expect(auto.threads).toBe(1);
    expect(auto.note).toMatch(/^one thread: .*(restricted|ERR_ACCESS_DENIED|allow-worker)/i);
  }, 120_000);

  it("Deno: the same example, from node_modules, offline; and threads", async () => {
    const env = { DENO_DIR: join(dir, "deno"), DENO_NO_UPDATE_CHECK: "1" };
    const out = await ok(tool("deno"), ["run", "--allow-read", "deno.ts"], proj, env);
    results.set("deno", lastJson<Result>(out));
    const r = lastJson<ThreadsResult>(await ok(tool("deno"), ["run", "--allow-read", "threads.mjs"], proj, env));
    threadRuns.set("deno", r);
    expectThreads(r);
  }, 120_000);

  it("Bun: the same example; and threads", async () => {
    const env = { BUN_INSTALL_CACHE_DIR: join(dir, "bun") };
    results.set("bun", lastJson<Result>(await ok(tool("bun"), ["bun.ts"], proj, env)));
    const r = lastJson<ThreadsResult>(await ok(tool("bun"), ["threads.mjs"], proj, env));
    threadRuns.set("bun", r);
    expectThreads(r);
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
      // a page that is not cross-origin isolated has no SharedArrayBuffer: "auto" is one thread, and says why
      // (a string, so vitest's transform leaves the page's import() alone)
      const auto = await page.evaluate(`(async () => {
        const { createEngine } = await import("simdnet");
        const e = await createEngine({ threads: "auto" });
        const two = await createEngine({ threads: 2 }).then(() => "no error", (err) => err.message);
        return { threads: e.threads, note: e.threadsNote, two };
      })()`);
      expect(auto).toEqual({ threads: 1, note: expect.stringMatching(/^one thread: shared memory is unavailable \(a page must be cross-origin isolated/), two: expect.stringMatching(/cannot run 2 threads: shared memory is unavailable/) });

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

  it("threads: the same weights on 1, 2 and \"auto\" threads in Node, Deno and Bun", () => {
    expect([...threadRuns.keys()].sort()).toEqual(["bun", "deno", "node"]);
    const node = threadRuns.get("node")!;
    for (const [name, r] of threadRuns) {
      expect({ name, weights: [r.one.weights, r.two.weights], predicted: r.two.predicted }).toEqual({ name, weights: [node.one.weights, node.one.weights], predicted: node.one.predicted });
    }
    timings.push(`threads: ${[...threadRuns].map(([n, r]) => `${n} auto → ${r.auto.threads}${r.auto.note ? ` (${r.auto.note})` : ""}`).join(", ")}; weights checksum ${node.one.weights}`);
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
    for (const f of ["node/main.mjs", "browser/index.html", "deno/main.ts", "bun/main.ts", "workerd/worker.js", "workerd/config.capnp", "threads.mjs"]) {
      expect({ f, inReadme: readme.includes(readFileSync(join(examples, f), "utf8").trim()) }).toEqual({ f, inReadme: true });
    }
  });
});

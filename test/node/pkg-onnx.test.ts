// Issue 17 item 7: the packed tarball loads an ONNX model through "simdnet/onnx" in Node, Deno, Bun, a
// plain <script type="module"> page in Chromium and workerd, with the same outputs everywhere. The model is
// the examples' mlp.simdnet exported with saveOnnx at test time; every runtime runs loadOnnx(...).run and
// loadModel(...).net.predict on the same inputs (plain SIMD, so bit-identical across runtimes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { loadNetwork } from "../../src/io/node.js";
import { saveOnnx } from "../../src/onnx/export.js";
import { createEngine } from "../../src/wasm/engine.js";
import { freePort, lastJson, ok, packAndInstall, post, tool } from "./pkg-helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface OnnxResult {
  runtime: string;
  shape: number[];
  data: number[];
  predicted: number[];
  format: string;
}

/** The body every runtime runs, given `loadOnnx`, `loadModel`, the model bytes and `opts` in scope. */
const BODY = `
  const x = Float32Array.from({ length: 3 * 784 }, (_, i) => ((i * 7919) % 1000) / 1000);
  const m = await loadOnnx(bytes, opts);
  const o = m.run({ shape: [3, 784], data: x })[m.outputs[0].name];
  const { net, header } = await loadModel(bytes, opts);
  const result = { runtime, shape: o.shape, data: Array.from(o.data), predicted: Array.from(net.predict(x)), format: header.format };`;

const SCRIPT = `import { readFileSync } from "node:fs";
import { loadModel, loadOnnx } from "simdnet/onnx";
const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const bytes = new Uint8Array(readFileSync(new URL("./mlp.onnx", import.meta.url)));
const opts = { variant: "plain" };
${BODY}
console.log(JSON.stringify(result));
`;

const PAGE = `<!doctype html>
<script type="importmap">{ "imports": { "simdnet/onnx": "./node_modules/simdnet/dist/bundle/onnx.js" } }</script>
<pre id="result">running</pre>
<script type="module">
import { loadModel, loadOnnx } from "simdnet/onnx";
const runtime = "chromium";
const bytes = new Uint8Array(await (await fetch("mlp.onnx")).arrayBuffer());
const opts = { variant: "plain" };
${BODY}
document.querySelector("#result").textContent = JSON.stringify(result);
</script>
`;

const WORKER = `import { loadModel, loadOnnx } from "simdnet/onnx";
import kernels from "simdnet.infer.wasm";
import model from "mlp.onnx";
export default {
  async fetch() {
    const runtime = "workerd";
    const bytes = new Uint8Array(model);
    const opts = { variant: "plain", wasm: kernels };
    ${BODY}
    return Response.json(result);
  },
};
`;

const CAPNP = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "onnx-worker.js"),
    (name = "simdnet/onnx", esModule = embed "node_modules/simdnet/dist/bundle/onnx.js"),
    (name = "simdnet.infer.wasm", wasm = embed "node_modules/simdnet/dist/build/simdnet.infer.wasm"),
    (name = "mlp.onnx", data = embed "mlp.onnx"),
  ],
  compatibilityDate = "2025-01-01",
);
`;

let dir = "";
let proj = "";
let want: { out: Float32Array; predicted: number[] };
const results = new Map<string, OnnxResult>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "simdnet-pkg-onnx-"));
  ({ proj } = await packAndInstall(dir, "uses-simdnet-onnx"));

  const { net } = await loadNetwork(join(root, "examples", "assets", "mlp.simdnet"), { engine: await createEngine({ variant: "plain" }) });
  writeFileSync(join(proj, "mlp.onnx"), saveOnnx(net, { inputShape: [784] }));
  const x = Float32Array.from({ length: 3 * 784 }, (_, i) => ((i * 7919) % 1000) / 1000);
  want = { out: net.feedforward(x), predicted: Array.from(net.predict(x)) };
  writeFileSync(join(proj, "onnx.mjs"), SCRIPT);
  writeFileSync(join(proj, "onnx.html"), PAGE);
  writeFileSync(join(proj, "onnx-worker.js"), WORKER);
  writeFileSync(join(proj, "onnx.capnp"), CAPNP);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("simdnet/onnx from the packed tarball", () => {
  it("Node", async () => {
    results.set("node", lastJson<OnnxResult>(await ok(process.execPath, ["onnx.mjs"], proj)));
  }, 60_000);

  it("Deno", async () => {
    results.set("deno", lastJson<OnnxResult>(await ok(tool("deno"), ["run", "--allow-read", "onnx.mjs"], proj, { DENO_DIR: join(dir, "deno"), DENO_NO_UPDATE_CHECK: "1" })));
  }, 60_000);

  it("Bun", async () => {
    results.set("bun", lastJson<OnnxResult>(await ok(tool("bun"), ["onnx.mjs"], proj, { BUN_INSTALL_CACHE_DIR: join(dir, "bun") })));
  }, 60_000);

  it("Chromium: a plain module page with an import map", async () => {
    const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
    const server: Server = createServer((req, res) => {
      const path = join(proj, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
      let body: Buffer;
      try {
        body = readFileSync(path);
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/onnx.html`);
      await page.waitForFunction(() => !document.querySelector("#result")!.textContent!.startsWith("running"), null, { timeout: 60_000 });
      expect(errors).toEqual([]);
      results.set("chromium", JSON.parse((await page.textContent("#result"))!) as OnnxResult);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);

  it("workerd: a worker with the bundled entry, the precompiled wasm and the model as a data module", async () => {
    const port = await freePort();
    const proc = spawn(tool("workerd"), ["serve", "onnx.capnp", "--socket-addr", `http=127.0.0.1:${port}`], { cwd: proj, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    proc.stderr!.on("data", (d) => (log += d));
    try {
      const t0 = performance.now();
      for (;;) {
        const up = await new Promise<boolean>((r) => {
          const c = connect(port, "127.0.0.1", () => (c.destroy(), r(true)));
          c.on("error", () => r(false));
        });
        if (up) break;
        if (proc.exitCode !== null) throw new Error(`workerd exited ${proc.exitCode}: ${log}`);
        if (performance.now() - t0 > 30_000) throw new Error(`workerd did not listen within 30 s: ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const r = await post(port, new Uint8Array(0));
      expect(r.status, `${r.text}\n${log}`).toBe(200);
      results.set("workerd", JSON.parse(r.text) as OnnxResult);
    } finally {
      proc.kill();
    }
  }, 60_000);

  it("every runtime gives the same outputs, within 1e-5 of the network's own, and its predictions", () => {
    expect([...results.keys()].sort()).toEqual(["bun", "chromium", "deno", "node", "workerd"]);
    const node = results.get("node")!;
    expect(node.shape).toEqual([3, 10]);
    expect(node.format).toBe("onnx");
    expect(node.predicted).toEqual(want.predicted);
    node.data.forEach((v, i) => expect(Math.abs(v - want.out[i])).toBeLessThan(1e-5));
    for (const [name, r] of results) {
      expect({ name, ...r, runtime: name }).toEqual({ name, ...node, runtime: name });
    }
  });
});

/**
 * `npm run demo:speed`: the demo's training speed in the browser beside the same training in Node, on 1
 * and 2 threads. For the network2 MLP and conv presets (demo/session.ts, their own settings) it trains in
 * the built demo (dist/demo, served by vite preview with COOP + COEP, in Debian's Chromium; no browser is
 * downloaded) by clicking Train as a user would, and in Node with the same Session on
 * createEngine({ variant: "relaxed", threads }). Both speeds are the Trainer's own per-epoch
 * EpochRecord.examplesPerSecond (training time only, no evaluation): the page exposes the worker's in
 * #train-status[data-eps]. Browser and Node runs alternate. A measurement, not a test: it asserts nothing.
 *
 *   node --import tsx scripts/demo-speed.ts [--runs 3] [--epochs E]
 *        [--train-size N] [--build]
 *
 * --epochs / --train-size override both presets' (network2: 10 epochs, conv: 3, each on 8,000 digits).
 * --build runs `npm run build:demo` first; it also runs when dist/demo is missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { preview } from "vite";
import { chromium, type Page } from "playwright-core";
import { createEngine } from "../src/wasm/engine.js";
import { loadEmbeddedMnist, type MnistSplit } from "../src/data/mnist.js";
import { PRESETS, Session, weightsHash, type TrainConfig } from "../demo/session.js";

const { values: a } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    epochs: { type: "string" },
    "train-size": { type: "string" },
    build: { type: "boolean", default: false },
  },
});
const RUNS = Math.max(1, Number(a.runs));
const PRESET_KEYS = ["network2", "conv"] as const;
const THREADS = [1, 2] as const;
/** A first epoch below this fraction of the run's median later epoch is warm-up, and is left out. */
const WARMUP = 0.9;

const root = fileURLToPath(new URL("../", import.meta.url));
const outDir = join(root, "dist/demo");
const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** The preset's config with the command line's overrides. */
function configOf(key: string): TrainConfig {
  const c = { ...PRESETS[key].config };
  if (a.epochs) c.epochs = Number(a.epochs);
  if (a["train-size"]) c.trainSize = Number(a["train-size"]);
  return c;
}

/** The files under `dir` (recursively) modified after `time` (ms). */
function newer(dir: string, time: number): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? newer(p, time) : statSync(p).mtimeMs > time ? [p] : [];
  });
}

function ensureBuilt(): void {
  const index = join(outDir, "index.html");
  if (a.build || !existsSync(index)) {
    log(`${a.build ? "--build" : "dist/demo is missing"}: running npm run build:demo`);
    const r = spawnSync("npm", ["run", "build:demo"], { cwd: root, stdio: ["ignore", process.stderr, process.stderr] });
    if (r.status !== 0 || !existsSync(index)) {
      log("npm run build:demo failed; build the demo with it, then run this again");
      process.exit(1);
    }
    return;
  }
  const built = statSync(index).mtimeMs;
  const changed = ["demo", "src"].flatMap((d) => newer(join(root, d), built)).map((p) => p.slice(root.length));
  if (changed.length) {
    log(`note: dist/demo is older than ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ` and ${changed.length - 5} more` : ""}: Node runs the current code, the page the built one; run \`npm run build:demo\` (or pass --build) to measure the same code`);
  }
}

/** One run's per-epoch examples/s, the threads its engine really used, and its final weights' hash. */
interface Run {
  eps: number[];
  threads: number;
  hash: string;
}

/** Trains `config` in the page's worker on `threads` threads, as a user would: preset, threads, Train. */
async function trainInPage(page: Page, key: string, config: TrainConfig, threads: number): Promise<Run> {
  await page.waitForSelector("#start:not([disabled])", { timeout: 120_000 });
  await page.selectOption("#preset", key);
  await page.selectOption("#threads", String(threads));
  await page.fill("#epochs", String(config.epochs));
  await page.fill("#train-size", String(config.trainSize));
  // the last run's "done" must not end this run's wait: the page sets the state again after Train
  await page.$eval("#train-status", (el) => el.setAttribute("data-state", "measuring"));
  await page.click("#start");
  await page.waitForSelector('#train-status[data-state="done"], #train-status[data-state="error"]', { timeout: 600_000 });
  const s = await page.$eval("#train-status", (el) => ({ state: el.getAttribute("data-state"), text: el.textContent, eps: el.getAttribute("data-eps"), hash: el.getAttribute("data-hash") }));
  if (s.state !== "done") throw new Error(`the page's training failed: ${s.text}`);
  const used = Number(await page.getAttribute("#speed", "data-threads"));
  return { eps: (s.eps ?? "").split(",").filter(Boolean).map(Number), threads: used, hash: s.hash ?? "" };
}

/** The same training in Node: the demo's Session, stepped 4 mini-batches at a time as the worker does. */
async function trainInNode(split: MnistSplit, config: TrainConfig, threads: number): Promise<Run> {
  const e = await createEngine({ variant: "relaxed", threads });
  try {
    const s = new Session(e, split, config);
    const eps: number[] = [];
    while (!s.done) {
      const p = s.step(4);
      if (p) eps.push(p.examplesPerSecond);
    }
    return { eps, threads: e.threads, hash: weightsHash(s.net.getParams()) };
  } finally {
    e.dispose();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Per-epoch speeds pooled over runs, each run's first epoch left out where it is clearly slower. */
class Samples {
  constructor(readonly threads: number) {}
  eps: number[] = [];
  runs = 0;
  warmups = 0;
  threadsSeen = new Set<number>();
  add(r: Run): void {
    let eps = r.eps;
    if (eps.length >= 2 && eps[0] < WARMUP * median(eps.slice(1))) {
      eps = eps.slice(1);
      this.warmups++;
    }
    this.eps.push(...eps);
    this.runs++;
    this.threadsSeen.add(r.threads);
  }
  get median(): number {
    return this.eps.length ? median(this.eps) : NaN;
  }
  text(): string {
    if (!this.eps.length) return "—";
    const n = (v: number): string => Math.round(v).toLocaleString("en-US");
    const fell = [...this.threadsSeen].some((t) => t !== this.threads) ? ` (ran on ${[...this.threadsSeen].join("/")} threads)` : "";
    return `${n(this.median)} (${n(Math.min(...this.eps))}–${n(Math.max(...this.eps))})${fell}`;
  }
}

ensureBuilt();
const split = await loadEmbeddedMnist();
const server = await preview({ root: join(root, "demo"), configFile: join(root, "vite.config.ts"), build: { outDir }, preview: { port: 0, host: "127.0.0.1", strictPort: false }, logLevel: "error" });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const chromiumVersion = browser.version();
const t0 = performance.now();
const results = new Map<string, { browser: Samples; node: Samples }>();
let pairs = 0;
let sameWeights = 0;
let variant = "?";
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => log(`page error: ${e.message}`));
  // the page offers "1 thread" and "all cores (N)": make N 2 whatever this machine has, as the e2e test does
  // (a string: tsx would wrap a function's inner arrows in its __name helper, which the page lacks)
  await page.addInitScript({ content: 'Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { get: () => 2 });' });
  await page.goto(server.resolvedUrls!.local[0]);
  await page.waitForSelector("#engine[data-variant]", { timeout: 60_000 });
  variant = (await page.getAttribute("#engine", "data-variant")) ?? "?";
  if ((await page.getAttribute("#engine", "data-isolated")) !== "true") log("warning: the page is not cross-origin isolated, so it trains on 1 thread only");

  for (let r = 0; r < RUNS; r++) {
    for (const key of PRESET_KEYS) {
      const config = configOf(key);
      for (const threads of THREADS) {
        const id = `${key}/${threads}`;
        const res = results.get(id) ?? { browser: new Samples(threads), node: new Samples(threads) };
        results.set(id, res);
        // alternate which goes first, so neither side always follows the other
        const order = r % 2 === 0 ? (["browser", "node"] as const) : (["node", "browser"] as const);
        const hashes: string[] = [];
        for (const where of order) {
          const run = where === "browser" ? await trainInPage(page, key, config, threads) : await trainInNode(split, config, threads);
          res[where].add(run);
          hashes.push(run.hash);
          log(`run ${r + 1}/${RUNS} ${key} ${threads} thread${threads > 1 ? "s" : ""} ${where.padEnd(7)} ${run.eps.map((v) => Math.round(v).toLocaleString("en-US")).join(" ")} examples/s (threads used: ${run.threads})`);
        }
        pairs++;
        if (hashes[0] === hashes[1]) sameWeights++;
      }
    }
  }
  await page.close();
} finally {
  await browser.close().catch(() => {});
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  report();
}

function report(): void {
  const ratio = (x: number, y: number): string => (Number.isFinite(x / y) ? `${(x / y).toFixed(2)}×` : "—");
  const lines = [
    `Training examples/s per epoch, median (range) over ${RUNS} run${RUNS > 1 ? "s" : ""} each (the Trainer's EpochRecord.examplesPerSecond; browser: the demo's worker)`,
    "",
    "| preset | threads | browser | Node | browser / Node |",
    "|---|---:|---:|---:|---:|",
  ];
  for (const key of PRESET_KEYS) {
    const c = configOf(key);
    for (const threads of THREADS) {
      const r = results.get(`${key}/${threads}`);
      if (!r) continue;
      lines.push(`| ${key} (${c.arch}, ${c.epochs} epochs × ${c.trainSize.toLocaleString("en-US")}) | ${threads} | ${r.browser.text()} | ${r.node.text()} | ${ratio(r.browser.median, r.node.median)} |`);
    }
  }
  lines.push("", "| preset | browser 2 threads / 1 | Node 2 threads / 1 |", "|---|---:|---:|");
  for (const key of PRESET_KEYS) {
    const one = results.get(`${key}/1`);
    const two = results.get(`${key}/2`);
    if (one && two) lines.push(`| ${key} | ${ratio(two.browser.median, one.browser.median)} | ${ratio(two.node.median, one.node.median)} |`);
  }
  const all = [...results.values()].flatMap((r) => [r.browser, r.node]);
  const warm = all.reduce((s, x) => s + x.warmups, 0);
  const runs = all.reduce((s, x) => s + x.runs, 0);
  lines.push(
    "",
    `Chromium ${chromiumVersion} (${variant} SIMD) · Node ${process.version} · ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} logical cores)`,
    `first epoch left out as warm-up in ${warm} of ${runs} runs (below ${WARMUP * 100}% of the run's median later epoch) · final weights identical in browser and Node in ${sameWeights} of ${pairs} pairs · ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log(lines.join("\n"));
}

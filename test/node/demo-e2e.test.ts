// End to end: builds demo/ with vite, serves it with `vite preview` on a loopback port, and drives
// Debian's Chromium (playwright-core; no browser is ever downloaded) through the page like a user:
// draws a real test digit with mouse events, trains in the worker, pauses, saves and loads models,
// and checks that bad input gets a visible message. The weights the worker trains must hash the same
// as the same run in Node with the same thread count (1, and 2 in the cross-origin isolated page).
// The layout is checked at 1366×900 and 390×844 (no horizontal scroll on the phone, the prediction bars
// on screen with the pad), axe-core scans the page, and the same build is served from a sub-path by a
// plain static server that can hold back part of the digits (a run starts before the rest arrived).
// Screenshots go to test-output/ (DEMO_SCREENSHOTS=docs writes docs/demo-desktop.png and demo-phone.png).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, preview, type PreviewServer } from "vite";
import { chromium, type Browser, type Page } from "playwright-core";
import { fileURLToPath } from "node:url";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine } from "../../src/wasm/engine.js";
import { loadEmbeddedMnist, type MnistSplit } from "../../src/data/mnist.js";
import { deserializeModel } from "../../src/io/model.js";
import { PRESETS, Session, weightsHash, type TrainConfig } from "../../demo/session.js";
import { axeViolations, drawTestDigit, layout, staticServer } from "./demo-helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "simdnet-demo-"));
let server: PreviewServer;
let browser: Browser;
let url: string;
let split: MnistSplit;

beforeAll(async () => {
  mkdirSync(`${root}test-output`, { recursive: true });
  execFileSync(process.execPath, ["--import", "tsx", "scripts/embed-mnist.ts"], { cwd: root, stdio: "ignore" }); // build/mnist-demo.gz
  await build({ root: `${root}demo`, configFile: `${root}vite.config.ts`, logLevel: "error", build: { outDir, emptyOutDir: true } });
  server = await preview({ root: `${root}demo`, configFile: `${root}vite.config.ts`, build: { outDir }, preview: { port: 0, host: "127.0.0.1", strictPort: false }, logLevel: "error" });
  url = server.resolvedUrls!.local[0];
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  split = await loadEmbeddedMnist();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
  rmSync(outDir, { recursive: true, force: true });
});

/** A fresh page with the shipped model loaded; page errors are collected. `setup` runs before it loads. */
async function open(setup?: (page: Page) => Promise<unknown>, at = url, viewport = { width: 1100, height: 1500 }, phone = false): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport, acceptDownloads: true, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await setup?.(page);
  await page.goto(at);
  await page.waitForSelector('#model-info[data-model="shipped CNN"]', { timeout: 60_000 });
  return { page, errors };
}

/** Draws test digit i of the embedded split with the mouse (demo-helpers.ts); returns its label. */
const drawDigit = (page: Page, i: number): Promise<number> => drawTestDigit(page, split.test, i);

async function attr(page: Page, sel: string, name: string): Promise<string | null> {
  return page.getAttribute(sel, name);
}

/** Trains `config`'s preset fields in the page on `threads` threads (the #threads option) and returns the worker's weights hash. */
async function trainInPage(page: Page, threads: string, config: { epochs: number; trainSize: number }): Promise<string> {
  await page.waitForSelector("#start:not([disabled])", { timeout: 60_000 });
  await page.selectOption("#preset", "conv");
  await page.selectOption("#threads", threads);
  await page.fill("#epochs", String(config.epochs));
  await page.fill("#train-size", String(config.trainSize));
  // a previous run left data-state="done" and its hash: drop the hash so only this run's "done" can match
  await page.$eval("#train-status", (s) => delete (s as HTMLElement).dataset.hash);
  await page.click("#start");
  await page.waitForSelector('#train-status[data-state="done"][data-hash]', { timeout: 120_000 });
  return (await attr(page, "#train-status", "data-hash"))!;
}

/** The same run in Node on an engine with `threads` threads: the hash of its final weights. */
async function trainInNode(threads: number, config: { epochs: number; trainSize: number }): Promise<string> {
  const e = await createEngine({ variant: "relaxed", threads });
  try {
    const s = new Session(e, split, { ...PRESETS.conv.config, ...config });
    while (!s.done) s.step(1000);
    return weightsHash(s.net.getParams());
  } finally {
    e.dispose();
  }
}

describe("the demo, built by vite and served by vite preview, in Chromium", () => {
  it("shows the engine, predicts a drawn test digit, and hints on an empty canvas", async () => {
    const { page, errors } = await open();
    expect(await attr(page, "#engine", "data-variant")).toBe("relaxed");
    expect(await page.textContent("#engine")).toMatch(/relaxed SIMD.*simdnet\.relaxed\.wasm \d+\.\d KB/);
    expect(await page.textContent("#hint")).toContain("Draw a digit");
    for (const i of [0, 1, 2]) {
      await page.click("#clear");
      const label = await drawDigit(page, i);
      await page.waitForFunction((l) => document.querySelector("#prediction")?.getAttribute("data-label") === String(l), label, { timeout: 10_000 }).catch(() => {});
      expect(await attr(page, "#prediction", "data-label"), `test digit ${i}`).toBe(String(label));
    }
    expect(Number(await attr(page, "#timing", "data-ms"))).toBeGreaterThan(0);
    await page.click("#clear");
    await page.waitForFunction(() => !document.querySelector("#prediction")?.hasAttribute("data-label"));
    expect(await page.textContent("#hint")).toContain("Draw a digit");
    await page.waitForSelector("#mistakes[data-wrong]", { state: "attached", timeout: 30_000 }); // counted by the worker
    expect(Number(await attr(page, "#mistakes", "data-wrong"))).toBeLessThan(30); // of 1,000 (digits the model has seen)
    expect(await page.textContent("#mistakes-caption")).toMatch(/^shipped CNN: \d+ of the 1000 embedded test digits/);

    // chapter 3's slowdown toy: from the saturated start w = b = 2 the quadratic cost learns slower
    const curves = async (): Promise<number[][]> => JSON.parse((await attr(page, "#chart-slowdown", "data-series"))!) as number[][];
    let [epochs, quadratic, crossEntropy] = await curves();
    expect(epochs.length).toBe(301);
    expect(quadratic[300]).toBeGreaterThan(crossEntropy[300] + 0.05);
    await page.fill("#sd-w", "0.6");
    await page.fill("#sd-b", "0.9");
    [epochs, quadratic, crossEntropy] = await curves();
    expect(quadratic[0]).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 6); // σ(w + b) at the new start
    expect(crossEntropy[0]).toBeCloseTo(quadratic[0], 12);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("trains in the worker with live charts, pauses and resumes, and matches Node bit for bit", async () => {
    const { page, errors } = await open();
    await page.waitForSelector("#start:not([disabled])", { timeout: 60_000 });
    await page.selectOption("#preset", "conv");
    await page.selectOption("#threads", "1"); // pinned: Node below trains on one thread
    await page.fill("#epochs", "2");
    await page.fill("#train-size", "2000");
    await page.click("#start");
    await page.waitForFunction(() => (document.querySelector("#progress") as HTMLProgressElement).value > 0.05, null, { timeout: 60_000 });
    await page.click("#pause");
    await page.waitForSelector('#train-status[data-state="paused"]');
    const progress = await page.$eval("#progress", (p) => (p as HTMLProgressElement).value);
    await page.waitForTimeout(500);
    expect(await page.$eval("#progress", (p) => (p as HTMLProgressElement).value)).toBe(progress); // nothing ran while paused
    expect(await page.textContent("#pause")).toBe("Resume");
    await page.click("#pause"); // now "Resume"
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 120_000 });
    expect(Number(await attr(page, "#chart-cost", "data-points"))).toBe(3); // before training + 2 epochs
    expect(Number(await attr(page, "#chart-accuracy", "data-points"))).toBe(3);
    expect(Number(await attr(page, "#chart-speed", "data-points"))).toBeGreaterThan(0);
    const series = JSON.parse((await attr(page, "#chart-accuracy", "data-series"))!) as number[][];
    const [before, ...after] = series[2]; // [epochs, training, validation]
    expect(after[after.length - 1]).toBeGreaterThan(Math.max(before + 0.3, 0.6)); // the accuracy rises
    expect(Number(await attr(page, "#train-status", "data-accuracy"))).toBe(after[after.length - 1]);
    expect(await attr(page, "#model-info", "data-model")).toBe("trained here");
    expect(await attr(page, "#speed", "data-threads")).toBe("1");
    expect(await page.textContent("#speed")).toMatch(/examples\/s on 1 thread$/);
    await page.screenshot({ path: `${root}test-output/demo.png`, fullPage: true });

    // the same run in Node: the worker's weights hash must match exactly
    const config: TrainConfig = { ...PRESETS.conv.config, epochs: 2, trainSize: 2000 };
    const e = await createEngine({ variant: "relaxed" });
    const s = new Session(e, split, config);
    while (!s.done) s.step(1000);
    expect(await attr(page, "#train-status", "data-hash")).toBe(weightsHash(s.net.getParams()));

    // save the trained model, load it back; the file is the same network
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
    const saved = readFileSync((await download.path())!);
    expect(weightsHash(deserializeModel(new Uint8Array(saved), { engine: e }).net.getParams())).toBe(weightsHash(s.net.getParams()));
    await page.setInputFiles("#load", { name: "mine.simdnet", mimeType: "application/octet-stream", buffer: saved });
    await page.waitForSelector('#model-info[data-model="mine.simdnet"]');

    // a long run stopped after its first epoch ends with that model in use
    await page.selectOption("#preset", "conv");
    await page.fill("#epochs", "30");
    await page.click("#start");
    await page.waitForFunction(() => document.querySelector("#train-status")?.getAttribute("data-state") === "training" && Number(document.querySelector("#train-status")?.getAttribute("data-epochs")) >= 1, null, { timeout: 120_000 });
    await page.click("#stop");
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent("#train-status")).toMatch(/^stopped: test accuracy/);
    expect(Number(await attr(page, "#chart-cost", "data-points"))).toBeLessThan(31);
    expect(await attr(page, "#model-info", "data-model")).toBe("trained here");
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it("trains on 2 threads in the isolated page, bit for bit as Node on 2 threads; back on 1 thread as Node on 1", async () => {
    // the page's "all cores" is navigator.hardwareConcurrency: made 2 here, whatever this machine has
    const { page, errors } = await open((p) => p.addInitScript(() => Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { get: () => 2 })));
    expect(await attr(page, "#engine", "data-isolated")).toBe("true");
    expect(await page.textContent("#engine")).toContain("cross-origin isolated");
    expect(await page.$eval("#threads", (s) => (s as HTMLSelectElement).value)).toBe("2"); // all cores by default
    expect(await page.$eval("#threads", (s) => (s as HTMLSelectElement).disabled)).toBe(false);
    expect(await page.textContent("#threads option:checked")).toBe("all cores (2)");
    const config = { epochs: 1, trainSize: 1000 };
    const two = await trainInPage(page, "2", config);
    expect(await attr(page, "#speed", "data-threads")).toBe("2"); // what the worker's engine reported
    expect(await page.textContent("#speed")).toMatch(/^[\d,]+ examples\/s on 2 threads$/);
    expect(await page.isHidden("#threads-note")).toBe(true); // nothing fell back
    expect(two).toBe(await trainInNode(2, config));
    // a new choice recreates the worker's engine (the 2-thread one is disposed) before the next run
    const one = await trainInPage(page, "1", config);
    expect(await attr(page, "#speed", "data-threads")).toBe("1");
    expect(one).toBe(await trainInNode(1, config));
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it("stays on 1 thread, and says why, in a page that is not cross-origin isolated", async () => {
    // the same page served without COOP / COEP: no SharedArrayBuffer, so no threads
    const { page, errors } = await open((p) => p.route((u) => u.pathname === "/", async (route) => {
      const res = await route.fetch();
      const headers = { ...res.headers() };
      delete headers["cross-origin-opener-policy"];
      delete headers["cross-origin-embedder-policy"];
      await route.fulfill({ response: res, headers });
    }));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await attr(page, "#engine", "data-isolated")).toBe("false");
    expect(await page.textContent("#engine")).toContain("not cross-origin isolated");
    expect(await page.$eval("#threads", (s) => (s as HTMLSelectElement).value)).toBe("1");
    expect(await page.$eval("#threads", (s) => (s as HTMLSelectElement).disabled)).toBe(true);
    expect(await page.textContent("#threads-note")).toContain("not cross-origin isolated");
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("says clearly what went wrong: a bad model file, no SIMD, a worker that cannot load", async () => {
    const { page } = await open();
    await page.setInputFiles("#load", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello, not a model") });
    await page.waitForSelector("#model-info[data-error]");
    expect(await page.textContent("#model-info")).toContain("not a simdnet model");
    await page.close();

    const nosimd = await browser.newPage();
    await nosimd.addInitScript(() => {
      WebAssembly.validate = () => false;
    });
    await nosimd.goto(url);
    await nosimd.waitForSelector("#fatal:not([hidden])");
    expect(await nosimd.textContent("#fatal")).toContain("does not support WebAssembly SIMD");
    expect(await nosimd.textContent("#train-status")).toContain("training needs WebAssembly SIMD too");
    await nosimd.close();

    const noworker = await browser.newPage();
    await noworker.route(/worker[^/]*\.js$/, (r) => r.fulfill({ status: 404, body: "" }));
    await noworker.goto(url);
    await noworker.waitForSelector('#train-status[data-state="error"]', { timeout: 30_000 });
    expect(await noworker.textContent("#train-status")).toContain("worker");
    await noworker.close();
  }, 120_000);
});

const shots = process.env.DEMO_SCREENSHOTS === "docs" ? `${root}docs` : `${root}test-output`;

describe("the demo's layout and accessibility, in Chromium", () => {
  it("desktop 1366×900: pad and bars side by side, both on screen; a short run fills charts and milestones; no serious axe violations", async () => {
    const { page, errors } = await open(undefined, url, { width: 1366, height: 900 });
    let l = await layout(page);
    expect(l.scrollWidth).toBeLessThanOrEqual(l.innerWidth);
    expect(l.bars.left).toBeGreaterThanOrEqual(l.pad.right); // side by side
    for (const r of [l.pad, l.bars]) expect(r.bottom).toBeLessThanOrEqual(l.innerHeight);
    // network2's preset for 3 epochs: charts, legends with values, the 90% milestone with its time
    await page.waitForSelector("#start:not([disabled])", { timeout: 60_000 });
    await page.fill("#epochs", "3");
    await page.click("#start");
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 120_000 });
    expect(Number(await attr(page, "#chart-accuracy", "data-points"))).toBe(4);
    expect(await page.textContent("#chart-accuracy .chart-legend")).toMatch(/validation \d+\.\d\d%/);
    expect(await page.textContent("#chart-speed .chart-legend")).toMatch(/[\d,]+/);
    const m90 = page.locator('#milestones li[data-threshold="0.9"]');
    expect(Number(await m90.getAttribute("data-seconds"))).toBeGreaterThan(0); // network2 passes 90% within 3 epochs
    expect(await m90.textContent()).toMatch(/≥ 90%\d+\.\d s · epoch [123]$/);
    // examples/s: a point per 0.1 s of training, each the average of the last 0.5 s of chunks
    const speeds = (JSON.parse((await attr(page, "#chart-speed", "data-series"))!) as number[][])[1];
    expect(speeds.length).toBeGreaterThan(0);
    const label = await drawDigit(page, 3);
    await page.waitForFunction(() => document.querySelector("#prediction")?.hasAttribute("data-label"));
    expect(await attr(page, "#prediction", "data-label")).toBe(String(label));
    await page.evaluate(() => scrollTo(0, 0));
    l = await layout(page);
    for (const r of [l.pad, l.bars]) expect(r.bottom).toBeLessThanOrEqual(l.innerHeight);
    await page.screenshot({ path: `${shots}/demo-desktop.png`, fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it("phone 390×844: no horizontal scroll, pad and bars stacked and both on screen while drawing; no serious axe violations", async () => {
    const { page, errors } = await open(undefined, url, { width: 390, height: 844 }, true);
    const l = await layout(page);
    expect(l.scrollWidth).toBeLessThanOrEqual(l.innerWidth);
    expect(l.bars.top).toBeGreaterThanOrEqual(l.pad.bottom); // stacked
    for (const r of [l.pad, l.bars]) {
      expect(r.top).toBeGreaterThanOrEqual(0);
      expect(r.bottom).toBeLessThanOrEqual(l.innerHeight);
      expect(r.right).toBeLessThanOrEqual(l.innerWidth);
    }
    const label = await drawDigit(page, 0);
    await page.waitForFunction(() => document.querySelector("#prediction")?.hasAttribute("data-label"));
    expect(await attr(page, "#prediction", "data-label")).toBe(String(label));
    expect(await page.evaluate(() => scrollY)).toBe(0); // drawing did not scroll the page
    await page.screenshot({ path: `${shots}/demo-phone.png` });
    // the training panel fits too, with every control reachable
    await page.locator("#train-section").scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const wide = await page.evaluate(() => [...document.querySelectorAll("input, select, button, canvas, .chart")].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5).map((e) => e.id || e.className));
    expect(wide).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("a failed start clears the previous run's progress, speed, charts and milestones, and says what was wrong", async () => {
    const { page, errors } = await open();
    await page.waitForSelector("#start:not([disabled])", { timeout: 60_000 });
    await page.fill("#epochs", "1");
    await page.click("#start");
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 120_000 });
    expect(Number(await attr(page, "#chart-cost", "data-points"))).toBe(2);
    await page.fill("#arch", "784-30-banana");
    await page.click("#start");
    await page.waitForSelector('#train-status[data-state="error"]', { timeout: 30_000 });
    expect(await page.textContent("#train-status")).toMatch(/banana|784/);
    for (const c of ["#chart-cost", "#chart-accuracy", "#chart-speed"]) expect(await attr(page, c, "data-points")).toBe("0");
    expect(await page.$eval("#progress", (p) => (p as HTMLProgressElement).value)).toBe(0);
    expect(await page.textContent("#speed")).toBe("");
    expect(await page.locator("#milestones li.reached").count()).toBe(0);
    expect(await page.isEnabled("#start")).toBe(true);
    await page.fill("#eta", "-1");
    await page.click("#start");
    expect(await page.textContent("#train-status")).toContain("learning rate η must be a positive number");
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

describe("the built demo served from a sub-path by a plain static server", () => {
  it("loads everything under /simdnet/, predicts, and trains before the rest of the digits arrived", async () => {
    const { server, state, hold } = staticServer(outDir, "/simdnet/");
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/simdnet/`;
    try {
      hold(0.45); // validation + test are the first 20% of the file, then the training digits
      const { page, errors } = await open(undefined, base);
      const label = await drawDigit(page, 1);
      await page.waitForFunction((l) => document.querySelector("#prediction")?.getAttribute("data-label") === String(l), label, { timeout: 10_000 });
      await page.waitForSelector("#start:not([disabled])", { timeout: 60_000 });
      await page.waitForFunction(() => Number(document.querySelector("#digits")?.getAttribute("data-training")) >= 1000, null, { timeout: 60_000 });
      expect(await attr(page, "#digits", "data-done")).toBe("false");
      // a run on the first 1,000 training digits trains and finishes while the rest is held back
      await page.selectOption("#threads", "1"); // as the Node run below
      await page.fill("#epochs", "1");
      await page.fill("#train-size", "1000");
      await page.click("#start");
      await page.waitForSelector('#train-status[data-state="done"]', { timeout: 120_000 });
      expect(await attr(page, "#digits", "data-done")).toBe("false");
      const hash1000 = await attr(page, "#train-status", "data-hash");
      const e = await createEngine({ variant: "relaxed" });
      const node = (c: Partial<TrainConfig>): string => {
        const s = new Session(e, split, { ...PRESETS.network2.config, ...c });
        while (!s.done) s.step(1000);
        return weightsHash(s.net.getParams());
      };
      expect(hash1000).toBe(node({ epochs: 1, trainSize: 1000 }));
      // all 8,000 must wait for the rest: it says so, then starts once they are in
      await page.fill("#train-size", "8000");
      await page.$eval("#train-status", (s) => delete (s as HTMLElement).dataset.hash);
      await page.click("#start");
      await page.waitForSelector('#train-status[data-state="waiting"]', { timeout: 30_000 });
      expect(await page.textContent("#train-status")).toMatch(/waiting for the training digits/);
      state.release();
      await page.waitForSelector('#train-status[data-state="done"][data-hash]', { timeout: 120_000 });
      expect(await attr(page, "#digits", "data-done")).toBe("true");
      expect(await attr(page, "#train-status", "data-hash")).toBe(node({ epochs: 1, trainSize: 8000 }));
      const outside = state.requests.filter((p) => !p.startsWith("/simdnet/"));
      expect(outside).toEqual([]);
      expect(state.requests.some((p) => /\/simdnet\/assets\/mnist-demo-.*\.gz$/.test(p))).toBe(true);
      expect(state.requests.some((p) => /mnist-embedded/.test(p))).toBe(false); // the 7.9 MB raw file is not even in the build
      expect(readdirSync(join(outDir, "assets")).some((f) => f.includes("mnist-embedded"))).toBe(false);
      expect(errors).toEqual([]);
      await page.close();

      // the digits missing: the training panel says so
      state.missing = true;
      const broken = await browser.newPage();
      await broken.goto(base);
      await broken.waitForSelector('#train-status[data-state="error"]', { timeout: 30_000 });
      expect(await broken.textContent("#train-status")).toMatch(/digits .*mnist-demo.*HTTP 404/);
      await broken.close();

      // the page's own script missing (a build for another path): a visible message, not "loading…" forever
      const noscript = await browser.newPage();
      await noscript.route(/assets\/index-[^/]*\.js$/, (r) => r.fulfill({ status: 404, body: "" }));
      await noscript.goto(base);
      await noscript.waitForSelector("#fatal:not([hidden])", { timeout: 30_000 });
      expect(await noscript.textContent("#fatal")).toMatch(/could not start: .*index-.*\.js did not load/);
      await noscript.close();
    } finally {
      state.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 240_000);
});

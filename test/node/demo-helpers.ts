// Helpers of test/node/demo-e2e.test.ts: drawing a test digit, page geometry, an axe-core scan and a
// plain static server.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import type { Page } from "playwright-core";
import type { DataSet } from "../../src/data/dataset.js";

/**
 * Draws test digit i with the mouse: one horizontal drag per run of ink (> 0.5) in each of its 28
 * rows, 1/28 of the pad per MNIST pixel (at whatever size CSS draws the pad), as a person would colour it in.
 */
export async function drawTestDigit(page: Page, test: DataSet, i: number): Promise<number> {
  // the mouse draws at viewport coordinates: after a run the page may have scrolled the pad (partly) out of view
  await page.locator("#pad").scrollIntoViewIfNeeded();
  const box = (await page.locator("#pad").boundingBox())!;
  const border = await page.$eval("#pad", (c) => c.clientLeft);
  const px = (box.width - 2 * border) / 28;
  const img = test.inputs.subarray(i * 784, (i + 1) * 784);
  for (let y = 0; y < 28; y++) {
    let x = 0;
    while (x < 28) {
      if (img[y * 28 + x] <= 127) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < 28 && img[y * 28 + x] > 127) x++;
      const cy = box.y + border + (y + 0.5) * px;
      await page.mouse.move(box.x + border + (x0 + 0.5) * px, cy);
      await page.mouse.down();
      await page.mouse.move(box.x + border + (x - 0.5) * px, cy, { steps: 3 });
      await page.mouse.up();
    }
  }
  return test.labels![i];
}

/** Rectangles of the pad and the bars, the viewport and the page's scroll width. */
export async function layout(page: Page) {
  return page.evaluate(() => {
    const r = (sel: string) => document.querySelector(sel)!.getBoundingClientRect().toJSON() as DOMRect;
    return { pad: r("#pad"), bars: r("#bars"), scrollWidth: document.documentElement.scrollWidth, innerWidth, innerHeight };
  });
}

/** axe-core's serious and critical violations on the page, as "id: help (n nodes)". */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: source });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.targets.join(", ")})`);
}

/**
 * A plain static server for the built demo under `prefix` (no vite), with COOP/COEP. The digits file
 * can be held back after `holdAt` of its bytes until release(), or answered with 404.
 */
export function staticServer(dir: string, prefix: string) {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".gz": "application/gzip" };
  const state = { holdAt: 1, missing: false, requests: [] as string[], release: () => {} };
  let released = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, "http://x").pathname);
    state.requests.push(path);
    const rel = path.startsWith(prefix) ? normalize(path.slice(prefix.length) || "index.html") : null;
    let body: Buffer;
    try {
      if (!rel || rel.startsWith("..")) throw new Error("outside");
      body = readFileSync(join(dir, rel));
    } catch {
      res.writeHead(404).end("not found");
      return;
    }
    const digits = /mnist-demo-[^/]*\.gz$/.test(rel);
    if (digits && state.missing) return void res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": types[extname(rel)] ?? "application/octet-stream", "content-length": body.length, "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
    if (!digits || state.holdAt >= 1) return void res.end(body);
    const cut = Math.floor(body.length * state.holdAt);
    res.write(body.subarray(0, cut));
    void released.then(() => res.end(body.subarray(cut)));
  });
  const hold = (fraction: number): void => {
    state.holdAt = fraction;
    released = new Promise((resolve) => (state.release = resolve));
  };
  return { server, state, hold };
}

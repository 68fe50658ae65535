// Node-only: the library works unchanged in a vite production build. Builds demo/ with vite, serves it
// with `vite preview`, and drives Debian's Chromium (playwright-core; no browser download) through it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, preview, type PreviewServer } from "vite";
import { chromium, type Browser } from "playwright-core";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  await build({ root: `${root}demo`, configFile: `${root}vite.config.ts`, logLevel: "error" });
  server = await preview({ root: `${root}demo`, configFile: `${root}vite.config.ts`, preview: { port: 0, host: "127.0.0.1" }, logLevel: "error" });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

describe("vite production build", () => {
  it("loads the relaxed kernels in Chromium and trains on the embedded digits", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForSelector("#status[data-variant]", { timeout: 30_000 });
    expect(await page.getAttribute("#status", "data-variant")).toBe("relaxed");
    await page.click("#train");
    await page.waitForSelector("#log[data-accuracy]", { timeout: 60_000 });
    expect(Number(await page.getAttribute("#log", "data-accuracy"))).toBeGreaterThan(0.85);
    expect(errors).toEqual([]);
  }, 120_000);
});

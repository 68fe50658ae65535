// Node-only: PNG encoding through pngjs and atomic PNG files (excluded from the browser project).
import { describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { encodePng, writePng } from "../../src/io/node.js";
import { digitGrid, filterGrid } from "../../src/draw/png.js";

describe("PNG files", () => {
  it("encode → decode round trip keeps the size and a known filter's gray levels", () => {
    // one 3×1 filter [−1, 0, 1]: darker = larger, so white, mid gray (128), black
    const img = filterGrid(Float32Array.from([-1, 0, 1]), [1, 1, 1, 3], { scale: 2, pad: 1 });
    const bytes = encodePng(img);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const back = PNG.sync.read(Buffer.from(bytes));
    expect([back.width, back.height]).toEqual([1 + 6 + 1, 1 + 2 + 1]);
    expect(new Uint8Array(back.data)).toEqual(new Uint8Array(img.data.buffer));
    const gray = (x: number, y: number) => back.data[4 * (y * back.width + x)];
    expect([gray(1, 1), gray(2, 2), gray(3, 1), gray(4, 2), gray(5, 1), gray(6, 2)]).toEqual([255, 255, 128, 128, 0, 0]);
    expect(back.data[4 * (back.width + 1) + 3]).toBe(255);
  });

  it("writePng writes atomically a PNG that decodes to the digit grid", async () => {
    const dir = await mkdtemp(join(tmpdir(), "simdnet-png-"));
    const img = digitGrid(new Uint8Array(3 * 784).fill(128), [1, 2, 3], [1, 7, 3], { columns: 3 });
    await writePng(join(dir, "d.png"), img);
    const back = PNG.sync.read(await readFile(join(dir, "d.png")));
    expect([back.width, back.height]).toEqual([img.width, img.height]);
    expect(await readdir(dir)).toEqual(["d.png"]);
  });
});

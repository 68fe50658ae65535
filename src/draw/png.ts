/**
 * "Looking inside" (chapter 6): RGBA images of first-layer filters and of misclassified digits with
 * their labels, built in plain JS so they run anywhere (a browser can paint one with `new ImageData`).
 * Encoding to PNG and writing files is node-only: encodePng / writePng in src/io/node.ts.
 * Images are row-major, 4 bytes (R, G, B, A) per pixel, the layout of the browser's ImageData.
 */
import type { Network } from "../network.js";
import type { DataSet } from "../data/dataset.js";
import { argmaxRows, datasetOutputs } from "../train/ensemble.js";

/** An RGBA image: width × height pixels, row-major, 4 bytes each (the browser's ImageData layout). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export type Rgb = readonly [number, number, number];

/** How filter weights become colours: gray levels, or blue (negative) → white (0) → red (positive). */
export type Colormap = "gray" | "diverging";

function fail(msg: string): never {
  throw new RangeError(`simdnet: ${msg}`);
}

/** A width × height opaque image filled with one colour. */
export function createImage(width: number, height: number, fill: Rgb = [255, 255, 255]): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) fail(`image size must be positive integers, got ${width} × ${height}`);
  const img = { width, height, data: new Uint8ClampedArray(width * height * 4).fill(255) }; // alpha 255
  fillRect(img, 0, 0, width, height, fill);
  return img;
}

/** Paints the w × h rectangle at (x, y) with one colour (clipped to the image). */
export function fillRect(img: RgbaImage, x: number, y: number, w: number, h: number, rgb: Rgb): void {
  for (let r = Math.max(y, 0); r < Math.min(y + h, img.height); r++) {
    for (let c = Math.max(x, 0); c < Math.min(x + w, img.width); c++) img.data.set(rgb, 4 * (r * img.width + c));
  }
}

// 3×5 bitmap glyphs, one row of 3 bits per character, top row first: digits, capital letters (for
// chart labels, src/draw/plot.ts), space and a little punctuation.
const FONT: Record<string, string> = {
  "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
  "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
  "8": "111101111101111", "9": "111101111001111", ">": "100010001010100", "-": "000000111000000",
  A: "010101111101101", B: "110101110101110", C: "011100100100011", D: "110101101101110", E: "111100110100111",
  F: "111100110100100", G: "011100101101011", H: "101101111101101", I: "111010010010111", J: "001001001101010",
  K: "101101110101101", L: "100100100100111", M: "101111111101101", N: "110101101101101", O: "010101101101010",
  P: "110101110100100", Q: "010101101110011", R: "110101110101101", S: "011100010001110", T: "111010010010010",
  U: "101101101101111", V: "101101101101010", W: "101101111111101", X: "101101010101101", Y: "101101010010010",
  Z: "111001010100111", " ": "000000000000000", ".": "000000000000010", ",": "000000000010100", ":": "000010000010000",
  "(": "010100100100010", ")": "010001001001010", "[": "110100100100110", "]": "011001001001011", "=": "000111000111000",
  "+": "000010111010000", "/": "001001010100100", "<": "001010100010001",
};

/** Width in pixels of text drawn by {@link drawText} at this scale (3 columns + 1 space per glyph). */
export function textWidth(text: string, scale = 1): number {
  return Math.max(text.length * 4 - 1, 0) * scale;
}

/** Draws text in the built-in 3×5 font (digits, capitals, space and .,:()[]=+-/<>), each font pixel a scale × scale block. */
export function drawText(img: RgbaImage, x: number, y: number, text: string, rgb: Rgb, scale = 1): void {
  [...text].forEach((ch, i) => {
    const glyph = FONT[ch] ?? fail(`drawText has no glyph for ${JSON.stringify(ch)} (digits, capital letters, space and .,:()[]=+-/<> only)`);
    for (let k = 0; k < 15; k++) {
      if (glyph[k] === "1") fillRect(img, x + (i * 4 + (k % 3)) * scale, y + Math.floor(k / 3) * scale, scale, scale, rgb);
    }
  });
}

/** Options of {@link filterGrid}. */
export interface FilterGridOptions {
  /** For dense weights (OC, inputs): each row's image shape, [H, W] or [C, H, W] (default: a square). */
  imageShape?: readonly number[];
  /** "gray" (default; as in the book's figures, darker = larger weight) or "diverging". */
  colormap?: Colormap;
  /** Swap the gray ramp (lighter = larger weight). */
  invert?: boolean;
  /** Filters per grid row (default ⌈√(F / C)⌉). */
  columns?: number;
  /** Output pixels per weight (default: about 56 pixels per tile, at most 16). */
  scale?: number;
  /** Output pixels between tiles (default 2; doubled between filters when they have several channels). */
  pad?: number;
  /** Colour between tiles (default a dark blue for gray maps, dark gray for diverging ones). */
  background?: Rgb;
}

const RED: Rgb = [178, 24, 43];
const BLUE: Rgb = [33, 102, 172];

/** The colour of weight v for a filter whose values span [lo, hi]. */
function colour(v: number, lo: number, hi: number, map: Colormap, invert: boolean): Rgb {
  if (map === "diverging") {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    const t = m > 0 ? v / m : 0; // in [−1, 1]
    const end = t < 0 ? BLUE : RED;
    const mix = (c: number): number => Math.round(255 + Math.abs(t) * (c - 255));
    return [mix(end[0]), mix(end[1]), mix(end[2])];
  }
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  const g = Math.round(255 * (invert ? t : 1 - t));
  return [g, g, g];
}

/** (F, C, H, W) from a weight shape: conv (F, C, k, k) as is, dense (OC, inputs) through imageShape. */
function tileShape(weights: ArrayLike<number>, shape: readonly number[], imageShape?: readonly number[]): [number, number, number, number] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (weights.length !== size) fail(`filterGrid: ${weights.length} weights for shape [${shape}] (${size} values)`);
  if (shape.length === 4) return shape as unknown as [number, number, number, number];
  if (shape.length !== 2) fail(`filterGrid: weight shape [${shape}] is neither conv (F, C, k, k) nor dense (OC, inputs)`);
  const [F, inputs] = shape;
  const side = Math.round(Math.sqrt(inputs));
  const img = imageShape ?? (side * side === inputs ? [side, side] : fail(`filterGrid: ${inputs} inputs are not a square image; give imageShape`));
  const [C, H, W] = img.length === 3 ? img : img.length === 2 ? [1, img[0], img[1]] : fail(`filterGrid: imageShape must be [H, W] or [C, H, W], got [${img}]`);
  if (C * H * W !== inputs) fail(`filterGrid: imageShape [${img}] holds ${C * H * W} values; each filter has ${inputs}`);
  return [F, C, H, W];
}

/**
 * All filters of a layer in one image: conv weights (F, C, k, k) or dense weights (OC, inputs) seen
 * as images. One row of C tiles per filter, normalized to that filter's own range, in a padded grid.
 */
export function filterGrid(weights: ArrayLike<number>, shape: readonly number[], opts: FilterGridOptions = {}): RgbaImage {
  const [F, C, H, W] = tileShape(weights, shape, opts.imageShape);
  const map = opts.colormap ?? "gray";
  if (map !== "gray" && map !== "diverging") fail(`unknown colormap ${JSON.stringify(map)}; expected "gray" or "diverging"`);
  const scale = opts.scale ?? Math.min(16, Math.max(1, Math.round(56 / Math.max(H, W))));
  const pad = opts.pad ?? 2;
  const gap = C > 1 ? 2 * pad : pad; // between filters
  const cols = opts.columns ?? Math.ceil(Math.sqrt(F / C));
  const rows = Math.ceil(F / cols);
  const cellW = C * W * scale + (C - 1) * pad;
  const img = createImage(gap + cols * (cellW + gap), gap + rows * (H * scale + gap), opts.background ?? (map === "gray" ? [20, 40, 90] : [48, 48, 48]));
  const per = C * H * W;
  for (let f = 0; f < F; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = f * per; i < (f + 1) * per; i++) {
      lo = Math.min(lo, weights[i]);
      hi = Math.max(hi, weights[i]);
    }
    const x0 = gap + (f % cols) * (cellW + gap);
    const y0 = gap + Math.floor(f / cols) * (H * scale + gap);
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const v = weights[f * per + (c * H + y) * W + x];
          fillRect(img, x0 + c * (W * scale + pad) + x * scale, y0 + y * scale, scale, scale, colour(v, lo, hi, map, opts.invert ?? false));
        }
      }
    }
  }
  return img;
}

/** Options of {@link digitGrid}. */
export interface DigitGridOptions {
  /** Each image's shape, [H, W] or [1, H, W] (default: a square). */
  imageShape?: readonly number[];
  /** Digits per grid row (default min(n, 10)). */
  columns?: number;
  /** Output pixels per input pixel (default 2). */
  scale?: number;
  /** Output pixels per font pixel (default 2). */
  fontScale?: number;
  /** Dark ink on white (default true, as the book prints digits); false keeps MNIST's white on black. */
  invert?: boolean;
  /** Multiplier for u8 pixels (default 1/255); f32 pixels are taken as in [0, 1]. */
  pixelScale?: number;
}

const GAP = 4;

/**
 * A grid of digit images, each with "true>predicted" under it in the built-in 3×5 font (the prediction
 * in red when wrong, green when right): the book's figure of the 33 digits its best network misses.
 */
export function digitGrid(images: Float32Array | Uint8Array, labels: ArrayLike<number>, predicted: ArrayLike<number>, opts: DigitGridOptions = {}): RgbaImage {
  const n = labels.length;
  if (n === 0) fail("digitGrid needs at least one image");
  if (predicted.length !== n) fail(`digitGrid: ${predicted.length} predictions for ${n} labels`);
  const size = images.length / n;
  if (!Number.isInteger(size)) fail(`digitGrid: ${images.length} pixels are not ${n} equal images`);
  const side = Math.round(Math.sqrt(size));
  const shape = opts.imageShape ?? (side * side === size ? [side, side] : fail(`digitGrid: ${size} pixels are not a square image; give imageShape`));
  const [H, W] = shape.length === 3 && shape[0] === 1 ? shape.slice(1) : shape;
  if (shape.length < 2 || shape.length > 3 || H * W !== size) fail(`digitGrid: imageShape [${shape}] does not describe ${size}-pixel one-channel images`);
  const scale = opts.scale ?? 2;
  const fs = opts.fontScale ?? 2;
  const invert = opts.invert ?? true;
  const px = images instanceof Uint8Array ? (opts.pixelScale ?? 1 / 255) : 1;
  const texts = Array.from({ length: n }, (_, i) => `${labels[i]}>${predicted[i]}`);
  const cellW = Math.max(W * scale, ...texts.map((t) => textWidth(t, fs)));
  const cellH = H * scale + GAP + 5 * fs;
  const cols = opts.columns ?? Math.min(n, 10);
  // cells of cellW × cellH with a margin of GAP all round
  const img = createImage(cols * (cellW + 2 * GAP), Math.ceil(n / cols) * (cellH + 2 * GAP), invert ? [255, 255, 255] : [0, 0, 0]);
  for (let i = 0; i < n; i++) {
    const x0 = (i % cols) * (cellW + 2 * GAP) + GAP;
    const y0 = Math.floor(i / cols) * (cellH + 2 * GAP) + GAP;
    const dx = x0 + Math.floor((cellW - W * scale) / 2);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = Math.min(Math.max(images[i * size + y * W + x] * px, 0), 1);
        const g = Math.round(255 * (invert ? 1 - v : v));
        fillRect(img, dx + x * scale, y0 + y * scale, scale, scale, [g, g, g]);
      }
    }
    const tx = x0 + Math.floor((cellW - textWidth(texts[i], fs)) / 2);
    const ty = y0 + H * scale + GAP;
    const head = `${labels[i]}>`;
    drawText(img, tx, ty, head, invert ? [64, 64, 64] : [200, 200, 200], fs);
    drawText(img, tx + (head.length * 4) * fs, ty, String(predicted[i]), labels[i] === predicted[i] ? [0, 140, 60] : [210, 30, 30], fs);
  }
  return img;
}

/** The examples a network gets wrong: their inputs (in [0, 1]), labels, predictions and indices. */
export interface Misclassified {
  images: Float32Array;
  labels: Int32Array;
  predicted: Int32Array;
  indices: Int32Array;
  inputShape: readonly number[];
}

/** The first `max` (default 100) examples of labelled data that net misclassifies, in data order. */
export function misclassified(net: Network, data: DataSet, max = 100): Misclassified {
  const labels = data.labels ?? fail("misclassified needs labelled data");
  const pred = argmaxRows(datasetOutputs(net, data), net.outputSize);
  const idx: number[] = [];
  for (let i = 0; i < data.n && idx.length < max; i++) if (pred[i] !== labels[i]) idx.push(i);
  const size = net.inputSize;
  const scale = data.inputs instanceof Uint8Array ? (data.scale ?? 1 / 255) : 1;
  const images = new Float32Array(idx.length * size);
  idx.forEach((i, k) => images.set(data.inputs.subarray(i * size, (i + 1) * size), k * size));
  if (scale !== 1) for (let j = 0; j < images.length; j++) images[j] *= scale;
  return {
    images,
    labels: Int32Array.from(idx, (i) => labels[i]),
    predicted: Int32Array.from(idx, (i) => pred[i]),
    indices: Int32Array.from(idx),
    inputShape: data.inputShape,
  };
}

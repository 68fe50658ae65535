/**
 * Training-data expansion on u8 images (H, W), row-major: the book's expand_mnist.py one-pixel shifts
 * (×5) and small bilinear rotations. Load-time code: plain loops, deterministic, no randomness.
 */
import type { DataSet } from "./dataset.js";

/** Height and width of a data set's images: from [1, H, W] / [H, W], or a square [H·W]. */
function imageSize(d: DataSet): [number, number] {
  const s = d.inputShape;
  if (s.length === 3 && s[0] === 1) return [s[1], s[2]];
  if (s.length === 2) return [s[0], s[1]];
  const side = Math.round(Math.sqrt(s[0]));
  if (s.length === 1 && side * side === s[0]) return [side, side];
  throw new Error(`simdnet: expansion needs single-channel images ([H·W] square, [H, W] or [1, H, W]), got shape [${s}]`);
}

function requireU8(d: DataSet, what: string): Uint8Array {
  if (!(d.inputs instanceof Uint8Array)) throw new Error(`simdnet: ${what} works on u8 inputs; this data set has Float32Array inputs`);
  if (d.targets) throw new Error(`simdnet: ${what} repeats class labels; data sets with float targets are not supported`);
  return d.inputs;
}

/**
 * Writes `src` (H, W) moved by dy rows down and dx columns right into `out`; vacated pixels are 0.
 * (np.roll followed by zeroing the wrapped row or column, as expand_mnist.py does for |d| = 1.)
 */
export function shiftImage(out: Uint8Array, src: Uint8Array, H: number, W: number, dy: number, dx: number): void {
  out.fill(0, 0, H * W);
  for (let y = Math.max(0, dy); y < Math.min(H, H + dy); y++) {
    for (let x = Math.max(0, dx); x < Math.min(W, W + dx); x++) out[y * W + x] = src[(y - dy) * W + (x - dx)];
  }
}

/** The four shifts of expand_mnist.py, in its order, as [dy, dx]: down, up, right, left. */
export const BOOK_SHIFTS: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/** Labels repeated `times` times each, in the typed array kind of the original. */
function repeatLabels(labels: DataSet["labels"], times: number): DataSet["labels"] {
  if (!labels) return undefined;
  const out = labels instanceof Uint8Array ? new Uint8Array(labels.length * times) : new Int32Array(labels.length * times);
  for (let i = 0; i < labels.length; i++) out.fill(labels[i], i * times, (i + 1) * times);
  return out;
}

/**
 * The book's expanded training data (expand_mnist.py): each image, then its four one-pixel shifts
 * (down, up, right, left; vacated pixels 0), so 5× the examples with each label repeated. Unlike
 * expand_mnist.py it does not shuffle the result (training shuffles every epoch anyway).
 */
export function expandWithShifts(d: DataSet, shifts: readonly (readonly [number, number])[] = BOOK_SHIFTS): DataSet {
  const src = requireU8(d, "expandWithShifts");
  const [H, W] = imageSize(d);
  const size = H * W;
  const times = 1 + shifts.length;
  const inputs = new Uint8Array(d.n * times * size);
  for (let i = 0; i < d.n; i++) {
    const image = src.subarray(i * size, (i + 1) * size);
    const base = i * times * size;
    inputs.set(image, base);
    shifts.forEach(([dy, dx], k) => shiftImage(inputs.subarray(base + (k + 1) * size), image, H, W, dy, dx));
  }
  return { n: d.n * times, inputShape: d.inputShape, inputs, scale: d.scale, labels: repeatLabels(d.labels, times) };
}

/**
 * Writes `src` (H, W) rotated by `degrees` (counter-clockwise as displayed, row 0 at the top) about
 * the image centre into `out`, by bilinear interpolation with zeros outside, rounded to u8. cos and sin
 * are rounded to multiples of 2^-20, which makes every later step exact, so results are bit-identical
 * across runtimes, and multiples of 90 degrees move pixels exactly.
 */
export function rotateImage(out: Uint8Array, src: Uint8Array, H: number, W: number, degrees: number): void {
  const rad = (degrees * Math.PI) / 180;
  const c = Math.round(Math.cos(rad) * 0x100000) / 0x100000;
  const s = Math.round(Math.sin(rad) * 0x100000) / 0x100000;
  const cy = (H - 1) / 2;
  const cx = (W - 1) / 2;
  const at = (y: number, x: number): number => (y >= 0 && y < H && x >= 0 && x < W ? src[y * W + x] : 0);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // output (u, v) = (x − cx, cy − y), y up, came from the source point R(−θ)(u, v)
      const u = x - cx;
      const v = cy - y;
      const sx = cx + u * c + v * s;
      const sy = cy - (-u * s + v * c);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
      const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
      out[y * W + x] = Math.min(255, Math.round(top * (1 - fy) + bottom * fy));
    }
  }
}

/**
 * Each image rotated by every angle in `degrees` in turn (include 0 to keep the original): for each
 * example, one copy per angle, in order, so degrees.length× the examples with labels repeated.
 */
export function rotate(d: DataSet, degrees: readonly number[]): DataSet {
  const src = requireU8(d, "rotate");
  for (const deg of degrees) if (!Number.isFinite(deg)) throw new RangeError(`simdnet: rotate: angles must be finite, got ${deg}`);
  const [H, W] = imageSize(d);
  const size = H * W;
  const times = degrees.length;
  const inputs = new Uint8Array(d.n * times * size);
  for (let i = 0; i < d.n; i++) {
    const image = src.subarray(i * size, (i + 1) * size);
    degrees.forEach((deg, k) => {
      const out = inputs.subarray((i * times + k) * size, (i * times + k + 1) * size);
      if (deg === 0) out.set(image);
      else rotateImage(out, image, H, W, deg);
    });
  }
  return { n: d.n * times, inputShape: d.inputShape, inputs, scale: d.scale, labels: repeatLabels(d.labels, times) };
}

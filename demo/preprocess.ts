/**
 * A drawing becomes an MNIST digit the way LeCun et al. made MNIST: the ink's bounding box is scaled
 * (aspect kept, area-averaged so strokes stay anti-aliased) to fit a 20×20 box, then the 20×20 image
 * is placed in a 28×28 field so that its centre of mass sits at (14, 14). Pure functions, no DOM: the
 * page hands in the canvas's alpha channel, tests hand in arrays.
 */

/** Ink below this (in [0, 1]) does not count towards the bounding box (anti-aliasing fringes). */
const INK = 0.05;

/** The bounding box of the ink in a w × h image, or null when it is blank. */
export function inkBox(ink: ArrayLike<number>, w: number, h: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 }; // half-open
}

/**
 * Area-resamples the rectangle [sx0, sx0 + sw) × [sy0, sy0 + sh) of src (w wide) onto an ow × oh grid:
 * each output pixel is the mean of the source area it covers, fractional pixels weighted by coverage.
 */
function resample(src: ArrayLike<number>, w: number, sx0: number, sy0: number, sw: number, sh: number, ow: number, oh: number): Float32Array {
  const out = new Float32Array(ow * oh);
  const fx = sw / ow;
  const fy = sh / oh;
  for (let oy = 0; oy < oh; oy++) {
    const ya = sy0 + oy * fy;
    const yb = ya + fy;
    for (let ox = 0; ox < ow; ox++) {
      const xa = sx0 + ox * fx;
      const xb = xa + fx;
      let sum = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          sum += wx * wy * src[y * w + x];
        }
      }
      out[oy * ow + ox] = sum / (fx * fy);
    }
  }
  return out;
}

/**
 * The 28×28 MNIST-style input (values in [0, 1], row-major) for a w × h image of ink in [0, 1], or
 * null when nothing is drawn. The larger side of the ink's bounding box becomes 20 pixels; the centre
 * of mass, in continuous coordinates (pixel i spans [i, i + 1)), lands on (14, 14) to the nearest pixel.
 */
export function toMnist(ink: ArrayLike<number>, w: number, h: number): Float32Array | null {
  const box = inkBox(ink, w, h);
  if (!box) return null;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const s = 20 / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * s));
  const oh = Math.max(1, Math.round(bh * s));
  const small = resample(ink, w, box.x0, box.y0, bw, bh, ow, oh);
  // shift so that the centre of mass moves to (14, 14)
  const [cx, cy] = centreOfMass(small, ow);
  const dx = Math.round(14 - cx);
  const dy = Math.round(14 - cy);
  const out = new Float32Array(784);
  for (let y = 0; y < oh; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= 28) continue;
    for (let x = 0; x < ow; x++) {
      const tx = x + dx;
      if (tx >= 0 && tx < 28) out[ty * 28 + tx] = Math.min(1, small[y * ow + x]);
    }
  }
  return out;
}

/** The centre of mass (x, y) of an image w wide (28 by default) in continuous coordinates. */
export function centreOfMass(img: ArrayLike<number>, w = 28): [number, number] {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < img.length; i++) {
    m += img[i];
    mx += img[i] * ((i % w) + 0.5);
    my += img[i] * (Math.floor(i / w) + 0.5);
  }
  return [mx / m, my / m];
}

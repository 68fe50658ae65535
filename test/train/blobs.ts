// A small learnable problem for the optimizer tests.
import type { DataSet } from "../../src/data/dataset.js";
import { RefRng } from "../helpers.js";

/** The class is the index of the largest of the first 3 of 8 inputs. */
export function blobs(n: number, seed: number): DataSet {
  const r = new RefRng(seed);
  const inputs = r.array(n * 8, 0, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => {
    const x = inputs.subarray(i * 8, i * 8 + 3);
    return x[0] > x[1] ? (x[0] > x[2] ? 0 : 2) : x[1] > x[2] ? 1 : 2;
  });
  return { n, inputShape: [8], inputs, labels };
}

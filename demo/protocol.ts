/** The messages between the page (main.ts) and the training worker (worker.ts). */
import type { RgbaImage, Variant } from "../src/index.js";
import type { ChartPoint, TrainConfig } from "./session.js";

/** Page → worker. */
export type ToWorker =
  /** threads: how many the run's engine should use (1, or the page's cores where it is cross-origin isolated). */
  | { type: "start"; config: TrainConfig; threads: number }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" }
  /** Misclassified test digits of a model the page uses (the page itself never downloads the digits). */
  | { type: "inspect"; model: Uint8Array; name: string };

/** Worker → page. */
export type FromWorker =
  /** The engine is up and the validation and test digits are in: a run may start. */
  | { type: "ready"; variant: Variant }
  /** Digits streaming in: bytes (decompressed) so far of the total, training digits complete of all. */
  | { type: "digits"; arrived: number; total: number; training: number; trainingTotal: number; validationTotal: number; testTotal: number }
  /** A start waits for its training digits to arrive. */
  | { type: "waiting"; have: number; need: number }
  /** threads: what the run's engine actually uses; threadsNote: why it uses fewer than asked for ("" otherwise). */
  | { type: "started"; numParams: number; batchesPerEpoch: number; trainSize: number; threads: number; threadsNote: string }
  /** seconds: training time so far in this run (pauses and set-up not counted). */
  | { type: "epoch"; point: ChartPoint; seconds: number }
  /** One chunk: position in epochs (fractional); examples trained in `seconds` (0 for a chunk that evaluated). */
  | { type: "progress"; epoch: number; position: number; fraction: number; examples: number; seconds: number }
  | { type: "filters"; image: RgbaImage }
  | { type: "mistakes"; image: RgbaImage | null; wrong: number; n: number; name?: string }
  | { type: "paused" }
  | { type: "resumed" }
  | { type: "done"; reason: string; message?: string; testAccuracy: number; hash: string; model: Uint8Array }
  | { type: "error"; message: string };

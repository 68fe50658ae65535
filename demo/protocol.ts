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
  | { type: "ready"; variant: Variant }
  /** threads: what the run's engine actually uses; threadsNote: why it uses fewer than asked for ("" otherwise). */
  | { type: "started"; numParams: number; batchesPerEpoch: number; trainSize: number; threads: number; threadsNote: string }
  | { type: "epoch"; point: ChartPoint }
  | { type: "progress"; epoch: number; fraction: number; examplesPerSecond: number | null }
  | { type: "filters"; image: RgbaImage }
  | { type: "mistakes"; image: RgbaImage | null; wrong: number; n: number; name?: string }
  | { type: "paused" }
  | { type: "resumed" }
  | { type: "done"; reason: string; message?: string; testAccuracy: number; hash: string; model: Uint8Array }
  | { type: "error"; message: string };

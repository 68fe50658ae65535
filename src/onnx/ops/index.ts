/** Every compute operator the ONNX executor builds, by op_type (shape ops that only fold: src/onnx/fold.ts). */
import type { Builder } from "../op.js";
import { CONV } from "./conv.js";
import { ELEMENTWISE } from "./elementwise.js";
import { GEMM } from "./gemm.js";
import { LAYOUT } from "./layout.js";
import { NORM } from "./norm.js";
import { POOL } from "./pool.js";
import { RECURRENT } from "./rnn.js";
import { REDUCE } from "./reduce.js";

export const OPS: Record<string, Builder> = { ...ELEMENTWISE, ...GEMM, ...CONV, ...POOL, ...NORM, ...LAYOUT, ...RECURRENT, ...REDUCE };

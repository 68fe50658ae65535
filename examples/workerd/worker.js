// A Cloudflare Worker: POST 28×28 u8 digits (784 bytes each), get their classes back as JSON.
import { loadModel } from "simdnet/infer";
import kernels from "simdnet.infer.wasm";   // a precompiled WebAssembly.Module (workers compile nothing at run time)
import modelBytes from "mlp.simdnet";       // an ArrayBuffer bundled with the worker

let model;

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("POST 784 bytes per 28×28 digit (u8, 0 = background)\n", { status: 405 });
    model ??= (await loadModel(modelBytes, { wasm: kernels })).net;
    const pixels = new Uint8Array(await request.arrayBuffer());
    if (pixels.length === 0 || pixels.length % 784 !== 0) return new Response(`expected a multiple of 784 bytes, got ${pixels.length}\n`, { status: 400 });
    const predictions = [...model.predict(Float32Array.from(pixels, (v) => v / 255))];
    return Response.json({ predictions });
  },
};

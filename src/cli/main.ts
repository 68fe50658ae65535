/**
 * The `simdnet` command line: train | eval | predict | tune | slowdown | rnn | onnx inspect | run | export. Errors print one clear line (no stack)
 * and exit with status 2 for bad usage, 1 for failures.
 */
import { engineFromFlags, helpText, parseFlags } from "./config.js";
import { train, loadData } from "./train.js";
import { tune } from "./tune.js";
import { slowdown } from "./slowdown.js";
import { loadModel } from "../io/node.js";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(helpText());
    return command ? 0 : 2;
  }
  // recurrent networks have flags of their own (--task, --hidden, --clip, --bptt, …): src/rnn/cli.ts
  if (command === "rnn") {
    await (await import("../rnn/cli.js")).rnnCommand(rest);
    return 0;
  }
  // ONNX: `onnx export` (src/cli/onnx-export.ts); `onnx inspect | run` (src/cli/onnx.ts)
  if (command === "onnx") {
    if (rest[0] === "export") {
      await (await import("./onnx-export.js")).onnxExportCommand(rest.slice(1));
      return 0;
    }
    await (await import("./onnx.js")).onnxCommand(rest);
    return 0;
  }
  const { flags } = parseFlags(rest);
  if (flags.help) {
    console.log(helpText());
    return 0;
  }
  switch (command) {
    case "train":
      await train(flags);
      return 0;
    case "tune":
      await tune(flags);
      return 0;
    case "slowdown":
      await slowdown(flags, rest);
      return 0;
    case "eval":
    case "predict": {
      if (!flags.model) throw new Error(`simdnet ${command} needs --model FILE`);
      const engine = await engineFromFlags(flags);
      const { net, header } = await loadModel(flags.model, { engine });
      const data = await loadData(flags);
      if (command === "eval") {
        const r = net.evaluate(data.test);
        if (header.format === "onnx") console.log(`${flags.model}: ONNX, input "${header.input}" [N, ${header.inputShape.join(", ")}], output "${header.output}" (${net.outputSize} classes)`);
        else console.log(`${flags.model}: ${header.layers.length} layers, ${net.numParams} parameters`);
        console.log(`test accuracy ${(100 * r.accuracy).toFixed(2)}% (${r.correct} / ${r.n})${Number.isNaN(r.cost) ? "" : ` · cost ${r.cost.toFixed(4)}`}`);
      } else {
        const count = Math.min(20, data.test.n);
        const size = net.inputSize;
        const inputs = Float32Array.from(data.test.inputs.subarray(0, count * size), (v) => (data.test.inputs instanceof Uint8Array ? v * (data.test.scale ?? 1 / 255) : v));
        const pred = net.predict(inputs);
        console.log("index  label  predicted");
        for (let i = 0; i < count; i++) console.log(`${String(i).padStart(5)}  ${String(data.test.labels?.[i] ?? "?").padStart(5)}  ${String(pred[i]).padStart(9)}${data.test.labels && data.test.labels[i] !== pred[i] ? "  ✗" : ""}`);
      }
      return 0;
    }
    default:
      console.error(`simdnet: unknown command ${JSON.stringify(command)}\n\n${helpText()}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`simdnet: ${err instanceof Error ? err.message.replace(/^simdnet: /, "") : String(err)}`);
    process.exit(err instanceof RangeError || err instanceof TypeError ? 2 : 1);
  },
);

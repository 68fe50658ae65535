/**
 * Node-only additions to the public API ("simdnet/node"): reading IDX directories, and model and
 * checkpoint files written atomically. Everything in "simdnet" is re-exported too.
 */
export * from "./index.js";
export { loadIdxDir, MNIST_FILES, type LoadIdxDirOptions } from "./data/node.js";
export { saveModel, loadModel, loadNetwork, saveCheckpoint, loadCheckpoint, writeFileAtomic, encodePng, writePng } from "./io/node.js";
export { saveSequenceModel, loadSequenceModel } from "./rnn/node.js";

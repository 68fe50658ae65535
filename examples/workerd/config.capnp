# workerd serve config.capnp --socket-addr http=127.0.0.1:8080   (run in the project folder)
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "simdnet/infer", esModule = embed "node_modules/simdnet/dist/bundle/infer.js"),
    (name = "simdnet.infer.wasm", wasm = embed "node_modules/simdnet/dist/build/simdnet.infer.wasm"),
    (name = "mlp.simdnet", data = embed "mlp.simdnet"),
  ],
  compatibilityDate = "2025-01-01",
);

import { defineConfig } from "tsup"

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node22"
  },
  {
    // The `gridwork-grid-service` executable (what `npm start` runs) and the worker thread
    // that runs partitions, validations and audits off the event loop (loaded next to it).
    entry: { main: "src/main.ts", "compute-worker": "src/compute/ComputeWorker.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    sourcemap: true,
    target: "node22",
    banner: { js: "#!/usr/bin/env node" }
  }
])

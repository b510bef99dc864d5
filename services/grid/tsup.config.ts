import { gridworkTsup } from "../../tsup.shared"

// `compute-worker` is the worker thread that runs partitions, validations and audits, loaded beside `main`.
export default gridworkTsup({
  entry: { index: "src/index.ts", "compute-worker": "src/compute/ComputeWorker.ts" },
  bin: { main: "src/main.ts" }
})

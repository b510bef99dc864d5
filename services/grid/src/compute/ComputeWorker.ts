/**
 * The worker-thread side of `ComputePool`: decodes each {@link Request} with Schema,
 * runs the task (`Compute`), posts progress when the whole percentage changes, then the
 * output (its byte arrays transferred, not copied) or the failure. One task at a time.
 *
 * Loaded by the pool with `new Worker(...)`; it does nothing when imported elsewhere.
 * @module
 */
import { parentPort } from "node:worker_threads"
import { Result, Schema } from "effect"
import * as Compute from "./Compute"
import { type Reply, Request, type Task } from "./ComputeTask"

const decodeRequest = Schema.decodeUnknownResult(Request)

const buffersOf = (value: unknown, out: Array<ArrayBuffer> = []): Array<ArrayBuffer> => {
  if (value instanceof Uint8Array) {
    if (value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) {
      if (!out.includes(value.buffer)) out.push(value.buffer)
    }
  } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const child of Object.values(value)) buffersOf(child, out)
  }
  return out
}

const run = (task: Task, onProgress: Compute.OnProgress): unknown => {
  switch (task._tag) {
    case "Validate":
      return Compute.validate(task, onProgress)
    case "Partition":
      return Compute.partition(task, onProgress)
    case "Audit":
      return Compute.audit(task)
  }
}

const port = parentPort
if (port !== null) {
  port.on("message", (message: unknown) => {
    const post = (reply: Reply, transfer: ReadonlyArray<ArrayBuffer> = []) => port.postMessage(reply, [...transfer])
    const id =
      typeof message === "object" && message !== null && typeof (message as { id?: unknown }).id === "number"
        ? (message as { id: number }).id
        : -1
    const decoded = decodeRequest(message)
    if (Result.isFailure(decoded)) {
      post({ _tag: "Failed", id, failure: { code: "internal", message: `bad request: ${decoded.failure.message}` } })
      return
    }
    let last = -1
    try {
      const output = run(decoded.success.task, (progress) => {
        if (progress.percent === last) return
        last = progress.percent
        post({ _tag: "Progress", id, progress })
      })
      post({ _tag: "Done", id, output }, buffersOf(output))
    } catch (error) {
      post({
        _tag: "Failed",
        id,
        failure: {
          code: error instanceof Compute.InvalidInput ? "invalid-input" : "internal",
          message: error instanceof Error ? error.message : String(error)
        }
      })
    }
  })
}

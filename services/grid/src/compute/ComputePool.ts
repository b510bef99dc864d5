/**
 * Runs {@link Compute} tasks off the event loop, on a small pool of worker threads, so
 * that HTTP requests (and the progress stream of the very job being computed) are served
 * while a partition runs.
 *
 * - At most `size` tasks run at once; more wait for a thread.
 * - Threads are started on first use and kept for the next task (starting one costs
 *   ~0.1 s built, ~1.5 s from TypeScript sources).
 * - Interrupting a task (a cancelled job, the service shutting down) terminates its
 *   thread at once; the next task starts a fresh one. Closing the layer terminates all.
 * - A thread that dies (out of memory, a crash) fails its task with `crashed`.
 * - Replies are decoded with Schema before they are trusted.
 *
 * {@link ComputePool.layerInline} runs the same functions on the calling fiber instead;
 * it is for tests of the computations and for tools that have nothing else to serve.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ComputePool } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const pool = yield* ComputePool.ComputePool
 *   return yield* pool.run({ _tag: "Validate", document, options: {} }, (p) => Effect.log(p.percent))
 * }).pipe(Effect.provide(ComputePool.ComputePool.layer({ size: 2 })))
 * ```
 * @module
 */
import { Worker } from "node:worker_threads"
import { Context, Effect, Exit, Layer, Queue, Result, Schema, Semaphore, Stream } from "effect"
import * as Compute from "./Compute"
import { type OutputOf, outputSchemas, type Progress, Reply, type Task } from "./ComputeTask"

/** A task failed: `invalid-input` (the data cannot be used), `internal` (a bug) or `crashed` (the thread died). */
export class ComputeFailed extends Schema.TaggedError<ComputeFailed>()("ComputeFailed", {
  code: Schema.Literals(["invalid-input", "internal", "crashed"]),
  message: Schema.String
}) {}

/** Receives a task's progress. */
export type ProgressSink = (progress: Progress) => Effect.Effect<void>

/** The pool. */
export interface ComputePoolShape {
  /** Runs a task; interrupting the effect stops the computation. */
  readonly run: <T extends Task>(
    task: T,
    onProgress?: ProgressSink
  ) => Effect.Effect<OutputOf[T["_tag"]], ComputeFailed>
  /** Worker threads alive now (0 inline). */
  readonly threads: Effect.Effect<number>
}

const decodeReply = Schema.decodeUnknownResult(Reply)

/**
 * The worker's entry: the TypeScript source (loaded with tsx and the source condition)
 * when this module runs from sources, else the built `compute-worker.js` beside the
 * bundle, which inherits the process's flags.
 */
const workerEntry = (): { readonly url: URL; readonly execArgv: ReadonlyArray<string> | undefined } => {
  const here = import.meta.url
  return here.endsWith(".ts")
    ? { url: new URL("./ComputeWorker.ts", here), execArgv: ["--conditions=@gridwork/source", "--import", "tsx"] }
    : { url: new URL("./compute-worker.js", here), execArgv: undefined }
}

const decodeOutput = <T extends Task>(task: T, output: unknown): Effect.Effect<OutputOf[T["_tag"]], ComputeFailed> => {
  const schema = outputSchemas[task._tag] as unknown as Schema.Codec<OutputOf[T["_tag"]], unknown>
  return Effect.mapError(
    Schema.decodeUnknownEffect(schema)(output),
    (error) => new ComputeFailed({ code: "internal", message: `malformed ${task._tag} output: ${error.message}` })
  )
}

/** Runs a task on the calling fiber (see the module documentation). */
const runInline = <T extends Task>(task: T, onProgress?: ProgressSink) =>
  Effect.gen(function* () {
    const seen: Array<Progress> = []
    const output = yield* Effect.try({
      try: (): unknown => {
        const sink = (p: Progress) => {
          seen.push(p)
        }
        switch (task._tag) {
          case "Validate":
            return Compute.validate(task, sink)
          case "Partition":
            return Compute.partition(task, sink)
          case "Audit":
            return Compute.audit(task)
        }
      },
      catch: (error) =>
        new ComputeFailed({
          code: error instanceof Compute.InvalidInput ? "invalid-input" : "internal",
          message: error instanceof Error ? error.message : String(error)
        })
    })
    if (onProgress !== undefined) yield* Effect.forEach(seen, onProgress, { discard: true })
    return yield* decodeOutput(task, output)
  })

/** The compute pool service. */
export class ComputePool extends Context.Service<ComputePool, ComputePoolShape>()(
  "@gridwork/service-grid/compute/ComputePool"
) {
  /** A pool of `size` worker threads (1-16), terminated when the layer closes. */
  static layer(options: { readonly size: number }): Layer.Layer<ComputePool> {
    return Layer.effect(
      ComputePool,
      Effect.gen(function* () {
        const size = Math.max(1, Math.min(16, Math.floor(options.size)))
        const permits = yield* Semaphore.make(size)
        const idle: Array<Worker> = []
        const live = new Set<Worker>()
        let nextId = 1
        const entry = workerEntry()
        yield* Effect.addFinalizer(() =>
          Effect.promise(() => Promise.all([...live].map((worker) => worker.terminate()))).pipe(
            Effect.andThen(Effect.sync(() => live.clear()))
          )
        )
        const spawn = Effect.sync(() => {
          const worker = new Worker(entry.url, entry.execArgv === undefined ? {} : { execArgv: [...entry.execArgv] })
          worker.unref()
          live.add(worker)
          worker.once("exit", () => {
            live.delete(worker)
            const at = idle.indexOf(worker)
            if (at >= 0) idle.splice(at, 1)
          })
          return worker
        })
        const acquire = Effect.suspend(() => {
          const worker = idle.pop()
          return worker === undefined ? spawn : Effect.succeed(worker)
        })
        /** Threads that failed (crashed or interrupted) are terminated, healthy ones reused. */
        const broken = new WeakSet<Worker>()
        const release = (worker: Worker, exit: Exit.Exit<unknown, unknown>) =>
          Effect.promise(async () => {
            if (!broken.has(worker) && !(Exit.isFailure(exit) && Exit.hasInterrupts(exit)) && live.has(worker)) {
              idle.push(worker)
              return
            }
            live.delete(worker)
            await worker.terminate()
          })
        const execute = <T extends Task>(worker: Worker, task: T, progress: Queue.Queue<Progress>) =>
          Effect.callback<unknown, ComputeFailed>((resume) => {
            const id = nextId++
            const onMessage = (message: unknown) => {
              const reply = decodeReply(message)
              if (Result.isFailure(reply)) {
                finish(
                  Effect.fail(
                    new ComputeFailed({ code: "internal", message: `malformed reply: ${reply.failure.message}` })
                  )
                )
                return
              }
              const value = reply.success
              if (value.id !== id) return
              switch (value._tag) {
                case "Progress":
                  Queue.offerUnsafe(progress, value.progress)
                  return
                case "Done":
                  finish(Effect.succeed(value.output))
                  return
                case "Failed":
                  finish(Effect.fail(new ComputeFailed(value.failure)))
                  return
              }
            }
            const onError = (error: Error) => {
              broken.add(worker)
              finish(
                Effect.fail(
                  new ComputeFailed({ code: "crashed", message: `the worker thread failed: ${error.message}` })
                )
              )
            }
            const onExit = (code: number) => {
              broken.add(worker)
              finish(
                Effect.fail(new ComputeFailed({ code: "crashed", message: `the worker thread exited (code ${code})` }))
              )
            }
            const detach = () => {
              worker.off("message", onMessage)
              worker.off("error", onError)
              worker.off("exit", onExit)
            }
            const finish = (effect: Effect.Effect<unknown, ComputeFailed>) => {
              detach()
              resume(effect)
            }
            worker.on("message", onMessage)
            worker.on("error", onError)
            worker.on("exit", onExit)
            worker.postMessage({ id, task })
            return Effect.sync(detach)
          })
        const run = <T extends Task>(task: T, onProgress?: ProgressSink) =>
          permits.withPermits(1)(
            Effect.scoped(
              Effect.gen(function* () {
                const progress = yield* Queue.unbounded<Progress>()
                if (onProgress !== undefined) {
                  yield* Effect.forkScoped(Stream.runForEach(Stream.fromQueue(progress), onProgress))
                }
                const output = yield* Effect.acquireUseRelease(
                  acquire,
                  (worker) => execute(worker, task, progress),
                  release
                )
                return yield* decodeOutput(task, output)
              })
            )
          )
        return ComputePool.of({ run, threads: Effect.sync(() => live.size) })
      })
    )
  }

  /** Runs tasks on the calling fiber (tests, tools); progress is reported after the task. */
  static readonly layerInline: Layer.Layer<ComputePool> = Layer.succeed(ComputePool)(
    ComputePool.of({ run: runInline, threads: Effect.succeed(0) })
  )
}

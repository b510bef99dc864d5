/**
 * Where the ledger's signed checkpoints are kept, newest last: in memory (tests,
 * demos) or in PostgreSQL (`SqlCheckpointStore`). A checkpoint of a size already kept
 * is not stored twice.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { CheckpointStore } from "@gridwork/service-accountability"
 *
 * const latest = CheckpointStore.CheckpointStore.use((store) => store.latest).pipe(
 *   Effect.provide(CheckpointStore.CheckpointStore.layerMemory)
 * )
 * ```
 * @module
 */
import type { Checkpoint } from "@gridwork/core"
import { Context, Effect, Layer, Option, Schema } from "effect"

/** The store could not be read or written. */
export class CheckpointStoreFailure extends Schema.TaggedError<CheckpointStoreFailure>()("CheckpointStoreFailure", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `checkpoint store failed during ${this.operation}: ${String(this.cause)}`
  }
}

/** The operations of a checkpoint store. */
export interface CheckpointStoreShape {
  /** Keeps a checkpoint (ignored when one of the same size is kept). */
  readonly save: (checkpoint: Checkpoint.Checkpoint) => Effect.Effect<void, CheckpointStoreFailure>
  /** The checkpoint of the largest size, if any. */
  readonly latest: Effect.Effect<Option.Option<Checkpoint.Checkpoint>, CheckpointStoreFailure>
}

/** A new, empty in-memory store. */
export const makeMemory: Effect.Effect<CheckpointStoreShape> = Effect.sync(() => {
  const kept = new Map<number, Checkpoint.Checkpoint>()
  return {
    save: (checkpoint) =>
      Effect.sync(() => {
        if (!kept.has(checkpoint.size)) kept.set(checkpoint.size, checkpoint)
      }),
    latest: Effect.sync(() => {
      let best: Checkpoint.Checkpoint | undefined
      for (const checkpoint of kept.values()) if (best === undefined || checkpoint.size > best.size) best = checkpoint
      return Option.fromNullishOr(best)
    })
  }
})

/** The checkpoint store service. */
export class CheckpointStore extends Context.Service<CheckpointStore, CheckpointStoreShape>()(
  "@gridwork/service-accountability/CheckpointStore"
) {
  /** An empty in-memory store. */
  static readonly layerMemory: Layer.Layer<CheckpointStore> = Layer.effect(CheckpointStore, makeMemory)
}

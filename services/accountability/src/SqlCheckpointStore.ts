/**
 * The {@link CheckpointStore} on PostgreSQL: table `accountability_checkpoints`
 * (`Migrations`), one row per (ledger, size), the checkpoint as `jsonb`, decoded with
 * core's `Checkpoint` Schema on every read.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { SqlStore } from "@gridwork/store-sql"
 * import { SqlCheckpointStore } from "@gridwork/service-accountability"
 *
 * const store = SqlCheckpointStore.layer("lanxi.accountability").pipe(Layer.provide(SqlStore.layer()))
 * ```
 * @module
 */
import { Checkpoint } from "@gridwork/core"
import { Effect, Layer, Option, Schema } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { CheckpointStore, CheckpointStoreFailure, type CheckpointStoreShape } from "./CheckpointStore"

const decode = Schema.decodeUnknownEffect(Checkpoint.Checkpoint)

const failure =
  (operation: string) =>
  (cause: unknown): CheckpointStoreFailure =>
    new CheckpointStoreFailure({ operation, cause })

/** Builds the store of ledger `ledger` over the `SqlClient` in context. */
export const make = (ledger: string): Effect.Effect<CheckpointStoreShape, never, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const save: CheckpointStoreShape["save"] = (checkpoint) =>
      sql`
        insert into accountability_checkpoints (ledger, size, issued_at, checkpoint)
        values (${ledger}, ${checkpoint.size}, ${checkpoint.issuedAt}, ${JSON.stringify(checkpoint)}::jsonb)
        on conflict do nothing`.pipe(Effect.asVoid, Effect.mapError(failure("save")))
    const latest: CheckpointStoreShape["latest"] = sql<{ readonly checkpoint: unknown }>`
      select checkpoint from accountability_checkpoints where ledger = ${ledger} order by size desc limit 1`.pipe(
      Effect.mapError(failure("latest")),
      Effect.flatMap(([row]) =>
        row === undefined
          ? Effect.succeed(Option.none())
          : decode(typeof row.checkpoint === "string" ? JSON.parse(row.checkpoint) : row.checkpoint).pipe(
              Effect.map(Option.some),
              Effect.mapError(failure("latest"))
            )
      )
    )
    return CheckpointStore.of({ save, latest })
  })

/** A layer with the SQL store of ledger `ledger`; needs a migrated `SqlClient` (see `Migrations`). */
export const layer = (ledger: string): Layer.Layer<CheckpointStore, never, SqlClient> =>
  Layer.effect(CheckpointStore, make(ledger))

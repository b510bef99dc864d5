/**
 * The {@link ObligationIndex} on PostgreSQL (tables of `Migrations`): one row per
 * obligation with its view as `jsonb` (Schema-encoded; decoded again on every read),
 * and one row per (unit, matter) involvement. Writes join the caller's transaction.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { SqlStore } from "@gridwork/store-sql"
 * import { SqlObligationIndex } from "@gridwork/service-accountability"
 *
 * const index = SqlObligationIndex.layer.pipe(Layer.provide(SqlStore.layer({ dataDir: ".gridwork/data/accountability" })))
 * ```
 * @module
 */
import { Effect, Layer, Option, Schema } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { IndexFailure, ObligationIndex, type ObligationIndexShape } from "./ObligationIndex"
import { ObligationView } from "./ObligationView"

const codec = Schema.toCodecJson(ObligationView)
const encodeView = Schema.encodeSync(codec)
const decodeView = Schema.decodeUnknownEffect(codec)

const failure =
  (operation: string) =>
  (cause: unknown): IndexFailure =>
    new IndexFailure({ operation, cause })

/** Builds the index over the `SqlClient` in context (tables created by `Migrations.migrate`). */
export const make: Effect.Effect<ObligationIndexShape, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient

  const decodeRows = (operation: string, rows: ReadonlyArray<{ readonly view: unknown }>) =>
    Effect.forEach(rows, (row) =>
      decodeView(typeof row.view === "string" ? JSON.parse(row.view) : row.view).pipe(
        Effect.mapError(failure(operation))
      )
    )

  const record: ObligationIndexShape["record"] = (subject, views, units) =>
    Effect.gen(function* () {
      for (const view of views) {
        const json = JSON.stringify(encodeView(view))
        yield* sql`
          insert into accountability_obligations (id, subject, unit, status, view)
          values (${view.id}, ${view.subject}, ${view.owner.unit}, ${view.status}, ${json}::jsonb)
          on conflict (id) do update
            set subject = excluded.subject, unit = excluded.unit, status = excluded.status, view = excluded.view`
      }
      for (const unit of units) {
        yield* sql`
          insert into accountability_matter_units (unit, subject) values (${unit}, ${subject})
          on conflict do nothing`
      }
    }).pipe(Effect.mapError(failure("record")))

  const get: ObligationIndexShape["get"] = (id) =>
    sql<{ readonly view: unknown }>`select view from accountability_obligations where id = ${id}`.pipe(
      Effect.mapError(failure("get")),
      Effect.flatMap((rows) => decodeRows("get", rows)),
      Effect.map((views) => Option.fromNullishOr(views[0]))
    )

  const find: ObligationIndexShape["find"] = (filter) => {
    const conditions = [
      ...(filter.subject === undefined ? [] : [sql`subject = ${filter.subject}`]),
      ...(filter.unit === undefined ? [] : [sql`unit = ${filter.unit}`]),
      ...(filter.status === undefined ? [] : [sql`status = ${filter.status}`]),
      ...(filter.after === undefined ? [] : [sql`id > ${filter.after}`])
    ]
    return sql<{ readonly view: unknown }>`
      select view from accountability_obligations
      ${conditions.length === 0 ? sql`` : sql`where ${sql.and(conditions)}`}
      order by id limit ${filter.limit}`.pipe(
      Effect.mapError(failure("find")),
      Effect.flatMap((rows) => decodeRows("find", rows))
    )
  }

  const subjectsOf: ObligationIndexShape["subjectsOf"] = (unit) =>
    sql<{ readonly subject: string }>`
      select subject from accountability_matter_units where unit = ${unit} order by subject`.pipe(
      Effect.map((rows) => rows.map((row) => row.subject)),
      Effect.mapError(failure("subjectsOf"))
    )

  return ObligationIndex.of({ record, get, find, subjectsOf })
})

/** A layer with the SQL index; needs a migrated `SqlClient` (see `Migrations`). */
export const layer: Layer.Layer<ObligationIndex, never, SqlClient> = Layer.effect(ObligationIndex, make)

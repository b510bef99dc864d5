/**
 * Fresh databases for test files: a new database on the run's PostgreSQL server, or a
 * new copy of the migrated embedded template directory.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { Effect, Exit, Layer, Redacted, Schedule, Scope } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { afterAll, beforeAll, inject } from "vitest"
import * as EmbeddedPostgres from "../../src/EmbeddedPostgres"
import * as SqlStore from "../../src/SqlStore"

/** Both kinds of database the suites run on. */
export const kinds = ["embedded", "server"] as const
/** @see {@link kinds} */
export type Kind = (typeof kinds)[number]

let counter = 0

/** Creates a database with a fresh name on the run's server and returns its URL. */
export const freshServerDatabase = (prefix: string): Effect.Effect<string> =>
  Effect.gen(function* () {
    const admin = inject("postgresUrl")
    counter++
    const name = `${prefix}_${process.pid}_${counter}_${Date.now().toString(36)}`
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, "_")
    // The server may still be finishing its start-up ("the database system is starting up").
    yield* Effect.flatMap(SqlClient, (sql) => sql.unsafe(`create database ${name}`).raw).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(admin), maxConnections: 1 })),
      Effect.retry({ schedule: Schedule.spaced("100 millis"), times: 100 }),
      Effect.orDie
    )
    return admin.replace(/\/postgres$/, `/${name}`)
  })

/** Copies the migrated embedded template to a new temporary directory, removed when the scope closes. */
export const freshEmbeddedDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = mkdtempSync(join(tmpdir(), "gridwork-pglite-"))
    cpSync(inject("embeddedTemplate"), dir, { recursive: true })
    return dir
  }),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** A fresh, migrated database of the given kind, as `SqlStore.layer` provides it. */
export const freshStore = (
  kind: Kind,
  prefix: string
): Layer.Layer<PgClient.PgClient | SqlClient | SqlStore.SqlDatabase, SqlStore.SqlStoreStartFailure> =>
  Layer.unwrap(
    kind === "server"
      ? Effect.map(freshServerDatabase(prefix), (databaseUrl) => SqlStore.layer({ databaseUrl }))
      : Effect.map(freshEmbeddedDir, (dataDir) => SqlStore.layer({ dataDir }))
  )

/** A database shared by the tests of one file, opened in `beforeAll` and closed in `afterAll`. */
export interface SharedDatabase {
  /**
   * A new connection pool to the shared database (one connection when embedded: close
   * the previous pool before opening the next).
   */
  readonly connect: () => Layer.Layer<PgClient.PgClient | SqlClient | SqlStore.SqlDatabase>
}

/** Registers hooks that open a fresh database of `kind` for the file and close it after. */
export const sharedDatabase = (kind: Kind, prefix: string): SharedDatabase => {
  let scope: Scope.Closeable | undefined
  let info: SqlStore.SqlDatabaseInfo | undefined
  let url: Redacted.Redacted<string> | undefined
  beforeAll(async () => {
    scope = Effect.runSync(Scope.make())
    const opened = await Effect.runPromise(
      Effect.gen(function* () {
        if (kind === "server") {
          const databaseUrl = yield* freshServerDatabase(prefix)
          yield* Effect.scoped(Layer.build(SqlStore.layer({ databaseUrl })))
          return { url: Redacted.make(databaseUrl), location: databaseUrl, maxConnections: 10 }
        }
        const dataDir = yield* freshEmbeddedDir
        const embedded = yield* EmbeddedPostgres.start({ dataDir })
        return { url: embedded.url, location: dataDir, maxConnections: 1 }
      }).pipe(Scope.provide(scope), Effect.orDie)
    )
    url = opened.url
    info = { mode: kind, location: opened.location, maxConnections: opened.maxConnections }
  }, 60_000)
  afterAll(async () => {
    if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
  })
  return {
    connect: () =>
      Layer.merge(
        // The embedded server admits one connection and frees the slot of a closed one
        // asynchronously: retry briefly when the previous pool is still going away.
        Layer.effectContext(
          Effect.gen(function* () {
            const pool = PgClient.layer({ url: url!, maxConnections: info!.maxConnections })
            const context = yield* Layer.build(pool)
            const probe = Effect.flatMap(SqlClient, (sql) => sql`select 1`)
            yield* Effect.retry(Effect.provide(probe, context), {
              schedule: Schedule.spaced("20 millis"),
              times: 250
            })
            return context
          })
        ).pipe(Layer.orDie),
        Layer.succeed(SqlStore.SqlDatabase, info!)
      )
  }
}

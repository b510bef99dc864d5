/**
 * Fresh databases for test files: a new database on the run's PostgreSQL server, or a
 * new copy of the migrated embedded template directory.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted, type Scope } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { inject } from "vitest"
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
    yield* Effect.flatMap(SqlClient, (sql) => sql.unsafe(`create database ${name}`).raw).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(admin), maxConnections: 1 })),
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

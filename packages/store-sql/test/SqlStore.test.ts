import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { EventStore, Ids, Instant } from "@gridwork/core"
import { freePort } from "@gridwork/test-servers"
import { ConfigProvider, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as Migrations from "../src/Migrations"
import * as SqlEventStore from "../src/SqlEventStore"
import * as SqlStore from "../src/SqlStore"
import { freshEmbeddedDir, freshServerDatabase } from "./support/Databases"

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

const startFailure = (options: SqlStore.SqlStoreOptions) =>
  Effect.flip(Effect.scoped(Layer.build(SqlStore.layer(options))))

const appendOne = (streamId: string) =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const eventId = yield* Ids.makeEventId
    return yield* store.append(streamId, "any", [
      { eventId, type: "ThingHappened", schemaVersion: 1, data: { n: 1 }, metadata: {}, occurredAt }
    ])
  })

const migrationsApplied = Effect.flatMap(SqlClient, (sql) =>
  Effect.map(
    sql<{ readonly migration_id: number }>`select migration_id from gw_migrations order by migration_id`,
    (rows) => rows.map((row) => row.migration_id)
  )
)

const databaseInfo = Effect.gen(function* () {
  return yield* SqlStore.SqlDatabase
})

const allMigrations = Object.keys(Migrations.migrations).map((key) => Number(key.split("_")[0]))

describe("SqlStore.layer", () => {
  it.live("rejects bad options naming the option", () =>
    Effect.gen(function* () {
      assert.include((yield* startFailure({ databaseUrl: "not a url" })).message, "databaseUrl")
      assert.include((yield* startFailure({ databaseUrl: "mysql://db/x" })).message, "postgres: or postgresql:")
      assert.include((yield* startFailure({ dataDir: " " })).message, "dataDir")
      assert.include((yield* startFailure({ dataDir: "x", maxConnections: 0 })).message, "maxConnections")
    })
  )

  it.live("fails with SqlStoreStartFailure when the server cannot be reached", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(freePort)
      const error = yield* startFailure({ databaseUrl: `postgres://gridwork:secret@127.0.0.1:${port}/db` })
      assert.strictEqual(error._tag, "SqlStoreStartFailure")
      assert.include(error.message, `127.0.0.1:${port}`)
      assert.notInclude(error.message, "secret", "the password is not shown")
    })
  )

  it.live("applies every migration once on a server; starting again applies none", () =>
    Effect.gen(function* () {
      const databaseUrl = yield* freshServerDatabase("migrations")
      const first = yield* Effect.scoped(
        Effect.provide(Effect.all([migrationsApplied, databaseInfo]), SqlStore.layer({ databaseUrl }))
      )
      assert.deepStrictEqual(first[0], allMigrations)
      assert.strictEqual(first[1].mode, "server")
      const again = yield* Effect.provide(Migrations.migrate, SqlStore.layer({ databaseUrl }))
      assert.deepStrictEqual(again, [], "nothing left to apply")
    })
  )

  it.live("the embedded database keeps its data in the directory across restarts", () =>
    Effect.gen(function* () {
      const dataDir = yield* freshEmbeddedDir
      const stack = () => SqlEventStore.layer().pipe(Layer.provideMerge(SqlStore.layer({ dataDir })))
      const written = yield* Effect.provide(appendOne("durable-1"), stack())
      const read = yield* Effect.provide(
        Effect.flatMap(EventStore.EventStore, (store) => store.readStream("durable-1")),
        stack()
      )
      assert.deepStrictEqual(read, written.events)
      const info = yield* Effect.provide(databaseInfo, SqlStore.layer({ dataDir }))
      assert.deepStrictEqual(info, { mode: "embedded", location: dataDir, maxConnections: 1 })
      assert.deepStrictEqual(yield* Effect.provide(migrationsApplied, SqlStore.layer({ dataDir })), allMigrations)
    })
  )

  it.live("one process at a time opens an embedded directory; a dead process's lock is taken over", () =>
    Effect.gen(function* () {
      const dataDir = yield* freshEmbeddedDir
      const twice = Effect.provide(
        Effect.flip(Effect.scoped(Layer.build(SqlStore.layer({ dataDir })))),
        SqlStore.layer({ dataDir })
      )
      assert.include((yield* twice).message, "this process has it open already")
      // a lock file left by a process that no longer exists
      writeFileSync(join(dataDir, "gridwork.lock"), "2147483646")
      const info = yield* Effect.provide(databaseInfo, SqlStore.layer({ dataDir }))
      assert.strictEqual(info.mode, "embedded")
      writeFileSync(join(dataDir, "gridwork.lock"), "1")
      const held = yield* startFailure({ dataDir })
      assert.include(held.message, "in use by process 1")
    })
  )
})

describe("SqlStore.layerConfig", () => {
  it.live("takes DATABASE_URL from the environment", () =>
    Effect.gen(function* () {
      const databaseUrl = yield* freshServerDatabase("config")
      const info = yield* Effect.provide(databaseInfo, SqlStore.layerConfig).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { DATABASE_URL: databaseUrl } })))
      )
      assert.strictEqual(info.mode, "server")
      assert.strictEqual(info.location, databaseUrl)
    })
  )

  it.live("without DATABASE_URL opens the embedded database in GRIDWORK_DATA_DIR", () =>
    Effect.gen(function* () {
      const dataDir = yield* freshEmbeddedDir
      const info = yield* Effect.provide(databaseInfo, SqlStore.layerConfig).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { GRIDWORK_DATA_DIR: dataDir } })))
      )
      assert.deepStrictEqual(info, { mode: "embedded", location: dataDir, maxConnections: 1 })
    })
  )
})

describe("SqlStore.describeUrl", () => {
  it("hides the password", () => {
    assert.strictEqual(SqlStore.describeUrl("postgres://u:pw@h:5432/d"), "postgres://u:***@h:5432/d")
    assert.strictEqual(SqlStore.describeUrl("postgres://h/d"), "postgres://h/d")
    assert.strictEqual(SqlStore.describeUrl("::"), "<unparseable URL>")
  })
})

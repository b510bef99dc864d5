import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Ids } from "@gridwork/core"
import { SqlStore } from "@gridwork/store-sql"
import { type PostgresServerHandle, postgresBinDir, startPostgres } from "@gridwork/test-servers"
import { Context, Deferred, Effect, Exit, Layer, Ref, Schema, type Scope } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { TestClock } from "effect/testing"
import { IdempotencyStore, RequestContext, Route, ServiceApp, SqlIdempotencyStore } from "../src/index"
import { idempotencyStoreContract } from "../src/testing/index"

// --- databases -----------------------------------------------------------------------

type Database = Layer.Layer<SqlClient, SqlStore.SqlStoreStartFailure>

/** A temporary directory, removed when the scope closes. */
const temporaryDir = (prefix: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), prefix))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )

/** A new embedded (PGlite) database in a temporary directory. */
const freshEmbedded = (): Database =>
  Layer.unwrap(Effect.map(temporaryDir("gridwork-idempotency-"), (dataDir) => SqlStore.layer({ dataDir })))

let server: PostgresServerHandle | undefined
/** Why the server did not start: every server test then fails with it (none is skipped). */
let serverProblem = "the PostgreSQL server of this file was not started"
let databases = 0

/** Starts the private PostgreSQL server of this file; fails (never skips) when PostgreSQL is missing. */
const startServer = async (): Promise<PostgresServerHandle> => {
  const bin = postgresBinDir()
  if (bin === undefined || !existsSync(join(bin, "initdb"))) {
    throw new Error(
      "PostgreSQL is needed by these tests and is not installed: run `apt-get install -y postgresql` " +
        "(or set PG_BIN_DIR to the directory holding initdb and postgres)"
    )
  }
  return startPostgres()
}

/** A new database on the file's server; returns its URL. */
const freshServerUrl = (prefix: string): string => {
  if (server === undefined) throw new Error(serverProblem)
  databases++
  return server.createDatabase(`${prefix}_${process.pid}_${databases}`)
}

/** A connection pool to the database at `url` (a new pool each time: a new instance). */
const serverAt = (url: string): Database => SqlStore.layer({ databaseUrl: url, maxConnections: 4 })

// --- a tiny service ------------------------------------------------------------------

/** Holds handlers until the test opens the gate (when `hold`). */
class Gate extends Context.Service<
  Gate,
  { readonly hold: boolean; readonly entered: Deferred.Deferred<void>; readonly open: Deferred.Deferred<void> }
>()("test/SqlIdempotencyStore/Gate") {
  static readonly layer = (hold: boolean) =>
    Layer.effect(
      Gate,
      Effect.gen(function* () {
        return { hold, entered: yield* Deferred.make<void>(), open: yield* Deferred.make<void>() }
      })
    )
}

/** Counts the handler's runs in one instance. */
class Runs extends Context.Service<Runs, Ref.Ref<number>>()("test/SqlIdempotencyStore/Runs") {
  static readonly layer = Layer.effect(Runs, Ref.make(0))
}

const Filed = Schema.Struct({ id: Schema.String, title: Schema.String, instance: Schema.String })

const filePetition = (instance: string) =>
  Route.post("/petitions", {
    operationId: "filePetition",
    auth: "none",
    body: Schema.Struct({ title: Schema.String }),
    success: Filed,
    status: 201,
    responseHeaders: (filed) => ({ location: `/petitions/${filed.id}` }),
    handler: ({ body }) =>
      Effect.gen(function* () {
        yield* Runs.use((runs) => Ref.update(runs, (n) => n + 1))
        const gate = yield* Gate
        if (gate.hold) {
          yield* Deferred.succeed(gate.entered, undefined)
          yield* Deferred.await(gate.open)
        }
        return { id: yield* RequestContext.commandId, title: body.title, instance }
      })
  })

/** One instance of the service, its idempotency keys kept in `database`. */
const instance = (name: string, database: Database, options: { readonly hold?: boolean } = {}) =>
  ServiceApp.make({
    info: { title: "Petitions", version: "1.0.0" },
    layer: Layer.mergeAll(Gate.layer(options.hold ?? false), Runs.layer),
    idempotencyStore: SqlIdempotencyStore.layer({ scope: "petition" }).pipe(Layer.provide(database)),
    routes: [filePetition(name)],
    log: { sink: () => undefined }
  })

type Instance = ReturnType<typeof instance>

const runOn = async <A>(app: Instance, effect: Effect.Effect<A, unknown, Gate | Runs>): Promise<A> => {
  const exit = await app.run(effect)
  if (Exit.isFailure(exit)) throw new Error(`effect failed on the instance: ${String(exit.cause)}`)
  return exit.value
}

const runs = (app: Instance) => runOn(app, Runs.use(Ref.get))

const post = (key: string, title: string) => ({
  method: "POST",
  body: JSON.stringify({ title }),
  headers: { "content-type": "application/json", "idempotency-key": key }
})

const newKey = (): string => Effect.runSync(Ids.makeUuidV7)

/** A completed request on one runtime is replayed by a new runtime on the same database. */
const replaysAfterRestart = async (database: () => Database) => {
  const key = newKey()
  const before = instance("before", database())
  let firstBody: string
  let firstLocation: string | null
  try {
    const first = await before.request("/petitions", post(key, "Streetlight out on Qiaotou Road"))
    assert.strictEqual(first.status, 201)
    firstBody = await first.text()
    firstLocation = first.headers.get("location")
  } finally {
    await before.dispose()
  }
  const after = instance("after", database())
  try {
    const replay = await after.request("/petitions", post(key, "Streetlight out on Qiaotou Road"))
    assert.strictEqual(replay.status, 201)
    assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(replay.headers.get("location"), firstLocation)
    assert.strictEqual(await replay.text(), firstBody)
    assert.include(firstBody, '"instance":"before"')
    assert.strictEqual(await runs(after), 0, "the new runtime did not run the handler")
    const reused = await after.request("/petitions", post(key, "another title"))
    assert.strictEqual(reused.status, 422, "the stored fingerprint survived the restart too")
  } finally {
    await after.dispose()
  }
}

// --- embedded --------------------------------------------------------------------------

describe("SqlIdempotencyStore on embedded PostgreSQL (PGlite)", () => {
  idempotencyStoreContract("SqlIdempotencyStore, embedded", () =>
    SqlIdempotencyStore.layer().pipe(Layer.provide(freshEmbedded()))
  )

  it("replays a completed response after a restart (new runtime, same data directory)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gridwork-idempotency-restart-"))
    try {
      await replaysAfterRestart(() => SqlStore.layer({ dataDir }))
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

// --- server ------------------------------------------------------------------------------

describe("SqlIdempotencyStore on server PostgreSQL", () => {
  beforeAll(async () => {
    try {
      server = await startServer()
    } catch (error) {
      serverProblem = error instanceof Error ? error.message : String(error)
    }
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
  })

  idempotencyStoreContract("SqlIdempotencyStore, server", () =>
    SqlIdempotencyStore.layer().pipe(
      Layer.provide(Layer.unwrap(Effect.sync(() => serverAt(freshServerUrl("contract")))))
    )
  )

  it("replays a completed response after a restart (new runtime, same database)", async () => {
    const url = freshServerUrl("restart")
    await replaysAfterRestart(() => serverAt(url))
  })

  it("lets two instances sharing a database see each other's in-flight (409) and completed (replayed) keys", async () => {
    const url = freshServerUrl("instances")
    const a = instance("a", serverAt(url), { hold: true })
    const b = instance("b", serverAt(url))
    try {
      const key = newKey()
      const request = post(key, "Noise at night, building 3")
      const first = a.request("/petitions", request)
      await runOn(
        a,
        Gate.use((gate) => Deferred.await(gate.entered))
      )
      const whileInFlight = await b.request("/petitions", request)
      assert.strictEqual(whileInFlight.status, 409)
      assert.strictEqual(whileInFlight.headers.get("retry-after"), "1")
      assert.strictEqual(
        ((await whileInFlight.json()) as { type: string }).type,
        "urn:gridwork:problem:idempotency-key-in-flight"
      )
      const otherBody = await b.request("/petitions", post(key, "a different complaint"))
      assert.strictEqual(otherBody.status, 422, "a's fingerprint is seen by b while in flight")

      await runOn(
        a,
        Gate.use((gate) => Deferred.succeed(gate.open, undefined))
      )
      const done = await first
      assert.strictEqual(done.status, 201)
      const doneBody = await done.text()
      assert.include(doneBody, '"instance":"a"')

      const replay = await b.request("/petitions", request)
      assert.strictEqual(replay.status, 201)
      assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
      assert.strictEqual(replay.headers.get("location"), done.headers.get("location"))
      assert.strictEqual(await replay.text(), doneBody)

      // and the other way round: b completes, a replays
      const other = newKey()
      const byB = await b.request("/petitions", post(other, "Blocked drain"))
      assert.strictEqual(byB.status, 201)
      const fromA = await a.request("/petitions", post(other, "Blocked drain"))
      assert.strictEqual(fromA.headers.get("idempotent-replayed"), "true")
      assert.strictEqual(await fromA.text(), await byB.text())

      assert.strictEqual(await runs(a), 1, "a ran its own request only")
      assert.strictEqual(await runs(b), 1, "b ran its own request only")
    } finally {
      await Promise.all([a.dispose(), b.dispose()])
    }
  })

  describe("store", () => {
    const TTL = 24 * 60 * 60 * 1000
    const LEASE = 60_000

    /** Builds a store on `url` in the current scope (a separate pool: another instance). */
    const storeOn = (url: string, options?: SqlIdempotencyStore.SqlIdempotencyStoreOptions) =>
      Effect.map(Layer.build(SqlIdempotencyStore.layer(options).pipe(Layer.provide(serverAt(url)))), (context) =>
        Context.get(context, IdempotencyStore.IdempotencyStore)
      )

    it.effect("lets another instance take over a key whose holder died, once its lease ran out", () =>
      Effect.gen(function* () {
        const url = freshServerUrl("takeover")
        const crashed = yield* storeOn(url)
        const survivor = yield* storeOn(url)
        const key = `anonymous:${newKey()}`
        yield* TestClock.adjust(5_000)
        const acquired = yield* crashed.acquire({ key, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        assert.deepStrictEqual(acquired, { _tag: "Acquired", firstSeenAt: 5_000 })
        const during = yield* survivor.acquire({ key, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(during._tag, "InFlight")
        yield* TestClock.adjust(LEASE)
        const after = yield* survivor.acquire({ key, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        assert.deepStrictEqual(after, { _tag: "Acquired", firstSeenAt: 5_000 }, "the first-seen time is kept")
        const again = yield* crashed.acquire({ key, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(again._tag, "InFlight", "the survivor holds a new lease")
      }).pipe(Effect.scoped)
    )

    it.effect("keeps scopes apart: two services sharing the table do not see each other's keys", () =>
      Effect.gen(function* () {
        const url = freshServerUrl("scopes")
        const petition = yield* storeOn(url, { scope: "petition" })
        const mediation = yield* storeOn(url, { scope: "mediation" })
        const key = `anonymous:${newKey()}`
        yield* petition.acquire({ key, fingerprint: "p", ttlMillis: TTL, leaseMillis: LEASE })
        const other = yield* mediation.acquire({ key, fingerprint: "m", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(other._tag, "Acquired")
        yield* TestClock.adjust(TTL)
        assert.strictEqual(yield* mediation.purgeExpired, 1, "a store purges its own scope")
        assert.strictEqual(yield* petition.purgeExpired, 1)
      }).pipe(Effect.scoped)
    )

    it.effect("stores a body holding U+0000 and astral characters exactly; refuses text PostgreSQL cannot hold", () =>
      Effect.gen(function* () {
        const store = yield* storeOn(freshServerUrl("texts"))
        const key = `anonymous:${newKey()}`
        const body = '{"note":"a\u0000b 𠀋 噪音"}'
        yield* store.acquire({ key, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        yield* store.complete({
          key,
          fingerprint: "f",
          response: new IdempotencyStore.StoredResponse({ status: 200, headers: {}, body })
        })
        const replay = yield* store.acquire({ key, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(replay._tag === "Completed" ? replay.response.body : replay._tag, body)

        const held = `anonymous:${newKey()}`
        yield* store.acquire({ key: held, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        const lone = yield* Effect.flip(
          store.complete({
            key: held,
            fingerprint: "f",
            response: new IdempotencyStore.StoredResponse({ status: 200, headers: {}, body: "broken \uD800 text" })
          })
        )
        assert.include(lone.message, "/response/body")
        assert.include(lone.message, "unpaired UTF-16 surrogate")
        const header = yield* Effect.flip(
          store.complete({
            key: held,
            fingerprint: "f",
            response: new IdempotencyStore.StoredResponse({ status: 200, headers: { etag: "a\u0000" }, body: "" })
          })
        )
        assert.include(header.message, "/response/headers/etag")
        const stillInFlight = yield* store.acquire({ key: held, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(stillInFlight._tag, "InFlight", "a refused response is not stored")
      }).pipe(Effect.scoped)
    )

    it.effect("refuses bad arguments with an error naming the field and the rule", () =>
      Effect.gen(function* () {
        const store = yield* storeOn(freshServerUrl("arguments"))
        const error = yield* Effect.flip(
          store.acquire({ key: "", fingerprint: "f\u0000", ttlMillis: 1.5, leaseMillis: 0 })
        )
        assert.strictEqual(error._tag, "IdempotencyStoreError")
        for (const path of ["/key", "/fingerprint", "/ttlMillis", "/leaseMillis"]) assert.include(error.message, path)
        const tooLong = yield* Effect.flip(
          store.release({ key: "噪".repeat(SqlIdempotencyStore.MAX_KEY_BYTES), fingerprint: "f" })
        )
        assert.include(tooLong.message, `at most ${SqlIdempotencyStore.MAX_KEY_BYTES} UTF-8 bytes`)
      }).pipe(Effect.scoped)
    )

    it.effect("fails to start with a clear reason when the options are invalid", () =>
      Effect.gen(function* () {
        const failure = yield* Effect.flip(storeOn(freshServerUrl("options"), { scope: "" }))
        assert.strictEqual(failure._tag, "SqlIdempotencyStoreStartFailure")
        assert.include(failure.message, "/scope")
      }).pipe(Effect.scoped)
    )

    it.effect("applies its migrations once when instances start together", () =>
      Effect.gen(function* () {
        const url = freshServerUrl("migrations")
        yield* Effect.all([storeOn(url), storeOn(url), storeOn(url)], { concurrency: "unbounded" })
        const applied = yield* Effect.gen(function* () {
          const sql = yield* SqlClient
          return yield* sql<{ readonly name: string }>`select name from gw_idempotency_migrations order by migration_id`
        }).pipe(Effect.provide(serverAt(url)))
        assert.deepStrictEqual(
          applied.map((row) => row.name),
          ["idempotency"]
        )
        const again = yield* SqlIdempotencyStore.migrate.pipe(Effect.provide(serverAt(url)))
        assert.deepStrictEqual(again, [])
      }).pipe(Effect.scoped)
    )
  })
})

import { assert, describe, layer } from "@effect/vitest"
import { EventStore, Ids, Instant } from "@gridwork/core"
import { Deferred, Effect, Fiber, Layer } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as Projection from "../src/Projection"
import * as SqlEventStore from "../src/SqlEventStore"
import { freshStore, kinds } from "./support/Databases"

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
let counter = 0

const newEvent = (type: string, amount: number) =>
  Effect.map(
    Ids.makeEventId,
    (eventId): EventStore.NewEvent => ({ eventId, type, schemaVersion: 1, data: { amount }, metadata: {}, occurredAt })
  )

/** A read model: one total per projection, plus one row per applied event (unique, so a double apply fails). */
const setUp = Effect.gen(function* () {
  const sql = yield* SqlClient
  yield* sql`create table if not exists totals (projection text primary key, total integer not null)`
  yield* sql`create table if not exists applied (projection text, event_id text, primary key (projection, event_id))`
})

const totalOf = (name: string) =>
  Effect.flatMap(SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly total: number }>`select total from totals where projection = ${name}`,
      ([row]) => row?.total ?? 0
    )
  )

const appliedOf = (name: string) =>
  Effect.flatMap(SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly count: number }>`select count(*)::int as count from applied where projection = ${name}`,
      ([row]) => row?.count ?? 0
    )
  )

/**
 * Sums the `Deposited` amounts of one stream (the tests share one store, so each
 * projection looks at its own test's stream only).
 */
const summing = (
  name: string,
  streamId: string,
  options: { readonly batchSize?: number; readonly poison?: boolean } = {}
) =>
  Projection.make({
    name,
    eventTypes: options.poison ? ["Deposited", "Poison"] : ["Deposited"],
    batchSize: options.batchSize,
    apply: (event) =>
      Effect.gen(function* () {
        const sql = yield* SqlClient
        if (event.streamId !== streamId) return
        if (event.type === "Poison") return yield* Effect.fail(`cannot apply ${event.eventId}`)
        const amount = (event.data as { readonly amount: number }).amount
        yield* sql`insert into applied (projection, event_id) values (${name}, ${event.eventId})`
        yield* sql`
          insert into totals (projection, total) values (${name}, ${amount})
          on conflict (projection) do update set total = totals.total + excluded.total`
      })
  })

const appendAll = (streamId: string, events: ReadonlyArray<EventStore.NewEvent>) =>
  Effect.flatMap(EventStore.EventStore, (store) => store.append(streamId, "any", events))

for (const kind of kinds) {
  describe(`Projection on ${kind} PostgreSQL`, () => {
    layer(SqlEventStore.layer().pipe(Layer.provideMerge(freshStore(kind, "projection"))), {
      excludeTestServices: true,
      timeout: 60_000
    })((it) => {
      it.effect("applies each event once and keeps the checkpoint with the read model", () =>
        Effect.gen(function* () {
          yield* setUp
          const name = `sum-${++counter}`
          const stream = `account-${counter}`
          const projection = summing(name, stream, { batchSize: 2 })
          yield* Projection.catchUp(projection)
          const head = yield* Effect.flatMap(EventStore.EventStore, (store) => store.lastGlobalPosition)
          yield* appendAll(stream, [
            yield* newEvent("Deposited", 5),
            yield* newEvent("Noted", 100),
            yield* newEvent("Deposited", 7)
          ])
          assert.strictEqual(yield* Projection.catchUp(projection), 2, "the Noted event is not passed to apply")
          assert.strictEqual(yield* totalOf(name), 12)
          assert.strictEqual(yield* Projection.checkpoint(name), head + 3, "the checkpoint passes skipped types")
          assert.strictEqual(yield* Projection.catchUp(projection), 0, "nothing twice")
          yield* appendAll(stream, [yield* newEvent("Deposited", 1)])
          assert.strictEqual(yield* Projection.catchUp(projection), 1)
          assert.strictEqual(yield* totalOf(name), 13)
          assert.strictEqual(yield* appliedOf(name), 3)
          assert.strictEqual(yield* Projection.checkpoint("never-ran"), 0)
        })
      )

      it.effect("a failing apply rolls back its whole batch, read model and checkpoint", () =>
        Effect.gen(function* () {
          yield* setUp
          const name = `poisoned-${++counter}`
          const stream = `account-${counter}`
          yield* Projection.catchUp(summing(name, stream))
          const before = yield* Effect.flatMap(EventStore.EventStore, (store) => store.lastGlobalPosition)
          yield* appendAll(stream, [
            yield* newEvent("Deposited", 1),
            yield* newEvent("Deposited", 2),
            yield* newEvent("Poison", 0),
            yield* newEvent("Deposited", 4)
          ])
          const error = yield* Effect.flip(Projection.catchUp(summing(name, stream, { batchSize: 2, poison: true })))
          assert.include(error, "cannot apply")
          assert.strictEqual(yield* totalOf(name), 3, "the first batch committed")
          assert.strictEqual(yield* Projection.checkpoint(name), before + 2, "the failed batch moved nothing")
          assert.strictEqual(
            yield* Projection.catchUp(summing(name, stream, { batchSize: 2 })),
            1,
            "resumes after the fix"
          )
          assert.strictEqual(yield* totalOf(name), 7)
          assert.strictEqual(yield* Projection.checkpoint(name), before + 4)
        })
      )

      it.effect("replicas running the same projection apply each event once", () =>
        Effect.gen(function* () {
          yield* setUp
          const name = `replicated-${++counter}`
          const events = yield* Effect.forEach(
            Array.from({ length: 30 }, (_, i) => i + 1),
            (i) => newEvent("Deposited", i)
          )
          const stream = `account-${counter}`
          for (let i = 0; i < events.length; i += 5) yield* appendAll(stream, events.slice(i, i + 5))
          // a second apply of an event would break the primary key of `applied` and fail the run
          yield* Effect.forEach([1, 2, 3], () => Projection.catchUp(summing(name, stream, { batchSize: 4 })), {
            concurrency: "unbounded"
          })
          assert.strictEqual(yield* appliedOf(name), 30)
          assert.strictEqual(yield* totalOf(name), (30 * 31) / 2)
        })
      )

      it.effect("run follows new appends until interrupted, and resumes from the checkpoint", () =>
        Effect.gen(function* () {
          yield* setUp
          const sql = yield* SqlClient
          const name = `live-${++counter}`
          const seen = yield* Deferred.make<void>()
          const stream = `account-${counter}`
          const base = summing(name, stream)
          const signalling = Projection.make({
            name,
            eventTypes: ["Deposited"],
            apply: (event) =>
              Effect.andThen(
                base.apply(event),
                event.streamId === stream && (event.data as { readonly amount: number }).amount === 99
                  ? sql.afterCommit(Deferred.succeed(seen, undefined))
                  : Effect.void
              )
          })
          yield* appendAll(stream, [yield* newEvent("Deposited", 1)])
          const runner = yield* Effect.forkChild(Projection.run(signalling))
          yield* appendAll(stream, [yield* newEvent("Deposited", 2), yield* newEvent("Deposited", 99)])
          yield* Deferred.await(seen)
          yield* Fiber.interrupt(runner)
          assert.strictEqual(yield* totalOf(name), 102)
          yield* appendAll(stream, [yield* newEvent("Deposited", 1_000)])
          yield* Projection.catchUp(base)
          assert.strictEqual(yield* appliedOf(name), 4, "a later run resumes where the first stopped")
          assert.strictEqual(yield* totalOf(name), 1_102)
        })
      )

      it.effect("reset clears the read model with the checkpoint, so a rebuild gives the same result", () =>
        Effect.gen(function* () {
          yield* setUp
          const sql = yield* SqlClient
          const name = `rebuilt-${++counter}`
          const stream = `account-${counter}`
          yield* appendAll(stream, [yield* newEvent("Deposited", 3), yield* newEvent("Deposited", 4)])
          yield* Projection.catchUp(summing(name, stream))
          const built = yield* totalOf(name)
          yield* Projection.reset(
            name,
            Effect.andThen(
              sql`delete from totals where projection = ${name}`,
              sql`delete from applied where projection = ${name}`
            )
          )
          assert.strictEqual(yield* Projection.checkpoint(name), 0)
          assert.strictEqual(yield* totalOf(name), 0)
          yield* Projection.catchUp(summing(name, stream))
          assert.strictEqual(yield* totalOf(name), built)
          assert.strictEqual(built, 7)
        })
      )

      it.effect("rejects a bad definition naming the field", () =>
        Effect.gen(function* () {
          const apply = () => Effect.void
          assert.include(yield* Effect.flip(Projection.makeEffect({ name: "has space", apply })), {
            _tag: "ProjectionInvalid",
            field: "name"
          })
          assert.include(yield* Effect.flip(Projection.makeEffect({ name: "p", apply, batchSize: 0 })), {
            field: "batchSize"
          })
          assert.include(yield* Effect.flip(Projection.makeEffect({ name: "p", apply, eventTypes: ["ok", "Ok"] })), {
            field: "eventTypes[0]"
          })
          assert.throws(() => Projection.make({ name: "", apply }), /projection name/)
        })
      )
    })
  })
}

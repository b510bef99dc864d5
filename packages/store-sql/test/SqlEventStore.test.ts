import { assert, describe, layer } from "@effect/vitest"
import { EventStore, Ids, Inbox, Instant, Outbox } from "@gridwork/core"
import { eventStoreContract } from "@gridwork/core/testing"
import { Context, Deferred, Effect, Fiber, Layer, Option, Ref, Stream } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as SqlEventStore from "../src/SqlEventStore"
import * as SqlInbox from "../src/SqlInbox"
import * as SqlOutbox from "../src/SqlOutbox"
import * as SqlStore from "../src/SqlStore"
import { freshServerDatabase, freshStore, kinds } from "./support/Databases"

for (const kind of kinds) {
  eventStoreContract(`SqlEventStore on ${kind} PostgreSQL`, () =>
    SqlEventStore.layer().pipe(Layer.provide(freshStore(kind, "events")))
  )
}

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
const newEvent = (data: EventStore.NewEvent["data"] = {}, metadata: EventStore.NewEvent["metadata"] = {}) =>
  Effect.map(
    Ids.makeEventId,
    (eventId): EventStore.NewEvent => ({ eventId, type: "ThingHappened", schemaVersion: 1, data, metadata, occurredAt })
  )
const freshStream = Effect.map(Ids.makeUuidV7, (id) => `sql-${id}`)

const subjectOf = Outbox.moduleSubjects({ module: "test", locality: "testville" })

for (const kind of kinds) {
  describe(`SqlEventStore on ${kind} PostgreSQL`, () => {
    layer(
      Layer.mergeAll(SqlEventStore.layer({ subjectOf }), SqlOutbox.layer, SqlInbox.layer).pipe(
        Layer.provideMerge(freshStore(kind, "events_sql"))
      ),
      { excludeTestServices: true, timeout: 60_000 }
    )((it) => {
      it.effect("rejects text that jsonb cannot store, naming the path", () =>
        Effect.gen(function* () {
          const store = yield* EventStore.EventStore
          const streamId = yield* freshStream
          const nul = yield* Effect.flip(store.append(streamId, "any", [yield* newEvent({ note: "a\u0000b" })]))
          assert.include(nul, { _tag: "InvalidStoreRequest", path: "events[0].data.note" })
          assert.include(nul.message, "U+0000")
          const surrogate = yield* Effect.flip(
            store.append(streamId, "any", [yield* newEvent({}, { list: ["ok", "\uD800"] })])
          )
          assert.include(surrogate, { _tag: "InvalidStoreRequest", path: "events[0].metadata.list[1]" })
          assert.deepStrictEqual(yield* store.readStream(streamId), [])
          const fine = yield* store.append(streamId, "any", [yield* newEvent({ emoji: "😀", cjk: "信访" })])
          assert.deepStrictEqual(yield* store.readStream(streamId), fine.events)
        })
      )

      it.effect(
        "appends inside Inbox.processOnce commit or roll back with the inbox record, keeping positions dense",
        () =>
          Effect.gen(function* () {
            const store = yield* EventStore.EventStore
            const inbox = yield* Inbox.Inbox
            const outbox = yield* Outbox.Outbox
            const streamId = yield* freshStream
            const head = yield* store.lastGlobalPosition
            const pendingBefore = (yield* outbox.stats).pending

            const failed = yield* Effect.flip(
              inbox.processOnce(
                "reactor",
                "message-1",
                Effect.andThen(
                  store.append(streamId, "no-stream", [yield* newEvent()]),
                  Effect.fail("downstream refused")
                )
              )
            )
            assert.strictEqual(failed, "downstream refused")
            assert.strictEqual(yield* store.lastGlobalPosition, head, "the append rolled back with the handler")
            assert.deepStrictEqual(yield* store.readStream(streamId), [])
            assert.strictEqual((yield* outbox.stats).pending, pendingBefore, "and its outbox row")

            const ran = yield* inbox.processOnce(
              "reactor",
              "message-1",
              store.append(streamId, "no-stream", [yield* newEvent(), yield* newEvent()])
            )
            assert.isTrue(Option.isSome(ran))
            const positions = (yield* store.readStream(streamId)).map((event) => event.globalPosition)
            assert.deepStrictEqual(positions, [head + 1, head + 2], "no gap where the rolled-back append was")
            assert.strictEqual((yield* outbox.stats).pending, pendingBefore + 2)
          })
      )
    })
  })
}

/** Two independent instances (own pools, as two processes would have) on one server database. */
describe("SqlEventStore on server PostgreSQL, across processes", () => {
  const instance = (databaseUrl: string, options: SqlEventStore.SqlEventStoreOptions) =>
    Effect.map(
      Layer.build(SqlEventStore.layer(options).pipe(Layer.provideMerge(SqlStore.layer({ databaseUrl })))),
      (context) => ({ store: Context.get(context, EventStore.EventStore), sql: Context.get(context, SqlClient) })
    )

  layer(Layer.empty, { excludeTestServices: true, timeout: 60_000 })((it) => {
    it.effect("a subscriber is woken by another process's append through NOTIFY", () =>
      Effect.gen(function* () {
        const databaseUrl = yield* freshServerDatabase("notify")
        // an hour between polls: only a notification can deliver the event within the test
        const reader = yield* instance(databaseUrl, { pollInterval: "1 hour" })
        const writer = yield* instance(databaseUrl, {})
        const caughtUp = yield* Deferred.make<void>()
        const received = yield* reader.store.subscribe(1).pipe(
          Stream.take(2),
          Stream.tap((event) => (event.globalPosition === 1 ? Deferred.succeed(caughtUp, undefined) : Effect.void)),
          Stream.runCollect,
          Effect.forkChild
        )
        const first = yield* writer.store.append("s-1", "no-stream", [yield* newEvent()])
        yield* Deferred.await(caughtUp)
        // let the reader go back to waiting, so that the next event can only come by NOTIFY
        yield* Effect.sleep("200 millis")
        const second = yield* writer.store.append("s-1", 1, [yield* newEvent()])
        assert.deepStrictEqual(yield* Fiber.join(received), [...first.events, ...second.events])
      }).pipe(Effect.scoped)
    )

    it.effect("without LISTEN a subscriber finds another process's appends by polling", () =>
      Effect.gen(function* () {
        const databaseUrl = yield* freshServerDatabase("poll")
        const reader = yield* instance(databaseUrl, { listen: false, pollInterval: "20 millis" })
        const writer = yield* instance(databaseUrl, { listen: false })
        const received = yield* reader.store.subscribe(1).pipe(Stream.take(1), Stream.runCollect, Effect.forkChild)
        const written = yield* writer.store.append("s-1", "no-stream", [yield* newEvent()])
        assert.deepStrictEqual(yield* Fiber.join(received), written.events)
      }).pipe(Effect.scoped)
    )

    it.effect("an append waits for an earlier, uncommitted append, so positions commit in order", () =>
      Effect.gen(function* () {
        const databaseUrl = yield* freshServerDatabase("order")
        const first = yield* instance(databaseUrl, {})
        const second = yield* instance(databaseUrl, {})
        const appended = yield* Deferred.make<number>()
        const commit = yield* Deferred.make<void>()
        const committed = yield* Ref.make(false)
        // The first append runs in a transaction that stays open until we let it commit.
        const slow = yield* first.sql
          .withTransaction(
            Effect.gen(function* () {
              const result = yield* first.store.append("slow", "no-stream", [yield* newEvent()])
              yield* Deferred.succeed(appended, result.events[0]!.globalPosition)
              yield* Deferred.await(commit)
              yield* first.sql.afterCommit(Ref.set(committed, true))
            })
          )
          .pipe(Effect.forkChild)
        const slowPosition = yield* Deferred.await(appended)
        const fast = yield* second.store.append("fast", "no-stream", [yield* newEvent()]).pipe(
          Effect.tap(() =>
            Effect.flatMap(Ref.get(committed), (done) =>
              done ? Effect.void : Effect.die(new Error("the second append finished before the first committed"))
            )
          ),
          Effect.forkChild
        )
        assert.deepStrictEqual(yield* second.store.readAll(1, 10), [], "nothing is visible before the commit")
        yield* Effect.sleep("100 millis") // give a wrong implementation the chance to let the second append through
        yield* Deferred.succeed(commit, undefined)
        yield* Fiber.join(slow)
        const fastEvents = (yield* Fiber.join(fast)).events
        assert.strictEqual(fastEvents[0]!.globalPosition, slowPosition + 1)
        const all = yield* second.store.readAll(1, 10)
        assert.deepStrictEqual(
          all.map((event) => event.streamId),
          ["slow", "fast"]
        )
      }).pipe(Effect.scoped)
    )
  })
})

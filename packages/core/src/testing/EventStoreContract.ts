/**
 * The contract every {@link EventStore} implementation must pass.
 *
 * ```ts
 * // test/InMemoryEventStore.test.ts
 * import { InMemoryEventStore } from "@gridwork/core"
 * import { eventStoreContract } from "@gridwork/core/testing"
 *
 * eventStoreContract("InMemoryEventStore", () => InMemoryEventStore.layer)
 * ```
 *
 * The layer is built once for the suite (in `beforeAll`, inside a scope closed in
 * `afterAll`), so a factory may start and stop real resources: a PostgreSQL server, a
 * PGlite instance, a connection pool. The tests run one after another with the live
 * clock and tolerate events already in the store: every test uses fresh stream ids and
 * positions relative to `lastGlobalPosition`. Nothing else may write to the store while
 * the suite runs.
 * @module
 */
import { assert, expect, layer } from "@effect/vitest"
import { Deferred, Effect, Fiber, type Layer, Result, Stream } from "effect"
import {
  type AppendError,
  type EventEnvelope,
  EventStore,
  type EventStoreService,
  type NewEvent
} from "../events/EventStore"
import * as Ids from "../primitives/Ids"
import * as Instant from "../primitives/Instant"

/** Options of {@link eventStoreContract}. */
export interface EventStoreContractOptions {
  /** How long building and releasing the layer may take (default 60 s). */
  readonly setupTimeout?: number
  /** Fibers appending at once in the concurrency tests (default 8). */
  readonly concurrency?: number
  /** Events each of those fibers appends (default 25). */
  readonly eventsPerFiber?: number
}

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

const newEvent = (type: string, data: NewEvent["data"], metadata: NewEvent["metadata"] = {}) =>
  Effect.map(Ids.makeEventId, (eventId): NewEvent => ({ eventId, type, schemaVersion: 1, data, metadata, occurredAt }))

const newEvents = (count: number, type = "ThingHappened") =>
  Effect.forEach(
    Array.from({ length: count }, (_, index) => index),
    (index) => newEvent(type, { index })
  )

const freshStream = (prefix = "contract") => Effect.map(Ids.makeUuidV7, (id) => `${prefix}-${id}`)

const failureOf = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.flatMap(Effect.result(effect), (result) =>
    Result.isFailure(result)
      ? Effect.succeed(result.failure)
      : Effect.die(new Error(`expected a failure, got ${JSON.stringify(result.success)}`))
  )

const ids = (events: ReadonlyArray<{ readonly eventId: string }>): ReadonlyArray<string> =>
  events.map((event) => event.eventId)

const positions = (events: ReadonlyArray<EventEnvelope>): ReadonlyArray<number> =>
  events.map((event) => event.globalPosition)

const range = (from: number, count: number): ReadonlyArray<number> =>
  Array.from({ length: count }, (_, index) => from + index)

/** Appends one event, re-reading the version and retrying on every version conflict. */
const appendWithRetry = (store: EventStoreService, streamId: string, event: NewEvent) =>
  Effect.gen(function* () {
    const current = yield* store.readStream(streamId)
    // Let other appenders run between the read and the write, to provoke conflicts.
    yield* Effect.yieldNow
    return yield* store.append(streamId, current.length, [event])
  }).pipe(Effect.retry({ while: (error: AppendError) => error._tag === "StreamVersionConflict" }))

/**
 * Registers the event store contract tests under `describe(name)`. `makeLayer` is
 * called once; its layer is shared by the suite and released after it.
 */
export const eventStoreContract = <E>(
  name: string,
  makeLayer: () => Layer.Layer<EventStore, E>,
  options: EventStoreContractOptions = {}
): void => {
  const fibers = options.concurrency ?? 8
  const perFiber = options.eventsPerFiber ?? 25

  layer(makeLayer(), { excludeTestServices: true, timeout: options.setupTimeout ?? 60_000 })(
    `${name} (EventStore contract)`,
    (it) => {
      it.effect("appends events and reads a stream back in version order", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const [a, b, c, d] = yield* newEvents(4)
          const first = yield* store.append(streamId, "no-stream", [a!])
          const second = yield* store.append(streamId, 1, [b!, c!])
          const third = yield* store.append(streamId, 3, [d!])
          assert.deepStrictEqual([first.streamVersion, second.streamVersion, third.streamVersion], [1, 3, 4])
          assert.isFalse(first.duplicate)
          const events = yield* store.readStream(streamId)
          assert.deepStrictEqual(ids(events), ids([a!, b!, c!, d!]))
          assert.deepStrictEqual(
            events.map((event) => event.streamVersion),
            [1, 2, 3, 4]
          )
          for (const event of events) assert.strictEqual(event.streamId, streamId)
          assert.deepStrictEqual(
            [...first.events, ...second.events, ...third.events],
            events,
            "append returns the stored envelopes"
          )
          const gp = positions(events)
          for (let index = 1; index < gp.length; index++) assert.isTrue(gp[index]! > gp[index - 1]!)
          assert.deepStrictEqual(ids(yield* store.readStream(streamId, 3)), ids([c!, d!]))
          assert.deepStrictEqual(yield* store.readStream(streamId, 5), [])
        })
      )

      it.effect("stores every field of an event as given", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const eventId = yield* Ids.makeEventId
          const metadata = {
            correlationId: "corr-1",
            causationId: "cmd-1",
            actor: "system:test",
            policyVersion: "lanxi@2026.1",
            custom: { nested: [1, "two", null, true] }
          }
          const data = { title: "Noise at night", count: 3, ratio: 0.5, tags: ["a", "b"], empty: {}, none: null }
          const event: NewEvent = { eventId, type: "PetitionRegistered", schemaVersion: 2, data, metadata, occurredAt }
          const result = yield* store.append(streamId, "any", [event])
          const [stored] = yield* store.readStream(streamId)
          assert.deepStrictEqual(stored, result.events[0])
          expect(stored).toEqual({
            eventId,
            streamId,
            streamVersion: 1,
            globalPosition: stored!.globalPosition,
            type: "PetitionRegistered",
            schemaVersion: 2,
            data,
            metadata,
            occurredAt
          })
          assert.strictEqual(stored!.globalPosition, yield* store.lastGlobalPosition)
        })
      )

      it.effect("keeps stored content apart from the objects the appender passed in", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const data = { list: [1, 2], inner: { value: "before" } }
          const metadata = { correlationId: "c" }
          const event = yield* newEvent("ThingHappened", data, metadata)
          yield* store.append(streamId, "no-stream", [event])
          data.list.push(3)
          data.inner.value = "after"
          metadata.correlationId = "changed"
          const [stored] = yield* store.readStream(streamId)
          assert.deepStrictEqual(stored!.data, { list: [1, 2], inner: { value: "before" } })
          assert.deepStrictEqual(stored!.metadata, { correlationId: "c" })
        })
      )

      it.effect("returns no events for a stream that does not exist", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          assert.deepStrictEqual(yield* store.readStream(yield* freshStream("missing")), [])
        })
      )

      it.effect("rejects a stale expected version with StreamVersionConflict and writes nothing", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          yield* store.append(streamId, "no-stream", yield* newEvents(2))
          const before = yield* store.lastGlobalPosition
          const error = yield* failureOf(store.append(streamId, 1, yield* newEvents(1)))
          assert.strictEqual(error._tag, "StreamVersionConflict")
          if (error._tag === "StreamVersionConflict") {
            assert.strictEqual(error.streamId, streamId)
            assert.strictEqual(error.expected, 1)
            assert.strictEqual(error.actual, 2)
          }
          const ahead = yield* failureOf(store.append(streamId, 5, yield* newEvents(1)))
          assert.include(ahead, { _tag: "StreamVersionConflict", expected: 5, actual: 2 })
          assert.strictEqual((yield* store.readStream(streamId)).length, 2)
          assert.strictEqual(yield* store.lastGlobalPosition, before)
        })
      )

      it.effect("'no-stream' and 0 accept only an empty stream", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const fresh = yield* freshStream()
          const zero = yield* freshStream()
          assert.strictEqual((yield* store.append(fresh, "no-stream", yield* newEvents(1))).streamVersion, 1)
          assert.strictEqual((yield* store.append(zero, 0, yield* newEvents(2))).streamVersion, 2)
          const again = yield* failureOf(store.append(fresh, "no-stream", yield* newEvents(1)))
          assert.include(again, { _tag: "StreamVersionConflict", expected: "no-stream", actual: 1 })
          const zeroAgain = yield* failureOf(store.append(zero, 0, yield* newEvents(1)))
          assert.include(zeroAgain, { _tag: "StreamVersionConflict", expected: 0, actual: 2 })
        })
      )

      it.effect("a version number on a missing stream conflicts with actual version 0", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const error = yield* failureOf(store.append(streamId, 3, yield* newEvents(1)))
          assert.include(error, { _tag: "StreamVersionConflict", expected: 3, actual: 0 })
          assert.deepStrictEqual(yield* store.readStream(streamId), [])
        })
      )

      it.effect("'any' appends to new and existing streams", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          assert.strictEqual((yield* store.append(streamId, "any", yield* newEvents(2))).streamVersion, 2)
          assert.strictEqual((yield* store.append(streamId, "any", yield* newEvents(1))).streamVersion, 3)
          assert.strictEqual((yield* store.readStream(streamId)).length, 3)
        })
      )

      it.effect("an empty batch checks the expected version and writes nothing", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          yield* store.append(streamId, "no-stream", yield* newEvents(2))
          const before = yield* store.lastGlobalPosition
          const ok = yield* store.append(streamId, 2, [])
          assert.deepStrictEqual(ok, { streamId, streamVersion: 2, events: [], duplicate: false })
          const stale = yield* failureOf(store.append(streamId, 1, []))
          assert.include(stale, { _tag: "StreamVersionConflict", expected: 1, actual: 2 })
          assert.strictEqual(yield* store.lastGlobalPosition, before)
        })
      )

      it.effect("re-appending a stored batch returns the original envelopes and writes nothing", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const batch = yield* newEvents(2)
          const original = yield* store.append(streamId, "no-stream", batch)
          yield* store.append(streamId, 2, yield* newEvents(1))
          const before = yield* store.lastGlobalPosition
          // A retry carries the expected version of the first attempt, now stale.
          const retry = yield* store.append(streamId, "no-stream", batch)
          assert.isTrue(retry.duplicate)
          assert.deepStrictEqual(retry.events, original.events)
          assert.strictEqual(retry.streamVersion, 2)
          const alsoWithAny = yield* store.append(streamId, "any", batch)
          assert.deepStrictEqual(alsoWithAny.events, original.events)
          assert.strictEqual(yield* store.lastGlobalPosition, before)
          assert.strictEqual((yield* store.readStream(streamId)).length, 3)
        })
      )

      it.effect("a stored event id with other content, another stream or new ids fails with EventIdConflict", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const [a, b] = yield* newEvents(2)
          yield* store.append(streamId, "no-stream", [a!, b!])
          const before = yield* store.lastGlobalPosition

          const changedData = yield* failureOf(store.append(streamId, "any", [{ ...a!, data: { index: 99 } }]))
          assert.include(changedData, { _tag: "EventIdConflict", eventId: a!.eventId, streamId })
          const changedType = yield* failureOf(store.append(streamId, "any", [a!, { ...b!, type: "OtherThing" }]))
          assert.include(changedType, { _tag: "EventIdConflict", eventId: b!.eventId })
          const changedMetadata = yield* failureOf(
            store.append(streamId, "any", [{ ...a!, metadata: { correlationId: "x" } }])
          )
          assert.include(changedMetadata, { _tag: "EventIdConflict", eventId: a!.eventId })

          const elsewhere = yield* freshStream()
          const otherStream = yield* failureOf(store.append(elsewhere, "any", [a!]))
          assert.include(otherStream, { _tag: "EventIdConflict", eventId: a!.eventId, streamId: elsewhere })

          const [fresh] = yield* newEvents(1)
          const mixed = yield* failureOf(store.append(streamId, "any", [a!, fresh!]))
          assert.include(mixed, { _tag: "EventIdConflict", eventId: a!.eventId })

          assert.strictEqual(yield* store.lastGlobalPosition, before)
          assert.deepStrictEqual(yield* store.readStream(elsewhere), [])
          assert.deepStrictEqual(ids(yield* store.readStream(streamId)), ids([a!, b!]))
        })
      )

      it.effect("rejects malformed requests with InvalidStoreRequest naming the path", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const [a] = yield* newEvents(1)
          const before = yield* store.lastGlobalPosition

          const repeated = yield* failureOf(store.append(streamId, "no-stream", [a!, a!]))
          assert.include(repeated, { _tag: "InvalidStoreRequest", operation: "append", path: "events[1].eventId" })
          const badStream = yield* failureOf(store.append("has space", "any", [a!]))
          assert.include(badStream, { _tag: "InvalidStoreRequest", path: "streamId" })
          const badType = yield* failureOf(store.append(streamId, "any", [{ ...a!, type: "not-pascal" }]))
          assert.include(badType, { _tag: "InvalidStoreRequest", path: "events[0].type" })
          const notJson = yield* failureOf(store.append(streamId, "any", [{ ...a!, data: { ratio: Number.NaN } }]))
          assert.include(notJson, { _tag: "InvalidStoreRequest", path: "events[0].data.ratio" })
          const badVersion = yield* failureOf(store.append(streamId, -1, [a!]))
          assert.include(badVersion, { _tag: "InvalidStoreRequest", path: "expectedVersion" })
          const badId = yield* failureOf(
            store.append(streamId, "any", [{ ...a!, eventId: "not-a-uuid" as NewEvent["eventId"] }])
          )
          assert.include(badId, { _tag: "InvalidStoreRequest", path: "events[0].eventId" })
          assert.strictEqual(yield* store.lastGlobalPosition, before)

          assert.include(yield* failureOf(store.readAll(0, 0)), { _tag: "InvalidStoreRequest", path: "limit" })
          assert.include(yield* failureOf(store.readAll(-1, 10)), {
            _tag: "InvalidStoreRequest",
            path: "fromGlobalPosition"
          })
          assert.include(yield* failureOf(store.readStream(streamId, 0)), {
            _tag: "InvalidStoreRequest",
            path: "fromVersion"
          })
          const badSubscribe = yield* failureOf(Stream.runCollect(store.subscribe(1, { batchSize: 0 })))
          assert.include(badSubscribe, { _tag: "InvalidStoreRequest", operation: "subscribe", path: "batchSize" })
        })
      )

      it.effect("readAll pages through the global order without gaps", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const head = yield* store.lastGlobalPosition
          const streamA = yield* freshStream()
          const streamB = yield* freshStream()
          const appended = [
            ...(yield* store.append(streamA, "no-stream", yield* newEvents(3))).events,
            ...(yield* store.append(streamB, "no-stream", yield* newEvents(2))).events,
            ...(yield* store.append(streamA, 3, yield* newEvents(2))).events
          ]
          const pages: Array<ReadonlyArray<EventEnvelope>> = []
          let from = head + 1
          for (;;) {
            const page = yield* store.readAll(from, 3)
            if (page.length === 0) break
            pages.push(page)
            from = page.at(-1)!.globalPosition + 1
          }
          assert.deepStrictEqual(
            pages.map((page) => page.length),
            [3, 3, 1]
          )
          const all = pages.flat()
          assert.deepStrictEqual(positions(all), range(head + 1, 7))
          assert.deepStrictEqual(all, appended)
          assert.strictEqual(yield* store.lastGlobalPosition, head + 7)
          assert.deepStrictEqual(yield* store.readAll(head + 8, 10), [])
          assert.deepStrictEqual(positions(yield* store.readAll(head + 6, 100)), [head + 6, head + 7])
        })
      )

      it.effect("subscribe replays stored events, then follows new appends, without gaps or duplicates", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const head = yield* store.lastGlobalPosition
          const streamA = yield* freshStream()
          const streamB = yield* freshStream()
          const stored = (yield* store.append(streamA, "no-stream", yield* newEvents(3))).events
          const caughtUp = yield* Deferred.make<void>()
          const subscriber = yield* store.subscribe(head + 1, { batchSize: 2 }).pipe(
            Stream.take(8),
            Stream.tap((event) =>
              event.globalPosition === head + 3 ? Deferred.succeed(caughtUp, undefined) : Effect.void
            ),
            Stream.runCollect,
            Effect.forkChild
          )
          // Append only once the subscriber has replayed the history, and let it run until
          // it waits for more (the outcome must not depend on this; the coverage does).
          yield* Deferred.await(caughtUp)
          for (let turn = 0; turn < 10; turn++) yield* Effect.yieldNow
          const late = [
            ...(yield* store.append(streamB, "no-stream", yield* newEvents(2))).events,
            ...(yield* store.append(streamA, 3, yield* newEvents(3))).events
          ]
          const received = yield* Fiber.join(subscriber)
          assert.deepStrictEqual(received, [...stored, ...late])
          assert.deepStrictEqual(positions(received), range(head + 1, 8))

          const fromMiddle = yield* store.subscribe(head + 5).pipe(Stream.take(4), Stream.runCollect)
          assert.deepStrictEqual(positions(fromMiddle), range(head + 5, 4))
        })
      )

      it.effect("subscribe keeps up with concurrent appenders", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const head = yield* store.lastGlobalPosition
          const total = fibers * perFiber
          const subscriber = yield* store
            .subscribe(head + 1, { batchSize: 7 })
            .pipe(Stream.take(total), Stream.runCollect, Effect.forkChild)
          const appended = yield* Effect.forEach(
            range(0, fibers),
            () =>
              Effect.gen(function* () {
                const streamId = yield* freshStream()
                const events: Array<EventEnvelope> = []
                for (let version = 0; version < perFiber; version++) {
                  const result = yield* store.append(streamId, version, yield* newEvents(1))
                  events.push(...result.events)
                  yield* Effect.yieldNow
                }
                return events
              }),
            { concurrency: "unbounded" }
          )
          const received = yield* Fiber.join(subscriber)
          assert.deepStrictEqual(positions(received), range(head + 1, total))
          assert.deepStrictEqual(new Set(ids(received)), new Set(ids(appended.flat())))
        })
      )

      it.effect("concurrent appenders expecting the same version: exactly one wins", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          yield* store.append(streamId, "no-stream", yield* newEvents(1))
          const before = yield* store.lastGlobalPosition
          const attempts = yield* Effect.forEach(
            range(0, fibers),
            () => Effect.flatMap(newEvents(2), (events) => Effect.result(store.append(streamId, 1, events))),
            { concurrency: "unbounded" }
          )
          const winners = attempts.filter(Result.isSuccess)
          assert.strictEqual(winners.length, 1)
          for (const attempt of attempts) {
            if (Result.isFailure(attempt)) {
              assert.include(attempt.failure, { _tag: "StreamVersionConflict", expected: 1, actual: 3 })
            }
          }
          const stream = yield* store.readStream(streamId)
          assert.deepStrictEqual(stream.slice(1), winners[0]!.success.events)
          assert.strictEqual(yield* store.lastGlobalPosition, before + 2)
        })
      )

      it.effect("concurrent appenders retrying on conflicts lose nothing and repeat nothing", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const streamId = yield* freshStream()
          const appended = yield* Effect.forEach(
            range(0, fibers),
            () =>
              Effect.gen(function* () {
                const mine: Array<string> = []
                for (let index = 0; index < perFiber; index++) {
                  const [event] = yield* newEvents(1)
                  yield* appendWithRetry(store, streamId, event!)
                  mine.push(event!.eventId)
                }
                return mine
              }),
            { concurrency: "unbounded" }
          )
          const stream = yield* store.readStream(streamId)
          const total = fibers * perFiber
          assert.deepStrictEqual(
            stream.map((event) => event.streamVersion),
            range(1, total)
          )
          assert.strictEqual(new Set(ids(stream)).size, total)
          assert.deepStrictEqual(new Set(ids(stream)), new Set(appended.flat()))
          // Each appender's events keep their order inside the stream.
          for (const mine of appended) {
            const order = mine.map((eventId) => stream.findIndex((event) => event.eventId === eventId))
            assert.deepStrictEqual(
              order,
              [...order].sort((x, y) => x - y)
            )
          }
        })
      )

      it.effect("concurrent appenders to different streams get dense, increasing global positions", () =>
        Effect.gen(function* () {
          const store = yield* EventStore
          const head = yield* store.lastGlobalPosition
          const streams = yield* Effect.forEach(range(0, fibers), () => freshStream())
          yield* Effect.forEach(
            streams,
            (streamId) =>
              Effect.gen(function* () {
                for (let version = 0; version < perFiber; version += 2) {
                  yield* store.append(streamId, version, yield* newEvents(Math.min(2, perFiber - version)))
                  yield* Effect.yieldNow
                }
              }),
            { concurrency: "unbounded" }
          )
          const total = fibers * perFiber
          const all = yield* store.readAll(head + 1, total + 10)
          assert.deepStrictEqual(positions(all), range(head + 1, total))
          for (const streamId of streams) {
            const versions = all.filter((event) => event.streamId === streamId).map((event) => event.streamVersion)
            assert.deepStrictEqual(versions, range(1, perFiber))
          }
          assert.strictEqual(yield* store.lastGlobalPosition, head + total)
        })
      )
    }
  )
}

import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Ref, Stream } from "effect"
import { EventStore, Ids, Instant } from "../src"

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
const eventId = (n: number) => Ids.EventId.make(Ids.formatUuidV7(1_790_000_000_000 + n, n, n, n))

const newEvent = (n: number, data: EventStore.NewEvent["data"] = { n }): EventStore.NewEvent => ({
  eventId: eventId(n),
  type: "ThingHappened",
  schemaVersion: 1,
  data,
  metadata: {},
  occurredAt
})

const stored = (n: number, streamId: string, streamVersion: number): EventStore.EventEnvelope => ({
  ...newEvent(n),
  streamId,
  streamVersion,
  globalPosition: n
})

describe("EventStore.validateAppend", () => {
  it.effect("accepts a well-formed request and returns it typed", () =>
    Effect.gen(function* () {
      const request = yield* EventStore.validateAppend("petition-1", "no-stream", [newEvent(1), newEvent(2)])
      assert.strictEqual(request.streamId, "petition-1")
      assert.deepStrictEqual(
        request.events.map((event) => event.eventId),
        [eventId(1), eventId(2)]
      )
    })
  )

  it.effect("names the path and the rule of the first problem", () =>
    Effect.gen(function* () {
      const problem = (effect: Effect.Effect<unknown, EventStore.InvalidStoreRequest>) =>
        Effect.map(Effect.flip(effect), (error) => ({ path: error.path, message: error.message }))
      const badStream = yield* problem(EventStore.validateAppend("", "any", []))
      assert.strictEqual(badStream.path, "streamId")
      expect(badStream.message).toMatch(/^append: streamId: a stream id is 1-256/)
      const undefinedData = yield* problem(
        EventStore.validateAppend("s", "any", [newEvent(1, { list: [1, undefined as never] })])
      )
      assert.strictEqual(undefinedData.path, "events[0].data.list[1]")
      expect(undefinedData.message).toMatch(/undefined is not JSON/)
      const dateData = yield* problem(
        EventStore.validateAppend("s", "any", [newEvent(1, { at: new Date(0) as never })])
      )
      assert.strictEqual(dateData.path, "events[0].data.at")
      expect(dateData.message).toMatch(/a Date is not JSON; encode it with its Schema first/)
      const badMetadata = yield* problem(
        EventStore.validateAppend("s", "any", [{ ...newEvent(1), metadata: { correlationId: 7 as never } }])
      )
      assert.strictEqual(badMetadata.path, "events[0].metadata.correlationId")
      const badInstant = yield* problem(
        EventStore.validateAppend("s", "any", [{ ...newEvent(1), occurredAt: 1.5 as Instant.Instant }])
      )
      assert.strictEqual(badInstant.path, "events[0].occurredAt")
      const badSchemaVersion = yield* problem(
        EventStore.validateAppend("s", "any", [{ ...newEvent(1), schemaVersion: 0 }])
      )
      assert.strictEqual(badSchemaVersion.path, "events[0].schemaVersion")
      const repeated = yield* problem(EventStore.validateAppend("s", "any", [newEvent(1), newEvent(2), newEvent(1)]))
      assert.strictEqual(repeated.path, "events[2].eventId")
      expect(repeated.message).toMatch(/repeats events\[0\]\.eventId/)
    })
  )

  it("finds cycles and non-plain values in data", () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    assert.deepStrictEqual(EventStore.jsonProblem(cyclic, "data"), {
      path: "data.self",
      reason: "a circular reference is not JSON"
    })
    assert.strictEqual(EventStore.jsonProblem(Number.POSITIVE_INFINITY)?.reason, "Infinity is not a JSON number")
    assert.strictEqual(EventStore.jsonProblem(10n)?.reason, "a bigint is not JSON")
    assert.strictEqual(EventStore.jsonProblem(new Map())?.reason, "a Map is not JSON; encode it with its Schema first")
    const shared = { x: 1 }
    assert.isUndefined(EventStore.jsonProblem({ a: shared, b: shared, c: [null, true, "s", 0] }))
  })
})

describe("EventStore.checkExpectedVersion", () => {
  it("accepts matching versions and reports the others as conflicts", () => {
    assert.isUndefined(EventStore.checkExpectedVersion("s", "any", 7))
    assert.isUndefined(EventStore.checkExpectedVersion("s", "no-stream", 0))
    assert.isUndefined(EventStore.checkExpectedVersion("s", 0, 0))
    assert.isUndefined(EventStore.checkExpectedVersion("s", 3, 3))
    const conflict = EventStore.checkExpectedVersion("s", "no-stream", 2)
    assert.include(conflict, { _tag: "StreamVersionConflict", streamId: "s", expected: "no-stream", actual: 2 })
    assert.strictEqual(conflict?.message, "stream s: expected version no-stream, but it is at version 2")
    assert.include(EventStore.checkExpectedVersion("s", 4, 3), { expected: 4, actual: 3 })
  })
})

describe("EventStore.jsonEquals", () => {
  it("compares JSON deeply, ignoring object key order", () => {
    assert.isTrue(EventStore.jsonEquals({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }))
    assert.isFalse(EventStore.jsonEquals({ a: 1 }, { a: 1, b: 2 }))
    assert.isFalse(EventStore.jsonEquals({ a: 1, b: 2 }, { a: 1, c: 2 }))
    assert.isFalse(EventStore.jsonEquals([1, 2], [2, 1]))
    assert.isFalse(EventStore.jsonEquals([1], { 0: 1 }))
    assert.isFalse(EventStore.jsonEquals(null, {}))
    assert.isFalse(EventStore.jsonEquals("1", 1))
  })
})

describe("EventStore.matchStored", () => {
  const streamId = "s"
  it("classifies new batches, retries and conflicts", () => {
    assert.deepStrictEqual(EventStore.matchStored(streamId, [newEvent(1)], [undefined]), { _tag: "New" })
    const retry = EventStore.matchStored(
      streamId,
      [newEvent(1), newEvent(2)],
      [stored(1, streamId, 1), stored(2, streamId, 2)]
    )
    assert.strictEqual(retry._tag, "Duplicate")
    const conflictReason = (match: EventStore.StoredMatch) => (match._tag === "Conflict" ? match.error.reason : "")
    expect(conflictReason(EventStore.matchStored(streamId, [newEvent(1)], [stored(1, "other", 1)]))).toMatch(
      /already stored in stream other/
    )
    expect(
      conflictReason(EventStore.matchStored(streamId, [newEvent(1, { changed: true })], [stored(1, streamId, 1)]))
    ).toMatch(/different data/)
    expect(
      conflictReason(
        EventStore.matchStored(
          streamId,
          [{ ...newEvent(1), occurredAt: 0 as Instant.Instant }],
          [stored(1, streamId, 1)]
        )
      )
    ).toMatch(/different occurredAt/)
    expect(
      conflictReason(EventStore.matchStored(streamId, [newEvent(1), newEvent(2)], [stored(1, streamId, 1), undefined]))
    ).toMatch(/not a retry/)
    expect(
      conflictReason(
        EventStore.matchStored(streamId, [newEvent(2), newEvent(1)], [stored(2, streamId, 2), stored(1, streamId, 1)])
      )
    ).toMatch(/different order/)
  })
})

describe("EventStore.catchUp", () => {
  it.effect("pages through a source and waits when caught up", () =>
    Effect.gen(function* () {
      const log = yield* Ref.make<ReadonlyArray<EventStore.EventEnvelope>>([stored(1, "s", 1), stored(2, "s", 2)])
      const waits = yield* Ref.make<ReadonlyArray<number>>([])
      const source: EventStore.CatchUpSource<never, never> = {
        readAll: (from, limit) =>
          Effect.map(Ref.get(log), (events) => events.filter((event) => event.globalPosition >= from).slice(0, limit)),
        // The test source "stores" the next event whenever the subscription waits.
        awaitPosition: (position) =>
          Effect.andThen(
            Ref.update(waits, (list) => [...list, position]),
            Ref.update(log, (events) => [...events, stored(position, "s", position)])
          )
      }
      const fiber = yield* Effect.forkChild(Stream.runCollect(Stream.take(EventStore.catchUp(source, 0, 1), 4)))
      const received = yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        received.map((event) => event.globalPosition),
        [1, 2, 3, 4]
      )
      assert.deepStrictEqual(yield* Ref.get(waits), [3, 4])
    })
  )
})

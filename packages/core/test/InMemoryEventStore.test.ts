import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { EventStore, Ids, InMemoryEventStore, Instant } from "../src"
import { eventStoreContract } from "../src/testing"

eventStoreContract("InMemoryEventStore", () => InMemoryEventStore.layer)

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
const newEvent = (data: EventStore.NewEvent["data"] = {}) =>
  Effect.map(
    Ids.makeEventId,
    (eventId): EventStore.NewEvent => ({
      eventId,
      type: "ThingHappened",
      schemaVersion: 1,
      data,
      metadata: {},
      occurredAt
    })
  )

describe("InMemoryEventStore", () => {
  it.effect("hands out frozen envelopes, so no reader can change what is stored", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      yield* store.append("s-1", "no-stream", [yield* newEvent({ nested: { list: [1] } })])
      const [event] = yield* store.readStream("s-1")
      assert.isTrue(Object.isFrozen(event))
      assert.isTrue(Object.isFrozen(event!.data))
      assert.throws(() => {
        ;(event!.data as { nested: { list: Array<number> } }).nested.list.push(2)
      })
      assert.deepStrictEqual((yield* store.readAll(1, 1))[0]!.data, { nested: { list: [1] } })
    }).pipe(Effect.provide(InMemoryEventStore.layer))
  )

  it.effect("each layer is a separate store", () =>
    Effect.gen(function* () {
      const event = yield* newEvent()
      const appendOnce = Effect.flatMap(EventStore.EventStore, (store) => store.append("s-1", "no-stream", [event]))
      const first = yield* Effect.provide(appendOnce, InMemoryEventStore.layer)
      const second = yield* Effect.provide(appendOnce, InMemoryEventStore.layer)
      assert.isFalse(first.duplicate)
      assert.isFalse(second.duplicate)
      assert.strictEqual(second.events[0]!.globalPosition, 1)
    })
  )

  it.effect("a subscriber interrupted while waiting leaves later appends and subscribers unaffected", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const idle = yield* Effect.forkChild(Stream.runCollect(Stream.take(store.subscribe(1), 1)))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(idle)
      const live = yield* Effect.forkChild(Stream.runCollect(Stream.take(store.subscribe(0), 2)))
      yield* Effect.yieldNow
      yield* store.append("s-1", "no-stream", [yield* newEvent()])
      yield* store.append("s-2", "no-stream", [yield* newEvent()])
      const received = yield* Fiber.join(live)
      assert.deepStrictEqual(
        received.map((event) => event.globalPosition),
        [1, 2]
      )
    }).pipe(Effect.provide(InMemoryEventStore.layer))
  )
})

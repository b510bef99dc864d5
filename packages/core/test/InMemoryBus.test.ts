import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { Bus, InMemoryBus } from "../src"
import { busContract } from "../src/testing"
import { makeMessage, registered as subject } from "./BusFixtures"
import { withPatientClock } from "./PatientClock"

busContract("InMemoryBus", () => InMemoryBus.layer)

describe("InMemoryBus", () => {
  it.effect("redelivers a delivery left unsettled for ackWait, by the Clock", () =>
    Effect.gen(function* () {
      const bus = yield* Bus.Bus
      const message = yield* makeMessage()
      yield* bus.publish(message)
      const pull = yield* Stream.toPull(yield* bus.subscribe({ durable: "slow", subject, ackWait: "30 seconds" }))
      const first = (yield* pull)[0]!
      const waiting = yield* Effect.forkChild(pull)
      yield* TestClock.adjust("29 seconds")
      assert.isUndefined(waiting.pollUnsafe(), "not redelivered before ackWait")
      yield* TestClock.adjust("1 second")
      const again = (yield* Fiber.join(waiting))[0]!
      assert.strictEqual(again.message.event.eventId, message.event.eventId)
      assert.strictEqual(again.deliveryCount, 2)
      // The first delivery's late ack is stale and settles nothing; the current one does.
      yield* first.ack
      const stillPending = yield* Effect.forkChild(pull)
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual((yield* Fiber.join(stillPending))[0]!.deliveryCount, 3)
    }).pipe(Effect.provide(InMemoryBus.layer), withPatientClock)
  )

  it.effect("stops delivering a message after maxDeliveries", () =>
    Effect.gen(function* () {
      const bus = yield* Bus.Bus
      const poison = yield* makeMessage()
      const next = yield* makeMessage()
      yield* bus.publish(poison)
      const pull = yield* Stream.toPull(yield* bus.subscribe({ durable: "limited", subject, maxDeliveries: 2 }))
      const first = (yield* pull)[0]!
      yield* first.nack()
      const second = (yield* pull)[0]!
      assert.strictEqual(second.deliveryCount, 2)
      yield* second.nack()
      yield* bus.publish(next)
      const third = (yield* pull)[0]!
      assert.strictEqual(third.message.event.eventId, next.event.eventId)
    }).pipe(Effect.provide(InMemoryBus.layer), withPatientClock)
  )

  it.effect("a nack with a delay waits for the Clock", () =>
    Effect.gen(function* () {
      const bus = yield* Bus.Bus
      yield* bus.publish(yield* makeMessage())
      const pull = yield* Stream.toPull(yield* bus.subscribe({ durable: "delayed", subject }))
      yield* (yield* pull)[0]!.nack("1 minute")
      const waiting = yield* Effect.forkChild(pull)
      yield* TestClock.adjust("59 seconds")
      assert.isUndefined(waiting.pollUnsafe())
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(waiting))[0]!.deliveryCount, 2)
    }).pipe(Effect.provide(InMemoryBus.layer), withPatientClock)
  )

  it.effect("keeps its own frozen copy of each message", () =>
    Effect.gen(function* () {
      const bus = yield* Bus.Bus
      const data = { list: [1, 2] }
      const message = yield* makeMessage(subject, data)
      yield* bus.publish(message)
      data.list.push(3)
      const pull = yield* Stream.toPull(yield* bus.subscribe({ durable: "copy", subject }))
      const delivered = (yield* pull)[0]!
      assert.deepStrictEqual(delivered.message.event.data, { list: [1, 2] })
      assert.isTrue(Object.isFrozen(delivered.message.event.data))
    }).pipe(Effect.provide(InMemoryBus.layer), withPatientClock)
  )

  it.effect("each layer is a separate bus", () =>
    Effect.gen(function* () {
      const message = yield* makeMessage()
      const first = yield* Effect.provide(
        Effect.flatMap(Bus.Bus, (bus) => bus.publish(message)),
        InMemoryBus.layer
      )
      const second = yield* Effect.provide(
        Effect.flatMap(Bus.Bus, (bus) => bus.publish(message)),
        InMemoryBus.layer
      )
      assert.deepStrictEqual(
        [first, second],
        [
          { sequence: 1, duplicate: false },
          { sequence: 1, duplicate: false }
        ]
      )
    })
  )
})

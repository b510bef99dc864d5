import { assert, describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Ref, Stream } from "effect"
import { TestClock } from "effect/testing"
import { Bus, InMemoryBus } from "../src"
import { makeMessage } from "./BusFixtures"
import { withPatientClock } from "./PatientClock"

describe("Bus subjects", () => {
  it("matches NATS-style patterns", () => {
    const table: ReadonlyArray<readonly [string, string, boolean]> = [
      ["gw.lanxi.petition.petition-registered", "gw.lanxi.petition.petition-registered", true],
      ["gw.lanxi.petition.petition-registered", "gw.lanxi.petition.petition-routed", false],
      ["gw.lanxi.petition.*", "gw.lanxi.petition.petition-routed", true],
      ["gw.lanxi.petition.*", "gw.lanxi.petition", false],
      ["gw.lanxi.petition.*", "gw.lanxi.petition.a.b", false],
      ["gw.*.petition.*", "gw.anji.petition.x", true],
      ["gw.*.petition.*", "gw.anji.mediation.x", false],
      ["gw.lanxi.>", "gw.lanxi.petition.petition-registered", true],
      ["gw.lanxi.>", "gw.lanxi.petition", true],
      ["gw.lanxi.>", "gw.lanxi", false],
      ["gw.lanxi.>", "gw.anji.petition", false],
      [">", "gw", true],
      ["gw", "gw.lanxi", false]
    ]
    for (const [pattern, subject, expected] of table) {
      assert.strictEqual(Bus.matches(pattern, subject), expected, `${pattern} vs ${subject}`)
    }
  })

  it("builds subjects and CloudEvents types from event types", () => {
    assert.strictEqual(Bus.kebab("PetitionRegistered"), "petition-registered")
    assert.strictEqual(Bus.kebab("EscalationTriggered"), "escalation-triggered")
    assert.strictEqual(Bus.kebab("SLABreached"), "sla-breached")
    assert.strictEqual(Bus.kebab("StageV2Started"), "stage-v2-started")
    assert.strictEqual(
      Bus.subjectFor({ locality: "lanxi", module: "petition", eventType: "PetitionRegistered" }),
      "gw.lanxi.petition.petition-registered"
    )
    assert.strictEqual(
      Bus.cloudEventType({ module: "petition", eventType: "PetitionRegistered", schemaVersion: 1 }),
      "gridwork.petition.PetitionRegistered.v1"
    )
  })

  it.effect("applies subscription defaults and rejects bad options by field", () =>
    Effect.gen(function* () {
      const resolved = yield* Bus.validateSubscribe({ durable: "risk", subject: "gw.*.petition.>" })
      assert.deepStrictEqual(resolved, {
        durable: "risk",
        subject: "gw.*.petition.>",
        deliver: "all",
        ackWaitMillis: 30_000,
        maxDeliveries: Number.POSITIVE_INFINITY
      })
      const custom = yield* Bus.validateSubscribe({
        durable: "risk",
        subject: ">",
        deliver: "new",
        ackWait: "5 seconds",
        maxDeliveries: 3
      })
      assert.include(custom, { deliver: "new", ackWaitMillis: 5_000, maxDeliveries: 3 })
      const badDeliver = yield* Effect.flip(
        Bus.validateSubscribe({ durable: "risk", subject: ">", deliver: "latest" as "all" })
      )
      assert.include(badDeliver, { _tag: "InvalidBusRequest", path: "deliver" })
      expect(badDeliver.message).toMatch(/^subscribe: deliver: /)
    })
  )
})

describe("Bus.consume", () => {
  it.effect("acks handled messages and redelivers failed ones after the retry delay", () =>
    Effect.gen(function* () {
      const bus = yield* Bus.Bus
      const m1 = yield* makeMessage("gw.lanxi.petition.petition-registered")
      const m2 = yield* makeMessage("gw.lanxi.petition.petition-registered")
      yield* bus.publish(m1)
      yield* bus.publish(m2)
      const seen = yield* Ref.make<ReadonlyArray<readonly [string, number]>>([])
      const handledTwice = yield* Deferred.make<void>()
      const consumer = yield* Effect.forkChild(
        Bus.consume(
          { durable: "consumer", subject: "gw.lanxi.petition.>" },
          (message, delivery) =>
            Effect.gen(function* () {
              const all = yield* Ref.updateAndGet(seen, (list) => [
                ...list,
                [message.event.eventId, delivery.deliveryCount] as const
              ])
              if (all.length === 3) yield* Deferred.succeed(handledTwice, undefined)
              // The first delivery of m1 fails; everything else succeeds.
              if (message.event.eventId === m1.event.eventId && delivery.deliveryCount === 1) {
                return yield* Effect.fail("database busy")
              }
            }),
          { retryDelay: "10 seconds" }
        )
      )
      // m1 fails, m2 succeeds; m1 is not redelivered before the delay has passed.
      yield* TestClock.adjust("9 seconds")
      assert.deepStrictEqual(yield* Ref.get(seen), [
        [m1.event.eventId, 1],
        [m2.event.eventId, 1]
      ])
      yield* TestClock.adjust("1 second")
      yield* Deferred.await(handledTwice)
      assert.deepStrictEqual((yield* Ref.get(seen))[2], [m1.event.eventId, 2])
      yield* Fiber.interrupt(consumer)
      // Everything is settled: a new subscription to the durable receives only new messages.
      const m3 = yield* makeMessage("gw.lanxi.petition.petition-registered")
      yield* bus.publish(m3)
      const deliveries = yield* bus.subscribe({ durable: "consumer", subject: "gw.lanxi.petition.>" })
      const [next] = yield* Stream.runCollect(Stream.take(deliveries, 1))
      assert.strictEqual(next!.message.event.eventId, m3.event.eventId)
    }).pipe(Effect.provide(InMemoryBus.layer), withPatientClock)
  )
})

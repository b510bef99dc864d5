import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, Ref } from "effect"
import { TestClock } from "effect/testing"
import { DeadlineScheduler, DeadlineSchedulerDriver, InMemoryDeadlineScheduler, type Instant } from "../src"
import { eventually, withPatientClock } from "./PatientClock"

const key = (value: string) => DeadlineScheduler.TimerKey.make(value)
const at = (millis: number) => millis as Instant.Instant
const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** A handler that records the fire tokens it sees, with the clock time it saw them. */
const recorder = Effect.gen(function* () {
  const seen = yield* Ref.make<ReadonlyArray<string>>([])
  const handler: DeadlineSchedulerDriver.DueHandler<never, never> = (_timer, token) =>
    Ref.update(seen, (all) => [...all, token])
  return { seen, handler }
})

describe("DeadlineSchedulerDriver", () => {
  it.effect("given armed timers, when the clock reaches each due time, then each fires once, in order", () =>
    Effect.gen(function* () {
      const scheduler = yield* DeadlineScheduler.DeadlineScheduler
      const { seen, handler } = yield* recorder
      yield* scheduler.arm(key("b"), at(2 * HOUR), 1)
      yield* scheduler.arm(key("a"), at(HOUR), 3)
      const fiber = yield* Effect.forkChild(DeadlineSchedulerDriver.run(handler, { maxTick: "10 minutes" }))
      yield* TestClock.adjust(HOUR - 1)
      assert.deepStrictEqual(yield* Ref.get(seen), [])
      yield* TestClock.adjust(1)
      assert.deepStrictEqual(yield* Ref.get(seen), ["a@3"])
      yield* TestClock.adjust(5 * HOUR)
      assert.deepStrictEqual(yield* Ref.get(seen), ["a@3", "b@1"])
      assert.deepStrictEqual(yield* scheduler.stats, { armed: 0, fired: 2 })
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer), withPatientClock)
  )

  it.effect(
    "given a driver asleep until a late timer, when an earlier one is armed, then it fires within maxTick",
    () =>
      Effect.gen(function* () {
        const scheduler = yield* DeadlineScheduler.DeadlineScheduler
        const { seen, handler } = yield* recorder
        yield* scheduler.arm(key("late"), at(10 * HOUR), 1)
        const fiber = yield* Effect.forkChild(DeadlineSchedulerDriver.run(handler, { maxTick: "1 minute" }))
        yield* TestClock.adjust(MINUTE / 2)
        yield* scheduler.arm(key("early"), at(MINUTE / 2 + 1), 1)
        yield* TestClock.adjust(MINUTE / 2)
        assert.deepStrictEqual(yield* Ref.get(seen), ["early@1"])
        yield* Fiber.interrupt(fiber)
      }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer), withPatientClock)
  )

  it.effect("given a rearmed and a re-versioned timer, then only the current due time and state fire", () =>
    Effect.gen(function* () {
      const scheduler = yield* DeadlineScheduler.DeadlineScheduler
      const { seen, handler } = yield* recorder
      yield* scheduler.arm(key("moved"), at(HOUR), 1)
      yield* scheduler.arm(key("extended"), at(HOUR), 1)
      yield* scheduler.rearm(key("moved"), at(3 * HOUR))
      yield* scheduler.arm(key("extended"), at(2 * HOUR), 2)
      const fiber = yield* Effect.forkChild(DeadlineSchedulerDriver.run(handler, { maxTick: "1 hour" }))
      yield* TestClock.adjust(HOUR)
      assert.deepStrictEqual(yield* Ref.get(seen), [])
      yield* TestClock.adjust(HOUR)
      assert.deepStrictEqual(yield* Ref.get(seen), ["extended@2"])
      yield* TestClock.adjust(HOUR)
      assert.deepStrictEqual(yield* Ref.get(seen), ["extended@2", "moved@1"])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer), withPatientClock)
  )

  it.effect("given a handler that fails, then the timer is retried after retryAfter and fires once it succeeds", () =>
    Effect.gen(function* () {
      const scheduler = yield* DeadlineScheduler.DeadlineScheduler
      const attempts = yield* Ref.make(0)
      const handler: DeadlineSchedulerDriver.DueHandler<string, never> = () =>
        Ref.updateAndGet(attempts, (n) => n + 1).pipe(
          Effect.flatMap((n) => (n < 3 ? Effect.fail("escalation service down") : Effect.void))
        )
      yield* scheduler.arm(key("flaky"), at(HOUR), 1)
      yield* scheduler.arm(key("fine"), at(HOUR + 1), 1)
      const fiber = yield* Effect.forkChild(
        DeadlineSchedulerDriver.run((timer, token) => (timer.key === "flaky" ? handler(timer, token) : Effect.void), {
          maxTick: "1 hour",
          retryAfter: "5 minutes"
        })
      )
      yield* TestClock.adjust(HOUR + 1)
      assert.strictEqual(yield* Ref.get(attempts), 1)
      assert.deepStrictEqual(
        yield* scheduler.get(key("fine")),
        Option.some({ key: key("fine"), dueAt: at(HOUR + 1), version: 1, fired: true }),
        "one failure does not block the others"
      )
      assert.deepStrictEqual(
        yield* scheduler.get(key("flaky")),
        Option.some({ key: key("flaky"), dueAt: at(HOUR + 5 * MINUTE), version: 1, fired: false })
      )
      yield* TestClock.adjust(5 * MINUTE)
      assert.strictEqual(yield* Ref.get(attempts), 2)
      yield* TestClock.adjust(5 * MINUTE)
      assert.strictEqual(yield* Ref.get(attempts), 3)
      yield* TestClock.adjust(HOUR)
      assert.strictEqual(yield* Ref.get(attempts), 3, "fired: no further attempts")
      assert.isTrue(Option.getOrThrow(yield* scheduler.get(key("flaky"))).fired)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer), withPatientClock)
  )

  it.effect("given a handler that moves its obligation to a new state, then the firing counts as superseded", () =>
    Effect.gen(function* () {
      const scheduler = yield* DeadlineScheduler.DeadlineScheduler
      yield* scheduler.arm(key("o"), at(10), 1)
      yield* TestClock.adjust(10)
      const report = yield* DeadlineSchedulerDriver.tick((timer) =>
        Effect.asVoid(scheduler.arm(timer.key, at(HOUR), timer.version + 1))
      )
      assert.deepStrictEqual(report, { fired: 0, retried: 0, superseded: 1 })
      assert.deepStrictEqual(yield* scheduler.due(at(HOUR), 10), [{ key: key("o"), dueAt: at(HOUR), version: 2 }])
    }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer), withPatientClock)
  )

  it.effect("handles more due timers than one batch in a single tick", () =>
    Effect.gen(function* () {
      const scheduler = yield* DeadlineScheduler.DeadlineScheduler
      const { seen, handler } = yield* recorder
      for (let i = 0; i < 25; i++) yield* scheduler.arm(key(`k${String(i).padStart(2, "0")}`), at(i), 1)
      yield* TestClock.adjust(100)
      const report = yield* DeadlineSchedulerDriver.tick(handler, { batchSize: 4 })
      assert.deepStrictEqual(report, { fired: 25, retried: 0, superseded: 0 })
      assert.deepStrictEqual(
        yield* Ref.get(seen),
        Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, "0")}@1`)
      )
    }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer), withPatientClock)
  )

  it.effect(
    "given a crash after some firings, when restarted later, then what fell due while down fires at once, exactly once per state",
    () =>
      Effect.gen(function* () {
        const { seen, handler } = yield* recorder
        const before = yield* InMemoryDeadlineScheduler.make()
        yield* before.scheduler.arm(key("first"), at(HOUR), 1)
        yield* before.scheduler.arm(key("during-outage-1"), at(3 * HOUR), 1)
        yield* before.scheduler.arm(key("during-outage-2"), at(4 * HOUR), 2)
        yield* before.scheduler.arm(key("after"), at(20 * HOUR), 1)
        const driver = (scheduler: DeadlineScheduler.DeadlineSchedulerShape) =>
          Effect.forkChild(
            DeadlineSchedulerDriver.run(handler, { maxTick: "1 hour" }).pipe(
              Effect.provideService(DeadlineScheduler.DeadlineScheduler, scheduler)
            )
          )
        const running = yield* driver(before.scheduler)
        yield* TestClock.adjust(2 * HOUR)
        assert.deepStrictEqual(yield* Ref.get(seen), ["first@1"])
        // crash: the fiber dies, only the durable state (snapshot) survives
        const durable = yield* before.snapshot
        yield* Fiber.interrupt(running)
        yield* TestClock.adjust(8 * HOUR) // down from 02:00 to 10:00
        assert.deepStrictEqual(yield* Ref.get(seen), ["first@1"])
        const after = yield* InMemoryDeadlineScheduler.make(durable)
        const restarted = yield* driver(after.scheduler)
        // no clock adjustment: the restarted driver's first tick takes them at once
        yield* eventually(Effect.map(Ref.get(seen), (all) => all.length >= 3))
        assert.deepStrictEqual(
          yield* Ref.get(seen),
          ["first@1", "during-outage-1@1", "during-outage-2@2"],
          "overdue timers fire immediately on restart, without waiting for the clock"
        )
        yield* TestClock.adjust(12 * HOUR)
        assert.deepStrictEqual(yield* Ref.get(seen), ["first@1", "during-outage-1@1", "during-outage-2@2", "after@1"])
        yield* Fiber.interrupt(restarted)
      }).pipe(withPatientClock)
  )

  it.effect("runs as a layer for as long as the layer lives", () =>
    Effect.gen(function* () {
      const { seen, handler } = yield* recorder
      const scheduler = yield* InMemoryDeadlineScheduler.make()
      yield* scheduler.scheduler.arm(key("a"), at(MINUTE), 1)
      const live = DeadlineSchedulerDriver.layer(handler, { maxTick: "1 minute" }).pipe(
        Layer.provide(Layer.succeed(DeadlineScheduler.DeadlineScheduler, scheduler.scheduler))
      )
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* Layer.build(live)
          yield* TestClock.adjust(MINUTE)
        })
      )
      assert.deepStrictEqual(yield* Ref.get(seen), ["a@1"])
      yield* scheduler.scheduler.arm(key("b"), at(2 * MINUTE), 1)
      yield* TestClock.adjust(MINUTE)
      assert.deepStrictEqual(yield* Ref.get(seen), ["a@1"], "stopped with its scope")
    }).pipe(withPatientClock)
  )

  it("refuses bad options at construction", () => {
    assert.throws(() => DeadlineSchedulerDriver.tick(() => Effect.void, { batchSize: 0 }), /batchSize/)
    assert.throws(() => DeadlineSchedulerDriver.run(() => Effect.void, { concurrency: 1.5 }), /concurrency/)
    assert.throws(() => DeadlineSchedulerDriver.run(() => Effect.void, { maxTick: 0 }), /maxTick/)
  })
})

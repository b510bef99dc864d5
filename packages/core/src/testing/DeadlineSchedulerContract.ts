/**
 * The contract every {@link DeadlineScheduler} implementation must pass.
 *
 * ```ts
 * // test/InMemoryDeadlineScheduler.test.ts
 * import { Effect } from "effect"
 * import { InMemoryDeadlineScheduler } from "@gridwork/core"
 * import { deadlineSchedulerContract } from "@gridwork/core/testing"
 *
 * deadlineSchedulerContract(
 *   "InMemoryDeadlineScheduler",
 *   Effect.gen(function* () {
 *     let current = yield* InMemoryDeadlineScheduler.make()
 *     const restart = Effect.gen(function* () {
 *       current = yield* InMemoryDeadlineScheduler.make(yield* current.snapshot)
 *       return current.scheduler
 *     })
 *     return { scheduler: current.scheduler, restart }
 *   })
 * )
 * ```
 *
 * Every test opens its own {@link DeadlineSchedulerWorld} (inside a scope closed when
 * the test ends): a fresh, empty scheduler plus a way to simulate a crash and restart
 * over the same durable state. An SQL implementation opens a world by creating a fresh
 * table (or schema) on a server started once for the file, and restarts by building a
 * new instance (new pool) over that table. Tests run with the live clock; every instant
 * is passed explicitly, so none of them waits.
 * @module
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Result, type Scope } from "effect"
import type { Instant } from "../primitives/Instant"
import { type DeadlineSchedulerShape, type DueTimer, type StateVersion, TimerKey } from "../scheduler/DeadlineScheduler"

/** A scheduler over durable state that can be "restarted". */
export interface DeadlineSchedulerWorld {
  /** The running instance, fresh and empty. */
  readonly scheduler: DeadlineSchedulerShape
  /**
   * Simulates a crash and restart: drops the running instance without any shutdown
   * step and opens a new one over the same durable state; returns the new instance.
   */
  readonly restart: Effect.Effect<DeadlineSchedulerShape, unknown>
}

/** Options of {@link deadlineSchedulerContract}. */
export interface DeadlineSchedulerContractOptions {
  /** Timeout of one test in milliseconds (default 30 s). */
  readonly timeout?: number
}

const key = (value: string): TimerKey => TimerKey.make(value)
const at = (millis: number): Instant => millis as Instant
const dueTimer = (k: string, dueAt: number, version: number): DueTimer => ({
  key: key(k),
  dueAt: at(dueAt),
  version
})
const keysOf = (timers: ReadonlyArray<DueTimer>): ReadonlyArray<string> => timers.map((timer) => timer.key)

const failureOf = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.flatMap(Effect.result(effect), (result) =>
    Result.isFailure(result)
      ? Effect.succeed(result.failure)
      : Effect.die(new Error(`expected a failure, got ${JSON.stringify(result.success)}`))
  )

/** A deterministic pseudo-random sequence (mulberry32), so failures reproduce. */
const pseudoRandom = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Registers the deadline scheduler contract tests under `describe(name)`. `openWorld`
 * runs once per test.
 */
export const deadlineSchedulerContract = <E>(
  name: string,
  openWorld: Effect.Effect<DeadlineSchedulerWorld, E, Scope.Scope>,
  options: DeadlineSchedulerContractOptions = {}
): void => {
  const timeout = options.timeout ?? 30_000
  const test = (title: string, body: (world: DeadlineSchedulerWorld) => Effect.Effect<void, unknown>) =>
    it.live(title, () => Effect.flatMap(openWorld, body), timeout)

  describe(`${name} (DeadlineScheduler contract)`, () => {
    test("due returns the timers due at now, earliest first, ties by key, without changing anything", ({ scheduler }) =>
      Effect.gen(function* () {
        yield* scheduler.arm(key("c"), at(300), 1)
        yield* scheduler.arm(key("a"), at(100), 1)
        yield* scheduler.arm(key("b2"), at(200), 1)
        yield* scheduler.arm(key("b1"), at(200), 7)
        yield* scheduler.arm(key("later"), at(10_000), 1)
        const due = yield* scheduler.due(at(300), 100)
        assert.deepStrictEqual(due, [
          dueTimer("a", 100, 1),
          dueTimer("b1", 200, 7),
          dueTimer("b2", 200, 1),
          dueTimer("c", 300, 1)
        ])
        assert.deepStrictEqual(keysOf(yield* scheduler.due(at(300), 2)), ["a", "b1"], "limit keeps the earliest")
        assert.deepStrictEqual(keysOf(yield* scheduler.due(at(199), 100)), ["a"], "dueAt ≤ now, boundary included")
        assert.deepStrictEqual(yield* scheduler.due(at(99), 100), [])
        assert.deepStrictEqual(yield* scheduler.due(at(300), 100), due, "due only looks")
        assert.deepStrictEqual(yield* scheduler.stats, { armed: 5, fired: 0 })
      }))

    test("due and takeDue agree with a sorted list over many timers", ({ scheduler }) =>
      Effect.gen(function* () {
        const random = pseudoRandom(42)
        const model = new Map<string, number>()
        for (let i = 0; i < 300; i++) {
          const k = `obligation-${i.toString().padStart(3, "0")}`
          const dueAt = Math.floor(random() * 50) * 10
          model.set(k, dueAt)
          yield* scheduler.arm(key(k), at(dueAt), 1)
        }
        for (let i = 0; i < 60; i++) {
          const k = `obligation-${Math.floor(random() * 300)
            .toString()
            .padStart(3, "0")}`
          if (i % 3 === 0) {
            model.delete(k)
            yield* scheduler.cancel(key(k))
          } else if (model.has(k)) {
            const dueAt = Math.floor(random() * 50) * 10
            model.set(k, dueAt)
            yield* scheduler.rearm(key(k), at(dueAt))
          }
        }
        const sorted = [...model.entries()]
          .sort(([ka, da], [kb, db]) => da - db || (ka < kb ? -1 : ka > kb ? 1 : 0))
          .map(([k]) => k)
        const now = 250
        const expected = sorted.filter((k) => model.get(k)! <= now)
        assert.deepStrictEqual(keysOf(yield* scheduler.due(at(now), 10_000)), expected)
        assert.deepStrictEqual(keysOf(yield* scheduler.due(at(now), 17)), expected.slice(0, 17))
        const taken: Array<string> = []
        for (;;) {
          const batch = yield* scheduler.takeDue(at(now), 23)
          taken.push(...keysOf(batch))
          if (batch.length < 23) break
        }
        assert.deepStrictEqual(taken, expected)
        assert.deepStrictEqual(yield* scheduler.stats, { armed: model.size - expected.length, fired: expected.length })
        assert.deepStrictEqual(
          yield* scheduler.nextDueAt,
          Option.fromUndefinedOr(sorted.length > expected.length ? model.get(sorted[expected.length]!) : undefined)
        )
      }))

    test("arm follows the version rules", ({ scheduler }) =>
      Effect.gen(function* () {
        const k = key("obligation-1")
        assert.strictEqual(yield* scheduler.arm(k, at(100), 3), "armed")
        assert.strictEqual(yield* scheduler.arm(k, at(100), 3), "unchanged")
        assert.strictEqual(yield* scheduler.arm(k, at(150), 3), "rescheduled")
        assert.strictEqual(yield* scheduler.arm(k, at(50), 2), "stale")
        assert.deepStrictEqual(
          yield* scheduler.get(k),
          Option.some({ key: k, dueAt: at(150), version: 3, fired: false })
        )
        assert.strictEqual(yield* scheduler.arm(k, at(400), 4), "armed", "a newer state replaces an armed timer")
        assert.isFalse(yield* scheduler.markFired(k, 3), "the replaced state can no longer be marked")
        assert.deepStrictEqual(yield* scheduler.due(at(399), 10), [])
        assert.deepStrictEqual(yield* scheduler.due(at(400), 10), [{ key: k, dueAt: at(400), version: 4 }])
        assert.deepStrictEqual(yield* scheduler.stats, { armed: 1, fired: 0 })
      }))

    test("rearm moves an armed timer either way and keeps its version", ({ scheduler }) =>
      Effect.gen(function* () {
        yield* scheduler.arm(key("a"), at(100), 1)
        yield* scheduler.arm(key("b"), at(200), 5)
        yield* scheduler.arm(key("c"), at(300), 1)
        assert.strictEqual(yield* scheduler.rearm(key("c"), at(50)), "rescheduled")
        assert.strictEqual(yield* scheduler.rearm(key("a"), at(250)), "rescheduled")
        assert.strictEqual(yield* scheduler.rearm(key("b"), at(200)), "unchanged")
        assert.strictEqual(yield* scheduler.rearm(key("missing"), at(10)), "notArmed")
        assert.deepStrictEqual(yield* scheduler.due(at(1_000), 10), [
          dueTimer("c", 50, 1),
          dueTimer("b", 200, 5),
          dueTimer("a", 250, 1)
        ])
        assert.deepStrictEqual(yield* scheduler.nextDueAt, Option.some(at(50)))
      }))

    test("cancel forgets a timer and its fired mark", ({ scheduler }) =>
      Effect.gen(function* () {
        yield* scheduler.arm(key("a"), at(100), 1)
        yield* scheduler.arm(key("b"), at(200), 1)
        assert.isTrue(yield* scheduler.cancel(key("a")))
        assert.isFalse(yield* scheduler.cancel(key("a")))
        assert.isFalse(yield* scheduler.cancel(key("never")))
        assert.deepStrictEqual(yield* scheduler.get(key("a")), Option.none())
        assert.deepStrictEqual(keysOf(yield* scheduler.due(at(1_000), 10)), ["b"])
        yield* scheduler.takeDue(at(1_000), 10)
        assert.isTrue(yield* scheduler.cancel(key("b")), "a fired mark is dropped too")
        assert.deepStrictEqual(yield* scheduler.stats, { armed: 0, fired: 0 })
        assert.deepStrictEqual(yield* scheduler.nextDueAt, Option.none())
        assert.strictEqual(yield* scheduler.arm(key("b"), at(10), 1), "armed", "after cancel the key starts afresh")
      }))

    test("each obligation state fires exactly once; a new state can fire again", ({ scheduler }) =>
      Effect.gen(function* () {
        const k = key("obligation-7")
        yield* scheduler.arm(k, at(100), 1)
        assert.deepStrictEqual(yield* scheduler.takeDue(at(100), 10), [{ key: k, dueAt: at(100), version: 1 }])
        assert.deepStrictEqual(yield* scheduler.takeDue(at(10_000), 10), [], "taken once")
        assert.deepStrictEqual(
          yield* scheduler.get(k),
          Option.some({ key: k, dueAt: at(100), version: 1, fired: true })
        )
        assert.strictEqual(yield* scheduler.arm(k, at(100), 1), "alreadyFired")
        assert.strictEqual(yield* scheduler.arm(k, at(900), 1), "alreadyFired", "not even with another due time")
        assert.strictEqual(yield* scheduler.rearm(k, at(900)), "notArmed")
        assert.isFalse(yield* scheduler.markFired(k, 1))
        assert.strictEqual(yield* scheduler.arm(k, at(500), 0), "stale")
        assert.deepStrictEqual(yield* scheduler.stats, { armed: 0, fired: 1 })
        assert.strictEqual(yield* scheduler.arm(k, at(500), 2), "armed")
        assert.deepStrictEqual(yield* scheduler.stats, { armed: 1, fired: 0 })
        assert.deepStrictEqual(yield* scheduler.takeDue(at(500), 10), [{ key: k, dueAt: at(500), version: 2 }])
      }))

    test("markFired marks exactly the armed version, once", ({ scheduler }) =>
      Effect.gen(function* () {
        const k = key("obligation-9")
        yield* scheduler.arm(k, at(100), 4)
        assert.isFalse(yield* scheduler.markFired(k, 3))
        assert.isFalse(yield* scheduler.markFired(key("other"), 4))
        assert.isTrue(yield* scheduler.markFired(k, 4))
        assert.isFalse(yield* scheduler.markFired(k, 4))
        assert.deepStrictEqual(yield* scheduler.due(at(1_000), 10), [])
        assert.deepStrictEqual(yield* scheduler.stats, { armed: 0, fired: 1 })
      }))

    test("after a restart, what fell due while down is due at once, exactly once per state", (world) =>
      Effect.gen(function* () {
        const before = world.scheduler
        yield* before.arm(key("fired-before"), at(50), 1)
        yield* before.arm(key("due-while-down-1"), at(200), 1)
        yield* before.arm(key("due-while-down-2"), at(300), 6)
        yield* before.arm(key("not-yet"), at(5_000), 1)
        assert.deepStrictEqual(keysOf(yield* before.takeDue(at(100), 10)), ["fired-before"])

        const after = yield* world.restart
        assert.deepStrictEqual(yield* after.stats, { armed: 3, fired: 1 })
        assert.deepStrictEqual(yield* after.nextDueAt, Option.some(at(200)))
        assert.deepStrictEqual(yield* after.takeDue(at(1_000), 10), [
          dueTimer("due-while-down-1", 200, 1),
          dueTimer("due-while-down-2", 300, 6)
        ])
        assert.strictEqual(yield* after.arm(key("fired-before"), at(50), 1), "alreadyFired", "fired marks survive")
        assert.strictEqual(yield* after.arm(key("due-while-down-2"), at(300), 5), "stale", "versions survive")

        const again = yield* world.restart
        assert.deepStrictEqual(yield* again.due(at(1_000), 10), [], "nothing fires twice across restarts")
        assert.deepStrictEqual(yield* again.due(at(5_000), 10), [dueTimer("not-yet", 5_000, 1)])
        assert.strictEqual(yield* again.arm(key("due-while-down-1"), at(2_000), 2), "armed", "a new state fires again")
        assert.deepStrictEqual(keysOf(yield* again.takeDue(at(5_000), 10)), ["due-while-down-1", "not-yet"])
      }))

    test("a timer marked fired by the driver stays fired after a restart", (world) =>
      Effect.gen(function* () {
        yield* world.scheduler.arm(key("a"), at(10), 1)
        yield* world.scheduler.arm(key("b"), at(20), 1)
        const [first] = yield* world.scheduler.due(at(100), 1)
        assert.isTrue(yield* world.scheduler.markFired(first!.key, first!.version))
        // crash after handling "b" but before marking it: it must come back
        const after = yield* world.restart
        assert.deepStrictEqual(yield* after.due(at(100), 10), [dueTimer("b", 20, 1)])
      }))

    test("rejects bad input naming the field", ({ scheduler }) =>
      Effect.gen(function* () {
        const badKey = yield* failureOf(scheduler.arm("has space" as TimerKey, at(1), 1))
        assert.include(badKey, { _tag: "TimerInputInvalid", field: "key" })
        const badDue = yield* failureOf(scheduler.arm(key("k"), 1.5 as Instant, 1))
        assert.include(badDue, { _tag: "TimerInputInvalid", field: "dueAt" })
        const badVersion = yield* failureOf(scheduler.arm(key("k"), at(1), -1 as StateVersion))
        assert.include(badVersion, { _tag: "TimerInputInvalid", field: "version" })
        const badLimit = yield* failureOf(scheduler.due(at(1), 0))
        assert.include(badLimit, { _tag: "TimerInputInvalid", field: "limit" })
        const badNow = yield* failureOf(scheduler.takeDue(Number.NaN as Instant, 1))
        assert.include(badNow, { _tag: "TimerInputInvalid", field: "now" })
        assert.deepStrictEqual(yield* scheduler.stats, { armed: 0, fired: 0 })
      }))
  })
}

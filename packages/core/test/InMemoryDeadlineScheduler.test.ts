import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Result, Schema } from "effect"
import * as fc from "fast-check"
import { DeadlineScheduler, DeadlineSchedulerWheel, InMemoryDeadlineScheduler, type Instant } from "../src"
import { deadlineSchedulerContract } from "../src/testing"

const key = (value: string) => DeadlineScheduler.TimerKey.make(value)
const at = (millis: number) => millis as Instant.Instant

deadlineSchedulerContract(
  "InMemoryDeadlineScheduler",
  Effect.gen(function* () {
    let current = yield* InMemoryDeadlineScheduler.make()
    const restart = Effect.gen(function* () {
      current = yield* InMemoryDeadlineScheduler.make(yield* current.snapshot)
      return current.scheduler
    })
    return { scheduler: current.scheduler, restart }
  })
)

describe("InMemoryDeadlineScheduler snapshots", () => {
  it.effect("round-trip through JSON and the snapshot schema", () =>
    Effect.gen(function* () {
      const before = yield* InMemoryDeadlineScheduler.make()
      yield* before.scheduler.arm(key("a"), at(10), 1)
      yield* before.scheduler.arm(key("b"), at(20), 2)
      yield* before.scheduler.takeDue(at(10), 1)
      const json = JSON.stringify(yield* before.snapshot)
      const decoded = yield* Schema.decodeUnknownEffect(DeadlineScheduler.SchedulerSnapshot)(JSON.parse(json))
      const after = yield* InMemoryDeadlineScheduler.make(decoded)
      assert.deepStrictEqual(
        yield* after.scheduler.get(key("a")),
        Option.some({ key: key("a"), dueAt: at(10), version: 1, fired: true })
      )
      assert.deepStrictEqual(yield* after.scheduler.due(at(100), 10), [{ key: key("b"), dueAt: at(20), version: 2 }])
    })
  )

  it.effect("refuses a snapshot that holds a key twice", () =>
    Effect.gen(function* () {
      const timer = { key: key("a"), dueAt: at(1), version: 1, fired: false }
      const result = yield* Effect.result(
        InMemoryDeadlineScheduler.make({ format: "gridwork.scheduler.snapshot.v1", timers: [timer, timer] })
      )
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result))
        assert.include(result.failure, { _tag: "TimerInputInvalid", field: "timers[1].key" })
    })
  )

  it("rejects a snapshot with a bad key at the boundary, naming the path", () => {
    const result = Schema.decodeUnknownExit(DeadlineScheduler.SchedulerSnapshot)({
      format: "gridwork.scheduler.snapshot.v1",
      timers: [{ key: "has space", dueAt: 1, version: 1, fired: false }]
    })
    assert.isTrue(result._tag === "Failure")
    assert.include(String(result), "timers")
  })
})

type Op =
  | { readonly op: "arm"; readonly key: number; readonly dueAt: number; readonly version: number }
  | { readonly op: "rearm"; readonly key: number; readonly dueAt: number }
  | { readonly op: "cancel"; readonly key: number }
  | { readonly op: "markFired"; readonly key: number; readonly version: number }
  | { readonly op: "takeDue"; readonly now: number; readonly limit: number }
  | { readonly op: "restart" }

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant("arm" as const), key: fc.nat(30), dueAt: fc.nat(100), version: fc.nat(3) })
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("rearm" as const), key: fc.nat(30), dueAt: fc.nat(100) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("cancel" as const), key: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("markFired" as const), key: fc.nat(30), version: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("takeDue" as const),
      now: fc.nat(100),
      limit: fc.integer({ min: 1, max: 8 })
    })
  },
  { weight: 1, arbitrary: fc.constant({ op: "restart" as const }) }
)

interface ModelTimer {
  dueAt: number
  version: number
  fired: boolean
}

const order = (entries: Array<[string, ModelTimer]>) =>
  entries.sort(([ka, a], [kb, b]) => a.dueAt - b.dueAt || (ka < kb ? -1 : ka > kb ? 1 : 0))

describe("TimerWheel against a reference model", () => {
  it("behaves like a sorted map under any sequence of operations and bucket width, restarts included", () => {
    fc.assert(
      // width 1: a bucket per instant; 7: a few timers per bucket; 60,000: everything in one bucket
      fc.property(fc.constantFrom(1, 7, 60_000), fc.array(opArbitrary, { maxLength: 200 }), (width, ops) => {
        let wheel = new DeadlineSchedulerWheel.TimerWheel(16, width)
        const model = new Map<string, ModelTimer>()
        for (const op of ops) {
          switch (op.op) {
            case "arm": {
              const k = `k${op.key}`
              const current = model.get(k)
              const outcome = wheel.arm(key(k), at(op.dueAt), op.version)
              let expected: DeadlineScheduler.ArmOutcome
              if (current === undefined || op.version > current.version) {
                expected = "armed"
                model.set(k, { dueAt: op.dueAt, version: op.version, fired: false })
              } else if (op.version < current.version) expected = "stale"
              else if (current.fired) expected = "alreadyFired"
              else if (current.dueAt === op.dueAt) expected = "unchanged"
              else {
                expected = "rescheduled"
                current.dueAt = op.dueAt
              }
              assert.strictEqual(outcome, expected)
              break
            }
            case "rearm": {
              const k = `k${op.key}`
              const current = model.get(k)
              const outcome = wheel.rearm(key(k), at(op.dueAt))
              if (current === undefined || current.fired) assert.strictEqual(outcome, "notArmed")
              else if (current.dueAt === op.dueAt) assert.strictEqual(outcome, "unchanged")
              else {
                assert.strictEqual(outcome, "rescheduled")
                current.dueAt = op.dueAt
              }
              break
            }
            case "cancel": {
              const k = `k${op.key}`
              assert.strictEqual(wheel.cancel(key(k)), model.delete(k))
              break
            }
            case "markFired": {
              const k = `k${op.key}`
              const current = model.get(k)
              const expected = current !== undefined && !current.fired && current.version === op.version
              assert.strictEqual(wheel.markFired(key(k), op.version), expected)
              if (expected) current.fired = true
              break
            }
            case "takeDue": {
              const armed = order([...model.entries()].filter(([, timer]) => !timer.fired && timer.dueAt <= op.now))
              const expected = armed
                .slice(0, op.limit)
                .map(([k, timer]) => ({ key: k, dueAt: timer.dueAt, version: timer.version }))
              assert.deepStrictEqual(wheel.peekDue(at(op.now), op.limit), expected)
              assert.deepStrictEqual(wheel.takeDue(at(op.now), op.limit), expected)
              for (const { key: k } of expected) model.get(k)!.fired = true
              break
            }
            case "restart": {
              const rebuilt = DeadlineSchedulerWheel.TimerWheel.fromRecords(wheel.toRecords(), width)
              assert.isTrue(Result.isSuccess(rebuilt))
              if (Result.isSuccess(rebuilt)) wheel = rebuilt.success
              break
            }
          }
          const armed = order([...model.entries()].filter(([, timer]) => !timer.fired))
          assert.strictEqual(wheel.armed, armed.length)
          assert.strictEqual(wheel.fired, model.size - armed.length)
          assert.strictEqual(wheel.nextDueAt(), armed[0]?.[1].dueAt)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("reuses the slots of cancelled keys instead of growing", () => {
    const wheel = new DeadlineSchedulerWheel.TimerWheel(16)
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 16; i++) wheel.arm(key(`r${round}-${i}`), at(i), 1)
      for (let i = 0; i < 16; i++) wheel.cancel(key(`r${round}-${i}`))
    }
    assert.strictEqual(wheel.armed, 0)
    assert.strictEqual(wheel.toRecords().length, 0)
    assert.strictEqual(wheel.capacity, 16, "16 live keys at a time never needed more room")
    wheel.arm(key("last"), at(1), 1)
    assert.deepStrictEqual(wheel.toRecords(), [{ key: "last", dueAt: 1, version: 1, fired: false }])
  })

  it("keeps the (dueAt, key) order when timers join a bucket out of order", () => {
    const wheel = new DeadlineSchedulerWheel.TimerWheel(16, 100)
    wheel.arm(key("b"), at(50), 1)
    assert.strictEqual(wheel.nextDueAt(), 50) // the bucket is read (sorted) once
    wheel.arm(key("c"), at(10), 1) // joins the sorted bucket before its last timer
    wheel.arm(key("a"), at(50), 1) // same instant, smaller key
    wheel.arm(key("d"), at(250), 1) // a later bucket
    assert.strictEqual(wheel.nextDueAt(), 10)
    assert.deepStrictEqual(
      wheel.peekDue(at(60), 10).map((timer) => timer.key),
      ["c", "a", "b"]
    )
    assert.deepStrictEqual(
      wheel.takeDue(at(300), 2).map((timer) => timer.key),
      ["c", "a"]
    )
    assert.deepStrictEqual(
      wheel.takeDue(at(300), 10).map((timer) => timer.key),
      ["b", "d"]
    )
    assert.strictEqual(wheel.nextDueAt(), undefined)
  })

  it("orders a crowded bucket exactly like a sorted list, ties by key", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 100, maxLength: 400 }),
        fc.array(fc.nat(20), { minLength: 400, maxLength: 400 }),
        (names, dueTimes) => {
          const wheel = new DeadlineSchedulerWheel.TimerWheel(16, 60_000) // one bucket holds them all
          const expected = names.map((name, i) => ({ key: name, dueAt: dueTimes[i]!, version: 1 }))
          for (const timer of expected) wheel.arm(key(timer.key), at(timer.dueAt), 1)
          expected.sort((a, b) => a.dueAt - b.dueAt || (a.key < b.key ? -1 : 1))
          assert.deepStrictEqual(wheel.peekDue(at(20), 1_000), expected)
          assert.deepStrictEqual(
            wheel.takeDue(at(10), 1_000),
            expected.filter((timer) => timer.dueAt <= 10)
          )
          assert.strictEqual(wheel.nextDueAt(), expected.find((timer) => timer.dueAt > 10)?.dueAt)
        }
      ),
      { numRuns: 50 }
    )
  })

  it("refuses a bucket width that is not a positive integer, naming it", () => {
    assert.throws(() => new DeadlineSchedulerWheel.TimerWheel(16, 0), /bucketWidth/)
    assert.throws(() => new DeadlineSchedulerWheel.TimerWheel(16, 1.5), /bucketWidth/)
  })
})

describe("InMemoryDeadlineScheduler layer", () => {
  it.effect("provides an empty scheduler", () =>
    Effect.gen(function* () {
      const scheduler = yield* DeadlineScheduler.DeadlineScheduler
      assert.deepStrictEqual(yield* scheduler.stats, { armed: 0, fired: 0 })
      assert.strictEqual(yield* scheduler.arm(key("a"), at(5), 0), "armed")
      assert.strictEqual(DeadlineScheduler.fireToken({ key: key("a"), version: 0 }), "a@0")
    }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer))
  )
})

/**
 * What the tests of forked, `Clock`-driven fibers (the deadline scheduler driver, bus
 * consumers, periodic checkpoints) share, so that they do not depend on how fast the
 * machine is.
 */
import { Effect } from "effect"
import { TestClock } from "effect/testing"

/**
 * Runs `effect` under a `TestClock` of its own whose `adjust` waits up to 25 s of real
 * time, instead of the default 1 s, for the fibers it wakes to settle before it
 * returns. The wait ends as soon as they suspend, so it costs nothing when the machine
 * is idle; when it is loaded (CI runs every suite on two shared cores), a woken fiber
 * that needs more than a second of real time no longer lets the test assert before
 * that fiber ran. 25 s stays below the suites' 30 s test timeout.
 */
export const withPatientClock = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provide(effect, TestClock.layer({ warningDelay: "25 seconds" }))

/**
 * Yields to the scheduler until `check` holds, at most `turns` times (then dies naming
 * the bound): waits for the work of a forked fiber without assuming how many scheduler
 * turns it takes, and without any real time.
 */
export const eventually = (check: Effect.Effect<boolean>, turns = 1_000): Effect.Effect<void> =>
  Effect.gen(function* () {
    for (let turn = 0; turn < turns; turn++) {
      if (yield* check) return
      yield* Effect.yieldNow
    }
    return yield* Effect.die(new Error(`eventually: the condition did not hold after ${turns} scheduler turns`))
  })

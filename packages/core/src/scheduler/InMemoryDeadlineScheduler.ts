/**
 * The in-memory {@link DeadlineScheduler}: a {@link TimerWheel} (calendar queue) behind the port, for
 * tests, embedded use, and as the reference the SQL implementation is checked against.
 *
 * ## Restart
 * Memory does not survive a process, so durability is simulated: `snapshot` exports
 * every timer (armed ones and fired marks) as a {@link SchedulerSnapshot}, exactly the
 * rows a durable store holds, and {@link make} / {@link layerFromSnapshot} rebuild a
 * scheduler from it in O(n). Because fired marks are part of the snapshot, a state that
 * fired before the restart never fires again, and every armed timer whose due time
 * passed while "down" is due at the first tick after the restart. A host that wants
 * real durability with this implementation writes the snapshot somewhere safe (or keeps
 * its obligations in an event store and re-arms them on start; arming is idempotent).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { DeadlineScheduler, InMemoryDeadlineScheduler, Instant } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const before = yield* InMemoryDeadlineScheduler.make()
 *   const key = DeadlineScheduler.TimerKey.make("obligation-1")
 *   yield* before.scheduler.arm(key, Instant.fromMillis(1_000), 1)
 *   const saved = yield* before.snapshot // "crash" here
 *   const after = yield* InMemoryDeadlineScheduler.make(saved)
 *   return yield* after.scheduler.takeDue(Instant.fromMillis(5_000), 100)
 * })
 *
 * console.log(Effect.runSync(program)) // [ { key: 'obligation-1', dueAt: 1000, version: 1 } ]
 * ```
 * @module
 */
import { Effect, Layer, Option } from "effect"
import type { Instant } from "../primitives/Instant"
import {
  DeadlineScheduler,
  type DeadlineSchedulerShape,
  MAX_STATE_VERSION,
  type SchedulerSnapshot,
  type StateVersion,
  TimerInputInvalid,
  type TimerKey
} from "./DeadlineScheduler"
import { TimerWheel } from "./DeadlineSchedulerWheel"

/** An in-memory scheduler and the means to export its state. */
export interface InMemoryDeadlineScheduler {
  /** The port implementation. */
  readonly scheduler: DeadlineSchedulerShape
  /** Every timer held right now: what a durable store would hold after a crash. */
  readonly snapshot: Effect.Effect<SchedulerSnapshot>
}

const keyPattern = /^[\x21-\x7e]{1,200}$/

const checkKey = (key: string): TimerInputInvalid | undefined =>
  typeof key === "string" && keyPattern.test(key)
    ? undefined
    : new TimerInputInvalid({ field: "key", rule: "a timer key is 1-200 printable ASCII characters without spaces" })

const checkInstant = (field: string, value: number): TimerInputInvalid | undefined =>
  Number.isSafeInteger(value)
    ? undefined
    : new TimerInputInvalid({ field, rule: `an instant is an integer number of epoch milliseconds, got ${value}` })

const checkVersion = (version: number): TimerInputInvalid | undefined =>
  Number.isInteger(version) && version >= 0 && version <= MAX_STATE_VERSION
    ? undefined
    : new TimerInputInvalid({ field: "version", rule: `a state version is an integer in [0, ${MAX_STATE_VERSION}]` })

const checkLimit = (limit: number): TimerInputInvalid | undefined =>
  Number.isSafeInteger(limit) && limit > 0
    ? undefined
    : new TimerInputInvalid({ field: "limit", rule: `a limit is a positive integer, got ${limit}` })

const guarded = <A>(problem: TimerInputInvalid | undefined, run: () => A): Effect.Effect<A, TimerInputInvalid> =>
  problem === undefined ? Effect.sync(run) : Effect.fail(problem)

const wrap = (wheel: TimerWheel): InMemoryDeadlineScheduler => {
  const scheduler: DeadlineSchedulerShape = {
    arm: (key: TimerKey, dueAt: Instant, version: StateVersion) =>
      guarded(checkKey(key) ?? checkInstant("dueAt", dueAt) ?? checkVersion(version), () =>
        wheel.arm(key, dueAt, version)
      ),
    rearm: (key: TimerKey, dueAt: Instant) =>
      guarded(checkKey(key) ?? checkInstant("dueAt", dueAt), () => wheel.rearm(key, dueAt)),
    cancel: (key: TimerKey) => guarded(checkKey(key), () => wheel.cancel(key)),
    get: (key: TimerKey) => guarded(checkKey(key), () => Option.fromUndefinedOr(wheel.get(key))),
    due: (now: Instant, limit: number) =>
      guarded(checkInstant("now", now) ?? checkLimit(limit), () => wheel.peekDue(now, limit)),
    takeDue: (now: Instant, limit: number) =>
      guarded(checkInstant("now", now) ?? checkLimit(limit), () => wheel.takeDue(now, limit)),
    markFired: (key: TimerKey, version: StateVersion) =>
      guarded(checkKey(key) ?? checkVersion(version), () => wheel.markFired(key, version)),
    nextDueAt: Effect.sync(() => Option.fromUndefinedOr(wheel.nextDueAt())),
    stats: Effect.sync(() => ({ armed: wheel.armed, fired: wheel.fired }))
  }
  return {
    scheduler,
    snapshot: Effect.sync(() => ({ format: "gridwork.scheduler.snapshot.v1", timers: wheel.toRecords() }))
  }
}

/**
 * A new in-memory scheduler, empty or rebuilt from a snapshot (a simulated restart).
 * Fails with {@link TimerInputInvalid} when the snapshot holds a key twice. Decode
 * snapshots read from outside with `Schema.decodeUnknownEffect(SchedulerSnapshot)`.
 */
export const make = (snapshot?: SchedulerSnapshot): Effect.Effect<InMemoryDeadlineScheduler, TimerInputInvalid> =>
  snapshot === undefined
    ? Effect.sync(() => wrap(new TimerWheel()))
    : Effect.suspend(() => Effect.fromResult(TimerWheel.fromRecords(snapshot.timers))).pipe(Effect.map(wrap))

/** A layer with an empty in-memory {@link DeadlineScheduler}. */
export const layer: Layer.Layer<DeadlineScheduler> = Layer.effect(
  DeadlineScheduler,
  Effect.map(make(), (made) => made.scheduler).pipe(Effect.orDie)
)

/** A layer with an in-memory {@link DeadlineScheduler} rebuilt from `snapshot`. */
export const layerFromSnapshot = (snapshot: SchedulerSnapshot): Layer.Layer<DeadlineScheduler, TimerInputInvalid> =>
  Layer.effect(
    DeadlineScheduler,
    Effect.map(make(snapshot), (made) => made.scheduler)
  )
